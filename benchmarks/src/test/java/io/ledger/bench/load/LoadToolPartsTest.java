package io.ledger.bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LoadToolPartsTest
{
    @Test
    void shouldEncodePurchaseAsTheReadmeDoes()
    {
        final byte[][] ids = {"cus_abc".getBytes(StandardCharsets.US_ASCII)};
        final RequestWriter writer = new RequestWriter("127.0.0.1:9000", "TOKEN", "ZAR", ids);
        final Pending p = new Pending();
        p.clear();
        p.op = Op.PURCHASE;
        p.customer = 0;
        p.amountMinor = 5000;
        final ByteBuf buf = writer.encode(UnpooledByteBufAllocator.DEFAULT, p);
        final String body = "{\"customerId\":\"cus_abc\",\"productId\":\"bench-product\",\"amount\":5000,\"currency\":\"ZAR\"}";
        assertEquals("POST /api/canary/purchases HTTP/1.1\r\nHost: 127.0.0.1:9000\r\nAuthorization: Bearer TOKEN\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body, buf.toString(StandardCharsets.US_ASCII));
        buf.release();
    }

    @Test
    void shouldEncodeBalanceReadWithoutBody()
    {
        final RequestWriter writer = new RequestWriter("h:1", "T", "USD", new byte[][] {"cus_x".getBytes(StandardCharsets.US_ASCII)});
        final Pending p = new Pending();
        p.clear();
        p.op = Op.BALANCE;
        p.customer = 0;
        final ByteBuf buf = writer.encode(UnpooledByteBufAllocator.DEFAULT, p);
        assertEquals("GET /api/canary/customers/cus_x/balance?currency=USD HTTP/1.1\r\nHost: h:1\r\nAuthorization: Bearer T\r\n\r\n",
            buf.toString(StandardCharsets.US_ASCII));
        buf.release();
    }

    @Test
    void shouldZeroPadPhoneNumbersOfCreatedCustomers()
    {
        final RequestWriter writer = new RequestWriter("h:1", "T", "ZAR", new byte[1][]);
        final Pending p = new Pending();
        p.clear();
        p.op = Op.CREATE_CUSTOMER;
        p.task = 7;
        final ByteBuf buf = writer.encode(UnpooledByteBufAllocator.DEFAULT, p);
        assertTrue(buf.toString(StandardCharsets.US_ASCII).endsWith("{\"phoneNumber\":\"+27821000007\",\"metadata\":{\"source\":\"ledger-load\"}}"));
        buf.release();
    }

    @Test
    void shouldDrawOperationsInProportionToTheirWeights()
    {
        final Mix mix = Mix.parse("purchase=3, balance=1");
        assertEquals("purchase=3,balance=1", mix.toString());
        final SplittableRandom random = new SplittableRandom(1);
        int purchases = 0;
        for (int i = 0; i < 40_000; i++)
        {
            final Op op = mix.draw(random);
            assertTrue(op == Op.PURCHASE || op == Op.BALANCE, op::toString);
            purchases += op == Op.PURCHASE ? 1 : 0;
        }
        assertTrue(Math.abs(purchases - 30_000) < 1_000, () -> "purchases=");
    }

    @Test
    void shouldRefuseBadMixes()
    {
        assertThrows(IllegalArgumentException.class, () -> Mix.parse("refund=1"));
        assertThrows(IllegalArgumentException.class, () -> Mix.parse("purchase=0"));
        assertThrows(IllegalArgumentException.class, () -> Mix.parse("purchase=1,purchase=2"));
        assertThrows(IllegalArgumentException.class, () -> Mix.parse("purchase"));
    }

    @Test
    void shouldParseDurationsAndAmountRanges()
    {
        assertEquals(30_000_000_000L, LoadCommand.parseDurationNs("d", "30s", false));
        assertEquals(500_000_000L, LoadCommand.parseDurationNs("d", "500ms", false));
        assertEquals(120_000_000_000L, LoadCommand.parseDurationNs("d", "2m", false));
        assertEquals(0, LoadCommand.parseDurationNs("d", "0s", true));
        assertThrows(IllegalArgumentException.class, () -> LoadCommand.parseDurationNs("d", "0s", false));
        assertThrows(IllegalArgumentException.class, () -> LoadCommand.parseDurationNs("d", "soon", false));
        assertEquals(100, LoadCommand.parseRange("100")[1]);
        assertEquals(1, LoadCommand.parseRange("1..10")[0]);
        assertEquals(10, LoadCommand.parseRange("1..10")[1]);
    }

    @Test
    void shouldSpaceUniformArrivalsEvenlyAndPoissonOnAverage()
    {
        final Phase uniform = new Phase("t", null, 1000, Phase.Arrival.UNIFORM, 10, 0, 0, 1);
        final SplittableRandom random = new SplittableRandom(3);
        assertEquals(10_000_000L, uniform.nextIntervalNs(random)); // 10 connections sharing 1,000/s: 100/s each
        assertEquals(1_000_000L, uniform.firstIntendedNs(1, random));
        final Phase poisson = new Phase("t", null, 1000, Phase.Arrival.POISSON, 10, 0, 0, 1);
        long sum = 0;
        for (int i = 0; i < 20_000; i++)
        {
            sum += poisson.nextIntervalNs(random);
        }
        final double meanNs = sum / 20_000.0;
        assertTrue(Math.abs(meanNs - 10_000_000) < 300_000, () -> "meanNs=" + meanNs);
    }

    @Test
    void shouldEncodeBatchOfPurchasesInTheBatchShape()
    {
        final byte[][] ids = {"cus_a".getBytes(StandardCharsets.US_ASCII), "cus_b".getBytes(StandardCharsets.US_ASCII)};
        final RequestWriter writer = new RequestWriter("h:1", "T", "ZAR", ids, "/api/canary/batch");
        final Pending p = new Pending();
        p.clear();
        p.op = Op.PURCHASE;
        p.batch(3);
        p.batchCustomers[0] = 0;
        p.batchCustomers[1] = 1;
        p.batchCustomers[2] = 0;
        p.batchAmountsMinor[0] = 100;
        p.batchAmountsMinor[1] = 250;
        p.batchAmountsMinor[2] = 7;
        final ByteBuf buf = writer.encode(UnpooledByteBufAllocator.DEFAULT, p);
        final String body = "{\"commands\":["
            + "{\"type\":\"purchase\",\"body\":{\"customerId\":\"cus_a\",\"productId\":\"bench-product\",\"amount\":100,\"currency\":\"ZAR\"}},"
            + "{\"type\":\"purchase\",\"body\":{\"customerId\":\"cus_b\",\"productId\":\"bench-product\",\"amount\":250,\"currency\":\"ZAR\"}},"
            + "{\"type\":\"purchase\",\"body\":{\"customerId\":\"cus_a\",\"productId\":\"bench-product\",\"amount\":7,\"currency\":\"ZAR\"}}]}";
        assertEquals("POST /api/canary/batch HTTP/1.1\r\nHost: h:1\r\nAuthorization: Bearer T\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body, buf.toString(StandardCharsets.US_ASCII));
        buf.release();
        p.clear();
        assertEquals(1, p.batchSize, "a cleared request is a single one again");
    }

    @Test
    void shouldFitTheLargestBatchOfLongIdsInItsBuffer()
    {
        final byte[][] ids = {"cus_0123456789".getBytes(StandardCharsets.US_ASCII)};
        final RequestWriter writer = new RequestWriter("h:1", "T", "ZAR", ids, "/b");
        final Pending p = new Pending();
        p.clear();
        p.op = Op.PURCHASE;
        p.batch(BatchShape.ITEMS_MAX);
        java.util.Arrays.fill(p.batchAmountsMinor, 0, BatchShape.ITEMS_MAX, Long.MAX_VALUE);
        final ByteBuf buf = writer.encode(UnpooledByteBufAllocator.DEFAULT, p);
        final String text = buf.toString(StandardCharsets.US_ASCII);
        assertEquals(BatchShape.ITEMS_MAX, text.split("\"type\":\"purchase\"", -1).length - 1);
        assertTrue(text.endsWith("\"amount\":" + Long.MAX_VALUE + ",\"currency\":\"ZAR\"}}]}"), () -> text.substring(text.length() - 80));
        buf.release();
    }

    @Test
    void shouldReadPerItemStatusesOfBatchReplyAndSkipNestedStatusFields()
    {
        final String reply = "{\"batchId\":\"b1\",\"results\":["
            + "{\"status\":201,\"body\":{\"id\":\"pur_1\",\"status\":\"completed\",\"nested\":[{\"status\":500}]}},"
            + "{\"body\":{\"statusCode\":402},\"status\":402},"
            + "{\"status\":201}],\"status\":\"done\"}";
        final byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
        final int[] statuses = new int[3];
        assertEquals(3, BatchShape.itemStatuses(bytes, 0, bytes.length, statuses));
        assertArrayEquals(new int[] {201, 402, 201}, statuses);
    }

    /** The byte scan of the ledger's reply shape reads what the JSON parser reads, and leaves any other shape to it. */
    @Test
    void shouldScanTheLedgersBatchRepliesAsTheParserReadsThem()
    {
        final String body = "{\"id\":\"pur_1\",\"productId\":\"a\\\"}]{[\\\\\",\"metadata\":{\"k\":[1,{\"status\":500}]},\"x\":\"\u00e9\"}";
        final String error = "{\"statusCode\":402,\"message\":[\"Insufficient \\\"funds\\\" ]}\"],\"error\":\"Payment Required\"}";
        final String[] replies = {
            "{\"results\":[{\"status\":201,\"body\":" + body + "},{\"status\":402,\"error\":" + error + "},{\"status\":424}]}",
            "{\"results\":[]}",
            "{\"results\":[{\"status\":201,\"body\":" + body + "}]}"};
        for (final String reply : replies)
        {
            final byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
            final int[] scanned = new int[3];
            final int[] parsed = new int[3];
            final int count = BatchShape.parseStatuses(bytes, 0, bytes.length, parsed);
            assertTrue(count >= 0, reply);
            assertEquals(count, BatchShape.scanStatuses(bytes, 0, bytes.length, scanned), reply);
            assertArrayEquals(parsed, scanned, reply);
        }
        for (final String other : new String[] {"{\"batchId\":1,\"results\":[{\"status\":201}]}", "{\"results\":[{\"body\":{},\"status\":201}]}",
            "{\"results\":[{\"status\":201.5}]}", "{\"results\":[{\"status\":201}]} ", "{\"results\":[{\"status\":201,\"body\":{\"a\":\"}"})
        {
            final byte[] bytes = other.getBytes(StandardCharsets.UTF_8);
            assertEquals(-1, BatchShape.scanStatuses(bytes, 0, bytes.length, new int[1]), other);
        }
    }

    @Test
    void shouldTellBatchRepliesWithoutPerItemResults()
    {
        final int[] statuses = new int[2];
        for (final String reply : new String[] {"{\"statusCode\":404,\"message\":[\"Not Found\"]}", "[]", "not json", "{\"results\":{}}",
            "{\"results\":[1,2]}", "{\"results\":[{\"status\":201}"})
        {
            final byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
            assertEquals(-1, BatchShape.itemStatuses(bytes, 0, bytes.length, statuses), reply);
        }
        final byte[] short1 = "{\"results\":[{\"status\":201}]}".getBytes(StandardCharsets.UTF_8);
        assertEquals(1, BatchShape.itemStatuses(short1, 0, short1.length, statuses), "a count other than the batch's is reported as it is");
    }

    @Test
    void shouldRefuseBatchesOfAnythingButPurchasesAndNoSetupWithVerification()
    {
        final LoadConfig batchMix = config(Mix.parse("purchase=1,balance=1"), 10, true, true);
        final IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, batchMix::validate);
        assertTrue(mixed.getMessage().contains("purchases only"), mixed::getMessage);
        assertThrows(IllegalArgumentException.class, () -> config(Mix.parse("purchase=1"), BatchShape.ITEMS_MAX + 1, true, true).validate());
        final IllegalArgumentException noSetup = assertThrows(IllegalArgumentException.class,
            () -> config(Mix.parse("purchase=1"), 1, false, true).validate());
        assertTrue(noSetup.getMessage().contains("--no-verify"), noSetup::getMessage);
        config(Mix.parse("purchase=5"), BatchShape.ITEMS_MAX, false, false).validate();
    }

    private static LoadConfig config(final Mix mix, final int batch, final boolean setUp, final boolean verify)
    {
        return new LoadConfig("127.0.0.1", 9000, "t", 4, 1, 1, 0, Phase.Arrival.UNIFORM, 0, 1_000_000_000L, 1_000_000_000L, 10, 1000, 1, 1,
            "ZAR", mix, verify, 1, 0, batch, BatchShape.PATH_DEFAULT, setUp);
    }
}
