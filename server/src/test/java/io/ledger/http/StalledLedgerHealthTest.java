package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ledger.http.auth.JwtKeys;
import io.ledger.server.LedgerServer;
import io.ledger.server.SnapshotOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What an operator gets while the ledger stalls (here: a journal append that blocks, as a stuck disk would), in each
 * {@code --ledger-thread} mode, through the real {@link LedgerServer}:
 *
 * <ul>
 *   <li>{@code own}: the event loop still answers. {@code /api/canary/health} says 503 "completed no command for N ms
 *       while commands wait" from {@code --health-stall-ms} on, {@code /health/live} 200, {@code /metrics} the stall.</li>
 *   <li>{@code event-loop} (what {@code auto} runs by default): the loop that would answer is the one stalled, so every
 *       probe (readiness, liveness, metrics) gets no answer until the stall ends: a probe's timeout is the signal, as
 *       Kubernetes and load balancers read it (a failure, like a 503).</li>
 * </ul>
 *
 * In both, once the stall ends: the command waiting is answered, health is 200 again, the WARN line names the pause,
 * and {@code /metrics} counts it ({@code ledger_thread_longest_pause_since_start_seconds},
 * {@code ledger_thread_long_pauses_total}) and says which mode ran ({@code ledger_thread_mode_info}).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StalledLedgerHealthTest
{
    private static final String M = "stall_merchant";
    /** How long the test holds the journal: above the warning level below, so that only the stall is warned of. */
    private static final long STALL_MS = 1_500;
    private static final long PAUSE_WARN_MS = 1_000;
    private static final Pattern WARNED = Pattern.compile("the ledger thread went (\\d+) ms without completing a command");

    @TempDir
    Path dataDir;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    @BeforeEach
    void captureLogs()
    {
        logs.start();
        ((Logger)LoggerFactory.getLogger(LedgerServer.class)).addAppender(logs);
    }

    @AfterEach
    void releaseLogs()
    {
        ((Logger)LoggerFactory.getLogger(LedgerServer.class)).detachAppender(logs);
        assertEquals(null, fatal.get(), "a stall is not a failure");
    }

    @Test
    void shouldAnswerHealth503WhileTheOwnLedgerThreadStallsThenWarnAndCountThePause() throws Exception
    {
        final OverloadTest.GatedJournal[] gate = new OverloadTest.GatedJournal[1];
        try (LedgerServer server = start("own", gate))
        {
            final String customer = createCustomer(server);
            assertEquals(200, get(server, "/api/canary/health", 5_000).statusCode());

            gate[0].open = false;
            final CompletableFuture<HttpResponse<String>> stuck = payInAsync(server, customer);
            final long stalledAtNs = awaitHolding(gate[0]);
            final HttpResponse<String> stalled = awaitStatus(server, "/api/canary/health", 503);
            final Map<?, ?> ledger = (Map<?, ?>)((Map<?, ?>)TestJson.object(stalled.body()).get("error")).get("ledger");
            assertEquals("down", ledger.get("status"));
            assertTrue(((String)ledger.get("message")).contains("while commands wait"), stalled.body());
            assertEquals(200, get(server, "/health/live", 5_000).statusCode(), "alive: the event loop answers");
            assertTrue(metric(scrape(server), "ledger_thread_stall_seconds") >= 0.3, "the stall, live");
            holdUntil(stalledAtNs);

            gate[0].open = true;
            assertEquals(201, stuck.get(20, TimeUnit.SECONDS).statusCode());
            assertRecovered(server, "own");
        }
    }

    @Test
    void shouldLeaveEveryProbeUnansweredWhileTheLedgerStallsOnTheEventLoopThenWarnAndCountThePause() throws Exception
    {
        final OverloadTest.GatedJournal[] gate = new OverloadTest.GatedJournal[1];
        try (LedgerServer server = start("event-loop", gate))
        {
            final String customer = createCustomer(server);
            assertEquals(200, get(server, "/api/canary/health", 5_000).statusCode());

            gate[0].open = false;
            final CompletableFuture<HttpResponse<String>> stuck = payInAsync(server, customer);
            final long stalledAtNs = awaitHolding(gate[0]);
            assertThrows(HttpTimeoutException.class, () -> get(server, "/api/canary/health", 400), "readiness: no answer");
            assertThrows(HttpTimeoutException.class, () -> get(server, "/health/live", 400), "liveness: no answer");
            assertThrows(HttpTimeoutException.class, () -> client.send(scrapeRequest(server, 400), HttpResponse.BodyHandlers.ofString()),
                "metrics: no answer");
            assertTrue(gate[0].holding, "the probes timed out during the stall, not after it");
            holdUntil(stalledAtNs);

            gate[0].open = true;
            assertEquals(201, stuck.get(20, TimeUnit.SECONDS).statusCode());
            assertRecovered(server, "event-loop");
        }
    }

    /** After the stall: health 200, the WARN line and the pause figures cover the stall, and the mode is reported. */
    private void assertRecovered(final LedgerServer server, final String mode) throws Exception
    {
        awaitStatus(server, "/api/canary/health", 200);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long warnedMs = -1; // the longest pause warned of: the line comes once the stalled command completes
        while (warnedMs < STALL_MS && System.nanoTime() < deadlineNs)
        {
            for (final ILoggingEvent event : lines())
            {
                final Matcher matcher = WARNED.matcher(event.getFormattedMessage());
                if (matcher.find())
                {
                    assertEquals("WARN", event.getLevel().toString());
                    warnedMs = Math.max(warnedMs, Long.parseLong(matcher.group(1)));
                }
            }
            Thread.sleep(10);
        }
        assertTrue(warnedMs >= STALL_MS, "the WARN line names the stall: " + warnedMs + " ms");
        final String metrics = scrape(server);
        assertTrue(metric(metrics, "ledger_thread_longest_pause_since_start_seconds") >= STALL_MS / 1000.0, metrics);
        assertTrue(metric(metrics, "ledger_thread_long_pauses_total") >= 1, metrics);
        assertEquals(0.0, metric(metrics, "ledger_thread_stall_seconds"), "nothing waits any more");
        assertEquals(1.0, metric(metrics, "ledger_thread_mode_info{mode=\"" + mode + "\"}"), metrics);
        assertTrue(lines().stream().anyMatch(event -> event.getFormattedMessage().startsWith(
            "commands are journaled, applied and answered on the " + ("own".equals(mode) ? "ledger thread" : "HTTP event loop"))),
            "the start-up says where the ledger runs");
    }

    /** @return the lines logged so far (the appender appends under its own lock, from the server's threads). */
    private List<ILoggingEvent> lines()
    {
        synchronized (logs)
        {
            return new ArrayList<>(logs.list);
        }
    }

    private LedgerServer start(final String mode, final OverloadTest.GatedJournal[] gate)
    {
        final LedgerServer.Config config = new LedgerServer.Config(0, dataDir, JwtKeys.fixed(TestServer.SECRET), "process", 64,
            LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR", HttpOptions.DEFAULTS.withHealthStallMs(300),
            SnapshotOptions.DEFAULTS, PAUSE_WARN_MS, false, mode);
        return LedgerServer.start(config, (stage, commandId, error) -> fatal.compareAndSet(null, error),
            journal -> gate[0] = new OverloadTest.GatedJournal(journal));
    }

    /** @return when the gate was seen holding an append: the command was published before. */
    private static long awaitHolding(final OverloadTest.GatedJournal gate) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!gate.holding)
        {
            assertTrue(System.nanoTime() < deadlineNs, "the pay-in never reached the journal");
            Thread.sleep(5);
        }
        return System.nanoTime();
    }

    /** Keeps the gate shut until {@link #STALL_MS} after {@code stalledAtNs}. */
    private static void holdUntil(final long stalledAtNs) throws InterruptedException
    {
        final long leftMs = STALL_MS + 50 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalledAtNs);
        if (leftMs > 0)
        {
            Thread.sleep(leftMs);
        }
    }

    private String createCustomer(final LedgerServer server) throws Exception
    {
        final HttpResponse<String> created = client.send(request(server, "/api/canary/customers", 10_000)
            .header("Authorization", "Bearer " + TestServer.token(M)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"phoneNumber\":\"+27820000000\",\"metadata\":{}}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        return (String)TestJson.object(created.body()).get("id");
    }

    private CompletableFuture<HttpResponse<String>> payInAsync(final LedgerServer server, final String customer)
    {
        return client.sendAsync(request(server, "/api/canary/customers/" + customer + "/pay-ins", 30_000)
            .header("Authorization", "Bearer " + TestServer.token(M)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":5,\"currency\":\"ZAR\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(final LedgerServer server, final String path, final long timeoutMs)
    {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofMillis(timeoutMs));
    }

    private HttpResponse<String> get(final LedgerServer server, final String path, final long timeoutMs)
        throws IOException, InterruptedException
    {
        return client.send(request(server, path, timeoutMs).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest scrapeRequest(final LedgerServer server, final long timeoutMs)
    {
        return request(server, "/metrics", timeoutMs).header("Authorization", "Bearer " + TestServer.operatorToken()).GET().build();
    }

    private String scrape(final LedgerServer server) throws IOException, InterruptedException
    {
        final HttpResponse<String> response = client.send(scrapeRequest(server, 10_000), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** @return the value of the text exposition's sample {@code series} (name and labels as written). */
    private static double metric(final String exposition, final String series)
    {
        for (final String line : exposition.split("\n"))
        {
            if (line.startsWith(series + " "))
            {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no sample " + series + " in:\n" + exposition);
    }

    private HttpResponse<String> awaitStatus(final LedgerServer server, final String path, final int status) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline)
        {
            last = get(server, path, 10_000);
            if (last.statusCode() == status)
            {
                return last;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("expected " + status + " from " + path + " within 20 s; last: " + last.statusCode() + " " + last.body());
    }
}
