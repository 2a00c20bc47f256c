package io.ledger.bench.load;

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
}
