package io.ledger.http.endpoint;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.MasumiPurchaseRecord;
import io.ledger.engine.PurchaseRecord;
import io.ledger.engine.PurchaseStatus;
import io.ledger.engine.ResultCode;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The Masumi payment service dialect (issue 15; {@code docs/dialect-masumi.md}), as the public service serves it and
 * the {@code masumi} Python client calls it: the key in the {@code token} header, {@code POST /api/v1/purchase/},
 * {@code GET /api/v1/purchase/}, {@code POST /api/v1/purchase/request-refund} and
 * {@code POST /api/v1/purchase/cancel-refund-request}; answers {@code {"status": "success", "data": ...}}, refusals
 * {@code {"status": "error", "error": {"message": ...}}} (a duplicate's 409 also with {@code id} and {@code object}). It
 * translates only: the ledger authenticates the key, prices, locks, and decides release or return at {@code unlockTime}.
 * Plus {@code POST /api/canary/masumi-agents} (merchant's token): an agent's fixed price.
 */
final class MasumiEndpoints
{
    /** Masumi's networks. */
    static final List<String> NETWORKS = List.of("Preprod", "Mainnet");
    /** Masumi's payment types (the seed's era). */
    static final List<String> PAYMENT_TYPES = List.of("Web3CardanoV1");
    /** Most {@code Amounts} entries (Masumi's limit). */
    static final int AMOUNTS_MAX = 7;
    /** Characters of a {@code metadata} string (this project's limit; Masumi has none). */
    static final int METADATA_CHARS_MAX = 4000;

    private static final long MINUTE_MS = 60_000L;

    private MasumiEndpoints()
    {
    }

    static void register(final Endpoints.Table table)
    {
        table.add(new CreatePurchase())
            .add(new ListPurchases())
            .add(new RefundRequest("masumi_request_refund", "/api/v1/purchase/request-refund", true))
            .add(new RefundRequest("masumi_cancel_refund_request", "/api/v1/purchase/cancel-refund-request", false))
            .add(new RegisterAgent());
    }

    /**
     * {@code POST /api/canary/masumi-agents} {@code {"agentIdentifier", "amount", "currency"}} (merchant's token): the fixed
     * price a Masumi purchase of the agent costs when it brings no {@code Amounts}; registering again replaces it. 201
     * with {@code {"agentIdentifier", "amount", "currency", "updatedAt"}}.
     */
    private static final class RegisterAgent extends Endpoint
    {
        RegisterAgent()
        {
            super(Route.post("register_masumi_agent", "/api/canary/masumi-agents", CommandType.REGISTER_MASUMI_AGENT));
        }

        @Override
        public void parse(final Request request)
        {
            final CommandDraft draft = request.draft();
            for (final BodyReader body = request.body(); body.next(); )
            {
                if ("agentIdentifier".equals(body.name()))
                {
                    draft.text(Field.AGENT_IDENTIFIER, body.string(1, io.ledger.engine.internal.MasumiBook.AGENT_IDENTIFIER_CHARS_MAX));
                }
                else
                {
                    body.field(draft);
                }
            }
            request.required(Field.AGENT_IDENTIFIER, "agentIdentifier");
            request.requiredMoney();
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            final MasumiPurchaseRecord.Agent agent = (MasumiPurchaseRecord.Agent)event.resultObject();
            json.writeStartObject();
            json.writeStringField("agentIdentifier", agent.agentIdentifier());
            json.writeNumberField("amount", agent.amountMinor());
            json.writeStringField("currency", Currencies.toString(agent.currency()));
            json.writeStringField("updatedAt", Json.timestamp(agent.updatedAtMs()));
            json.writeEndObject();
        }

        @Override
        public String refusalMessage(final ResultCode result)
        {
            return result == ResultCode.LIMIT_EXCEEDED
                ? "A merchant can register at most " + io.ledger.engine.internal.MasumiBook.AGENTS_PER_MERCHANT_MAX + " agents" : null;
        }
    }

    /** What every Masumi route shares: the {@code token} header, the envelope, the error shape and statuses. */
    abstract static class MasumiEndpoint extends DialectEndpoint
    {
        MasumiEndpoint(final Route route)
        {
            super(route);
        }

        @Override
        public Credentials authenticate(final HttpHeaders headers, final Ids ids)
        {
            final String token = headers.get("token");
            if (token == null || token.isEmpty())
            {
                return new Credentials("Unauthorized, no authentication token provided", null, -1);
            }
            if (!ApiKeys.plausible(token))
            {
                return new Credentials(INVALID_TOKEN, null, -1);
            }
            return new Credentials(null, ApiKeys.sha256Hex(token), -1);
        }

        @Override
        public HttpResponseStatus refusalStatus(final ResultCode result)
        {
            if (result == null || result == ResultCode.CAPACITY_EXHAUSTED)
            {
                return HttpResponseStatus.SERVICE_UNAVAILABLE;
            }
            return switch (result)
            {
                case API_KEY_NOT_FOUND, API_KEY_REVOKED -> HttpResponseStatus.UNAUTHORIZED;
                case MASUMI_PURCHASE_EXISTS -> HttpResponseStatus.CONFLICT;
                case MASUMI_AGENT_NOT_FOUND, MASUMI_PURCHASE_NOT_FOUND, CUSTOMER_NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
                default -> HttpResponseStatus.BAD_REQUEST;
            };
        }

        @Override
        public String refusalMessage(final ResultCode result)
        {
            return switch (result)
            {
                case API_KEY_NOT_FOUND -> INVALID_TOKEN;
                case API_KEY_REVOKED -> "Unauthorized, API key is revoked";
                case CUSTOMER_NOT_FOUND -> "No valid purchasing wallets found";
                case INSUFFICIENT_FUNDS -> "Insufficient funds";
                case MASUMI_AGENT_NOT_FOUND -> "Agent identifier not found";
                case MASUMI_UNIT_UNKNOWN -> "Amounts unit is not mapped to a currency of the seller";
                case INVALID_DEADLINE -> "Unlock time must be in the future, and at most a year ahead";
                case INVALID_AMOUNT -> "Amounts must total more than 0 and at most " + CommandEvent.AMOUNT_MINOR_MAX;
                case AMOUNT_OVERFLOW -> "The seller's balance would exceed " + CommandEvent.AMOUNT_MINOR_MAX;
                default -> null;
            };
        }

        @Override
        public void writeError(final JsonGenerator json, final HttpResponseStatus status, final List<String> messages) throws IOException
        {
            json.writeStartObject();
            json.writeStringField("status", "error");
            json.writeObjectFieldStart("error");
            json.writeStringField("message", String.join("; ", messages));
            json.writeEndObject();
            json.writeEndObject();
        }

        @Override
        public int replyBytesHint()
        {
            return 2048;
        }

        /** Reads {@code network} (required, one of {@link #NETWORKS}) into the draft. */
        static void network(final Request request, final String network)
        {
            if (network != null && !NETWORKS.contains(network))
            {
                request.problem().add("network must be one of " + String.join(", ", NETWORKS));
                return;
            }
            request.draft().text(Field.NETWORK, network);
            request.required(Field.NETWORK, "network");
        }
    }

    /** {@code POST /api/v1/purchase/} (and without the slash): an escrowed purchase, funds locked at once. */
    static final class CreatePurchase extends MasumiEndpoint
    {
        CreatePurchase()
        {
            super(Route.post("masumi_create_purchase", "/api/v1/purchase", CommandType.MASUMI_PURCHASE).answering(HttpResponseStatus.OK));
        }

        @Override
        public void parse(final Request request)
        {
            final CommandDraft draft = request.draft();
            final Map<String, String> echo = new HashMap<>();
            String network = null;
            for (final BodyReader body = request.body(); body.next(); )
            {
                switch (body.name())
                {
                    case "identifierFromPurchaser" -> echo.put("identifierFromPurchaser", body.string(1, 26));
                    case "network" -> network = body.string(1, 16);
                    case "sellerVkey" -> echo.put("sellerVkey", body.string(1, 250));
                    case "paymentType" -> echo.put("paymentType", oneOf(request, body.string(1, 32), "paymentType", PAYMENT_TYPES));
                    case "blockchainIdentifier" -> draft.text(Field.BLOCKCHAIN_IDENTIFIER,
                        body.string(1, io.ledger.engine.internal.MasumiBook.BLOCKCHAIN_IDENTIFIER_CHARS_MAX));
                    case "payByTime", "submitResultTime", "externalDisputeUnlockTime" -> echo.put(body.name(), time(request, body));
                    case "unlockTime" ->
                    {
                        final String unlock = time(request, body);
                        echo.put("unlockTime", unlock);
                        if (unlock != null)
                        {
                            draft.set(Field.RELEASE_AT_MS, Long.parseLong(unlock));
                        }
                    }
                    case "agentIdentifier" -> draft.text(Field.AGENT_IDENTIFIER,
                        body.string(1, io.ledger.engine.internal.MasumiBook.AGENT_IDENTIFIER_CHARS_MAX));
                    case "inputHash" -> echo.put("inputHash", hex(request, body.string(1, 250)));
                    case "metadata" -> echo.put("metadata", body.string(0, METADATA_CHARS_MAX));
                    case "Amounts" -> MasumiAmounts.read(request, body);
                    default -> body.skip();
                }
            }
            network(request, network);
            echo.putIfAbsent("metadata", null);
            request.required(Field.BLOCKCHAIN_IDENTIFIER, "blockchainIdentifier");
            request.required(Field.AGENT_IDENTIFIER, "agentIdentifier");
            for (final String name : List.of("identifierFromPurchaser", "sellerVkey", "paymentType", "payByTime", "submitResultTime", "unlockTime",
                "externalDisputeUnlockTime"))
            {
                if (echo.get(name) == null && !request.mentions(name))
                {
                    request.problem().add(name + " should not be empty");
                }
            }
            if (request.problem().any())
            {
                return;
            }
            timeOrder(request, echo);
            draft.text(Field.MASUMI_ECHO_JSON, echoJson(echo));
        }

        private static String oneOf(final Request request, final String value, final String name, final List<String> allowed)
        {
            if (value != null && !allowed.contains(value))
            {
                request.problem().add(name + " must be one of " + String.join(", ", allowed));
            }
            return value;
        }

        private static String hex(final Request request, final String value)
        {
            if (value != null && !value.matches("[0-9a-fA-F]+"))
            {
                request.problem().add("Input hash is not a valid hex string");
            }
            return value;
        }

        /** Masumi's rules between the times (those that need no clock; the ledger checks {@code unlockTime} is ahead). */
        private static void timeOrder(final Request request, final Map<String, String> echo)
        {
            final long payBy = Long.parseLong(echo.get("payByTime"));
            final long submit = Long.parseLong(echo.get("submitResultTime"));
            final long unlock = Long.parseLong(echo.get("unlockTime"));
            final long dispute = Long.parseLong(echo.get("externalDisputeUnlockTime"));
            if (payBy > submit - 5 * MINUTE_MS)
            {
                request.problem().add("Pay by time must be before submit result time (min. 5 minutes)");
            }
            if (submit > unlock - 15 * MINUTE_MS)
            {
                request.problem().add("Submit result time must be before unlock time with at least 15 minutes difference");
            }
            if (dispute < unlock + 15 * MINUTE_MS)
            {
                request.problem().add("External dispute unlock time must be after unlock time (min. 15 minutes difference)");
            }
        }

        /** @return a time as Masumi sends it, a string of 1..16 digits (epoch milliseconds), or null (a problem). */
        private static String time(final Request request, final BodyReader body)
        {
            final String name = body.name();
            final String text = body.string(1, 16);
            if (text == null)
            {
                return null;
            }
            for (int i = 0; i < text.length(); i++)
            {
                if (text.charAt(i) < '0' || text.charAt(i) > '9')
                {
                    request.problem().add(name + " must be a string of digits (unix time in milliseconds)");
                    return null;
                }
            }
            return Long.toString(Long.parseLong(text));
        }

        private static String echoJson(final Map<String, String> echo)
        {
            final StringWriter out = new StringWriter();
            try (JsonGenerator json = Json.FACTORY.createGenerator(out))
            {
                json.writeStartObject();
                for (final String name : List.of("identifierFromPurchaser", "sellerVkey", "paymentType", "inputHash", "metadata", "payByTime",
                    "submitResultTime", "externalDisputeUnlockTime"))
                {
                    final String value = echo.get(name);
                    if (value != null)
                    {
                        json.writeStringField(name, value);
                    }
                }
                json.writeEndObject();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            return out.toString();
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            json.writeStartObject();
            json.writeStringField("status", "success");
            json.writeFieldName("data");
            MasumiReplies.writePurchase(json, (MasumiPurchaseRecord.View)event.resultObject(), ids, MasumiReplies.View.CREATED);
            json.writeEndObject();
        }

        /** A duplicate: 409 {@code {"status":"error","error":{"message":...},"id":...,"object":{...}}}, the seed's body. */
        @Override
        public boolean writeRefusal(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            if (event.result() != ResultCode.MASUMI_PURCHASE_EXISTS || !(event.resultObject() instanceof MasumiPurchaseRecord.View existing))
            {
                return false;
            }
            json.writeStartObject();
            json.writeStringField("status", "error");
            json.writeObjectFieldStart("error");
            json.writeStringField("message", "Purchase request already exists");
            json.writeEndObject();
            json.writeStringField("id", ids.format(IdKind.PURCHASE, existing.purchase().key()));
            json.writeFieldName("object");
            MasumiReplies.writePurchase(json, existing, ids, MasumiReplies.View.CURRENT);
            json.writeEndObject();
            return true;
        }
    }

    /** {@code GET /api/v1/purchase/?network=&limit=&cursorId=}: the seller's Masumi purchases, newest first. */
    static final class ListPurchases extends MasumiEndpoint
    {
        ListPurchases()
        {
            super(Route.get("masumi_list_purchases", "/api/v1/purchase", CommandType.LIST_MASUMI_PURCHASES));
        }

        @Override
        public void parse(final Request request)
        {
            final CommandDraft draft = request.draft();
            draft.set(Field.PAGE_LIMIT, 10);
            final String limit = request.query("limit");
            if (limit != null)
            {
                final long value = limit.matches("[0-9]{1,3}") ? Long.parseLong(limit) : -1;
                if (value < 1 || value > 100)
                {
                    request.problem().add("limit must be an integer from 1 to 100");
                }
                else
                {
                    draft.set(Field.PAGE_LIMIT, value);
                }
            }
            final String cursor = request.query("cursorId");
            if (cursor != null)
            {
                final long key = request.ids().parse(IdKind.PURCHASE, cursor);
                if (key < 0)
                {
                    request.problem().add("cursorId must be the id of a purchase");
                }
                draft.set(Field.PURCHASE_KEY, key);
            }
            network(request, request.query("network"));
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            json.writeStartObject();
            json.writeStringField("status", "success");
            json.writeObjectFieldStart("data");
            json.writeArrayFieldStart("Purchases");
            for (int row = 0; row < event.rowCount(); row++)
            {
                MasumiReplies.writePurchase(json, (MasumiPurchaseRecord.View)event.rowObject(row), ids, MasumiReplies.View.LISTED);
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndObject();
        }

        @Override
        public int replyBytesHint()
        {
            return 16 * 1024;
        }
    }

    /** {@code POST /api/v1/purchase/request-refund} and {@code .../cancel-refund-request}: {@code {network, blockchainIdentifier}}. */
    static final class RefundRequest extends MasumiEndpoint
    {
        private final boolean requested;

        RefundRequest(final String name, final String path, final boolean requested)
        {
            super(Route.post(name, path, CommandType.MASUMI_SET_REFUND_REQUESTED).answering(HttpResponseStatus.OK));
            this.requested = requested;
        }

        @Override
        public void parse(final Request request)
        {
            final CommandDraft draft = request.draft();
            String network = null;
            for (final BodyReader body = request.body(); body.next(); )
            {
                switch (body.name())
                {
                    case "network" -> network = body.string(1, 16);
                    case "blockchainIdentifier" -> draft.text(Field.BLOCKCHAIN_IDENTIFIER,
                        body.string(1, io.ledger.engine.internal.MasumiBook.BLOCKCHAIN_IDENTIFIER_CHARS_MAX));
                    default -> body.skip();
                }
            }
            network(request, network);
            request.required(Field.BLOCKCHAIN_IDENTIFIER, "blockchainIdentifier");
            draft.set(Field.REFUND_REQUESTED, requested);
        }

        @Override
        public String refusalMessage(final ResultCode result)
        {
            if (result == ResultCode.MASUMI_PURCHASE_NOT_FOUND)
            {
                return requested ? "Purchase not found or not in valid state" : "Purchase not found or in invalid state";
            }
            return super.refusalMessage(result);
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            json.writeStartObject();
            json.writeStringField("status", "success");
            json.writeFieldName("data");
            MasumiReplies.writePurchase(json, (MasumiPurchaseRecord.View)event.resultObject(), ids, MasumiReplies.View.REFUND);
            json.writeEndObject();
        }
    }

    private static final String INVALID_TOKEN = "Unauthorized, invalid authentication token provided";
}
