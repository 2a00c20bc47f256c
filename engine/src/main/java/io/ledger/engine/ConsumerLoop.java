package io.ledger.engine;

import java.util.concurrent.Executor;

/**
 * A thread the caller owns (an HTTP event loop) on which the pipeline runs its one consumer instead of a {@code ledger}
 * thread of its own ({@link LedgerPipeline.Context#consumerLoop}): the requests a loop publishes are journaled, applied
 * and answered on that loop, with no wake-up of another thread on the way in or out. The loop runs tasks one at a time,
 * in the order they were given, so the consumer is still one thread taking the ring in sequence order.
 *
 * <p>Thread-safety: {@link #execute} and {@link #inLoop()} from any thread; {@link #executeAfterIo} from the loop only.
 */
public interface ConsumerLoop extends Executor
{
    /**
     * Runs {@code task} on the loop, after the tasks given before it. From another thread it wakes the loop; from the
     * loop it only queues. Throws {@link java.util.concurrent.RejectedExecutionException} once the loop shuts down.
     */
    @Override
    void execute(Runnable task);

    /**
     * Runs {@code task} on the loop once it has served its sockets again (its next round of I/O), so that a long backlog
     * does not keep connections unread. Loop only.
     */
    void executeAfterIo(Runnable task);

    /** @return true on the loop's own thread. */
    boolean inLoop();
}
