package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ledger.engine.CommandType;
import io.ledger.journal.ChronicleJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/canary/batch} over HTTP: every command answered as its own route would answer it, in order; linked
 * chains all or none; bad batches refused whole with nothing applied; one {@code Idempotency-Key} for the batch; one
 * journal record per batch, and a restart from the journal alone rebuilds what the batches did.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchEndpointTest
{
    private static final String M = "m1";
    private static final String BATCH = "/api/canary/batch";

    private static String purchase(final String customer, final long amount, final boolean linked)
    {
        return "{\"type\":\"purchase\",\"linked\":" + linked + ",\"body\":{\"customerId\":\"" + customer
            + "\",\"productId\":\"airtime-50\",\"amount\":" + amount + ",\"currency\":\"ZAR\"}}";
    }

    private static String payIn(final String customer, final long amount, final boolean linked)
    {
        return "{\"type\":\"payIn\",\"customerId\":\"" + customer + "\",\"linked\":" + linked + ",\"body\":{\"amount\":" + amount
            + ",\"currency\":\"ZAR\",\"description\":\"till 3\"}}";
    }

    private static String transfer(final String from, final String to, final long amount)
    {
        return "{\"type\":\"transfer\",\"body\":{\"fromCustomerId\":\"" + from + "\",\"toCustomerId\":\"" + to + "\",\"amount\":"
            + amount + ",\"currency\":\"ZAR\"}}";
    }

    private static String payout(final long amount)
    {
        return "{\"type\":\"payout\",\"body\":{\"amount\":" + amount
            + ",\"currency\":\"ZAR\",\"bankAccount\":\"ACC-1\",\"metadata\":{}}}";
    }

    private static String batch(final String... commands)
    {
        return "{\"commands\":[" + String.join(",", commands) + "]}";
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(final HttpResponse<String> response)
    {
        assertEquals(200, response.statusCode(), response.body());
        return (List<Map<String, Object>>)TestJson.object(response.body()).get("results");
    }

    private static List<Long> statuses(final HttpResponse<String> response)
    {
        final List<Long> statuses = new ArrayList<>();
        for (final Map<String, Object> result : results(response))
        {
            statuses.add((Long)result.get("status"));
        }
        return statuses;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> body(final Map<String, Object> result)
    {
        return (Map<String, Object>)result.get("body");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> error(final Map<String, Object> result)
    {
        return (Map<String, Object>)result.get("error");
    }

    @Test
    void shouldAnswerEveryCommandInOrderAsItsOwnRouteWouldAndRebuildItFromTheJournal(@TempDir final Path dir) throws IOException
    {
        final String ann;
        final String bob;
        try (TestServer server = new TestServer(dir))
        {
            ann = server.createCustomer(M, null);
            bob = server.createCustomer(M, null);
            final HttpResponse<String> response = server.post(BATCH, M, batch(payIn(ann, 1_000, false), purchase(ann, 600, false),
                purchase(ann, 2_000, false), transfer(ann, bob, 300), payout(100)));
            assertEquals(List.of(201L, 201L, 402L, 201L, 201L), statuses(response));
            final List<Map<String, Object>> results = results(response);

            final Map<String, Object> payIn = body(results.get(0));
            assertEquals(1_000L, payIn.get("balanceAfter"));
            assertEquals("till 3", payIn.get("description"));
            assertEquals(ann, payIn.get("customerId"));
            final Map<String, Object> purchase = body(results.get(1));
            assertTrue(((String)purchase.get("id")).startsWith("pur_"), purchase.toString());
            assertEquals(1_000L, purchase.get("customerBalanceBefore"));
            assertEquals(400L, purchase.get("customerBalanceAfter"));
            assertEquals(server.get("/api/canary/purchases/" + purchase.get("id"), M).statusCode(), 200, "the purchase is readable by its id");
            final Map<String, Object> refused = error(results.get(2));
            assertEquals(402L, refused.get("statusCode"));
            assertEquals(List.of("Insufficient customer balance"), refused.get("message"));
            assertEquals("Payment Required", refused.get("error"));
            assertEquals(bob, body(results.get(3)).get("toCustomerId"));
            assertEquals(100L, body(results.get(4)).get("amount"));

            final HttpResponse<String> single = server.post("/api/canary/purchases", M,
                "{\"customerId\":\"" + ann + "\",\"productId\":\"airtime-50\",\"amount\":50,\"currency\":\"ZAR\"}");
            assertEquals(201, single.statusCode(), single.body());
            assertEquals(TestJson.object(single.body()).keySet(), purchase.keySet(), "a purchase of a batch is answered as one alone");

            assertEquals(50, server.balance(M, ann));
            assertEquals(300, server.balance(M, bob));
        }
        assertEquals(1, journaledBatches(dir), "one journal record for the batch");
        try (TestServer restarted = new TestServer(dir))
        {
            assertEquals(50, restarted.balance(M, ann), "from the snapshot written at shutdown");
            assertEquals(300, restarted.balance(M, bob));
        }
        deleteSnapshots(dir);
        try (TestServer replayed = new TestServer(dir))
        {
            assertEquals(50, replayed.balance(M, ann), "from the journal alone");
            assertEquals(300, replayed.balance(M, bob));
            final String carol = replayed.createCustomer(M, null);
            replayed.payIn(M, carol, 5);
            assertEquals(5, replayed.balance(M, carol), "ids after a restart come after the batch's commands'");
        }
    }

    @Test
    void shouldApplyALinkedChainWholeOrNotAtAll(@TempDir final Path dir)
    {
        try (TestServer server = new TestServer(dir))
        {
            final String ann = server.createCustomer(M, null);
            final HttpResponse<String> refused = server.post(BATCH, M, batch(payIn(ann, 500, true), purchase(ann, 900, false),
                payIn(ann, 1, false)));
            assertEquals(List.of(424L, 402L, 201L), statuses(refused));
            assertEquals(List.of("Not applied: another command of its linked chain was refused"), error(results(refused).get(0)).get("message"));
            assertEquals(1, server.balance(M, ann), "the chain's pay-in was not applied");

            final HttpResponse<String> applied = server.post(BATCH, M, batch(payIn(ann, 899, true), purchase(ann, 900, false)));
            assertEquals(List.of(201L, 201L), statuses(applied));
            assertEquals(0, server.balance(M, ann));
        }
    }

    @Test
    void shouldRefuseABadBatchWholeAndApplyNothing(@TempDir final Path dir)
    {
        try (TestServer server = new TestServer(dir))
        {
            final String ann = server.createCustomer(M, null);
            server.payIn(M, ann, 1_000);
            final String ok = purchase(ann, 1, false);
            assertError(server.post(BATCH, M, "{}"), 400, "commands should not be empty");
            assertError(server.post(BATCH, M, batch()), 400, "commands should not be empty");
            assertError(server.post(BATCH, M, "{\"commands\":{}}"), 400, "commands must be an array of at most 100 commands");
            final String[] over = new String[101];
            java.util.Arrays.fill(over, ok);
            assertError(server.post(BATCH, M, batch(over)), 400, "commands must be an array of at most 100 commands");
            assertError(server.post(BATCH, M, batch(ok, "{\"type\":\"refund\",\"body\":{}}")), 400,
                "commands[1].type must be one of purchase, transfer, payIn, payout");
            assertError(server.post(BATCH, M, batch(ok, "{\"type\":\"purchase\"}")), 400, "commands[1].body must be an object");
            assertError(server.post(BATCH, M, batch(ok, purchase(ann, -5, false))), 400, "commands[1]: amount must be");
            assertError(server.post(BATCH, M, batch(ok, "{\"type\":\"payIn\",\"body\":{\"amount\":1,\"currency\":\"ZAR\"}}")), 400,
                "commands[1].customerId should not be empty");
            assertError(server.post(BATCH, M, batch(ok, purchase(ann, 1, true))), 400, "commands[1].linked: the last command cannot be linked");
            assertError(server.post(BATCH, M, batch(purchase(ann, 1, true),
                "{\"type\":\"purchase\",\"body\":{\"customerId\":\"" + ann + "\",\"productId\":\"p\",\"amount\":1,\"currency\":\"ZAR\","
                    + "\"externalReference\":\"order-1\"}}")), 400, "a command of a linked chain cannot use externalReference");
            assertError(server.post(BATCH, M, batch(ok,
                "{\"type\":\"payout\",\"body\":{\"merchantId\":\"m2\",\"amount\":1,\"currency\":\"ZAR\",\"bankAccount\":\"A\",\"metadata\":{}}}")),
                403, "commands[1]: merchantId must be the authenticated merchant");
            assertError(server.post(BATCH, M, "{\"commands\":[" + ok + "]"), 400, "request body is not valid JSON");
            assertError(server.post(BATCH, M, batch(ok) + "x"), 400, "request body is not valid JSON");
            assertEquals(1_000, server.balance(M, ann), "nothing of any of them was applied");

            final HttpResponse<String> unknown = server.post(BATCH, M, batch(purchase("cus_0000000000", 1, false), ok));
            assertEquals(List.of(404L, 201L), statuses(unknown), "an unknown customer is the command's own 404");
            assertEquals(999, server.balance(M, ann));
        }
    }

    @Test
    void shouldAnswerARetryWithTheSameKeyWithTheFirstResults(@TempDir final Path dir)
    {
        try (TestServer server = new TestServer(dir))
        {
            final String ann = server.createCustomer(M, null);
            server.payIn(M, ann, 1_000);
            final String body = batch(purchase(ann, 300, false), purchase(ann, 900, false), payout(100));
            final HttpRequest.Builder keyed = server.request(BATCH, M).header("Idempotency-Key", "batch-1")
                .header("Content-Type", "application/json");
            final HttpResponse<String> first = server.send(keyed.POST(HttpRequest.BodyPublishers.ofString(body)).build());
            assertEquals(List.of(201L, 402L, 201L), statuses(first));
            final HttpResponse<String> retry = server.send(keyed.POST(HttpRequest.BodyPublishers.ofString(body)).build());
            assertEquals(first.body(), retry.body());
            assertEquals("true", retry.headers().firstValue(Responses.IDEMPOTENT_REPLAYED).orElse(""));
            assertEquals(700, server.balance(M, ann), "applied once");

            final HttpResponse<String> other = server.send(keyed.POST(HttpRequest.BodyPublishers.ofString(
                batch(purchase(ann, 300, false), purchase(ann, 901, false), payout(100)))).build());
            assertError(other, 422, "Idempotency-Key was already used with a different request");
            assertEquals(700, server.balance(M, ann));
        }
    }

    private static void assertError(final HttpResponse<String> response, final int status, final String message)
    {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.body().contains(message), response.body());
    }

    private static int journaledBatches(final Path dir)
    {
        final int[] batches = new int[1];
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(dir.resolve("journal")))
        {
            journal.replay(event ->
            {
                if (event.type() == CommandType.BATCH)
                {
                    batches[0]++;
                    assertEquals(5, event.batch().count());
                }
                assertTrue(event.type() != CommandType.PURCHASE || event.commandId() > 0);
            });
        }
        return batches[0];
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
