package io.ledger.http.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * What the wiring module tells the HTTP adapter about the journal and the snapshots, which the adapter does not own:
 * the durability mode, the journal's position and the last snapshot. Served by {@code GET /metrics} and the console.
 *
 * <p>Thread-safety: any thread. The snapshot figures are written by the thread that finishes a snapshot.
 */
public final class JournalStatus
{
    /**
     * The newest snapshot, written by this process or loaded at start.
     *
     * @param atMs          when it was written, epoch milliseconds (from its header).
     * @param lastCommandId the last command it covers.
     * @param pauseNs       how long the ledger thread paused for it; -1 for one loaded at start.
     * @param totalNs       from the start of the pause to the directory fsync; -1 for one loaded at start.
     */
    public record Snapshot(long atMs, long lastCommandId, long pauseNs, long totalNs)
    {
    }

    private final String durability;
    private final LongSupplier journalIndex;
    private final AtomicReference<Snapshot> lastSnapshot = new AtomicReference<>();
    private final AtomicLong snapshotsWritten = new AtomicLong();

    /**
     * @param durability   {@code process} or {@code fsync}.
     * @param journalIndex the Chronicle index of the last journal record ({@code ChronicleJournal::lastIndex}), -1
     *                     for none; read from any thread.
     */
    public JournalStatus(final String durability, final LongSupplier journalIndex)
    {
        this.durability = durability;
        this.journalIndex = journalIndex;
    }

    /** A snapshot was written by this process. */
    public void snapshotWritten(final long atMs, final long lastCommandId, final long pauseNs, final long totalNs)
    {
        lastSnapshot.set(new Snapshot(atMs, lastCommandId, pauseNs, totalNs));
        snapshotsWritten.incrementAndGet();
    }

    /** The snapshot the start loaded, unless one was written since. */
    public void snapshotLoaded(final long atMs, final long lastCommandId)
    {
        lastSnapshot.compareAndSet(null, new Snapshot(atMs, lastCommandId, -1, -1));
    }

    public String durability()
    {
        return durability;
    }

    public long journalIndex()
    {
        return journalIndex.getAsLong();
    }

    /** @return the newest snapshot, or null when there is none. */
    public Snapshot lastSnapshot()
    {
        return lastSnapshot.get();
    }

    public long snapshotsWritten()
    {
        return snapshotsWritten.get();
    }
}
