package io.ledger.engine;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import io.ledger.engine.internal.DeferrableSignal;

/**
 * The ring's one consumer run on an event loop ({@link ConsumerLoop}) instead of the {@code ledger} thread: a drain
 * task takes what is published, at most {@link LedgerProcessor#BATCH_EVENTS_MAX} events, and hands it to the same
 * {@link LedgerProcessor#handle} (journal, apply, end of batch, replies), on the loop. The loop runs one task at a time,
 * so commands are still taken by one thread in sequence order and the ledger stays a pure function of its journal; the
 * replies go to the loop's own connections with no hand-over to another thread.
 *
 * <p>Who makes the loop drain: the ring's wait strategy is {@link #signal()}'s, whose signal queues one drain on the
 * loop ({@link #drainSoon()}, at most one queued at a time). The loop's own publishes hold the signal back
 * ({@link DeferrableSignal#deferSignals}: the HTTP adapter's round of reads) and give it once after the round, so the
 * requests of a round are drained as one batch after the loop read them; a publisher on another thread (the deadline
 * timer's {@code TICK}, the start-up's first command) signals at once, which wakes the loop. A drain cut short by the
 * batch bound queues the rest after the loop's next round of I/O ({@link ConsumerLoop#executeAfterIo}), so the loop
 * serves its sockets between two batches.
 *
 * <p>No signal is lost: a drain clears the queued flag ({@code getAndSet}) before it looks at the ring, and a publisher
 * sets it ({@code getAndSet}) after its publish, so either the drain sees the command or the publisher queues another.
 * A slot still being filled by a publisher on another thread ends the drain there; that publisher signals once it has
 * published.
 *
 * <p>Hand-over: the ledger, the journal writer and the stages are built on the starting thread before the pipeline's
 * constructor returns; the first drain reaches the loop through {@link ConsumerLoop#execute}, whose queue orders
 * everything written before it before the task runs, and from then on only the loop touches them. {@link #stop} is the
 * hand-back: a task on the loop after which no drain runs, awaited through a latch, so the closing thread sees every
 * write the loop made (the final snapshot reads the ledger).
 *
 * <p>Thread-safety: {@link #drainSoon()}, {@link #signal()}'s signal and {@link #stop} from any thread; {@link #run()}
 * on the loop only.
 */
final class LoopConsumer implements Runnable
{
    private final ConsumerLoop loop;
    private final LoopSignal signal = new LoopSignal();
    /** A drain is queued on the loop and has not yet looked at the ring. */
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private RingBuffer<CommandEvent> ring;
    private LedgerProcessor processor;
    /** Loop only: while true the loop's publishes leave the signal to their publisher's {@link DeferrableSignal#signal()}. */
    private boolean deferring;
    /** Loop only: set by the stop task; no drain runs after it. */
    private boolean stopped;

    LoopConsumer(final ConsumerLoop loop)
    {
        this.loop = loop;
    }

    /** @return the ring's wait strategy: its signal has the loop drain. */
    WaitStrategy signal()
    {
        return signal;
    }

    /** Gives the ring and the processor; on the starting thread, before anything is published. */
    void attach(final RingBuffer<CommandEvent> ring, final LedgerProcessor processor)
    {
        this.ring = ring;
        this.processor = processor;
    }

    /** @return true on the loop's thread. */
    boolean inLoop()
    {
        return loop.inLoop();
    }

    /** Has the loop drain the ring soon, unless a drain is queued and has not looked yet. Any thread. */
    void drainSoon()
    {
        if (!drainQueued.getAndSet(true))
        {
            try
            {
                loop.execute(this);
            }
            catch (final RejectedExecutionException ex)
            {
                drainQueued.set(false); // the loop is shutting down: as with a halted ledger thread, nothing more is taken
            }
        }
    }

    /** The drain: what is published, up to the batch bound, journaled, applied and answered on the loop. */
    @Override
    public void run()
    {
        drainQueued.getAndSet(false); // before the look at the ring: a publish after the look queues another drain
        if (stopped)
        {
            return;
        }
        final long next = processor.sequence().get() + 1;
        final long bound = next + LedgerProcessor.BATCH_EVENTS_MAX - 1;
        final long last = Math.min(ring.getCursor(), bound);
        long hi = next - 1;
        while (hi < last && ring.isAvailable(hi + 1))
        {
            hi++;
        }
        if (hi < next)
        {
            return; // nothing published, or the next slot is still being filled: its publisher signals once published
        }
        processor.handle(next, hi);
        if (hi == bound && ring.getCursor() > hi && !drainQueued.getAndSet(true))
        {
            loop.executeAfterIo(this); // the rest after the loop served its sockets once more
        }
    }

    /**
     * Stops draining: a task on the loop after which no drain runs. Not on the loop (it would wait for itself).
     *
     * @return true when the loop ran it within {@code timeoutMs}: everything the loop wrote is then visible here.
     */
    boolean stop(final long timeoutMs)
    {
        final CountDownLatch done = new CountDownLatch(1);
        try
        {
            loop.execute(() ->
            {
                stopped = true;
                done.countDown();
            });
            return done.await(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final RejectedExecutionException ex)
        {
            return false; // the loop is gone
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The ring's wait strategy: nobody waits (the loop is told to drain), publishes signal by queueing a drain. */
    private final class LoopSignal implements WaitStrategy, DeferrableSignal
    {
        @Override
        public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence,
            final SequenceBarrier barrier)
        {
            throw new UnsupportedOperationException("the consumer runs on an event loop: it is told to drain, it never waits");
        }

        @Override
        public void signalAllWhenBlocking()
        {
            if (loop.inLoop() && deferring)
            {
                return; // the loop signals once after its round
            }
            drainSoon();
        }

        @Override
        public void deferSignals(final boolean defer)
        {
            if (loop.inLoop())
            {
                deferring = defer; // another thread's publishes are not held back: they signal at once
            }
        }

        @Override
        public void signal()
        {
            drainSoon();
        }
    }
}
