package io.ledger.http.endpoint;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.netty.handler.codec.http.HttpResponseStatus;

/** Purchases: a customer pays the merchant. */
final class PurchaseEndpoints
{
    private PurchaseEndpoints()
    {
    }

    static void register(final Endpoints.Table table)
    {
        table.add(new Create());
    }

    /** {@code POST /api/canary/purchases} with {@code CreatePurchaseDto}: {@code PurchaseResponseDto}. */
    private static final class Create extends Endpoint
    {
        Create()
        {
            super(Route.post("create_purchase", "/api/canary/purchases", CommandType.PURCHASE));
        }

        @Override
        public void parse(final Request request)
        {
            final CommandDraft draft = request.draft();
            draft.set(Field.QUANTITY, 1);
            boolean sawCustomer = false;
            for (final BodyReader body = request.body(); body.next(); )
            {
                if (body.name().equals("customerId"))
                {
                    final String id = body.string(1, Rules.ID_CHARS_MAX);
                    if (id != null)
                    {
                        sawCustomer = true;
                        draft.set(Field.CUSTOMER_KEY, request.ids().parse(IdKind.CUSTOMER, id)); // -1: the ledger says 404
                    }
                }
                else
                {
                    body.field(draft);
                }
            }
            if (!sawCustomer && request.problem().status().equals(HttpResponseStatus.BAD_REQUEST) && !request.mentions("customerId"))
            {
                request.problem().add("customerId should not be empty");
            }
            request.required(Field.PRODUCT_ID, "productId");
            request.requiredMoney();
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
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
    }
}
