package io.ledger.journal.snapshot;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.HistoryMemory;
import io.ledger.engine.Ledger;
import io.ledger.engine.ReplayWindow;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.JournalCorruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the ledger at start-up: the newest usable snapshot, then the journal tail after it; or, without one, the
 * whole journal.
 *
 * <p>A snapshot is usable when its header is intact, the journal still holds the command it covers at the index it
 * names (so a snapshot from another journal, or from commands a repair cut off, is never applied to this one), and
 * its payload loads with matching checksum and state hash. An unusable one is skipped with a warning naming the file
 * and why, and the next older one is tried. Corruption in the journal tail is not skipped: it throws
 * {@link JournalCorruptException}, as a full replay would.
 *
 * <p>Only the tail is read and verified at start-up: records before the snapshot are not (that is the point), so
 * damage there does not stop a start; {@code ledger verify} reads them all.
 *
 * <p>While it loads a snapshot and replays, a {@code ledger-recovery-memory} thread allocates the history's chunks
 * ahead of the loading thread (see {@link HistoryMemory}): zeroing and faulting in that memory had been about a sixth
 * of a full replay, and over a quarter of a snapshot load, on the loading thread. The thread stops when the replay
 * ends; the rebuilt ledger computes exactly what it would without it.
 *
 * <p>The journal is applied through a {@link ReplayWindow}: records are decoded a window ahead of the ledger, whose
 * customers' index slots and rows are read side by side before the window is applied, so a big ledger's replay takes its
 * memory misses many at a time instead of one after another. It applies the same commands in the same order: the
 * rebuilt ledger is the same as a record-by-record replay's ({@code -Dledger.replay.windowCommands=1}).
 *
 * <p>With {@code -Dledger.replay.readerThread=true} the journal is read, verified and decoded on a
 * {@code ledger-replay-reader} thread while the caller's thread applies ({@link ReadAheadReplay}): the same records in
 * the same order, the same checks and the same exception for a bad record; the reader has ended when {@code recover}
 * returns or throws. Off by default: measured slower on a 2-CPU machine (issue 13, session 11).
 *
 * <p>Single-threaded (but for those threads): the caller's thread owns the ledger.
 */
public final class LedgerRecovery
{
    private static final Logger LOG = LoggerFactory.getLogger(LedgerRecovery.class);

    /**
     * @param ledger   the rebuilt ledger, owned by the caller.
     * @param snapshot the snapshot it started from, or {@code null} for a full replay.
     * @param replay   what the journal replay read: the tail after the snapshot, or everything.
     * @param elapsedNs snapshot load plus replay.
     */
    public record Result(Ledger ledger, SnapshotStore.Loaded snapshot, ChronicleJournal.ReplayResult replay, long elapsedNs)
    {
        /** @return journal records applied after the snapshot (all of them without one). */
        public long replayedRecords()
        {
            return replay.records();
        }
    }

    private LedgerRecovery()
    {
    }

    /**
     * @param store      the snapshots, or {@code null} to replay the whole journal.
     * @param dataDir    the data directory (for the journal retention record).
     * @param onRecord   told the count after each journal record applied (progress), or {@code null}.
     * @throws JournalCorruptException when a journal record it reads is corrupt.
     * @throws IllegalStateException   when no snapshot is usable and journal retention removed cycles, so that a full
     *                                 replay would rebuild a wrong state.
     */
    public static Result recover(
        final ChronicleJournal journal, final SnapshotStore store, final Path dataDir, final int defaultCurrency,
        final LongConsumer onRecord)
    {
        return recover(journal, store, dataDir, defaultCurrency, onRecord, REPLAY_WINDOW_COMMANDS, REPLAY_READER_THREAD);
    }

    /**
     * As {@link #recover(ChronicleJournal, SnapshotStore, Path, int, LongConsumer)}, applying the journal through a
     * {@link ReplayWindow} of {@code windowCommands} commands (1: each record applied as it is read). The rebuilt ledger
     * is the same whatever the window; only the time taken differs.
     */
    public static Result recover(
        final ChronicleJournal journal, final SnapshotStore store, final Path dataDir, final int defaultCurrency,
        final LongConsumer onRecord, final int windowCommands)
    {
        return recover(journal, store, dataDir, defaultCurrency, onRecord, windowCommands, REPLAY_READER_THREAD);
    }

    /**
     * As {@link #recover(ChronicleJournal, SnapshotStore, Path, int, LongConsumer, int)}, reading the journal on a reader
     * thread of its own ({@link ReadAheadReplay}) when {@code readerThread}, else on the caller's. The rebuilt ledger is
     * the same either way.
     */
    public static Result recover(
        final ChronicleJournal journal, final SnapshotStore store, final Path dataDir, final int defaultCurrency,
        final LongConsumer onRecord, final int windowCommands, final boolean readerThread)
    {
        if (windowCommands < 1 || windowCommands > ReplayWindow.COMMANDS_MAX)
        {
            throw new IllegalArgumentException("windowCommands=" + windowCommands + " must be 1.." + ReplayWindow.COMMANDS_MAX);
        }
        final long startNs = System.nanoTime();
        final List<Path> files = store == null ? List.of() : store.list();
        for (final Path file : files)
        {
            final long[] count = {0};
            final ChronicleJournal.ReplayResult tail;
            final SnapshotStore.Loaded loaded;
            try (HistoryMemory.Filler memory = startMemory())
            {
                loaded = loadIfUsable(journal, store, file, defaultCurrency, memory.memory());
                if (loaded == null)
                {
                    continue;
                }
                tail = replay(loaded.ledger(), windowCommands, readerThread, progress(onRecord, count),
                    visitor -> journal.replayAfter(loaded.header().journalIndex(), loaded.header().lastCommandId(), visitor));
            }
            return new Result(loaded.ledger(), loaded, tail, System.nanoTime() - startNs);
        }
        if (!files.isEmpty())
        {
            LOG.warn("snapshot: none of the {} snapshot files in {} is usable; replaying the whole journal", files.size(),
                store.directory());
        }
        if (dataDir != null && JournalRetention.journalWasTrimmed(dataDir))
        {
            throw new IllegalStateException("no usable snapshot, and journal retention archived or deleted journal cycles (see " +
                dataDir.resolve(JournalRetention.LOG_FILE_NAME) + "): a full replay would rebuild a wrong state. Restore a " +
                "snapshot into " + (store == null ? dataDir.resolve(SnapshotStore.DIRECTORY_NAME) : store.directory()) +
                ", or move the archived cycles back from " + dataDir.resolve(JournalRetention.ARCHIVE_DIRECTORY_NAME) +
                " into the journal directory and delete the retention log");
        }
        final Ledger ledger = new Ledger(defaultCurrency);
        final long[] count = {0};
        final ChronicleJournal.ReplayResult all;
        try (HistoryMemory.Filler memory = startMemory())
        {
            ledger.historyMemory(memory.memory());
            all = replay(ledger, windowCommands, readerThread, progress(onRecord, count), journal::replay);
        }
        return new Result(ledger, null, all, System.nanoTime() - startNs);
    }

    /** Applies what {@code read} reads to {@code ledger} through a window, reading on a reader thread or on this one. */
    private static ChronicleJournal.ReplayResult replay(
        final Ledger ledger, final int windowCommands, final boolean readerThread, final Consumer<CommandEvent> onApplied,
        final Function<ChronicleJournal.DecodingVisitor, ChronicleJournal.ReplayResult> read)
    {
        if (readerThread)
        {
            return ReadAheadReplay.replay(Math.max(ReadAheadReplay.RING_EVENTS_DEFAULT, 4 * Integer.highestOneBit(windowCommands)),
                windowCommands, ReplayWindow.borrowing(ledger, windowCommands, onApplied), read);
        }
        final ReplayWindow window = new ReplayWindow(ledger, windowCommands, onApplied);
        final ChronicleJournal.ReplayResult result = read.apply(visitor(window));
        window.flush();
        return result;
    }

    /**
     * @return a journal visitor that decodes each record into {@code window}'s next event and commits it there (the
     *         window applies its records once it is full; the caller flushes the rest when the replay ends).
     */
    public static ChronicleJournal.DecodingVisitor visitor(final ReplayWindow window)
    {
        return new ChronicleJournal.DecodingVisitor()
        {
            @Override
            public CommandEvent decodeInto()
            {
                return window.next();
            }

            @Override
            public boolean visit(final long index, final CommandEvent event)
            {
                window.commit();
                return true;
            }
        };
    }

    /** @return what tells {@code onRecord} the count after each command applied, or {@code null} for no one to tell. */
    private static Consumer<CommandEvent> progress(final LongConsumer onRecord, final long[] count)
    {
        return onRecord == null ? null : event -> onRecord.accept(++count[0]);
    }

    /**
     * Commands per {@link ReplayWindow} in a start-up replay: {@code -Dledger.replay.windowCommands} (1 replays record by
     * record, as before the window), default {@value ReplayWindow#COMMANDS_DEFAULT}.
     */
    private static final int REPLAY_WINDOW_COMMANDS = Integer.getInteger("ledger.replay.windowCommands", ReplayWindow.COMMANDS_DEFAULT);

    /**
     * Whether a start-up replay reads the journal on a reader thread of its own ({@link ReadAheadReplay}):
     * {@code -Dledger.replay.readerThread}, default false (read on the applying thread). Off by default because it was
     * measured slower on this project's 2-CPU machine (issue 13, session 11: 2.6M vs 3.5M records/s in
     * {@code JournalBenchmark.replayIntoLedger} with 10,000 customers, and no faster start-up of 10M commands over 1M
     * customers): handing each decoded event to another core costs about what decoding it saved.
     */
    private static final boolean REPLAY_READER_THREAD =
        Boolean.parseBoolean(System.getProperty("ledger.replay.readerThread", "false"));

    /** Chunks of each kind kept ready while replaying: 64 history chunks are 262,144 entries, some 50-100 ms of replay. */
    private static final int REPLAY_READY_CHUNKS = 64;
    /** A safety net only: taking a chunk wakes the filler. */
    private static final long REPLAY_MEMORY_CHECK_NS = 10_000_000;

    /**
     * Starts the thread that allocates a history's memory ahead of a snapshot load and replay (the ledger they build
     * keeps using it after).
     */
    private static HistoryMemory.Filler startMemory()
    {
        return HistoryMemory.startFiller(new HistoryMemory(REPLAY_READY_CHUNKS), "ledger-recovery-memory", REPLAY_MEMORY_CHECK_NS,
            false); // the replay takes chunks at once: its thread must not fill 64 + 64 first
    }

    /**
     * @return the loaded snapshot when it is intact and matches the journal; else {@code null}, after a warning
     *         naming the file and the reason.
     */
    public static SnapshotStore.Loaded loadIfUsable(
        final ChronicleJournal journal, final SnapshotStore store, final Path file, final int defaultCurrency)
    {
        return loadIfUsable(journal, store, file, defaultCurrency, null);
    }

    /** As above, the history's memory taken from {@code historyMemory} as it grows ({@code null}: allocated up front). */
    public static SnapshotStore.Loaded loadIfUsable(
        final ChronicleJournal journal, final SnapshotStore store, final Path file, final int defaultCurrency,
        final HistoryMemory historyMemory)
    {
        try
        {
            final SnapshotHeader header = store.readHeader(file);
            final ChronicleJournal.CommandAt held = journal.commandAt(header.journalIndex());
            if (held == null || held.commandId() != header.lastCommandId() || held.crc32c() != header.journalRecordCrc32c())
            {
                throw new InvalidSnapshotException(file, "it covers commandId " + header.lastCommandId() + " at journal index 0x" +
                    Long.toHexString(header.journalIndex()) + ", but the journal holds " + (held == null ? "no valid command there"
                    : held.commandId() != header.lastCommandId() ? "commandId " + held.commandId() + " there"
                    : "another record with that id there (crc32c " + Long.toHexString(held.crc32c()) + ", not " +
                    Long.toHexString(header.journalRecordCrc32c()) + ")") +
                    " (a snapshot of another journal, or of commands the journal lost or a repair removed)");
            }
            return store.load(file, defaultCurrency, true, historyMemory);
        }
        catch (final InvalidSnapshotException ex)
        {
            LOG.warn("snapshot: skipping {}: {}; trying an older one", file, ex.getMessage());
            return null;
        }
    }
}
