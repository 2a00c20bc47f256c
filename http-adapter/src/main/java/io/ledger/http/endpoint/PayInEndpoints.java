package io.ledger.http.endpoint;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;

/** Pay-ins: money from outside credited to a customer (this project's addition; the Cashful subset has none). */
final class PayInEndpoints
{
    private PayInEndpoints()
    {
    }

    static void register(final Endpoints.Table table)
    {
        table.add(new Create());
    }

    /** {@code POST /api/canary/customers/{id}/pay-ins}: {@code {"amount", "currency", "description"?, "externalReference"?}}. */
    private static final class Create extends Endpoint
    {
        Create()
        {
            super(Route.post("create_pay_in", "/api/canary/customers/{id}/pay-ins", CommandType.PAY_IN).pathId(Field.CUSTOMER_KEY));
        }

        @Override
        public void parse(final Request request)
        {
            request.readBody();
            request.requiredMoney();
        }

        /** This project's pay-in object (see /openapi.json). */
        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
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
            if (event.has(Field.EXTERNAL_REFERENCE))
            {
                json.writeStringField("externalReference", event.textString(Field.EXTERNAL_REFERENCE));
            }
            json.writeStringField("status", "completed");
            json.writeNumberField("balanceAfter", event.balanceAfterMinor());
            json.writeStringField("createdAt", time);
            json.writeStringField("updatedAt", time);
            json.writeEndObject();
        }
    }
}
