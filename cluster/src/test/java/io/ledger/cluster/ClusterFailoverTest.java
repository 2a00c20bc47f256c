package io.ledger.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.Currencies;
import io.ledger.engine.Ledger;
import io.ledger.http.auth.Tokens;
import io.ledger.journal.ChronicleJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node processes ({@code java -cp} of the test class path, {@link ClusterMain}) under purchase and transfer load
 * from several client threads over HTTP; the leader is killed with SIGKILL, a new one is awaited and the load goes on,
 * then the old leader is restarted and catches up; {@code -Dledger.cluster.kills=N} times (3 by default; 10 in the
 * documented run). Every request carries an idempotency key and is retried, on any node, until it has a definite answer
 * (a 503 or a lost connection is not one). After all:
 *
 * <ul>
 *   <li>every acknowledged purchase is readable on every node;</li>
 *   <li>each customer's balance, read on every node, is its pay-in plus exactly the acknowledged movements: nothing
 *       acknowledged is lost, nothing is applied twice;</li>
 *   <li>each node's Chronicle journal replays to the same state hash, with money conserved and no balance negative.</li>
 * </ul>
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClusterFailoverTest
{
    private static final int KILLS = Integer.getInteger("ledger.cluster.kills", 3);
    private static final String SECRET = "cluster-failover-secret-at-least-32-bytes";
    private static final String MERCHANT = "failover_m";
    private static final int CUSTOMERS = 6;
    private static final long PAY_IN = 10_000_000;
    private static final int LOAD_THREADS = 3;
    /** A killed node's mark files look alive for 10 s (Aeron's liveness timeout): restart it after that. */
    private static final long RESTART_AFTER_KILL_MS = 11_000;
    private static final Pattern ROLE = Pattern.compile("role (LEADER|FOLLOWER|CANDIDATE)");

    @TempDir
    Path tempDir;

    private final Process[] processes = new Process[3];
    private final Path[] logs = new Path[3];
    private final int[] httpPorts = new int[3];
    private final int[] starts = new int[3];
    private int basePort;

    @AfterEach
    void stopAll() throws Exception
    {
        for (final Process process : processes)
        {
            if (process != null && process.isAlive())
            {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        }
        for (int n = 0; n < 3; n++)
        {
            deleteRecursively(Path.of("/dev/shm/ledger-aeron-" + basePort + "-" + n));
        }
    }

    /** A keyed request and the movement it makes when applied (customer index -> signed amount). */
    private record Request(String key, String path, String body, Map<Integer, Long> movement, boolean purchase)
    {
    }

    private record Answered(Request request, Http.Response response)
    {
    }

    @Test
    void shouldLoseNoAcknowledgedCommandAndApplyNoneTwiceAcrossLeaderKills() throws Exception
    {
        basePort = 45_000 + 300 * ThreadLocalRandom.current().nextInt(0, 60);
        for (int n = 0; n < 3; n++)
        {
            httpPorts[n] = freePort();
            start(n);
        }
        for (int n = 0; n < 3; n++)
        {
            awaitListening(n);
        }
        final Http http = new Http(Tokens.issue(SECRET.getBytes(StandardCharsets.UTF_8), MERCHANT, System.currentTimeMillis(),
            TimeUnit.HOURS.toMillis(2)));
        final String[] customers = new String[CUSTOMERS];
        for (int c = 0; c < CUSTOMERS; c++)
        {
            customers[c] = settle(http, new Request("customer-" + c, "/api/canary/customers",
                "{\"phoneNumber\":\"+2782000000" + c + "\",\"metadata\":{}}", Map.of(), false), new Random(c)).response().field("id");
            assertEquals(201, settle(http, new Request("payin-" + c, "/api/canary/customers/" + customers[c] + "/pay-ins",
                "{\"amount\":" + PAY_IN + ",\"currency\":\"ZAR\"}", Map.of(c, PAY_IN), false), new Random(c)).response().status());
        }

        final ConcurrentLinkedQueue<Answered> answered = new ConcurrentLinkedQueue<>();
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> load = new ArrayList<>();
        for (int t = 0; t < LOAD_THREADS; t++)
        {
            final int thread = t;
            load.add(new Thread(() ->
            {
                final Random random = new Random(thread);
                for (int n = 0; !stop.get(); n++)
                {
                    try
                    {
                        answered.add(settle(http, next(customers, "t" + thread + "-" + n, random), random));
                        acknowledged.incrementAndGet();
                    }
                    catch (final InterruptedException ex)
                    {
                        return;
                    }
                }
            }, "failover-load-" + t));
        }
        load.forEach(Thread::start);

        final List<String> failovers = new ArrayList<>();
        for (int kill = 0; kill < KILLS; kill++)
        {
            awaitProgress(acknowledged, 20);
            final int leader = leader();
            final long before = acknowledged.get();
            final long killedNs = System.nanoTime();
            processes[leader].destroyForcibly(); // SIGKILL
            assertTrue(processes[leader].waitFor(20, TimeUnit.SECONDS));
            awaitProgress(acknowledged, before + LOAD_THREADS + 1 - acknowledged.get());
            failovers.add("kill " + (kill + 1) + ": node " + leader + " killed, load acknowledged again after "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs) + " ms");
            final long sinceKillMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
            Thread.sleep(Math.max(0, RESTART_AFTER_KILL_MS - sinceKillMs));
            start(leader);
            awaitListening(leader);
        }
        awaitProgress(acknowledged, 20);
        stop.set(true);
        for (final Thread thread : load)
        {
            thread.join(TimeUnit.MINUTES.toMillis(2));
        }
        System.out.println("ClusterFailoverTest: " + KILLS + " leader kills, " + answered.size() + " load requests answered\n  "
            + String.join("\n  ", failovers));

        // Every node answers every acknowledged purchase, and the balances of exactly the acknowledged movements
        final long[] expected = new long[CUSTOMERS];
        for (int c = 0; c < CUSTOMERS; c++)
        {
            expected[c] = PAY_IN;
        }
        final Map<String, Integer> purchases = new ConcurrentHashMap<>();
        for (final Answered a : answered)
        {
            if (a.response().status() == 201)
            {
                a.request().movement().forEach((customer, amount) -> expected[customer] += amount);
                if (a.request().purchase())
                {
                    purchases.put(a.response().field("id"), 1);
                }
            }
        }
        for (int n = 0; n < 3; n++)
        {
            for (final String purchase : purchases.keySet())
            {
                final Http.Response read = http.send(httpPorts[n], "GET", "/api/canary/purchases/" + purchase, null, null);
                assertEquals(200, read.status(), () -> "node " + " purchase " + purchase + ": " + read);
            }
            for (int c = 0; c < CUSTOMERS; c++)
            {
                final Http.Response balance = http.send(httpPorts[n], "GET", "/api/canary/customers/" + customers[c] + "/balance", null, null);
                assertEquals(200, balance.status(), balance::toString);
                assertEquals(expected[c], Long.parseLong(balance.field("amount")), "node " + n + " customer " + c + ": " + balance);
            }
        }

        // Stopped cleanly, each node's journal replays to one state
        for (int n = 0; n < 3; n++)
        {
            processes[n].destroy(); // SIGTERM
        }
        final long[] hashes = new long[3];
        for (int n = 0; n < 3; n++)
        {
            if (!processes[n].waitFor(30, TimeUnit.SECONDS))
            {
                processes[n].destroyForcibly();
            }
            final Ledger replayed = new Ledger(Currencies.pack("ZAR"));
            try (ChronicleJournal journal = ChronicleJournal.openReadOnly(dataDir(n).resolve("journal")))
            {
                journal.replay((Consumer<CommandEvent>)replayed::apply);
            }
            replayed.checkConservation();
            hashes[n] = replayed.stateHash();
        }
        assertEquals(Long.toHexString(hashes[0]), Long.toHexString(hashes[1]));
        assertEquals(Long.toHexString(hashes[0]), Long.toHexString(hashes[2]));
    }

    /** Sends the request, retrying on any node, until the cluster gives a definite answer (not 503, not a lost connection). */
    private Answered settle(final Http http, final Request request, final Random random) throws InterruptedException
    {
        int node = random.nextInt(3);
        while (true)
        {
            try
            {
                final Http.Response response = http.send(httpPorts[node], "POST", request.path(), request.body(), request.key());
                if (response.status() != 503 && !(response.status() == 409 && response.body().contains("still being processed")))
                {
                    return new Answered(request, response);
                }
            }
            catch (final IOException ex)
            {
                // the node is down or was killed while it held the request: ask another one
            }
            node = (node + 1) % 3;
            Thread.sleep(50);
        }
    }

    private static Request next(final String[] customers, final String key, final Random random)
    {
        final int from = random.nextInt(customers.length);
        final long amount = 1 + random.nextInt(1_000);
        if (random.nextBoolean())
        {
            return new Request(key, "/api/canary/purchases", "{\"customerId\":\"" + customers[from] + "\",\"productId\":\"p-" + key
                + "\",\"amount\":" + amount + ",\"currency\":\"ZAR\"}", Map.of(from, -amount), true);
        }
        final int to = (from + 1 + random.nextInt(customers.length - 1)) % customers.length;
        return new Request(key, "/api/canary/transfers", "{\"fromCustomerId\":\"" + customers[from] + "\",\"toCustomerId\":\""
            + customers[to] + "\",\"amount\":" + amount + ",\"currency\":\"ZAR\"}", Map.of(from, -amount, to, amount), false);
    }

    private void awaitProgress(final AtomicLong acknowledged, final long more) throws InterruptedException
    {
        final long target = acknowledged.get() + Math.max(1, more);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (acknowledged.get() < target)
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("no progress: " + acknowledged.get() + " < " + target + "\n" + tails());
            }
            Thread.sleep(20);
        }
    }

    /** @return the node whose latest role line says LEADER (waits for one). */
    private int leader() throws IOException, InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadlineNs)
        {
            for (int n = 0; n < 3; n++)
            {
                if (processes[n].isAlive() && "LEADER".equals(lastRole(n)))
                {
                    return n;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leader\n" + tails());
    }

    private String lastRole(final int node) throws IOException
    {
        final Matcher matcher = ROLE.matcher(Files.readString(logs[node], StandardCharsets.UTF_8));
        String role = null;
        while (matcher.find())
        {
            role = matcher.group(1);
        }
        return role;
    }

    private Path dataDir(final int node)
    {
        return tempDir.resolve("node-" + node);
    }

    private void start(final int node) throws IOException
    {
        logs[node] = tempDir.resolve("node-" + node + "-" + (++starts[node]) + ".log");
        final List<String> command = List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "@" + jvmOptions(),
            "-Xmx384m",
            "-ea",
            "-cp", System.getProperty("java.class.path"),
            ClusterMain.class.getName(),
            "--node", Integer.toString(node),
            "--nodes", "3",
            "--base-port", Integer.toString(basePort),
            "--data-dir", dataDir(node).toString(),
            "--http-port", Integer.toString(httpPorts[node]),
            "--heartbeat-timeout-ms", "2000",
            "--reply-timeout-ms", "4000",
            "--jwt-secret", "text:" + SECRET);
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logs[node].toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("LEDGER_"));
        processes[node] = builder.start();
    }

    private void awaitListening(final int node) throws IOException, InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadlineNs)
        {
            if (Files.readString(logs[node], StandardCharsets.UTF_8).contains("listening on"))
            {
                return;
            }
            if (!processes[node].isAlive())
            {
                throw new AssertionError("node " + node + " exited with " + processes[node].exitValue() + "\n" + Files.readString(logs[node]));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("node " + node + " did not start\n" + tails());
    }

    private String tails()
    {
        final StringBuilder sb = new StringBuilder();
        for (int n = 0; n < 3; n++)
        {
            try
            {
                final List<String> lines = Files.readAllLines(logs[n], StandardCharsets.UTF_8);
                sb.append("---- node ").append(n).append('\n')
                    .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()))).append('\n');
            }
            catch (final IOException ex)
            {
                sb.append(ex).append('\n');
            }
        }
        return sb.toString();
    }

    static Path jvmOptions()
    {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent())
        {
            final Path candidate = dir.resolve("config").resolve("jvm.options");
            if (Files.isRegularFile(candidate) && Files.isDirectory(dir.resolve("cluster")))
            {
                return candidate;
            }
        }
        throw new IllegalStateException("config/jvm.options not found above " + Path.of("").toAbsolutePath());
    }

    private static int freePort() throws IOException
    {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(final Path dir) throws IOException
    {
        if (Files.exists(dir))
        {
            try (Stream<Path> paths = Files.walk(dir))
            {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
