package io.ledger.engine;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The ledger thread's pause figures: for every command, how long the ledger thread went without completing a command
 * while that one was waiting, {@code completedNs - max(previous completedNs, publishedNs)}. That covers a slow command,
 * a GC pause, a descheduled thread and a late wake-up alike, costs one {@link System#nanoTime()} per command and allocates
 * nothing. A pause of at least the warning level is counted and reported, at most once a second.
 *
 * <p>Thread-safety: {@link #completed} and {@link #endOfBatch()} on the ledger thread only; the readers
 * ({@link #longestSinceStart()}, {@link #takeLongest()}, {@link #longPauses()}, {@link #lastCompletedNs()}) from any
 * thread.
 */
final class PauseFigures
{
    /** The longest pause since start; written by the ledger thread only (lazySet). */
    private final AtomicLong longestSinceStart = new AtomicLong();
    /** The longest pause since the last {@link #takeLongest()}; raised by the ledger thread, reset by the taker. */
    private final AtomicLong longestSinceTake = new AtomicLong();
    /** Pauses of at least the warning level; written by the ledger thread only (lazySet). */
    private final AtomicLong longPauses = new AtomicLong();
    /** When the last command of the latest batch was completed, {@link System#nanoTime()}; ledger thread (lazySet). */
    private final AtomicLong lastCompletedNsAtEndOfBatch = new AtomicLong(System.nanoTime());

    // ledger thread only
    private final long warnNs;
    private final LedgerPipeline.LongPauseHandler handler;
    private final LongSupplier nanoClock;
    private long lastCompletedNs;
    private long batchLongestNs;
    private long longestNs;
    private long longPauseCount;
    private long lastReportNs;
    private long unreported;

    /** @param handler who hears about long pauses, at most once a second; null for nobody (they are still counted). */
    PauseFigures(final long warnNs, final LedgerPipeline.LongPauseHandler handler)
    {
        this(warnNs, handler, System::nanoTime);
    }

    /** As above, reading {@code nanoClock} where {@link System#nanoTime()} is read otherwise (tests). */
    PauseFigures(final long warnNs, final LedgerPipeline.LongPauseHandler handler, final LongSupplier nanoClock)
    {
        this.warnNs = warnNs;
        this.handler = handler;
        this.nanoClock = nanoClock;
        lastCompletedNs = nanoClock.getAsLong();
        lastReportNs = lastCompletedNs - TimeUnit.SECONDS.toNanos(1);
    }

    /**
     * A command published at {@code publishedNs} (the same clock; 0 for none) was just completed: its pause is the time
     * since the later of the previous completion and its publication, the time the ledger thread went without completing
     * anything while this command waited. Ledger thread.
     */
    void completed(final long publishedNs, final long commandId)
    {
        final long completedNs = nanoClock.getAsLong();
        final long pauseNs = completedNs - Math.max(lastCompletedNs, publishedNs);
        lastCompletedNs = completedNs;
        if (pauseNs > batchLongestNs)
        {
            batchLongestNs = pauseNs;
        }
        if (pauseNs >= warnNs)
        {
            longPause(pauseNs, commandId, completedNs);
        }
    }

    /** End of batch: makes the batch's longest pause visible to other threads (a CAS only when it is a new high). */
    void endOfBatch()
    {
        lastCompletedNsAtEndOfBatch.lazySet(lastCompletedNs);
        final long batchLongest = batchLongestNs;
        batchLongestNs = 0;
        if (batchLongest > longestNs)
        {
            longestNs = batchLongest;
            longestSinceStart.lazySet(batchLongest);
        }
        if (batchLongest > longestSinceTake.get())
        {
            longestSinceTake.accumulateAndGet(batchLongest, Math::max);
        }
    }

    long longestSinceStart()
    {
        return longestSinceStart.get();
    }

    long takeLongest()
    {
        return longestSinceTake.getAndSet(0);
    }

    long longPauses()
    {
        return longPauses.get();
    }

    /** @return when the ledger thread completed the last command of its latest batch ({@link System#nanoTime()}). */
    long lastCompletedNs()
    {
        return lastCompletedNsAtEndOfBatch.get();
    }

    private void longPause(final long pauseNs, final long commandId, final long nowNs)
    {
        longPauses.lazySet(++longPauseCount);
        if (nowNs - lastReportNs < TimeUnit.SECONDS.toNanos(1) || handler == null)
        {
            unreported++;
            return;
        }
        lastReportNs = nowNs;
        final long notReported = unreported;
        unreported = 0;
        try
        {
            handler.onLongPause(pauseNs, commandId, notReported);
        }
        catch (final RuntimeException ex)
        {
            // a report must never stop the ledger
        }
    }
}
