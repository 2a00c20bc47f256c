package io.ledger.engine;

/**
 * Where the pipeline's journal stage writes each state-changing command. The engine owns this interface; the
 * {@code journal} module implements it over Chronicle Queue.
 *
 * <p>Single-threaded: called only from the journal thread, in sequence order. A thrown exception means the
 * journal can no longer guarantee durability; the pipeline then stops acknowledging anything (see
 * {@link LedgerPipeline}).
 */
public interface JournalWriter extends AutoCloseable
{
    /** Appends one journaled command. On return the record is written (at least to the page cache). */
    void append(CommandEvent event);

    /**
     * Called once after the last event of every Disruptor batch, before the batch's replies are released.
     * In {@code fsync} durability this is where the group commit happens.
     */
    void endOfBatch();

    /** Flushes and releases the journal. */
    @Override
    void close();
}
