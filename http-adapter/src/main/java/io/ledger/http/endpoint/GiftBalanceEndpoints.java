package io.ledger.http.endpoint;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.GiftBalanceRecord;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.Ledger;
import io.ledger.engine.ResultCode;

/** Gift balances: merchant-funded money a customer spends before cash ({@code GiftBalanceDto}), and a customer's list. */
final class GiftBalanceEndpoints
{
    private GiftBalanceEndpoints()
    {
    }

    static void register(final Endpoints.Table table)
    {
        table.add(new Create())
            .add(new ListGiftBalances());
    }

    /** {@code POST /api/canary/customers/{id}/gift-balances} with {@code {"amount", "currency", "expiresAt"?, "description"?}}. */
    private static final class Create extends Endpoint
    {
        Create()
        {
            super(Route.post("create_gift_balance", "/api/canary/customers/{id}/gift-balances", CommandType.CREATE_GIFT_BALANCE)
                .pathId(Field.CUSTOMER_KEY));
        }

        @Override
        public void parse(final Request request)
        {
            for (final BodyReader body = request.body(); body.next(); )
            {
                if (body.name().equals("expiresAt"))
                {
                    final long expiresAt = body.instant();
                    if (expiresAt != Long.MIN_VALUE)
                    {
                        request.draft().set(Field.EXPIRES_AT_MS, expiresAt);
                    }
                }
                else
                {
                    body.field(request.draft());
                }
            }
            request.requiredMoney();
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            writeGiftBalance(json, ids, (GiftBalanceRecord)event.resultObject());
        }

        @Override
        public String refusalMessage(final ResultCode result)
        {
            return switch (result)
            {
                case INSUFFICIENT_MERCHANT_FUNDS -> "Insufficient merchant balance to fund the gift balance";
                case INVALID_DEADLINE -> "expiresAt must be after now and at most " + Rules.DEADLINE_AHEAD_DAYS_MAX + " days ahead";
                case LIMIT_EXCEEDED -> "A customer can have at most " + Ledger.GIFT_BALANCES_ACTIVE_PER_CUSTOMER_MAX + " gift balances with money left";
                default -> null;
            };
        }
    }

    /** {@code GET /api/canary/customers/{id}/gift-balances}: the customer's gift balances, oldest first, spent and expired ones too. */
    private static final class ListGiftBalances extends ListEndpoint
    {
        ListGiftBalances()
        {
            super(Route.get("list_gift_balances", "/api/canary/customers/{id}/gift-balances", CommandType.LIST_GIFT_BALANCES)
                .pathId(Field.CUSTOMER_KEY));
        }

        @Override
        protected void writeRow(final JsonGenerator json, final CommandEvent event, final int row, final Ids ids, final String merchantId)
            throws IOException
        {
            writeGiftBalance(json, ids, (GiftBalanceRecord)event.rowObject(row));
        }
    }

    /** {@code GiftBalanceDto}. */
    private static void writeGiftBalance(final JsonGenerator json, final Ids ids, final GiftBalanceRecord gift) throws IOException
    {
        json.writeStartObject();
        json.writeStringField("id", ids.format(IdKind.GIFT_BALANCE, gift.key()));
        json.writeStringField("customerId", ids.format(IdKind.CUSTOMER, gift.customerKey()));
        json.writeStringField("merchantId", gift.merchantId());
        json.writeNumberField("amount", gift.amountMinor());
        json.writeNumberField("remainingAmount", gift.remainingMinor());
        json.writeStringField("currency", Currencies.toString(gift.currency()));
        if (gift.expiresAtMs() != GiftBalanceRecord.NO_EXPIRY)
        {
            json.writeStringField("expiresAt", Json.timestamp(gift.expiresAtMs()));
        }
        if (gift.description() != null)
        {
            json.writeStringField("description", gift.description());
        }
        json.writeStringField("status", gift.status());
        json.writeStringField("createdAt", Json.timestamp(gift.createdAtMs()));
        json.writeStringField("updatedAt", Json.timestamp(gift.updatedAtMs()));
        json.writeEndObject();
    }
}
