package io.ledger.server;

import java.util.concurrent.TimeUnit;

import io.ledger.engine.LedgerPipeline;
import io.ledger.http.metrics.ThreadSchedule;
import org.slf4j.Logger;

/**
 * The warning for a long pause of the ledger thread (at most once a second, {@code --pause-warn-ms}), with how long
 * that thread waited for a CPU meanwhile: a pause is either work the thread did (a slow command, page faults, a GC
 * barrier) or a thread that was ready and not running because the machine had no CPU free for it, and the operator's
 * remedy differs (see docs/operations.md, "A long pause"). The kernel's per-thread figures are read once per warning
 * ({@link ThreadSchedule#currentThread()}, one small file), never per command; where it keeps none the warning says
 * nothing of it.
 *
 * <p>Thread-safety: called on the thread that applies the ledger only (the ledger thread, or the event loop that runs
 * it), as the pipeline calls its {@link LedgerPipeline.LongPauseHandler}.
 */
final class PauseWarning implements LedgerPipeline.LongPauseHandler
{
    private final Logger log;
    private final long warnMs;
    /** The previous warning's reading of this thread's CPU and run-queue wait nanoseconds, and when; null before it. */
    private long[] previous;
    private long previousNs;

    PauseWarning(final Logger log, final long warnMs)
    {
        this.log = log;
        this.warnMs = warnMs;
    }

    @Override
    public void onLongPause(final long pauseNs, final long commandId, final long unreported)
    {
        final long[] now = ThreadSchedule.currentThread();
        final long nowNs = System.nanoTime();
        log.warn("the ledger thread went {} ms without completing a command while commandId={} waited ({} more pauses over {} ms "
            + "since the last warning){}", TimeUnit.NANOSECONDS.toMillis(pauseNs), commandId, unreported, warnMs,
            cpuWait(now, nowNs));
        if (now != null)
        {
            previous = now;
            previousNs = nowNs;
        }
    }

    private String cpuWait(final long[] now, final long nowNs)
    {
        if (now == null)
        {
            return "";
        }
        if (previous == null)
        {
            return "; since it started, the thread has waited " + TimeUnit.NANOSECONDS.toMillis(now[1]) + " ms for a CPU and run "
                + TimeUnit.NANOSECONDS.toMillis(now[0]) + " ms";
        }
        return "; since the last warning " + TimeUnit.NANOSECONDS.toMillis(nowNs - previousNs) + " ms ago, it waited "
            + TimeUnit.NANOSECONDS.toMillis(now[1] - previous[1]) + " ms for a CPU and ran " + TimeUnit.NANOSECONDS.toMillis(now[0] - previous[0])
            + " ms";
    }
}
