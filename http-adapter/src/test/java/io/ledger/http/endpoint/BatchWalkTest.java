package io.ledger.http.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.BatchItems;
import io.ledger.engine.CommandCodec;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A batch read in one walk ({@link BatchWalk}) fills exactly the items the two-walk read fills, byte for byte as
 * journaled, and gives up on every batch the two-walk read refuses (which then answers it alone, as before).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BatchWalkTest
{
    private static final Ids IDS = new Ids(0x5eed_1234L);
    private static final String ANN = IDS.format(IdKind.CUSTOMER, 7);
    private static final String BOB = IDS.format(IdKind.CUSTOMER, 9);
    private final BatchEndpoints.Batch batch = (BatchEndpoints.Batch)Endpoints.of(Endpoints.route("batch"));

    private static String purchase(final String extra, final boolean linked)
    {
        return "{\"type\":\"purchase\",\"linked\":" + linked + ",\"body\":{\"customerId\":\"" + ANN
            + "\",\"productId\":\"airtime-50\",\"amount\":100,\"currency\":\"ZAR\"" + extra + "}}";
    }

    private static String batch(final String... commands)
    {
        return "{\"commands\":[" + String.join(",", commands) + "]}";
    }

    private static final String PAY_IN = "{\"type\":\"payIn\",\"customerId\":\"" + ANN
        + "\",\"body\":{\"amount\":500,\"currency\":\"ZAR\",\"description\":\"till 3 \\u00e9\\\"q\\\"\"}}";
    private static final String TRANSFER = "{\"type\":\"transfer\",\"body\":{\"fromCustomerId\":\"" + ANN + "\",\"toCustomerId\":\""
        + BOB + "\",\"amount\":5,\"currency\":\"ZAR\",\"description\":\"rent\"}}";
    private static final String PAYOUT = "{\"type\":\"payout\",\"body\":{\"amount\":7,\"currency\":\"ZAR\",\"bankAccount\":\"ACC-1\","
        + "\"metadata\":{\"b\":1e400,\"a\":[1,{\"x\":\"\u00fc\"}],\"n\":null}}}";

    @Test
    void shouldFillTheSameItemsAsTheTwoWalkRead()
    {
        final String[] fine = {
            batch(purchase("", false)),
            batch(purchase("", true), purchase(",\"description\":\"d\"", false), PAY_IN, TRANSFER, PAYOUT),
            batch(purchase(",\"metadata\":{\"k\":\"v\",\"z\":[true,false]},\"unknown\":{\"deep\":[1,2]}", false),
                purchase(",\"externalReference\":\"order-1\"", false), purchase(",\"quantity\":2", false)),
            "{\"merchantId\":\"m1\",\"other\":[1,2,{}]," + batch(PAYOUT, TRANSFER).substring(1),
            batch(purchase(",\"escrow\":{\"releaseAt\":\"2030-01-01T00:00:00Z\"}", false)),
            // the same name in sibling objects, in an object and the one it sits in, and in an array's objects
            batch(purchase(",\"metadata\":{\"amount\":{\"amount\":1,\"k\":{\"amount\":2}},\"l\":[{\"a\":1},{\"a\":2}]},"
                + "\"unknown\":{\"amount\":[{\"amount\":3}],\"type\":{\"type\":1}}", false), purchase("", false)),
            "{\"other\":{\"commands\":1,\"x\":{\"commands\":2}}," + batch(PAY_IN).substring(1),
            hundred()};
        for (final String body : fine)
        {
            final Walked twice = twice(body);
            final Walked once = once(body);
            assertTrue(once.taken, "one walk takes " + body);
            assertEquals(List.of(), twice.problems, body);
            assertEquals(twice.records.size(), once.records.size(), body);
            for (int i = 0; i < twice.records.size(); i++)
            {
                assertArrayEquals(twice.records.get(i), once.records.get(i), "command " + i + " of " + body);
            }
        }
    }

    @Test
    void shouldGiveUpOnEveryBatchTheTwoWalkReadRefusesOrReadsInAnotherOrder()
    {
        final String late = "{\"body\":{\"customerId\":\"" + ANN + "\",\"productId\":\"p\",\"amount\":1,\"currency\":\"ZAR\"},\"type\":\"purchase\"}";
        final String lateCustomer = "{\"type\":\"payIn\",\"body\":{\"amount\":1,\"currency\":\"ZAR\"},\"customerId\":\"" + ANN + "\"}";
        final String[] refused = {
            "{}", batch(), "{\"commands\":{}}", batch(purchase("", false), "{\"type\":\"refund\",\"body\":{}}"),
            batch(purchase("", false), "{\"type\":\"purchase\"}"), batch(purchase("", false).replace("100", "-5")),
            batch(purchase("", true)), batch(purchase("", true), purchase(",\"externalReference\":\"o\"", false)),
            batch(purchase(",\"merchantId\":\"m2\"", false)), "{\"merchantId\":\"m2\"," + batch(PAYOUT).substring(1),
            batch(purchase(",\"amount\":2", false)), "{\"commands\":[" + purchase("", false) + "]", batch(PAYOUT) + "x",
            batch(purchase(",\"description\":\"a\u0000b\"", false)),
            batch(purchase(",\"metadata\":" + "{\"a\":".repeat(14) + "1" + "}".repeat(14), false))};
        final String[] duplicates = {
            batch(purchase(",\"amount\":2", false)), "{\"merchantId\":\"m1\",\"merchantId\":\"m1\"," + batch(PAYOUT).substring(1),
            "{\"x\":1," + batch(PAYOUT).substring(1, batch(PAYOUT).length() - 1) + ",\"x\":2}",
            "{\"commands\":[],\"commands\":[" + PAYOUT + "]}",
            batch(PAYOUT.replace("{\"type\":\"payout\",", "{\"type\":\"payout\",\"type\":\"payout\",")),
            batch(PAYOUT.replace("{\"type\":\"payout\",", "{\"type\":\"transfer\",\"type\":\"payout\",")),
            batch(purchase("", false).replace("\"linked\":false,", "\"linked\":false,\"linked\":false,")),
            batch(purchase("", false).replace("{\"type\"", "{\"u\":1,\"u\":2,\"type\"")),
            batch(PAY_IN.replace("\"customerId\":\"" + ANN + "\",", "\"customerId\":\"" + ANN + "\",\"customerId\":\"" + BOB + "\",")),
            batch(purchase(",\"metadata\":{\"k\":\"v\",\"k\":\"w\"}", false)),
            batch(purchase(",\"metadata\":{\"a\":[1,{\"x\":1,\"y\":2,\"x\":3}]}", false)),
            batch(purchase(",\"unknown\":{\"deep\":{\"a\":1,\"b\":2,\"c\":3,\"a\":4}}", false)),
            batch(purchase(",\"unknown\":[[{\"d\":1,\"d\":1}]]", false)),
            batch(purchase("", false), purchase(",\"description\":\"a\",\"description\":\"a\"", false))};
        for (final String body : duplicates)
        {
            final List<String> problems = twice(body).problems;
            assertFalse(problems.isEmpty(), "the two-walk read refuses a repeated name: " + body);
            assertFalse(once(body).taken, "one walk gives up on a repeated name: " + body);
            assertEquals(problems, parsed(body), "the batch's answer is the two-walk read's: " + body);
        }
        for (final String body : refused)
        {
            assertFalse(twice(body).problems.isEmpty(), "the two-walk read refuses " + body);
            assertFalse(once(body).taken, "one walk gives up on " + body);
        }
        for (final String body : new String[] {batch(late), batch(PAYOUT, lateCustomer), "\uFEFF" + batch(PAYOUT)})
        {
            assertEquals(List.of(), twice(body).problems, body);
            assertFalse(once(body).taken, "one walk gives up on a body before its type or customer, or a byte order mark: " + body);
        }
    }

    /**
     * The one walk reads a command's type from the parser's characters ({@link BatchEndpoints#typeOf(char[], int, int)}):
     * the same type as from the text, for the four names, their neighbours, and at any offset of a longer array; and a
     * type written with escapes is read as the two-walk read reads it.
     */
    @Test
    void shouldReadEachTypeAsFromItsText()
    {
        final String[] names = {"purchase", "transfer", "payIn", "payout", "Purchase", "purchases", "purchas", "", "payin", "payOut",
            "refund", "pay", "transfeR", "purchasf", "\u0000", "pürchase"};
        for (final String name : names)
        {
            for (final int offset : new int[] {0, 3})
            {
                final char[] chars = ("xyz".substring(0, offset) + name + "tail").toCharArray();
                assertEquals(BatchEndpoints.typeOf(name), BatchEndpoints.typeOf(chars, offset, name.length()), name + " at " + offset);
            }
        }
        final String escaped = batch(purchase("", false).replace("\"purchase\"", "\"pur\\u0063hase\""),
            PAYOUT.replace("\"payout\"", "\"\\u0070ayout\""));
        final Walked once = once(escaped);
        final Walked twice = twice(escaped);
        assertTrue(once.taken, escaped);
        assertEquals(twice.records.size(), once.records.size());
        for (int i = 0; i < twice.records.size(); i++)
        {
            assertArrayEquals(twice.records.get(i), once.records.get(i), "command " + i);
        }
        assertFalse(once(batch(purchase("", false).replace("\"purchase\"", "\"purchas\""))).taken);
    }

    /** @return the problems of the batch's whole parse, as the endpoint answers it. */
    private List<String> parsed(final String body)
    {
        final Request request = request(body);
        batch.parse(request);
        return new ArrayList<>(request.problem().messages());
    }

    private static String hundred()
    {
        final String[] commands = new String[BatchItems.ITEMS_MAX];
        Arrays.fill(commands, purchase("", false));
        return batch(commands);
    }

    private record Walked(boolean taken, List<String> problems, List<byte[]> records)
    {
    }

    private Walked twice(final String body)
    {
        final Request request = request(body);
        final BatchItems items = request.batchItems();
        batch.walkTwice(request, request.content(), items);
        return new Walked(true, new ArrayList<>(request.problem().messages()), records(request.problem().any() ? null : items));
    }

    private Walked once(final String body)
    {
        final Request request = request(body);
        final BatchItems items = request.batchItems();
        final boolean taken = batch.walkOnce(request, request.content(), items);
        assertEquals(List.of(), new ArrayList<>(request.problem().messages()), "one walk never adds a problem itself");
        return new Walked(taken, List.of(), records(taken ? items : null));
    }

    private static Request request(final String body)
    {
        final Request request = new Request(Json.FACTORY, IDS);
        final ByteBuf content = Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8));
        request.begin(Endpoints.route("batch"), "m1", -1, content, Map.of());
        return request;
    }

    /** @return each item as the journal encodes it, and its linked flag. */
    private static List<byte[]> records(final BatchItems items)
    {
        final List<byte[]> records = new ArrayList<>();
        for (int i = 0; items != null && i < items.count(); i++)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCodec.BODY_BYTES_MAX]);
            final int length = CommandCodec.encode(items.item(i), buffer, 0);
            final byte[] record = Arrays.copyOf(buffer.byteArray(), length + 1);
            record[length] = (byte)(items.linked(i) ? 1 : 0);
            records.add(record);
        }
        return records;
    }
}
