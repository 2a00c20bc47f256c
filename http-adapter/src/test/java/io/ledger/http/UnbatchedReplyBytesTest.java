package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.Ids;
import io.ledger.engine.ResultCode;
import io.ledger.http.endpoint.BodyBytes;
import io.ledger.http.endpoint.Endpoint;
import io.ledger.http.endpoint.Endpoints;
import io.ledger.http.endpoint.LedgerEvents;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A reply and an event written from a success body's byte form ({@link BodyBytes}) are byte for byte what the generator
 * wrote: the whole unbatched reply on the wire (status line, header fields, body, as {@link LedgerHttpCodec#encodeWhole}
 * writes it; encoded whole on the reply thread, {@link EncodedReply}, with Connection keep-alive or close, after HEAD), and the change stream's event data (as the follower's generator, which combines surrogate pairs, writes
 * it); for texts with and without a byte form, refusals, replayed replies, and instants inside and outside the
 * hand-written timestamp range.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UnbatchedReplyBytesTest
{
    private static final JsonFactory EVENTS = JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
    private static final String[] TEXTS = {"airtime-50", "a\"b\\c\n\u00e9\u4e2d\ud83d\ude00", "x/y<>&'~ {}[]", "\u007f", "p"};
    private static final long[] TIMES = {0, 1_765_000_000_123L, Long.MAX_VALUE / 4, -1};

    private final Endpoint create = Endpoints.of(Endpoints.route("create_purchase"));
    private final ByteBufAllocator alloc = UnpooledByteBufAllocator.DEFAULT;

    @Test
    void shouldReplyWithTheSameBytesFromTheByteForm()
    {
        final BodyBytes bodies = new BodyBytes();
        int byteForms = 0;
        for (final Ids ids : new Ids[] {Ids.UNSALTED, new Ids(0x5eed_1234L)})
        {
            for (final String text : TEXTS)
            {
                for (final long time : TIMES)
                {
                    for (final ResultCode result : new ResultCode[] {ResultCode.OK, ResultCode.INSUFFICIENT_FUNDS, ResultCode.CUSTOMER_NOT_FOUND})
                    {
                        for (final boolean replayed : new boolean[] {false, true})
                        {
                            for (final boolean keepAlive : new boolean[] {true, false})
                            {
                                final CommandEvent event = purchase(text, 77, time, result, replayed);
                                final String why = text + " " + time + " " + result + " " + replayed + " " + keepAlive;
                                for (final boolean head : new boolean[] {false, true})
                                {
                                    final String expected = wire(Responses.reply(alloc, create, event, ids), keepAlive, head);
                                    final FullHttpResponse reply = Responses.reply(alloc, create, event, ids, bodies, keepAlive);
                                    assertEquals(reply.status(), Responses.reply(alloc, create, event, ids).status(), why);
                                    assertEquals(expected, wire(reply, keepAlive, head), why + " " + head);
                                }
                                byteForms += result == ResultCode.OK && bodies.render(create, event, ids) >= 0 ? 1 : 0;
                            }
                        }
                    }
                }
            }
        }
        assertEquals(2 * 3 * 2 * 2 * 2, byteForms, "plain texts at instants in the hand-written range take the byte form");
    }

    @Test
    void shouldRenderTheSameEventDataFromTheByteForm() throws IOException
    {
        final BodyBytes bodies = new BodyBytes();
        int byteForms = 0;
        for (final Ids ids : new Ids[] {Ids.UNSALTED, new Ids(0x5eed_1234L)})
        {
            for (final String text : TEXTS)
            {
                for (final long time : TIMES)
                {
                    final CommandEvent event = purchase(text, 123_456_789, time, ResultCode.OK, false);
                    final int length = LedgerEvents.writeBytes(event, ids, bodies);
                    if (length >= 0)
                    {
                        assertEquals(generated(event, ids), new String(bodies.bytes(), 0, length, StandardCharsets.UTF_8), text + " " + time);
                        byteForms++;
                    }
                }
            }
        }
        assertTrue(byteForms == 2 * 3 * 2, "plain texts at instants in the hand-written range take the byte form: " + byteForms);
    }

    /** The event data as the follower renders it with its generator. */
    private static String generated(final CommandEvent event, final Ids ids) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = EVENTS.createGenerator(out))
        {
            LedgerEvents.write(json, event, ids);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * The reply's bytes on the wire as the request handler and the codec write them (its Connection field, then
     * {@link EncodedReply#encode}), and the access log's body length; after {@code HEAD} without the body.
     */
    private String wire(final FullHttpResponse response, final boolean keepAlive, final boolean head)
    {
        final int bodyBytes = EncodedReply.bodyBytes(response);
        EncodedReply.connection(response, keepAlive);
        assertEquals(bodyBytes, EncodedReply.bodyBytes(response));
        final ByteBuf out = EncodedReply.encode(alloc, response, head);
        try
        {
            return out.toString(StandardCharsets.UTF_8) + " (body " + bodyBytes + " bytes)";
        }
        finally
        {
            out.release();
        }
    }

    private static CommandEvent purchase(final String text, final long key, final long timeMs, final ResultCode result, final boolean replayed)
    {
        final CommandEvent event = new CommandEvent();
        event.clear();
        event.type(CommandType.PURCHASE);
        event.text(Field.MERCHANT_ID, "m" + text);
        event.text(Field.PRODUCT_ID, text);
        event.set(Field.CUSTOMER_KEY, key / 2);
        event.set(Field.AMOUNT_MINOR, 12_345);
        event.set(Field.CURRENCY, Currencies.pack("ZAR"));
        event.result(result);
        event.resultKey(key);
        event.balances(1_000_000_000L + key, -key);
        event.resultTimestampMs(timeMs);
        if (replayed)
        {
            event.replayed(true);
        }
        return event;
    }
}
