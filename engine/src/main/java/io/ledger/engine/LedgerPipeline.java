package io.ledger.engine;

import java.util.concurrent.TimeUnit;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import org.agrona.concurrent.EpochClock;

/**
 * The command pipeline: a multi-producer Disruptor ring of preallocated {@link CommandEvent}s, consumed by a
 * journal stage and the ledger stage in parallel, and then by the reply stage, which releases a reply only once
 * its command is both applied and journaled. See {@code package-info.java} for the picture.
 *
 * <p>Publishing never blocks: when the ring is full {@link #tryPublish} returns false and the caller refuses the
 * request (HTTP 503), so no unbounded queue builds up between the socket and the ledger thread.
 *
 * <p>Failure policy: if the journal throws, or the ledger throws (a bug), nothing from that command on is ever
 * acknowledged: the reply stage answers those commands with {@link ResultCode}-less "unavailable" replies (the
 * event's {@link CommandEvent#result()} is {@code null}) and the {@link Context#fatalErrorHandler} is told, so the
 * process can stop and recover from the journal.
 *
 * <p>Snapshots: with a {@link Context#snapshotTaker}, the ledger stage hands the ledger to it between two commands, at
 * the end of a batch, once {@link Context#snapshotEveryCommands} journaled commands were applied since the last one
 * or after {@link #requestSnapshot()}; the ledger thread pauses for as long as the taker needs. {@link #close()} takes
 * a final one after the ledger thread stopped and before the journal closes.
 *
 * <p>Pauses: the ledger stage measures, for every command, how long the ledger thread went without completing a
 * command while that one was waiting: {@code completedNs - max(previous completedNs, publishedNs)}. That covers a slow
 * command, a snapshot, a GC pause and a late wake-up alike, costs one {@link System#nanoTime()} per command and
 * allocates nothing. The longest is readable from any thread ({@link #longestPauseNsSinceStart()},
 * {@link #takeLongestPauseNs()}); a pause of at least {@link Context#pauseWarnNs} is counted and reported to the
 * {@link Context#longPauseHandler}, at most once a second.
 *
 * <p>Deadlines: at the end of each batch the ledger stage publishes the ledger's next deadline
 * ({@link #nextDeadlineMs()}); a {@link DeadlineTicker} run by the wiring journals a {@link CommandType#TICK} once the
 * clock has passed it, so that a hold is released or a gift balance expires even when no other command comes by.
 *
 * <p>Thread-safety: {@link #tryPublish}, {@link #requestSnapshot()}, {@link #publishTick()} and the figures
 * ({@link #remainingCapacity()}, the pause figures, {@link #nextDeadlineMs()}) may be called from any number of threads;
 * everything else from one.
 */
public final class LedgerPipeline implements AutoCloseable
{
    /** Fills a claimed event from the caller's argument. Must not throw; if it does the slot becomes a NOOP. */
    @FunctionalInterface
    public interface CommandFiller<A>
    {
        void fill(CommandEvent event, A arg);
    }

    /** Told when a reply could not be delivered (the command itself is applied and journaled). Not fatal. */
    @FunctionalInterface
    public interface ReplyErrorHandler
    {
        void onReplyError(long commandId, Throwable error);
    }

    /** Told once about an error that stops the pipeline acknowledging commands. */
    @FunctionalInterface
    public interface FatalErrorHandler
    {
        void onFatalError(String stage, long commandId, Throwable error);
    }

    /**
     * Told, on the ledger thread and at most once a second, that the ledger thread went at least
     * {@link Context#pauseWarnNs} without completing a command while one was waiting. Must be quick: the ledger
     * thread waits for it.
     */
    @FunctionalInterface
    public interface LongPauseHandler
    {
        /**
         * @param pauseNs    how long the command waited for the ledger thread to complete anything.
         * @param commandId  the command that waited.
         * @param unreported long pauses since the previous call that were not reported (the once-a-second limit).
         */
        void onLongPause(long pauseNs, long commandId, long unreported);
    }

    /** Told when a snapshot failed. Not fatal: the journal still holds every command. */
    @FunctionalInterface
    public interface SnapshotErrorHandler
    {
        void onSnapshotError(long lastCommandId, Throwable error);
    }

    private final Context context;
    private final RingBuffer<CommandEvent> ring;
    private final BatchEventProcessor<CommandEvent> journalProcessor;
    private final BatchEventProcessor<CommandEvent> ledgerProcessor;
    private final BatchEventProcessor<CommandEvent> replyProcessor;
    private final Thread[] threads;
    private final EpochClock clock;
    private final long firstCommandId;
    private final JournalWriter journal;
    private final Ledger ledger;
    private final SnapshotTaker snapshotTaker;
    private final PauseFigures pauses;
    private volatile long failedSequence = Long.MAX_VALUE;
    private volatile boolean snapshotRequested;
    private volatile long nextDeadlineMs;
    private volatile boolean closed;

    private LedgerPipeline(final Context context, final Ledger ledger, final JournalWriter journal)
    {
        this.context = context;
        this.clock = context.clock;
        this.firstCommandId = context.firstCommandId;
        this.journal = journal;
        this.ledger = ledger;
        this.snapshotTaker = context.snapshotTaker;
        this.pauses = new PauseFigures(context.pauseWarnNs, context.longPauseHandler);
        ring = RingBuffer.createMultiProducer(CommandEvent::new, context.ringSizeEvents, context.waitStrategy);
        ledger.moneyTotals().publish(); // what replay rebuilt is readable before the first batch
        nextDeadlineMs = ledger.nextDeadlineMs();

        final SequenceBarrier head = ring.newBarrier();
        journalProcessor = new BatchEventProcessorBuilder().build(ring, head, new JournalStage(this, journal));
        ledgerProcessor = new BatchEventProcessorBuilder().build(ring, head, new LedgerStage(this, ledger, snapshotTaker,
            context.snapshotEveryCommands, context.commandsSinceSnapshot, context.snapshotErrorHandler, pauses));
        final SequenceBarrier appliedAndJournaled =
            ring.newBarrier(journalProcessor.getSequence(), ledgerProcessor.getSequence());
        replyProcessor = new BatchEventProcessorBuilder().build(ring, appliedAndJournaled, new ReplyStage(this));
        ring.addGatingSequences(replyProcessor.getSequence());

        journalProcessor.setExceptionHandler(failStop("journal"));
        ledgerProcessor.setExceptionHandler(failStop("ledger"));
        replyProcessor.setExceptionHandler(failStop("reply"));

        threads = new Thread[] {
            new Thread(journalProcessor, "ledger-journal"),
            new Thread(ledgerProcessor, "ledger-apply"),
            new Thread(replyProcessor, "ledger-reply")};
        for (final Thread thread : threads)
        {
            thread.setDaemon(true);
            thread.start();
        }
    }

    private FailStop failStop(final String stage)
    {
        return new FailStop(this, stage, firstCommandId, context.replyErrorHandler, context.fatalErrorHandler);
    }

    /**
     * Starts the pipeline's three threads.
     *
     * @param ledger  the state machine, already rebuilt from the journal; from now on touched only by the
     *                ledger thread.
     * @param journal where journaled commands go; from now on touched only by the journal thread.
     */
    public static LedgerPipeline start(final Context context, final Ledger ledger, final JournalWriter journal)
    {
        return new LedgerPipeline(context.conclude(), ledger, journal);
    }

    /**
     * Claims a slot, fills it, stamps its command id and time, and publishes it.
     *
     * @return false, without side effects, when the ring is full or the pipeline is closed.
     */
    public <A> boolean tryPublish(final CommandFiller<A> filler, final A arg)
    {
        if (closed)
        {
            return false;
        }
        final long sequence;
        try
        {
            sequence = ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return false;
        }
        final CommandEvent event = ring.get(sequence);
        try
        {
            event.clear();
            filler.fill(event, arg);
            event.stamp(firstCommandId + sequence, clock.time());
            event.publishedNs(System.nanoTime());
        }
        catch (final RuntimeException | Error ex)
        {
            event.clear();
            throw ex;
        }
        finally
        {
            ring.publish(sequence);
        }
        return true;
    }

    /**
     * Asks the ledger stage for a snapshot at the end of its current or next batch (if anything was journaled since
     * the last one), and publishes a no-op so that an idle ledger thread wakes up for it. Does nothing without a
     * {@link Context#snapshotTaker}. Any thread.
     */
    public void requestSnapshot()
    {
        if (snapshotTaker == null || closed)
        {
            return;
        }
        snapshotRequested = true;
        tryPublish((event, arg) -> { }, null); // a NOOP (if the ring is full, a batch is running and will see the flag)
    }

    /**
     * Publishes a {@link CommandType#TICK}: a journaled command that carries nothing but the clock's time, so that the
     * ledger processes the deadlines up to it. Any thread.
     *
     * @return false when the ring is full or the pipeline closed (nothing published).
     */
    public boolean publishTick()
    {
        return tryPublish((event, arg) -> event.type(CommandType.TICK), null);
    }

    /**
     * @return the ledger's next deadline as of the end of the ledger stage's latest batch (or of replay), epoch ms of
     * ledger time; {@link Long#MAX_VALUE} when none is pending. Any thread.
     */
    public long nextDeadlineMs()
    {
        return nextDeadlineMs;
    }

    /** Publishes the ledger's next deadline for other threads. Ledger thread, at the end of a batch. */
    void nextDeadlineMs(final long deadlineMs)
    {
        if (nextDeadlineMs != deadlineMs)
        {
            nextDeadlineMs = deadlineMs;
        }
    }

    /** @return the clock that stamps commands: the time a tick would carry. */
    EpochClock clock()
    {
        return clock;
    }

    /** @return free slots in the ring right now: a gauge for metrics. */
    public long remainingCapacity()
    {
        return ring.remainingCapacity();
    }

    /** @return the ring's size in events. */
    public int ringSizeEvents()
    {
        return ring.getBufferSize();
    }

    /** @return the longest the ledger thread went without completing a command while one was waiting, since start. */
    public long longestPauseNsSinceStart()
    {
        return pauses.longestSinceStart();
    }

    /**
     * @return the longest pause since the previous call (or since start), and starts the next period. Meant for one
     * reader: two would split the periods between them.
     */
    public long takeLongestPauseNs()
    {
        return pauses.takeLongest();
    }

    /** @return how many pauses reached {@link Context#pauseWarnNs} since start. */
    public long longPauses()
    {
        return pauses.longPauses();
    }

    /** @return the pause from which on a pause is counted by {@link #longPauses()} and reported. */
    public long pauseWarnNs()
    {
        return context.pauseWarnNs;
    }

    /**
     * @return money per currency as of the end of the ledger stage's latest batch: read it with
     * {@link MoneyTotals#read()}, from any thread, without pausing the ledger.
     */
    public MoneyTotals moneyTotals()
    {
        return ledger.moneyTotals();
    }

    /** @return true once a journal or ledger failure has stopped acknowledgements. */
    public boolean failed()
    {
        return failedSequence != Long.MAX_VALUE;
    }

    /**
     * Stops accepting commands, waits (up to the context's drain timeout) until every published command has
     * been replied to, stops the threads, takes a final snapshot (with a snapshot taker, when every thread stopped
     * and nothing failed) and closes the journal.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        final long deadlineNs = System.nanoTime() + context.drainTimeoutNs;
        while (replyProcessor.getSequence().get() < ring.getCursor() && System.nanoTime() < deadlineNs)
        {
            Thread.onSpinWait();
        }
        journalProcessor.halt();
        ledgerProcessor.halt();
        replyProcessor.halt();
        boolean stopped = true;
        for (final Thread thread : threads)
        {
            try
            {
                thread.join(TimeUnit.NANOSECONDS.toMillis(context.drainTimeoutNs) + 1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            stopped &= !thread.isAlive();
        }
        try
        {
            if (snapshotTaker != null)
            {
                try
                {
                    if (stopped && !failed())
                    {
                        snapshotTaker.finalSnapshot(ledger); // join() makes the ledger thread's writes visible here
                    }
                }
                catch (final RuntimeException | Error ex)
                {
                    context.snapshotErrorHandler.onSnapshotError(ledger.lastCommandId(), ex);
                }
                finally
                {
                    snapshotTaker.close();
                }
            }
        }
        finally
        {
            journal.close();
        }
    }

    /** @return true when {@code sequence} is at or after a failure: a stage must not process it. Stage threads. */
    boolean failedAt(final long sequence)
    {
        return sequence >= failedSequence;
    }

    /** @return true when {@link #requestSnapshot()} asked for a snapshot that was not taken yet. Ledger thread. */
    boolean snapshotRequested()
    {
        return snapshotRequested;
    }

    /** Clears the request: a snapshot was taken, or nothing changed since the last one. Ledger thread. */
    void snapshotRequestDone()
    {
        snapshotRequested = false;
    }

    /** Stops acknowledging anything from {@code sequence} on and tells the fatal error handler. Stage threads. */
    void fail(final String stage, final long sequence, final Throwable error)
    {
        if (sequence < failedSequence)
        {
            failedSequence = sequence;
        }
        context.fatalErrorHandler.onFatalError(stage, firstCommandId + sequence, error);
    }

    /**
     * Configuration, validated once by {@link #conclude()} (Aeron's habit): defaults resolved there, not in
     * getters.
     */
    public static final class Context
    {
        /** The ring's size when none is chosen; the server's {@code --ring-size} default. */
        public static final int RING_SIZE_EVENTS_DEFAULT = 16 * 1024;
        /** A pause of the ledger thread from which on it is counted and reported: 50 ms. */
        public static final long PAUSE_WARN_MS_DEFAULT = 50;
        /** {@link #PAUSE_WARN_MS_DEFAULT} in nanoseconds. */
        public static final long PAUSE_WARN_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(PAUSE_WARN_MS_DEFAULT);
        /** The wait strategy when none is chosen, a name {@link WaitStrategies#byName} knows; the server's default. */
        public static final String WAIT_STRATEGY_DEFAULT = "blocking";

        private int ringSizeEvents = RING_SIZE_EVENTS_DEFAULT;
        private String waitStrategyName = WAIT_STRATEGY_DEFAULT;
        private WaitStrategy waitStrategy;
        private EpochClock clock = System::currentTimeMillis;
        private long firstCommandId = 1;
        private long drainTimeoutNs = TimeUnit.SECONDS.toNanos(5);
        private SnapshotTaker snapshotTaker;
        private long snapshotEveryCommands;
        private long commandsSinceSnapshot;
        private long pauseWarnNs = PAUSE_WARN_NS_DEFAULT;
        private LongPauseHandler longPauseHandler = (pauseNs, commandId, unreported) ->
            System.err.println("ledger pipeline: the ledger thread went " + TimeUnit.NANOSECONDS.toMillis(pauseNs)
                + " ms without completing a command while commandId=" + commandId + " waited (" + unreported + " more unreported)");
        private SnapshotErrorHandler snapshotErrorHandler = (lastCommandId, error) ->
        {
            System.err.println("ledger pipeline snapshot at lastCommandId=" + lastCommandId + " failed: " + error);
            error.printStackTrace();
        };
        private ReplyErrorHandler replyErrorHandler = (commandId, error) ->
            System.err.println("ledger pipeline reply for commandId=" + commandId + " was lost: " + error);
        private FatalErrorHandler fatalErrorHandler = (stage, commandId, error) ->
        {
            System.err.println("ledger pipeline stage=" + stage + " commandId=" + commandId + " failed: " + error);
            error.printStackTrace();
        };

        /** Ring capacity: a power of two; the most commands that can wait between the socket and the ledger. */
        public Context ringSizeEvents(final int ringSizeEvents)
        {
            this.ringSizeEvents = ringSizeEvents;
            return this;
        }

        /** How idle stages wait: {@code blocking} (default, kind to small machines), {@code sleeping},
         * {@code yielding} or {@code busy-spin} (lowest latency, burns a core per stage). */
        public Context waitStrategy(final String name)
        {
            this.waitStrategyName = name;
            return this;
        }

        /** The clock that stamps commands. Only the publisher reads it; the ledger never does. */
        public Context clock(final EpochClock clock)
        {
            this.clock = clock;
            return this;
        }

        /** The id of the first command published: one past the last id in the journal. */
        public Context firstCommandId(final long firstCommandId)
        {
            this.firstCommandId = firstCommandId;
            return this;
        }

        public Context drainTimeoutNs(final long drainTimeoutNs)
        {
            this.drainTimeoutNs = drainTimeoutNs;
            return this;
        }

        public Context fatalErrorHandler(final FatalErrorHandler handler)
        {
            this.fatalErrorHandler = handler;
            return this;
        }

        public Context replyErrorHandler(final ReplyErrorHandler handler)
        {
            this.replyErrorHandler = handler;
            return this;
        }

        /** Who takes snapshots; {@code null} (the default) for none. From now on owned by the pipeline, which closes it. */
        public Context snapshotTaker(final SnapshotTaker snapshotTaker)
        {
            this.snapshotTaker = snapshotTaker;
            return this;
        }

        /** A snapshot after this many journaled commands; 0 (the default) for none by count. */
        public Context snapshotEveryCommands(final long snapshotEveryCommands)
        {
            this.snapshotEveryCommands = snapshotEveryCommands;
            return this;
        }

        /** Journaled commands already applied that no snapshot holds (the journal tail replayed at start-up). */
        public Context commandsSinceSnapshot(final long commandsSinceSnapshot)
        {
            this.commandsSinceSnapshot = commandsSinceSnapshot;
            return this;
        }

        /** A pause of the ledger thread from which on it is counted and reported (> 0; default 50 ms). */
        public Context pauseWarnNs(final long pauseWarnNs)
        {
            this.pauseWarnNs = pauseWarnNs;
            return this;
        }

        /** Who hears about long pauses, at most once a second; {@code null} for nobody (they are still counted). */
        public Context longPauseHandler(final LongPauseHandler handler)
        {
            this.longPauseHandler = handler;
            return this;
        }

        public Context snapshotErrorHandler(final SnapshotErrorHandler handler)
        {
            this.snapshotErrorHandler = handler;
            return this;
        }

        public int ringSizeEvents()
        {
            return ringSizeEvents;
        }

        Context conclude()
        {
            if (ringSizeEvents < 2 || Integer.bitCount(ringSizeEvents) != 1)
            {
                throw new IllegalArgumentException("ringSizeEvents=" + ringSizeEvents + " must be a power of two >= 2");
            }
            if (firstCommandId < 1)
            {
                throw new IllegalArgumentException("firstCommandId=" + firstCommandId + " must be >= 1");
            }
            if (drainTimeoutNs < 0)
            {
                throw new IllegalArgumentException("drainTimeoutNs=" + drainTimeoutNs + " must be >= 0");
            }
            if (snapshotEveryCommands < 0 || commandsSinceSnapshot < 0)
            {
                throw new IllegalArgumentException("snapshotEveryCommands=" + snapshotEveryCommands +
                    " commandsSinceSnapshot=" + commandsSinceSnapshot + " must be >= 0");
            }
            if (pauseWarnNs <= 0)
            {
                throw new IllegalArgumentException("pauseWarnNs=" + pauseWarnNs + " must be > 0");
            }
            waitStrategy = WaitStrategies.byName(waitStrategyName);
            if (clock == null || fatalErrorHandler == null || replyErrorHandler == null || snapshotErrorHandler == null)
            {
                throw new IllegalArgumentException(
                    "clock, fatalErrorHandler, replyErrorHandler and snapshotErrorHandler must be set");
            }
            return this;
        }
    }
}
