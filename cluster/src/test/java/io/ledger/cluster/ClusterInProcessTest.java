package io.ledger.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.aeron.cluster.ClusterTool;
import io.aeron.cluster.service.Cluster;
import io.ledger.engine.Currencies;
import io.ledger.engine.Ledger;
import io.ledger.http.auth.Tokens;
import io.ledger.journal.ChronicleJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes in one JVM (three media drivers, archives, consensus modules and services on 127.0.0.1), driven over
 * HTTP through every node: the replicas end with the same state hash, their Chronicle journals replay to it, a keyed
 * command retried on another node returns the committed outcome, and a node stopped and restarted after a cluster
 * snapshot loads it and catches up from the log.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterInProcessTest
{
    static final String SECRET = "cluster-test-secret-at-least-32-bytes-long";
    private static final String MERCHANT = "cluster_m";

    @TempDir
    Path tempDir;

    private final ClusterNode[] nodes = new ClusterNode[3];
    private int basePort;

    @AfterEach
    void stop()
    {
        for (final ClusterNode node : nodes)
        {
            if (node != null)
            {
                node.close();
            }
        }
    }

    private ClusterNode.Config config(final int node)
    {
        return new ClusterNode.Config(node, List.of("127.0.0.1", "127.0.0.1", "127.0.0.1"), basePort,
            tempDir.resolve("node-" + node), 0, SECRET.getBytes(StandardCharsets.UTF_8), "ZAR", 10_000, 2_000, 1);
    }

    @Test
    void shouldApplyEveryCommandOnEveryNodeAndRebuildTheSameStateFromSnapshotAndJournals() throws Exception
    {
        basePort = 21_000 + 100 * ThreadLocalRandom.current().nextInt(0, 80) * 3;
        final Thread[] starters = new Thread[3];
        final RuntimeException[] failures = new RuntimeException[3];
        for (int n = 0; n < 3; n++)
        {
            final int node = n;
            starters[n] = new Thread(() ->
            {
                try
                {
                    nodes[node] = ClusterNode.start(config(node));
                }
                catch (final RuntimeException ex)
                {
                    failures[node] = ex;
                }
            });
            starters[n].start();
        }
        for (int n = 0; n < 3; n++)
        {
            starters[n].join();
            if (failures[n] != null)
            {
                throw failures[n];
            }
        }
        assertEquals(nodes[0].service().deploymentSalt(), nodes[2].service().deploymentSalt(), "one salt for the deployment");

        final Http http = new Http(Tokens.issue(SECRET.getBytes(StandardCharsets.UTF_8), MERCHANT, System.currentTimeMillis(),
            TimeUnit.HOURS.toMillis(1)));
        final String[] customers = new String[4];
        for (int c = 0; c < customers.length; c++)
        {
            final Http.Response created = http.send(nodes[c % 3].httpPort(), "POST", "/api/canary/customers",
                "{\"phoneNumber\":\"+2782000000" + c + "\",\"metadata\":{}}", "customer-" + c);
            assertEquals(201, created.status(), created::toString);
            customers[c] = created.field("id");
            final Http.Response paid = http.send(nodes[(c + 1) % 3].httpPort(), "POST", "/api/canary/customers/" + customers[c] + "/pay-ins",
                "{\"amount\":10000,\"currency\":\"ZAR\"}", "payin-" + c);
            assertEquals(201, paid.status(), paid::toString);
        }
        final List<String> purchases = new ArrayList<>();
        for (int i = 0; i < 30; i++)
        {
            final int node = i % 3;
            final String from = customers[i % customers.length];
            if (i % 2 == 0)
            {
                final Http.Response bought = http.send(nodes[node].httpPort(), "POST", "/api/canary/purchases",
                    "{\"customerId\":\"" + from + "\",\"productId\":\"p" + i + "\",\"amount\":" + (100 + i) + ",\"currency\":\"ZAR\"}",
                    "purchase-" + i);
                assertEquals(201, bought.status(), bought::toString);
                purchases.add(bought.field("id"));
            }
            else
            {
                final String to = customers[(i + 1) % customers.length];
                final Http.Response moved = http.send(nodes[node].httpPort(), "POST", "/api/canary/transfers",
                    "{\"fromCustomerId\":\"" + from + "\",\"toCustomerId\":\"" + to + "\",\"amount\":" + (50 + i) + ",\"currency\":\"ZAR\"}",
                    "transfer-" + i);
                assertEquals(201, moved.status(), moved::toString);
            }
        }
        // A retry through another node returns the committed outcome, not a second debit
        final Http.Response retried = http.send(nodes[1].httpPort(), "POST", "/api/canary/purchases",
            "{\"customerId\":\"" + customers[0] + "\",\"productId\":\"p0\",\"amount\":100,\"currency\":\"ZAR\"}", "purchase-0");
        assertEquals(201, retried.status(), retried::toString);
        assertTrue(retried.replayed(), retried::toString);
        assertEquals(purchases.get(0), retried.field("id"));
        // A batch through a follower's port: one log entry, its commands' ids taken as on a single node; a linked
        // chain whose second command is refused leaves nothing of the first (the state hashes below compare it all)
        final Http.Response batch = http.send(nodes[2].httpPort(), "POST", "/api/canary/batch", "{\"commands\":["
            + "{\"type\":\"purchase\",\"body\":{\"customerId\":\"" + customers[0] + "\",\"productId\":\"b1\",\"amount\":5,\"currency\":\"ZAR\"}},"
            + "{\"type\":\"purchase\",\"linked\":true,\"body\":{\"customerId\":\"" + customers[1] + "\",\"productId\":\"b2\",\"amount\":6,\"currency\":\"ZAR\"}},"
            + "{\"type\":\"purchase\",\"body\":{\"customerId\":\"" + customers[1] + "\",\"productId\":\"b3\",\"amount\":99999999,\"currency\":\"ZAR\"}}]}",
            "batch-1");
        assertEquals(200, batch.status(), batch::toString);
        assertTrue(batch.body().matches("\\{\"results\":\\[\\{\"status\":201,.*\\{\"status\":424,.*\\{\"status\":402,.*"),
            batch::toString);
        final String batchPurchase = batch.body().replaceFirst("^.*?\"id\":\"(pur_[a-z0-9]+)\".*$", "$1");
        purchases.add(batchPurchase);
        // Reads go through the log too: every node answers every purchase
        for (int node = 0; node < 3; node++)
        {
            for (final String purchase : purchases)
            {
                final Http.Response read = http.send(nodes[node].httpPort(), "GET", "/api/canary/purchases/" + purchase, null, null);
                assertEquals(200, read.status(), read::toString);
            }
        }
        awaitSameState();

        // A cluster snapshot, then a follower stopped, more commands, the follower restarted: it loads the snapshot
        final int leader = leader();
        final int follower = (leader + 1) % 3;
        assertTrue(ClusterTool.snapshot(tempDir.resolve("node-" + leader).resolve("cluster").toFile(), System.out), "snapshot taken");
        nodes[follower].close();
        nodes[follower] = null;
        for (int i = 0; i < 10; i++)
        {
            final Http.Response moved = http.send(nodes[leader].httpPort(), "POST", "/api/canary/transfers",
                "{\"fromCustomerId\":\"" + customers[1] + "\",\"toCustomerId\":\"" + customers[2] + "\",\"amount\":7,\"currency\":\"ZAR\"}",
                "late-transfer-" + i);
            assertEquals(201, moved.status(), moved::toString);
        }
        nodes[follower] = ClusterNode.start(config(follower));
        awaitSameState();

        final long hash = nodes[0].service().ledgerWhenQuiet().stateHash();
        for (int n = 0; n < 3; n++)
        {
            nodes[n].close();
            nodes[n] = null;
        }
        for (int n = 0; n < 3; n++)
        {
            final Ledger replayed = new Ledger(Currencies.pack("ZAR"));
            try (ChronicleJournal journal = ChronicleJournal.openReadOnly(tempDir.resolve("node-" + n).resolve("journal")))
            {
                journal.replay((java.util.function.Consumer<io.ledger.engine.CommandEvent>)replayed::apply);
            }
            replayed.checkConservation();
            assertEquals(Long.toHexString(hash), Long.toHexString(replayed.stateHash()), "node " + n + "'s journal replays to the state");
        }
    }

    private int leader() throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadlineNs)
        {
            for (int n = 0; n < 3; n++)
            {
                if (nodes[n] != null && nodes[n].service().role() == Cluster.Role.LEADER)
                {
                    return n;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leader");
    }

    /** Waits until every node has applied as much as the others and compares their state hashes. */
    private void awaitSameState() throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadlineNs)
        {
            final long id0 = nodes[0].service().ledgerWhenQuiet().lastCommandId();
            if (id0 == nodes[1].service().ledgerWhenQuiet().lastCommandId() && id0 == nodes[2].service().ledgerWhenQuiet().lastCommandId())
            {
                Thread.sleep(300); // settled: nothing in flight (the tests send nothing meanwhile)
                final long[] hashes = new long[3];
                for (int n = 0; n < 3; n++)
                {
                    nodes[n].service().ledgerWhenQuiet().checkConservation();
                    hashes[n] = nodes[n].service().ledgerWhenQuiet().stateHash();
                }
                last = Long.toHexString(hashes[0]) + " " + Long.toHexString(hashes[1]) + " " + Long.toHexString(hashes[2]);
                if (hashes[0] == hashes[1] && hashes[1] == hashes[2])
                {
                    assertNotNull(last);
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the nodes did not converge: " + last);
    }
}
