package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The money side of framing, as a property over the real server: a connection carries a random sequence of valid
 * pay-ins (by length, chunked, with {@code Expect: 100-continue}, HTTP/1.0 keep-alive, absolute-form), reads, a last
 * request ({@code Connection: close}) and hostile requests ({@link HostileFraming}: a body over the limit in the
 * middle of a pipeline, Expect, Transfer-Encoding, Content-Length...), written in one to three pieces. What must hold:
 *
 * <ul>
 *   <li>every request up to the first that ends the connection is answered, in order (a pay-in's
 *       {@code balanceAfter} is the running balance), with a {@code 100 Continue} right before the final response of
 *       each request that asked for one;</li>
 *   <li>the request that ends the connection is answered, then the connection closes; nothing after it is answered;</li>
 *   <li>the balance moves by exactly the sum of the pay-ins answered 201: no hostile request, no body it declared and
 *       no request after the end of a connection ever reaches the ledger.</li>
 * </ul>
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FramingMoneyPropertyTest
{
    private static final String M = "money_merchant";
    private static final int BODY_BYTES_MAX = 4096;
    /** Hostile pay-ins use amounts no sum of valid ones in a try reaches. */
    private static final long HOSTILE_AMOUNT = 100_001;
    private static final long SMUGGLED_AMOUNT = 100_002;

    @TempDir
    static Path dataDir;

    private static HarnessServer server;
    private static String customer;
    private static String token;
    private static HostileFraming hostile;

    @BeforeAll
    static void start()
    {
        final HttpLimits limits = new HttpLimits(BODY_BYTES_MAX, HttpLimits.HEADER_BYTES_MAX_DEFAULT, HttpLimits.INITIAL_LINE_BYTES_MAX_DEFAULT,
            8, 60_000, 10_000, HttpLimits.CONNECTIONS_MAX_DEFAULT, HttpLimits.JSON_DEPTH_MAX_DEFAULT,
            HttpLimits.JSON_STRING_CHARS_MAX_DEFAULT, HttpLimits.WRITE_BUFFER_BYTES_MAX_DEFAULT).validate();
        server = new HarnessServer(dataDir, 1024, HttpOptions.DEFAULTS.withLimits(limits), UnaryOperator.identity());
        customer = server.createCustomer(M, "money@example.com");
        token = "Bearer " + TestServer.token(M);
        hostile = new HostileFraming("/api/canary/customers/" + customer + "/pay-ins", token, "Bearer " + TestServer.token("money_other"),
            BODY_BYTES_MAX);
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    /** One request of a sequence and what must come back for it. */
    record Item(String label, byte[] bytes, List<Integer> statuses, long amount, boolean ends)
    {
        @Override
        public String toString()
        {
            return label + " " + statuses + (ends ? " (ends)" : "");
        }
    }

    /** A sequence and the byte offsets at which it is split into writes. */
    record Sequence(List<Item> items, int[] cuts)
    {
        @Override
        public String toString()
        {
            return items + " cut at " + java.util.Arrays.toString(cuts);
        }
    }

    @Test
    void shouldMoveTheBalanceByExactlyThePayInsAnswered201()
    {
        final long[] expectedBalance = {0};
        final long[] payInsAnswered = {0};
        Fuzz.forAll("framing and money", 300, FramingMoneyPropertyTest::sequence, sequence ->
        {
            final byte[] all = Wire.concat(sequence.items.stream().map(Item::bytes).toArray(byte[][]::new));
            long running = expectedBalance[0];
            try (Wire wire = new Wire(server.port()))
            {
                int from = 0;
                for (final int cut : sequence.cuts)
                {
                    wire.send(java.util.Arrays.copyOfRange(all, from, cut));
                    from = cut;
                }
                wire.send(java.util.Arrays.copyOfRange(all, from, all.length));
                boolean ended = false;
                for (final Item item : sequence.items)
                {
                    for (final int status : item.statuses)
                    {
                        final RawHttp.Response response = wire.nextOrInterim();
                        assertEquals(status, response.status(), () -> item.label + ": " + response);
                        if (status == 201)
                        {
                            running += item.amount;
                            payInsAnswered[0]++;
                            assertEquals(running, (Long)TestJson.object(response.bodyText()).get("balanceAfter"), "replies in request order");
                        }
                        else if (status >= 400)
                        {
                            HttpFramingTest.assertError(status, response);
                        }
                    }
                    if (item.ends)
                    {
                        wire.assertClosed();
                        ended = true;
                        break;
                    }
                }
                if (!ended)
                {
                    org.junit.jupiter.api.Assertions.assertFalse(wire.closesWithin(50), "a connection without a last request stays open");
                }
            }
            expectedBalance[0] = running;
            assertEquals(running, balance(), "the balance moved by exactly the pay-ins answered 201");
        });
        assertEquals(payInsAnswered[0], payIns(), "every pay-in in the ledger was answered 201, and no other");
    }

    private static Sequence sequence(final SplittableRandom r)
    {
        final List<Item> items = new ArrayList<>();
        final int n = 1 + r.nextInt(8);
        for (int i = 0; i < n; i++)
        {
            items.add(item(r));
        }
        final int total = items.stream().mapToInt(item -> item.bytes.length).sum();
        final int[] cuts = r.ints(r.nextInt(3), 1, total).sorted().distinct().toArray();
        return new Sequence(items, cuts);
    }

    private static Item item(final SplittableRandom r)
    {
        final long amount = 1 + r.nextInt(999);
        final String path = "/api/canary/customers/" + customer + "/pay-ins";
        final String json = HostileFraming.json(amount);
        final String common = "Host: localhost\r\nAuthorization: " + token + "\r\nContent-Type: application/json\r\n";
        switch (r.nextInt(11))
        {
            case 0, 1:
                return new Item("pay-in " + amount, ascii("POST " + path + " HTTP/1.1\r\n" + common + "Content-Length: " + json.length()
                    + "\r\n\r\n" + json), List.of(201), amount, false);
            case 2:
                return new Item("pay-in " + amount + " expecting 100", ascii("POST " + path + " HTTP/1.1\r\n" + common
                    + "Expect: 100-continue\r\nContent-Length: " + json.length() + "\r\n\r\n" + json), List.of(100, 201), amount, false);
            case 3:
            {
                final int cut = 1 + r.nextInt(json.length() - 1);
                final String ext = r.nextBoolean() ? "" : ";x=" + r.nextInt(9);
                final boolean expect = r.nextBoolean();
                return new Item("chunked pay-in " + amount + (expect ? " expecting 100" : ""), ascii("POST " + path + " HTTP/1.1\r\n" + common
                    + (expect ? "Expect: 100-continue\r\n" : "") + "Transfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(cut) + ext + "\r\n" + json.substring(0, cut) + "\r\n"
                    + Integer.toHexString(json.length() - cut) + "\r\n" + json.substring(cut) + "\r\n0\r\n\r\n"),
                    expect ? List.of(100, 201) : List.of(201), amount, false);
            }
            case 4:
                return new Item("HTTP/1.0 keep-alive pay-in " + amount, ascii("POST " + path + " HTTP/1.0\r\n" + common
                    + "Connection: keep-alive\r\nExpect: 100-continue\r\nContent-Length: " + json.length() + "\r\n\r\n" + json),
                    List.of(201), amount, false);
            case 5:
                return new Item("absolute-form pay-in " + amount, ascii("POST http://localhost" + path + " HTTP/1.1\r\n" + common
                    + "Content-Length: " + json.length() + "\r\n\r\n" + json), List.of(201), amount, false);
            case 6:
                return new Item("read", RawHttp.request("GET", "/api/canary/customers/" + customer + "/balance", Map.of("Authorization", token), null),
                    List.of(200), 0, false);
            case 7:
            {
                final boolean http10 = r.nextBoolean();
                return new Item("last pay-in " + amount, ascii("POST " + path + (http10 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\nConnection: close\r\n")
                    + common + "Content-Length: " + json.length() + "\r\n\r\n" + json), List.of(201), amount, true);
            }
            default:
            {
                final HostileFraming.Item bad = hostile.items(HOSTILE_AMOUNT, SMUGGLED_AMOUNT).next(r);
                return new Item("hostile: " + bad.label(), bad.bytes(), List.of(bad.status()), 0, true);
            }
        }
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static long balance()
    {
        return (Long)TestJson.object(server.get("/api/canary/customers/" + customer + "/balance", M).body()).get("amount");
    }

    private static long payIns()
    {
        @SuppressWarnings("unchecked")
        final Map<String, Object> pagination = (Map<String, Object>)TestJson.object(
            server.get("/api/canary/customers/" + customer + "/transactions?limit=1", M).body()).get("pagination");
        return (Long)pagination.get("total");
    }
}
