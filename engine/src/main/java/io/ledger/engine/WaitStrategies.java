package io.ledger.engine;

import java.util.concurrent.TimeUnit;

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
 *   <li>{@code lite-blocking:<spin>us} (e.g. {@code lite-blocking:20us}, at most 1,000): the same, but the ledger
 *       thread first spins that long on the ring before it parks, so a command that comes within it is taken without a
 *       park, a wake-up or a signal; after 8 spins in a row that found nothing (a low load) it stops spinning, and tries
 *       once more every 64 waits ({@link DeferrableBlockingWaitStrategy}).</li>
 *   <li>{@code blocking}: the same, but every publish takes the lock and signals, parked consumer or not.</li>
 *   <li>{@code sleeping}: spins, yields, then sleeps briefly; lock-free, with a little latency when idle.</li>
 *   <li>{@code yielding} and {@code busy-spin}: never park; they keep a core busy for lower latency.</li>
 * </ul>
 */
public final class WaitStrategies
{
    /** The names {@link #byName} accepts. */
    public static final String NAMES = "lite-blocking, lite-blocking:<spin>us, blocking, sleeping, yielding, busy-spin";
    /** How long {@code lite-blocking} spins before it parks, in microseconds, unless its name says otherwise. */
    public static final long LITE_BLOCKING_SPIN_US_DEFAULT = 0;
    /** The longest spin {@code lite-blocking:<spin>us} accepts: a spin is for a command about to come, not a busy wait. */
    public static final long LITE_BLOCKING_SPIN_US_MAX = 1_000;
    private static final String LITE_BLOCKING_SPIN = "lite-blocking:";

    private WaitStrategies()
    {
    }

    /**
     * @throws IllegalArgumentException naming the accepted values when {@code name} is not one of them.
     */
    public static WaitStrategy byName(final String name)
    {
        if (name.startsWith(LITE_BLOCKING_SPIN))
        {
            return new DeferrableBlockingWaitStrategy(TimeUnit.MICROSECONDS.toNanos(spinUs(name)));
        }
        return switch (name)
        {
            case "lite-blocking" -> new DeferrableBlockingWaitStrategy(TimeUnit.MICROSECONDS.toNanos(LITE_BLOCKING_SPIN_US_DEFAULT));
            case "blocking" -> new BlockingWaitStrategy();
            case "sleeping" -> new SleepingWaitStrategy();
            case "yielding" -> new YieldingWaitStrategy();
            case "busy-spin" -> new BusySpinWaitStrategy();
            default -> throw new IllegalArgumentException("waitStrategy=" + name + " must be one of: " + NAMES);
        };
    }

    private static long spinUs(final String name)
    {
        final String spin = name.substring(LITE_BLOCKING_SPIN.length());
        if (spin.endsWith("us") && spin.length() > 2 && spin.length() <= 6)
        {
            final String digits = spin.substring(0, spin.length() - 2);
            if (digits.chars().allMatch(c -> c >= '0' && c <= '9'))
            {
                final long us = Long.parseLong(digits);
                if (us <= LITE_BLOCKING_SPIN_US_MAX)
                {
                    return us;
                }
            }
        }
        throw new IllegalArgumentException("waitStrategy=" + name + ": the spin must be whole microseconds from 0 to "
            + LITE_BLOCKING_SPIN_US_MAX + ", as in lite-blocking:20us");
    }
}
