package io.ledger.engine;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import io.ledger.engine.internal.DeferrableBlockingWaitStrategy;

/**
 * The Disruptor wait strategies a user may choose by name: how the ledger thread waits for the next command.
 *
 * <ul>
 *   <li>{@code lite-blocking}: parks on a lock when the ring is empty; a publisher takes the lock and signals only
 *       when the ledger thread announced that it is about to park, so a busy pipeline pays no lock or futex per
 *       command (Disruptor's {@code LiteBlockingWaitStrategy}, as {@link DeferrableBlockingWaitStrategy}; the ring has
 *       one consumer here). A publisher that sends several commands in a row may also hold the signal back and wake the
 *       ledger thread once for all of them ({@link CommandGateway#tryPublishDeferred}: the HTTP event loops, once per
 *       round of reads).</li>
 *   <li>{@code blocking}: the same, but every publish takes the lock and signals, parked consumer or not.</li>
 *   <li>{@code sleeping}: spins, yields, then sleeps briefly; lock-free, with a little latency when idle.</li>
 *   <li>{@code yielding} and {@code busy-spin}: never park; they keep a core busy for lower latency.</li>
 * </ul>
 */
public final class WaitStrategies
{
    /** The names {@link #byName} accepts. */
    public static final String NAMES = "lite-blocking, blocking, sleeping, yielding, busy-spin";

    private WaitStrategies()
    {
    }

    /**
     * @throws IllegalArgumentException naming the accepted values when {@code name} is not one of them.
     */
    public static WaitStrategy byName(final String name)
    {
        return switch (name)
        {
            case "lite-blocking" -> new DeferrableBlockingWaitStrategy();
            case "blocking" -> new BlockingWaitStrategy();
            case "sleeping" -> new SleepingWaitStrategy();
            case "yielding" -> new YieldingWaitStrategy();
            case "busy-spin" -> new BusySpinWaitStrategy();
            default -> throw new IllegalArgumentException("waitStrategy=" + name + " must be one of: " + NAMES);
        };
    }
}
