package io.ledger.engine;

/**
 * Where the pipeline's ledger stage hands the ledger when a snapshot is due. The engine owns this interface; the
 * journal module implements it ({@code io.ledger.journal.snapshot.SnapshotWriter}), writing snapshot files next to
 * the journal.
 *
 * <p>Thread-safety: {@link #takeSnapshot} is called only on the ledger thread, between two commands;
 * {@link #finalSnapshot} and {@link #close} on the thread closing the pipeline, after the ledger thread stopped.
 */
public interface SnapshotTaker extends AutoCloseable
{
    /**
     * Captures the ledger's state, which is exactly the state after {@link Ledger#lastCommandId()}. The ledger pauses
     * while this runs, so it should copy out what it needs and finish the rest (sync, rename) elsewhere.
     *
     * @return true when a snapshot was taken; false when it was skipped (the previous one is still being finished,
     *         or nothing changed since it), so the pipeline asks again later.
     */
    boolean takeSnapshot(Ledger ledger);

    /**
     * Takes a last snapshot when the state changed since the previous one, and waits until it and any unfinished one
     * are durable. Called once by {@link LedgerPipeline#close()} after the ledger thread stopped cleanly and before
     * the journal closes.
     */
    void finalSnapshot(Ledger ledger);

    /** Waits for (bounded) or abandons unfinished work and releases resources. Idempotent. */
    @Override
    void close();
}
