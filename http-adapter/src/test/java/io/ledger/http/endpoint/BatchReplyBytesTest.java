package io.ledger.http.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.BatchItems;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.Ids;
import io.ledger.engine.ResultCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A batch's reply written by a UTF-8 generator, whose completed purchases go as bytes ({@link ReplyBytes}), is byte for
 * byte the reply a {@code Writer} generator writes, which takes the generator's path for every result: for batches of
 * completed purchases with plain and escaped texts, refusals, results left out (unavailable), instants shared, changing
 * and outside the hand-written range, from 1 to 100 results (a reply past the generator's buffer).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BatchReplyBytesTest
{
    private final Endpoint batch = Endpoints.of(Endpoints.route("batch"));

    @Test
    void shouldWriteTheSameBytesAsTheGeneratorForEveryResult() throws IOException
    {
        final SplittableRandom random = new SplittableRandom(13);
        final Ids ids = new Ids(0x5eed_1234L);
        final String[] texts = {"airtime-50", "a\"b\\c\n\u00e9", "x/y<>&'~ {}[]", "\u007f", "p".repeat(1_500)};
        for (int round = 0; round < 300; round++)
        {
            final BatchItems items = new BatchItems();
            final int count = round < 100 ? 1 + round : 1 + random.nextInt(BatchItems.ITEMS_MAX);
            for (int i = 0; i < count; i++)
            {
                final CommandEvent item = items.add(CommandType.PURCHASE, false);
                item.text(Field.MERCHANT_ID, "m1").text(Field.PRODUCT_ID, texts[random.nextInt(4) == 0 ? random.nextInt(texts.length) : 0]);
                item.set(Field.CUSTOMER_KEY, random.nextLong(1L << 48)).set(Field.AMOUNT_MINOR, random.nextLong(1, 1L << 53))
                    .set(Field.CURRENCY, Currencies.pack(random.nextBoolean() ? "ZAR" : "USD"));
                final int kind = random.nextInt(10);
                item.result(kind == 0 ? ResultCode.INSUFFICIENT_FUNDS : kind == 1 ? ResultCode.CUSTOMER_NOT_FOUND : ResultCode.OK);
                if (kind == 2)
                {
                    item.clearResult(); // unavailable
                }
                item.resultKey(random.nextLong(1L << 48));
                item.balances(random.nextLong(-1_000, 1L << 53), random.nextLong(-1_000, 1L << 53));
                // mostly the batch's one instant (the byte form keeps its bytes), sometimes another, or one before 1970
                item.resultTimestampMs(kind == 3 ? -5 : kind == 4 ? random.nextLong(0, 4_102_444_800_000L) : 1_765_000_000_123L + round);
            }
            final CommandEvent event = new CommandEvent();
            event.type(CommandType.BATCH).text(Field.MERCHANT_ID, "m1").batch(items);
            event.result(ResultCode.OK);
            final String utf8 = utf8(event, ids);
            assertEquals(writer(event, ids), utf8, "round " + round);
            assertTrue(utf8.startsWith("{\"results\":[{\"status\":"), utf8);
        }
    }

    /**
     * Results written in runs ({@link ReplyBytes#add}): a hundred completed purchases whose texts are all plain, of every
     * length from a few bytes to more than a run holds, and runs broken by a result the generator writes, one every
     * {@code gap}: the same bytes as the generator's, whether the generator's buffer is flushed before a run or not.
     */
    @Test
    void shouldWriteRunsOfResultsAsTheGeneratorWritesThemOneByOne() throws IOException
    {
        final Ids ids = new Ids(0x5eed_4321L);
        final int[] productBytes = {1, 10, 100, 700, 1_900, 3_500, 3_800, 5_000};
        for (final int bytes : productBytes)
        {
            for (int gap = 1; gap <= 101; gap += 10)
            {
                final BatchItems items = new BatchItems();
                for (int i = 0; i < BatchItems.ITEMS_MAX; i++)
                {
                    final CommandEvent item = items.add(CommandType.PURCHASE, false);
                    final String product = "q".repeat(i % 3 == 0 ? bytes : Math.max(1, bytes / 7));
                    item.text(Field.MERCHANT_ID, "merchant-" + i).text(Field.PRODUCT_ID, product);
                    item.set(Field.CUSTOMER_KEY, 1_000L + i).set(Field.AMOUNT_MINOR, 100L + i).set(Field.CURRENCY, Currencies.pack("EUR"));
                    item.result(i % gap == gap - 1 ? ResultCode.INSUFFICIENT_FUNDS : ResultCode.OK);
                    item.resultKey(5_000L + i);
                    item.balances(1_000_000L - i, 999_900L - i);
                    item.resultTimestampMs(1_765_000_000_123L + i / 10);
                }
                final CommandEvent event = new CommandEvent();
                event.type(CommandType.BATCH).text(Field.MERCHANT_ID, "m1").batch(items);
                event.result(ResultCode.OK);
                assertEquals(writer(event, ids), utf8(event, ids), "product bytes " + bytes + ", gap " + gap);
            }
        }
    }

    private String utf8(final CommandEvent event, final Ids ids) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = Json.FACTORY.createGenerator(out))
        {
            batch.writeReply(json, event, ids);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private String writer(final CommandEvent event, final Ids ids) throws IOException
    {
        final StringWriter out = new StringWriter();
        try (JsonGenerator json = Json.FACTORY.createGenerator(out))
        {
            batch.writeReply(json, event, ids);
        }
        return out.toString();
    }
}
