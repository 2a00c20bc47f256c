package io.ledger.engine;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The ledger thread's pause figures: how long the ledger thread went without completing a command while commands were
 * waiting, {@code completedNs - max(previous completedNs, publishedNs)}. That covers a slow command, a GC pause, a
 * descheduled thread and a late wake-up alike, and allocates nothing.
 *
 * <p>The clock is read once per group of up to {@link #COMMANDS_PER_CLOCK_READ_DEFAULT} commands and at the end of
 * every batch, not once per command: {@link System#nanoTime()} costs about 30 ns on these virtual machines
 * (kvm-clock), some 7% of the ledger thread's samples in a profile of the pipeline when read for every command. A
 * group's pause is {@code completedNs - max(previous completedNs, the earliest publishedNs of the group)}, so a stall
 * anywhere in the group is in it whole; what it adds is the normal work of at most the group's other commands (a few
 * microseconds), far below the warning level. A pause of at least the warning level is counted and reported, at most
 * once a second, with the group's first command.
 *
 * <p>Thread-safety: {@link #completed} and {@link #endOfBatch()} on the ledger thread only; the readers
 * ({@link #longestSinceStart()}, {@link #takeLongest()}, {@link #longPauses()}, {@link #lastCompletedNs()}) from any
 * thread.
 */
final class PauseFigures
{
    /** Commands completed per clock read (the last group of a batch may be shorter). */
    static final int COMMANDS_PER_CLOCK_READ_DEFAULT = 8;

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
    private final int commandsPerClockRead;
    private long lastCompletedNs;
    /** Commands completed since the last clock read; the earliest publication among them (0 for none) and the first id. */
    private int groupCommands;
    private long groupPublishedNs;
    private long groupFirstCommandId;
    private long batchLongestNs;
    private long longestNs;
    private long longPauseCount;
    private long lastReportNs;
    private long unreported;

    /** @param handler who hears about long pauses, at most once a second; null for nobody (they are still counted). */
    PauseFigures(final long warnNs, final LedgerPipeline.LongPauseHandler handler)
    {
        this(warnNs, handler, System::nanoTime, COMMANDS_PER_CLOCK_READ_DEFAULT);
    }

    /**
     * As above, reading {@code nanoClock} where {@link System#nanoTime()} is read otherwise (tests), once per
     * {@code commandsPerClockRead} commands (1: every command).
     */
    PauseFigures(final long warnNs, final LedgerPipeline.LongPauseHandler handler, final LongSupplier nanoClock,
        final int commandsPerClockRead)
    {
        if (commandsPerClockRead < 1)
        {
            throw new IllegalArgumentException("commandsPerClockRead=" + commandsPerClockRead + " must be at least 1");
        }
        this.warnNs = warnNs;
        this.handler = handler;
        this.nanoClock = nanoClock;
        this.commandsPerClockRead = commandsPerClockRead;
        lastCompletedNs = nanoClock.getAsLong();
        lastReportNs = lastCompletedNs - TimeUnit.SECONDS.toNanos(1);
    }

    /**
     * A command published at {@code publishedNs} (the same clock; 0 for none) was just completed. Every
     * {@code commandsPerClockRead} commands the clock is read and the group's pause taken: the time since the later of
     * the previous completion and the group's earliest publication. Ledger thread.
     */
    void completed(final long publishedNs, final long commandId)
    {
        if (groupCommands == 0)
        {
            groupFirstCommandId = commandId;
            groupPublishedNs = publishedNs;
        }
        else if (publishedNs != 0 && (groupPublishedNs == 0 || publishedNs < groupPublishedNs))
        {
            groupPublishedNs = publishedNs;
        }
        if (++groupCommands == commandsPerClockRead)
        {
            endGroup();
        }
    }

    private void endGroup()
    {
        groupCommands = 0;
        final long completedNs = nanoClock.getAsLong();
        final long pauseNs = completedNs - Math.max(lastCompletedNs, groupPublishedNs);
        lastCompletedNs = completedNs;
        if (pauseNs > batchLongestNs)
        {
            batchLongestNs = pauseNs;
        }
        if (pauseNs >= warnNs)
        {
            longPause(pauseNs, groupFirstCommandId, completedNs);
        }
    }

    /**
     * End of batch: closes the group under way (so idle time after a batch is never part of a pause) and makes the
     * batch's longest pause visible to other threads (a CAS only when it is a new high).
     */
    void endOfBatch()
    {
        if (groupCommands > 0)
        {
            endGroup();
        }
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
