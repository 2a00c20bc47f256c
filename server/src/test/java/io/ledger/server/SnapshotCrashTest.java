package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.http.auth.Tokens;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.Durability;
import io.ledger.journal.snapshot.SnapshotStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A kill -9 while the snapshot follower is writing a snapshot: the real server as a child JVM, over a data directory
 * large enough (150,000 customers, written straight into the journal) that a snapshot takes long enough to be caught
 * half-written. Twice: once before any snapshot exists, once with an older snapshot in place. Each restart must delete
 * the half-written file, start from the journal (or the older snapshot and the tail after it), hold every acknowledged
 * pay-in, and later write whole snapshots again; a clean stop then leaves a snapshot the next start loads with no
 * tail, and {@code ledger verify} finds snapshot + tail = full replay.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SnapshotCrashTest
{
    private static final String SECRET_TEXT = "snapshot-crash-test-secret-at-least-32-bytes";
    private static final String MERCHANT = "mer_bulk";
    private static final int CUSTOMERS = 150_000;
    private static final long T0_MS = 1_767_225_600_000L;
    private static final Pattern WRITTEN = Pattern.compile("snapshot: wrote (\\S+) .* covering commandId (\\d+)");

    @TempDir
    Path tempDir;

    private int incarnation;
    /** The server started last: killed after the test, so that a failed assertion leaves no child JVM behind. */
    private ChildServer current;

    @AfterEach
    void killServer()
    {
        if (current != null)
        {
            current.process.destroyForcibly();
            current = null;
        }
    }

    @Test
    void shouldRecoverEveryAcknowledgedCommandAfterAKillInTheMiddleOfASnapshotWrite() throws Exception
    {
        final Path dataDir = tempDir.resolve("data");
        bulkJournal(dataDir.resolve("journal"));
        final int port = ChildServer.freePort();
        final String token = Tokens.issue(SECRET_TEXT.getBytes(java.nio.charset.StandardCharsets.UTF_8), MERCHANT, System.currentTimeMillis(), TimeUnit.HOURS.toMillis(1));
        final String customer = new Ids(0).format(IdKind.CUSTOMER, 1); // an unsalted directory: written before any start
        final Path snapshots = dataDir.resolve(SnapshotStore.DIRECTORY_NAME);
        long expected = 1_000; // the bulk pay-in

        // Two kills during a snapshot write: the first before any snapshot exists, the second with an older one in place.
        // A kill that lands just after the rename (the write finished between seeing its file and the kill) does not
        // count: the round is tried again.
        ChildServer server = start(port, dataDir);
        int kills = 0;
        boolean killedWithoutSnapshot = false;
        boolean killedWithOlderSnapshot = false;
        for (int attempt = 0; attempt < 8 && kills < 2; attempt++)
        {
            if (kills == 1)
            {
                awaitLog(server, WRITTEN); // a whole snapshot first, so that the next kill finds an older one in place
            }
            expected += payIns(port, token, customer, 5);
            final Path half = killWhileWriting(server, snapshots);
            final List<Path> whole = SnapshotStore.openReadOnly(snapshots).list();
            server = start(port, dataDir);
            assertEquals(expected, balance(port, token, customer), "every acknowledged pay-in survived");
            if (half == null)
            {
                continue;
            }
            kills++;
            assertDeleted(server, half);
            final Matcher loaded = server.find(ChildServer.LOADED_SNAPSHOT);
            if (whole.isEmpty())
            {
                killedWithoutSnapshot = true;
                assertNull(loaded, "nothing to load: a full replay");
            }
            else
            {
                killedWithOlderSnapshot = true;
                assertNotNull(loaded, "the older snapshot is loaded");
                assertEquals(whole.get(0).toString(), loaded.group(1), "the newest whole one");
                final Matcher replayed = server.find(ChildServer.REPLAYED);
                assertTrue(Long.parseLong(replayed.group(1)) >= 5, "the tail after it is replayed: " + replayed.group());
            }
        }
        assertEquals(2, kills, "two kills landed during a snapshot write");
        assertTrue(killedWithoutSnapshot && killedWithOlderSnapshot, "one before any snapshot, one with an older one");

        // 3. snapshots are written whole again; a clean stop leaves one that the next start loads with no tail
        expected += payIns(port, token, customer, 3);
        awaitLog(server, WRITTEN);
        stopCleanly(server);
        server = start(port, dataDir);
        final Matcher afterClean = server.find(ChildServer.REPLAYED);
        assertNotNull(server.find(ChildServer.LOADED_SNAPSHOT), "a clean stop leaves a snapshot");
        assertEquals("0", afterClean.group(1), "and no journal tail after it");
        assertEquals(expected, balance(port, token, customer));
        stopCleanly(server);

        final StringWriter out = new StringWriter();
        final CommandLine tool = LedgerMain.commandLine();
        tool.setOut(new PrintWriter(out, true));
        tool.setErr(new PrintWriter(out, true));
        assertEquals(0, tool.execute("verify", "--data-dir", dataDir.toString()), out::toString);
        assertTrue(out.toString().contains("snapshot + tail OK"), out::toString);
        assertFalse(out.toString().contains("CORRUPT") || out.toString().contains("MISMATCH"), out::toString);
    }

    /** Customer i + 1 created and paid in 1,000 ZAR minor for each of {@link #CUSTOMERS}, before any server started. */
    private static void bulkJournal(final Path journalDir)
    {
        final int zar = Currencies.pack("ZAR");
        final CommandEvent event = new CommandEvent();
        long id = 0;
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.PROCESS))
        {
            for (int i = 0; i < CUSTOMERS; i++)
            {
                event.clear();
                event.type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, MERCHANT).text(Field.PHONE, "+2782" + (1_000_000 + i))
                    .text(Field.NAME, "Bulk customer " + i).text(Field.METADATA_JSON, "{\"n\":" + i + "}").stamp(++id, T0_MS + id);
                journal.append(event);
            }
            for (int i = 0; i < CUSTOMERS; i++)
            {
                event.clear();
                event.type(CommandType.PAY_IN).text(Field.MERCHANT_ID, MERCHANT).set(Field.CUSTOMER_KEY, i + 1)
                    .set(Field.AMOUNT_MINOR, 1_000).set(Field.CURRENCY, zar).stamp(++id, T0_MS + id);
                journal.append(event);
            }
        }
    }

    private ChildServer start(final int port, final Path dataDir) throws IOException, InterruptedException
    {
        final Path log = tempDir.resolve("server-" + incarnation++ + ".log");
        // snapshots by time only: one a second, each long enough (150,000 customers) to be caught half-written
        final ChildServer server = ChildServer.start(port, dataDir, SECRET_TEXT, log,
            List.of("--snapshot-every-commands", "0", "--snapshot-every-seconds", "1", "--snapshots-keep", "3"));
        current = server;
        final String problem = server.awaitHealthy(port);
        if (problem != null)
        {
            fail(problem + "\n" + ChildServer.tail(log, 40));
        }
        return server;
    }

    /** @return the sum paid in by {@code count} acknowledged pay-ins of 10. */
    private static long payIns(final int port, final String token, final String customer, final int count) throws IOException
    {
        try (ChildServer.HttpConnection http = new ChildServer.HttpConnection(port))
        {
            for (int i = 0; i < count; i++)
            {
                final ChildServer.Response reply = http.request("POST", "/api/canary/customers/" + customer + "/pay-ins", token,
                    "{\"amount\":10,\"currency\":\"ZAR\"}");
                assertEquals(201, reply.status(), reply::toString);
            }
        }
        return 10L * count;
    }

    private static long balance(final int port, final String token, final String customer) throws IOException
    {
        try (ChildServer.HttpConnection http = new ChildServer.HttpConnection(port))
        {
            final ChildServer.Response reply = http.request("GET", "/api/canary/customers/" + customer + "/balance", token, null);
            assertEquals(200, reply.status(), reply::toString);
            final Matcher amount = Pattern.compile("\"amount\":(\\d+)").matcher(reply.body());
            assertTrue(amount.find(), reply.body());
            return Long.parseLong(amount.group(1));
        }
    }

    /**
     * Polls the snapshot directory for a file being written and kills the server (SIGKILL) as soon as one is seen.
     *
     * @return the half-written file, or null when the write finished between seeing it and the kill.
     */
    private static Path killWhileWriting(final ChildServer server, final Path snapshots) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadlineNs)
        {
            final Path temp = temporary(snapshots);
            if (temp != null)
            {
                server.process.destroyForcibly();
                assertTrue(server.process.waitFor(10, TimeUnit.SECONDS));
                return Files.exists(temp) ? temp : null;
            }
            Thread.onSpinWait();
        }
        server.process.destroyForcibly();
        throw new AssertionError("no snapshot was being written within 60 s\n" + server.output());
    }

    private static Path temporary(final Path snapshots) throws IOException
    {
        if (!Files.isDirectory(snapshots))
        {
            return null;
        }
        try (Stream<Path> files = Files.list(snapshots))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(".snap.tmp")).findFirst().orElse(null);
        }
    }

    private static void assertDeleted(final ChildServer server, final Path half)
    {
        assertTrue(server.output().contains("deleting " + half + ", a snapshot that was being written when the server stopped"),
            server.output());
        assertFalse(Files.exists(half));
    }

    private static Matcher awaitLog(final ChildServer server, final Pattern pattern) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadlineNs)
        {
            final Matcher found = server.find(pattern);
            if (found != null)
            {
                return found;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + pattern + " within 60 s\n" + server.output());
    }

    private static void stopCleanly(final ChildServer server) throws InterruptedException
    {
        server.process.destroy();
        final boolean exited = server.process.waitFor(60, TimeUnit.SECONDS);
        if (!exited)
        {
            server.process.destroyForcibly();
        }
        assertTrue(exited, () -> "no exit within 60 s of SIGTERM\n" + ChildServer.tail(server.log, 60));
        assertEquals(0, server.process.exitValue());
    }
}
