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
 * <p>Optionally the consumer first spins a bounded time ({@code spinNs}, tens of microseconds) before it parks: at a
 * moderate load the next command often comes within it, and is then taken with no park, no wake-up and no signal by its
 * publisher; when spins keep finding nothing the spin goes off by itself (see the constructor).
 *
 * <p>Thread-safety: any number of publisher threads and one consumer when spinning (its miss count is its own; without
 * a spin one or more consumers, as Disruptor's strategies); the deferral flag is the calling thread's own.
 */
public final class DeferrableBlockingWaitStrategy implements WaitStrategy, DeferrableSignal
{
    /** Consecutive spins that ended without a command after which the consumer stops spinning (the load is low). */
    static final int SPIN_MISSES_MAX = 8;
    /** While spinning is off, every this many waits spin once more, to notice that the load came back. */
    static final int SPIN_RETRY_WAITS = 64;

    private final Object mutex = new Object();
    private final AtomicBoolean signalNeeded = new AtomicBoolean(false);
    /** Set on a publisher thread while its publishes leave the signal to it. */
    private final ThreadLocal<boolean[]> deferring = ThreadLocal.withInitial(() -> new boolean[1]);
    private final long spinNs;
    /** The consumer's own: spins in a row that found no command, and waits since spinning went off. */
    private int spinMisses;
    private int waitsUnspun;

    /** Parks as soon as the ring is empty (Disruptor's lite-blocking). */
    public DeferrableBlockingWaitStrategy()
    {
        this(0);
    }

    /**
     * @param spinNs how long the consumer spins on the cursor before it announces that it parks, 0 for not at all. A
     *               command published during the spin is taken without a park, a wake-up or a publisher's signal. The
     *               spin goes off by itself after {@link #SPIN_MISSES_MAX} spins in a row that found nothing (a load
     *               too low for it to pay) and is tried again every {@link #SPIN_RETRY_WAITS} waits.
     */
    public DeferrableBlockingWaitStrategy(final long spinNs)
    {
        if (spinNs < 0)
        {
            throw new IllegalArgumentException("spinNs=" + spinNs + " must not be negative");
        }
        this.spinNs = spinNs;
    }

    /** @return how long the consumer spins before it parks, in nanoseconds (0: it parks at once). */
    public long spinNs()
    {
        return spinNs;
    }

    @Override
    public long waitFor(final long sequence, final Sequence cursorSequence, final Sequence dependentSequence,
        final SequenceBarrier barrier) throws AlertException, InterruptedException
    {
        long availableSequence;
        if (spinNs > 0 && cursorSequence.get() < sequence)
        {
            spin(sequence, cursorSequence, barrier);
        }
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

    private void spin(final long sequence, final Sequence cursorSequence, final SequenceBarrier barrier) throws AlertException
    {
        if (spinMisses >= SPIN_MISSES_MAX && ++waitsUnspun < SPIN_RETRY_WAITS)
        {
            return;
        }
        waitsUnspun = 0;
        final long deadlineNs = System.nanoTime() + spinNs;
        do
        {
            barrier.checkAlert();
            Thread.onSpinWait();
            if (cursorSequence.get() >= sequence)
            {
                spinMisses = 0;
                return;
            }
        }
        while (System.nanoTime() - deadlineNs < 0);
        if (spinMisses < SPIN_MISSES_MAX)
        {
            spinMisses++;
        }
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
    @Override
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

    /** @return true while the consumer spins before it parks (false: no spin, or the spin went off for a low load). */
    boolean spinning()
    {
        return spinNs > 0 && spinMisses < SPIN_MISSES_MAX;
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
    @Override
    public void deferSignals(final boolean defer)
    {
        deferring.get()[0] = defer;
    }
}
