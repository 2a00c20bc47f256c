package io.ledger.engine;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

/** The Disruptor wait strategies a user may choose by name. */
public final class WaitStrategies
{
    /** The names {@link #byName} accepts. */
    public static final String NAMES = "blocking, sleeping, yielding, busy-spin";

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
            case "blocking" -> new BlockingWaitStrategy();
            case "sleeping" -> new SleepingWaitStrategy();
            case "yielding" -> new YieldingWaitStrategy();
            case "busy-spin" -> new BusySpinWaitStrategy();
            default -> throw new IllegalArgumentException("waitStrategy=" + name + " must be one of: " + NAMES);
        };
    }
}
