package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stall detector's definition, on an injected clock: a command's pause is how long the ledger thread went without
 * completing anything while that command waited, {@code completed - max(previous completion, published)}; idle time,
 * when nothing waited, is no pause. The pipeline reads the clock once per group of commands: a group's pause is taken
 * from its earliest publication, so a stall anywhere in it is counted whole.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PauseFiguresTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private long nowNs = 1_000 * MS;
    private final List<long[]> reports = new CopyOnWriteArrayList<>();
    private final PauseFigures pauses = new PauseFigures(5 * MS,
        (pauseNs, commandId, unreported) -> reports.add(new long[] {pauseNs, commandId, unreported}), () -> nowNs, 1);

    @Test
    void shouldCountFromThePublicationWhenTheLedgerWasIdleAndFromThePreviousCompletionWhenBusy()
    {
        nowNs += 10_000 * MS; // idle: nothing waited
        final long published = nowNs;
        nowNs += 2 * MS;
        pauses.completed(published, 1);
        pauses.endOfBatch();
        assertEquals(2 * MS, pauses.longestSinceStart(), "the idle 10 s before the command was published are no pause");

        final long queued = nowNs - MS; // published while the previous command was being applied
        nowNs += 3 * MS;
        pauses.completed(queued, 2);
        pauses.endOfBatch();
        assertEquals(3 * MS, pauses.takeLongest(), "counted from the previous completion, not from its publication");
        assertEquals(0, pauses.longPauses());
    }

    @Test
    void shouldCountReportAtMostOnceASecondAndKeepTheLongestPerPeriod()
    {
        final long published = nowNs;
        nowNs += 7 * MS;
        pauses.completed(published, 1); // a stall with a command waiting: long
        nowNs += 6 * MS;
        pauses.completed(published, 2); // another within the same second: counted, not reported
        nowNs += MS;
        pauses.completed(published, 3); // short
        pauses.endOfBatch();
        assertEquals(2, pauses.longPauses());
        assertEquals(1, reports.size());
        assertEquals(7 * MS, reports.get(0)[0]);
        assertEquals(1, reports.get(0)[1]);
        assertEquals(0, reports.get(0)[2]);
        assertEquals(7 * MS, pauses.takeLongest());
        assertEquals(0, pauses.takeLongest(), "a take starts a new period");

        nowNs += TimeUnit.SECONDS.toNanos(1);
        final long later = nowNs;
        nowNs += 9 * MS;
        pauses.completed(later, 4);
        pauses.endOfBatch();
        assertEquals(2, reports.size(), "a second later the next long pause is reported");
        assertEquals(9 * MS, reports.get(1)[0]);
        assertEquals(1, reports.get(1)[2], "with the one left unreported");
        assertEquals(9 * MS, pauses.longestSinceStart());
        assertEquals(9 * MS, pauses.takeLongest());
    }

    @Test
    void shouldReadTheClockOncePerGroupOfCommandsAndAtTheEndOfEachBatch()
    {
        final int[] reads = {0};
        final PauseFigures grouped = new PauseFigures(5 * MS, null, () ->
        {
            reads[0]++;
            return nowNs;
        }, PauseFigures.COMMANDS_PER_CLOCK_READ_DEFAULT);
        reads[0] = 0; // the constructor's read
        for (int i = 1; i <= 20; i++)
        {
            grouped.completed(nowNs, i);
        }
        assertEquals(2, reads[0], "20 commands in groups of 8: two full groups so far");
        grouped.endOfBatch();
        assertEquals(3, reads[0], "the end of the batch closes the group of 4 under way");
        grouped.endOfBatch();
        assertEquals(3, reads[0], "an empty batch end reads nothing");
    }

    @Test
    void shouldCountAStallInsideAGroupWholeFromTheGroupsEarliestPublication()
    {
        final PauseFigures grouped = new PauseFigures(5 * MS,
            (pauseNs, commandId, unreported) -> reports.add(new long[] {pauseNs, commandId, unreported}), () -> nowNs, 8);
        nowNs += 10_000 * MS; // idle before: no pause
        final long first = nowNs;
        grouped.completed(first + MS, 11); // published after the group's next command (two publishers)
        grouped.completed(first, 12);
        nowNs += 60 * MS; // the third command stalls the thread
        grouped.completed(first + 2 * MS, 13);
        nowNs += MS;
        for (int i = 14; i <= 18; i++)
        {
            grouped.completed(first + 3 * MS, i);
        }
        grouped.endOfBatch();
        assertEquals(61 * MS, grouped.takeLongest(), "from the earliest publication in the group to its end");
        assertEquals(1, grouped.longPauses());
        assertEquals(1, reports.size());
        assertEquals(61 * MS, reports.get(0)[0]);
        assertEquals(11, reports.get(0)[1], "reported with the group's first command");

        nowNs += 10_000 * MS; // idle again: the next batch's group starts from its own publication
        final long later = nowNs;
        nowNs += MS;
        grouped.completed(later, 19);
        grouped.endOfBatch();
        assertEquals(MS, grouped.takeLongest(), "one command: its own millisecond");
        assertEquals(61 * MS, grouped.longestSinceStart());
        assertEquals(1, grouped.longPauses(), "the idle 10 s after a batch are no pause");
    }
}
