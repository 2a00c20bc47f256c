package io.ledger.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.Ledger;
import io.ledger.engine.LedgerSnapshot;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.Durability;
import io.ledger.journal.JournalRepair;
import io.ledger.journal.snapshot.SnapshotStore;
import io.ledger.server.LedgerServer.Config;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tools on a data directory with snapshots: replay --to-time/--from-snapshot, verify's snapshot checks, repair. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SnapshotToolsTest
{
    private static final int ZAR = Currencies.pack("ZAR");
    private static final long T0 = 1_763_600_000_000L;
    private static final int COMMANDS = 12;
    private static final String SECRET = "snapshot-tools-test-secret-at-least-32-bytes";

    @TempDir
    Path dataDir;

    private Path journalDir;
    private SnapshotStore store;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    /** The state hash after each command id. */
    private final long[] hashAfter = new long[COMMANDS + 1];

    /** Customer 1 (mer_a), then pay-ins and purchases, each with a marker; snapshots after commands 4 and 8. */
    @BeforeEach
    void writeJournal() throws IOException
    {
        journalDir = dataDir.resolve("journal");
        store = SnapshotStore.open(dataDir.resolve(SnapshotStore.DIRECTORY_NAME));
        final Ledger ledger = new Ledger(ZAR);
        final CommandEvent e = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.PROCESS))
        {
            for (int id = 1; id <= COMMANDS; id++)
            {
                e.clear();
                e.stamp(id, T0 + id * 1_000L).text(Field.MERCHANT_ID, "mer_a");
                if (id == 1)
                {
                    e.type(CommandType.CREATE_CUSTOMER).text(Field.PHONE, "+27").text(Field.METADATA_JSON, "{}");
                }
                else
                {
                    e.type(id % 3 == 0 ? CommandType.PURCHASE : CommandType.PAY_IN).set(Field.CUSTOMER_KEY, 1).set(Field.AMOUNT_MINOR, 100L * id)
                        .set(Field.CURRENCY, ZAR).set(Field.QUANTITY, 1).text(Field.PRODUCT_ID, marker(id)).text(Field.DESCRIPTION, "d");
                }
                journal.append(e);
                ledger.apply(e);
                hashAfter[id] = ledger.stateHash();
                if (id == 4 || id == 8)
                {
                    snapshot(journal, ledger, ledger.stateHash());
                }
            }
        }
    }

    private static String marker(final int id)
    {
        return String.format("tools-marker-%04d", id);
    }

    private void snapshot(final ChronicleJournal journal, final Ledger ledger, final long claimedHash) throws IOException
    {
        final SnapshotStore.Pending pending = store.begin(ledger.lastCommandId());
        LedgerSnapshot.write(ledger, pending.output());
        pending.finishPayload();
        final long index = journal.indexOfCommand(ledger.lastCommandId(), 1_000);
        pending.commit(index, journal.commandAt(index).crc32c(), claimedHash, 0);
    }

    private int execute(final String... args)
    {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        final CommandLine commandLine = LedgerMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static void flipByte(final Path file, final long position) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            channel.write(ByteBuffer.wrap(new byte[] {(byte)(one.get(0) ^ 0x5A)}), position);
        }
    }

    private List<Long> indexes()
    {
        final List<Long> indexes = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(journalDir))
        {
            journal.replay((index, event) -> indexes.add(index));
        }
        return indexes;
    }

    @Test
    void shouldReplayUpToTheLastCommandAtOrBeforeAnInstant()
    {
        assertEquals(0, execute("replay", "--data-dir", dataDir.toString(), "--to-time", Instant.ofEpochMilli(T0 + 5_500).toString()),
            err::toString);
        assertTrue(out.toString().contains("commands replayed: 5 (up to time "), out::toString);
        assertTrue(out.toString().contains(String.format("state hash:        %016x", hashAfter[5])), out::toString);

        assertEquals(2, execute("replay", "--data-dir", dataDir.toString(), "--to-time", "yesterday"));
        assertTrue(err.toString().contains("must be an ISO-8601 instant"), err::toString);
        assertEquals(2, execute("replay", "--data-dir", dataDir.toString(), "--to-time", "2026-01-01T00:00:00Z", "--to-command-id", "3"));
    }

    @Test
    void shouldReplayFromTheNewestSnapshotToTheSameStateAndShowMoneyHeldPerCurrency()
    {
        assertEquals(0, execute("replay", "--data-dir", dataDir.toString()), err::toString);
        final String full = out.toString();
        assertTrue(full.contains("money held:        ZAR customers "), full);
        assertTrue(full.contains(String.format("state hash:        %016x", hashAfter[COMMANDS])), full);

        assertEquals(0, execute("replay", "--data-dir", dataDir.toString(), "--from-snapshot"), err::toString);
        assertTrue(out.toString().contains("snapshot:          " + store.list().get(0)), out::toString);
        assertTrue(out.toString().contains("commands replayed: " + (COMMANDS - 8) + " (after the snapshot)"), out::toString);
        assertTrue(out.toString().contains(String.format("state hash:        %016x", hashAfter[COMMANDS])), out::toString);
    }

    @Test
    void shouldVerifyEverySnapshotAgainstTheJournalAndSnapshotPlusTailAgainstAFullReplay()
    {
        assertEquals(0, execute("verify", "--data-dir", dataDir.toString()), out::toString);
        final List<String> lines = out.toString().lines().toList();
        assertEquals(4, lines.size(), out::toString);
        assertTrue(lines.get(0).startsWith("journal OK: " + COMMANDS + " records"), out::toString);
        assertTrue(lines.get(1).startsWith("snapshot OK: ") && lines.get(1).contains("command id 4"), out::toString);
        assertTrue(lines.get(2).startsWith("snapshot OK: ") && lines.get(2).contains("command id 8"), out::toString);
        assertTrue(lines.get(3).startsWith("snapshot + tail OK: " + store.list().get(0) + " + 4 journal records"), out::toString);
    }

    @Test
    void shouldReportACorruptNewestSnapshotAndStillCheckTheOlderOnePlusItsLongerTail() throws IOException
    {
        final Path newest = store.list().get(0);
        flipByte(newest, Files.size(newest) - 3);

        assertEquals(1, execute("verify", "--data-dir", dataDir.toString()), out::toString);

        assertTrue(out.toString().contains("snapshot CORRUPT: snapshot unusable: file=" + newest), out::toString);
        assertTrue(out.toString().contains("snapshot + tail OK: " + store.list().get(1) + " + 8 journal records"), out::toString);
    }

    @Test
    void shouldReportASnapshotWhoseStateTheReplayDoesNotReach() throws IOException
    {
        for (final Path file : store.list())
        {
            Files.delete(file);
        }
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(journalDir))
        {
            final Ledger atSix = new Ledger(ZAR);
            journal.replay((index, event) ->
            {
                atSix.apply(event);
                return event.commandId() < 6;
            });
            snapshot(journal, atSix, atSix.stateHash() ^ 1); // a header that lies about the state
        }

        assertEquals(1, execute("verify", "--data-dir", dataDir.toString()), out::toString);

        assertTrue(out.toString().contains("snapshot MISMATCH: "), out::toString);
        assertTrue(out.toString().contains("snapshot + tail: no usable snapshot"), out::toString);
    }

    @Test
    void shouldRefuseToServeAMidJournalCorruptionNameTheRepairAndServeThePrefixAfterIt() throws Exception
    {
        final long damaged = indexes().get(6 - 1);
        flipJournalMarker(marker(6));
        // The snapshot at 8 would let a start skip the damage; the one at 4 would not. Keep only the older.
        Files.delete(store.list().get(0));

        assertEquals(1, execute("serve", "--data-dir", dataDir.toString(), "--port", "0", "--jwt-secret", "text:" + SECRET));
        final String refusal = err.toString();
        assertTrue(refusal.contains("journal record corrupt: file=") && refusal.contains("index=0x" + Long.toHexString(damaged)), refusal);
        assertTrue(refusal.contains("ledger repair --data-dir " + dataDir + " --truncate-at 0x" + Long.toHexString(damaged)), refusal);

        assertEquals(0, execute("repair", "--data-dir", dataDir.toString(), "--truncate-at", "0x" + Long.toHexString(damaged)),
            err::toString);
        assertTrue(out.toString().contains("kept 5 records up to command id 5, cut " + (COMMANDS - 5) + " records"), out::toString);
        assertTrue(Files.isDirectory(dataDir.resolve(JournalRepair.DAMAGED_DIRECTORY_NAME)));

        try (LedgerServer server = LedgerServer.start(new Config(0, dataDir, SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "process", 1024, LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR")))
        {
            assertTrue(server.port() > 0);
        }
        // The clean stop snapshotted the prefix's state; verify agrees with a replay of the cut journal
        assertEquals(0, execute("verify", "--data-dir", dataDir.toString()), out::toString);
        assertTrue(out.toString().startsWith("journal OK: 5 records, last command id 5, state hash " + String.format("%016x", hashAfter[5])),
            out::toString);
    }

    @Test
    void shouldMoveAsideAtStartASnapshotAheadOfTheJournal() throws IOException
    {
        // The journal lost its last 4 records (as unsynced ones do in a power loss); the snapshot at 8 covers 5..8 too
        JournalRepair.truncateAt(dataDir, indexes().get(4)); // a convenient way to lose them; it moves the newer snapshot...
        final Path aside = Files.list(dataDir.resolve(JournalRepair.DAMAGED_DIRECTORY_NAME)).findFirst().orElseThrow()
            .resolve(SnapshotStore.DIRECTORY_NAME).resolve(String.format("snapshot-%019d.snap", 8));
        final Path ahead = store.directory().resolve(aside.getFileName());
        Files.move(aside, ahead); // ...so put it back, as a power loss would have left it

        try (LedgerServer server = LedgerServer.start(new Config(0, dataDir, SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "process", 1024, LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR")))
        {
            assertFalse(Files.exists(ahead), "the snapshot ahead of the journal is moved away before new commands take its ids");
            final long movedAgain;
            try (var dirs = Files.walk(dataDir.resolve(JournalRepair.DAMAGED_DIRECTORY_NAME)))
            {
                movedAgain = dirs.filter(p -> p.getFileName().equals(ahead.getFileName())).count();
            }
            assertEquals(1, movedAgain);
            assertTrue(server.port() > 0);
        }
    }

    @Test
    void shouldRefuseToStartAnEmptyLedgerOverSnapshotsWhenTheJournalIsGone() throws IOException
    {
        try (var files = Files.walk(journalDir))
        {
            for (final Path file : files.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
        final IllegalStateException ex = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
            () -> LedgerServer.start(new Config(0, dataDir, SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "process", 1024,
                LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR")).close());
        assertTrue(ex.getMessage().contains("refusing to start an empty ledger"), ex.getMessage());
        assertEquals(2, store.list().size(), "the snapshots stay where they are");
    }

    @Test
    void shouldRefuseARepairAtAnIndexWithoutARecordAndChangeNothing()
    {
        assertEquals(2, execute("repair", "--data-dir", dataDir.toString(), "--truncate-at", "12345"));
        assertTrue(err.toString().contains("no record at index"), err::toString);
        assertFalse(Files.exists(dataDir.resolve(JournalRepair.DAMAGED_DIRECTORY_NAME)));
    }

    @Test
    void shouldPrintEveryDeclaredFieldByItsNameTheReceiverAndTheMethodsToo() throws IOException
    {
        // Before record version 3 the tool named only some text slots and printed the rest as textN; every field now has
        // the name its declaration gives it, so what this checks is that the fields that had none print by name.
        final CommandEvent e = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.PROCESS))
        {
            e.clear();
            journal.append(e.stamp(COMMANDS + 1, T0).type(CommandType.TRANSFER).text(Field.MERCHANT_ID, "mer_a")
                .set(Field.CUSTOMER_KEY, 1).set(Field.TO_CUSTOMER_KEY, 77).set(Field.AMOUNT_MINOR, 5).set(Field.CURRENCY, ZAR));
            e.clear();
            journal.append(e.stamp(COMMANDS + 2, T0).type(CommandType.SAVE_PAYMENT_METHOD).text(Field.MERCHANT_ID, "mer_a")
                .set(Field.CUSTOMER_KEY, 1).text(Field.METHOD_TYPE, "card").text(Field.METHOD_PROVIDER, "a provider")
                .set(Field.EXPIRY_MONTH, 12).set(Field.IS_DEFAULT, false));
        }
        assertEquals(0, execute("journal", "--data-dir", dataDir.toString(), "--from", Integer.toString(COMMANDS + 1)), err::toString);
        final String ids = io.ledger.engine.Ids.UNSALTED.format(io.ledger.engine.IdKind.CUSTOMER, 77);
        assertTrue(out.toString().contains("\"toCustomerId\":\"" + ids + "\""), out::toString);
        assertTrue(out.toString().contains("\"provider\":\"a provider\""), out::toString);
        assertTrue(out.toString().contains("\"expiryMonth\":12"), out::toString);
        assertTrue(out.toString().contains("\"isDefault\":false"), out::toString);
    }

    /** Flips a byte in the middle of the only occurrence of {@code marker} in the journal's files. */
    private void flipJournalMarker(final String marker) throws IOException
    {
        final byte[] pattern = marker.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (final Path file : ChronicleJournal.cycleFiles(journalDir))
        {
            final byte[] bytes = Files.readAllBytes(file);
            for (int i = 0; i + pattern.length <= bytes.length; i++)
            {
                if (java.util.Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length))
                {
                    flipByte(file, i + pattern.length / 2);
                    return;
                }
            }
        }
        throw new AssertionError("marker " + marker + " not found");
    }
}
