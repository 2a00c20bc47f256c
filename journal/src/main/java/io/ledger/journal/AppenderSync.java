package io.ledger.journal;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import net.openhft.chronicle.queue.ExcerptAppender;

/**
 * The journal's syncs to the disk: makes one ({@code appender.sync()}, an msync MS_SYNC of what was appended since the
 * last), counts it and its time for the metrics, and in {@code fsync} durability refuses to let a sync pass when
 * Chronicle reported a failed msync since the previous check ({@link MsyncFailures}): Chronicle only logs those.
 *
 * <p>Thread-safety: {@link #sync} from the appending thread only; {@link #syncs()} and {@link #syncNs()} from any.
 */
final class AppenderSync
{
    private final Path directory;
    private final boolean checkMsyncs;
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong syncNs = new AtomicLong();
    /** Chronicle's failed-msync reports seen at the last check. */
    private long msyncFailuresSeen;

    /** @param checkMsyncs true in {@code fsync} durability: a failed msync then fails the next sync. */
    AppenderSync(final Path directory, final boolean checkMsyncs)
    {
        this.directory = directory;
        this.checkMsyncs = checkMsyncs;
        if (checkMsyncs)
        {
            MsyncFailures.install();
            msyncFailuresSeen = MsyncFailures.count();
        }
    }

    /**
     * Syncs what {@code appender} appended to the disk.
     *
     * @throws IllegalStateException when Chronicle reported a failed msync since the last check (in this sync, or when it
     *                               released a mapped chunk in between): nothing after the last good sync may be
     *                               acknowledged.
     */
    void sync(final ExcerptAppender appender)
    {
        final long startNs = System.nanoTime();
        appender.sync();
        syncNs.lazySet(syncNs.get() + (System.nanoTime() - startNs)); // one writer: the appending thread
        syncs.lazySet(syncs.get() + 1);
        if (checkMsyncs && MsyncFailures.count() != msyncFailuresSeen)
        {
            msyncFailuresSeen = MsyncFailures.count();
            throw new IllegalStateException("journal: Chronicle reported " + MsyncFailures.MSYNC_FAILED
                + " (see its log line above); the records since the last good sync may not be on the disk, so none of them is "
                + "acknowledged. directory=" + directory);
        }
    }

    long syncs()
    {
        return syncs.get();
    }

    long syncNs()
    {
        return syncNs.get();
    }
}
