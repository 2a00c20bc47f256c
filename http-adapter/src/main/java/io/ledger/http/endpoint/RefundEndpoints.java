package io.ledger.http.endpoint;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.Ledger;
import io.ledger.engine.PurchaseRecord;
import io.ledger.engine.RefundRecord;
import io.ledger.engine.ResultCode;

/** Refunds of a purchase: money back from the merchant to the customer ({@code RefundDto}), and a purchase's refunds. */
final class RefundEndpoints
{
    private RefundEndpoints()
    {
    }

    static void register(final Endpoints.Table table)
    {
        table.add(new Create())
            .add(new ListRefunds());
    }

    /** {@code POST /api/canary/purchases/{id}/refunds} with {@code {"amount"?, "description"?}} (or no body: all that is left). */
    private static final class Create extends Endpoint
    {
        Create()
        {
            super(Route.post("create_refund", "/api/canary/purchases/{id}/refunds", CommandType.REFUND_PURCHASE)
                .pathId(Field.PURCHASE_KEY).body(Route.Body.OPTIONAL));
        }

        @Override
        public void parse(final Request request)
        {
            request.readOptionalBody();
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            writeRefund(json, ids, (RefundRecord)event.resultObject());
        }

        @Override
        public String refusalMessage(final ResultCode result, final CommandEvent event, final Ids ids)
        {
            return switch (result)
            {
                case REFUND_EXCEEDS_PURCHASE -> event.resultObject() instanceof PurchaseRecord purchase
                    ? "The refund exceeds what is left to refund of the purchase: " + purchase.refundableMinor() + " minor units" : null;
                case LIMIT_EXCEEDED -> "A purchase can have at most " + Ledger.REFUNDS_PER_PURCHASE_MAX + " refunds";
                default -> null;
            };
        }
    }

    /** {@code GET /api/canary/purchases/{id}/refunds}: the purchase's refunds, newest first. */
    private static final class ListRefunds extends ListEndpoint
    {
        ListRefunds()
        {
            super(Route.get("list_refunds", "/api/canary/purchases/{id}/refunds", CommandType.LIST_PURCHASE_REFUNDS)
                .pathId(Field.PURCHASE_KEY));
        }

        @Override
        protected void writeRow(final JsonGenerator json, final CommandEvent event, final int row, final Ids ids, final String merchantId)
            throws IOException
        {
            writeRefund(json, ids, (RefundRecord)event.rowObject(row));
        }
    }

    /** {@code RefundDto}. */
    private static void writeRefund(final JsonGenerator json, final Ids ids, final RefundRecord refund) throws IOException
    {
        final String time = Json.timestamp(refund.createdAtMs());
        json.writeStartObject();
        json.writeStringField("id", ids.format(IdKind.REFUND, refund.key()));
        json.writeStringField("purchaseId", ids.format(IdKind.PURCHASE, refund.purchaseKey()));
        json.writeStringField("customerId", ids.format(IdKind.CUSTOMER, refund.customerKey()));
        json.writeStringField("merchantId", refund.merchantId());
        json.writeNumberField("amount", refund.amountMinor());
        json.writeStringField("currency", Currencies.toString(refund.currency()));
        if (refund.description() != null)
        {
            json.writeStringField("description", refund.description());
        }
        json.writeStringField("status", RefundRecord.STATUS_COMPLETED);
        json.writeNumberField("customerBalanceAfter", refund.customerBalanceAfterMinor());
        json.writeStringField("createdAt", time);
        json.writeStringField("updatedAt", time);
        json.writeEndObject();
    }
}
