package io.ledger.http.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * What the wiring module tells the HTTP adapter about the journal and the snapshots, which the adapter does not own:
 * the durability mode, the journal's position, the last snapshot and the snapshot follower (the thread that keeps a copy
 * of the ledger by reading the journal and writes the snapshots from it). Served by {@code GET /metrics} and the
 * console.
 *
 * <p>Thread-safety: any thread. The snapshot figures are written by the thread that writes a snapshot.
 */
public final class JournalStatus
{
    /**
     * The newest snapshot, written by this process or loaded at start.
     *
     * @param atMs          when it was written, epoch milliseconds (from its header).
     * @param lastCommandId the last command it covers.
     * @param payloadNs     how long the follower took to write its payload (the ledger thread does not stop for it); -1
     *                      for one loaded at start.
     * @param totalNs       the whole write, to the directory fsync; -1 for one loaded at start.
     */
    public record Snapshot(long atMs, long lastCommandId, long payloadNs, long totalNs)
    {
    }

    private final String durability;
    private final LongSupplier journalIndex;
    private final AtomicReference<Snapshot> lastSnapshot = new AtomicReference<>();
    private final AtomicLong snapshotsWritten = new AtomicLong();
    private volatile BooleanSupplier followerUp = () -> true;
    private volatile LongSupplier followerRecordsBehind = () -> -1;
    private volatile LongSupplier snapshotFailures = () -> 0;
    private volatile LongSupplier syncs = () -> 0;
    private volatile LongSupplier syncNs = () -> 0;

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
    public void snapshotWritten(final long atMs, final long lastCommandId, final long payloadNs, final long totalNs)
    {
        lastSnapshot.set(new Snapshot(atMs, lastCommandId, payloadNs, totalNs));
        snapshotsWritten.incrementAndGet();
    }

    /** The snapshot the start loaded, unless one was written since. */
    public void snapshotLoaded(final long atMs, final long lastCommandId)
    {
        lastSnapshot.compareAndSet(null, new Snapshot(atMs, lastCommandId, -1, -1));
    }

    /**
     * Where the snapshot follower's figures come from.
     *
     * @param up            false once the follower stopped after a failure: no more snapshots until a restart.
     * @param recordsBehind journal records it has not applied yet; -1 while it rebuilds its copy.
     * @param failures      snapshots that failed to be written.
     */
    public void follower(final BooleanSupplier up, final LongSupplier recordsBehind, final LongSupplier failures)
    {
        this.followerUp = up;
        this.followerRecordsBehind = recordsBehind;
        this.snapshotFailures = failures;
    }

    /**
     * Where the journal's sync figures come from.
     *
     * @param syncs  times the journal was synced to the disk (in {@code fsync} durability, once per group commit).
     * @param syncNs the time those syncs took, nanoseconds.
     */
    public void syncs(final LongSupplier syncs, final LongSupplier syncNs)
    {
        this.syncs = syncs;
        this.syncNs = syncNs;
    }

    /** @return times the journal was synced to the disk. */
    public long syncs()
    {
        return syncs.getAsLong();
    }

    /** @return the time the journal's syncs took, nanoseconds. */
    public long syncNs()
    {
        return syncNs.getAsLong();
    }

    /** @return false once the snapshot follower stopped after a failure. */
    public boolean followerUp()
    {
        return followerUp.getAsBoolean();
    }

    /** @return journal records the snapshot follower has not applied yet; -1 while it rebuilds its copy. */
    public long followerRecordsBehind()
    {
        return followerRecordsBehind.getAsLong();
    }

    /** @return snapshots that failed to be written. */
    public long snapshotFailures()
    {
        return snapshotFailures.getAsLong();
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
