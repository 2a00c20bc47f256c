package io.ledger.engine.internal;

/**
 * A wait strategy whose signal a publisher may hold back and give once for several publishes in a row (an event loop, one
 * round of reads): {@link DeferrableBlockingWaitStrategy}, and the pipeline's strategy when the consumer runs on an event
 * loop.
 *
 * <p>Thread-safety: {@link #deferSignals} concerns the calling thread only; {@link #signal()} from any thread.
 */
public interface DeferrableSignal
{
    /** Holds back the signal of the calling thread's publishes while {@code defer} is true; the caller owes a {@link #signal()}. */
    void deferSignals(boolean defer);

    /** Makes the consumer look at the ring (wakes it, or has it run), if it needs telling. */
    void signal();
}
