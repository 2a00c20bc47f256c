package io.ledger.http.endpoint;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import io.ledger.engine.BatchItems;
import io.ledger.engine.CommandCodec;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.ResultCode;
import io.ledger.http.Responses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code POST /api/canary/batch}: up to {@link BatchItems#ITEMS_MAX} purchases, transfers, pay-ins and payouts in one
 * request, one journal record and one reply, each command with its own result:
 *
 * <pre>{@code
 * {"commands":[{"type":"payIn","customerId":"cus_...","linked":true,"body":{"amount":500,"currency":"ZAR"}},
 *              {"type":"purchase","body":{"customerId":"cus_...","productId":"p1","amount":500,"currency":"ZAR"}}]}
 * -> 200 {"results":[{"status":201,"body":{...}},{"status":402,"error":{"statusCode":402,"message":[...],"error":"..."}}]}
 * }</pre>
 *
 * A command's {@code body} is what its own route takes ({@code POST /purchases}, {@code /transfers},
 * {@code /customers/{id}/pay-ins} with the path's id as {@code customerId}, {@code /payouts}), read by that route's own
 * endpoint, and its result is that route's reply (its body, or its refusal in the error shape). A command that route
 * would refuse as a bad request (400, 403) makes the whole batch a 400 naming it ({@code commands[i]: ...}), and
 * nothing is applied; so do an empty batch, one over the limit, and a last command that is {@code linked}. A
 * {@code linked} command and the next succeed or fail together (see {@code BatchCommands}); a linked command may not use
 * {@code externalReference} or {@code useGiftBalance}.
 *
 * <p>Parsing walks the body once to find each command's type and the bytes of its body, then hands each body to its
 * route's endpoint with a request of its own. Event loop (parse) and reply thread (reply), like every endpoint.
 */
final class BatchEndpoints
{
    /** Most commands in one batch. */
    static final int ITEMS_MAX = BatchItems.ITEMS_MAX;
    private static final SerializedString STATUS = new SerializedString("status");
    private static final SerializedString BODY = new SerializedString("body");

    private BatchEndpoints()
    {
    }

    static void register(final Endpoints.Table table)
    {
        final Endpoint[] byType = new Endpoint[CommandType.CODE_LIMIT];
        byType[CommandType.PURCHASE.code()] = table.endpoint("create_purchase");
        byType[CommandType.TRANSFER.code()] = table.endpoint("create_transfer");
        byType[CommandType.PAY_IN.code()] = table.endpoint("create_pay_in");
        byType[CommandType.PAYOUT.code()] = table.endpoint("create_payout");
        table.add(new Batch(byType));
    }

    /** @return the command of a batch's {@code type} name, or null. */
    static CommandType typeOf(final String name)
    {
        return switch (name)
        {
            case "purchase" -> CommandType.PURCHASE;
            case "transfer" -> CommandType.TRANSFER;
            case "payIn" -> CommandType.PAY_IN;
            case "payout" -> CommandType.PAYOUT;
            default -> null;
        };
    }

    /**
     * {@link #typeOf(String)} of the text {@code length} chars long at {@code offset} of {@code chars} (a parser's
     * {@code getTextCharacters}), with no String made for it: the one walk reads a type per command.
     */
    static CommandType typeOf(final char[] chars, final int offset, final int length)
    {
        for (final CommandType type : BATCH_TYPES)
        {
            final String name = BATCH_TYPE_NAMES[type.ordinal()];
            if (name.length() == length && sameChars(name, chars, offset))
            {
                return type;
            }
        }
        return null;
    }

    private static boolean sameChars(final String name, final char[] chars, final int offset)
    {
        for (int i = 0; i < name.length(); i++)
        {
            if (chars[offset + i] != name.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    private static final CommandType[] BATCH_TYPES = {CommandType.PURCHASE, CommandType.TRANSFER, CommandType.PAY_IN, CommandType.PAYOUT};
    /** By ordinal: the name {@link #typeOf(String)} takes for each of {@link #BATCH_TYPES}. */
    private static final String[] BATCH_TYPE_NAMES = new String[CommandType.values().length];

    static
    {
        for (final String name : new String[] {"purchase", "transfer", "payIn", "payout"})
        {
            BATCH_TYPE_NAMES[typeOf(name).ordinal()] = name;
        }
    }

    static final class Batch extends Endpoint
    {
        private final Endpoint[] byType;

        Batch(final Endpoint[] byType)
        {
            super(Route.post("batch", "/api/canary/batch", CommandType.BATCH).answering(HttpResponseStatus.OK));
            this.byType = byType;
        }

        @Override
        public void parse(final Request request)
        {
            final Problem problem = request.problem();
            final ByteBuf content = request.content();
            if (content == null || !content.isReadable())
            {
                problem.add("commands should not be empty");
                return;
            }
            final BatchItems items = request.batchItems();
            if (!walkOnce(request, content, items))
            {
                items.clear();
                walkTwice(request, content, items);
            }
            if (problem.any())
            {
                return;
            }
            final int recordBytes = CommandCodec.encodedLength(request.draft(), items);
            if (recordBytes > CommandCodec.BATCH_BODY_BYTES_MAX)
            {
                problem.add("the batch is too large: its journal record would take " + recordBytes + " bytes, at most " +
                    CommandCodec.BATCH_BODY_BYTES_MAX);
                return;
            }
            request.draft().batch(items);
        }

        /** {@link BatchWalk#once} with this batch's endpoints. */
        boolean walkOnce(final Request request, final ByteBuf content, final BatchItems items)
        {
            return BatchWalk.once(request, content, items, byType);
        }

        /**
         * The batch walked twice: once to find each command's type, flag, customer and body bytes, then each body with a
         * parser of its own. Every batch {@link BatchWalk#once} does not take (one with a problem, or an unusual order of
         * fields) comes here, so a refused batch is answered by this walk alone.
         */
        void walkTwice(final Request request, final ByteBuf content, final BatchItems items)
        {
            final Problem problem = request.problem();
            final Found found = new Found(ByteBufUtil.getBytes(content));
            if (!find(request, found.bytes, found))
            {
                return;
            }
            if (found.count == 0)
            {
                problem.add("commands should not be empty");
                return;
            }
            if (found.linked[found.count - 1])
            {
                problem.add("commands[" + (found.count - 1) + "].linked: the last command cannot be linked (its chain would have no end)");
            }
            for (int i = 0; i < found.count && !problem.any(); i++)
            {
                command(request, found, i, items);
            }
        }

        /** Reads command {@code i}'s body with its own route's endpoint into {@code items}; a problem names the command. */
        private void command(final Request request, final Found found, final int i, final BatchItems items)
        {
            final Problem problem = request.problem();
            final CommandType type = found.type[i];
            final Endpoint endpoint = byType[type.code()];
            long pathKey = -1;
            if (endpoint.route().pathField() != null)
            {
                if (found.customerId[i] == null)
                {
                    problem.add("commands[" + i + "].customerId should not be empty");
                    return;
                }
                pathKey = request.ids().parse(IdKind.CUSTOMER, found.customerId[i]); // -1: the ledger says 404
            }
            final Request itemRequest = request.itemRequest();
            final ByteBuf body = Unpooled.wrappedBuffer(found.bytes, found.bodyStart[i], found.bodyEnd[i] - found.bodyStart[i]);
            itemRequest.begin(endpoint.route(), request.merchantId(), pathKey, body, Map.of());
            try
            {
                endpoint.parse(itemRequest);
            }
            finally
            {
                itemRequest.end();
            }
            final Problem itemProblem = itemRequest.problem();
            if (itemProblem.any())
            {
                for (final String message : itemProblem.messages())
                {
                    if (itemProblem.status().equals(HttpResponseStatus.BAD_REQUEST))
                    {
                        problem.add("commands[" + i + "]: " + message);
                    }
                    else
                    {
                        problem.status(itemProblem.status(), "commands[" + i + "]: " + message);
                    }
                }
                return;
            }
            final boolean chained = found.linked[i] || i > 0 && found.linked[i - 1];
            final CommandDraft draft = itemRequest.draft();
            if (chained && (draft.has(Field.EXTERNAL_REFERENCE) || draft.getBoolean(Field.USE_GIFT_BALANCE)))
            {
                problem.add("commands[" + i + "]: a command of a linked chain cannot use externalReference or useGiftBalance");
                return;
            }
            items.add(type, found.linked[i], draft);
        }

        /**
         * Walks {@code {"commands":[{"type":..., "linked":..., "customerId":..., "body":{...}}, ...]}} once, noting each
         * command's type, flag, customer and where its body's bytes are.
         *
         * @return false with a problem when the body does not have that shape.
         */
        private static boolean find(final Request request, final byte[] bytes, final Found found)
        {
            final Problem problem = request.problem();
            boolean seen = false;
            try (JsonParser parser = request.factory().createParser(bytes))
            {
                if (parser.nextToken() != JsonToken.START_OBJECT)
                {
                    problem.add("request body is not valid JSON");
                    return false;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME)
                {
                    final String name = parser.currentName();
                    final JsonToken value = parser.nextToken();
                    if ("commands".equals(name))
                    {
                        if (seen || value != JsonToken.START_ARRAY)
                        {
                            problem.add("commands must be an array of at most " + ITEMS_MAX + " commands");
                            return false;
                        }
                        seen = true;
                        JsonToken element;
                        while ((element = parser.nextToken()) != JsonToken.END_ARRAY)
                        {
                            if (found.count == ITEMS_MAX)
                            {
                                problem.add("commands must be an array of at most " + ITEMS_MAX + " commands");
                                return false;
                            }
                            if (element != JsonToken.START_OBJECT || !command(parser, found, problem))
                            {
                                if (element != JsonToken.START_OBJECT)
                                {
                                    problem.add("commands[" + found.count + "] must be an object");
                                }
                                return false;
                            }
                        }
                    }
                    else if ("merchantId".equals(name) && value == JsonToken.VALUE_STRING && !parser.getText().equals(request.merchantId()))
                    {
                        problem.status(HttpResponseStatus.FORBIDDEN, Rules.MERCHANT_FORBIDDEN);
                        return false;
                    }
                    else
                    {
                        parser.skipChildren();
                    }
                }
                if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null)
                {
                    problem.add("request body is not valid JSON");
                    return false;
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                problem.add("request body is not valid JSON");
                return false;
            }
            if (!seen)
            {
                problem.add("commands should not be empty");
                return false;
            }
            return true;
        }

        /** Reads one command object (the parser on its start); false with a problem when it is not one. */
        private static boolean command(final JsonParser parser, final Found found, final Problem problem) throws IOException
        {
            final int i = found.count;
            CommandType type = null;
            boolean linked = false;
            String customerId = null;
            int bodyStart = -1;
            int bodyEnd = -1;
            while (parser.nextToken() == JsonToken.FIELD_NAME)
            {
                final String name = parser.currentName();
                final JsonToken value = parser.nextToken();
                switch (name)
                {
                    case "type" ->
                    {
                        type = value == JsonToken.VALUE_STRING ? typeOf(parser.getText()) : null;
                        if (type == null)
                        {
                            problem.add("commands[" + i + "].type must be one of purchase, transfer, payIn, payout");
                            return false;
                        }
                    }
                    case "linked" ->
                    {
                        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE)
                        {
                            problem.add("commands[" + i + "].linked must be a boolean");
                            return false;
                        }
                        linked = value == JsonToken.VALUE_TRUE;
                    }
                    case "customerId" ->
                    {
                        if (value != JsonToken.VALUE_STRING)
                        {
                            problem.add("commands[" + i + "].customerId must be a string");
                            return false;
                        }
                        customerId = parser.getText();
                    }
                    case "body" ->
                    {
                        if (value != JsonToken.START_OBJECT)
                        {
                            problem.add("commands[" + i + "].body must be an object");
                            return false;
                        }
                        bodyStart = (int)parser.currentTokenLocation().getByteOffset();
                        parser.skipChildren();
                        bodyEnd = (int)parser.currentLocation().getByteOffset();
                    }
                    default -> parser.skipChildren();
                }
            }
            if (type == null)
            {
                problem.add("commands[" + i + "].type must be one of purchase, transfer, payIn, payout");
                return false;
            }
            if (bodyStart < 0 || bodyEnd <= bodyStart)
            {
                problem.add("commands[" + i + "].body must be an object");
                return false;
            }
            found.type[i] = type;
            found.linked[i] = linked;
            found.customerId[i] = customerId;
            found.bodyStart[i] = bodyStart;
            found.bodyEnd[i] = bodyEnd;
            found.count++;
            return true;
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            final BatchItems items = event.batch();
            final ReplyBytes bytes = json instanceof UTF8JsonGenerator ? REPLY_BYTES.get().clear() : null;
            json.writeStartObject();
            json.writeArrayFieldStart("results");
            for (int i = 0; items != null && i < items.count(); i++)
            {
                final CommandEvent item = items.item(i);
                final Endpoint endpoint = byType[item.type().code()];
                final ResultCode result = item.result();
                if (result == ResultCode.OK && bytes != null && run(json, bytes, endpoint, item, ids))
                {
                    continue; // in the run of results written as bytes: the same bytes as the generator's below
                }
                if (bytes != null && bytes.length() > 0)
                {
                    bytes.writeTo(json);
                }
                json.writeStartObject();
                if (result == ResultCode.OK)
                {
                    json.writeFieldName(STATUS);
                    json.writeNumber(endpoint.route().successStatus().code());
                    json.writeFieldName(BODY);
                    endpoint.writeReply(json, item, ids);
                }
                else
                {
                    final HttpResponseStatus status = Responses.statusOf(result);
                    final String message = result == null ? null : endpoint.refusalMessage(result, item, ids);
                    json.writeNumberField("status", status.code());
                    json.writeObjectFieldStart("error");
                    json.writeNumberField("statusCode", status.code());
                    json.writeArrayFieldStart("message");
                    json.writeString(message != null ? message : Responses.messageOf(result));
                    json.writeEndArray();
                    json.writeStringField("error", status.reasonPhrase());
                    json.writeEndObject();
                }
                json.writeEndObject();
            }
            if (bytes != null && bytes.length() > 0)
            {
                bytes.writeTo(json);
            }
            json.writeEndArray();
            json.writeEndObject();
        }

        /** @return true when {@code item}'s result went into the run {@code bytes} (written out first when full). */
        private static boolean run(final JsonGenerator json, final ReplyBytes bytes, final Endpoint endpoint,
            final CommandEvent item, final Ids ids) throws IOException
        {
            final int status = endpoint.route().successStatus().code();
            if (bytes.add(endpoint, status, item, ids))
            {
                return true;
            }
            if (bytes.length() == 0)
            {
                return false;
            }
            bytes.writeTo(json); // full, or this result has no byte form: the run goes out, then one more try alone
            return bytes.add(endpoint, status, item, ids);
        }

        @Override
        public int replyBytesHint()
        {
            return 4096;
        }

        /**
         * The reply thread's run of results: one per event loop, reused for every batch reply it writes (one was a new
         * 4 KB array per reply, first written in fresh memory).
         */
        private static final ThreadLocal<ReplyBytes> REPLY_BYTES = ThreadLocal.withInitial(ReplyBytes::new);
    }

    /** What the first walk of a batch found, per command. */
    private static final class Found
    {
        final byte[] bytes;
        final CommandType[] type = new CommandType[ITEMS_MAX];
        final boolean[] linked = new boolean[ITEMS_MAX];
        final String[] customerId = new String[ITEMS_MAX];
        final int[] bodyStart = new int[ITEMS_MAX];
        final int[] bodyEnd = new int[ITEMS_MAX];
        int count;

        Found(final byte[] bytes)
        {
            this.bytes = bytes;
        }
    }
}
