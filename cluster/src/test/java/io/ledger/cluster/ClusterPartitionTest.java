package io.ledger.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.Currencies;
import io.ledger.engine.Ledger;
import io.ledger.http.auth.Tokens;
import io.ledger.journal.ChronicleJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network partition: three node processes, each in a network namespace of its own made by this test ({@code ip
 * netns}), joined by two bridges in the root namespace: one for the cluster's traffic (10.77.X.0/24) and one for HTTP
 * (10.78.X.0/24, which the test reaches). The leader's cluster link is cut: requests sent to it then are never
 * acknowledged (503 each), while the two others elect a leader and go on acknowledging. The link is healed: the old
 * leader rejoins, and all three report the same balances, exactly the acknowledged ones, and their journals replay to one
 * state hash. Skipped, saying so, where network namespaces cannot be made (not root, no {@code ip}). Everything it
 * creates (namespaces, veth pairs, bridges) is deleted afterwards.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterPartitionTest
{
    private static final String SECRET = "cluster-partition-secret-at-least-32-bytes";
    private static final String MERCHANT = "partition_m";
    private static final int HTTP_PORT = 9000;
    private static final long PAY_IN = 1_000_000;
    private static final Pattern ROLE = Pattern.compile("role (LEADER|FOLLOWER|CANDIDATE)");

    @TempDir
    Path tempDir;

    private final int net = ThreadLocalRandom.current().nextInt(1, 250);
    private final Process[] processes = new Process[3];
    private final Path[] logs = new Path[3];
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> bridges = new ArrayList<>();
    private int basePort;

    @AfterEach
    void tearDown() throws Exception
    {
        for (final Process process : processes)
        {
            if (process != null && process.isAlive())
            {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        }
        for (final String namespace : namespaces)
        {
            run("ip", "netns", "del", namespace);
        }
        for (final String bridge : bridges)
        {
            run("ip", "link", "del", bridge);
        }
        for (int n = 0; n < 3; n++)
        {
            run("rm", "-rf", "/dev/shm/ledger-aeron-" + basePort + "-" + n);
        }
    }

    private String namespace(final int node)
    {
        return "lp" + net + "n" + node;
    }

    private String clusterHost(final int node)
    {
        return "10.77." + net + "." + (10 + node);
    }

    private String httpHost(final int node)
    {
        return "10.78." + net + "." + (10 + node);
    }

    /** The root namespace's end of a node's cluster link: down is the partition. */
    private String clusterLink(final int node)
    {
        return "lc" + net + "c" + node + "b";
    }

    @Test
    void shouldAcknowledgeNothingOnTheLeaderCutOffFromTheMajorityAndConvergeAfterHealing() throws Exception
    {
        basePort = 30_000 + 300 * ThreadLocalRandom.current().nextInt(0, 40);
        final int probe = run("ip", "netns", "add", namespace(0));
        Assumptions.assumeTrue(probe == 0, "skipped: 'ip netns add' is not permitted here (needs root and iproute2)");
        namespaces.add(namespace(0));
        setUpNetwork();
        for (int n = 0; n < 3; n++)
        {
            start(n);
        }
        for (int n = 0; n < 3; n++)
        {
            awaitListening(n);
        }
        final Http http = new Http(Tokens.issue(SECRET.getBytes(StandardCharsets.UTF_8), MERCHANT, System.currentTimeMillis(),
            TimeUnit.HOURS.toMillis(1)));
        final String customer = settle(http, 0, "/api/canary/customers", "{\"phoneNumber\":\"+27820000009\",\"metadata\":{}}",
            "customer").field("id");
        assertEquals(201, settle(http, 1, "/api/canary/customers/" + customer + "/pay-ins",
            "{\"amount\":" + PAY_IN + ",\"currency\":\"ZAR\"}", "payin").status());
        long expected = PAY_IN;

        final int leader = leader(-1);
        assertEquals(0, run("ip", "link", "set", clusterLink(leader), "down"), "partition");
        // The cut-off leader: every request times out unacknowledged (503), never 2xx
        for (int i = 0; i < 3; i++)
        {
            final Http.Response response = http.send(httpHost(leader), HTTP_PORT, "POST", "/api/canary/purchases",
                purchase(customer, "minority-" + i, 1_000), "minority-" + i);
            assertEquals(503, response.status(), () -> "the cut-off leader answered " + response);
        }
        // The majority elects a leader and acknowledges
        final int follower = (leader + 1) % 3;
        for (int i = 0; i < 5; i++)
        {
            final Http.Response response = settle(http, follower, "/api/canary/purchases", purchase(customer, "majority-" + i, 10),
                "majority-" + i);
            assertEquals(201, response.status(), response::toString);
            expected -= 10;
        }
        assertTrue(leader(leader) != leader);

        assertEquals(0, run("ip", "link", "set", clusterLink(leader), "up"), "heal");
        // The old leader rejoins: its reads go through the log again, and it holds exactly the acknowledged movements
        for (int n = 0; n < 3; n++)
        {
            final Http.Response balance = settleGet(http, n, "/api/canary/customers/" + customer + "/balance");
            assertEquals(expected, Long.parseLong(balance.field("amount")), "node " + n + ": " + balance);
        }
        for (final Process process : processes)
        {
            process.destroy();
        }
        final long[] hashes = new long[3];
        for (int n = 0; n < 3; n++)
        {
            if (!processes[n].waitFor(30, TimeUnit.SECONDS))
            {
                processes[n].destroyForcibly();
            }
            final Ledger replayed = new Ledger(Currencies.pack("ZAR"));
            try (ChronicleJournal journal = ChronicleJournal.openReadOnly(tempDir.resolve("node-" + n).resolve("journal")))
            {
                journal.replay((Consumer<CommandEvent>)replayed::apply);
            }
            replayed.checkConservation();
            hashes[n] = replayed.stateHash();
        }
        assertEquals(Long.toHexString(hashes[0]), Long.toHexString(hashes[1]));
        assertEquals(Long.toHexString(hashes[0]), Long.toHexString(hashes[2]));
    }

    private static String purchase(final String customer, final String product, final long amount)
    {
        return "{\"customerId\":\"" + customer + "\",\"productId\":\"" + product + "\",\"amount\":" + amount + ",\"currency\":\"ZAR\"}";
    }

    private void setUpNetwork() throws IOException, InterruptedException
    {
        for (int n = 1; n < 3; n++)
        {
            mustRun("ip", "netns", "add", namespace(n));
            namespaces.add(namespace(n));
        }
        for (final String kind : new String[] {"c", "h"})
        {
            final String bridge = "lb" + net + kind;
            mustRun("ip", "link", "add", bridge, "type", "bridge");
            bridges.add(bridge);
            mustRun("ip", "link", "set", bridge, "up");
        }
        mustRun("ip", "addr", "add", "10.78." + net + ".254/24", "dev", "lb" + net + "h");
        for (int n = 0; n < 3; n++)
        {
            for (final String kind : new String[] {"c", "h"})
            {
                final String inside = "lc" + net + kind + n;
                mustRun("ip", "link", "add", inside, "type", "veth", "peer", "name", inside + "b");
                mustRun("ip", "link", "set", inside, "netns", namespace(n));
                mustRun("ip", "link", "set", inside + "b", "master", "lb" + net + kind, "up");
                mustRun("ip", "-n", namespace(n), "addr", "add", ("c".equals(kind) ? clusterHost(n) : httpHost(n)) + "/24", "dev", inside);
                mustRun("ip", "-n", namespace(n), "link", "set", inside, "up");
            }
            mustRun("ip", "-n", namespace(n), "link", "set", "lo", "up");
        }
    }

    private void start(final int node) throws IOException
    {
        logs[node] = tempDir.resolve("node-" + node + ".log");
        final List<String> command = List.of(
            "ip", "netns", "exec", namespace(node),
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "@" + ClusterFailoverTest.jvmOptions(),
            "-Xmx384m",
            "-ea",
            "-cp", System.getProperty("java.class.path"),
            ClusterMain.class.getName(),
            "--node", Integer.toString(node),
            "--nodes", "3",
            "--hosts", clusterHost(0) + "," + clusterHost(1) + "," + clusterHost(2),
            "--base-port", Integer.toString(basePort),
            "--data-dir", tempDir.resolve("node-" + node).toString(),
            "--http-bind", httpHost(node),
            "--http-port", Integer.toString(HTTP_PORT),
            "--heartbeat-timeout-ms", "2000",
            "--reply-timeout-ms", "3000",
            "--jwt-secret", "text:" + SECRET);
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logs[node].toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("LEDGER_"));
        processes[node] = builder.start();
    }

    private Http.Response settle(final Http http, final int firstNode, final String path, final String body, final String key)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int node = firstNode;
        String last = "";
        while (System.nanoTime() < deadlineNs)
        {
            try
            {
                final Http.Response response = http.send(httpHost(node), HTTP_PORT, "POST", path, body, key);
                if (response.status() != 503 && !(response.status() == 409 && response.body().contains("still being processed")))
                {
                    return response;
                }
                last = response.toString();
            }
            catch (final IOException ex)
            {
                last = ex.toString();
            }
            Thread.sleep(100);
        }
        throw new AssertionError(path + " not answered: " + last + "\n" + tails());
    }

    private Http.Response settleGet(final Http http, final int node, final String path) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadlineNs)
        {
            try
            {
                final Http.Response response = http.send(httpHost(node), HTTP_PORT, "GET", path, null, null);
                if (response.status() == 200)
                {
                    return response;
                }
                last = response.toString();
            }
            catch (final IOException ex)
            {
                last = ex.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("node " + node + " " + path + ": " + last + "\n" + tails());
    }

    /** @return a node other than {@code not} whose latest role line says LEADER (waits for one). */
    private int leader(final int not) throws IOException, InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadlineNs)
        {
            for (int n = 0; n < 3; n++)
            {
                if (n != not && "LEADER".equals(lastRole(n)))
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
                throw new AssertionError("node " + node + " exited\n" + Files.readString(logs[node]));
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
            catch (final IOException | RuntimeException ex)
            {
                sb.append(ex).append('\n');
            }
        }
        return sb.toString();
    }

    private static void mustRun(final String... command) throws IOException, InterruptedException
    {
        assertEquals(0, run(command), () -> "failed: " + String.join(" ", command));
    }

    private static int run(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
