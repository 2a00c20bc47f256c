package io.ledger.engine;

import com.lmax.disruptor.EventHandler;

/**
 * The pipeline's ledger stage (thread {@code ledger-apply}): applies each command and notes its pause
 * ({@link PauseFigures}); at the end of a batch it publishes the money totals and the batch's longest pause. It never
 * stops for a snapshot: snapshots come from a follower that reads the journal ({@link SnapshotTaker}).
 *
 * <p>Single-threaded: the ledger thread only; it alone touches the ledger.
 */
final class LedgerStage implements EventHandler<CommandEvent>
{
    private final LedgerPipeline pipeline;
    private final Ledger ledger;
    private final PauseFigures pauses;

    LedgerStage(final LedgerPipeline pipeline, final Ledger ledger, final PauseFigures pauses)
    {
        this.pipeline = pipeline;
        this.ledger = ledger;
        this.pauses = pauses;
    }

    @Override
    public void onEvent(final CommandEvent event, final long sequence, final boolean endOfBatch)
    {
        if (pipeline.failedAt(sequence))
        {
            return;
        }
        try
        {
            ledger.apply(event);
        }
        catch (final Throwable error)
        {
            event.clearResult();
            pipeline.fail("ledger", sequence, error);
            return;
        }
        pauses.completed(event.publishedNs(), event.commandId());
        if (endOfBatch)
        {
            ledger.moneyTotals().publish();
            pauses.endOfBatch();
        }
    }
}
