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
