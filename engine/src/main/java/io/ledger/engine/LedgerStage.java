package io.ledger.engine;

/**
 * The pipeline's ledger stage (on the ledger thread, after the journal stage): applies each command and notes its pause
 * ({@link PauseFigures}); at the end of a batch, once its replies are released, it publishes the money totals and the
 * batch's longest pause and, when a snapshot is due (by count or on request), hands the ledger to the
 * {@link SnapshotTaker} between two commands.
 *
 * <p>Single-threaded: the ledger thread only; it alone touches the ledger.
 */
final class LedgerStage
{
    private final LedgerPipeline pipeline;
    private final Ledger ledger;
    private final SnapshotTaker snapshotTaker;
    private final long snapshotEveryCommands;
    private final LedgerPipeline.SnapshotErrorHandler snapshotErrorHandler;
    private final PauseFigures pauses;
    /** Journaled commands applied since the state the last snapshot holds. */
    private long sinceSnapshot;

    LedgerStage(
        final LedgerPipeline pipeline, final Ledger ledger, final SnapshotTaker snapshotTaker, final long snapshotEveryCommands,
        final long commandsSinceSnapshot, final LedgerPipeline.SnapshotErrorHandler snapshotErrorHandler,
        final PauseFigures pauses)
    {
        this.pipeline = pipeline;
        this.ledger = ledger;
        this.snapshotTaker = snapshotTaker;
        this.snapshotEveryCommands = snapshotEveryCommands;
        this.sinceSnapshot = commandsSinceSnapshot;
        this.snapshotErrorHandler = snapshotErrorHandler;
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
        if (event.type().journaled())
        {
            sinceSnapshot++;
        }
    }

    /** After the batch ending at {@code sequence}: its replies are released, so a snapshot pause delays none of them. */
    void endOfBatch(final long sequence)
    {
        ledger.moneyTotals().publish();
        pauses.endOfBatch();
        if (snapshotTaker != null && !pipeline.failedAt(sequence))
        {
            maybeSnapshot(sequence);
        }
    }

    /** Between two commands: the ledger holds exactly the state after its lastCommandId. */
    private void maybeSnapshot(final long sequence)
    {
        final boolean requested = pipeline.snapshotRequested();
        if (!requested && (snapshotEveryCommands <= 0 || sinceSnapshot < snapshotEveryCommands))
        {
            return;
        }
        if (sinceSnapshot == 0)
        {
            pipeline.snapshotRequestDone(); // nothing changed since the last one
            return;
        }
        try
        {
            if (!snapshotTaker.takeSnapshot(ledger))
            {
                return; // busy finishing the previous one: ask again at the end of the next batch
            }
        }
        catch (final Throwable error)
        {
            snapshotErrorHandler.onSnapshotError(ledger.lastCommandId(), error); // try again at the next due point
        }
        sinceSnapshot = 0;
        pipeline.snapshotRequestDone();
    }
}
