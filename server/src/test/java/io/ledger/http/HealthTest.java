package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.JournalWriter;
import io.ledger.http.metrics.JournalSpace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/canary/health} reports the ledger's real state, in the Cashful reference's shape, and answers 503
 * while the ledger cannot serve: the pipeline failed, the ledger thread stalls with work waiting, the ring is full,
 * the journal's directory is not writable or its disk full. {@code GET /health/live} answers 200 through all of it.
 * (On 4af94da the health check knew only "pipeline failed": a full ring and a stalled ledger answered 200.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HealthTest
{
    private static final String M = "health_merchant";

    @TempDir
    Path dataDir;

    @Test
    void shouldReportEveryIndicatorUpOnAnIdleServerAndLivenessAlways()
    {
        try (HarnessServer server = new HarnessServer(dataDir, 64, HttpOptions.DEFAULTS.withJournalSpace(
            () -> new JournalSpace.State(true, 10L << 30)), UnaryOperator.identity()))
        {
            final HttpResponse<String> health = server.get("/api/canary/health", null);
            assertEquals(200, health.statusCode(), health.body());
            assertEquals("{\"status\":\"ok\",\"info\":{\"ledger\":{\"status\":\"up\"},\"ring\":{\"status\":\"up\",\"usedSlots\":0,"
                + "\"sizeSlots\":64},\"journal\":{\"status\":\"up\"}},\"error\":{},\"details\":{\"ledger\":{\"status\":\"up\"},"
                + "\"ring\":{\"status\":\"up\",\"usedSlots\":0,\"sizeSlots\":64},\"journal\":{\"status\":\"up\"}}}", health.body());
            final HttpResponse<String> live = server.get("/health/live", null);
            assertEquals(200, live.statusCode());
            assertEquals("{\"status\":\"ok\"}", live.body());
        }
    }

    @Test
    void shouldAnswer503WhileTheRingIsFullAnd200OnceItDrains() throws Exception
    {
        final OverloadTest.GatedJournal[] gate = new OverloadTest.GatedJournal[1];
        try (HarnessServer server = HarnessServer.onLedgerThread(dataDir, 8, HttpOptions.DEFAULTS,
            journal -> gate[0] = new OverloadTest.GatedJournal(journal), UnaryOperator.identity()))
        {
            final String customer = server.createCustomer(M, "ring@example.com");
            gate[0].open = false;
            final List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
            for (int i = 0; i < 12; i++)
            {
                held.add(server.client.sendAsync(payIn(server, customer), HttpResponse.BodyHandlers.ofString()));
            }
            final HttpResponse<String> full = awaitStatus(server, "/api/canary/health", 503);
            final Map<String, Object> body = TestJson.object(full.body());
            assertEquals("error", body.get("status"));
            final Map<?, ?> ring = (Map<?, ?>)((Map<?, ?>)body.get("error")).get("ring");
            assertEquals("down", ring.get("status"));
            assertEquals(8L, ring.get("usedSlots"));
            assertEquals("up", ((Map<?, ?>)((Map<?, ?>)body.get("info")).get("ledger")).get("status"),
                "the ledger thread is not the one stuck: the journal is");
            assertEquals(200, server.get("/health/live", null).statusCode(), "alive: a restart would not help");

            gate[0].open = true;
            for (final CompletableFuture<HttpResponse<String>> future : held)
            {
                final int status = future.get(20, TimeUnit.SECONDS).statusCode();
                assertTrue(status == 201 || status == 503, "201 or refused at once: " + status);
            }
            awaitStatus(server, "/api/canary/health", 200);
        }
    }

    @Test
    void shouldAnswer503WhileTheLedgerThreadStallsWithWorkWaiting() throws Exception
    {
        // The ledger thread calls the long-pause handler itself; one that blocks stalls it, as a bug or a disk would.
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch stalling = new CountDownLatch(1);
        final AtomicReference<Boolean> blocking = new AtomicReference<>(false);
        try (HarnessServer server = HarnessServer.onLedgerThread(dataDir, 64, HttpOptions.DEFAULTS.withHealthStallMs(300), UnaryOperator.identity(),
            context -> context.pauseWarnNs(1).longPauseHandler((pauseNs, commandId, unreported) ->
            {
                if (blocking.get())
                {
                    stalling.countDown();
                    awaitQuietly(release);
                }
            })))
        {
            final String customer = server.createCustomer(M, "stall@example.com");
            assertEquals(200, server.get("/api/canary/health", null).statusCode());
            blocking.set(true);
            // The handler is called at most once a second, so the pay-in after the last call within a second goes
            // through: send them a second apart until one stalls the ledger thread (on a loaded machine the first
            // may fall inside the second of an earlier call), then one more that waits behind it.
            CompletableFuture<HttpResponse<String>> stuck = null;
            for (int attempt = 0; attempt < 5 && stalling.getCount() > 0; attempt++)
            {
                stuck = server.client.sendAsync(payIn(server, customer), HttpResponse.BodyHandlers.ofString());
                if (!stalling.await(1_100, TimeUnit.MILLISECONDS))
                {
                    assertEquals(201, stuck.get(20, TimeUnit.SECONDS).statusCode());
                }
            }
            assertEquals(0, stalling.getCount(), "the ledger thread never called the long-pause handler");
            final CompletableFuture<HttpResponse<String>> waiting = server.client.sendAsync(payIn(server, customer),
                HttpResponse.BodyHandlers.ofString());

            final HttpResponse<String> stalled = awaitStatus(server, "/api/canary/health", 503);
            final Map<?, ?> ledger = (Map<?, ?>)((Map<?, ?>)TestJson.object(stalled.body()).get("error")).get("ledger");
            assertEquals("down", ledger.get("status"));
            assertTrue(((String)ledger.get("message")).contains("while commands wait"), stalled.body());
            assertEquals(200, server.get("/health/live", null).statusCode());

            blocking.set(false);
            release.countDown();
            assertEquals(201, stuck.get(20, TimeUnit.SECONDS).statusCode());
            assertEquals(201, waiting.get(20, TimeUnit.SECONDS).statusCode());
            awaitStatus(server, "/api/canary/health", 200);
        }
    }

    @Test
    void shouldAnswer503OnceThePipelineFailed() throws Exception
    {
        final HarnessServer server = new HarnessServer(dataDir, 64, HttpOptions.DEFAULTS, journal -> new FailingJournal(journal));
        try
        {
            final HttpResponse<String> created = server.post("/api/canary/customers", M, "{\"phoneNumber\":\"+27820000000\",\"metadata\":{}}");
            assertEquals(503, created.statusCode(), "a journal failure stops acknowledgements: " + created.body());
            final HttpResponse<String> health = server.get("/api/canary/health", null);
            assertEquals(503, health.statusCode());
            assertTrue(health.body().contains("\"ledger\":{\"status\":\"down\",\"message\":\"the pipeline failed"), health.body());
            assertEquals(200, server.get("/health/live", null).statusCode(), "the process halts on its own (exit 70)");
        }
        finally
        {
            assertThrows(AssertionError.class, server::close, "the harness reports the fatal error it was told of");
        }
    }

    @Test
    void shouldAnswer503WhenTheJournalDirectoryIsNotWritableOrItsDiskIsFull()
    {
        final AtomicReference<JournalSpace.State> space = new AtomicReference<>(new JournalSpace.State(true, 10L << 30));
        try (HarnessServer server = new HarnessServer(dataDir, 64, HttpOptions.DEFAULTS.withJournalSpace(space::get),
            UnaryOperator.identity()))
        {
            assertEquals(200, server.get("/api/canary/health", null).statusCode());

            space.set(new JournalSpace.State(true, HealthCheck.JOURNAL_FREE_BYTES_MIN - 1));
            final HttpResponse<String> full = server.get("/api/canary/health", null);
            assertEquals(503, full.statusCode());
            assertTrue(full.body().contains("\"journal\":{\"status\":\"down\",\"message\":\"255 MiB free on the journal's file system, "
                + "below 256 MiB\"}"), full.body());

            space.set(new JournalSpace.State(false, 10L << 30));
            final HttpResponse<String> readOnly = server.get("/api/canary/health", null);
            assertEquals(503, readOnly.statusCode());
            assertTrue(readOnly.body().contains("the journal directory is not writable"), readOnly.body());

            space.set(new JournalSpace.State(true, -1));
            assertEquals(200, server.get("/api/canary/health", null).statusCode(), "free space unknown: not judged");
        }
    }

    @Test
    void shouldJudgeTheRealJournalDirectory() throws Exception
    {
        final JournalSpace real = io.ledger.server.LedgerServer.journalSpace(dataDir);
        final JournalSpace.State state = real.state();
        assertTrue(state.writable(), "a temporary directory is writable");
        assertTrue(state.usableBytes() > 0, "and its file system has room: " + state);
        assertFalse(io.ledger.server.LedgerServer.journalSpace(dataDir.resolve("missing")).state().writable());
    }

    /** A journal whose every append fails, as a full disk or a dead device would make it. */
    private static final class FailingJournal implements JournalWriter
    {
        private final JournalWriter delegate;
        private int appends;

        FailingJournal(final JournalWriter delegate)
        {
            this.delegate = delegate;
        }

        @Override
        public void append(final CommandEvent event)
        {
            if (++appends > 1) // the deployment's salt goes through, as on a real first start
            {
                throw new IllegalStateException("disk gone (test)");
            }
            delegate.append(event);
        }

        @Override
        public void endOfBatch()
        {
            delegate.endOfBatch();
        }

        @Override
        public void close()
        {
            delegate.close();
        }
    }

    private static java.net.http.HttpRequest payIn(final HarnessServer server, final String customer)
    {
        return server.request("/api/canary/customers/" + customer + "/pay-ins", M)
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"amount\":5,\"currency\":\"ZAR\"}"))
            .build();
    }

    private static HttpResponse<String> awaitStatus(final HarnessServer server, final String path, final int status)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline)
        {
            last = server.get(path, null);
            if (last.statusCode() == status)
            {
                return last;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("expected " + status + " from " + path + " within 20 s; last: " + last.statusCode() + " " + last.body());
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
