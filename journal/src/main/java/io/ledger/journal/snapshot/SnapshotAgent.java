package io.ledger.journal.snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.HistoryMemory;
import io.ledger.engine.Ledger;
import io.ledger.engine.SnapshotTaker;
import io.ledger.engine.internal.ChunkSupply;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.JournalTail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot follower (thread {@code ledger-snapshot}): keeps its own copy of the ledger by reading the journal as
 * the journal thread appends to it, applying every command with the same deterministic {@link Ledger#apply}, and writes
 * each snapshot from that copy, so the pipeline's ledger thread never stops for one. It is what a replica will be: a
 * follower replaying the leader's log, lagging freely.
 *
 * <p><b>Start.</b> It rebuilds its copy on its own thread, after the server has started: from the snapshot the server
 * started from (loaded again; its state hash was checked by the server's load, its checksums are checked again here),
 * or from an empty ledger, then the journal after it, and then keeps following the journal. Memory: the ledger is held
 * twice (see docs/operations.md for the figure).
 *
 * <p><b>Memory.</b> As its copy's history grows, it takes the chunks from {@link #slabMemory()} by default: carved on
 * the follower's own thread from the huge-page slabs the live ledger's history uses ({@link io.ledger.engine.HistorySlabs},
 * one page fault per 2 MiB), not allocated one by one with {@code allocateDirect} (zeroed by the JVM, then faulted in
 * 4 KiB at a time: 18.6% of the follower's CPU at 24,000 purchases/s in session 10's profile). Which memory a chunk is
 * never changes the copy's state, so the snapshots' bytes are the same (see {@link ChunkSupply}).
 *
 * <p><b>When.</b> A snapshot is due after {@link Context#everyCommands} journal records since the last one, or
 * {@link Context#everySeconds} after it when anything was applied since. It is taken once the follower has caught up
 * with the journal's end (so that a long backlog, such as a start's journal tail, does not cost one snapshot per
 * interval), or when it is twice overdue. Its journal index and record checksum are those of the last record the
 * follower applied: known exactly, no search. The file, its header, atomic write, checksums, pruning to
 * {@link Context#keep} and journal retention are as before ({@link SnapshotStore#write}, {@link JournalRetention}).
 *
 * <p><b>Stop.</b> {@link #finalSnapshot} (the pipeline's close, after the ledger thread stopped, before the journal
 * closes) has the follower catch up with the live ledger's last command and write the final snapshot, when anything
 * changed since the last one, and waits for it. A follower that stopped after a failure leaves that final snapshot to
 * the caller's thread, written from the stopped live ledger.
 *
 * <p><b>Failures.</b> A snapshot that cannot be written (a full disk, say) is logged at ERROR, counted
 * ({@link #snapshotFailures()}), its temporary file deleted, and tried again at the next due point. Anything else the
 * follower meets (a bug in applying a command, a journal record it cannot read) stops the follower: logged at ERROR,
 * {@link #running()} turns false, and snapshots stop until the next start. The live ledger is never affected: the
 * follower shares nothing with it but the journal's files.
 *
 * <p>Thread-safety: {@link #create}, {@link #start()}, {@link #finalSnapshot} and {@link #close} on the thread that owns the server's
 * lifecycle; the figures ({@link #running()}, {@link #lastCommandId()}, {@link #recordsBehind()},
 * {@link #snapshotFailures()}) from any thread; everything else on the follower's own thread.
 */
public final class SnapshotAgent implements SnapshotTaker
{
    /** Told about each snapshot written: for logs, metrics, tests and the benchmarks. */
    @FunctionalInterface
    public interface Listener
    {
        /**
         * @param file       the snapshot file.
         * @param header     its header.
         * @param payloadNs  how long writing the payload took (the follower's time, never the ledger thread's).
         * @param totalNs    the whole write: payload, state hash, header, fsync, rename, directory fsync.
         */
        void onSnapshot(Path file, SnapshotHeader header, long payloadNs, long totalNs);
    }

    /**
     * Told about each journal record right after the follower applied it, on the follower's thread, in journal order:
     * the change stream learns each command's outcome here (its result fields are written). Whatever it throws stops
     * the follower, as a failure to apply does (logged at ERROR; snapshots stop until the next start).
     */
    @FunctionalInterface
    public interface AppliedListener
    {
        /**
         * @param journalIndex the record's journal index.
         * @param event        the command, applied: valid only during the call.
         * @param ledger       the follower's copy, after the command: read only, during the call only.
         */
        void applied(long journalIndex, CommandEvent event, Ledger ledger);
    }

    /** Journal records applied per poll before the follower looks at its clock and flags again. */
    static final int BATCH_RECORDS = 4096;
    /**
     * How long a caught-up follower sleeps before looking at the journal again: each look costs a wake-up whatever it
     * finds (at 2,000 purchases/s, 1 ms cost the follower 27-28 µs of CPU per purchase, 4 ms 16-17 µs), and only the
     * change stream's events wait for it (a few ms more), not a request.
     */
    static final long IDLE_NS = TimeUnit.MILLISECONDS.toNanos(4);
    /**
     * The follower's Java priority: the lowest. Under config/jvm.options ({@code -XX:ThreadPriorityPolicy=1
     * -XX:JavaPriority1_To_OSPriority=10}) HotSpot on Linux gives the thread nice 10, against 0 for the ledger, journal
     * and event-loop threads, so when they compete for a core the follower gets about a tenth of the CPU time one of them
     * gets (CFS weights 110 and 1024), and all of the CPU nobody else wants. Writing a snapshot takes the follower
     * seconds of CPU; at nice 0 it took that from the event loop and the ledger thread on a 2-core machine. Without those
     * flags, or on a JVM or OS that ignores priorities, it changes nothing.
     */
    public static final int THREAD_PRIORITY = Thread.MIN_PRIORITY;
    /**
     * Chunks kept ready ahead by {@link #slabMemory()}: one of each kind, so that the follower's copy holds at most
     * 344 KiB more than its history needs (the live ledger's filler keeps 32 of each, 11 MiB, for bursts the follower
     * does not have to absorb at once: it may lag).
     */
    static final int READY_CHUNKS = 1;
    /** How long {@link #finalSnapshot} and {@link #close} wait for the follower. */
    static final long STOP_TIMEOUT_MS = 120_000;

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotAgent.class);

    private final Context context;
    private final Thread thread;

    // written by the follower thread, read by any
    private volatile boolean running = true;
    private volatile long lastCommandId = -1;
    private volatile long lastIndex = -1;
    private volatile long snapshotFailures;
    private volatile long snapshotsWritten;
    private volatile boolean finalDone;
    /** The last command of the newest snapshot written, or loaded at start; -1 for none. */
    private volatile long lastSnapshotCommandId;
    // written by the lifecycle thread, read by the follower
    private volatile long finalTargetCommandId = Long.MIN_VALUE;
    private volatile boolean stopRequested;

    // follower thread only
    private Ledger ledger;
    private long sinceSnapshot;
    private long lastSnapshotNs;

    private SnapshotAgent(final Context context)
    {
        this.context = context;
        this.lastSnapshotCommandId = context.startSnapshotCommandId;
        thread = new Thread(this::run, "ledger-snapshot");
        thread.setDaemon(true);
        thread.setPriority(THREAD_PRIORITY);
    }

    /**
     * @return a follower, not started yet: hand it to the pipeline as its {@link SnapshotTaker}, then {@link #start()}
     * it. One never started leaves the final snapshot to {@link #finalSnapshot}'s thread, from the stopped live ledger.
     */
    public static SnapshotAgent create(final Context context)
    {
        return new SnapshotAgent(context.conclude());
    }

    /** Starts the follower's thread: it rebuilds its copy, then follows the journal. */
    public void start()
    {
        thread.start();
    }

    // ---- figures, any thread

    /** @return false once the follower stopped after a failure (or was closed): no more snapshots until a restart. */
    public boolean running()
    {
        return running;
    }

    /** @return the id of the last command the follower applied, or -1 before its copy is rebuilt. */
    public long lastCommandId()
    {
        return lastCommandId;
    }

    /** @return journal records the follower has not applied yet (0 when caught up); -1 before its copy is rebuilt. */
    public long recordsBehind()
    {
        final long followed = lastIndex;
        final long end = context.journal.lastIndex();
        if (followed < 0 || end < 0)
        {
            return lastCommandId < 0 ? -1 : 0;
        }
        if (end <= followed)
        {
            return 0;
        }
        try
        {
            return Math.max(0, context.journal.recordsBetween(followed, end));
        }
        catch (final RuntimeException ex)
        {
            return -1; // a cycle rolled or went away under the count: the next scrape reads again
        }
    }

    /** @return snapshots that failed to be written (each logged at ERROR). */
    public long snapshotFailures()
    {
        return snapshotFailures;
    }

    /** @return snapshots written by this follower. */
    public long snapshotsWritten()
    {
        return snapshotsWritten;
    }

    // ---- lifecycle

    @Override
    public void finalSnapshot(final Ledger live)
    {
        final long target = live.lastCommandId();
        if (target < 1)
        {
            return;
        }
        if (running && thread.isAlive())
        {
            finalTargetCommandId = target;
            LockSupport.unpark(thread);
            if (awaitFinal())
            {
                return;
            }
            if (running)
            {
                throw new IllegalStateException("the snapshot follower did not reach commandId=" + target + " within " +
                    STOP_TIMEOUT_MS + " ms; no final snapshot (the journal holds every command)");
            }
        }
        finalSnapshotFromLive(live, target);
    }

    /** Stops the follower (after its current step) and waits for it, bounded. Idempotent. */
    @Override
    public void close()
    {
        stopRequested = true;
        LockSupport.unpark(thread);
        try
        {
            thread.join(STOP_TIMEOUT_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive())
        {
            LOG.warn("snapshot: the follower did not stop within {} ms", STOP_TIMEOUT_MS);
        }
    }

    private boolean awaitFinal()
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_TIMEOUT_MS);
        while (!finalDone && running && System.nanoTime() < deadlineNs)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return finalDone;
    }

    /** The follower is gone (a failure): the live ledger has stopped, so write its state from this thread. */
    private void finalSnapshotFromLive(final Ledger live, final long target)
    {
        if (target == lastSnapshotCommandId)
        {
            return;
        }
        final long index = context.journal.indexOfCommand(target, 1_000);
        final ChronicleJournal.CommandAt record = index < 0 ? null : context.journal.commandAt(index);
        if (record == null || record.commandId() != target)
        {
            throw new IllegalStateException("the journal does not hold commandId=" + target + "; no final snapshot");
        }
        try
        {
            finish(context.store.write(live, index, record.crc32c()));
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("final snapshot at lastCommandId=" + target + " failed", ex);
        }
    }

    // ---- the follower's thread

    private void run()
    {
        JournalTail tail = null;
        try
        {
            tail = rebuild();
            lastSnapshotNs = System.nanoTime();
            final ChronicleJournal.RecordVisitor apply = (index, event) ->
            {
                context.applier.accept(ledger, event);
                if (context.appliedListener != null)
                {
                    context.appliedListener.applied(index, event, ledger);
                }
                return true;
            };
            while (!stopRequested)
            {
                final long applied = tail.poll(apply, BATCH_RECORDS);
                sinceSnapshot += applied;
                if (applied > 0)
                {
                    lastCommandId = tail.lastCommandId();
                    lastIndex = tail.lastCommandIndex();
                }
                final boolean caughtUp = applied < BATCH_RECORDS;
                final long target = finalTargetCommandId;
                if (target != Long.MIN_VALUE && tail.lastCommandId() >= target)
                {
                    if (ledger.lastCommandId() != lastSnapshotCommandId)
                    {
                        snapshot(tail, true);
                    }
                    finalDone = true;
                    return;
                }
                if (due(caughtUp))
                {
                    snapshot(tail, false);
                }
                if (caughtUp && target == Long.MIN_VALUE)
                {
                    LockSupport.parkNanos(IDLE_NS);
                }
            }
        }
        catch (final Throwable error)
        {
            LOG.error("snapshot: the snapshot follower stopped at commandId={} and takes no more snapshots until the " +
                "next start (the live ledger is not affected; the journal holds every command): {}",
                ledger == null ? lastCommandId : ledger.lastCommandId(), error.toString(),
                error);
            context.onFailure.run();
        }
        finally
        {
            running = false;
            ledger = null; // the copy's memory goes back to the heap
            if (tail != null)
            {
                tail.close();
            }
        }
    }

    /**
     * The history memory a follower takes by default ({@link Context#historyMemory}): chunks carved from the process's
     * huge-page slabs ({@link io.ledger.engine.HistorySlabs#installed()}) when the copy needs one, on the calling thread
     * (the follower's: no filler thread, whose wake-ups would cost more than they save a thread that may lag), with
     * {@link #READY_CHUNKS} of each kind ready. Without slabs (none installed, or their budget reached) each chunk is
     * allocated alone, as a ledger without a supply does.
     */
    public static ChunkSupply slabMemory()
    {
        final HistoryMemory memory = new HistoryMemory(READY_CHUNKS);
        return bytes ->
        {
            memory.fill(); // tops up what the last chunk taken left: one chunk carved per chunk taken
            return memory.chunk(bytes);
        };
    }

    /** The copy: the start's snapshot (or an empty ledger) and a tail positioned after it. */
    private JournalTail rebuild() throws InvalidSnapshotException
    {
        final long startNs = System.nanoTime();
        final Path file = context.startSnapshot;
        final ChunkSupply memory = context.historyMemory.get();
        if (file == null)
        {
            ledger = context.newLedger.get();
            if (memory != null)
            {
                ledger.historyMemory(memory);
            }
            return context.journal.tail(-1, 0);
        }
        final SnapshotStore.Loaded loaded = context.store.load(file, context.defaultCurrency, false);
        ledger = loaded.ledger(); // its history sized whole for what the snapshot holds: the chunks are for what follows
        if (memory != null)
        {
            ledger.historyMemory(memory);
        }
        lastCommandId = ledger.lastCommandId();
        lastIndex = loaded.header().journalIndex();
        LOG.info("snapshot: the follower loaded {} in {} ms; following the journal from commandId {}", file,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs), ledger.lastCommandId());
        return context.journal.tail(loaded.header().journalIndex(), loaded.header().lastCommandId());
    }

    private boolean due(final boolean caughtUp)
    {
        if (sinceSnapshot == 0)
        {
            return false;
        }
        final long every = context.everyCommands;
        final long everyNs = TimeUnit.SECONDS.toNanos(context.everySeconds);
        final long sinceNs = System.nanoTime() - lastSnapshotNs;
        final boolean byCount = every > 0 && sinceSnapshot >= (caughtUp ? every : 2 * every);
        final boolean byTime = everyNs > 0 && sinceNs >= (caughtUp ? everyNs : 2 * everyNs);
        return byCount || byTime;
    }

    private void snapshot(final JournalTail tail, final boolean last)
    {
        final long commandId = ledger.lastCommandId();
        try
        {
            finish(context.store.write(ledger, tail.lastCommandIndex(), tail.lastCommandCrc32c()));
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.error("snapshot: the snapshot at lastCommandId={} failed; the journal still holds every command{}", commandId,
                last ? "" : ", and the next one is tried at the next due point", ex);
            snapshotFailures++;
        }
        finally
        {
            sinceSnapshot = 0; // after a failure too: the next try is a whole interval later, not a tight loop
            lastSnapshotNs = System.nanoTime();
        }
    }

    /** After a snapshot file is in place: log, prune, retention, listener. */
    private void finish(final SnapshotStore.Written written)
    {
        final SnapshotHeader header = written.header();
        lastSnapshotCommandId = header.lastCommandId();
        snapshotsWritten++;
        LOG.info("snapshot: wrote {} ({} bytes) covering commandId {} at journal index 0x{}, state hash {}, in {} ms " +
                "(the payload {} ms, forced to the disk in {} slices) on the follower; the ledger thread did not stop", written.file(),
            SnapshotHeader.HEADER_BYTES + written.payloadBytes(), header.lastCommandId(), Long.toHexString(header.journalIndex()),
            Long.toHexString(header.stateHash()), TimeUnit.NANOSECONDS.toMillis(written.totalNs()),
            TimeUnit.NANOSECONDS.toMillis(written.payloadNs()), written.sliceForces() + 1);
        final SnapshotStore store = context.store;
        final List<Path> pruned = store.prune(context.keep);
        if (!pruned.isEmpty())
        {
            LOG.info("snapshot: deleted {} (keeping the newest {})", pruned, context.keep);
        }
        final JournalRetention retention = context.retention;
        if (retention != null && retention.mode() != JournalRetention.Mode.OFF)
        {
            final List<Path> kept = store.list();
            final Path oldest = kept.get(kept.size() - 1);
            try
            {
                retention.apply(context.journal, store.readHeader(oldest).journalIndex());
            }
            catch (final InvalidSnapshotException ex)
            {
                LOG.warn("journal retention skipped: the oldest snapshot kept is unreadable: {}", ex.getMessage());
            }
        }
        if (context.listener != null)
        {
            context.listener.onSnapshot(written.file(), header, written.payloadNs(), written.totalNs());
        }
    }

    /**
     * Configuration, checked once by {@link SnapshotAgent#start} (Aeron's habit): what to follow, where snapshots go,
     * when they are due, how many are kept.
     */
    public static final class Context
    {
        private ChronicleJournal journal;
        private SnapshotStore store;
        private Path startSnapshot;
        private long startSnapshotCommandId = -1;
        private int defaultCurrency;
        private Supplier<Ledger> newLedger;
        private Supplier<ChunkSupply> historyMemory = SnapshotAgent::slabMemory;
        private long everyCommands;
        private long everySeconds;
        private int keep = 3;
        private JournalRetention retention;
        private Listener listener;
        private AppliedListener appliedListener;
        private Runnable onFailure = () -> { };
        private BiConsumer<Ledger, CommandEvent> applier = Ledger::apply;

        /** The running journal: read through the follower's own tailer, never appended to. Required. */
        public Context journal(final ChronicleJournal journal)
        {
            this.journal = journal;
            return this;
        }

        /** Where snapshots are written. Required. */
        public Context store(final SnapshotStore store)
        {
            this.store = store;
            return this;
        }

        /**
         * The snapshot the server started from, with the last command id it covers (no snapshot of that same state is
         * written again); {@code null} and -1 when the server replayed the whole journal.
         */
        public Context startSnapshot(final Path file, final long lastCommandId)
        {
            this.startSnapshot = file;
            this.startSnapshotCommandId = file == null ? -1 : lastCommandId;
            return this;
        }

        /** The packed default currency, as the server's ledger has it (configuration, not state). */
        public Context defaultCurrency(final int defaultCurrency)
        {
            this.defaultCurrency = defaultCurrency;
            return this;
        }

        /** Builds the empty ledger a follower without a start snapshot begins from. Required. */
        public Context newLedger(final Supplier<Ledger> newLedger)
        {
            this.newLedger = newLedger;
            return this;
        }

        /**
         * Where the copy's history takes its chunks as it grows, made on the follower's thread once per start:
         * {@link SnapshotAgent#slabMemory()} by default; a supplier of {@code null} for none (each chunk allocated alone,
         * as a ledger without a supply does). The copy's state is the same either way.
         */
        public Context historyMemory(final Supplier<ChunkSupply> historyMemory)
        {
            this.historyMemory = historyMemory;
            return this;
        }

        /** A snapshot after this many journal records since the last one; 0 for none by count. */
        public Context everyCommands(final long everyCommands)
        {
            this.everyCommands = everyCommands;
            return this;
        }

        /** A snapshot this long after the last one, if anything was applied since; 0 for none by time. */
        public Context everySeconds(final long everySeconds)
        {
            this.everySeconds = everySeconds;
            return this;
        }

        /** Snapshot files kept, newest first (>= 1). */
        public Context keep(final int keep)
        {
            this.keep = keep;
            return this;
        }

        /** What happens to journal cycles no kept snapshot needs; {@code null} for nothing. */
        public Context retention(final JournalRetention retention)
        {
            this.retention = retention;
            return this;
        }

        public Context listener(final Listener listener)
        {
            this.listener = listener;
            return this;
        }

        /** Told about each record applied (the change stream's outcome queue); {@code null} for nothing. */
        public Context appliedListener(final AppliedListener appliedListener)
        {
            this.appliedListener = appliedListener;
            return this;
        }

        /** Told, on the follower's thread, once it stopped after a failure (already logged at ERROR). */
        public Context onFailure(final Runnable onFailure)
        {
            this.onFailure = onFailure;
            return this;
        }

        /**
         * How each journal record is applied to the follower's copy: {@link Ledger#apply} (the default; the same
         * deterministic apply as the live ledger's). Tests replace it to make the follower fail.
         */
        public Context applier(final BiConsumer<Ledger, CommandEvent> applier)
        {
            this.applier = applier;
            return this;
        }

        Context conclude()
        {
            if (journal == null || store == null || newLedger == null || historyMemory == null || applier == null || onFailure == null)
            {
                throw new IllegalArgumentException("journal, store, newLedger, historyMemory, applier and onFailure must be set");
            }
            if (everyCommands < 0 || everySeconds < 0)
            {
                throw new IllegalArgumentException("everyCommands=" + everyCommands + " everySeconds=" + everySeconds +
                    " must be >= 0");
            }
            if (keep < 1)
            {
                throw new IllegalArgumentException("keep=" + keep + " must be >= 1");
            }
            return this;
        }
    }
}
