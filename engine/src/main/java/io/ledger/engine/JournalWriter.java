package io.ledger.engine;

/**
 * Where the pipeline's ledger thread writes each state-changing command before it applies it. The engine owns this
 * interface; the {@code journal} module implements it over Chronicle Queue.
 *
 * <p>Single-threaded: {@link #append} and {@link #endOfBatch()} are called only from the ledger thread, in sequence
 * order; a {@link Syncer} only from the one thread it is given to. A thrown exception means the journal can no longer
 * guarantee durability; the pipeline then stops acknowledging anything (see {@link LedgerPipeline}).
 */
public interface JournalWriter extends AutoCloseable
{
    /** Appends one journaled command. On return the record is written (at least to the page cache). */
    void append(CommandEvent event);

    /**
     * Called once after the last event of every batch, before the batch's replies are released (and, with a
     * {@link #syncer()}, before the batch is handed to it). A journal without a syncer that must sync (group commit)
     * does it here, on the ledger thread; one with a syncer only notes what the next {@link Syncer#sync()} must cover.
     */
    void endOfBatch();

    /**
     * Asks for group commit on another thread. Called once, by the pipeline, before the first append. From then on
     * {@link #endOfBatch()} only notes how far the journal was appended, and the pipeline's sync thread calls
     * {@link Syncer#sync()}, releasing a batch's replies only after a sync that covers it.
     *
     * @return the syncer, or null (the default) when this journal needs no sync beyond {@link #endOfBatch()}: then the
     *         ledger thread itself releases the replies right after it.
     */
    default Syncer syncer()
    {
        return null;
    }

    /** Flushes and releases the journal. */
    @Override
    void close();

    /** Makes durable what the ledger thread appended, from the pipeline's sync thread (see {@link #syncer()}). */
    @FunctionalInterface
    interface Syncer
    {
        /**
         * Makes every record appended before the latest {@link #endOfBatch()} durable (it may cover more). Called only
         * from the sync thread, concurrently with appends. A throw stops acknowledgements as an append's would.
         */
        void sync();
    }
}
