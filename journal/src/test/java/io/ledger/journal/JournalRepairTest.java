package io.ledger.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.Ledger;
import io.ledger.engine.LedgerSnapshot;
import io.ledger.journal.snapshot.LedgerRecovery;
import io.ledger.journal.snapshot.SnapshotStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.ledger.journal.JournalFixtures.ZAR;
import static io.ledger.journal.JournalFixtures.flipByteInside;
import static io.ledger.journal.JournalFixtures.indexes;
import static io.ledger.journal.JournalFixtures.payIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mid-journal corruption refuses recovery, naming the file and index; truncating there moves the damaged journal
 * aside and leaves a journal that recovers to the prefix's state, and takes new commands.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalRepairTest
{
    private static final long T0 = 1_763_600_000_000L;
    private static final int RECORDS = 40;

    @TempDir
    Path dataDir;

    private Path journalDir()
    {
        return dataDir.resolve("journal");
    }

    private static String marker(final long commandId)
    {
        return String.format("repair-test-description-%04d", commandId);
    }

    /** A customer, then pay-ins to it with unique descriptions; snapshots after the commands in {@code snapshotAt}. */
    private void writeJournal(final int... snapshotAt) throws IOException
    {
        final SnapshotStore store = SnapshotStore.open(dataDir.resolve(SnapshotStore.DIRECTORY_NAME));
        final Ledger ledger = new Ledger(ZAR);
        final CommandEvent event = new CommandEvent();
        int next = 0;
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir(), Durability.PROCESS))
        {
            journal.append(JournalFixtures.createCustomer(event, 1, T0, "mer_a", "+2782", null, null, "{}"));
            ledger.apply(event);
            for (int id = 2; id <= RECORDS; id++)
            {
                journal.append(payIn(event, id, T0 + id, "mer_a", 1, 100, ZAR, marker(id)));
                ledger.apply(event);
                if (next < snapshotAt.length && snapshotAt[next] == id)
                {
                    final SnapshotStore.Pending pending = store.begin(id);
                    LedgerSnapshot.write(ledger, pending.output());
                    pending.finishPayload();
                    final long index = journal.indexOfCommand(id, 1_000);
                    pending.commit(index, journal.commandAt(index).crc32c(), ledger.stateHash(), 0);
                    next++;
                }
            }
        }
    }

    private LedgerRecovery.Result recover()
    {
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir(), Durability.PROCESS))
        {
            return LedgerRecovery.recover(journal, SnapshotStore.open(dataDir.resolve(SnapshotStore.DIRECTORY_NAME)), dataDir, ZAR, null);
        }
    }

    @Test
    void shouldRefuseMidJournalCorruptionThenTruncateThereAndRecoverThePrefix() throws IOException
    {
        writeJournal(10, 30);
        final long damagedIndex = indexes(journalDir()).get(24); // commandId 25
        final List<Path> originalFiles = ChronicleJournal.cycleFiles(journalDir());
        final byte[] originalBytes = Files.readAllBytes(originalFiles.get(0));
        flipByteInside(journalDir(), marker(25));
        final byte[] damagedBytes = Files.readAllBytes(originalFiles.get(0));

        // Start refused, with the file and index; the newer snapshot (30) would hide the damage, so it must not be
        // the reason start-up works: move it away to see the refusal a start without it gets
        final Path snapshots = dataDir.resolve(SnapshotStore.DIRECTORY_NAME);
        final Path at30 = snapshots.resolve(String.format("snapshot-%019d.snap", 30));
        final Path hidden = dataDir.resolve("hidden.snap");
        Files.move(at30, hidden);
        final JournalCorruptException refused = assertThrows(JournalCorruptException.class, this::recover);
        assertEquals(damagedIndex, refused.index());
        assertTrue(refused.getMessage().contains(originalFiles.get(0).getFileName().toString()), refused.getMessage());
        Files.move(hidden, at30);

        final JournalRepair.Result result = JournalRepair.truncateAt(dataDir, refused.index());

        assertEquals(24, result.recordsKept());
        assertEquals(24, result.lastCommandIdKept());
        assertEquals(RECORDS - 24, result.recordsCut());
        assertEquals(List.of(result.damagedDirectory().resolve(SnapshotStore.DIRECTORY_NAME).resolve(at30.getFileName())),
            result.snapshotsMoved(), "the snapshot covering cut commands goes aside with the journal");
        assertTrue(result.damagedDirectory().startsWith(dataDir.resolve(JournalRepair.DAMAGED_DIRECTORY_NAME)));
        final Path kept = result.damagedDirectory().resolve("journal").resolve(originalFiles.get(0).getFileName());
        assertTrue(java.util.Arrays.equals(damagedBytes, Files.readAllBytes(kept)), "the damaged journal is moved aside untouched");
        assertTrue(!java.util.Arrays.equals(originalBytes, damagedBytes));

        // The prefix keeps its indexes, so the snapshot at 10 still fits it
        assertEquals(indexes(journalDir()), indexes(result.damagedDirectory().resolve("journal")).subList(0, 24));
        final LedgerRecovery.Result recovered = recover();
        assertNotNull(recovered.snapshot());
        assertEquals(10, recovered.snapshot().header().lastCommandId());
        assertEquals(14, recovered.replayedRecords());
        assertEquals(24, recovered.ledger().lastCommandId());
        assertEquals(23 * 100, recovered.ledger().customerBalance(1, ZAR));
        final Ledger prefix = new Ledger(ZAR);
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir(), Durability.PROCESS))
        {
            journal.replay(prefix::apply);
            assertEquals(24, journal.lastCommandId());
            journal.append(payIn(new CommandEvent(), 25, T0 + 99, "mer_a", 1, 7, ZAR, "after the repair"));
        }
        assertEquals(prefix.stateHash(), recovered.ledger().stateHash());
        final List<Long> ids = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(journalDir()))
        {
            journal.replay(e -> ids.add(e.commandId()));
        }
        assertEquals(25, ids.size());
        assertEquals(25L, ids.get(24), "new commands follow the cut");
    }

    @Test
    void shouldRefuseToCutWhereThereIsNoRecordAndChangeNothing() throws IOException
    {
        writeJournal();
        final List<Long> before = indexes(journalDir());
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> JournalRepair.truncateAt(dataDir, before.get(before.size() - 1) + 1000));
        assertTrue(ex.getMessage().contains("no record at index"), ex.getMessage());
        assertEquals(before, indexes(journalDir()));
        assertTrue(!Files.exists(dataDir.resolve(JournalRepair.DAMAGED_DIRECTORY_NAME)));
    }

    @Test
    void shouldRefuseACutAfterAnotherCorruptRecordNamingItAndChangeNothing() throws IOException
    {
        writeJournal();
        final List<Long> indexes = indexes(journalDir());
        flipByteInside(journalDir(), marker(10));
        flipByteInside(journalDir(), marker(20));
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> JournalRepair.truncateAt(dataDir, indexes.get(19)));
        assertTrue(ex.getMessage().contains("cut at index 0x" + Long.toHexString(indexes.get(9)) + " instead"), ex.getMessage());
        assertEquals(indexes, indexes(journalDir()));

        JournalRepair.truncateAt(dataDir, indexes.get(9));
        assertEquals(9, recover().ledger().lastCommandId());
    }

    @Test
    void shouldRefuseARepairWhileAServerHoldsTheJournal() throws IOException
    {
        writeJournal();
        try (ChronicleJournal running = ChronicleJournal.open(journalDir(), Durability.PROCESS))
        {
            assertThrows(IllegalStateException.class, () -> JournalRepair.truncateAt(dataDir, indexes(journalDir()).get(3)));
        }
    }
}
