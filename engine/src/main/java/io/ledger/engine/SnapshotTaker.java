package io.ledger.engine;

/**
 * Who takes the pipeline's snapshots. The engine owns this interface; the journal module implements it
 * ({@code io.ledger.journal.snapshot.SnapshotAgent}): a follower that keeps its own copy of the ledger by reading the
 * journal, on its own thread, and writes snapshots from that copy, so the pipeline's ledger thread never stops for
 * one. The pipeline only tells it when it stops.
 *
 * <p>Thread-safety: {@link #finalSnapshot} and {@link #close} are called on the thread closing the pipeline, after
 * the pipeline's threads stopped.
 */
public interface SnapshotTaker extends AutoCloseable
{
    /**
     * Makes the state after {@link Ledger#lastCommandId()} durable as a snapshot when it changed since the previous one,
     * and waits until that and any unfinished one are written. Called once by {@link LedgerPipeline#close()} after the
     * ledger thread stopped cleanly and before the journal closes, so the journal holds every command the ledger
     * applied; {@code ledger} is no longer changing and may be read.
     */
    void finalSnapshot(Ledger ledger);

    /** Waits for (bounded) or abandons unfinished work and releases resources. Idempotent. */
    @Override
    void close();
}
