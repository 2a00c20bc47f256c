package io.ledger.bench.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;

/**
 * What one client event-loop thread measured in the workload's measurement window: latency histograms (overall,
 * per operation, and service time from the actual send) and reply counts by operation and HTTP status.
 * Written by its event loop only; read by the controller once every connection of the phase has finished (the
 * phase latch orders those reads after the writes). {@link #completed} is also read while running, for progress.
 */
final class WorkerStats
{
    /** Latencies above this are recorded as this (an hour: nothing in a run waits that long). */
    static final long LATENCY_NS_MAX = TimeUnit.HOURS.toNanos(1);
    static final int STATUS_MAX = 600;

    /** Latency from the intended send time, every workload operation. */
    final Histogram all = histogram();
    /** Latency from the actual send time (equal to {@link #all} in a closed loop). */
    final Histogram service = histogram();
    final Histogram[] byOp = new Histogram[Op.WORKLOAD.length];
    /** Replies by operation and status, for requests intended inside the window. */
    final long[][] statuses = new long[Op.WORKLOAD.length][STATUS_MAX];
    /** Replies received inside the window, whatever their intended time: the achieved throughput. */
    long completedInWindow;
    /** Requests intended inside the window that were sent. */
    long sentInWindow;
    /** Requests an open loop intended inside the window but never sent (the run gave up waiting for room). */
    long unsentInWindow;
    /** Batch runs: the per-purchase statuses of the batch replies intended inside the window. */
    final long[] itemStatuses = new long[STATUS_MAX];
    /** Batch runs: 2xx batch replies in the window whose per-item results could not be read ({@link BatchShape}). */
    long batchRepliesUnreadable;
    /** Every workload reply, for the progress line. */
    final AtomicLong completed = new AtomicLong();
    /**
     * The longest latency (from the intended send time) of the replies since the progress line last read it: the
     * progress line shows it per second, so that a tail can be placed in time (a snapshot write, a GC, ...).
     */
    final AtomicLong intervalMaxNs = new AtomicLong();

    WorkerStats()
    {
        for (int i = 0; i < byOp.length; i++)
        {
            byOp[i] = histogram();
        }
    }

    static Histogram histogram()
    {
        return new Histogram(1_000, LATENCY_NS_MAX, 3);
    }

    static void record(final Histogram histogram, final long latencyNs)
    {
        histogram.recordValue(Math.max(1_000, Math.min(latencyNs, LATENCY_NS_MAX)));
    }
}
