package io.ledger.engine;

import org.agrona.concurrent.EpochClock;

/**
 * Journals a {@link CommandType#TICK} when the clock has passed the ledger's next deadline and no command has brought
 * the ledger there: the wiring runs {@link #run()} on a timer (every {@link #PERIOD_MS_DEFAULT} ms in the server), so a
 * hold is released or a gift balance expires within about one period of its time even on an idle ledger. When commands
 * keep coming, the first one after the deadline processes it and no tick is needed; a tick published meanwhile finds
 * nothing due and changes nothing but the ledger's time.
 *
 * <p>It publishes at most one tick per deadline it sees, and again only after {@link #RETRY_MS} if the deadline is still
 * the next one (a full ring refused the tick, or the ledger has not got to it yet), so an idle ledger journals about
 * one tick per deadline that passes.
 *
 * <p>Thread-safety: {@link #run()} from one thread at a time (the timer's); reads the pipeline's published figures.
 */
public final class DeadlineTicker implements Runnable
{
    /** How often the server's timer runs it: the most a deadline waits on an idle ledger, beyond the time to apply. */
    public static final long PERIOD_MS_DEFAULT = 100;
    /** How long a deadline that stays the next one waits before it is ticked for again. */
    public static final long RETRY_MS = 1_000;

    private final LedgerPipeline pipeline;
    private final EpochClock clock;
    private long tickedForMs = Long.MIN_VALUE;
    private long tickedAtMs;
    private long ticks;

    /** @param pipeline the running pipeline; its clock is the one commands are stamped with. */
    public DeadlineTicker(final LedgerPipeline pipeline)
    {
        this(pipeline, pipeline.clock());
    }

    DeadlineTicker(final LedgerPipeline pipeline, final EpochClock clock)
    {
        this.pipeline = pipeline;
        this.clock = clock;
    }

    @Override
    public void run()
    {
        final long next = pipeline.nextDeadlineMs();
        final long now = clock.time();
        if (next == Long.MAX_VALUE || now < next)
        {
            return;
        }
        if (next == tickedForMs && now - tickedAtMs < RETRY_MS)
        {
            return;
        }
        if (pipeline.publishTick())
        {
            tickedForMs = next;
            tickedAtMs = now;
            ticks++;
        }
    }

    /** @return how many ticks it published. */
    public long ticks()
    {
        return ticks;
    }
}
