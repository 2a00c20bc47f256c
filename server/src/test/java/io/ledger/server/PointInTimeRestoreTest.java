package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.ledger.journal.snapshot.SnapshotStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Point-in-time restore, as docs/operations.md describes it, on a restored data directory (the committed fixture, whose
 * commands have fixed times): {@code ledger replay --to-time T} names the state at T (its last command and state
 * hash), {@code ledger journal --from} gives the index of the first command after it, {@code ledger repair
 * --truncate-at} cuts the journal there (moving the later records and the snapshots that cover them aside), and then
 * {@code ledger verify} passes and a full replay reaches exactly the state {@code replay --to-time} showed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PointInTimeRestoreTest
{
    private static final JournalFixture FIXTURE = new JournalFixture("4af94da");
    private static final Pattern LAST_COMMAND = Pattern.compile("last command id: +(\\d+)");
    private static final Pattern STATE_HASH = Pattern.compile("state hash: +([0-9a-f]+)");

    @TempDir
    Path temp;

    @Test
    void shouldCutTheJournalAtTheLastCommandAtOrBeforeAnInstantAndRestartThere() throws Exception
    {
        final Path dataDir = FIXTURE.unpackInto(temp.resolve("data"));
        final String instant = "2026-03-02T08:00:24Z"; // after command 20 (08:00:23.503), before 21 (08:00:24.740)

        final String atInstant = tool(0, "replay", "--data-dir", dataDir.toString(), "--to-time", instant);
        assertEquals("20", group(LAST_COMMAND, atInstant));
        final String hashAtInstant = group(STATE_HASH, atInstant);

        final String next = tool(0, "journal", "--data-dir", dataDir.toString(), "--from", "21", "--limit", "1");
        final Matcher index = Pattern.compile("\"index\":(\\d+),\"commandId\":21,").matcher(next);
        assertTrue(index.find(), next);
        final String repaired = tool(0, "repair", "--data-dir", dataDir.toString(), "--truncate-at", index.group(1));
        assertTrue(repaired.contains("kept 20 records up to command id 20, cut 26 records"), repaired);

        assertTrue(tool(0, "verify", "--data-dir", dataDir.toString()).contains("journal OK: 20 records, last command id 20, state hash "
            + hashAtInstant), "the journal now ends at the instant");
        final String full = tool(0, "replay", "--data-dir", dataDir.toString());
        assertEquals(hashAtInstant, group(STATE_HASH, full));
        try (Stream<Path> snapshots = Files.list(dataDir.resolve(SnapshotStore.DIRECTORY_NAME)))
        {
            assertEquals(0, snapshots.filter(file -> file.toString().endsWith(".snap")).count(),
                "the fixture's snapshot (after command 33) moved aside with the cut records");
        }
        try (LedgerServer server = LedgerServer.start(new LedgerServer.Config(0, dataDir,
            "pitr-test-secret-at-least-32-bytes-long".getBytes(StandardCharsets.UTF_8), "process", 1024, LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR")))
        {
            assertTrue(server.port() > 0, "it starts there, money conserved");
        }
    }

    private static String group(final Pattern pattern, final String text)
    {
        final Matcher matcher = pattern.matcher(text);
        assertTrue(matcher.find(), text);
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
}
