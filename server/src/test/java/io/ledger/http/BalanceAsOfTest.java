package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Balances as of a moment over HTTP (issue 19): {@code ?at=} on the customer and merchant balance and {@code ?until=} on
 * a customer's transactions, against a scripted sequence whose times the replies give; the same answers after a restart
 * from a snapshot and from the journal alone (the history is kept whole); the refusals, and another merchant's customer.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BalanceAsOfTest
{
    private static final String M = "m1";

    @Test
    void shouldAnswerBalancesAsOfEachMomentOfAScriptedSequenceAlsoAfterRestarts(@TempDir final Path dir) throws Exception
    {
        final String customer;
        final long created;
        final long paidIn;
        final long bought;
        final Map<String, String> answers;
        try (TestServer server = new TestServer(dir))
        {
            customer = server.createCustomer(M, null);
            created = timeOf(server.get("/api/canary/customers/" + customer, M), "createdAt");
            Thread.sleep(3);
            paidIn = timeOf(server.post("/api/canary/customers/" + customer + "/pay-ins", M,
                "{\"amount\":10000,\"currency\":\"ZAR\"}"), "createdAt");
            Thread.sleep(3);
            bought = timeOf(server.post("/api/canary/purchases", M,
                "{\"customerId\":\"" + customer + "\",\"productId\":\"p\",\"amount\":4000,\"currency\":\"ZAR\"}"), "createdAt");
            Thread.sleep(3);
            assertEquals(402, server.post("/api/canary/purchases", M,
                "{\"customerId\":\"" + customer + "\",\"productId\":\"p\",\"amount\":9999999,\"currency\":\"ZAR\"}").statusCode());

            assertEquals(0, amountAt(server, customer, created), "at its creation");
            assertEquals(0, amountAt(server, customer, paidIn - 1), "just before the pay-in");
            assertEquals(10_000, amountAt(server, customer, paidIn), "at the pay-in's millisecond");
            assertEquals(6_000, amountAt(server, customer, bought));
            assertEquals(6_000, server.balance(M, customer), "now, without at");
            final String offset = Instant.ofEpochMilli(paidIn).atOffset(ZoneOffset.ofHours(2)).toString();
            assertEquals(10_000, (Long)TestJson.object(server.get(balancePath(customer) + "?at=" + encode(offset), M).body())
                .get("amount"), "an offset names the same moment");

            final Map<String, Object> merchant = TestJson.object(server.get("/api/canary/balance?at=" + iso(bought), M).body());
            assertEquals(4_000L, merchant.get("available"));
            assertEquals(0L, merchant.get("pending"));
            assertEquals(4_000L, merchant.get("amount"));
            assertEquals(0L, TestJson.object(server.get("/api/canary/balance?at=" + iso(paidIn), M).body()).get("available"));

            final Map<String, Object> page = TestJson.object(server.get(
                "/api/canary/customers/" + customer + "/transactions?until=" + iso(paidIn), M).body());
            assertEquals(1, ((List<?>)page.get("data")).size());
            assertEquals(1L, ((Map<?, ?>)page.get("pagination")).get("total"));
            assertEquals(2L, ((Map<?, ?>)TestJson.object(server.get("/api/canary/customers/" + customer + "/transactions", M).body())
                .get("pagination")).get("total"));

            answers = answers(server, customer, created, paidIn, bought);
        }
        try (TestServer restarted = new TestServer(dir))
        {
            assertEquals(answers, answers(restarted, customer, created, paidIn, bought), "from the snapshot written at shutdown");
        }
        deleteSnapshots(dir);
        try (TestServer replayed = new TestServer(dir))
        {
            assertEquals(answers, answers(replayed, customer, created, paidIn, bought), "from the journal alone");
        }
    }

    @Test
    void shouldKeepTheCashfulShapeWithAndWithoutAt(@TempDir final Path dir)
    {
        try (TestServer server = new TestServer(dir))
        {
            final String customer = server.createCustomer(M, null);
            server.payIn(M, customer, 500);
            final Set<String> keys = Set.of("id", "createdAt", "updatedAt", "customerId", "merchantId", "amount", "currency",
                "available", "pending");
            assertEquals(keys, TestJson.object(server.get(balancePath(customer), M).body()).keySet());
            final String now = iso(System.currentTimeMillis() - 1);
            assertEquals(keys, TestJson.object(server.get(balancePath(customer) + "?at=" + now, M).body()).keySet());
        }
    }

    @Test
    void shouldRefuseMomentsOutsideTheHistoryAndOtherMerchantsCustomers(@TempDir final Path dir)
    {
        try (TestServer server = new TestServer(dir))
        {
            final String customer = server.createCustomer(M, null);
            server.payIn(M, customer, 500);
            final String before = "at is before the ledger's history begins";
            assertError(server.get(balancePath(customer) + "?at=2000-01-01T00:00:00Z", M), 400, before);
            assertError(server.get("/api/canary/balance?at=2000-01-01", M), 400, before);
            assertError(server.get("/api/canary/customers/" + customer + "/transactions?until=2000-01-01", M), 400,
                "until is before the ledger's history begins");
            assertError(server.get(balancePath(customer) + "?at=2999-01-01T00:00:00Z", M), 400, "at is after the ledger's current time");
            assertError(server.get("/api/canary/balance?at=2999-01-01T00:00:00Z", M), 400, "at is after the ledger's current time");
            assertError(server.get(balancePath(customer) + "?at=yesterday", M), 400, "at must be an ISO 8601 date or date-time");
            assertError(server.get("/api/canary/customers/" + customer + "/transactions?until=13:00", M), 400,
                "until must be an ISO 8601 date or date-time");
            final String now = iso(System.currentTimeMillis() - 1);
            assertError(server.get(balancePath(customer) + "?at=" + now, "m2"), 404, "Customer not found");
            assertEquals(500, server.balance(M, customer), "nothing changed");
        }
    }

    private static Map<String, String> answers(final TestServer server, final String customer, final long... moments)
    {
        final Map<String, String> answers = new java.util.TreeMap<>();
        for (final long moment : moments)
        {
            answers.put("customer " + moment, server.get(balancePath(customer) + "?at=" + iso(moment), M).body());
            answers.put("merchant " + moment, server.get("/api/canary/balance?at=" + iso(moment), M).body());
            answers.put("until " + moment, server.get("/api/canary/customers/" + customer + "/transactions?until=" + iso(moment), M).body());
        }
        return answers;
    }

    private static long amountAt(final TestServer server, final String customer, final long atMs)
    {
        final HttpResponse<String> response = server.get(balancePath(customer) + "?at=" + iso(atMs), M);
        assertEquals(200, response.statusCode(), response.body());
        return (Long)TestJson.object(response.body()).get("amount");
    }

    private static long timeOf(final HttpResponse<String> response, final String field)
    {
        assertTrue(response.statusCode() < 300, response.body());
        return Instant.parse((String)TestJson.object(response.body()).get(field)).toEpochMilli();
    }

    private static String balancePath(final String customer)
    {
        return "/api/canary/customers/" + customer + "/balance";
    }

    private static String iso(final long ms)
    {
        return Instant.ofEpochMilli(ms).toString();
    }

    private static String encode(final String text)
    {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static void assertError(final HttpResponse<String> response, final int status, final String message)
    {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.body().contains(message), response.body());
    }

    private static void deleteSnapshots(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir.resolve("snapshots")))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
    }
}
