package io.ledger.server;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import io.ledger.http.auth.Tokens;
import io.ledger.journal.snapshot.SnapshotStore;
import io.ledger.server.ChildServer.HttpConnection;
import io.ledger.server.ChildServer.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM on the real server (a child JVM): stop accepting, finish what is in flight, snapshot, exit 0 within 10 s; the
 * next start loads that snapshot and replays no journal record.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CleanShutdownTest
{
    private static final String SECRET = "clean-shutdown-test-secret-at-least-32-bytes";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tempDir;

    private ChildServer server;

    @AfterEach
    void kill()
    {
        if (server != null)
        {
            server.process.destroyForcibly();
        }
    }

    @Test
    void shouldSnapshotOnSigtermExitZeroAndRestartFromTheSnapshotWithAnEmptyTail() throws Exception
    {
        final Path dataDir = tempDir.resolve("data");
        final int port = ChildServer.freePort();
        // No snapshot by count or time: the one found afterwards can only be the clean stop's
        final List<String> options = List.of("--snapshot-every-commands", "0", "--snapshot-every-seconds", "0");
        server = ChildServer.start(port, dataDir, SECRET, tempDir.resolve("first.log"), options);
        assertNull(server.awaitHealthy(port), server::output);
        final String token = Tokens.issue(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "shutdown_m", System.currentTimeMillis(), TimeUnit.HOURS.toMillis(1));
        final String customer;
        try (HttpConnection http = new HttpConnection(port))
        {
            final Response created = http.request("POST", "/api/canary/customers", token, "{\"phoneNumber\":\"+27820000000\",\"metadata\":{}}");
            assertEquals(201, created.status(), created::toString);
            customer = created.field("id");
            assertEquals(201, http.request("POST", "/api/canary/customers/" + customer + "/pay-ins", token,
                "{\"amount\":10000,\"currency\":\"ZAR\"}").status());
            assertEquals(201, http.request("POST", "/api/canary/purchases", token,
                "{\"customerId\":\"" + customer + "\",\"productId\":\"p\",\"amount\":2500,\"currency\":\"ZAR\"}").status());
        }
        final Matcher first = server.find(ChildServer.REPLAYED);
        assertNotNull(first, server::output);
        assertEquals(List.of(), SnapshotStore.openReadOnly(dataDir.resolve(SnapshotStore.DIRECTORY_NAME)).list());

        final long stopNs = System.nanoTime();
        server.process.destroy(); // SIGTERM
        assertTrue(server.process.waitFor(10, TimeUnit.SECONDS), "exit within 10 s of SIGTERM");
        assertEquals(0, server.process.exitValue(), server::output);
        final long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopNs);
        assertTrue(server.output().contains("snapshot: wrote"), server::output);
        final List<Path> snapshots = SnapshotStore.openReadOnly(dataDir.resolve(SnapshotStore.DIRECTORY_NAME)).list();
        assertEquals(1, snapshots.size(), "the clean stop's snapshot");

        server = ChildServer.start(port, dataDir, SECRET, tempDir.resolve("second.log"), options);
        assertNull(server.awaitHealthy(port), server::output);
        final Matcher loaded = server.find(ChildServer.LOADED_SNAPSHOT);
        assertNotNull(loaded, server::output);
        assertEquals(snapshots.get(0).toString(), loaded.group(1));
        assertEquals("4", loaded.group(2), "the deployment's id salt (journaled at the first start) and the three commands");
        final Matcher replayed = server.find(ChildServer.REPLAYED);
        assertEquals("0", replayed.group(1), "no journal record after the snapshot");
        try (HttpConnection http = new HttpConnection(port))
        {
            final Response balance = http.request("GET", "/api/canary/customers/" + customer + "/balance", token, null);
            assertEquals("7500", balance.field("amount"), balance::toString);
        }
        server.process.destroy();
        assertTrue(server.process.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, server.process.exitValue());
        assertFalse(server.output().contains("snapshot: wrote"), "nothing changed, so no second snapshot: " + server.output());
        server = null;
        System.out.println("CleanShutdownTest: SIGTERM to exit in " + stopMs + " ms");
    }
}
