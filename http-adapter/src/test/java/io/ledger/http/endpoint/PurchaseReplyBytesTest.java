package io.ledger.http.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.PurchaseStatus;
import io.ledger.engine.ResultCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A purchase's reply, written with pre-encoded names and ASCII values ({@link AsciiValues}), is byte for byte what
 * {@code writeStringField} per field wrote before, for UTF-8 and {@code Writer} generators alike, across ids, texts that
 * need escaping, currencies and instants inside and outside the hand-written timestamp range.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PurchaseReplyBytesTest
{
    private final Endpoint create = Endpoints.of(Endpoints.route("create_purchase"));

    @Test
    void shouldWriteTheSameBytesAsOneWriteStringFieldPerField() throws IOException
    {
        final Ids[] idsList = {Ids.UNSALTED, new Ids(0x5eed_1234L)};
        final String[] texts = {"airtime-50", "a\"b\\c\n\u00e9\u4e2d\ud83d\ude00", "m-1", "x/y<>&'~ \u007f", "\t", "x/y<>&'~ {}[]"};
        final long[] times = {0, 1_765_000_000_123L, Json.TIMESTAMP_FAST_MS_MAX, Json.TIMESTAMP_FAST_MS_MAX + 1, -1};
        final long[] keys = {0, 1, 123_456_789, (1L << 48) - 1};
        int cases = 0;
        int byteForms = 0;
        for (final Ids ids : idsList)
        {
            for (final String text : texts)
            {
                for (final long time : times)
                {
                    for (final long key : keys)
                    {
                        for (final String currency : new String[] {"ZAR", "USD", "XTS"})
                        {
                            final CommandEvent event = purchase(text, key, time, Currencies.pack(currency));
                            assertEquals(expected(event, ids, false), utf8(event, ids), text + " " + time + " " + key);
                            assertEquals(expected(event, ids, true), writer(event, ids), text + " " + time + " " + key);
                            final String bytes = bytes(event, ids);
                            final boolean plain = !text.contains("\"") && !text.contains("\\") && text.chars().allMatch(c -> c >= ' ' && c < 127);
                            assertEquals(plain && time >= 0 && time <= Json.TIMESTAMP_FAST_MS_MAX, bytes != null, "the byte form where it can: " + text + " " + time);
                            if (bytes != null)
                            {
                                assertEquals(expected(event, ids, false), bytes, text + " " + time + " " + key);
                                byteForms++;
                            }
                            cases++;
                        }
                    }
                }
            }
        }
        assertEquals(2 * 6 * 5 * 4 * 3, cases);
        assertEquals(2 * 3 * 3 * 4 * 3, byteForms, "three texts of six are plain, three times of five in the hand-written range");
    }

    /** Balances and amounts at the edges of a long's decimal digits, signs included. */
    @Test
    void shouldWriteEveryNumberAsTheGeneratorDoes() throws IOException
    {
        final Ids ids = new Ids(0x5eed_1234L);
        final long[] numbers = {0, 1, -1, 9, 10, -10, 99, 100, 999_999_999, 1_000_000_000, CommandEvent.AMOUNT_MINOR_MAX,
            -CommandEvent.AMOUNT_MINOR_MAX, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE,
            Long.MIN_VALUE + 1};
        for (final long number : numbers)
        {
            final CommandEvent event = purchase("p", 5, 1_765_000_000_123L, Currencies.pack("ZAR"));
            event.set(Field.AMOUNT_MINOR, number);
            event.balances(number, -number);
            assertEquals(expected(event, ids, false), bytes(event, ids), Long.toString(number));
        }
    }

    /** Every long as {@link Long#toString}: each power of ten and its neighbours, both signs, and 200,000 random ones of every bit length. */
    @Test
    void shouldWriteEveryLongAsLongToStringDoes()
    {
        final java.util.List<Long> numbers = new java.util.ArrayList<>(java.util.List.of(0L, Long.MAX_VALUE, Long.MIN_VALUE,
            Long.MIN_VALUE + 1, (long)Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, (long)Integer.MIN_VALUE, Integer.MIN_VALUE - 1L));
        for (long power = 1; power > 0 && power <= Long.MAX_VALUE / 10 * 10; power *= 10)
        {
            for (long near = power - 2; near <= power + 2; near++)
            {
                numbers.add(near);
                numbers.add(-near);
            }
            if (power > Long.MAX_VALUE / 10)
            {
                break;
            }
        }
        final java.util.SplittableRandom random = new java.util.SplittableRandom(14);
        for (int i = 0; i < 200_000; i++)
        {
            numbers.add(random.nextLong() >> random.nextInt(64));
        }
        final byte[] out = new byte[40];
        for (final long number : numbers)
        {
            final int end = ReplyBytes.putLong(out, 5, number);
            assertEquals(Long.toString(number), new String(out, 5, end - 5, StandardCharsets.US_ASCII));
        }
    }

    /** @return the byte form of the reply ({@link Endpoint#replyBytes}) written after 3 other bytes, or null when it has none. */
    private String bytes(final CommandEvent event, final Ids ids)
    {
        final ReplyBytes out = new ReplyBytes();
        final int end = create.replyBytes(event, ids, out, 3);
        return end < 0 ? null : new String(out.bytes(), 3, end - 3, StandardCharsets.UTF_8);
    }

    private static CommandEvent purchase(final String text, final long key, final long timeMs, final int currency)
    {
        final CommandEvent event = new CommandEvent();
        event.clear();
        event.type(CommandType.PURCHASE);
        event.text(Field.MERCHANT_ID, "m" + text);
        event.text(Field.PRODUCT_ID, text);
        event.set(Field.CUSTOMER_KEY, key / 2);
        event.set(Field.AMOUNT_MINOR, 12_345 + key % 1000);
        event.set(Field.CURRENCY, currency);
        event.result(ResultCode.OK);
        event.resultKey(key);
        event.balances(1_000_000_000L + key, -key);
        event.resultTimestampMs(timeMs);
        return event;
    }

    private String utf8(final CommandEvent event, final Ids ids) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = Json.FACTORY.createGenerator(out))
        {
            create.writeReply(json, event, ids);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private String writer(final CommandEvent event, final Ids ids) throws IOException
    {
        final StringWriter out = new StringWriter();
        try (JsonGenerator json = Json.FACTORY.createGenerator(out))
        {
            create.writeReply(json, event, ids);
        }
        return out.toString();
    }

    /** The reply as it was written before (one writeStringField / writeNumberField per field), by a UTF-8 or Writer generator. */
    private static String expected(final CommandEvent event, final Ids ids, final boolean toWriter) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final StringWriter text = new StringWriter();
        try (JsonGenerator json = toWriter ? Json.FACTORY.createGenerator(text) : Json.FACTORY.createGenerator(out))
        {
            final String time = Json.timestamp(event.resultTimestampMs());
            json.writeStartObject();
            json.writeStringField("id", ids.format(IdKind.PURCHASE, event.resultKey()));
            json.writeStringField("merchantId", event.textString(Field.MERCHANT_ID));
            json.writeStringField("customerId", ids.format(IdKind.CUSTOMER, event.get(Field.CUSTOMER_KEY)));
            json.writeStringField("productId", event.textString(Field.PRODUCT_ID));
            json.writeNumberField("amount", event.get(Field.AMOUNT_MINOR));
            json.writeStringField("currency", Currencies.toString((int)event.get(Field.CURRENCY)));
            json.writeStringField("status", PurchaseStatus.COMPLETED.apiName());
            json.writeNumberField("customerBalanceBefore", event.balanceBeforeMinor());
            json.writeNumberField("customerBalanceAfter", event.balanceAfterMinor());
            json.writeStringField("createdAt", time);
            json.writeStringField("updatedAt", time);
            json.writeEndObject();
        }
        return toWriter ? text.toString() : out.toString(StandardCharsets.UTF_8);
    }
}
