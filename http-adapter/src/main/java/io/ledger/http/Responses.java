package io.ledger.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.Currencies;
import io.ledger.engine.CustomerRecord;
import io.ledger.engine.EntryType;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.PaymentMethodRecord;
import io.ledger.engine.PayoutRecord;
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
    /** Set on a response that repeats the stored outcome of an earlier request with the same idempotency key. */
    static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

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
            case INVALID_AMOUNT, INVALID_CURRENCY, INVALID_FIELD, INVALID_DEADLINE, INVALID_CASHBACK -> HttpResponseStatus.BAD_REQUEST;
            case CUSTOMER_NOT_FOUND, COUNTERPARTY_NOT_FOUND, PAYMENT_METHOD_NOT_FOUND, PURCHASE_NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case DUPLICATE_EMAIL, ALREADY_INITIALIZED, EXTERNAL_REFERENCE_USED, PURCHASE_NOT_HELD, REFUND_WINDOW_CLOSED, PURCHASE_HELD,
                REFUND_EXCEEDS_PURCHASE -> HttpResponseStatus.CONFLICT;
            case INSUFFICIENT_FUNDS, INSUFFICIENT_MERCHANT_FUNDS -> HttpResponseStatus.PAYMENT_REQUIRED;
            case AMOUNT_OVERFLOW, IDEMPOTENCY_KEY_REUSED, LIMIT_EXCEEDED -> HttpResponseStatus.UNPROCESSABLE_ENTITY;
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
            case CUSTOMER_NOT_FOUND -> route == Route.CREATE_TRANSFER ? "fromCustomerId: Customer not found" : "Customer not found";
            case COUNTERPARTY_NOT_FOUND -> "toCustomerId: Customer not found";
            case PAYMENT_METHOD_NOT_FOUND -> "Payment method not found";
            case INVALID_DEADLINE -> "A deadline must be after the ledger's current time and at most 3650 days ahead";
            case INVALID_CASHBACK -> "cashback must be a positive amount or percentage of at most the purchase's amount";
            case PURCHASE_NOT_FOUND -> "Purchase not found";
            case EXTERNAL_REFERENCE_USED -> "externalReference was already used by another purchase of this customer";
            case PURCHASE_NOT_HELD -> "The purchase is not held";
            case REFUND_WINDOW_CLOSED -> "The purchase's refundable window has closed";
            case PURCHASE_HELD -> "A held purchase cannot be refunded; cancel it instead";
            case REFUND_EXCEEDS_PURCHASE -> "The refund exceeds what is left to refund of the purchase";
            case DUPLICATE_EMAIL -> route == Route.UPDATE_CUSTOMER
                ? "Email already in use by another customer" : "Customer with this email already exists";
            case IDEMPOTENCY_KEY_REUSED -> "Idempotency-Key was already used with a different request";
            case ALREADY_INITIALIZED -> "The deployment is already initialized";
            case LIMIT_EXCEEDED -> "A customer can save at most " + io.ledger.engine.Ledger.PAYMENT_METHODS_PER_CUSTOMER_MAX + " payment methods";
            case INSUFFICIENT_FUNDS -> route == Route.CREATE_TRANSFER ? "Insufficient sender balance" : "Insufficient customer balance";
            case INSUFFICIENT_MERCHANT_FUNDS -> "Insufficient merchant balance";
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

    /** @return the response for a command that has been applied and journaled, or a query answered, with the deployment's ids. */
    static FullHttpResponse reply(final ByteBufAllocator alloc, final Route route, final CommandEvent event, final Ids ids)
    {
        final FullHttpResponse response = outcome(alloc, route, event, ids);
        if (event.replayed())
        {
            response.headers().set(IDEMPOTENT_REPLAYED, "true");
        }
        return response;
    }

    private static FullHttpResponse outcome(final ByteBufAllocator alloc, final Route route, final CommandEvent event, final Ids ids)
    {
        final ResultCode result = event.result();
        if (result != ResultCode.OK)
        {
            final FullHttpResponse response = error(alloc, statusOf(result), messageOf(result, route));
            if (result == null || result == ResultCode.CAPACITY_EXHAUSTED)
            {
                response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            }
            return response;
        }
        final ByteBuf body = alloc.buffer(route.list() ? 4096 : 256);
        try (JsonGenerator json = Json.generator(body))
        {
            switch (route)
            {
                case CREATE_CUSTOMER, GET_CUSTOMER, UPDATE_CUSTOMER -> writeCustomer(json, ids, event.customer());
                case GET_CUSTOMER_BALANCE -> writeCustomerBalance(json, ids, event);
                case GET_MERCHANT_BALANCE -> writeMerchantBalance(json, event);
                case CREATE_PAY_IN -> writePayIn(json, ids, event);
                case CREATE_PURCHASE -> writePurchase(json, ids, event);
                case CREATE_TRANSFER -> writeTransfer(json, ids, event);
                case CREATE_PAYOUT -> writePayout(json, ids, (PayoutRecord)event.resultObject());
                case CREATE_PAYMENT_METHOD, GET_PAYMENT_METHOD -> writePaymentMethod(json, ids, (PaymentMethodRecord)event.resultObject(), true);
                case DELETE_PAYMENT_METHOD -> writeDeleted(json, ids, event);
                case LIST_CUSTOMERS, LIST_CUSTOMER_TRANSACTIONS, LIST_CUSTOMER_PAYMENT_METHODS, LIST_PAYMENT_METHODS,
                    LIST_TRANSFERS, LIST_PAYOUTS, LIST_BALANCE_HISTORY -> writeList(json, ids, route, event);
                default -> throw new IllegalStateException("route=" + route + " is not a ledger command");
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            body.release();
            throw ex instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException)ex;
        }
        return response(route.creates() ? HttpResponseStatus.CREATED : HttpResponseStatus.OK, body);
    }

    /** {@code {data: [...], pagination: {limit, offset, total, hasMore}}} for every list route. */
    private static void writeList(final JsonGenerator json, final Ids ids, final Route route, final CommandEvent event) throws IOException
    {
        final String merchantId = event.textString(Field.MERCHANT_ID);
        json.writeStartObject();
        json.writeArrayFieldStart("data");
        for (int row = 0; row < event.rowCount(); row++)
        {
            switch (route)
            {
                case LIST_CUSTOMERS -> writeCustomer(json, ids, (CustomerRecord)event.rowObject(row));
                case LIST_CUSTOMER_PAYMENT_METHODS -> writePaymentMethod(json, ids, (PaymentMethodRecord)event.rowObject(row), false);
                case LIST_PAYMENT_METHODS -> writePaymentMethod(json, ids, (PaymentMethodRecord)event.rowObject(row), true);
                case LIST_PAYOUTS -> writePayout(json, ids, (PayoutRecord)event.rowObject(row));
                case LIST_CUSTOMER_TRANSACTIONS -> writeCustomerTransaction(json, ids, event, row, merchantId);
                case LIST_BALANCE_HISTORY -> writeBalanceTransaction(json, ids, event, row, merchantId);
                case LIST_TRANSFERS -> writeTransferRow(json, ids, event, row, merchantId);
                default -> throw new IllegalStateException("route=" + route + " is not a list");
            }
        }
        json.writeEndArray();
        json.writeObjectFieldStart("pagination");
        json.writeNumberField("limit", event.get(Field.PAGE_LIMIT));
        json.writeNumberField("offset", event.get(Field.PAGE_OFFSET));
        json.writeNumberField("total", event.rowTotal());
        json.writeBooleanField("hasMore", event.get(Field.PAGE_OFFSET) + event.rowCount() < event.rowTotal());
        json.writeEndObject();
        json.writeEndObject();
    }

    /** {@code CustomerTransactionDto}: signed amount, the balance right after, and what made it. */
    private static void writeCustomerTransaction(final JsonGenerator json, final Ids ids, final CommandEvent event, final int row, final String merchantId)
        throws IOException
    {
        final EntryType type = EntryType.fromOrdinal((int)event.rowLong(row, CommandEvent.ROW_TYPE));
        final String time = Json.timestamp(event.rowLong(row, CommandEvent.ROW_TIMESTAMP_MS));
        json.writeStartObject();
        json.writeStringField("id", ids.format(IdKind.ENTRY, event.rowLong(row, CommandEvent.ROW_ENTRY)));
        json.writeStringField("createdAt", time);
        json.writeStringField("updatedAt", time);
        json.writeStringField("customerId", ids.format(IdKind.CUSTOMER, event.rowLong(row, CommandEvent.ROW_ACCOUNT)));
        json.writeStringField("merchantId", merchantId);
        json.writeStringField("type", type.apiName());
        json.writeNumberField("amount", event.rowLong(row, CommandEvent.ROW_AMOUNT));
        json.writeStringField("currency", Currencies.toString((int)event.rowLong(row, CommandEvent.ROW_CURRENCY)));
        final String description = describe(type, event.rowText(row));
        if (description != null)
        {
            json.writeStringField("description", description);
        }
        json.writeStringField("relatedEntityId", ids.format(type.relatedIdKind(), event.rowLong(row, CommandEvent.ROW_COMMAND_ID)));
        json.writeStringField("relatedEntityType", type.relatedEntityType());
        json.writeNumberField("balanceAfter", event.rowLong(row, CommandEvent.ROW_BALANCE_AFTER));
        json.writeEndObject();
    }

    /** {@code BalanceTransactionDto}: as a customer's, for the merchant's own balance; {@code description} is required. */
    private static void writeBalanceTransaction(final JsonGenerator json, final Ids ids, final CommandEvent event, final int row, final String merchantId)
        throws IOException
    {
        final EntryType type = EntryType.fromOrdinal((int)event.rowLong(row, CommandEvent.ROW_TYPE));
        final String time = Json.timestamp(event.rowLong(row, CommandEvent.ROW_TIMESTAMP_MS));
        final String description = describe(type, event.rowText(row));
        json.writeStartObject();
        json.writeStringField("id", ids.format(IdKind.ENTRY, event.rowLong(row, CommandEvent.ROW_ENTRY)));
        json.writeStringField("createdAt", time);
        json.writeStringField("updatedAt", time);
        json.writeStringField("merchantId", merchantId);
        json.writeStringField("type", type.apiName());
        json.writeNumberField("amount", event.rowLong(row, CommandEvent.ROW_AMOUNT));
        json.writeStringField("currency", Currencies.toString((int)event.rowLong(row, CommandEvent.ROW_CURRENCY)));
        json.writeStringField("description", description == null ? type.relatedEntityType() : description);
        json.writeStringField("relatedEntityId", ids.format(type.relatedIdKind(), event.rowLong(row, CommandEvent.ROW_COMMAND_ID)));
        json.writeStringField("relatedEntityType", type.relatedEntityType());
        json.writeNumberField("balanceAfter", event.rowLong(row, CommandEvent.ROW_BALANCE_AFTER));
        json.writeEndObject();
    }

    /**
     * A purchase's entries say what was bought; other entries carry the description their command gave, if any, as it
     * was given (an empty one stays empty, as in the reply to the command itself).
     */
    private static String describe(final EntryType type, final String text)
    {
        if (type == EntryType.PURCHASE || type == EntryType.SALE)
        {
            return text == null ? "Purchase" : "Purchase of " + text;
        }
        return text;
    }

    /** {@code TransferResponseDto} from the sender's history row. */
    private static void writeTransferRow(final JsonGenerator json, final Ids ids, final CommandEvent event, final int row, final String merchantId)
        throws IOException
    {
        final String description = event.rowText(row);
        writeTransfer(json, ids,
            event.rowLong(row, CommandEvent.ROW_COMMAND_ID),
            merchantId,
            event.rowLong(row, CommandEvent.ROW_ACCOUNT),
            event.rowLong(row, CommandEvent.ROW_COUNTERPARTY),
            -event.rowLong(row, CommandEvent.ROW_AMOUNT),
            (int)event.rowLong(row, CommandEvent.ROW_CURRENCY),
            description,
            event.rowLong(row, CommandEvent.ROW_TIMESTAMP_MS));
    }

    private static void writeTransfer(final JsonGenerator json, final Ids ids, final CommandEvent event) throws IOException
    {
        writeTransfer(json, ids,
            event.resultKey(),
            event.textString(Field.MERCHANT_ID),
            event.get(Field.CUSTOMER_KEY),
            event.get(Field.TO_CUSTOMER_KEY),
            event.get(Field.AMOUNT_MINOR),
            (int)event.get(Field.CURRENCY),
            event.textString(Field.DESCRIPTION),
            event.resultTimestampMs());
    }

    private static void writeTransfer(
        final JsonGenerator json, final Ids ids, final long key, final String merchantId, final long fromKey, final long toKey, final long amount,
        final int currency, final String description, final long timeMs) throws IOException
    {
        final String time = Json.timestamp(timeMs);
        json.writeStartObject();
        json.writeStringField("id", ids.format(IdKind.TRANSFER, key));
        json.writeStringField("merchantId", merchantId);
        json.writeStringField("fromCustomerId", ids.format(IdKind.CUSTOMER, fromKey));
        json.writeStringField("toCustomerId", ids.format(IdKind.CUSTOMER, toKey));
        json.writeNumberField("amount", amount);
        json.writeStringField("currency", Currencies.toString(currency));
        if (description != null)
        {
            json.writeStringField("description", description);
        }
        json.writeStringField("status", "completed");
        json.writeStringField("createdAt", time);
        json.writeStringField("updatedAt", time);
        json.writeEndObject();
    }

    /** {@code PayoutResponseDto}. */
    private static void writePayout(final JsonGenerator json, final Ids ids, final PayoutRecord payout) throws IOException
    {
        final String time = Json.timestamp(payout.createdAtMs());
        json.writeStartObject();
        json.writeStringField("id", ids.format(IdKind.PAYOUT, payout.key()));
        json.writeStringField("merchantId", payout.merchantId());
        json.writeNumberField("amount", payout.amountMinor());
        json.writeStringField("currency", Currencies.toString(payout.currency()));
        json.writeStringField("status", PayoutRecord.STATUS_COMPLETED);
        if (payout.bankAccount() != null)
        {
            json.writeStringField("bankAccount", payout.bankAccount());
        }
        if (payout.description() != null)
        {
            json.writeStringField("description", payout.description());
        }
        json.writeFieldName("metadata");
        json.writeRawValue(payout.metadataJson());
        json.writeStringField("createdAt", time);
        json.writeStringField("updatedAt", time);
        json.writeEndObject();
    }

    /**
     * {@code PaymentMethodResponseDto}, or with {@code full == false} {@code CustomerPaymentMethodDto}, which has no
     * {@code provider} or {@code phoneNumber}.
     */
    private static void writePaymentMethod(final JsonGenerator json, final Ids ids, final PaymentMethodRecord method, final boolean full)
        throws IOException
    {
        json.writeStartObject();
        json.writeStringField("id", ids.format(IdKind.PAYMENT_METHOD, method.key()));
        json.writeStringField("createdAt", Json.timestamp(method.createdAtMs()));
        json.writeStringField("updatedAt", Json.timestamp(method.updatedAtMs()));
        json.writeStringField("customerId", ids.format(IdKind.CUSTOMER, method.customerKey()));
        json.writeStringField("type", method.type());
        if (full)
        {
            json.writeStringField("provider", method.provider());
        }
        if (method.brand() != null)
        {
            json.writeStringField("brand", method.brand());
        }
        if (method.last4() != null)
        {
            json.writeStringField("last4", method.last4());
        }
        if (method.expiryMonth() > 0)
        {
            json.writeNumberField("expiryMonth", method.expiryMonth());
        }
        if (method.expiryYear() > 0)
        {
            json.writeNumberField("expiryYear", method.expiryYear());
        }
        if (full && method.phoneNumber() != null)
        {
            json.writeStringField("phoneNumber", method.phoneNumber());
        }
        json.writeBooleanField("isDefault", method.isDefault());
        json.writeEndObject();
    }

    /** The reference's delete example: {@code {id, deleted: true, deletedAt}}. */
    private static void writeDeleted(final JsonGenerator json, final Ids ids, final CommandEvent event) throws IOException
    {
        json.writeStartObject();
        json.writeStringField("id", ids.format(IdKind.PAYMENT_METHOD, event.resultKey()));
        json.writeBooleanField("deleted", true);
        json.writeStringField("deletedAt", Json.timestamp(event.resultTimestampMs()));
        json.writeEndObject();
    }

    /** {@code MerchantBalanceResponseDto}. */
    private static void writeMerchantBalance(final JsonGenerator json, final CommandEvent event) throws IOException
    {
        final String merchantId = event.textString(Field.MERCHANT_ID);
        final String currency = Currencies.toString(event.resultCurrency());
        json.writeStartObject();
        json.writeStringField("id", "bal_" + merchantId + "_" + currency.toLowerCase(java.util.Locale.ROOT));
        json.writeStringField("createdAt", Json.timestamp(event.accountCreatedAtMs()));
        json.writeStringField("updatedAt", Json.timestamp(event.accountUpdatedAtMs()));
        json.writeStringField("merchantId", merchantId);
        json.writeNumberField("amount", event.balanceAfterMinor());
        json.writeStringField("currency", currency);
        json.writeNumberField("available", event.balanceAfterMinor());
        json.writeNumberField("pending", 0);
        json.writeEndObject();
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

    /** {@code CustomerResponseDto}. */
    static void writeCustomer(final JsonGenerator json, final Ids ids, final CustomerRecord customer) throws IOException
    {
        json.writeStartObject();
        json.writeStringField("id", ids.format(IdKind.CUSTOMER, customer.key()));
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
    private static void writeCustomerBalance(final JsonGenerator json, final Ids ids, final CommandEvent event) throws IOException
    {
        final CustomerRecord customer = event.customer();
        final String currency = Currencies.toString(event.resultCurrency());
        json.writeStartObject();
        json.writeStringField("id", ids.format(IdKind.BALANCE, customer.key()) + "_" + currency.toLowerCase(java.util.Locale.ROOT));
        json.writeStringField("createdAt", Json.timestamp(customer.createdAtMs()));
        json.writeStringField("updatedAt", Json.timestamp(event.accountUpdatedAtMs()));
        json.writeStringField("customerId", ids.format(IdKind.CUSTOMER, customer.key()));
        json.writeStringField("merchantId", customer.merchantId());
        json.writeNumberField("amount", event.balanceAfterMinor());
        json.writeStringField("currency", currency);
        json.writeNumberField("available", event.balanceAfterMinor());
        json.writeNumberField("pending", 0);
        json.writeEndObject();
    }

    /** This project's pay-in object (the Cashful subset has no pay-in schema; see /openapi.json). */
    private static void writePayIn(final JsonGenerator json, final Ids ids, final CommandEvent event) throws IOException
    {
        final String time = Json.timestamp(event.resultTimestampMs());
        json.writeStartObject();
        json.writeStringField("id", ids.format(IdKind.PAY_IN, event.resultKey()));
        json.writeStringField("customerId", ids.format(IdKind.CUSTOMER, event.get(Field.CUSTOMER_KEY)));
        json.writeStringField("merchantId", event.textString(Field.MERCHANT_ID));
        json.writeNumberField("amount", event.get(Field.AMOUNT_MINOR));
        json.writeStringField("currency", Currencies.toString((int)event.get(Field.CURRENCY)));
        if (event.has(Field.DESCRIPTION))
        {
            json.writeStringField("description", event.textString(Field.DESCRIPTION));
        }
        json.writeStringField("status", "completed");
        json.writeNumberField("balanceAfter", event.balanceAfterMinor());
        json.writeStringField("createdAt", time);
        json.writeStringField("updatedAt", time);
        json.writeEndObject();
    }

    /** {@code PurchaseResponseDto}. */
    private static void writePurchase(final JsonGenerator json, final Ids ids, final CommandEvent event) throws IOException
    {
        final String time = Json.timestamp(event.resultTimestampMs());
        json.writeStartObject();
        json.writeStringField("id", ids.format(IdKind.PURCHASE, event.resultKey()));
        json.writeStringField("merchantId", event.textString(Field.MERCHANT_ID));
        json.writeStringField("customerId", ids.format(IdKind.CUSTOMER, event.get(Field.CUSTOMER_KEY)));
        json.writeStringField("productId", event.textString(Field.PRODUCT_ID));
        json.writeNumberField("amount", event.get(Field.AMOUNT_MINOR));
        json.writeStringField("currency", Currencies.toString((int)event.get(Field.CURRENCY)));
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
