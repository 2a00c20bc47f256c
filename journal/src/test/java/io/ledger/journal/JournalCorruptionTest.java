package io.ledger.journal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import io.ledger.engine.CommandEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.ledger.journal.JournalFixtures.ZAR;
import static io.ledger.journal.JournalFixtures.flipByteInside;
import static io.ledger.journal.JournalFixtures.indexes;
import static io.ledger.journal.JournalFixtures.payIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JournalCorruptionTest
{
    private static final long T0 = 1_763_600_000_000L;
    private static final int RECORDS = 10;

    /** Journals commands 1..RECORDS, each with a unique description to find its bytes in the file by. */
    private static void writeRecords(final Path dir, final Durability durability)
    {
        final CommandEvent event = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, durability))
        {
            for (int id = 1; id <= RECORDS; id++)
            {
                journal.append(payIn(event, id, T0 + id, "mer_a", 1, 100L * id, ZAR, marker(id)));
                journal.endOfBatch();
            }
        }
    }

    private static String marker(final long commandId)
    {
        return String.format("unique-description-%04d", commandId);
    }

    private static List<Long> replayIds(final ChronicleJournal journal, final ChronicleJournal.ReplayResult[] result)
    {
        final List<Long> ids = new ArrayList<>();
        result[0] = journal.replay(e -> ids.add(e.commandId()));
        return ids;
    }

    @Test
    void shouldSkipATornLastRecordReportItAndIgnoreItInLastCommandId(@TempDir final Path dir)
    {
        writeRecords(dir, Durability.FSYNC);
        final List<Long> indexes = indexes(dir);
        flipByteInside(dir, marker(RECORDS));

        for (int reopen = 0; reopen < 2; reopen++) // open and replay change nothing: the same answer twice
        {
            try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.FSYNC))
            {
                assertEquals(RECORDS - 1, journal.lastCommandId());
                final ChronicleJournal.ReplayResult[] result = new ChronicleJournal.ReplayResult[1];
                final List<Long> ids = replayIds(journal, result);
                assertEquals(RECORDS - 1, ids.size());
                assertEquals(RECORDS - 1, ids.get(ids.size() - 1));
                assertEquals(new ChronicleJournal.ReplayResult(RECORDS - 1, RECORDS - 1, indexes.get(RECORDS - 1),
                    indexes.get(RECORDS - 1)), result[0]);
            }
        }
    }

    @Test
    void shouldAppendAfterATornTailAndReplayCleanlyForever(@TempDir final Path dir)
    {
        writeRecords(dir, Durability.FSYNC);
        final long tornIndex = indexes(dir).get(RECORDS - 1);
        flipByteInside(dir, marker(RECORDS));

        final CommandEvent event = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.FSYNC))
        {
            final ChronicleJournal.ReplayResult replayed = journal.replay(e -> { });
            assertEquals(tornIndex, replayed.tornTailIndex());
            final long next = journal.lastCommandId() + 1; // reuses the torn record's id: it was never acknowledged
            assertEquals(RECORDS, next);
            journal.append(payIn(event, next, T0 + 100, "mer_a", 1, 7, ZAR, "after the torn tail"));
            journal.endOfBatch();
            journal.append(payIn(event, next + 1, T0 + 101, "mer_a", 1, 8, ZAR, null));
            journal.endOfBatch();

            final ChronicleJournal.ReplayResult[] again = new ChronicleJournal.ReplayResult[1];
            final List<Long> ids = replayIds(journal, again);
            assertEquals(-1, again[0].tornTailIndex());
            assertEquals(RECORDS + 1, again[0].records());
            assertEquals(next + 1, again[0].lastCommandId());
            assertEquals(List.of(next, next + 1), ids.subList(RECORDS - 1, ids.size()));
        }

        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            assertEquals(RECORDS + 1, journal.lastCommandId());
            final ChronicleJournal.ReplayResult result = journal.replay(e -> { });
            assertEquals(-1, result.tornTailIndex());
            assertEquals(RECORDS + 1, result.records());
            journal.append(payIn(event, RECORDS + 2, T0 + 102, "mer_a", 1, 9, ZAR, null));
        }
        final List<Long> all = indexes(dir);
        assertEquals(RECORDS + 1 /* torn skip record */ + 3, all.size());
        assertEquals(tornIndex, all.get(RECORDS - 1));
    }

    @Test
    void shouldSealATornFirstRecordAndStartTheIdsAtOne(@TempDir final Path dir)
    {
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            journal.append(payIn(new CommandEvent(), 1, T0, "mer_a", 1, 1, ZAR, marker(1)));
        }
        flipByteInside(dir, marker(1));
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            assertEquals(0, journal.lastCommandId());
            assertEquals(0, journal.replay(e -> { }).records());
            journal.append(payIn(new CommandEvent(), 1, T0, "mer_a", 1, 1, ZAR, null));
        }
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            assertEquals(1, journal.lastCommandId());
            assertEquals(new ChronicleJournal.ReplayResult(1, 1, indexes(dir).get(2), -1), journal.replay(e -> { }));
        }
    }

    @Test
    void shouldStillDetectCorruptionBeforeASealedTornRecord(@TempDir final Path dir)
    {
        writeRecords(dir, Durability.PROCESS);
        flipByteInside(dir, marker(RECORDS));
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            journal.append(payIn(new CommandEvent(), RECORDS, T0, "mer_a", 1, 1, ZAR, "sealed"));
        }
        final long damagedIndex = indexes(dir).get(RECORDS - 2);
        flipByteInside(dir, marker(RECORDS - 1));
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            final JournalCorruptException ex = assertThrows(JournalCorruptException.class, () -> journal.replay(e -> { }));
            assertEquals(damagedIndex, ex.index());
        }
    }

    @Test
    void shouldRefuseToReplayWhenARecordBeforeTheLastIsCorrupt(@TempDir final Path dir)
    {
        writeRecords(dir, Durability.PROCESS);
        final int damaged = 4; // commandId 4, the 4th record
        final long damagedIndex = indexes(dir).get(damaged - 1);
        final Path file = flipByteInside(dir, marker(damaged));

        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            assertEquals(RECORDS, journal.lastCommandId(), "the tail is intact; open reads only the tail");
            final List<Long> seen = new ArrayList<>();
            final JournalCorruptException ex =
                assertThrows(JournalCorruptException.class, () -> journal.replay(e -> seen.add(e.commandId())));
            assertEquals(List.of(1L, 2L, 3L), seen, "nothing after the damaged record is applied");
            assertEquals(damagedIndex, ex.index());
            assertEquals(file.toAbsolutePath().normalize(), ex.file().toAbsolutePath().normalize());
            final String message = ex.getMessage();
            assertTrue(message.contains(file.getFileName().toString()), message);
            assertTrue(message.contains("index=0x" + Long.toHexString(damagedIndex) + " (" + damagedIndex + ")"), message);
            assertTrue(message.contains("crc32c mismatch: expected=0x"), message);
            assertTrue(message.contains("it is not the last record"), message);
        }
    }

    @Test
    void shouldRefuseToOpenWhenTheRecordBeforeATornTailIsAlsoCorrupt(@TempDir final Path dir)
    {
        writeRecords(dir, Durability.PROCESS);
        final long damagedIndex = indexes(dir).get(RECORDS - 2);
        flipByteInside(dir, marker(RECORDS));
        flipByteInside(dir, marker(RECORDS - 1));
        final JournalCorruptException ex =
            assertThrows(JournalCorruptException.class, () -> ChronicleJournal.open(dir, Durability.PROCESS).close());
        assertEquals(damagedIndex, ex.index());
    }

    @Test
    void shouldRefuseAWholeButUnknownLastRecordInsteadOfSkippingIt(@TempDir final Path dir)
    {
        writeRecords(dir, Durability.PROCESS);
        // A frame with a matching CRC32C and record type 9: written whole by a writer this code does not know.
        final ByteBuffer frame = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        frame.put((byte)io.ledger.journal.internal.RecordFrame.FORMAT_VERSION).put((byte)9).putShort((short)0).putInt(0);
        final CRC32C crc = new CRC32C();
        crc.update(frame.array(), 0, 8);
        frame.putInt((int)crc.getValue());
        JournalFixtures.appendRaw(dir, frame.array());

        final JournalCorruptException ex =
            assertThrows(JournalCorruptException.class, () -> ChronicleJournal.open(dir, Durability.PROCESS).close());
        assertTrue(ex.getMessage().contains("bad record type: recordType=9"), ex.getMessage());
    }

    @Test
    void shouldSkipATornLastRecordInTheTailAfterASnapshotAndSealItOnTheNextAppend(@TempDir final Path dir) throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final io.ledger.journal.snapshot.SnapshotStore store =
            io.ledger.journal.snapshot.SnapshotStore.open(dir.resolve(io.ledger.journal.snapshot.SnapshotStore.DIRECTORY_NAME));
        final io.ledger.engine.Ledger ledger = new io.ledger.engine.Ledger(ZAR);
        final CommandEvent event = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.FSYNC))
        {
            journal.append(JournalFixtures.createCustomer(event, 1, T0, "mer_a", "+27", null, null, "{}"));
            ledger.apply(event);
            for (int id = 2; id <= RECORDS; id++)
            {
                journal.append(payIn(event, id, T0 + id, "mer_a", 1, 100L * id, ZAR, marker(id)));
                ledger.apply(event);
                if (id == 5)
                {
                    final io.ledger.journal.snapshot.SnapshotStore.Pending pending = store.begin(id);
                    io.ledger.engine.LedgerSnapshot.write(ledger, pending.output());
                    pending.finishPayload();
                    final long index = journal.indexOfCommand(id, 1_000);
                    pending.commit(index, journal.commandAt(index).crc32c(), ledger.stateHash(), 0);
                }
            }
        }
        final long tornIndex = indexes(journalDir).get(RECORDS - 1);
        flipByteInside(journalDir, marker(RECORDS));

        for (int pass = 0; pass < 2; pass++) // before and after the seal
        {
            try (ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.FSYNC))
            {
                final io.ledger.journal.snapshot.LedgerRecovery.Result result =
                    io.ledger.journal.snapshot.LedgerRecovery.recover(journal, store, dir, ZAR, null);
                assertEquals(5, result.snapshot().header().lastCommandId());
                assertEquals(RECORDS - 1 - 5 + pass, result.replayedRecords());
                assertEquals(pass == 0 ? tornIndex : -1, result.replay().tornTailIndex());
                assertEquals(pass == 0 ? RECORDS - 1 : RECORDS + 100, result.ledger().lastCommandId());
                if (pass == 0)
                {
                    journal.append(payIn(event, RECORDS + 100, T0 + 999, "mer_a", 1, 1, ZAR, "after the torn one"));
                }
            }
        }
    }
}
