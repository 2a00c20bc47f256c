package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.ledger.http.auth.KeyRing;
import io.ledger.http.auth.KeyRingFile;
import io.ledger.http.auth.Tokens;
import io.ledger.server.ChildServer.HttpConnection;
import io.ledger.server.ChildServer.NotSentException;
import io.ledger.server.ChildServer.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The restore drill docs/operations.md asks operators to run, as a test: the real server (a child JVM, its keys in the
 * data directory's key ring, snapshots every few hundred commands and every second) takes load; {@code scripts/backup.sh}
 * backs its live data directory up twice, once under load and once idle; the server is killed and its data directory
 * destroyed; each backup is restored as documented ({@code cp -rp}), checked with {@code ledger verify}, and started:
 *
 * <ul>
 *   <li>the idle backup restores to the very state the live server had: the same state hash, and the same answers to
 *       the same reads, byte for byte, with the tokens issued before the disaster (the keys came back too);</li>
 *   <li>the backup taken under load restores to a consistent prefix: verify passes, the server starts (money is
 *       conserved), and every pay-in acknowledged before the backup began is in it.</li>
 * </ul>
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RestoreDrillTest
{
    private static final String MERCHANT = "drill_m";
    private static final int CUSTOMERS = 5;
    private static final List<String> OPTIONS = List.of("--snapshot-every-commands", "250", "--snapshot-every-seconds", "1");
    private static final Pattern STATE_HASH = Pattern.compile("state hash: +([0-9a-f]+)");

    @TempDir
    Path temp;

    private final List<ChildServer> servers = new ArrayList<>();

    @AfterEach
    void killServers() throws InterruptedException
    {
        for (final ChildServer server : servers)
        {
            if (server.process.isAlive())
            {
                server.process.destroyForcibly();
                server.process.waitFor(15, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void shouldRestoreALiveBackupToTheSameStateHashAndAnswersAndAnUnderLoadBackupToAConsistentPrefix() throws Exception
    {
        final Path dataDir = temp.resolve("data");
        final int port = ChildServer.freePort();
        final ChildServer live = start(port, dataDir, "live.log");
        final KeyRing keys = KeyRingFile.inDataDir(dataDir).load();
        assertFalse(keys.keys().isEmpty(), "serve made the data directory's key ring");
        final String token = Tokens.issue(keys, MERCHANT, System.currentTimeMillis(), TimeUnit.HOURS.toMillis(1));

        final String[] customers = new String[CUSTOMERS];
        try (HttpConnection http = new HttpConnection(port))
        {
            for (int c = 0; c < CUSTOMERS; c++)
            {
                final Response created = http.request("POST", "/api/canary/customers", token, "{\"phoneNumber\":\"+2782100000" + c
                    + "\",\"metadata\":{}}");
                assertEquals(201, created.status(), created::toString);
                customers[c] = created.field("id");
            }
        }

        // Under load: the first backup.
        final Map<String, Integer> acknowledgedPayIns = new ConcurrentHashMap<>(); // pay-in id -> customer
        final Set<String> acknowledgedBeforeBackup;
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> load = new ArrayList<>();
        for (int t = 0; t < 4; t++)
        {
            final Random random = new Random(t);
            load.add(new Thread(() -> drive(port, token, customers, random, acknowledgedPayIns, stop), "drill-load-" + t));
        }
        load.forEach(Thread::start);
        Thread.sleep(1_500);
        acknowledgedBeforeBackup = Set.copyOf(acknowledgedPayIns.keySet());
        final Path underLoad = temp.resolve("backup-under-load");
        backup(dataDir, underLoad);
        Thread.sleep(500);
        stop.set(true);
        for (final Thread thread : load)
        {
            thread.join(20_000);
        }
        assertTrue(acknowledgedBeforeBackup.size() > 50, "load ran before the backup: " + acknowledgedBeforeBackup.size());

        // Idle but live: what the server answers now, and its state hash, read from its live journal.
        final Map<String, Response> reads = reads(port, token, customers);
        final String liveStateHash = stateHash(tool(0, "replay", "--data-dir", dataDir.toString()));
        final Path idle = temp.resolve("backup-idle");
        backup(dataDir, idle);

        // The disaster: the server dies and its data directory is gone.
        live.process.destroyForcibly();
        assertTrue(live.process.waitFor(15, TimeUnit.SECONDS));
        deleteRecursively(dataDir);

        // Restore the idle backup: same state hash, same answers, the old token still good.
        restore(idle, dataDir);
        assertTrue(tool(0, "verify", "--data-dir", dataDir.toString()).contains("journal OK"));
        final ChildServer restored = start(port, dataDir, "restored.log");
        final Matcher replayed = restored.find(ChildServer.REPLAYED);
        assertNotNull(replayed, restored::output);
        // compared as numbers: the tool prints 16 hex digits, the server's log line drops leading zeros
        assertEquals(Long.parseUnsignedLong(liveStateHash, 16), Long.parseUnsignedLong(replayed.group(5), 16),
            "the restored state hash is the live server's");
        final Map<String, Response> restoredReads = reads(port, token, customers);
        assertEquals(reads.keySet(), restoredReads.keySet());
        for (final Map.Entry<String, Response> read : reads.entrySet())
        {
            assertEquals(read.getValue().status(), restoredReads.get(read.getKey()).status(), read.getKey());
            assertEquals(read.getValue().body(), restoredReads.get(read.getKey()).body(), read.getKey());
        }
        stopCleanly(restored);

        // Restore the backup taken under load, elsewhere: a consistent prefix holding everything acknowledged before it.
        final Path prefixDir = temp.resolve("data-from-load-backup");
        restore(underLoad, prefixDir);
        final String verified = tool(0, "verify", "--data-dir", prefixDir.toString());
        assertTrue(verified.contains("journal OK"), verified);
        final int prefixPort = ChildServer.freePort();
        final ChildServer prefix = start(prefixPort, prefixDir, "prefix.log");
        final Set<String> present = new java.util.HashSet<>();
        try (HttpConnection http = new HttpConnection(prefixPort))
        {
            for (final String customer : customers)
            {
                for (int offset = 0; ; offset += 100)
                {
                    final Response page = http.request("GET", "/api/canary/customers/" + customer + "/transactions?limit=100&offset="
                        + offset, token, null);
                    assertEquals(200, page.status(), page::toString);
                    final Matcher related = Pattern.compile("\"relatedEntityId\":\"(pin_[0-9a-z]+)\"").matcher(page.body());
                    int rows = 0;
                    while (related.find())
                    {
                        present.add(related.group(1));
                        rows++;
                    }
                    if (!page.body().contains("\"hasMore\":true") && rows < 100)
                    {
                        break;
                    }
                }
            }
        }
        final List<String> missing = acknowledgedBeforeBackup.stream().filter(id -> !present.contains(id)).toList();
        assertEquals(List.of(), missing, "every pay-in acknowledged before the backup began is in it");
        stopCleanly(prefix);
    }

    private ChildServer start(final int port, final Path dataDir, final String log) throws Exception
    {
        final ChildServer server = ChildServer.start(port, dataDir, null, temp.resolve(log), OPTIONS);
        servers.add(server);
        assertNull(server.awaitHealthy(port), server::output);
        return server;
    }

    private static void stopCleanly(final ChildServer server) throws InterruptedException
    {
        server.process.destroy(); // SIGTERM
        assertTrue(server.process.waitFor(30, TimeUnit.SECONDS) && server.process.exitValue() == 0, server::output);
    }

    /** Runs {@code scripts/backup.sh}, as the docs do. */
    private static void backup(final Path dataDir, final Path to) throws Exception
    {
        final Path script = ChildServer.jvmOptions().getParent().getParent().resolve("scripts").resolve("backup.sh");
        final Process process = new ProcessBuilder("bash", script.toString(), dataDir.toString(), to.toString())
            .redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "backup.sh finished");
        assertEquals(0, process.exitValue(), output);
        assertTrue(Files.isRegularFile(to.resolve(KeyRingFile.FILE_NAME)), "the keys are in the backup");
    }

    /** Copies a backup into place, as the docs do: {@code cp -rp BACKUP DATA_DIR}. */
    private static void restore(final Path backup, final Path dataDir) throws Exception
    {
        final Process process = new ProcessBuilder("cp", "-rp", backup.toString(), dataDir.toString()).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, output);
    }

    /** Every customer's balance and first page of history, and the merchant's balance and transfers. */
    private static Map<String, Response> reads(final int port, final String token, final String[] customers) throws IOException
    {
        final Map<String, Response> reads = new LinkedHashMap<>();
        try (HttpConnection http = new HttpConnection(port))
        {
            final List<String> paths = new ArrayList<>(List.of("/api/canary/balance?currency=ZAR", "/api/canary/transfers?limit=100",
                "/api/canary/customers?limit=100"));
            for (final String customer : customers)
            {
                paths.add("/api/canary/customers/" + customer + "/balance");
                paths.add("/api/canary/customers/" + customer + "/transactions?limit=100");
            }
            for (final String path : paths)
            {
                reads.put(path, http.request("GET", path, token, null));
            }
        }
        return reads;
    }

    private static String stateHash(final String replayOutput)
    {
        final Matcher matcher = STATE_HASH.matcher(replayOutput);
        assertTrue(matcher.find(), replayOutput);
        return matcher.group(1);
    }

    private static String tool(final int expectedExit, final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = LedgerMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        assertEquals(expectedExit, commandLine.execute(args), () -> String.join(" ", args) + ":\n" + out + err);
        return out.toString();
    }

    private static void drive(final int port, final String token, final String[] customers, final Random random,
        final Map<String, Integer> acknowledgedPayIns, final AtomicBoolean stop)
    {
        try (HttpConnection http = new HttpConnection(port))
        {
            while (!stop.get())
            {
                final int from = random.nextInt(customers.length);
                final long amount = 1 + random.nextInt(2_000);
                switch (random.nextInt(3))
                {
                    case 0 ->
                    {
                        final Response paid = http.request("POST", "/api/canary/customers/" + customers[from] + "/pay-ins", token,
                            "{\"amount\":" + amount + ",\"currency\":\"ZAR\"}");
                        if (paid.status() == 201)
                        {
                            acknowledgedPayIns.put(paid.field("id"), from);
                        }
                    }
                    case 1 -> http.request("POST", "/api/canary/purchases", token, "{\"customerId\":\"" + customers[from]
                        + "\",\"productId\":\"drill\",\"amount\":" + amount + ",\"currency\":\"ZAR\"}");
                    default -> http.request("POST", "/api/canary/transfers", token, "{\"fromCustomerId\":\"" + customers[from]
                        + "\",\"toCustomerId\":\"" + customers[(from + 1) % customers.length] + "\",\"amount\":" + amount
                        + ",\"currency\":\"ZAR\"}");
                }
            }
        }
        catch (final NotSentException ex)
        {
            // the server is gone
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static void deleteRecursively(final Path dir) throws IOException
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(path);
            }
        }
        assertFalse(Files.exists(dir));
    }
}
