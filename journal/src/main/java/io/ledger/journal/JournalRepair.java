package io.ledger.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.ledger.journal.internal.WriterLock;
import io.ledger.journal.snapshot.InvalidSnapshotException;
import io.ledger.journal.snapshot.SnapshotStore;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Cuts a damaged journal at a record: the operator's answer to "journal record corrupt: file=... index=...", for
 * the records from that index on are unreadable or untrusted.
 *
 * <p>Chronicle cannot truncate a queue in place, so this copies the good prefix (every document before the index,
 * byte for byte, each into the same day file at the same index: the clock Chronicle reads is set to each record's
 * day) into a fresh queue, checks that the copy replays, and only then swaps it in: the damaged queue moves to
 * {@code DIR/damaged/<UTC time>/journal}, never deleted. Snapshots that cover commands at or after the cut move there
 * too (their state includes the commands cut off, and the ids of those commands will be given to new ones).
 * Snapshots before the cut keep working, because the indexes of the prefix do not change.
 *
 * <p>The server must be stopped: this takes the journal's writer lock. A repair that dies half-way leaves either the
 * original journal in place and a {@code journal.repairing} directory (removed by the next repair), or, between the
 * two renames, no {@code journal} directory: then move the newest {@code DIR/damaged/.../journal} back.
 *
 * <p>Single-threaded.
 */
public final class JournalRepair
{
    /** The directory, under the data directory, where damaged journals and snapshots are moved. */
    public static final String DAMAGED_DIRECTORY_NAME = "damaged";
    private static final String REPAIRING_DIRECTORY_NAME = "journal.repairing";
    private static final RollCycle ROLL_CYCLE = RollCycles.FAST_DAILY;
    private static final int DOCUMENT_BYTES_MAX = 16 << 20;

    /**
     * @param recordsKept       documents copied (commands, TORN_SKIPs and any torn record excused by one).
     * @param lastCommandIdKept the last command id the repaired journal holds, 0 when none.
     * @param recordsCut        documents from the cut on, left in the damaged copy.
     * @param damagedDirectory  where the damaged journal (and any snapshot moved) now is.
     * @param snapshotsMoved    snapshot files moved aside.
     */
    public record Result(long recordsKept, long lastCommandIdKept, long recordsCut, Path damagedDirectory, List<Path> snapshotsMoved)
    {
    }

    private JournalRepair()
    {
    }

    /**
     * Truncates {@code dataDir}'s journal so that its last document is the one before {@code index}.
     *
     * @throws IllegalArgumentException when there is no journal, or no document at {@code index}.
     * @throws IllegalStateException    when the journal is in use, or the kept prefix does not replay either (the
     *                                  message names the corrupt record to cut at instead); nothing is changed then.
     */
    public static Result truncateAt(final Path dataDir, final long index)
    {
        final Path journalDir = dataDir.resolve("journal");
        if (!Files.isDirectory(journalDir) || ChronicleJournal.cycleFiles(journalDir).isEmpty())
        {
            throw new IllegalArgumentException("no journal in " + journalDir);
        }
        final Path repairing = dataDir.resolve(REPAIRING_DIRECTORY_NAME);
        try (WriterLock lock = WriterLock.acquire(journalDir))
        {
            deleteTree(repairing); // a repair that died before its swap
            final long[] counts = copyPrefix(journalDir, repairing, index);
            final long lastCommandId = checkReplays(repairing);
            syncTree(repairing);

            final String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
            Path damaged = dataDir.resolve(DAMAGED_DIRECTORY_NAME).resolve(stamp);
            for (int n = 2; Files.exists(damaged); n++)
            {
                damaged = dataDir.resolve(DAMAGED_DIRECTORY_NAME).resolve(stamp + "-" + n);
            }
            Files.createDirectories(damaged);
            final List<Path> movedSnapshots = moveSnapshotsFrom(dataDir.resolve(SnapshotStore.DIRECTORY_NAME), index,
                damaged.resolve(SnapshotStore.DIRECTORY_NAME));
            Files.move(journalDir, damaged.resolve("journal"), StandardCopyOption.ATOMIC_MOVE);
            Files.move(repairing, journalDir, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(dataDir);
            syncDirectory(damaged);
            return new Result(counts[0], lastCommandId, counts[1], damaged, movedSnapshots);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("repair of " + journalDir + " failed", ex);
        }
        finally
        {
            if (Files.exists(journalDir))
            {
                deleteTree(repairing);
            }
        }
    }

    /** @return {documents copied, documents after the cut}. */
    private static long[] copyPrefix(final Path from, final Path to, final long cutIndex)
    {
        final SetTimeProvider clock = new SetTimeProvider(0);
        long kept = 0;
        long cut = 0;
        boolean cutFound = false;
        try (SingleChronicleQueue source = SingleChronicleQueueBuilder.single(from.toFile()).rollCycle(ROLL_CYCLE).readOnly(true).build();
             ExcerptTailer tailer = source.createTailer();
             SingleChronicleQueue target = SingleChronicleQueueBuilder.single(to.toFile()).rollCycle(ROLL_CYCLE).timeProvider(clock).build();
             ExcerptAppender appender = target.createAppender())
        {
            final Bytes<?> copy = Bytes.allocateElasticOnHeap(4096);
            tailer.toStart();
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    final long index = dc.index();
                    if (index >= cutIndex)
                    {
                        cutFound |= index == cutIndex;
                        cut++;
                        continue;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    if (bytes.readRemaining() > DOCUMENT_BYTES_MAX)
                    {
                        throw new IllegalStateException("document at index=0x" + Long.toHexString(index) + " is " +
                            bytes.readRemaining() + " bytes; refusing to copy it");
                    }
                    copy.clear();
                    copy.write(bytes);
                    clock.currentTimeMillis((long)ROLL_CYCLE.toCycle(index) * ROLL_CYCLE.lengthInMillis());
                    try (DocumentContext out = appender.writingDocument())
                    {
                        out.wire().bytes().write(copy);
                    }
                    if (appender.lastIndexAppended() != index)
                    {
                        throw new IllegalStateException("copying index=0x" + Long.toHexString(index) + " gave index=0x" +
                            Long.toHexString(appender.lastIndexAppended()) + "; the repair keeps indexes or does nothing");
                    }
                    kept++;
                }
            }
            copy.releaseLast();
        }
        if (!cutFound)
        {
            deleteTree(to);
            throw new IllegalArgumentException("no record at index=0x" + Long.toHexString(cutIndex) + " (" + cutIndex +
                ") in " + from + "; use the index the error message or 'ledger journal' names");
        }
        return new long[] {kept, cut};
    }

    /** Replays the copy as the server will; refuses a prefix that is itself corrupt. */
    private static long checkReplays(final Path journalDir)
    {
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(journalDir))
        {
            return journal.replay((index, event) -> true).lastCommandId();
        }
        catch (final JournalCorruptException ex)
        {
            deleteTree(journalDir);
            throw new IllegalStateException("the records before the cut do not replay either: " + ex.getMessage() +
                "; cut at index 0x" + Long.toHexString(ex.index()) + " instead. Nothing was changed", ex);
        }
    }

    /** Moves the snapshots whose journal index is at or after the cut. */
    private static List<Path> moveSnapshotsFrom(final Path snapshotDir, final long cutIndex, final Path aside) throws IOException
    {
        final List<Path> moved = new ArrayList<>();
        final SnapshotStore store = SnapshotStore.openReadOnly(snapshotDir);
        for (final Path file : store.list())
        {
            long journalIndex;
            try
            {
                journalIndex = store.readHeader(file).journalIndex();
            }
            catch (final InvalidSnapshotException ex)
            {
                journalIndex = Long.MAX_VALUE; // unreadable: it cannot be trusted to be before the cut
            }
            if (journalIndex >= cutIndex)
            {
                Files.createDirectories(aside);
                final Path target = aside.resolve(file.getFileName());
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                moved.add(target);
            }
        }
        if (!moved.isEmpty())
        {
            syncDirectory(snapshotDir);
        }
        return moved;
    }

    private static void syncTree(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            for (final Path file : files.toList())
            {
                if (Files.isRegularFile(file))
                {
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
                    {
                        channel.force(true);
                    }
                }
            }
        }
        syncDirectory(dir);
    }

    private static void syncDirectory(final Path dir) throws IOException
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    private static void deleteTree(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete " + dir, ex);
        }
    }
}
