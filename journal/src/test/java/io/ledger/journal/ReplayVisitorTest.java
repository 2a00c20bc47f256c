package io.ledger.journal;

import static io.ledger.journal.JournalFixtures.ZAR;
import static io.ledger.journal.JournalFixtures.flipByteInside;
import static io.ledger.journal.JournalFixtures.indexes;
import static io.ledger.journal.JournalFixtures.payIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ledger.engine.CommandEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReplayVisitorTest
{
    private static final long T0 = 1_763_600_000_000L;
    private static final int RECORDS = 6;

    private static void writeRecords(final Path dir)
    {
        final CommandEvent event = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            for (int id = 1; id <= RECORDS; id++)
            {
                journal.append(payIn(event, id, T0 + id, "mer_a", 1, 100L * id, ZAR, String.format("visitor-record-%04d", id)));
            }
        }
    }

    @Test
    void shouldHandEachCommandWithItsChronicleIndexInOrder(@TempDir final Path dir)
    {
        writeRecords(dir);
        final List<Long> expectedIndexes = indexes(dir);
        final List<Long> seenIndexes = new ArrayList<>();
        final List<Long> seenIds = new ArrayList<>();

        final ChronicleJournal.ReplayResult result;
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            result = journal.replay((index, e) ->
            {
                seenIndexes.add(index);
                seenIds.add(e.commandId());
                return true;
            });
        }

        assertEquals(expectedIndexes, seenIndexes);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), seenIds);
        assertEquals(new ChronicleJournal.ReplayResult(RECORDS, RECORDS, expectedIndexes.get(RECORDS - 1), -1), result);
    }

    @Test
    void shouldStopAfterTheRecordOnWhichTheVisitorReturnsFalse(@TempDir final Path dir)
    {
        writeRecords(dir);
        final List<Long> expectedIndexes = indexes(dir);
        final List<Long> seenIds = new ArrayList<>();

        final ChronicleJournal.ReplayResult result;
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            result = journal.replay((index, e) ->
            {
                seenIds.add(e.commandId());
                return e.commandId() < 3;
            });
        }

        assertEquals(List.of(1L, 2L, 3L), seenIds);
        assertEquals(new ChronicleJournal.ReplayResult(3, 3, expectedIndexes.get(2), -1), result);
    }

    @Test
    void shouldNotReachCorruptionAfterTheStopButReportItBefore(@TempDir final Path dir)
    {
        writeRecords(dir);
        flipByteInside(dir, "visitor-record-0004");

        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            assertEquals(2, journal.replay((index, e) -> e.commandId() < 2).records());
            assertThrows(JournalCorruptException.class, () -> journal.replay((index, e) -> true));
        }
    }

    @Test
    void shouldLeaveEveryFileUnchangedWhenOpenedReadOnlyAndReplayed(@TempDir final Path dir) throws IOException
    {
        writeRecords(dir);
        final Map<String, String> before = snapshot(dir);

        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(dir))
        {
            assertEquals(RECORDS, journal.lastCommandId());
            assertThrows(IllegalStateException.class, () -> journal.append(payIn(new CommandEvent(), RECORDS + 1, T0,
                "mer_a", 1, 1, ZAR, "refused")));
            journal.replay((index, e) -> true);
            journal.replay(e -> { });
        }

        assertEquals(before, snapshot(dir));
    }

    /** @return every file's name mapped to its size, modification time and content hash. */
    static Map<String, String> snapshot(final Path dir) throws IOException
    {
        final Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path p : (Iterable<Path>)paths.filter(Files::isRegularFile)::iterator)
            {
                files.put(dir.relativize(p).toString(), Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis() + " " +
                    java.util.Arrays.hashCode(Files.readAllBytes(p)));
            }
        }
        return files;
    }
}
