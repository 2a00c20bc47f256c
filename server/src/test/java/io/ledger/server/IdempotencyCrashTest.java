package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;

import io.ledger.http.auth.Tokens;
import io.ledger.server.ChildServer.HttpConnection;
import io.ledger.server.ChildServer.NotSentException;
import io.ledger.server.ChildServer.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idempotency keys rebuilt from the journal alone after {@code kill -9}. The real server runs as a child JVM with no
 * snapshot taken (none by count or time, and SIGKILL leaves no final one), clients send pay-ins, purchases, transfers
 * and customer creations, each with its own key, from several connections, and the server is killed mid-load. After
 * the restart (a full replay: the log shows no snapshot loaded) every request is sent again with its key and body:
 *
 * <ul>
 *   <li>one that was answered gets the same status and the same body, byte for byte (ids included), flagged
 *       {@code Idempotent-Replayed: true}; a 402 stays a 402;</li>
 *   <li>one that was in flight (no answer when the server died) is either replayed (it had been journaled) or applied
 *       now (it had not), and a third attempt replays whichever it was;</li>
 *   <li>nothing is applied twice: each customer's balance is exactly the sum of the movements whose final answer was
 *       201.</li>
 * </ul>
 *
 * ({@code IdempotencyTest} covers a clean restart, which loads the keys from the final snapshot.)
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class IdempotencyCrashTest
{
    private static final String SECRET = "idempotency-crash-test-secret-at-least-32-bytes";
    private static final String MERCHANT = "keyed_m";
    private static final int CUSTOMERS = 6;
    private static final int LOAD_THREADS = 6;
    private static final long SEED = Long.getLong("ledger.crash.seed", System.nanoTime());
    private static final List<String> NO_SNAPSHOTS = List.of("--snapshot-every-commands", "0", "--snapshot-every-seconds", "0");

    @TempDir
    Path tempDir;

    private ChildServer server;

    @AfterEach
    void killServer() throws InterruptedException
    {
        if (server != null && server.process.isAlive())
        {
            server.process.destroyForcibly();
            server.process.waitFor(15, TimeUnit.SECONDS);
        }
    }

    /** One keyed request, and what the client learnt of it. */
    private static final class Sent
    {
        final String key;
        final String method;
        final String path;
        final String body;
        /** The movement it makes when applied: customer index -> signed amount. */
        final Map<Integer, Long> movement;
        volatile Response answer;
        volatile boolean inFlight;

        Sent(final String key, final String method, final String path, final String body, final Map<Integer, Long> movement)
        {
            this.key = key;
            this.method = method;
            this.path = path;
            this.body = body;
            this.movement = movement;
        }

        @Override
        public String toString()
        {
            return method + " " + path + " key=" + key + " " + body;
        }
    }

    @Test
    void shouldReplayEveryAnsweredAndInFlightKeyedRequestAfterKillMinusNineWithoutApplyingAnythingTwice() throws Exception
    {
        final Random random = new Random(SEED);
        final Path dataDir = tempDir.resolve("data");
        final int port = ChildServer.freePort();
        final String token = Tokens.issue(SECRET.getBytes(StandardCharsets.UTF_8), MERCHANT, System.currentTimeMillis(),
            TimeUnit.HOURS.toMillis(1));
        server = ChildServer.start(port, dataDir, SECRET, tempDir.resolve("first.log"), NO_SNAPSHOTS);
        assertNull(server.awaitHealthy(port), server::output);

        final String[] customers = new String[CUSTOMERS];
        try (HttpConnection http = new HttpConnection(port))
        {
            for (int c = 0; c < CUSTOMERS; c++)
            {
                final Response created = http.request("POST", "/api/canary/customers", token,
                    "{\"phoneNumber\":\"+2782000000" + c + "\",\"metadata\":{}}", "setup-customer-" + c);
                assertEquals(201, created.status(), created::toString);
                customers[c] = created.field("id");
            }
        }

        final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> load = new ArrayList<>();
        for (int t = 0; t < LOAD_THREADS; t++)
        {
            final int thread = t;
            final Random threadRandom = new Random(SEED + thread);
            load.add(new Thread(() -> drive(port, token, customers, thread, threadRandom, sent, stop), "keyed-load-" + t));
        }
        load.forEach(Thread::start);
        Thread.sleep(400 + random.nextInt(1_200));
        server.process.destroyForcibly();
        assertTrue(server.process.waitFor(15, TimeUnit.SECONDS), "the server died");
        stop.set(true);
        for (final Thread thread : load)
        {
            thread.join(20_000);
        }

        server = ChildServer.start(port, dataDir, SECRET, tempDir.resolve("second.log"), NO_SNAPSHOTS);
        assertNull(server.awaitHealthy(port), server::output);
        assertNull(server.find(ChildServer.LOADED_SNAPSHOT), "no snapshot: the keys come from the journal alone\n" + server.output());
        final Matcher replayed = server.find(ChildServer.REPLAYED);
        assertTrue(replayed != null && Long.parseLong(replayed.group(1)) > CUSTOMERS, server::output);

        int answered = 0;
        int inFlight = 0;
        int replayedInFlight = 0;
        final long[] expected = new long[CUSTOMERS];
        try (HttpConnection http = new HttpConnection(port))
        {
            for (final Sent request : sent)
            {
                if (request.answer == null && !request.inFlight)
                {
                    continue; // never reached the server
                }
                final Response retry = http.request(request.method, request.path, token, request.body, request.key);
                final Response settled;
                if (request.answer != null)
                {
                    answered++;
                    assertEquals(request.answer.status(), retry.status(), () -> "retry of " + request + ": " + retry);
                    assertEquals(request.answer.body(), retry.body(), () -> "retry of " + request);
                    assertEquals("true", retry.header("idempotent-replayed"), () -> "retry of " + request);
                    settled = retry;
                }
                else
                {
                    inFlight++;
                    final boolean wasJournaled = "true".equals(retry.header("idempotent-replayed"));
                    replayedInFlight += wasJournaled ? 1 : 0;
                    final Response again = http.request(request.method, request.path, token, request.body, request.key);
                    assertEquals(retry.status(), again.status(), () -> "third attempt of in-flight " + request);
                    assertEquals(retry.body(), again.body(), () -> "third attempt of in-flight " + request);
                    assertEquals("true", again.header("idempotent-replayed"), () -> "third attempt of in-flight " + request);
                    settled = retry;
                }
                assertTrue(settled.status() == 201 || settled.status() == 402, () -> request + " -> " + settled);
                if (settled.status() == 201)
                {
                    request.movement.forEach((customer, amount) -> expected[customer] += amount);
                }
            }
            for (int c = 0; c < CUSTOMERS; c++)
            {
                final Response balance = http.request("GET", "/api/canary/customers/" + customers[c] + "/balance?currency=ZAR", token, null);
                assertEquals(200, balance.status(), balance::toString);
                assertEquals(expected[c], Long.parseLong(balance.field("amount")),
                    "customer " + c + ": exactly the movements answered 201, each once (seed " + SEED + ")");
            }
        }
        assertTrue(answered > 20, "enough answered requests to retry: " + answered + " (seed " + SEED + ")");
        System.out.println("IdempotencyCrashTest seed=" + SEED + " answered=" + answered + " inFlight=" + inFlight
            + " (journaled before the kill: " + replayedInFlight + ")");
        assertNotEquals(0, answered + inFlight);
    }

    /** One load thread: its own connection, keyed requests until the server dies or {@code stop}. */
    private static void drive(final int port, final String token, final String[] customers, final int thread, final Random random,
        final ConcurrentLinkedQueue<Sent> sent, final AtomicBoolean stop)
    {
        int n = 0;
        try (HttpConnection http = new HttpConnection(port))
        {
            while (!stop.get())
            {
                final Sent request = next(customers, "t" + thread + "-" + n++, random);
                sent.add(request);
                try
                {
                    request.answer = http.request(request.method, request.path, token, request.body, request.key);
                }
                catch (final NotSentException ex)
                {
                    return; // the server is gone, and this one never reached it
                }
                catch (final IOException ex)
                {
                    request.inFlight = true; // written, never answered
                    return;
                }
            }
        }
    }

    private static Sent next(final String[] customers, final String key, final Random random)
    {
        final int from = random.nextInt(customers.length);
        final long amount = 1 + random.nextInt(3_000);
        final Map<Integer, Long> movement = new HashMap<>();
        switch (random.nextInt(10))
        {
            case 0, 1, 2, 3 ->
            {
                movement.put(from, amount);
                return new Sent(key, "POST", "/api/canary/customers/" + customers[from] + "/pay-ins",
                    "{\"amount\":" + amount + ",\"currency\":\"ZAR\"}", movement);
            }
            case 4, 5, 6 ->
            {
                movement.put(from, -amount);
                return new Sent(key, "POST", "/api/canary/purchases", "{\"customerId\":\"" + customers[from]
                    + "\",\"productId\":\"p-" + key + "\",\"amount\":" + amount + ",\"currency\":\"ZAR\"}", movement);
            }
            case 7, 8 ->
            {
                final int to = (from + 1 + random.nextInt(customers.length - 1)) % customers.length;
                movement.put(from, -amount);
                movement.put(to, amount);
                return new Sent(key, "POST", "/api/canary/transfers", "{\"fromCustomerId\":\"" + customers[from] + "\",\"toCustomerId\":\""
                    + customers[to] + "\",\"amount\":" + amount + ",\"currency\":\"ZAR\"}", movement);
            }
            default ->
            {
                return new Sent(key, "POST", "/api/canary/customers", "{\"phoneNumber\":\"+2783" + Math.abs(key.hashCode() % 1_000_000)
                    + "\",\"metadata\":{\"k\":\"" + key + "\"}}", movement);
            }
        }
    }
}
