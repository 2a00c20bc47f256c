package io.ledger.engine;

import java.util.concurrent.TimeUnit;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import io.ledger.engine.internal.DeferrableSignal;
import org.agrona.concurrent.EpochClock;

/**
 * The command pipeline: a multi-producer Disruptor ring of preallocated {@link CommandEvent}s with one consumer, the
 * ledger thread ({@link LedgerProcessor}), which journals and then applies each command in sequence order; the replies
 * of a batch are released by the ledger thread itself once the batch is journaled, or, when the journal syncs on a
 * thread of its own ({@code fsync} durability, {@link JournalWriter#syncer()}), by the sync thread
 * ({@link SyncProcessor}) once the sync that covers the batch returns. See {@code package-info.java} for the picture.
 * With {@link Context#consumerLoop} the consumer runs on an HTTP event loop instead of a thread of its own
 * ({@link LoopConsumer}): the same stages, in the same order, on that loop.
 *
 * <p>Publishing never blocks: when the ring is full {@link #tryPublish} returns false and the caller refuses the
 * request (HTTP 503), so no unbounded queue builds up between the socket and the ledger thread. A slot is reused only
 * after its reply was handed to its {@link ReplySink}.
 *
 * <p>Failure policy: if the journal throws (an append, or the sync that should cover a batch), or the ledger throws (a
 * bug), nothing from that command on is ever acknowledged: replies to those commands carry no result (the event's
 * {@link CommandEvent#result()} is {@code null}, "unavailable") and the {@link Context#fatalErrorHandler} is told, so
 * the process can stop and recover from the journal. A command is journaled before it is applied, so a journal that
 * fails leaves it unapplied.
 *
 * <p>Snapshots never pause the ledger thread: they are written by a follower that keeps its own copy of the ledger by
 * reading the journal (the journal module's {@code SnapshotAgent}). The pipeline only tells its
 * {@link Context#snapshotTaker} to take a final one in {@link #close()}, after the ledger thread stopped and before the
 * journal closes.
 *
 * <p>Pauses: the ledger stage measures how long the ledger thread went without completing a command while commands
 * were waiting: {@code completedNs - max(previous completedNs, publishedNs)}, per group of up to 8 commands and at the
 * end of each batch (see {@link PauseFigures}). That covers a slow command, a GC pause, a descheduled thread and a late
 * wake-up alike, costs one {@link System#nanoTime()} per group and allocates nothing. The longest is readable from any thread ({@link #longestPauseNsSinceStart()},
 * {@link #takeLongestPauseNs()}); a pause of at least {@link Context#pauseWarnNs} is counted and reported to the
 * {@link Context#longPauseHandler}, at most once a second.
 *
 * <p>Deadlines: at the end of each batch the ledger stage publishes the ledger's next deadline
 * ({@link #nextDeadlineMs()}); a {@link DeadlineTicker} run by the wiring journals a {@link CommandType#TICK} once the
 * clock has passed it, so that a hold is released or a gift balance expires even when no other command comes by.
 *
 * <p>History memory: unless {@link Context#historyReadyChunks} is 0, a {@code ledger-memory} thread keeps chunks of the
 * history's off-heap memory allocated and faulted in ahead of the ledger thread ({@link HistoryMemory}), so that the
 * ledger thread neither zeroes nor page-faults the history it appends to.
 *
 * <p>Thread-safety: {@link #tryPublish}, {@link #publishTick()} and the figures ({@link #remainingCapacity()}, the pause
 * figures, {@link #nextDeadlineMs()}) may be called from any number of threads; everything else from one.
 */
public final class LedgerPipeline implements CommandGateway, AutoCloseable
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
    private final LedgerProcessor ledgerProcessor;
    /** The ring's wait strategy: the context's, or the event loop's signal. */
    private final WaitStrategy waitStrategy;
    /** Null unless the consumer runs on an event loop ({@link Context#consumerLoop}): there is no {@code ledger} thread. */
    private final LoopConsumer loopConsumer;
    /** Null unless the journal syncs on a thread of its own. */
    private final SyncProcessor syncProcessor;
    /** How far replies are released: the ring's one gating sequence. */
    private final Sequence replied;
    private final Thread[] threads;
    private final EpochClock clock;
    private final long firstCommandId;
    private final JournalWriter journal;
    private final Ledger ledger;
    private final SnapshotTaker snapshotTaker;
    private final PauseFigures pauses;
    /** Null when {@link Context#historyReadyChunks} is 0. */
    private final HistoryMemory historyMemory;
    /** The {@code ledger-memory} thread; null when {@link Context#historyReadyChunks} is 0. */
    private final HistoryMemory.Filler historyFiller;
    private volatile long failedSequence = Long.MAX_VALUE;
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
        loopConsumer = context.consumerLoop == null ? null : new LoopConsumer(context.consumerLoop);
        waitStrategy = loopConsumer == null ? context.waitStrategy : loopConsumer.signal();
        ring = RingBuffer.createMultiProducer(CommandEvent::new, context.ringSizeEvents, waitStrategy);
        ledger.moneyTotals().publish(); // what replay rebuilt is readable before the first batch
        nextDeadlineMs = ledger.nextDeadlineMs();

        final JournalWriter.Syncer syncer = journal.syncer();
        final ReplyStage replyStage = new ReplyStage(this, ring, context.replyErrorHandler);
        syncProcessor = syncer == null ? null : new SyncProcessor(this, syncer, replyStage);
        ledgerProcessor = new LedgerProcessor(this, ring, new JournalStage(this, journal), new LedgerStage(this, ledger, pauses),
            syncer == null ? replyStage : null, syncProcessor);
        replied = syncProcessor == null ? ledgerProcessor.sequence() : syncProcessor.sequence();
        ring.addGatingSequences(replied);
        if (loopConsumer != null)
        {
            loopConsumer.attach(ring, ledgerProcessor);
        }

        historyMemory = context.historyReadyChunks == 0 ? null : new HistoryMemory(context.historyReadyChunks);
        if (historyMemory != null)
        {
            // ready before the first command; the ledger thread's Thread.start() below (or the loop's first task) publishes it
            historyFiller = HistoryMemory.startFiller(historyMemory, "ledger-memory", MEMORY_CHECK_NS);
            ledger.historyMemory(historyMemory);
        }
        else
        {
            historyFiller = null;
        }
        threads = java.util.stream.Stream.of(loopConsumer == null ? new Thread(ledgerProcessor, "ledger") : null,
            syncProcessor == null ? null : new Thread(syncProcessor, "ledger-sync")).filter(t -> t != null).toArray(Thread[]::new);
        for (final Thread thread : threads)
        {
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Starts the pipeline's threads: the ledger thread, and the sync thread when the journal asks for one.
     *
     * @param ledger  the state machine, already rebuilt from the journal; from now on touched only by the
     *                ledger thread.
     * @param journal where journaled commands go; from now on appended to only by the ledger thread.
     */
    public static LedgerPipeline start(final Context context, final Ledger ledger, final JournalWriter journal)
    {
        return new LedgerPipeline(context.conclude(), ledger, journal);
    }

    /** How often the {@code ledger-memory} thread looks for taken chunks if nothing woke it (a safety net). */
    private static final long MEMORY_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * @return history chunks the ledger thread had to allocate itself because none was ready (0 without a
     *         {@code ledger-memory} thread's figures: see {@link HistoryMemory}). Any thread.
     */
    @Override
    public long historyChunksAllocatedOnLedgerThread()
    {
        return historyMemory == null ? 0 : historyMemory.chunksAllocatedOnLedgerThread();
    }

    /**
     * Claims a slot, fills it, stamps its command id and time, and publishes it.
     *
     * @return false, without side effects, when the ring is full or the pipeline is closed.
     */
    @Override
    public <A> boolean tryPublish(final CommandFiller<A> filler, final A arg)
    {
        return tryPublish(filler, arg, 1);
    }

    /**
     * Claims {@code slots} consecutive slots, fills the last, stamps its command id and time, and publishes them all;
     * the others become {@link CommandType#NOOP}s ({@link CommandEvent#reserve}, skipped by the stages), so their
     * command ids, just below the last one's, are its to use: a {@link CommandType#BATCH} of n commands claims n + 1.
     *
     * @return false, without side effects, when the ring has not that many free slots (or is smaller than that) or the
     *         pipeline is closed.
     */
    @Override
    public <A> boolean tryPublish(final CommandFiller<A> filler, final A arg, final int slots)
    {
        if (closed)
        {
            return false;
        }
        if (slots < 1)
        {
            throw new IllegalArgumentException("slots=" + slots + " must be at least 1");
        }
        if (slots > ring.getBufferSize())
        {
            return false; // more than the ring holds: refused like a full ring
        }
        final long last;
        try
        {
            last = ring.tryNext(slots);
        }
        catch (final InsufficientCapacityException ex)
        {
            return false;
        }
        final long first = last - slots + 1;
        final long sequence = last;
        final CommandEvent event = ring.get(sequence);
        try
        {
            final long timeMs = clock.time();
            event.clear();
            filler.fill(event, arg);
            event.stamp(firstCommandId + sequence, timeMs);
            final long publishedNs = System.nanoTime();
            event.publishedNs(publishedNs);
            for (long reserved = first; reserved < last; reserved++)
            {
                ring.get(reserved).reserve(firstCommandId + reserved, timeMs, publishedNs);
            }
        }
        catch (final RuntimeException | Error ex)
        {
            event.clear();
            throw ex;
        }
        finally
        {
            ring.publish(first, last);
        }
        return true;
    }

    /**
     * As {@link #tryPublish(CommandFiller, Object, int)}, with the ledger thread's wake-up left to the caller's next
     * {@link #signalDeferred()} when the wait strategy can defer it ({@code lite-blocking}); otherwise the same.
     */
    @Override
    public <A> boolean tryPublishDeferred(final CommandFiller<A> filler, final A arg, final int slots)
    {
        if (!(waitStrategy instanceof DeferrableSignal deferrable))
        {
            return tryPublish(filler, arg, slots);
        }
        deferrable.deferSignals(true);
        try
        {
            return tryPublish(filler, arg, slots);
        }
        finally
        {
            deferrable.deferSignals(false);
        }
    }

    @Override
    public void signalDeferred()
    {
        if (waitStrategy instanceof DeferrableSignal deferrable)
        {
            deferrable.signal();
        }
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

    /**
     * @return the id of the last command the pipeline acknowledged (journaled, in FSYNC mode synced, applied and replied
     * to), or {@code firstCommandId - 1} before the first: every command up to it is committed. Commands recovered at
     * start-up are below {@code firstCommandId}, so they count as committed. Readers of the journal that must not
     * publish what a power loss could still take back (the change stream) stop here. Any thread.
     */
    public long lastAcknowledgedCommandId()
    {
        final long sequence = Math.min(replied.get(), failedSequence - 1);
        return firstCommandId + sequence;
    }

    /** @return the clock that stamps commands: the time a tick would carry. */
    EpochClock clock()
    {
        return clock;
    }

    /** @return free slots in the ring right now: a gauge for metrics. */
    @Override
    public long remainingCapacity()
    {
        return ring.remainingCapacity();
    }

    /** @return the ring's size in events. */
    @Override
    public int ringSizeEvents()
    {
        return ring.getBufferSize();
    }

    /** @return the longest the ledger thread went without completing a command while one was waiting, since start. */
    @Override
    public long longestPauseNsSinceStart()
    {
        return pauses.longestSinceStart();
    }

    /**
     * @return the longest pause since the previous call (or since start), and starts the next period. Meant for one
     * reader: two would split the periods between them.
     */
    @Override
    public long takeLongestPauseNs()
    {
        return pauses.takeLongest();
    }

    /**
     * The pause going on now, as a health check needs it: how long the ledger thread has gone without completing a
     * command while the oldest command it has not applied waits, {@code nowNs - max(that command's publish time, the
     * last completion)}; 0 when no published command waits for the ledger. Progress is published at the end of each
     * batch, so a long batch reads as a pause of at most its length. Any thread; allocates nothing.
     *
     * @param nowNs {@link System#nanoTime()} now.
     */
    @Override
    public long ledgerStallNs(final long nowNs)
    {
        final long next = ledgerProcessor.sequence().get() + 1;
        if (!ring.isAvailable(next))
        {
            return 0; // nothing published waits (or it is still being filled: then the ledger is not the one waiting)
        }
        final long publishedNs = ring.get(next).publishedNs(); // visible: isAvailable read the publisher's release
        if (ledgerProcessor.sequence().get() >= next)
        {
            return 0; // applied meanwhile (the slot may be refilled from here on, so its time is not used)
        }
        return Math.max(0, nowNs - Math.max(publishedNs, pauses.lastCompletedNs()));
    }

    /** @return how many pauses reached {@link Context#pauseWarnNs} since start. */
    @Override
    public long longPauses()
    {
        return pauses.longPauses();
    }

    /** @return the pause from which on a pause is counted by {@link #longPauses()} and reported. */
    @Override
    public long pauseWarnNs()
    {
        return context.pauseWarnNs;
    }

    /**
     * @return money per currency as of the end of the ledger stage's latest batch: read it with
     * {@link MoneyTotals#read()}, from any thread, without pausing the ledger.
     */
    @Override
    public MoneyTotals moneyTotals()
    {
        return ledger.moneyTotals();
    }

    /** @return true once a journal or ledger failure has stopped acknowledgements. */
    @Override
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
        if (loopConsumer != null && loopConsumer.inLoop())
        {
            throw new IllegalStateException("close() on the consumer's event loop would wait for that loop to drain");
        }
        closed = true;
        final long deadlineNs = System.nanoTime() + context.drainTimeoutNs;
        while (replied.get() < ring.getCursor() && System.nanoTime() < deadlineNs)
        {
            Thread.onSpinWait();
        }
        ledgerProcessor.halt();
        if (historyFiller != null)
        {
            historyFiller.close();
        }
        if (syncProcessor != null)
        {
            syncProcessor.halt();
        }
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
        if (loopConsumer != null)
        {
            stopped &= loopConsumer.stop(TimeUnit.NANOSECONDS.toMillis(context.drainTimeoutNs) + 1);
        }
        try
        {
            if (snapshotTaker != null)
            {
                try
                {
                    if (stopped && !failed())
                    {
                        snapshotTaker.finalSnapshot(ledger); // join() (or the loop's stop) makes the ledger's writes visible here
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

    /** @return true when {@code sequence} is at or after a failure: a stage must not process it. Pipeline threads. */
    boolean failedAt(final long sequence)
    {
        return sequence >= failedSequence;
    }

    /** Stops acknowledging anything from {@code sequence} on and tells the fatal error handler. Pipeline threads. */
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
        public static final String WAIT_STRATEGY_DEFAULT = "lite-blocking";

        private int ringSizeEvents = RING_SIZE_EVENTS_DEFAULT;
        private int historyReadyChunks = HistoryMemory.READY_CHUNKS_DEFAULT;
        private String waitStrategyName = WAIT_STRATEGY_DEFAULT;
        private WaitStrategy waitStrategy;
        private ConsumerLoop consumerLoop;
        private EpochClock clock = System::currentTimeMillis;
        private long firstCommandId = 1;
        private long drainTimeoutNs = TimeUnit.SECONDS.toNanos(5);
        private SnapshotTaker snapshotTaker;
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

        /**
         * Chunks of history memory of each kind the {@code ledger-memory} thread keeps ready (default
         * {@link HistoryMemory#READY_CHUNKS_DEFAULT}, about 11 MiB); 0 for no such thread (the ledger thread then
         * allocates them itself).
         */
        public Context historyReadyChunks(final int historyReadyChunks)
        {
            this.historyReadyChunks = historyReadyChunks;
            return this;
        }

        /** How the idle ledger thread waits: {@code lite-blocking} (default: parks, and a publisher signals only a
         * parked thread), {@code blocking}, {@code sleeping}, {@code yielding} or {@code busy-spin} (lowest latency,
         * burns a core); see {@link WaitStrategies}. */
        public Context waitStrategy(final String name)
        {
            this.waitStrategyName = name;
            return this;
        }

        /**
         * Runs the ring's consumer on {@code loop} (an HTTP event loop) instead of a {@code ledger} thread of its own;
         * the wait strategy is then the loop's (see {@link LoopConsumer}). {@code null} (the default): its own thread.
         */
        public Context consumerLoop(final ConsumerLoop loop)
        {
            this.consumerLoop = loop;
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

        /**
         * Who takes snapshots (told only to take a final one at {@link #close()}); {@code null} (the default) for none.
         * From now on owned by the pipeline, which closes it.
         */
        public Context snapshotTaker(final SnapshotTaker snapshotTaker)
        {
            this.snapshotTaker = snapshotTaker;
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
            if (historyReadyChunks < 0)
            {
                throw new IllegalArgumentException("historyReadyChunks=" + historyReadyChunks + " must be >= 0");
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
