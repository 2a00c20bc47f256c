package io.ledger.engine;

import com.lmax.disruptor.EventHandler;

/**
 * The pipeline's reply stage (thread {@code ledger-reply}): runs once a sequence has passed both the journal and the
 * ledger stage, hands the event to its {@link ReplySink}, then drops the reply routing. After a failure it clears the
 * result first, so nothing the journal may not hold is acknowledged.
 *
 * <p>Single-threaded: the reply thread only.
 */
final class ReplyStage implements EventHandler<CommandEvent>
{
    private final LedgerPipeline pipeline;

    ReplyStage(final LedgerPipeline pipeline)
    {
        this.pipeline = pipeline;
    }

    @Override
    public void onEvent(final CommandEvent event, final long sequence, final boolean endOfBatch)
    {
        final ReplySink sink = event.replySink();
        if (pipeline.failedAt(sequence))
        {
            event.clearResult(); // never acknowledge what the journal may not hold
        }
        try
        {
            if (sink != null)
            {
                sink.onReply(event);
            }
        }
        finally
        {
            event.releaseReply();
        }
    }
}
