package io.ledger.http.endpoint;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.ApiDialect;
import io.ledger.engine.ApiKeyRecord;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.ApiKeyBook;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A merchant's API keys for the Masumi and Paywall dialects (issue 15; this project's addition): create (the key shown
 * once, in this reply only), list, revoke. Authenticated by the merchant's bearer token like every {@code /api/canary}
 * route.
 */
final class ApiKeyEndpoints
{
    private ApiKeyEndpoints()
    {
    }

    static void register(final Endpoints.Table table)
    {
        table.add(new Create())
            .add(new ListKeys())
            .add(new Revoke());
    }

    /**
     * {@code POST /api/canary/api-keys} with {@code {"dialect": "masumi"|"paywall", "currency", "customerId"? (Masumi:
     * required), "name"?}}. The key is drawn here ({@link ApiKeys#draw}); the command carries its SHA-256, and the key
     * itself rides to this reply in {@link Field#API_KEY_SECRET}, which no command declares (never journaled).
     */
    private static final class Create extends Endpoint
    {
        Create()
        {
            super(Route.post("create_api_key", "/api/canary/api-keys", CommandType.CREATE_API_KEY));
        }

        @Override
        public void parse(final Request request)
        {
            final CommandDraft draft = request.draft();
            ApiDialect dialect = null;
            for (final BodyReader body = request.body(); body.next(); )
            {
                switch (body.name())
                {
                    case "dialect" ->
                    {
                        final String name = body.string(1, 16);
                        dialect = name == null ? null : ApiDialect.fromName(name);
                        if (name != null && dialect == null)
                        {
                            request.problem().add("dialect must be one of masumi, paywall");
                        }
                    }
                    case "customerId" ->
                    {
                        final String id = body.string(1, 64);
                        if (id != null)
                        {
                            draft.set(Field.CUSTOMER_KEY, request.ids().parse(IdKind.CUSTOMER, id)); // unknown: -1, 404 by the ledger
                        }
                    }
                    case "name" -> draft.text(Field.NAME, body.string(0, ApiKeyBook.NAME_BYTES_MAX / 4));
                    default -> body.field(draft);
                }
            }
            if (dialect == null)
            {
                if (!request.mentions("dialect"))
                {
                    request.problem().add("dialect should not be empty");
                }
                return;
            }
            request.required(Field.CURRENCY, "currency");
            if (draft.has(Field.CURRENCY) && Currencies.isValid((int)draft.get(Field.CURRENCY)))
            {
                final int digits = java.util.Currency.getInstance(Currencies.toString((int)draft.get(Field.CURRENCY))).getDefaultFractionDigits();
                if (digits < 0 || digits > ApiKeyBook.CURRENCY_DIGITS_MAX)
                {
                    request.problem().add("currency must have a minor unit (not a metal or a fund)");
                    return;
                }
                draft.set(Field.CURRENCY_DIGITS, digits);
            }
            if (dialect == ApiDialect.MASUMI && !draft.has(Field.CUSTOMER_KEY))
            {
                request.problem().add("customerId should not be empty: a masumi key buys from one customer's wallet");
            }
            if (dialect == ApiDialect.PAYWALL && draft.has(Field.CUSTOMER_KEY))
            {
                request.problem().add("customerId must be absent for a paywall key: the request names its wallet");
            }
            if (request.problem().any())
            {
                return;
            }
            final String key = ApiKeys.draw(dialect);
            draft.set(Field.API_KEY_DIALECT, dialect.code()).text(Field.API_KEY_HASH, ApiKeys.sha256Hex(key)).text(Field.API_KEY_SECRET, key);
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            final ApiKeyRecord record = (ApiKeyRecord)event.resultObject();
            // an Idempotency-Key replay answers the stored key, which this request's fresh draw is not: show no key then
            final String key = event.has(Field.API_KEY_SECRET) ? event.textString(Field.API_KEY_SECRET) : null;
            writeKey(json, ids, record, key != null && ApiKeys.sha256Hex(key).equals(record.sha256Hex()) ? key : null);
        }

        @Override
        public String refusalMessage(final ResultCode result)
        {
            return switch (result)
            {
                case LIMIT_EXCEEDED -> "A merchant can have at most " + ApiKeyBook.KEYS_PER_MERCHANT_MAX + " API keys";
                case INVALID_CURRENCY -> Rules.CURRENCY;
                default -> null;
            };
        }
    }

    /** {@code GET /api/canary/api-keys}: the merchant's keys, oldest first, revoked ones too; never a key itself. */
    private static final class ListKeys extends ListEndpoint
    {
        ListKeys()
        {
            super(Route.get("list_api_keys", "/api/canary/api-keys", CommandType.LIST_API_KEYS));
        }

        @Override
        protected void writeRow(final JsonGenerator json, final CommandEvent event, final int row, final Ids ids, final String merchantId)
            throws IOException
        {
            writeKey(json, ids, (ApiKeyRecord)event.rowObject(row), null);
        }
    }

    /** {@code POST /api/canary/api-keys/{id}/revoke}, no body or {@code {}}: 200 with the key, now {@code revoked}. */
    private static final class Revoke extends Endpoint
    {
        Revoke()
        {
            super(Route.post("revoke_api_key", "/api/canary/api-keys/{id}/revoke", CommandType.REVOKE_API_KEY).pathId(Field.API_KEY_KEY)
                .answering(HttpResponseStatus.OK).body(Route.Body.OPTIONAL));
        }

        @Override
        public void parse(final Request request)
        {
            request.readOptionalBody();
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            writeKey(json, ids, (ApiKeyRecord)event.resultObject(), null);
        }

        @Override
        public String refusalMessage(final ResultCode result)
        {
            return result == ResultCode.API_KEY_REVOKED ? "The API key is already revoked" : null;
        }
    }

    /** An API key as the API shows it; {@code key} only in its creation's reply. */
    private static void writeKey(final JsonGenerator json, final Ids ids, final ApiKeyRecord record, final String key) throws IOException
    {
        json.writeStartObject();
        json.writeStringField("id", ids.format(IdKind.API_KEY, record.key()));
        json.writeStringField("dialect", record.dialect().apiName());
        json.writeStringField("currency", Currencies.toString(record.currency()));
        if (record.customerKey() != ApiKeyRecord.NO_CUSTOMER)
        {
            json.writeStringField("customerId", ids.format(IdKind.CUSTOMER, record.customerKey()));
        }
        else
        {
            json.writeNullField("customerId");
        }
        if (record.name() != null)
        {
            json.writeStringField("name", record.name());
        }
        if (key != null)
        {
            json.writeStringField("key", key);
        }
        json.writeStringField("status", record.revoked() ? "revoked" : "active");
        json.writeStringField("createdAt", Json.timestamp(record.createdAtMs()));
        if (record.revoked())
        {
            json.writeStringField("revokedAt", Json.timestamp(record.revokedAtMs()));
        }
        else
        {
            json.writeNullField("revokedAt");
        }
        json.writeEndObject();
    }
}
