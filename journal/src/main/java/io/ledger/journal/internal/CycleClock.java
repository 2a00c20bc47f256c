package io.ledger.journal.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;

/**
 * The clock Chronicle Queue picks a record's day file (cycle) by: the wall clock, but never earlier than what it
 * returned before, nor than the start of the newest day file the journal already has. Chronicle appends to the file of
 * the day its clock names; were the wall clock stepped back across UTC midnight (an NTP step, a restored VM, a
 * hand-set clock), new records would go into an earlier day's file, before older ones, and a replay, which reads the
 * files in day order, would meet command ids out of order or miss records. The ledger's own command times are not
 * taken from here: they are stamped when a command is published.
 *
 * <p>Thread-safe: any thread (the appender and tailers call it).
 */
public final class CycleClock implements TimeProvider
{
    private final LongSupplier wallClockMs;
    private final AtomicLong floorMs = new AtomicLong(Long.MIN_VALUE);

    /** @param wallClockMs the wall clock, epoch milliseconds. */
    public CycleClock(final LongSupplier wallClockMs)
    {
        this.wallClockMs = wallClockMs;
    }

    /** Never earlier than the start of {@code cycle} from now on: the newest day file the journal holds. */
    public void notBefore(final RollCycle rollCycle, final int cycle)
    {
        if (cycle != Integer.MIN_VALUE && cycle >= 0)
        {
            floorMs.accumulateAndGet((long)cycle * rollCycle.lengthInMillis() + rollCycle.defaultEpoch(), Math::max);
        }
    }

    @Override
    public long currentTimeMillis()
    {
        final long wall = wallClockMs.getAsLong();
        final long floor = floorMs.get();
        if (wall >= floor)
        {
            if (wall > floor)
            {
                floorMs.accumulateAndGet(wall, Math::max);
            }
            return wall;
        }
        return floor;
    }
}
