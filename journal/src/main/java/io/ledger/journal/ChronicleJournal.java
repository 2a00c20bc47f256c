package io.ledger.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.JournalWriter;
import io.ledger.journal.internal.CycleClock;
import io.ledger.journal.internal.RecordFrame;
import io.ledger.journal.internal.UnfinishedQueueFiles;
import io.ledger.journal.internal.WriterLock;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command journal: one Chronicle queue of checksummed binary records (layout drawn in
 * {@link RecordFrame}), one record per state-changing command, appended by the pipeline's journal stage and read
 * back in full to rebuild the ledger at start-up.
 *
 * <p><b>Files.</b> A single queue in {@link #directory()}, rolled {@code FAST_DAILY} (one {@code yyyyMMdd'F'.cq4}
 * file per UTC day, up to 2^32 records a day): a day is a natural unit to archive, and the roll cycle is fixed
 * because Chronicle refuses to reopen a queue with a different one. Records are raw bytes in a Chronicle
 * document, not self-describing Wire, so the format is the one drawn in {@link RecordFrame} and nothing else.
 *
 * <p><b>Durability</b> (see {@link Durability}). PROCESS: an appended record is in the page cache.
 * FSYNC: the queue is built with {@code SyncMode.SYNC} and {@link #endOfBatch()} calls the appender's
 * {@code sync()} (msync MS_SYNC up to the write position) once per batch that appended anything: group commit.
 * The SYNC mode matters: with Chronicle's default (ASYNC) {@code sync()} only schedules write-back; it also makes
 * Chronicle msync a mapped chunk synchronously when it releases it, which covers a batch that crosses a chunk or
 * day boundary. Chronicle does not throw when an msync fails, it only logs it; {@link MsyncFailures} counts those
 * reports and a sync that finds a new one throws, so the batch is not acknowledged and the pipeline stops.
 *
 * <p><b>Verification</b> (TigerBeetle's pairing). Before a record is appended: its commandId must be greater
 * than the last one appended (or found at open) and its body within bounds. After it is read: frame length,
 * CRC32C, format version, body length, record type, a body that decodes to a journaled command, and commandIds
 * strictly increasing.
 *
 * <p><b>Torn tail.</b> A record whose frame is too short/long or whose CRC32C does not match looks like a write
 * that was not wholly persisted. If it is the <em>last</em> record of the queue, it was never acknowledged
 * (acknowledgement waits for the append, and in FSYNC mode for the sync after it), so replay logs a warning,
 * skips it and reports its index in {@link ReplayResult#tornTailIndex()}. Anywhere else it is corruption of a
 * record that may have been acknowledged: {@link JournalCorruptException}. So is a record whose CRC32C
 * <em>matches</em> but that cannot be understood (version, type, length, body, commandId order), wherever it
 * is: it was written whole, and skipping it could silently drop an acknowledged command.
 *
 * <p><b>Appending after a torn tail.</b> Chronicle cannot truncate a record, so new records go after the torn
 * one. Before the first of them the journal appends a TORN_SKIP record naming the torn record's index and the
 * last valid commandId, and syncs it (once, in both durability modes). Replay accepts a failed record only when
 * it is the last record, or when the record right after it is a valid TORN_SKIP naming exactly its index and
 * the commandId replay has reached. This is explicit and deterministic: every later replay makes the same
 * decision from the bytes alone, and a record that rots in the middle of the journal is still reported. Open and
 * replay never append a record, but a writable open does let Chronicle rewrite its {@code metadata.cq4t}; tools
 * that must leave a journal untouched use {@link #openReadOnly(Path)}. Only a single torn record is
 * tolerated: with FSYNC a power loss in the middle of a batch can tear more than one unsynced record at the
 * tail, and that journal then needs an operator (none of those records was acknowledged).
 *
 * <p><b>Analytics.</b> The static initializer sets {@code chronicle.analytics.disable=true} before this class
 * can touch any Chronicle class: Chronicle Queue otherwise reports usage over the network (and writes under the
 * home directory) when a queue opens. The launcher passes the flag too (config/jvm.options); this makes the
 * journal safe when embedded in a JVM started without it. It cannot help if other code in the JVM opened a
 * Chronicle queue first.
 *
 * <p><b>Thread-safety</b>: not thread-safe; one thread at a time. The server opens and replays on its main
 * thread, then hands the journal to the pipeline's journal thread (Thread.start orders the two), which alone
 * appends; {@link #close()} runs after that thread has stopped. The Chronicle appender is created on the
 * thread of the first append.
 */
public final class ChronicleJournal implements JournalWriter
{
    static
    {
        System.setProperty("chronicle.analytics.disable", "true");
    }

    /**
     * What {@link #replay} read.
     *
     * @param records       command records handed to the consumer.
     * @param lastCommandId the commandId of the last of them, or 0 when there were none.
     * @param lastIndex     the Chronicle index of the last record in the queue, whatever it holds; -1 when the
     *                      queue is empty.
     * @param tornTailIndex the index of the torn last record that was skipped, or -1 when there is none.
     */
    public record ReplayResult(long records, long lastCommandId, long lastIndex, long tornTailIndex)
    {
    }

    /**
     * A valid command record found at an index: what a snapshot records of the command it covers, so that a journal
     * that lost that command and later got another one with the same id at the same index is not mistaken for it.
     *
     * @param commandId its command id.
     * @param crc32c    its frame's CRC32C, unsigned.
     */
    public record CommandAt(long commandId, long crc32c)
    {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ChronicleJournal.class);
    private static final RollCycle ROLL_CYCLE = RollCycles.FAST_DAILY;

    private final Path directory;
    private final Durability durability;
    private final SingleChronicleQueue queue;
    private final RecordFrame writeFrame = new RecordFrame();
    private final JournalReader reader;
    private final CommandEvent checkEvent = new CommandEvent();
    private ExcerptAppender appender;
    private long lastCommandId;
    /** The Chronicle index of the last record appended, or in the queue at open; -1 for none. Any thread reads it. */
    private final AtomicLong lastIndex = new AtomicLong(-1);
    private long unsealedTornIndex = -1;
    private boolean unsynced;
    /** Syncs to the disk: counted and timed for the metrics, and checked for failed msyncs in FSYNC durability. */
    private final AppenderSync syncs;
    private boolean closed;
    private boolean readOnly;
    private WriterLock writerLock;

    private ChronicleJournal(final Path directory, final Durability durability, final SingleChronicleQueue queue)
    {
        this.directory = directory;
        this.durability = durability;
        this.queue = queue;
        this.reader = new JournalReader(queue, directory, ROLL_CYCLE);
        this.syncs = new AppenderSync(directory, durability == Durability.FSYNC);
    }

    /**
     * Opens (creating if needed) the journal in {@code journalDir} as its only writer (see {@link WriterLock}: a
     * second writer is refused, and a Chronicle write lock left by a killed writer is cleared) and reads its tail to find
     * {@link #lastCommandId()} and whether the last record is torn. It does not replay.
     *
     * @throws JournalCorruptException when a record next to the tail is corrupt (see the class comment).
     * @throws UncheckedIOException    when the directory cannot be created.
     */
    public static ChronicleJournal open(final Path journalDir, final Durability durability)
    {
        return open(journalDir, durability, null);
    }

    /**
     * As {@link #open(Path, Durability)}, with the clock Chronicle reads to choose the day (cycle) file a record goes
     * to: for tests that need several cycles, and for {@link JournalRepair}, which rewrites records into the cycles
     * they came from. {@code null} for the system clock. Either way it is read through a {@link CycleClock}, so a clock
     * stepped back never sends a record into a day file older than the newest one the journal holds.
     */
    public static ChronicleJournal open(final Path journalDir, final Durability durability, final LongSupplier clockMs)
    {
        if (journalDir == null || durability == null)
        {
            throw new IllegalArgumentException("journalDir=" + journalDir + " durability=" + durability + " must be set");
        }
        try
        {
            Files.createDirectories(journalDir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journalDir=" + journalDir.toAbsolutePath() + " cannot be created", ex);
        }
        final WriterLock writerLock = WriterLock.acquire(journalDir); // before Chronicle touches its own locks
        final SingleChronicleQueue queue;
        try
        {
            final CycleClock cycleClock = new CycleClock(clockMs == null ? System::currentTimeMillis : clockMs);
            queue = SingleChronicleQueueBuilder.single(journalDir.toFile())
                .rollCycle(ROLL_CYCLE)
                .syncMode(durability == Durability.FSYNC ? SyncMode.SYNC : SyncMode.ASYNC)
                .timeProvider(cycleClock)
                .build();
            cycleClock.notBefore(ROLL_CYCLE, queue.lastCycle()); // a clock stepped back must not write into an older day file
        }
        catch (final RuntimeException | Error ex)
        {
            writerLock.close();
            throw ex;
        }
        final ChronicleJournal journal = new ChronicleJournal(journalDir, durability, queue);
        journal.writerLock = writerLock;
        try
        {
            journal.scanTail();
        }
        catch (final RuntimeException | Error ex)
        {
            queue.close();
            writerLock.close();
            throw ex;
        }
        return journal;
    }

    /**
     * A crash while the queue was first created left its metadata file unfinished. Only the writer may set it aside (a
     * live one may be creating it now), and Chronicle, opening the queue read-only, either waits for its header (10 s a
     * look, 85 s measured) or fails to lock it. Nothing in it is needed to read: a temporary directory of links to the
     * day files, without it, is read instead, and removed when the JVM exits.
     */
    private static Path withoutMetadata(final Path journalDir)
    {
        try
        {
            final Path links = Files.createTempDirectory("ledger-journal-read-");
            try (DirectoryStream<Path> days = Files.newDirectoryStream(journalDir, "*.cq4"))
            {
                for (final Path day : days)
                {
                    Files.createSymbolicLink(links.resolve(day.getFileName()), day.toAbsolutePath());
                }
            }
            deleteOnExit(links);
            LOG.warn("journal {}: {} was left unfinished by a crash while the queue was being created; reading the day files "
                + "without it (a server start sets it aside)", journalDir, UnfinishedQueueFiles.METADATA_FILE_NAME);
            return links;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journalDir=" + journalDir + ": cannot link its day files to read them without its "
                + "unfinished " + UnfinishedQueueFiles.METADATA_FILE_NAME, ex);
        }
    }

    private static void deleteOnExit(final Path links)
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(links))
            {
                for (final Path file : files)
                {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(links);
            }
            catch (final IOException ex)
            {
                // a temporary directory of links: nothing of the journal is lost if it stays
            }
        }, "ledger-journal-links-cleanup"));
    }

    /**
     * Opens an existing journal for reading only, for tools: the queue is opened read-only, so not even Chronicle's
     * {@code metadata.cq4t} is written (a writable open updates it, even when only replaying), and {@link #append}
     * is refused. Reads the tail as {@link #open} does.
     *
     * @throws JournalCorruptException  when a record next to the tail is corrupt (see the class comment).
     * @throws IllegalArgumentException when {@code journalDir} is not an existing directory.
     */
    public static ChronicleJournal openReadOnly(final Path journalDir)
    {
        if (journalDir == null || !Files.isDirectory(journalDir))
        {
            throw new IllegalArgumentException("journalDir=" + journalDir + " must be an existing directory");
        }
        final Path queueDir = UnfinishedQueueFiles.metadataUnfinished(journalDir) ? withoutMetadata(journalDir) : journalDir;
        final SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(queueDir.toFile())
            .rollCycle(ROLL_CYCLE)
            .readOnly(true)
            .build();
        final ChronicleJournal journal = new ChronicleJournal(journalDir, Durability.PROCESS, queue);
        journal.readOnly = true;
        try
        {
            journal.scanTail();
        }
        catch (final RuntimeException | Error ex)
        {
            queue.close();
            throw ex;
        }
        return journal;
    }

    /**
     * Appends one command record. Allocation-free once the Chronicle appender exists.
     *
     * @throws IllegalStateException when the command is out of order, not journaled, too large, or the journal
     *                               is closed: programming errors, after which the pipeline stops acknowledging.
     */
    @Override
    public void append(final CommandEvent event)
    {
        ensureOpen("append");
        if (readOnly)
        {
            throw new IllegalStateException("operation=append on read-only journal directory=" + directory);
        }
        final long commandId = event.commandId();
        if (commandId <= lastCommandId)
        {
            throw new IllegalStateException("commandId=" + commandId + " must be greater than lastCommandId=" + lastCommandId);
        }
        if (!event.type().journaled())
        {
            throw new IllegalStateException("commandId=" + commandId + " type=" + event.type() + " is not journaled");
        }
        final ExcerptAppender appender = appender();
        if (unsealedTornIndex >= 0)
        {
            sealTornTail(appender);
        }
        final int frameBytes = writeFrame.encodeCommand(event);
        assert verifiesAndDecodes(writeFrame, frameBytes, commandId);
        write(appender, writeFrame, frameBytes);
        lastIndex.lazySet(appender.lastIndexAppended());
        lastCommandId = commandId;
        unsynced = true;
    }

    /** In FSYNC durability, syncs what was appended since the last sync; otherwise does nothing. */
    @Override
    public void endOfBatch()
    {
        if (durability == Durability.FSYNC && unsynced)
        {
            sync();
        }
    }

    /**
     * @return the Chronicle index of the last record appended by this process, or of the last one in the queue when
     * it was opened; -1 when there is none. Any thread: for the journal position gauge.
     */
    public long lastIndex()
    {
        return lastIndex.get();
    }

    /** @return the commandId of the last valid command record, or 0 when there is none. */
    public long lastCommandId()
    {
        return lastCommandId;
    }

    /**
     * Reads every record from the start, verifies it and hands each command to {@code consumer} in order, in
     * one {@link CommandEvent} reused for every record (valid only during the call). May run before appends on
     * the same instance; it does not change the journal.
     *
     * @throws JournalCorruptException when a record other than the last fails verification, or any record is
     *                                 whole but not understood (see the class comment).
     */
    public ReplayResult replay(final Consumer<CommandEvent> consumer)
    {
        return replay((index, event) ->
        {
            consumer.accept(event);
            return true;
        });
    }

    /**
     * Sees one command record during {@link #replay(RecordVisitor)}. Called on the replaying thread.
     */
    @FunctionalInterface
    public interface RecordVisitor
    {
        /**
         * @param index the Chronicle index of the record.
         * @param event the decoded command, reused for every record (valid only during the call).
         * @return true to go on reading, false to stop after this record.
         */
        boolean visit(long index, CommandEvent event);
    }

    /**
     * A {@link RecordVisitor} that chooses the event each record is decoded into, instead of the one event the reader
     * reuses: a {@link io.ledger.engine.ReplayWindow}'s next free one, so that a window of decoded commands can wait
     * to be applied together. {@link #decodeInto()} is called before each command record is decoded, and
     * {@link #visit} with that event once it decoded and passed every check; a record that fails leaves the event
     * half-written, and is never visited.
     */
    public interface DecodingVisitor extends RecordVisitor
    {
        /** @return the event to decode the next command record into. */
        CommandEvent decodeInto();
    }

    /**
     * Like {@link #replay(Consumer)}, verifying every record the same way, but hands each command with its
     * Chronicle index and stops as soon as the visitor returns false: for tools that replay up to a point or read
     * a window of the journal. When it stops early, the result counts the records visited (including the one that
     * stopped it), {@code lastIndex} is that record's index, and no torn tail is reported (it was not reached).
     * Appends nothing, like {@link #replay(Consumer)}.
     *
     * @throws JournalCorruptException as {@link #replay(Consumer)}, for the records it reaches.
     */
    public ReplayResult replay(final RecordVisitor visitor)
    {
        ensureOpen("replay");
        return reader.replayFrom(-1, 0, visitor);
    }

    /**
     * Replays the journal tail after a snapshot: every record after the one at {@code afterIndex}, verified as
     * {@link #replay(RecordVisitor)} verifies them, starting from the state that record left (its command id is
     * the last one seen, so the tail's ids must follow it, and a torn record in the tail is excused by a TORN_SKIP
     * exactly as in a full replay). Check first with {@link #commandIdAt} that the record is the one the snapshot
     * covers. The result counts only the tail; {@code lastCommandId} is {@code afterCommandId} when the tail is empty.
     *
     * @throws IllegalArgumentException when the record at {@code afterIndex} is not a valid command with id
     *                                  {@code afterCommandId}.
     * @throws JournalCorruptException  as {@link #replay(RecordVisitor)}, for the records it reaches.
     */
    public ReplayResult replayAfter(final long afterIndex, final long afterCommandId, final RecordVisitor visitor)
    {
        if (afterIndex < 0 || afterCommandId < 1)
        {
            throw new IllegalArgumentException("afterIndex=" + afterIndex + " afterCommandId=" + afterCommandId + " must be >= 0 and >= 1");
        }
        ensureOpen("replay");
        return reader.replayFrom(afterIndex, afterCommandId, visitor);
    }

    /**
     * Follows the journal from a point on: the replay used at start-up, by the tools, and by a reader that keeps
     * reading while the journal thread appends (the snapshot follower). Opens its own tailer, so it does not
     * disturb {@link #replay}, and verifies every record exactly as {@link #replay(RecordVisitor)} does (which is
     * built on it).
     *
     * @param afterIndex     the index of the record to start after (a snapshot's), or -1 for the journal's start.
     * @param afterCommandId the command id the record at {@code afterIndex} must hold (ignored with -1).
     * @throws IllegalArgumentException when {@code afterIndex} is given and the record there is not a valid command
     *                                  with id {@code afterCommandId}.
     */
    public JournalTail tail(final long afterIndex, final long afterCommandId)
    {
        ensureOpen("replay");
        if (afterIndex >= 0 && afterCommandId < 1)
        {
            throw new IllegalArgumentException("afterIndex=" + afterIndex + " afterCommandId=" + afterCommandId + " must be >= 1");
        }
        return reader.tail(afterIndex, afterCommandId);
    }

    /**
     * @return how many records lie after the one at {@code fromIndex} up to and including the one at {@code toIndex}:
     * how far a reader at {@code fromIndex} is behind. Any thread, for gauges; may throw while cycles roll or go.
     */
    public long recordsBetween(final long fromIndex, final long toIndex)
    {
        ensureOpen("recordsBetween");
        return toIndex <= fromIndex ? 0 : queue.countExcerpts(fromIndex, toIndex);
    }

    /**
     * @return the command id of the valid command record at {@code index}, or -1 when there is no record there, or
     *         it is not a command, or it fails verification. For checking that a snapshot's journal index holds the
     *         command the snapshot covers. Does not change the journal.
     */
    public long commandIdAt(final long index)
    {
        final CommandAt at = commandAt(index);
        return at == null ? -1 : at.commandId();
    }

    /**
     * @return the valid command record at {@code index}, or {@code null} as for {@link #commandIdAt}.
     *
     * <p>Thread-safety: like {@link #indexOfCommand}, safe on any thread while the journal thread appends.
     */
    public CommandAt commandAt(final long index)
    {
        ensureOpen("commandAt");
        try (ExcerptTailer tailer = queue.createTailer())
        {
            return JournalReader.commandAt(tailer, index, new RecordFrame(), new CommandEvent());
        }
    }

    /**
     * Finds the index of the record holding {@code commandId}, reading backwards from the end, and waits (up to
     * {@code timeoutMs}) while the journal has not reached it yet: the snapshot writer asks this for a command the
     * ledger has applied and the journal thread may still be appending (the two stages run in parallel).
     *
     * <p>Thread-safety: unlike the rest of this class, safe to call on any thread while the journal thread appends;
     * it reads through its own tailer and buffers.
     *
     * @return the index, or -1 when the journal went past {@code commandId} without holding it, or the wait timed out.
     */
    public long indexOfCommand(final long commandId, final long timeoutMs)
    {
        ensureOpen("indexOfCommand");
        return reader.indexOfCommand(commandId, timeoutMs);
    }

    /** @return how many records (documents) the queue holds: for progress bars. */
    public long recordCount()
    {
        ensureOpen("recordCount");
        return queue.lastIndex() < 0 ? 0 : queue.entryCount();
    }

    /** @return the index of the first record in the queue, or -1 when it is empty. */
    public long firstIndex()
    {
        ensureOpen("firstIndex");
        return queue.lastIndex() < 0 ? -1 : queue.firstIndex();
    }

    /** @return the roll cycle (UTC day number) an index belongs to. */
    public static int cycleOf(final long index)
    {
        return ROLL_CYCLE.toCycle(index);
    }

    /** @return the roll cycle of a queue file name ({@code yyyyMMdd'F'.cq4}), or -1 when it is not one. */
    public static int cycleOfFile(final Path file)
    {
        final String name = file.getFileName().toString();
        if (!name.endsWith(SingleChronicleQueue.SUFFIX))
        {
            return -1;
        }
        try
        {
            final LocalDate day = LocalDate.parse(name.substring(0, name.length() - SingleChronicleQueue.SUFFIX.length()),
                DateTimeFormatter.ofPattern(ROLL_CYCLE.format()));
            return Math.toIntExact(day.toEpochDay() * 86_400_000L / ROLL_CYCLE.lengthInMillis());
        }
        catch (final DateTimeParseException | ArithmeticException ex)
        {
            return -1;
        }
    }

    /** @return the queue's cycle files, oldest first. */
    public static List<Path> cycleFiles(final Path journalDir)
    {
        final List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(journalDir))
        {
            list.filter(p -> cycleOfFile(p) >= 0).forEach(files::add);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journalDir=" + journalDir + " cannot be listed", ex);
        }
        files.sort((a, b) -> Integer.compare(cycleOfFile(a), cycleOfFile(b)));
        return files;
    }

    /**
     * Re-reads the directory after cycle files were moved away or deleted (journal retention), so that Chronicle's
     * idea of the first cycle follows. Any thread.
     */
    public void refreshDirectoryListing()
    {
        ensureOpen("refreshDirectoryListing");
        queue.refreshDirectoryListing();
    }

    /** @return the directory holding the queue files. */
    public Path directory()
    {
        return directory;
    }

    /** Syncs anything unsynced (FSYNC), then releases the queue. Idempotent. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            if (appender != null)
            {
                appender.singleThreadedCheckReset(); // closing on the thread that stopped the journal thread
                if (durability == Durability.FSYNC && unsynced)
                {
                    sync();
                }
                appender.close();
            }
        }
        finally
        {
            queue.close();
            if (writerLock != null)
            {
                writerLock.close();
            }
        }
    }

    /**
     * @return how many times the appender was synced to the disk (FSYNC: one per batch that appended anything, plus the
     * seal of a torn record and the close). Any thread: for the metrics.
     */
    public long syncs()
    {
        return syncs.syncs();
    }

    /**
     * @return the time those syncs took, in nanoseconds: the disk's share of an FSYNC acknowledgement, which group commit
     * pays once per batch. Any thread: for the metrics.
     */
    public long syncNs()
    {
        return syncs.syncNs();
    }

    // ---- internals

    /** Reads the tail at open: the last command id, and a torn last record to seal before the next append. */
    private void scanTail()
    {
        lastIndex.set(queue.lastIndex());
        final JournalReader.Tail tail = reader.scanTail();
        lastCommandId = tail.lastCommandId();
        unsealedTornIndex = tail.unsealedTornIndex();
    }

    private void sealTornTail(final ExcerptAppender appender)
    {
        final int frameBytes = writeFrame.encodeTornSkip(unsealedTornIndex, lastCommandId);
        write(appender, writeFrame, frameBytes);
        sync(); // before any record after it: later replays must find the seal if they find those records
        LOG.warn("journal: sealed torn record index=0x{} ({}) with a TORN_SKIP record at index=0x{}; lastCommandId={}",
            Long.toHexString(unsealedTornIndex), unsealedTornIndex, Long.toHexString(appender.lastIndexAppended()),
            lastCommandId);
        unsealedTornIndex = -1;
    }

    private static void write(final ExcerptAppender appender, final RecordFrame frame, final int frameBytes)
    {
        try (DocumentContext dc = appender.writingDocument())
        {
            try
            {
                dc.wire().bytes().write(frame.array(), 0, frameBytes);
            }
            catch (final RuntimeException | Error ex)
            {
                dc.rollbackOnClose();
                throw ex;
            }
        }
    }

    private boolean verifiesAndDecodes(final RecordFrame frame, final int frameBytes, final long commandId)
    {
        return frame.verify(frameBytes) == RecordFrame.OK &&
            frame.decodeCommand(checkEvent) &&
            checkEvent.commandId() == commandId;
    }

    private void sync()
    {
        syncs.sync(appender);
        unsynced = false;
    }

    private ExcerptAppender appender()
    {
        if (appender == null)
        {
            appender = queue.createAppender();
        }
        return appender;
    }

    private void ensureOpen(final String operation)
    {
        if (closed)
        {
            throw new IllegalStateException("operation=" + operation + " on closed journal directory=" + directory);
        }
    }
}
