package io.ledger.journal.snapshot;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.ReplayWindow;
import io.ledger.journal.ChronicleJournal;

/**
 * A start-up replay in two stages on two threads: a {@code ledger-replay-reader} thread reads, verifies and decodes the
 * journal's records into a bounded ring of events, while the calling thread takes them in order and applies them through
 * a {@link ReplayWindow#borrowing borrowing} {@link ReplayWindow}. The replay is alone on the machine at start-up, so its
 * time could become that of the slower stage (applying, on a big ledger) rather than the sum of both. Measured on this
 * project's 2-CPU machine it did not (issue 13, session 11: 0.71-0.76x the replay on one thread with 10,000 customers,
 * no faster start of 10M commands over 1M customers; each decoded event's cache lines cross cores), so
 * {@link LedgerRecovery} uses it only with {@code -Dledger.replay.readerThread=true}.
 *
 * <p>What is applied, and in which order, is what a replay on one thread applies: the reader hands the records over in
 * the journal's order, each checked exactly as before (the same {@link ChronicleJournal} replay does the reading); the
 * ledger only ever runs on the calling thread. A record that fails its checks stops the replay with the reader's
 * exception, rethrown on the calling thread once the reader has stopped (the records before it that were not applied yet
 * are not, as with a window: the replay failed and its ledger is thrown away). When applying throws, the reader is told
 * to stop, and the exception is rethrown once it has. Either way, and on success, the reader thread has ended when
 * {@link #replay} returns or throws: no thread is left behind.
 *
 * <p>Hand-over: a single-producer single-consumer ring of {@code ringEvents} events with two counters on cache lines of
 * their own, {@code published} (records the reader decoded: moved every {@value #PUBLISH_EVERY} records, when the ring is
 * full and at the end) and {@code released} (events the applier is done with: moved each time its window is applied,
 * because a window keeps the events it waits with). Each side spins briefly, then yields, then parks for {@value #PARK_NS} ns
 * when it finds nothing to do (at start-up the two threads normally have a core each; parking keeps a replay on a busy
 * machine from burning a core that the other stage needs). The ring holds more than a window, so the reader can
 * always go on while the window waits to fill. Nothing is allocated per record.
 *
 * <p>Thread-safety: {@link #replay} is called on the thread that owns the ledger; the journal is read on the reader
 * thread only, and not by anyone else meanwhile.
 */
public final class ReadAheadReplay
{
    /**
     * Events in the ring by default: 256 records read ahead (some tens of microseconds of applying). Not more: an event
     * is 1-2 KiB, and a ring that outgrows the cores' caches has the reader write, and the applier read, memory.
     */
    public static final int RING_EVENTS_DEFAULT = 256;
    static final String THREAD_NAME = "ledger-replay-reader";
    private static final int SPINS = 200;
    private static final int YIELDS = 50;
    private static final long PARK_NS = 20_000;
    /** Longs between the two counters, and before the first: 128 bytes, two cache lines (the prefetcher takes pairs). */
    private static final int PAD = 16;
    private static final int PUBLISHED = PAD;
    private static final int RELEASED = 2 * PAD;
    /** Records the reader decodes between two publications: the counter's line moves once per batch, not per record. */
    private static final int PUBLISH_EVERY = 32;

    private final CommandEvent[] ring;
    private final int mask;
    /** {@code published} and {@code released}, each on a cache line of its own (one writer each, read by the other). */
    private final AtomicLongArray counters = new AtomicLongArray(3 * PAD);
    /** Reader thread only: records decoded, published to the applier every {@link #PUBLISH_EVERY} or when it must wait. */
    private long decoded;
    private volatile boolean readerDone;
    private volatile boolean stop;
    private volatile Throwable readerFailure;
    private ChronicleJournal.ReplayResult result;

    private ReadAheadReplay(final int ringEvents)
    {
        ring = new CommandEvent[ringEvents];
        for (int i = 0; i < ringEvents; i++)
        {
            ring[i] = new CommandEvent();
        }
        mask = ringEvents - 1;
    }

    /**
     * Replays on a reader thread into {@code window}, which applies on the calling thread.
     *
     * @param ringEvents a power of two greater than the window's size.
     * @param read       runs the journal replay with the visitor it is given (for example
     *                   {@code visitor -> journal.replay(visitor)}), on the reader thread.
     * @param window     a {@link ReplayWindow#borrowing} window; flushed here before returning.
     * @return what the journal replay returned.
     * @throws RuntimeException or Error: what the reader's replay threw (a {@link io.ledger.journal.JournalCorruptException}
     *                          for a bad record), or what applying threw.
     */
    public static ChronicleJournal.ReplayResult replay(
        final int ringEvents, final int windowCommands, final ReplayWindow window,
        final Function<ChronicleJournal.DecodingVisitor, ChronicleJournal.ReplayResult> read)
    {
        if (Integer.bitCount(ringEvents) != 1 || ringEvents <= windowCommands)
        {
            throw new IllegalArgumentException("ringEvents=" + ringEvents + " must be a power of two above windowCommands=" + windowCommands);
        }
        return new ReadAheadReplay(ringEvents).run(window, read);
    }

    private ChronicleJournal.ReplayResult run(
        final ReplayWindow window, final Function<ChronicleJournal.DecodingVisitor, ChronicleJournal.ReplayResult> read)
    {
        final Thread reader = new Thread(() -> read(read), THREAD_NAME);
        reader.setDaemon(true);
        reader.start();
        boolean applied = false;
        try
        {
            apply(window);
            applied = true;
        }
        finally
        {
            if (!applied)
            {
                stop = true;
            }
            joinUninterruptibly(reader);
        }
        return result;
    }

    /** Calling thread: takes the published events in order into the window until the reader is done. */
    private void apply(final ReplayWindow window)
    {
        long taken = 0;
        int idle = 0;
        while (true)
        {
            final long available = counters.get(PUBLISHED);
            if (taken < available)
            {
                for (; taken < available; taken++)
                {
                    window.add(ring[(int)taken & mask]);
                    if (window.waiting() == 0) // the window was just applied: its events are free
                    {
                        counters.lazySet(RELEASED, taken + 1);
                    }
                }
                idle = 0;
                continue;
            }
            if (readerDone)
            {
                if (counters.get(PUBLISHED) != taken)
                {
                    continue; // published its last records just before it finished
                }
                final Throwable failure = readerFailure;
                if (failure != null)
                {
                    throw rethrow(failure);
                }
                window.flush();
                return;
            }
            idle = idle(idle);
        }
    }

    /** Reader thread: the journal replay, decoding each record into the next free slot of the ring. */
    private void read(final Function<ChronicleJournal.DecodingVisitor, ChronicleJournal.ReplayResult> read)
    {
        try
        {
            result = read.apply(new ChronicleJournal.DecodingVisitor()
            {
                @Override
                public CommandEvent decodeInto()
                {
                    final long next = decoded;
                    if (next - counters.get(RELEASED) > mask) // full: every slot waits to be applied
                    {
                        counters.lazySet(PUBLISHED, next); // what it holds back, or the applier waits for it too
                        int idle = 0;
                        while (next - counters.get(RELEASED) > mask)
                        {
                            if (stop)
                            {
                                throw new Stopped();
                            }
                            idle = idle(idle);
                        }
                    }
                    return ring[(int)next & mask];
                }

                @Override
                public boolean visit(final long index, final CommandEvent event)
                {
                    final long next = ++decoded;
                    if ((next & (PUBLISH_EVERY - 1)) == 0)
                    {
                        if (stop)
                        {
                            throw new Stopped();
                        }
                        counters.lazySet(PUBLISHED, next);
                    }
                    return true;
                }
            });
            counters.lazySet(PUBLISHED, decoded);
        }
        catch (final Stopped ex)
        {
            // the applier failed and rethrows its own exception
        }
        catch (final Throwable ex)
        {
            readerFailure = ex;
        }
        finally
        {
            readerDone = true; // after result and readerFailure: the applier reads them after it
        }
    }

    private static int idle(final int idle)
    {
        if (idle < SPINS)
        {
            Thread.onSpinWait();
        }
        else if (idle < SPINS + YIELDS)
        {
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(PARK_NS);
        }
        return idle + 1;
    }

    private static RuntimeException rethrow(final Throwable failure)
    {
        if (failure instanceof RuntimeException runtime)
        {
            throw runtime;
        }
        if (failure instanceof Error error)
        {
            throw error;
        }
        throw new IllegalStateException("journal replay failed on " + THREAD_NAME, failure);
    }

    private static void joinUninterruptibly(final Thread thread)
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

    /** Thrown on the reader thread to end its replay once the applier has failed. */
    private static final class Stopped extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        Stopped()
        {
            super(null, null, false, false);
        }
    }
}
