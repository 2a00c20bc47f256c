package io.ledger.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.Ids;
import io.ledger.engine.ResultCode;
import io.ledger.http.endpoint.BodyBytes;
import io.ledger.http.endpoint.DialectEndpoint;
import io.ledger.http.endpoint.Endpoint;
import io.ledger.http.endpoint.Json;
import io.ledger.http.endpoint.Rules;
import io.ledger.http.metrics.LedgerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response shapes every route shares, encoded with the jackson-core generator: the error shape
 * ({@code BadRequestResponseDto}, for every status), a command's reply (its {@link Endpoint} writes the body of a
 * success, which carries exactly the properties the Cashful schema names: its SDKs reject unknown fields), health and
 * the OpenAPI document.
 *
 * <p>{@link #statusOf(ResultCode)} and {@link #messageOf(ResultCode)} are the one place where ledger outcomes become
 * HTTP statuses and messages.
 *
 * <p>Thread-safety: stateless; used from event loops and the reply thread.
 */
public final class Responses
{
    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);

    /** Set on a response that repeats the stored outcome of an earlier request with the same idempotency key. */
    static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

    private Responses()
    {
    }

    /** The one mapping from ledger outcome to HTTP status. */
    public static HttpResponseStatus statusOf(final ResultCode result)
    {
        if (result == null)
        {
            return HttpResponseStatus.SERVICE_UNAVAILABLE; // the pipeline stopped before acknowledging it
        }
        return switch (result)
        {
            case OK -> HttpResponseStatus.OK;
            case INVALID_AMOUNT, INVALID_CURRENCY, INVALID_FIELD, INVALID_DEADLINE, INVALID_CASHBACK, AMOUNT_TOO_PRECISE,
                AT_BEFORE_HISTORY, AT_IN_FUTURE, MASUMI_UNIT_UNKNOWN -> HttpResponseStatus.BAD_REQUEST;
            case CUSTOMER_NOT_FOUND, COUNTERPARTY_NOT_FOUND, PAYMENT_METHOD_NOT_FOUND, PURCHASE_NOT_FOUND, API_KEY_NOT_FOUND,
                MASUMI_AGENT_NOT_FOUND, MASUMI_PURCHASE_NOT_FOUND ->
                HttpResponseStatus.NOT_FOUND;
            case DUPLICATE_EMAIL, ALREADY_INITIALIZED, EXTERNAL_REFERENCE_USED, PURCHASE_NOT_HELD, REFUND_WINDOW_CLOSED, PURCHASE_HELD,
                REFUND_EXCEEDS_PURCHASE, API_KEY_REVOKED, MASUMI_PURCHASE_EXISTS -> HttpResponseStatus.CONFLICT;
            case INSUFFICIENT_FUNDS, INSUFFICIENT_MERCHANT_FUNDS -> HttpResponseStatus.PAYMENT_REQUIRED;
            case AMOUNT_OVERFLOW, IDEMPOTENCY_KEY_REUSED, LIMIT_EXCEEDED -> HttpResponseStatus.UNPROCESSABLE_ENTITY;
            case CAPACITY_EXHAUSTED, CLUSTER_UNAVAILABLE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case LINKED_EVENT_CHAIN_OPEN -> HttpResponseStatus.BAD_REQUEST;
            case LINKED_EVENT_FAILED -> HttpResponseStatus.FAILED_DEPENDENCY;
        };
    }

    /** The message an error outcome gets, unless its endpoint words it otherwise ({@link Endpoint#refusalMessage}). */
    public static String messageOf(final ResultCode result)
    {
        if (result == null)
        {
            return "The ledger is unavailable; the request was not applied";
        }
        return switch (result)
        {
            case OK -> "OK";
            case INVALID_AMOUNT -> Rules.AMOUNT;
            case INVALID_CURRENCY -> Rules.CURRENCY;
            case INVALID_FIELD -> "request is missing a required field";
            case CUSTOMER_NOT_FOUND -> Rules.CUSTOMER_NOT_FOUND;
            case COUNTERPARTY_NOT_FOUND -> "toCustomerId: " + Rules.CUSTOMER_NOT_FOUND;
            case PAYMENT_METHOD_NOT_FOUND -> Rules.PAYMENT_METHOD_NOT_FOUND;
            case DUPLICATE_EMAIL -> "Customer with this email already exists";
            case INVALID_DEADLINE -> "A deadline must be after the ledger's current time and at most 3650 days ahead";
            case INVALID_CASHBACK -> "cashback must be a positive amount or percentage of at most the purchase's amount";
            case PURCHASE_NOT_FOUND -> Rules.PURCHASE_NOT_FOUND;
            case AT_BEFORE_HISTORY -> "The time asked for is before the ledger's history begins";
            case AT_IN_FUTURE -> "The time asked for is after the ledger's current time";
            case EXTERNAL_REFERENCE_USED -> "externalReference was already used by another purchase of this customer";
            case PURCHASE_NOT_HELD -> "The purchase is not held";
            case REFUND_WINDOW_CLOSED -> "The purchase's refundable window has closed";
            case PURCHASE_HELD -> "A held purchase cannot be refunded; cancel it instead";
            case REFUND_EXCEEDS_PURCHASE -> "The refund exceeds what is left to refund of the purchase";
            case IDEMPOTENCY_KEY_REUSED -> "Idempotency-Key was already used with a different request";
            case ALREADY_INITIALIZED -> "The deployment is already initialized";
            case LIMIT_EXCEEDED -> "A customer can save at most " + io.ledger.engine.Ledger.PAYMENT_METHODS_PER_CUSTOMER_MAX + " payment methods";
            case INSUFFICIENT_FUNDS -> "Insufficient customer balance";
            case INSUFFICIENT_MERCHANT_FUNDS -> "Insufficient merchant balance";
            case AMOUNT_OVERFLOW -> "The resulting balance would exceed " + CommandEvent.AMOUNT_MINOR_MAX + " minor units";
            case CAPACITY_EXHAUSTED -> "The ledger has reached a capacity limit of its in-memory state";
            case LINKED_EVENT_CHAIN_OPEN -> "The last command of a batch cannot be linked: its chain has no end";
            case LINKED_EVENT_FAILED -> "Not applied: another command of its linked chain was refused";
            case AMOUNT_TOO_PRECISE -> "The amount has more decimals than its currency allows";
            case API_KEY_NOT_FOUND -> "API key not found";
            case API_KEY_REVOKED -> "The API key is revoked";
            case CLUSTER_UNAVAILABLE -> "The cluster did not confirm the request in time; it may have been applied: retry with the "
                + "same Idempotency-Key";
            case MASUMI_UNIT_UNKNOWN -> "The unit is not mapped to a currency";
            case MASUMI_AGENT_NOT_FOUND -> "Agent identifier not found";
            case MASUMI_PURCHASE_NOT_FOUND -> "Purchase not found or not in valid state";
            case MASUMI_PURCHASE_EXISTS -> "Purchase request already exists";
        };
    }

    /** A path no route matches under {@code method}: 405 with {@code Allow} when other methods match it, else 404. */
    static FullHttpResponse unmatched(final ByteBufAllocator alloc, final HttpMethod method, final String path,
        final List<HttpMethod> allowed)
    {
        if (allowed.isEmpty())
        {
            return error(alloc, HttpResponseStatus.NOT_FOUND, "Cannot " + method + " " + RequestText.truncate(path));
        }
        final FullHttpResponse response = error(alloc, HttpResponseStatus.METHOD_NOT_ALLOWED, "Cannot " + method + " " + path);
        response.headers().set(HttpHeaderNames.ALLOW, RequestText.joinMethods(allowed));
        return response;
    }

    /** 401 for a token that did not authenticate, with the reason and {@code WWW-Authenticate: Bearer}. */
    static FullHttpResponse unauthorized(final ByteBufAllocator alloc, final String reason)
    {
        final FullHttpResponse response = error(alloc, HttpResponseStatus.UNAUTHORIZED, reason);
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        return response;
    }

    /** @return an error response in the Cashful error shape. */
    static FullHttpResponse error(final ByteBufAllocator alloc, final HttpResponseStatus status, final List<String> messages)
    {
        final ByteBuf body = alloc.buffer(128);
        try (JsonGenerator json = Json.generator(body))
        {
            json.writeStartObject();
            json.writeNumberField("statusCode", status.code());
            json.writeArrayFieldStart("message");
            for (final String message : messages)
            {
                json.writeString(message);
            }
            json.writeEndArray();
            json.writeStringField("error", status.reasonPhrase());
            json.writeEndObject();
        }
        catch (final IOException ex)
        {
            body.release();
            throw new UncheckedIOException(ex);
        }
        return response(status, body);
    }

    static FullHttpResponse error(final ByteBufAllocator alloc, final HttpResponseStatus status, final String message)
    {
        return error(alloc, status, List.of(message));
    }

    /** @return an error response in {@code endpoint}'s shape: its dialect's ({@link DialectEndpoint}), else Cashful's. */
    static FullHttpResponse error(final ByteBufAllocator alloc, final Endpoint endpoint, final HttpResponseStatus status,
        final List<String> messages)
    {
        if (!(endpoint instanceof DialectEndpoint dialect))
        {
            return error(alloc, status, messages);
        }
        final ByteBuf body = alloc.buffer(128);
        try (JsonGenerator json = Json.generator(body))
        {
            dialect.writeError(json, status, messages);
        }
        catch (final IOException ex)
        {
            body.release();
            throw new UncheckedIOException(ex);
        }
        return response(status, body);
    }

    /**
     * @return the response for a command that has been applied and journaled, or a query answered: the endpoint's body
     *         and success status, or the refusal in the error shape; with the deployment's ids.
     */
    static FullHttpResponse reply(final ByteBufAllocator alloc, final Endpoint endpoint, final CommandEvent event, final Ids ids)
    {
        final FullHttpResponse response = outcome(alloc, endpoint, event, ids);
        if (event.replayed())
        {
            response.headers().set(IDEMPOTENT_REPLAYED, "true");
        }
        return response;
    }

    /**
     * As {@link #reply(ByteBufAllocator, Endpoint, CommandEvent, Ids)} for a connection kept alive or not: a success body
     * that has a byte form is written into {@code bodies} and the reply encoded whole ({@link EncodedReply}, the same
     * bytes on the wire); any other as that method makes it.
     */
    static FullHttpResponse reply(final ByteBufAllocator alloc, final Endpoint endpoint, final CommandEvent event, final Ids ids,
        final BodyBytes bodies, final boolean keepAlive)
    {
        final HttpResponseStatus status = endpoint.route().successStatus();
        final int length = event.result() == ResultCode.OK && LedgerHttpCodec.isWholeStatus(status) ? bodies.render(endpoint, event, ids) : -1;
        if (length < 0)
        {
            return reply(alloc, endpoint, event, ids);
        }
        return EncodedReply.of(alloc, status, event.replayed(), keepAlive, bodies.bytes(), length);
    }

    private static FullHttpResponse outcome(final ByteBufAllocator alloc, final Endpoint endpoint, final CommandEvent event, final Ids ids)
    {
        final ResultCode result = event.result();
        if (result != ResultCode.OK)
        {
            final HttpResponseStatus status = endpoint instanceof DialectEndpoint dialect ? dialect.refusalStatus(result) : statusOf(result);
            if (result != null && endpoint instanceof DialectEndpoint dialect)
            {
                final FullHttpResponse whole = dialectRefusal(alloc, dialect, status, event, ids);
                if (whole != null)
                {
                    return whole;
                }
            }
            final String message = result == null ? null : endpoint.refusalMessage(result, event, ids);
            final FullHttpResponse response = error(alloc, endpoint, status, List.of(message != null ? message : messageOf(result)));
            if (result == null || result == ResultCode.CAPACITY_EXHAUSTED)
            {
                response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            }
            return response;
        }
        final ByteBuf body = alloc.buffer(endpoint.replyBytesHint());
        try (JsonGenerator json = Json.generator(body))
        {
            endpoint.writeReply(json, event, ids);
        }
        catch (final IOException | RuntimeException ex)
        {
            body.release();
            throw ex instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException)ex;
        }
        return response(endpoint.route().successStatus(), body);
    }

    /** @return the dialect's own body for the refusal ({@link DialectEndpoint#writeRefusal}), or null when it has none. */
    private static FullHttpResponse dialectRefusal(final ByteBufAllocator alloc, final DialectEndpoint dialect, final HttpResponseStatus status,
        final CommandEvent event, final Ids ids)
    {
        final ByteBuf body = alloc.buffer(dialect.replyBytesHint());
        boolean written = false;
        try (JsonGenerator json = Json.generator(body))
        {
            written = dialect.writeRefusal(json, event, ids);
        }
        catch (final IOException | RuntimeException ex)
        {
            body.release();
            throw ex instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException)ex;
        }
        if (!written)
        {
            body.release();
            return null;
        }
        return response(status, body);
    }

    /** The served OpenAPI document, loaded once from the jar. */
    static FullHttpResponse openApi(final ByteBufAllocator alloc)
    {
        final byte[] document = OpenApiDocument.bytes();
        if (document == null)
        {
            return error(alloc, HttpResponseStatus.NOT_FOUND, "The OpenAPI document is not bundled in this build");
        }
        final ByteBuf body = alloc.buffer(document.length);
        body.writeBytes(document);
        return response(HttpResponseStatus.OK, body);
    }

    /** {@code GET /metrics}: every metric family, in the format {@code accept} asks for (see {@link LedgerMetrics#scrape}). */
    static FullHttpResponse metrics(final ByteBufAllocator alloc, final LedgerMetrics metrics, final String accept)
    {
        final ByteBuf body = alloc.buffer(32 * 1024);
        final String contentType;
        try (ByteBufOutputStream out = new ByteBufOutputStream(body))
        {
            contentType = metrics.scrape(accept, out);
        }
        catch (final IOException | RuntimeException ex)
        {
            body.release();
            LOG.error("metrics scrape failed", ex);
            return error(alloc, HttpResponseStatus.INTERNAL_SERVER_ERROR, "Internal server error");
        }
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, contentType)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }

    /**
     * The header fields of the replies made here, unchecked: every name and value set on them is the server's own (a
     * constant, digits, a method list of the router's), never a byte of the request, so Netty's check of each field as
     * it is set (a scan of every character) only costs time on every reply.
     */
    private static final HttpHeadersFactory OWN_FIELDS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    private static FullHttpResponse response(final HttpResponseStatus status, final ByteBuf body)
    {
        // No trailer fields (a whole reply has none): the shared empty set, not a header map made and dropped per reply.
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body, OWN_FIELDS.newHeaders(),
            EmptyHttpHeaders.INSTANCE);
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }
}
