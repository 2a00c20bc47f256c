package io.ledger.engine;

/**
 * The pipeline's ledger stage (on the ledger thread, after the journal stage): applies each command and notes its pause
 * ({@link PauseFigures}); at the end of a batch, once its replies are released, it publishes the money totals, the
 * batch's longest pause and the ledger's next deadline. It never stops for a snapshot: snapshots come from a follower
 * that reads the journal ({@link SnapshotTaker}).
 *
 * <p>Single-threaded: the ledger thread only; it alone touches the ledger.
 */
final class LedgerStage
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

    /** Applies one command; its journal record, if it has one, is written already. */
    void onEvent(final CommandEvent event, final long sequence)
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
    }

    /** After a batch: its replies are released. */
    void endOfBatch()
    {
        ledger.moneyTotals().publish();
        pipeline.nextDeadlineMs(ledger.nextDeadlineMs());
        pauses.endOfBatch();
    }
}
