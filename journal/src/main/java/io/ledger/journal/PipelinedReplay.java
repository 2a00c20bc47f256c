package io.ledger.journal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

import io.ledger.engine.CommandEvent;

/**
 * A replay on two threads: the calling thread reads the journal (Chronicle, CRC32C, the record checks, decoding) into
 * a ring of {@link #SLOTS} events, and a thread of its own ({@code ledger-replay}) applies them in order. Reading and
 * decoding are about a quarter of a replay into a ledger, and at start-up nothing else runs yet, so on two cores they
 * overlap with the applying instead of adding to it. The commands are applied in journal order, one at a time, by one
 * thread, exactly as a replay on one thread applies them: the ledger reaches the same state.
 *
 * <pre>
 *  caller:  JournalTail.poll --decode into slot[p & mask]--> published (every BATCH commands, and at the end)
 *  ledger-replay:  apply(slot[c & mask]) ... consumed (every BATCH commands)
 *  a slot is decoded into again only once consumed has passed it
 * </pre>
 *
 * <p>A journal error (a corrupt record) stops the applying thread and is thrown to the caller as the one-thread replay
 * throws it; an error while applying stops the reading and is thrown to the caller. When the JVM has a single processor,
 * or for a tail that is not worth a thread, it replays on the calling thread alone.
 *
 * <p>Thread-safety: one replay per instance; the consumer runs on the {@code ledger-replay} thread, and whatever it
 * built is visible to the caller once {@link #replay} returns (the thread is joined).
 */
public final class PipelinedReplay
{
    /** Events in the ring: a power of two. */
    static final int SLOTS = 4096;
    /** Commands between two publications of a position: the other thread sees them in batches, not one cache miss each. */
    static final int BATCH = 64;
    private static final int MASK = SLOTS - 1;
    private static final int SPINS = 200;
    private static final long PARK_NS = 20_000;

    private final CommandEvent[] slots = new CommandEvent[SLOTS];
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong consumed = new AtomicLong();
    private volatile boolean readingDone;
    private volatile Throwable applyError;
    private volatile boolean readingFailed;

    private PipelinedReplay()
    {
        for (int i = 0; i < SLOTS; i++)
        {
            slots[i] = new CommandEvent();
        }
    }

    /**
     * Reads {@code tail} to the journal's end, applying every command with {@code apply} in order, and finishes it.
     *
     * @param onRecord told the count of commands read so far, on the calling thread (progress), or {@code null}.
     * @return the tail's {@link JournalTail#finish()}.
     * @throws JournalCorruptException as {@link ChronicleJournal#replay(ChronicleJournal.RecordVisitor)}.
     */
    public static ChronicleJournal.ReplayResult replay(final JournalTail tail, final Consumer<CommandEvent> apply, final LongConsumer onRecord)
    {
        if (Runtime.getRuntime().availableProcessors() < 2)
        {
            return oneThread(tail, apply, onRecord);
        }
        return new PipelinedReplay().run(tail, apply, onRecord);
    }

    /** The replay on the calling thread alone: what {@link #replay} does on one processor. */
    static ChronicleJournal.ReplayResult oneThread(final JournalTail tail, final Consumer<CommandEvent> apply, final LongConsumer onRecord)
    {
        final long[] count = {0};
        tail.poll((index, event) ->
        {
            apply.accept(event);
            if (onRecord != null)
            {
                onRecord.accept(++count[0]);
            }
            return true;
        }, Long.MAX_VALUE);
        return tail.finish();
    }

    private ChronicleJournal.ReplayResult run(final JournalTail tail, final Consumer<CommandEvent> apply, final LongConsumer onRecord)
    {
        final Thread applier = new Thread(() -> applyAll(apply), "ledger-replay");
        applier.setDaemon(true);
        applier.start();
        final long[] position = {0};
        try
        {
            tail.poll((index, event) ->
            {
                final long next = ++position[0];
                if ((next & (BATCH - 1)) == 0)
                {
                    published.lazySet(next);
                }
                if (onRecord != null)
                {
                    onRecord.accept(next);
                }
                return true;
            }, Long.MAX_VALUE, () -> slotFor(position[0]));
        }
        catch (final RuntimeException | Error ex)
        {
            readingFailed = true;
            join(applier);
            throwApplyError(); // the reading stopped because applying failed: that is the error
            throw ex;
        }
        published.lazySet(position[0]);
        readingDone = true;
        join(applier);
        throwApplyError();
        return tail.finish();
    }

    /** Throws what applying threw, as a replay on one thread would have: unchanged when it is unchecked. */
    private void throwApplyError()
    {
        final Throwable error = applyError;
        if (error instanceof RuntimeException runtime)
        {
            throw runtime;
        }
        if (error instanceof Error fatal)
        {
            throw fatal;
        }
        if (error != null)
        {
            throw new IllegalStateException(error);
        }
    }

    /** The reading thread's next slot: waits while the ring is full, and stops the reading once applying failed. */
    private CommandEvent slotFor(final long position)
    {
        int idle = 0;
        while (position - consumed.get() >= SLOTS)
        {
            if (applyError != null)
            {
                throw new IllegalStateException("replay stopped: applying a command failed", applyError);
            }
            idle = idle(idle);
        }
        if (applyError != null)
        {
            throw new IllegalStateException("replay stopped: applying a command failed", applyError);
        }
        return slots[(int)(position & MASK)];
    }

    private void applyAll(final Consumer<CommandEvent> apply)
    {
        long next = 0;
        int idle = 0;
        try
        {
            while (true)
            {
                final long available = published.get();
                if (next < available)
                {
                    idle = 0;
                    while (next < available)
                    {
                        apply.accept(slots[(int)(next & MASK)]);
                        next++;
                        if ((next & (BATCH - 1)) == 0)
                        {
                            consumed.lazySet(next);
                        }
                    }
                    consumed.lazySet(next);
                }
                else if (readingFailed || readingDone && next >= published.get())
                {
                    return;
                }
                else
                {
                    idle = idle(idle);
                }
            }
        }
        catch (final Throwable ex)
        {
            applyError = ex;
        }
    }

    /** Spins a little, then yields, then parks: the other thread is usually a few commands away. */
    private static int idle(final int idle)
    {
        if (idle < SPINS)
        {
            Thread.onSpinWait();
        }
        else if (idle < SPINS * 2)
        {
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(PARK_NS);
        }
        return idle + 1;
    }

    private static void join(final Thread thread)
    {
        boolean interrupted = false;
        while (true)
        {
            try
            {
                thread.join();
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
