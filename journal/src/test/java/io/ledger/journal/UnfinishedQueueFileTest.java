package io.ledger.journal;

import static io.ledger.journal.JournalFixtures.ZAR;
import static io.ledger.journal.JournalFixtures.payIn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ledger.engine.CommandEvent;
import io.ledger.journal.internal.UnfinishedQueueFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A crash while Chronicle creates a day file leaves it unfinished (its first header never completed): the three forms
 * below are what a {@code kill -9} at a new queue's first append left in repeated runs (a reproducer that halts a writer
 * 0-50 ms into its first appends). Chronicle waited 20-24 s at open and 10-24 s at the first append for such a file;
 * the writer sets it aside first, so nothing waits for it, and no record is lost or doubled.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnfinishedQueueFileTest
{
    private static final long DAY_MS = 86_400_000L;
    private static final long T0 = 1_763_600_000_000L;
    private static final DateTimeFormatter DAY_FILE = DateTimeFormatter.ofPattern("yyyyMMdd'F.cq4'").withZone(ZoneOffset.UTC);

    /** The forms a crash leaves: created but empty, sized but never written, header marked "not complete". */
    enum Form
    {
        EMPTY, ZEROS, NOT_COMPLETE
    }

    private static Path writeUnfinished(final Path dir, final long dayMs, final Form form) throws IOException
    {
        final Path file = dir.resolve(DAY_FILE.format(Instant.ofEpochMilli(dayMs)));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            if (form != Form.EMPTY)
            {
                raf.setLength(83_886_080L); // what Chronicle sizes a new day file to (sparse here)
            }
            if (form == Form.NOT_COMPLETE)
            {
                raf.write(new byte[] {0, 0, 0, (byte)0x80}); // Wires.NOT_COMPLETE, little-endian, length unknown
            }
        }
        return file;
    }

    /** The day of {@code T0}: commands 1..10, pay-ins, each its own batch. */
    private static void writeTenPayIns(final Path dir)
    {
        final CommandEvent event = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS, () -> T0))
        {
            for (int id = 1; id <= 10; id++)
            {
                journal.append(payIn(event, id, T0 + id, "mer_a", 1, 100L * id, ZAR, null));
                journal.endOfBatch();
            }
        }
    }

    private static List<String> names(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static List<Long> replayIds(final ChronicleJournal journal)
    {
        final List<Long> ids = new ArrayList<>();
        journal.replay(e -> ids.add(e.commandId()));
        return ids;
    }

    /**
     * A read-only open (what `ledger verify` and the other tools do) must not set anything aside, but it must not wait
     * for the unfinished metadata either: Chronicle waited for its header 85 s (10 s a look) before reading the day
     * files without it. The day files are read whole, and the metadata file is left as it was for the next writer.
     */
    @ParameterizedTest
    @EnumSource(Form.class)
    void shouldReadAJournalWhoseMetadataFileIsUnfinishedReadOnlyWithoutWaitingAndLeaveItAlone(final Form form, @TempDir final Path dir)
        throws IOException
    {
        writeTenPayIns(dir);
        final Path metadata = dir.resolve(UnfinishedQueueFiles.METADATA_FILE_NAME);
        Files.delete(metadata);
        try (RandomAccessFile raf = new RandomAccessFile(metadata.toFile(), "rw"))
        {
            if (form != Form.EMPTY)
            {
                raf.setLength(65_536);
            }
            if (form == Form.NOT_COMPLETE)
            {
                raf.write(new byte[] {0, 0, 0, (byte)0x80});
            }
        }
        final byte[] before = Files.readAllBytes(metadata);
        assertTrue(UnfinishedQueueFiles.metadataUnfinished(dir));

        final long startNs = System.nanoTime();
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(dir))
        {
            assertEquals(10, journal.lastCommandId());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), replayIds(journal));
        }
        final long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        // not a speed figure: Chronicle's own wait is 10 s a look; under 10 s means it never waited one out
        assertTrue(elapsedMs < 10_000, "the read-only open waited for the unfinished metadata: " + elapsedMs + " ms");
        assertArrayEquals(before, Files.readAllBytes(metadata), "a read-only open leaves the metadata file as it was");
        assertTrue(names(dir).stream().noneMatch(n -> n.contains(UnfinishedQueueFiles.ASIDE_SUFFIX)), "nothing set aside: " + names(dir));
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void shouldSetAsideTheJournalsUnfinishedDayFileAndKeepEveryRecordBeforeAndAfterIt(final Form form, @TempDir final Path dir)
        throws IOException
    {
        final long[] nowMs = {T0};
        final CommandEvent event = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS, () -> nowMs[0]))
        {
            for (int id = 1; id <= 10; id++)
            {
                journal.append(payIn(event, id, T0 + id, "mer_a", 1, 100L * id, ZAR, null));
                journal.endOfBatch();
            }
        }
        final Path unfinished = writeUnfinished(dir, T0 + DAY_MS, form); // killed at the next day's first append
        nowMs[0] = T0 + DAY_MS + 1_000;

        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS, () -> nowMs[0]))
        {
            assertFalse(Files.exists(unfinished), "set aside before Chronicle opened the queue");
            assertEquals(1, names(dir).stream().filter(n -> n.startsWith(unfinished.getFileName() + UnfinishedQueueFiles.ASIDE_SUFFIX)).count(),
                "kept for an operator under a name Chronicle does not read: " + names(dir));
            assertEquals(10, journal.lastCommandId());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), replayIds(journal));
            journal.append(payIn(event, 11, T0 + DAY_MS, "mer_a", 1, 5, ZAR, "the new day's first record"));
            journal.endOfBatch();
        }
        assertTrue(Files.exists(unfinished), "the new day's file, written afresh");
        assertTrue(names(dir).stream().noneMatch(n -> n.contains(".discard")), "Chronicle never had to discard it itself: " + names(dir));
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS, () -> nowMs[0]))
        {
            assertEquals(11, journal.lastCommandId());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), replayIds(journal));
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void shouldOpenAnEventLogWhoseOnlyDayFileIsUnfinishedAsEmptyAndAppendToIt(final Form form, @TempDir final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        final Path unfinished = writeUnfinished(dir, System.currentTimeMillis(), form); // the follower's first append, killed
        try (EventLog log = EventLog.open(dir))
        {
            assertEquals(-1, log.lastJournalIndex(), "it held no event");
            log.append(7, 3, "m1", "customer.created", "{}");
        }
        try (EventLog log = EventLog.open(dir); EventLog.Reader reader = log.reader(false))
        {
            assertEquals(7, log.lastJournalIndex());
            assertTrue(reader.next(Long.MAX_VALUE, null));
            assertEquals(7, reader.journalIndex());
            assertFalse(reader.next(Long.MAX_VALUE, null), "one event, once");
        }
        assertTrue(names(dir).stream().anyMatch(n -> n.startsWith(unfinished.getFileName() + UnfinishedQueueFiles.ASIDE_SUFFIX)), names(dir).toString());
    }

    private static void writeUnfinishedMetadata(final Path dir, final Form form) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(dir.resolve("metadata.cq4t").toFile(), "rw"))
        {
            raf.setLength(0);
            if (form != Form.EMPTY)
            {
                raf.setLength(131_072L); // what Chronicle sizes it to
            }
            if (form == Form.NOT_COMPLETE)
            {
                raf.write(new byte[] {0, 0, 0, (byte)0x80});
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void shouldOpenANewQueueWhoseMetadataFileIsUnfinished(final Form form, @TempDir final Path dir) throws IOException
    {
        writeUnfinishedMetadata(dir, form); // killed at the queue's very first open
        try (EventLog log = EventLog.open(dir))
        {
            assertEquals(-1, log.lastJournalIndex());
            log.append(7, 3, "m1", "customer.created", "{}");
        }
        try (EventLog log = EventLog.open(dir))
        {
            assertEquals(7, log.lastJournalIndex());
        }
        assertTrue(names(dir).stream().anyMatch(n -> n.startsWith("metadata.cq4t" + UnfinishedQueueFiles.ASIDE_SUFFIX)), names(dir).toString());
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void shouldKeepEveryJournalRecordWhenTheMetadataFileIsUnfinished(final Form form, @TempDir final Path dir) throws IOException
    {
        final long[] nowMs = {T0};
        final CommandEvent event = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS, () -> nowMs[0]))
        {
            for (int id = 1; id <= 3; id++)
            {
                journal.append(payIn(event, id, T0 + id, "mer_a", 1, 100L * id, ZAR, null));
                journal.endOfBatch();
                nowMs[0] += DAY_MS; // one record a day: three day files for the listing to find again
            }
        }
        writeUnfinishedMetadata(dir, form);
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS, () -> nowMs[0]))
        {
            assertEquals(3, journal.lastCommandId());
            assertEquals(List.of(1L, 2L, 3L), replayIds(journal));
            journal.append(payIn(event, 4, nowMs[0], "mer_a", 1, 5, ZAR, null));
            journal.endOfBatch();
        }
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS, () -> nowMs[0]))
        {
            assertEquals(List.of(1L, 2L, 3L, 4L), replayIds(journal));
        }
    }

    @Test
    void shouldKeepAnEventLogsEventsWhenALaterDayFileIsUnfinished(@TempDir final Path dir) throws IOException
    {
        try (EventLog log = EventLog.open(dir))
        {
            log.append(10, 1, "m1", "customer.created", "{}");
            log.append(11, 2, "m1", "pay_in.created", "{}");
        }
        writeUnfinished(dir, System.currentTimeMillis() + DAY_MS, Form.NOT_COMPLETE);
        try (EventLog log = EventLog.open(dir))
        {
            assertEquals(11, log.lastJournalIndex(), "the last event is found, not lost behind the unfinished file");
            assertEquals(2, log.lastCommandId());
        }
    }

    @Test
    void shouldRefuseASecondWriterOfTheSameEventLog(@TempDir final Path dir)
    {
        try (EventLog log = EventLog.open(dir))
        {
            assertThrows(IllegalStateException.class, () -> EventLog.open(dir), "one writer: its lock is held");
            log.append(1, 1, "m1", "customer.created", "{}");
        }
        try (EventLog reopened = EventLog.open(dir))
        {
            assertEquals(1, reopened.lastJournalIndex(), "closing released the lock");
        }
    }

    @Test
    void shouldLeaveCompleteDayFilesAndOtherFilesAlone(@TempDir final Path dir) throws IOException
    {
        try (EventLog log = EventLog.open(dir))
        {
            log.append(10, 1, "m1", "customer.created", "{}");
        }
        Files.writeString(dir.resolve("notes.txt"), "");
        final List<String> before = names(dir);
        assertEquals(List.of(), UnfinishedQueueFiles.setAside(dir, 1L));
        assertEquals(before, names(dir));
        assertTrue(Arrays.asList(dir.toFile().list()).stream().anyMatch(n -> n.endsWith(".cq4")));
    }
}
