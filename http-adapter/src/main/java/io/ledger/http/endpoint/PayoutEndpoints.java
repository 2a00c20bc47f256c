package io.ledger.http.endpoint;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.PayoutRecord;

/** Payouts: money leaves the merchant's balance to its bank account. Make one, list them; {@code PayoutResponseDto}. */
final class PayoutEndpoints
{
    private PayoutEndpoints()
    {
    }

    static void register(final Endpoints.Table table)
    {
        table.add(new Create())
            .add(new ListPayouts());
    }

    /** {@code POST /api/canary/payouts} with {@code CreatePayoutDto}. */
    private static final class Create extends Endpoint
    {
        Create()
        {
            super(Route.post("create_payout", "/api/canary/payouts", CommandType.PAYOUT));
        }

        @Override
        public void parse(final Request request)
        {
            request.readBody();
            request.requiredMoney();
            request.required(Field.METADATA_JSON, "metadata");
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            writePayout(json, ids, (PayoutRecord)event.resultObject());
        }
    }

    /** {@code GET /api/canary/payouts[?status=]}: newest first; every payout here is {@code completed}. */
    private static final class ListPayouts extends ListEndpoint
    {
        ListPayouts()
        {
            super(Route.get("list_payouts", "/api/canary/payouts", CommandType.LIST_PAYOUTS));
        }

        @Override
        protected void parseFilters(final Request request)
        {
            QueryParser.payoutStatus(request.params(), request.draft());
        }

        @Override
        protected void writeRow(final JsonGenerator json, final CommandEvent event, final int row, final Ids ids, final String merchantId)
            throws IOException
        {
            writePayout(json, ids, (PayoutRecord)event.rowObject(row));
        }
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
}
