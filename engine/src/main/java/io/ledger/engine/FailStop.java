package io.ledger.engine;

import com.lmax.disruptor.ExceptionHandler;

/**
 * What a stage's exception means: in the journal or ledger stage, that nothing from that command on may be
 * acknowledged ({@link LedgerPipeline#fail}); in the reply stage, one lost reply (the command is applied and journaled).
 *
 * <p>Called on the stage's own thread.
 */
final class FailStop implements ExceptionHandler<CommandEvent>
{
    private final LedgerPipeline pipeline;
    private final String stage;
    private final long firstCommandId;
    private final LedgerPipeline.ReplyErrorHandler replyErrorHandler;
    private final LedgerPipeline.FatalErrorHandler fatalErrorHandler;

    FailStop(
        final LedgerPipeline pipeline, final String stage, final long firstCommandId,
        final LedgerPipeline.ReplyErrorHandler replyErrorHandler, final LedgerPipeline.FatalErrorHandler fatalErrorHandler)
    {
        this.pipeline = pipeline;
        this.stage = stage;
        this.firstCommandId = firstCommandId;
        this.replyErrorHandler = replyErrorHandler;
        this.fatalErrorHandler = fatalErrorHandler;
    }

    @Override
    public void handleEventException(final Throwable ex, final long sequence, final CommandEvent event)
    {
        if ("reply".equals(stage))
        {
            replyErrorHandler.onReplyError(firstCommandId + sequence, ex); // one reply lost; the ledger is fine
            return;
        }
        pipeline.fail(stage, sequence, ex);
    }

    @Override
    public void handleOnStartException(final Throwable ex)
    {
        fatalErrorHandler.onFatalError(stage, -1, ex);
    }

    @Override
    public void handleOnShutdownException(final Throwable ex)
    {
        fatalErrorHandler.onFatalError(stage, -1, ex);
    }
}
