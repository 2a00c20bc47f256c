package io.ledger.journal.snapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.Field;
import io.ledger.engine.Ledger;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.Durability;
import io.ledger.journal.RandomCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static io.ledger.journal.snapshot.SnapshotStoreTest.ZAR;
import static io.ledger.journal.snapshot.SnapshotStoreTest.flipByte;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up from the newest usable snapshot plus the journal tail, and what makes a snapshot unusable. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SnapshotRecoveryTest
{
    private static final int COMMANDS = 6_000;

    @TempDir
    Path dataDir;

    private Path journalDir;
    private SnapshotStore store;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void setUp()
    {
        journalDir = dataDir.resolve("journal");
        store = SnapshotStore.open(dataDir.resolve(SnapshotStore.DIRECTORY_NAME));
        log.start();
        ((Logger)LoggerFactory.getLogger(LedgerRecovery.class)).addAppender(log);
    }

    @AfterEach
    void tearDown()
    {
        ((Logger)LoggerFactory.getLogger(LedgerRecovery.class)).detachAppender(log);
    }

    /**
     * Journals {@link #COMMANDS} random commands, snapshotting after each count in {@code snapshotAfter}.
     *
     * @return the ledger that was journaled; {@code snapshotHashes} gets each snapshot's state hash.
     */
    private Ledger journal(final long seed, final List<Long> snapshotHashes, final int... snapshotAfter) throws Exception
    {
        final Ledger ledger = new Ledger(ZAR);
        final RandomCommands stream = new RandomCommands(seed);
        final CommandEvent event = new CommandEvent();
        int next = 0;
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.PROCESS))
        {
            for (int i = 1; i <= COMMANDS; i++)
            {
                journal.append(stream.next(event));
                ledger.apply(event);
                stream.applied(event);
                if (next < snapshotAfter.length && snapshotAfter[next] == i)
                {
                    SnapshotStoreTest.write(store, ledger, journal);
                    snapshotHashes.add(ledger.stateHash());
                    next++;
                }
            }
        }
        return ledger;
    }

    private LedgerRecovery.Result recover()
    {
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(journalDir))
        {
            return LedgerRecovery.recover(journal, store, dataDir, ZAR, null);
        }
    }

    private List<String> warnings()
    {
        final List<String> lines = new ArrayList<>();
        for (final ILoggingEvent event : log.list)
        {
            lines.add(event.getFormattedMessage());
        }
        return lines;
    }

    @Test
    void shouldLoadTheNewestSnapshotReplayOnlyTheTailAndMatchAFullReplay() throws Exception
    {
        final Ledger original = journal(11, new ArrayList<>(), 2_000, 4_500);

        final LedgerRecovery.Result result = recover();

        assertNotNull(result.snapshot());
        assertEquals(store.list().get(0), result.snapshot().file());
        assertEquals(COMMANDS - 4_500, result.replayedRecords());
        assertEquals(original.stateHash(), result.ledger().stateHash());
        assertEquals(original.commandsApplied(), result.ledger().commandsApplied());
        result.ledger().checkConservation();
        assertEquals(List.of(), warnings());
    }

    @Test
    void shouldFallBackToThePreviousSnapshotWhenTheNewestIsCorruptOrTruncatedNamingIt() throws Exception
    {
        final List<Long> hashes = new ArrayList<>();
        final Ledger original = journal(12, hashes, 1_000, 3_000, 5_000);
        final List<Path> files = store.list(); // newest first
        flipByte(files.get(0), Files.size(files.get(0)) - 10); // payload damaged
        try (var channel = java.nio.channels.FileChannel.open(files.get(1), java.nio.file.StandardOpenOption.WRITE))
        {
            channel.truncate(Files.size(files.get(1)) / 2); // a half-copied file
        }

        final LedgerRecovery.Result result = recover();

        assertEquals(files.get(2), result.snapshot().file());
        assertEquals(hashes.get(0), result.snapshot().header().stateHash());
        assertEquals(COMMANDS - 1_000, result.replayedRecords());
        assertEquals(original.stateHash(), result.ledger().stateHash());
        final List<String> warnings = warnings();
        assertEquals(2, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("skipping " + files.get(0)) && warnings.get(0).contains("crc32c"), warnings::toString);
        assertTrue(warnings.get(1).contains("skipping " + files.get(1)) && warnings.get(1).contains("truncated"), warnings::toString);
    }

    @Test
    void shouldReplayTheWholeJournalWhenNoSnapshotIsUsable() throws Exception
    {
        final Ledger original = journal(13, new ArrayList<>(), 2_000);
        flipByte(store.list().get(0), 30); // header

        final LedgerRecovery.Result result = recover();

        assertNull(result.snapshot());
        assertEquals(COMMANDS, result.replayedRecords());
        assertEquals(original.stateHash(), result.ledger().stateHash());
        assertTrue(warnings().get(1).contains("replaying the whole journal"), warnings()::toString);
    }

    @Test
    void shouldSkipASnapshotWhoseCommandTheJournalDoesNotHoldAtItsIndex() throws Exception
    {
        final Ledger original = journal(14, new ArrayList<>(), 3_000);
        // A snapshot claiming an index that holds another command: e.g. taken from another journal
        final Ledger other = SnapshotStoreTest.ledger(99, 3_500);
        final long index;
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(journalDir))
        {
            index = journal.indexOfCommand(original.lastCommandId(), 0) - 5;
        }
        SnapshotStoreTest.write(store, other, index);

        final LedgerRecovery.Result result = recover();

        assertEquals(original.stateHash(), result.ledger().stateHash());
        assertEquals(COMMANDS - 3_000, result.replayedRecords());
        assertTrue(warnings().get(0).contains("but the journal holds commandId"), warnings()::toString);
    }

    @Test
    void shouldSkipASnapshotWhoseCommandIdIsNowHeldByAnotherRecordAfterTheJournalLostItsTail() throws Exception
    {
        // Journal A: 100 commands, and a snapshot of all of them. Journal B (this data dir): the same first 90, then
        // 10 others with the same ids at the same indexes, as after a power loss took A's unsynced tail.
        final Path otherJournal = dataDir.resolve("journal-a");
        final Ledger a = new Ledger(ZAR);
        final Ledger b = new Ledger(ZAR);
        final RandomCommands stream = new RandomCommands(21);
        final CommandEvent event = new CommandEvent();
        try (ChronicleJournal journalA = ChronicleJournal.open(otherJournal, Durability.PROCESS);
             ChronicleJournal journalB = ChronicleJournal.open(journalDir, Durability.PROCESS))
        {
            for (int i = 1; i <= 100; i++)
            {
                stream.next(event);
                journalA.append(event);
                a.apply(event);
                stream.applied(event);
                if (i > 90)
                {
                    event.set(Field.AMOUNT_MINOR, event.get(Field.AMOUNT_MINOR) + 1); // another command with the same id
                }
                journalB.append(event);
                b.apply(event);
            }
            SnapshotStoreTest.write(store, a, journalA);
        }

        final LedgerRecovery.Result result = recover();

        assertNull(result.snapshot());
        assertEquals(b.stateHash(), result.ledger().stateHash());
        assertTrue(warnings().get(0).contains("another record with that id there"), warnings()::toString);
    }

    @Test
    void shouldRefuseAFullReplayOnceRetentionTrimmedTheJournal() throws Exception
    {
        journal(15, new ArrayList<>());
        Files.writeString(dataDir.resolve(JournalRetention.LOG_FILE_NAME), "archived 20261101F.cq4\n");

        final IllegalStateException ex = assertThrows(IllegalStateException.class, this::recover);
        assertTrue(ex.getMessage().contains("a full replay would rebuild a wrong state"), ex.getMessage());
    }

    @Test
    void shouldArchiveOrDeleteOnlyCyclesBeforeTheOldestSnapshotKeptAndRecoverAfterwards() throws Exception
    {
        for (final JournalRetention.Mode mode : new JournalRetention.Mode[] {JournalRetention.Mode.ARCHIVE, JournalRetention.Mode.DELETE})
        {
            final Path data = dataDir.resolve(mode.toString());
            final Path journalDirectory = data.resolve("journal");
            final SnapshotStore snapshots = SnapshotStore.open(data.resolve(SnapshotStore.DIRECTORY_NAME));
            final long day = 86_400_000L;
            final AtomicLong clock = new AtomicLong(20_400 * day + 1_000);
            final Ledger ledger = new Ledger(ZAR);
            final RandomCommands stream = new RandomCommands(17);
            final CommandEvent event = new CommandEvent();
            try (ChronicleJournal journal = ChronicleJournal.open(journalDirectory, Durability.PROCESS, clock::get))
            {
                // never started: each final snapshot is written from the given ledger, on this thread
                final SnapshotAgent writer = SnapshotAgent.create(new SnapshotAgent.Context().journal(journal).store(snapshots)
                    .newLedger(() -> new Ledger(ZAR)).defaultCurrency(ZAR).keep(1).retention(new JournalRetention(mode, data)));
                for (int d = 0; d < 4; d++) // four days of 500 commands; a snapshot at the end of days 1 and 3
                {
                    for (int i = 0; i < 500; i++)
                    {
                        journal.append(stream.next(event));
                        ledger.apply(event);
                        stream.applied(event);
                    }
                    if (d == 1 || d == 3)
                    {
                        writer.finalSnapshot(ledger);
                    }
                    clock.addAndGet(day);
                }
                writer.close();
                // the journal keeps working after its directory listing changed (this goes to a fifth day)
                journal.append(stream.next(event));
                ledger.apply(event);
            }
            final List<String> left = ChronicleJournal.cycleFiles(journalDirectory).stream().map(p -> p.getFileName().toString()).toList();
            assertEquals(2, left.size(), mode + ": the cycle of the one snapshot kept, and the day after: " + left);
            assertTrue(JournalRetention.journalWasTrimmed(data));
            if (mode == JournalRetention.Mode.ARCHIVE)
            {
                try (var archived = Files.list(data.resolve(JournalRetention.ARCHIVE_DIRECTORY_NAME)))
                {
                    assertEquals(3, archived.count());
                }
            }
            try (ChronicleJournal journal = ChronicleJournal.openReadOnly(journalDirectory))
            {
                final LedgerRecovery.Result result = LedgerRecovery.recover(journal, snapshots, data, ZAR, null);
                assertEquals(1, result.replayedRecords());
                assertEquals(ledger.stateHash(), result.ledger().stateHash());
            }
        }
    }
}
