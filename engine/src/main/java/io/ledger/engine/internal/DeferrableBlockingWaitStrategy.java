package io.ledger.engine.internal;

import java.util.concurrent.atomic.AtomicBoolean;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

/**
 * Disruptor's {@code LiteBlockingWaitStrategy} (the consumer parks on a monitor when the ring is empty, after announcing
 * it in {@code signalNeeded}; a publisher takes the monitor only when that flag is set), plus deferral: a publisher
 * thread that publishes several commands in a row (an event loop reading the requests of many connections in one
 * round) can publish them with the signal held back ({@link #deferSignals}) and wake the consumer once at the end
 * ({@link #signalAllWhenBlocking()}), instead of one futex wake per command while the consumer sleeps.
 *
 * <p>Whoever defers must signal afterwards, on the same thread or another: a deferred publish that is never followed by
 * a signal leaves a parked consumer asleep with the command in the ring. The consumer announces before it checks the
 * cursor, and the signal reads the announcement after the publish moved the cursor, so a signal after the publish never
 * misses a consumer that parked before seeing it.
 *
 * <p>Thread-safety: any number of publisher threads and one or more consumers, as Disruptor's strategies; the deferral
 * flag is the calling thread's own.
 */
public final class DeferrableBlockingWaitStrategy implements WaitStrategy
{
    private final Object mutex = new Object();
    private final AtomicBoolean signalNeeded = new AtomicBoolean(false);
    /** Set on a publisher thread while its publishes leave the signal to it. */
    private final ThreadLocal<boolean[]> deferring = ThreadLocal.withInitial(() -> new boolean[1]);

    @Override
    public long waitFor(final long sequence, final Sequence cursorSequence, final Sequence dependentSequence,
        final SequenceBarrier barrier) throws AlertException, InterruptedException
    {
        long availableSequence;
        if (cursorSequence.get() < sequence)
        {
            synchronized (mutex)
            {
                do
                {
                    signalNeeded.getAndSet(true);
                    if (cursorSequence.get() >= sequence)
                    {
                        break;
                    }
                    barrier.checkAlert();
                    mutex.wait();
                }
                while (cursorSequence.get() < sequence);
            }
        }
        while ((availableSequence = dependentSequence.get()) < sequence)
        {
            barrier.checkAlert();
            Thread.onSpinWait();
        }
        return availableSequence;
    }

    /** Wakes a parked consumer, unless the calling thread is inside {@link #deferSignals} (it signals later). */
    @Override
    public void signalAllWhenBlocking()
    {
        if (deferring.get()[0])
        {
            return;
        }
        signal();
    }

    /** Wakes a parked consumer, if one announced that it parks (Disruptor's lite-blocking signal). Any thread. */
    public void signal()
    {
        if (signalNeeded.getAndSet(false))
        {
            synchronized (mutex)
            {
                mutex.notifyAll();
            }
        }
    }

    /** @return true while a consumer has announced that it parks and no signal has taken the announcement yet. */
    boolean consumerAnnounced()
    {
        return signalNeeded.get();
    }

    /**
     * Holds back the signal of the calling thread's publishes while {@code defer} is true; the caller owes a
     * {@link #signal()} after its last deferred publish.
     */
    public void deferSignals(final boolean defer)
    {
        deferring.get()[0] = defer;
    }
}
