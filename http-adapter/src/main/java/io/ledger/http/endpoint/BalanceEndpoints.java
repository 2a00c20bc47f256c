package io.ledger.http.endpoint;

import java.io.IOException;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.CustomerRecord;
import io.ledger.engine.EntryType;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.ResultCode;

/** Balances and their history: a customer's balance and transactions, the merchant's balance and balance history. */
final class BalanceEndpoints
{
    private BalanceEndpoints()
    {
    }

    static void register(final Endpoints.Table table)
    {
        table.add(new CustomerBalance())
            .add(new CustomerTransactions())
            .add(new MerchantBalance())
            .add(new BalanceHistory());
    }

    /**
     * {@code GET /api/canary/customers/{id}/balance[?currency=][&at=]}: {@code CustomerBalanceDto}; with {@code at} as of
     * that moment (issue 19), without {@code giftAmount}.
     */
    private static final class CustomerBalance extends Endpoint
    {
        CustomerBalance()
        {
            super(Route.get("get_customer_balance", "/api/canary/customers/{id}/balance", CommandType.GET_CUSTOMER_BALANCE)
                .pathId(Field.CUSTOMER_KEY));
        }

        @Override
        public void parse(final Request request)
        {
            request.draft().set(Field.CURRENCY, request.queryCurrency());
            QueryParser.asOf(request.params(), "at", request.draft(), request.problem());
        }

        @Override
        public String refusalMessage(final ResultCode result)
        {
            return asOfRefusal(result, "at");
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            final CustomerRecord customer = event.customer();
            final String currency = Currencies.toString(event.resultCurrency());
            json.writeStartObject();
            json.writeStringField("id", ids.format(IdKind.BALANCE, customer.key()) + "_" + currency.toLowerCase(Locale.ROOT));
            json.writeStringField("createdAt", Json.timestamp(customer.createdAtMs()));
            json.writeStringField("updatedAt", Json.timestamp(event.accountUpdatedAtMs()));
            json.writeStringField("customerId", ids.format(IdKind.CUSTOMER, customer.key()));
            json.writeStringField("merchantId", customer.merchantId());
            writeAmount(json, event, currency);
            if (event.giftTotalMinor() >= 0) // only for a customer who has or had a gift balance: the Cashful shape else
            {
                json.writeNumberField("giftAmount", event.giftTotalMinor());
            }
            json.writeEndObject();
        }
    }

    /**
     * {@code GET /api/canary/customers/{id}/transactions[?until=]}: {@code CustomerTransactionDto}s, newest first; with
     * {@code until} the history as it stood at that moment (issue 19).
     */
    private static final class CustomerTransactions extends ListEndpoint
    {
        CustomerTransactions()
        {
            super(Route.get("list_customer_transactions", "/api/canary/customers/{id}/transactions",
                CommandType.LIST_CUSTOMER_TRANSACTIONS).pathId(Field.CUSTOMER_KEY));
        }

        @Override
        protected void parseFilters(final Request request)
        {
            QueryParser.asOf(request.params(), "until", request.draft(), request.problem());
        }

        @Override
        public String refusalMessage(final ResultCode result)
        {
            return asOfRefusal(result, "until");
        }

        /** Signed amount, the balance right after, and what made it. */
        @Override
        protected void writeRow(final JsonGenerator json, final CommandEvent event, final int row, final Ids ids, final String merchantId)
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
            writeRelated(json, ids, event, row, type);
        }
    }

    /**
     * {@code GET /api/canary/balance[?currency=][&at=]}: {@code MerchantBalanceResponseDto}; with {@code at} as of that
     * moment (issue 19).
     */
    private static final class MerchantBalance extends Endpoint
    {
        MerchantBalance()
        {
            super(Route.get("get_merchant_balance", "/api/canary/balance", CommandType.GET_MERCHANT_BALANCE));
        }

        @Override
        public void parse(final Request request)
        {
            request.draft().set(Field.CURRENCY, request.queryCurrency());
            QueryParser.asOf(request.params(), "at", request.draft(), request.problem());
        }

        @Override
        public String refusalMessage(final ResultCode result)
        {
            return asOfRefusal(result, "at");
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            final String merchantId = event.textString(Field.MERCHANT_ID);
            final String currency = Currencies.toString(event.resultCurrency());
            json.writeStartObject();
            json.writeStringField("id", "bal_" + merchantId + "_" + currency.toLowerCase(Locale.ROOT));
            json.writeStringField("createdAt", Json.timestamp(event.accountCreatedAtMs()));
            json.writeStringField("updatedAt", Json.timestamp(event.accountUpdatedAtMs()));
            json.writeStringField("merchantId", merchantId);
            writeAmount(json, event, currency);
            json.writeEndObject();
        }
    }

    /**
     * {@code GET /api/canary/balance/history}: {@code BalanceTransactionDto}s, as a customer's but of the merchant's own
     * balance, {@code description} required; {@code startDate}, {@code endDate} and {@code transactionType}.
     */
    private static final class BalanceHistory extends ListEndpoint
    {
        BalanceHistory()
        {
            super(Route.get("list_balance_history", "/api/canary/balance/history", CommandType.LIST_BALANCE_HISTORY));
        }

        @Override
        protected void parseFilters(final Request request)
        {
            QueryParser.historyFilters(request.params(), request.draft(), request.problem());
        }

        @Override
        protected void writeRow(final JsonGenerator json, final CommandEvent event, final int row, final Ids ids, final String merchantId)
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
            writeRelated(json, ids, event, row, type);
        }
    }

    /**
     * A balance's amounts: {@code available} is the account's balance, {@code pending} what escrowed purchases hold for it
     * (a merchant's; a customer's is always 0), {@code amount} both.
     */
    private static void writeAmount(final JsonGenerator json, final CommandEvent event, final String currency) throws IOException
    {
        json.writeNumberField("amount", event.balanceAfterMinor() + event.pendingMinor());
        json.writeStringField("currency", currency);
        json.writeNumberField("available", event.balanceAfterMinor());
        json.writeNumberField("pending", event.pendingMinor());
    }

    /** The wording of a read as of a moment that was refused, naming the parameter; null for other refusals. */
    private static String asOfRefusal(final ResultCode result, final String name)
    {
        return switch (result)
        {
            case AT_BEFORE_HISTORY -> name + " is before the ledger's history begins (its first customer's creation)";
            case AT_IN_FUTURE -> name + " is after the ledger's current time";
            default -> null;
        };
    }

    /** The end of a history row: what made it and the balance right after; closes the row's object. */
    private static void writeRelated(final JsonGenerator json, final Ids ids, final CommandEvent event, final int row, final EntryType type)
        throws IOException
    {
        final int related = type.relatedByLink() ? CommandEvent.ROW_COUNTERPARTY : CommandEvent.ROW_COMMAND_ID;
        json.writeStringField("relatedEntityId", ids.format(type.relatedIdKind(), event.rowLong(row, related)));
        json.writeStringField("relatedEntityType", type.relatedEntityType());
        json.writeNumberField("balanceAfter", event.rowLong(row, CommandEvent.ROW_BALANCE_AFTER));
        json.writeEndObject();
    }

    /**
     * A purchase's entries (its debit, its sale or release, its cashback, the gift balances it spent, its cancellation)
     * say what was bought (their text is the product id); a gift balance's say which (its description); other entries
     * carry the description their command gave, if any, as it was given (an empty one stays empty, as in the reply to the
     * command itself).
     */
    private static String describe(final EntryType type, final String text)
    {
        return switch (type)
        {
            case PURCHASE, SALE, ESCROW_RELEASE -> text == null ? "Purchase" : "Purchase of " + text;
            case ESCROW_CANCEL -> text == null ? "Cancelled purchase" : "Cancelled purchase of " + text;
            case CUSTOMER_CASHBACK, MERCHANT_CASHBACK -> text == null ? "Cashback" : "Cashback on " + text;
            case GIFT_SPEND -> text == null ? "Gift balance spent" : "Gift balance spent on " + text;
            case GIFT_ISSUE -> text == null ? "Gift balance" : "Gift balance: " + text;
            case GIFT_EXPIRY -> text == null ? "Expired gift balance" : "Expired gift balance: " + text;
            case CUSTOMER_REFUND, MERCHANT_REFUND -> text == null ? "Refund" : text;
            default -> text;
        };
    }
}
