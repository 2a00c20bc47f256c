package io.ledger.journal.snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.ledger.engine.Ledger;
import io.ledger.engine.LedgerSnapshot;
import io.ledger.engine.SnapshotTaker;
import io.ledger.journal.ChronicleJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's {@link SnapshotTaker}: writes snapshot files through a {@link SnapshotStore}.
 *
 * <p><b>Split between threads.</b> On the ledger thread, between two commands: stream the payload into the temporary
 * file (page cache, no fsync) while the {@code ledger-snapshot-hash} thread computes the state hash (both only read
 * the ledger, which does not change while its thread waits). That is the pause the ledger takes: the longer of the
 * two, on a machine with a core to spare. Then on the
 * {@code ledger-snapshot} thread: find the journal index of the snapshot's last command (the journal stage runs in
 * parallel with the ledger stage, so it may still be appending it: {@link ChronicleJournal#indexOfCommand} waits),
 * write the header, fsync, rename, fsync the directory, prune to the newest K, and apply journal retention. A
 * snapshot due while the previous one is still being finished is skipped, and taken at a later batch.
 *
 * <p>A failed snapshot is logged and its temporary file deleted; the ledger carries on (the journal holds everything).
 *
 * <p>Thread-safety: {@link #takeSnapshot} on the ledger thread only; {@link #finalSnapshot} and {@link #close} on the
 * closing thread after the ledger thread stopped.
 */
public final class SnapshotWriter implements SnapshotTaker
{
    /** How long the snapshot thread waits for the journal to hold the snapshot's last command. */
    static final long JOURNAL_INDEX_TIMEOUT_MS = 30_000;
    private static final long CLOSE_TIMEOUT_MS = 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotWriter.class);

    /** Told about each snapshot written: for logs, tests and the recovery benchmark. */
    @FunctionalInterface
    public interface Listener
    {
        /**
         * @param file    the snapshot file.
         * @param header  its header.
         * @param pauseNs how long the ledger thread paused for it (hash + payload).
         * @param totalNs from the start of the pause to the directory fsync.
         */
        void onSnapshot(Path file, SnapshotHeader header, long pauseNs, long totalNs);
    }

    private final SnapshotStore store;
    private final ChronicleJournal journal;
    private final int keep;
    private final JournalRetention retention;
    private final Listener listener;
    private final ExecutorService finisher;
    private final ExecutorService hasher;
    private Future<?> unfinished;
    private long lastCommandIdTaken;
    private boolean closed;

    /**
     * @param journal            the running journal: read (never appended to) to find each snapshot's index.
     * @param keep               how many snapshot files to keep, >= 1.
     * @param lastCommandIdTaken the last command id of the snapshot recovery loaded, or -1: no snapshot of an
     *                           unchanged state is written again.
     */
    public SnapshotWriter(
        final SnapshotStore store, final ChronicleJournal journal, final int keep, final JournalRetention retention,
        final long lastCommandIdTaken, final Listener listener)
    {
        if (keep < 1)
        {
            throw new IllegalArgumentException("keep=" + keep + " must be >= 1");
        }
        this.store = store;
        this.journal = journal;
        this.keep = keep;
        this.retention = retention;
        this.lastCommandIdTaken = lastCommandIdTaken;
        this.listener = listener;
        finisher = Executors.newSingleThreadExecutor(runnable -> daemon(runnable, "ledger-snapshot"));
        hasher = Executors.newSingleThreadExecutor(runnable -> daemon(runnable, "ledger-snapshot-hash"));
    }

    private static Thread daemon(final Runnable runnable, final String name)
    {
        final Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public boolean takeSnapshot(final Ledger ledger)
    {
        if (closed)
        {
            return true;
        }
        if (unfinished != null && !unfinished.isDone())
        {
            return false;
        }
        final long commandId = ledger.lastCommandId();
        if (commandId < 1 || commandId == lastCommandIdTaken)
        {
            return true;
        }
        final Written written = writePayload(ledger);
        lastCommandIdTaken = commandId;
        unfinished = finisher.submit(() ->
        {
            try
            {
                finish(written);
            }
            catch (final Throwable error)
            {
                written.pending().abort();
                LOG.error("snapshot: the snapshot at lastCommandId={} failed; the journal still holds every command", commandId, error);
            }
        });
        return true;
    }

    @Override
    public void finalSnapshot(final Ledger ledger)
    {
        awaitUnfinished();
        final long commandId = ledger.lastCommandId();
        if (closed || commandId < 1 || commandId == lastCommandIdTaken)
        {
            return;
        }
        final Written written = writePayload(ledger);
        lastCommandIdTaken = commandId;
        try
        {
            finish(written);
        }
        catch (final IOException | RuntimeException ex)
        {
            written.pending().abort();
            throw new IllegalStateException("final snapshot at lastCommandId=" + commandId + " failed", ex);
        }
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        awaitUnfinished();
        finisher.shutdownNow();
        hasher.shutdownNow();
    }

    /** What the ledger thread hands to the snapshot thread. */
    private record Written(SnapshotStore.Pending pending, long stateHash, long startNs, long pauseNs)
    {
    }

    /**
     * The pause: runs where the ledger is owned. Returns only once the hash thread is done with the ledger too, whatever
     * happens, because the ledger changes again as soon as this returns.
     */
    private Written writePayload(final Ledger ledger)
    {
        final long startNs = System.nanoTime();
        final Callable<Long> stateHash = ledger::stateHash;
        final Future<Long> hash = hasher.submit(stateHash); // submit() orders the ledger's state before the hash thread's reads
        final SnapshotStore.Pending pending;
        try
        {
            pending = store.begin(ledger.lastCommandId());
            try
            {
                LedgerSnapshot.write(ledger, pending.output());
                pending.finishPayload();
            }
            catch (final IOException | RuntimeException ex)
            {
                pending.abort();
                throw new IllegalStateException("snapshot payload at lastCommandId=" + ledger.lastCommandId() + " failed", ex);
            }
        }
        finally
        {
            awaitQuietly(hash);
        }
        final long stateHashValue;
        try
        {
            stateHashValue = hash.get(); // done: awaited above
        }
        catch (final InterruptedException | ExecutionException ex)
        {
            pending.abort();
            throw new IllegalStateException("state hash at lastCommandId=" + ledger.lastCommandId() + " failed", ex);
        }
        return new Written(pending, stateHashValue, startNs, System.nanoTime() - startNs);
    }

    /** Waits until {@code future} is done, through interrupts (the ledger must not move while it runs). */
    private static void awaitQuietly(final Future<?> future)
    {
        boolean interrupted = false;
        while (!future.isDone())
        {
            try
            {
                future.get();
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
            catch (final ExecutionException ex)
            {
                break;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void finish(final Written written) throws IOException
    {
        final SnapshotStore.Pending pending = written.pending();
        final long commandId = pending.lastCommandId();
        final long index = journal.indexOfCommand(commandId, JOURNAL_INDEX_TIMEOUT_MS);
        final ChronicleJournal.CommandAt record = index < 0 ? null : journal.commandAt(index);
        if (record == null || record.commandId() != commandId)
        {
            pending.abort();
            throw new IllegalStateException("the journal does not hold commandId=" + commandId + " within " +
                JOURNAL_INDEX_TIMEOUT_MS + " ms; no snapshot written");
        }
        final long createdAtMs = System.currentTimeMillis();
        final SnapshotHeader header = pending.commit(index, record.crc32c(), written.stateHash(), createdAtMs);
        final Path file = pending.file();
        final long totalNs = System.nanoTime() - written.startNs();
        LOG.info("snapshot: wrote {} ({} bytes) covering commandId {} at journal index 0x{}, state hash {}; ledger paused {} ms, " +
                "{} ms in all", file, SnapshotHeader.HEADER_BYTES + pending.payloadBytes(), commandId, Long.toHexString(index),
            Long.toHexString(written.stateHash()), TimeUnit.NANOSECONDS.toMillis(written.pauseNs()), TimeUnit.NANOSECONDS.toMillis(totalNs));
        final List<Path> pruned = store.prune(keep);
        if (!pruned.isEmpty())
        {
            LOG.info("snapshot: deleted {} (keeping the newest {})", pruned, keep);
        }
        if (retention != null && retention.mode() != JournalRetention.Mode.OFF)
        {
            final List<Path> kept = store.list();
            final Path oldest = kept.get(kept.size() - 1);
            try
            {
                retention.apply(journal, store.readHeader(oldest).journalIndex());
            }
            catch (final InvalidSnapshotException ex)
            {
                LOG.warn("journal retention skipped: the oldest snapshot kept is unreadable: {}", ex.getMessage());
            }
        }
        if (listener != null)
        {
            listener.onSnapshot(file, header, written.pauseNs(), totalNs);
        }
    }

    private void awaitUnfinished()
    {
        final Future<?> future = unfinished;
        if (future == null)
        {
            return;
        }
        try
        {
            future.get(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            LOG.warn("snapshot: the snapshot being finished did not complete: {}", ex.toString());
        }
    }
}
