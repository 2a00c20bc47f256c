package io.ledger.engine;

import com.lmax.disruptor.EventHandler;

/**
 * The pipeline's journal stage (thread {@code ledger-journal}): appends each journaled command and ends each batch
 * (where {@code fsync} durability syncs). After a failure it appends nothing more, so the journal has no gaps.
 *
 * <p>Single-threaded: the journal thread only.
 */
final class JournalStage implements EventHandler<CommandEvent>
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

    @Override
    public void onEvent(final CommandEvent event, final long sequence, final boolean endOfBatch)
    {
        if (pipeline.failedAt(sequence))
        {
            return; // after a failure nothing more is appended: the journal must not have gaps
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
            if (endOfBatch)
            {
                journal.endOfBatch();
                firstUnsyncedSequence = -1;
            }
        }
        catch (final Throwable error)
        {
            // Everything since the last good endOfBatch may be unsynced: acknowledge none of it.
            pipeline.fail("journal", firstUnsyncedSequence >= 0 ? Math.min(firstUnsyncedSequence, sequence) : sequence, error);
        }
    }
}
