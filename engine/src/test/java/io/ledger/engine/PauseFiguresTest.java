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
 * when nothing waited, is no pause.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PauseFiguresTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private long nowNs = 1_000 * MS;
    private final List<long[]> reports = new CopyOnWriteArrayList<>();
    private final PauseFigures pauses = new PauseFigures(5 * MS,
        (pauseNs, commandId, unreported) -> reports.add(new long[] {pauseNs, commandId, unreported}), () -> nowNs);

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
}
