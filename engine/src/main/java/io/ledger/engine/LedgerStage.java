package io.ledger.engine;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;

/**
 * The pipeline's ledger stage (thread {@code ledger-apply}): applies each command and notes its pause
 * ({@link PauseFigures}); at the end of a batch it publishes the money totals, the batch's longest pause and the
 * ledger's next deadline and, when
 * a snapshot is due (by count or on request), hands the ledger to the {@link SnapshotTaker} between two commands.
 *
 * <p>Single-threaded: the ledger thread only; it alone touches the ledger.
 */
final class LedgerStage implements EventHandler<CommandEvent>
{
    private final LedgerPipeline pipeline;
    private final Ledger ledger;
    private final SnapshotTaker snapshotTaker;
    private final long snapshotEveryCommands;
    private final LedgerPipeline.SnapshotErrorHandler snapshotErrorHandler;
    private final PauseFigures pauses;
    /** Journaled commands applied since the state the last snapshot holds. */
    private long sinceSnapshot;
    private Sequence sequenceCallback;

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

    @Override
    public void setSequenceCallback(final Sequence sequenceCallback)
    {
        this.sequenceCallback = sequenceCallback;
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
        if (event.type().journaled())
        {
            sinceSnapshot++;
        }
        if (endOfBatch)
        {
            ledger.moneyTotals().publish();
            pipeline.nextDeadlineMs(ledger.nextDeadlineMs());
            pauses.endOfBatch();
            if (snapshotTaker != null)
            {
                maybeSnapshot(sequence);
            }
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
        // Publish this batch as applied before pausing, so that its replies do not wait for the snapshot (the
        // processor would otherwise publish the sequence only after this call returns)
        if (sequenceCallback != null)
        {
            sequenceCallback.set(sequence);
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
