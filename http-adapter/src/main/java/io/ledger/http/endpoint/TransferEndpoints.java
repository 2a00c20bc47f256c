package io.ledger.http.endpoint;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.ResultCode;

/** Transfers between two customers of the merchant: make one, list them; each answers {@code TransferResponseDto}. */
final class TransferEndpoints
{
    private TransferEndpoints()
    {
    }

    static void register(final Endpoints.Table table)
    {
        table.add(new Create())
            .add(new ListTransfers());
    }

    /** {@code POST /api/canary/transfers} with {@code CreateTransferDto}. */
    private static final class Create extends Endpoint
    {
        Create()
        {
            super(Route.post("create_transfer", "/api/canary/transfers", CommandType.TRANSFER));
        }

        @Override
        public void parse(final Request request)
        {
            final CommandDraft draft = request.draft();
            String from = null;
            String to = null;
            for (final BodyReader body = request.body(); body.next(); )
            {
                switch (body.name())
                {
                    case "fromCustomerId" -> from = body.string(1, Rules.ID_CHARS_MAX);
                    case "toCustomerId" -> to = body.string(1, Rules.ID_CHARS_MAX);
                    default -> body.field(draft);
                }
            }
            if (from == null && !request.mentions("fromCustomerId"))
            {
                request.problem().add("fromCustomerId should not be empty");
            }
            if (to == null && !request.mentions("toCustomerId"))
            {
                request.problem().add("toCustomerId should not be empty");
            }
            if (from != null && from.equals(to))
            {
                request.problem().add("toCustomerId must be a different customer from fromCustomerId");
            }
            draft.set(Field.CUSTOMER_KEY, request.ids().parse(IdKind.CUSTOMER, from)); // -1: no such customer, the ledger says 404
            draft.set(Field.TO_CUSTOMER_KEY, request.ids().parse(IdKind.CUSTOMER, to));
            request.requiredMoney();
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
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

        @Override
        public String refusalMessage(final ResultCode result)
        {
            return switch (result)
            {
                case CUSTOMER_NOT_FOUND -> "fromCustomerId: " + Rules.CUSTOMER_NOT_FOUND;
                case INSUFFICIENT_FUNDS -> "Insufficient sender balance";
                default -> null;
            };
        }
    }

    /** {@code GET /api/canary/transfers}: newest first, each from the sender's history row. */
    private static final class ListTransfers extends ListEndpoint
    {
        ListTransfers()
        {
            super(Route.get("list_transfers", "/api/canary/transfers", CommandType.LIST_TRANSFERS));
        }

        @Override
        protected void writeRow(final JsonGenerator json, final CommandEvent event, final int row, final Ids ids, final String merchantId)
            throws IOException
        {
            writeTransfer(json, ids,
                event.rowLong(row, CommandEvent.ROW_COMMAND_ID),
                merchantId,
                event.rowLong(row, CommandEvent.ROW_ACCOUNT),
                event.rowLong(row, CommandEvent.ROW_COUNTERPARTY),
                -event.rowLong(row, CommandEvent.ROW_AMOUNT),
                (int)event.rowLong(row, CommandEvent.ROW_CURRENCY),
                event.rowText(row),
                event.rowLong(row, CommandEvent.ROW_TIMESTAMP_MS));
        }
    }

    /** {@code TransferResponseDto}. */
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
}
