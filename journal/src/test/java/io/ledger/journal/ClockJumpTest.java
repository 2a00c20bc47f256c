package io.ledger.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ledger.engine.CommandEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wall clock stepped back across UTC midnight (an NTP step, a VM restored from a snapshot): Chronicle chooses a
 * record's day file by the clock, and before the fix it wrote the next record into the earlier day's file, ahead of the
 * older records in reading order, so that a replay after a restart no longer returned the acknowledged record of the
 * later day. The journal's clock for day files now never goes back, within a process or across a restart.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClockJumpTest
{
    private static final long DAY_MS = 86_400_000L;
    private static final long DAY_2_MS = 1_772_438_400_000L + DAY_MS + 3_600_000L; // 2026-03-03T01:00Z

    @TempDir
    Path journalDir;

    @Test
    void shouldKeepEveryRecordInOrderWhenTheClockStepsBackAcrossMidnightAndAcrossARestart()
    {
        final AtomicLong clock = new AtomicLong(DAY_2_MS);
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.FSYNC, clock::get))
        {
            append(journal, 1);
            clock.addAndGet(-DAY_MS); // stepped back a day
            append(journal, 2);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.FSYNC, clock::get)) // still a day behind
        {
            assertEquals(2, journal.lastCommandId());
            append(journal, 3);
        }
        clock.set(DAY_2_MS + DAY_MS); // and the next day comes
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.FSYNC, clock::get))
        {
            append(journal, 4);
        }

        final List<Long> replayed = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(journalDir))
        {
            journal.replay(event -> replayed.add(event.commandId()));
        }
        assertEquals(List.of(1L, 2L, 3L, 4L), replayed, "every acknowledged record, in order");
        assertEquals(List.of("20260303F.cq4", "20260304F.cq4"),
            JournalFixtures.cycleFiles(journalDir).stream().map(file -> file.getFileName().toString()).toList(),
            "no record went into the earlier day's file");
    }

    private static void append(final ChronicleJournal journal, final long commandId)
    {
        journal.append(JournalFixtures.createCustomer(new CommandEvent(), commandId, commandId, "m", "+" + commandId, null, null, "{}"));
        journal.endOfBatch();
    }
}
