package io.ledger.engine;

/**
 * The pipeline's journal stage (on the ledger thread, before the ledger stage applies the same command): appends each
 * journaled command and ends each batch ({@link JournalWriter#endOfBatch()}: where a journal without a sync thread
 * syncs, and where one with a sync thread notes how far it was appended). After a failure it appends nothing more, so
 * the journal has no gaps.
 *
 * <p>Single-threaded: the ledger thread only.
 */
final class JournalStage
{
    private final LedgerPipeline pipeline;
    private final JournalWriter journal;
    /** The first sequence appended since the last successful {@link JournalWriter#endOfBatch()}, or -1. */
    private long firstUnsyncedSequence = -1;

    JournalStage(final LedgerPipeline pipeline, final JournalWriter journal)
    {
        this.pipeline = pipeline;
        this.journal = journal;
    }

    /** Appends the command if it is journaled. @return false when the journal failed (now or before): do not apply it. */
    boolean onEvent(final CommandEvent event, final long sequence)
    {
        if (pipeline.failedAt(sequence))
        {
            return false; // after a failure nothing more is appended: the journal must not have gaps
        }
        try
        {
            if (event.type().journaled())
            {
                if (firstUnsyncedSequence < 0)
                {
                    firstUnsyncedSequence = sequence;
                }
                journal.append(event);
            }
            return true;
        }
        catch (final Throwable error)
        {
            failSince(sequence, error);
            return false;
        }
    }

    /** Ends the batch whose last sequence is {@code sequence}. */
    void endOfBatch(final long sequence)
    {
        if (pipeline.failedAt(sequence))
        {
            return;
        }
        try
        {
            journal.endOfBatch();
            firstUnsyncedSequence = -1;
        }
        catch (final Throwable error)
        {
            failSince(sequence, error);
        }
    }

    /** Everything since the last good endOfBatch may be unsynced: acknowledge none of it. */
    private void failSince(final long sequence, final Throwable error)
    {
        pipeline.fail("journal", firstUnsyncedSequence >= 0 ? Math.min(firstUnsyncedSequence, sequence) : sequence, error);
    }
}
