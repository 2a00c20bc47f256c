package io.ledger.engine;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;

/**
 * The ledger thread ({@code ledger}): the ring's one consumer. For each batch of published commands it journals and
 * then applies each one, in sequence order ({@link JournalStage}, {@link LedgerStage}); then, when the journal needs no
 * sync thread ({@code process} durability), it releases the batch's replies itself ({@link ReplyStage}), and otherwise
 * hands the batch to the {@link SyncProcessor}, which releases them after the sync that covers them.
 *
 * <p>One thread instead of three (journal, apply, reply): a command crosses no thread between being journaled, applied
 * and answered, and the ledger thread parks when the ring is empty (the wait strategy, {@code lite-blocking} by
 * default, wakes it only when a publisher finds it parked). A batch is every command published when the thread looks,
 * at most {@link #BATCH_EVENTS_MAX}, so the first reply of a long backlog does not wait for the last command of it.
 *
 * <p>With {@link LedgerPipeline.Context#consumerLoop} it owns no thread: {@link LoopConsumer} hands it what is published,
 * batch by batch, on an event loop ({@link #handle}), and {@link #run()} is never called.
 *
 * <p>Single-threaded: runs on its own thread (or the consumer's event loop); {@link #halt()} from any thread.
 */
final class LedgerProcessor implements Runnable
{
    /** Most events handled before a batch's replies are released. */
    static final int BATCH_EVENTS_MAX = 1024;

    private final LedgerPipeline pipeline;
    private final RingBuffer<CommandEvent> ring;
    private final SequenceBarrier barrier;
    private final JournalStage journalStage;
    private final LedgerStage ledgerStage;
    /** Releases replies on this thread; null when the sync processor does. */
    private final ReplyStage replyStage;
    /** Told about each batch applied; null when this thread releases replies itself. */
    private final SyncProcessor syncProcessor;
    /** Applied and journaled up to here (and, without a sync processor, replied to: then it gates the producers). */
    private final Sequence sequence = new Sequence(-1);
    private volatile boolean running = true;

    LedgerProcessor(
        final LedgerPipeline pipeline, final RingBuffer<CommandEvent> ring, final JournalStage journalStage,
        final LedgerStage ledgerStage, final ReplyStage replyStage, final SyncProcessor syncProcessor)
    {
        this.pipeline = pipeline;
        this.ring = ring;
        this.barrier = ring.newBarrier();
        this.journalStage = journalStage;
        this.ledgerStage = ledgerStage;
        this.replyStage = replyStage;
        this.syncProcessor = syncProcessor;
    }

    /** @return how far commands are applied (and, without a sync processor, replied to). */
    Sequence sequence()
    {
        return sequence;
    }

    /** Stops the thread at its next wait; what is published and not yet handled stays unhandled. */
    void halt()
    {
        running = false;
        barrier.alert();
    }

    @Override
    public void run()
    {
        long next = sequence.get() + 1;
        while (running)
        {
            final long available;
            try
            {
                available = barrier.waitFor(next);
            }
            catch (final AlertException ex)
            {
                break;
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
            catch (final com.lmax.disruptor.TimeoutException ex)
            {
                continue;
            }
            if (available < next)
            {
                Thread.onSpinWait(); // claimed but not yet published: the publisher is filling the slot
                continue;
            }
            final long end = Math.min(available, next + BATCH_EVENTS_MAX - 1);
            handle(next, end);
            next = end + 1;
        }
    }

    /** Journals and applies {@code lo..hi}, then releases their replies or hands them to the sync processor. */
    void handle(final long lo, final long hi)
    {
        try
        {
            for (long s = lo; s <= hi; s++)
            {
                final CommandEvent event = ring.get(s);
                if (event.type() == CommandType.NOOP)
                {
                    continue; // nothing to journal or apply: the slots a batch reserved for its commands' ids
                }
                if (journalStage.onEvent(event, s))
                {
                    ledgerStage.onEvent(event, s);
                }
            }
            journalStage.endOfBatch(hi);
        }
        catch (final Throwable error)
        {
            // The stages catch their own failures; this is a bug around them. Acknowledge nothing of this batch on,
            // but still release its replies (unavailable) so that no connection waits for ever.
            pipeline.fail("ledger", lo, error);
        }
        if (syncProcessor != null)
        {
            sequence.set(hi);
            syncProcessor.applied(hi);
        }
        else
        {
            replyStage.reply(lo, hi);
            sequence.set(hi);
        }
        ledgerStage.endOfBatch();
    }
}
