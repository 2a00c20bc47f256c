package io.ledger.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.Currencies;
import io.ledger.engine.CustomerRecord;
import io.ledger.engine.Ids;
import io.ledger.engine.ResultCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Encodes every response body with the jackson-core generator. Success bodies carry exactly the properties the
 * Cashful schema names (its SDKs reject unknown fields); optional properties are omitted when absent. Errors use
 * the {@code BadRequestResponseDto} shape for every status.
 *
 * <p>{@link #statusOf(ResultCode)} is the one place where ledger outcomes become HTTP statuses.
 *
 * <p>Thread-safety: stateless; used from event loops and the reply thread.
 */
final class Responses
{
    private Responses()
    {
    }

    /** The one mapping from ledger outcome to HTTP status. */
    static HttpResponseStatus statusOf(final ResultCode result)
    {
        if (result == null)
        {
            return HttpResponseStatus.SERVICE_UNAVAILABLE; // the pipeline stopped before acknowledging it
        }
        return switch (result)
        {
            case OK -> HttpResponseStatus.OK;
            case INVALID_AMOUNT, INVALID_CURRENCY, INVALID_FIELD -> HttpResponseStatus.BAD_REQUEST;
            case CUSTOMER_NOT_FOUND, COUNTERPARTY_NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case DUPLICATE_EMAIL -> HttpResponseStatus.CONFLICT;
            case INSUFFICIENT_FUNDS -> HttpResponseStatus.PAYMENT_REQUIRED;
            case AMOUNT_OVERFLOW -> HttpResponseStatus.UNPROCESSABLE_ENTITY;
            case CAPACITY_EXHAUSTED -> HttpResponseStatus.SERVICE_UNAVAILABLE;
        };
    }

    /** The message an error outcome gets, by the route that produced it. */
    static String messageOf(final ResultCode result, final Route route)
    {
        if (result == null)
        {
            return "The ledger is unavailable; the request was not applied";
        }
        return switch (result)
        {
            case OK -> "OK";
            case INVALID_AMOUNT -> "amount must be an integer number of minor units from 1 to " + CommandEvent.AMOUNT_MINOR_MAX;
            case INVALID_CURRENCY -> "currency must be an upper-case ISO 4217 code";
            case INVALID_FIELD -> "request is missing a required field";
            case CUSTOMER_NOT_FOUND, COUNTERPARTY_NOT_FOUND -> "Customer not found";
            case DUPLICATE_EMAIL -> "Customer with this email already exists";
            case INSUFFICIENT_FUNDS -> "Insufficient customer balance";
            case AMOUNT_OVERFLOW -> "The resulting balance would exceed " + CommandEvent.AMOUNT_MINOR_MAX + " minor units";
            case CAPACITY_EXHAUSTED -> "The ledger has reached a capacity limit of its in-memory state";
        };
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

    /** @return the response for a command that has been applied and journaled. */
    static FullHttpResponse reply(final ByteBufAllocator alloc, final Route route, final CommandEvent event)
    {
        final ResultCode result = event.result();
        if (result != ResultCode.OK)
        {
            final FullHttpResponse response = error(alloc, statusOf(result), messageOf(result, route));
            if (result == null)
            {
                response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            }
            return response;
        }
        final ByteBuf body = alloc.buffer(256);
        final HttpResponseStatus status;
        try (JsonGenerator json = Json.generator(body))
        {
            switch (route)
            {
                case CREATE_CUSTOMER ->
                {
                    status = HttpResponseStatus.CREATED;
                    writeCustomer(json, event.customer());
                }
                case GET_CUSTOMER ->
                {
                    status = HttpResponseStatus.OK;
                    writeCustomer(json, event.customer());
                }
                case GET_CUSTOMER_BALANCE ->
                {
                    status = HttpResponseStatus.OK;
                    writeCustomerBalance(json, event);
                }
                case CREATE_PAY_IN ->
                {
                    status = HttpResponseStatus.CREATED;
                    writePayIn(json, event);
                }
                case CREATE_PURCHASE ->
                {
                    status = HttpResponseStatus.CREATED;
                    writePurchase(json, event);
                }
                default -> throw new IllegalStateException("route=" + route + " is not a ledger command");
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            body.release();
            throw ex instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException)ex;
        }
        return response(status, body);
    }

    /** {@code CustomerResponseDto}. */
    static void writeCustomer(final JsonGenerator json, final CustomerRecord customer) throws IOException
    {
        json.writeStartObject();
        json.writeStringField("id", customer.id());
        json.writeStringField("createdAt", Json.timestamp(customer.createdAtMs()));
        json.writeStringField("updatedAt", Json.timestamp(customer.updatedAtMs()));
        json.writeStringField("merchantId", customer.merchantId());
        json.writeStringField("phoneNumber", customer.phoneNumber());
        if (customer.email() != null)
        {
            json.writeStringField("email", customer.email());
        }
        if (customer.name() != null)
        {
            json.writeStringField("name", customer.name());
        }
        json.writeFieldName("metadata");
        json.writeRawValue(customer.metadataJson());
        json.writeEndObject();
    }

    /** {@code CustomerBalanceDto}. */
    private static void writeCustomerBalance(final JsonGenerator json, final CommandEvent event) throws IOException
    {
        final CustomerRecord customer = event.customer();
        final String currency = Currencies.toString(event.resultCurrency());
        json.writeStartObject();
        json.writeStringField("id", Ids.format(Ids.BALANCE, customer.key()) + "_" + currency.toLowerCase(java.util.Locale.ROOT));
        json.writeStringField("createdAt", Json.timestamp(customer.createdAtMs()));
        json.writeStringField("updatedAt", Json.timestamp(event.accountUpdatedAtMs()));
        json.writeStringField("customerId", customer.id());
        json.writeStringField("merchantId", customer.merchantId());
        json.writeNumberField("amount", event.balanceAfterMinor());
        json.writeStringField("currency", currency);
        json.writeNumberField("available", event.balanceAfterMinor());
        json.writeNumberField("pending", 0);
        json.writeEndObject();
    }

    /** This project's pay-in object (the Cashful subset has no pay-in schema; see /openapi.json). */
    private static void writePayIn(final JsonGenerator json, final CommandEvent event) throws IOException
    {
        final String time = Json.timestamp(event.resultTimestampMs());
        json.writeStartObject();
        json.writeStringField("id", Ids.format(Ids.PAY_IN, event.commandId()));
        json.writeStringField("customerId", Ids.format(Ids.CUSTOMER, event.customerKey()));
        json.writeStringField("merchantId", event.textString(CommandEvent.TEXT_MERCHANT_ID));
        json.writeNumberField("amount", event.amountMinor());
        json.writeStringField("currency", Currencies.toString(event.currency()));
        if (event.hasText(CommandEvent.TEXT_DESCRIPTION))
        {
            json.writeStringField("description", event.textString(CommandEvent.TEXT_DESCRIPTION));
        }
        json.writeStringField("status", "completed");
        json.writeNumberField("balanceAfter", event.balanceAfterMinor());
        json.writeStringField("createdAt", time);
        json.writeStringField("updatedAt", time);
        json.writeEndObject();
    }

    /** {@code PurchaseResponseDto}. */
    private static void writePurchase(final JsonGenerator json, final CommandEvent event) throws IOException
    {
        final String time = Json.timestamp(event.resultTimestampMs());
        json.writeStartObject();
        json.writeStringField("id", Ids.format(Ids.PURCHASE, event.commandId()));
        json.writeStringField("merchantId", event.textString(CommandEvent.TEXT_MERCHANT_ID));
        json.writeStringField("customerId", Ids.format(Ids.CUSTOMER, event.customerKey()));
        json.writeStringField("productId", event.textString(CommandEvent.TEXT_PRODUCT_ID));
        json.writeNumberField("amount", event.amountMinor());
        json.writeStringField("currency", Currencies.toString(event.currency()));
        json.writeStringField("status", "completed");
        json.writeNumberField("customerBalanceBefore", event.balanceBeforeMinor());
        json.writeNumberField("customerBalanceAfter", event.balanceAfterMinor());
        json.writeStringField("createdAt", time);
        json.writeStringField("updatedAt", time);
        json.writeEndObject();
    }

    /** The health body, after the Cashful example: {@code {"status":"ok","info":{...},"error":{},"details":{...}}}. */
    static FullHttpResponse health(final ByteBufAllocator alloc, final boolean up)
    {
        final ByteBuf body = alloc.buffer(128);
        try (JsonGenerator json = Json.generator(body))
        {
            json.writeStartObject();
            json.writeStringField("status", up ? "ok" : "error");
            json.writeObjectFieldStart(up ? "info" : "error");
            json.writeObjectFieldStart("ledger");
            json.writeStringField("status", up ? "up" : "down");
            json.writeEndObject();
            json.writeEndObject();
            if (up)
            {
                json.writeObjectFieldStart("error");
                json.writeEndObject();
            }
            json.writeObjectFieldStart("details");
            json.writeObjectFieldStart("ledger");
            json.writeStringField("status", up ? "up" : "down");
            json.writeEndObject();
            json.writeEndObject();
            json.writeEndObject();
        }
        catch (final IOException ex)
        {
            body.release();
            throw new UncheckedIOException(ex);
        }
        return response(up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }

    private static FullHttpResponse response(final HttpResponseStatus status, final ByteBuf body)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }
}
