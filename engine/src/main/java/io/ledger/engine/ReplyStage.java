package io.ledger.engine;

import com.lmax.disruptor.RingBuffer;

/**
 * The pipeline's reply stage: for a range of sequences that are applied and journaled (and synced, in {@code fsync}
 * durability), hands each event to its {@link ReplySink} and drops its reply routing, then tells every sink that got a
 * reply that the batch ended ({@link ReplySink#endOfBatch()}), so replies leave once per batch. After a failure it
 * clears the result first, so nothing the journal may not hold is acknowledged. A sink that throws loses that one
 * reply (the command is applied and journaled): not fatal.
 *
 * <p>Single-threaded: runs on the ledger thread ({@code process}) or on the sync thread ({@code fsync}); one of them
 * per pipeline.
 */
final class ReplyStage
{
    /** Distinct sinks remembered per batch before they are told early: one in the server, a few in tests. */
    private static final int SINKS_MAX = 8;

    private final LedgerPipeline pipeline;
    private final RingBuffer<CommandEvent> ring;
    private final LedgerPipeline.ReplyErrorHandler errorHandler;
    private final ReplySink[] sinks = new ReplySink[SINKS_MAX];
    private int sinkCount;

    ReplyStage(final LedgerPipeline pipeline, final RingBuffer<CommandEvent> ring, final LedgerPipeline.ReplyErrorHandler errorHandler)
    {
        this.pipeline = pipeline;
        this.ring = ring;
        this.errorHandler = errorHandler;
    }

    /** Replies to every event from {@code lo} to {@code hi}, in order, then ends the batch for their sinks. */
    void reply(final long lo, final long hi)
    {
        for (long sequence = lo; sequence <= hi; sequence++)
        {
            onEvent(ring.get(sequence), sequence);
        }
        endOfBatch();
    }

    private void onEvent(final CommandEvent event, final long sequence)
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
                remember(sink);
                sink.onReply(event);
            }
        }
        catch (final Throwable error)
        {
            errorHandler.onReplyError(event.commandId(), error); // one reply lost; the ledger is fine
        }
        finally
        {
            event.releaseReply();
        }
    }

    private void remember(final ReplySink sink)
    {
        for (int i = 0; i < sinkCount; i++)
        {
            if (sinks[i] == sink)
            {
                return;
            }
        }
        if (sinkCount == SINKS_MAX)
        {
            endOfBatch(); // more sinks than remembered: end the batch early for those seen so far
        }
        sinks[sinkCount++] = sink;
    }

    private void endOfBatch()
    {
        for (int i = 0; i < sinkCount; i++)
        {
            try
            {
                sinks[i].endOfBatch();
            }
            catch (final Throwable error)
            {
                errorHandler.onReplyError(-1, error);
            }
            sinks[i] = null;
        }
        sinkCount = 0;
    }
}
