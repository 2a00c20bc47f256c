package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.JournalWriter;
import io.ledger.http.metrics.MetricValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fills the ring on purpose and checks the server's answer to overload: 503 with {@code Retry-After} at once for
 * what does not fit, normal service as soon as the load stops, and nothing that was acknowledged lost, in memory or
 * after a restart that replays the journal.
 *
 * <p>The slow stage is the journal, through a {@link JournalWriter} wrapper ({@link HarnessServer} takes one): the
 * ledger thread appends each command before it applies it, so a slow journal holds ring slots exactly as a slow
 * ledger would, and no engine code changes for the test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OverloadTest
{
    private static final String M = "load_merchant";
    private static final int RING = 16;

    @TempDir
    Path dataDir;

    /** Delegates to the real journal; {@link #append} waits while the gate is shut and sleeps {@link #delayNs} after. */
    static final class GatedJournal implements JournalWriter
    {
        private final JournalWriter delegate;
        volatile boolean open = true;
        volatile long delayNs;
        /** True while an append waits at the shut gate (written by the appending thread only). */
        volatile boolean holding;

        GatedJournal(final JournalWriter delegate)
        {
            this.delegate = delegate;
        }

        @Override
        public void append(final CommandEvent event)
        {
            while (!open)
            {
                holding = true;
                LockSupport.parkNanos(200_000);
            }
            holding = false;
            delegate.append(event);
            if (delayNs > 0)
            {
                LockSupport.parkNanos(delayNs);
            }
        }

        @Override
        public void endOfBatch()
        {
            delegate.endOfBatch();
        }

        @Override
        public void close()
        {
            open = true;
            delegate.close();
        }
    }

    @Test
    void shouldRefuseWith503WhenTheRingIsFullThenServeAgainLosingNothingAcknowledged() throws Exception
    {
        final GatedJournal[] gate = new GatedJournal[1];
        final Map<String, Long> acknowledged = new ConcurrentHashMap<>(); // pay-in id -> amount
        final String customer;
        final long hashBeforeRestart;
        long refused = 0;
        try (HarnessServer server = HarnessServer.onLedgerThread(dataDir, RING, HttpOptions.DEFAULTS, journal -> gate[0] = new GatedJournal(journal),
            UnaryOperator.identity()))
        {
            customer = server.createCustomer(M, "load@example.com");

            // 1. The journal stops: the ring fills, and what does not fit is refused at once while the gate is shut.
            gate[0].open = false;
            final List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            for (int i = 0; i < 4 * RING; i++)
            {
                burst.add(server.client.sendAsync(payIn(server, customer, 1000 + i), HttpResponse.BodyHandlers.ofString()));
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            int refusedNow = 0;
            while (refusedNow < 4 * RING - RING && System.nanoTime() < deadline)
            {
                refusedNow = 0;
                for (final CompletableFuture<HttpResponse<String>> f : burst)
                {
                    if (f.isDone() && f.get().statusCode() == 503)
                    {
                        refusedNow++;
                    }
                }
                Thread.sleep(20);
            }
            assertEquals(4 * RING - RING, refusedNow, "everything beyond the ring's " + RING + " slots is refused while the journal is stuck");
            assertFalse(gate[0].open, "the refusals came while the pipeline was stuck: at once, not after a wait");
            final var scrape = server.http.metrics().snapshots();
            assertEquals(0, MetricValues.value(scrape, "ledger_ring_free_slots"), "the ring is full");
            for (final CompletableFuture<HttpResponse<String>> f : burst)
            {
                if (f.isDone())
                {
                    final HttpResponse<String> response = f.get();
                    assertEquals("1", response.headers().firstValue("retry-after").orElse(null));
                    assertEquals("The ledger is at capacity; retry shortly",
                        ((List<?>)TestJson.object(response.body()).get("message")).get(0));
                }
            }

            // 2. The journal resumes: the commands that were in the ring complete.
            gate[0].open = true;
            for (final CompletableFuture<HttpResponse<String>> f : burst)
            {
                final HttpResponse<String> response = f.get(20, TimeUnit.SECONDS);
                if (response.statusCode() == 201)
                {
                    acknowledge(acknowledged, response);
                }
                else
                {
                    assertEquals(503, response.statusCode(), response.body());
                    refused++;
                }
            }
            assertEquals(RING, acknowledged.size(), "the commands in the ring when it filled were applied");

            // 3. Sustained overload: a slow journal and more connections than slots, for a few seconds.
            gate[0].delayNs = TimeUnit.MICROSECONDS.toNanos(500);
            final AtomicLong sustainedRefused = new AtomicLong();
            final ExecutorService workers = Executors.newFixedThreadPool(3 * RING);
            final long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            final AtomicLong amount = new AtomicLong(100_000);
            final List<Future<Void>> tasks = new ArrayList<>();
            for (int w = 0; w < 3 * RING; w++)
            {
                tasks.add(workers.submit(() ->
                {
                    while (System.nanoTime() < stopAt)
                    {
                        final HttpResponse<String> response = server.send(payIn(server, customer, amount.incrementAndGet()));
                        if (response.statusCode() == 201)
                        {
                            acknowledge(acknowledged, response);
                        }
                        else if (response.statusCode() == 503)
                        {
                            sustainedRefused.incrementAndGet();
                            assertEquals("1", response.headers().firstValue("retry-after").orElse(null));
                        }
                        else
                        {
                            throw new AssertionError(response.statusCode() + " " + response.body());
                        }
                    }
                    return null;
                }));
            }
            workers.shutdown();
            assertTrue(workers.awaitTermination(60, TimeUnit.SECONDS));
            for (final Future<Void> task : tasks)
            {
                task.get(); // an assertion that failed in a task (a 500, a 503 without Retry-After) fails the test here
            }
            refused += sustainedRefused.get();
            assertTrue(sustainedRefused.get() > 0, "a sustained overload is refused, not queued");

            // 4. The load stops: normal service at once.
            gate[0].delayNs = 0;
            for (int i = 0; i < 20; i++)
            {
                final HttpResponse<String> response = server.send(payIn(server, customer, 7));
                assertEquals(201, response.statusCode(), response.body());
                acknowledge(acknowledged, response);
            }

            // Nothing acknowledged is lost, and nothing refused was applied.
            assertAllPresent(server, customer, acknowledged);
            hashBeforeRestart = server.closeAndStateHash();
        }
        assertTrue(refused > 0);

        try (HarnessServer restarted = new HarnessServer(dataDir))
        {
            assertAllPresent(restarted, customer, acknowledged);
            assertEquals(hashBeforeRestart, restarted.closeAndStateHash(), "replay rebuilds the same state");
        }
    }

    private static java.net.http.HttpRequest payIn(final HarnessServer server, final String customer, final long amount)
    {
        return server.request("/api/canary/customers/" + customer + "/pay-ins", M)
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"amount\":" + amount + ",\"currency\":\"ZAR\"}"))
            .build();
    }

    private static void acknowledge(final Map<String, Long> acknowledged, final HttpResponse<String> response)
    {
        final Map<String, Object> body = TestJson.object(response.body());
        assertEquals(null, acknowledged.put((String)body.get("id"), (Long)body.get("amount")), "ids are unique");
    }

    /** Every acknowledged pay-in is in the customer's history, and the balance is exactly their sum. */
    private static void assertAllPresent(final HarnessServer server, final String customer, final Map<String, Long> acknowledged)
    {
        final Set<String> inHistory = new HashSet<>();
        int offset = 0;
        while (true)
        {
            final HttpResponse<String> page = server.get(
                "/api/canary/customers/" + customer + "/transactions?limit=100&offset=" + offset, M);
            assertEquals(200, page.statusCode(), page.body());
            final List<?> rows = (List<?>)TestJson.object(page.body()).get("data");
            for (final Object row : rows)
            {
                inHistory.add((String)((Map<?, ?>)row).get("relatedEntityId"));
            }
            if (rows.size() < 100)
            {
                break;
            }
            offset += 100;
        }
        assertEquals(acknowledged.keySet(), inHistory, "every 201 is in the history, and nothing else");
        final long sum = acknowledged.values().stream().mapToLong(Long::longValue).sum();
        final Map<String, Object> balance = TestJson.object(server.get("/api/canary/customers/" + customer + "/balance", M).body());
        assertEquals(sum, balance.get("amount"));
    }
}
