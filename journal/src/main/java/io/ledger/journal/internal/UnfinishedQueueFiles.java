package io.ledger.journal.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import net.openhft.chronicle.wire.Wires;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets aside the files a crash left unfinished, before Chronicle opens the queue.
 *
 * <p>Chronicle starts a day (cycle) file by creating it, marking its first header "not complete", writing the
 * store's header and then marking it complete; records come only after that. A process killed in between (a
 * {@code kill -9} or a power loss at the first append of a day, or of a new queue) leaves a file whose first
 * header never completed: empty, all zeros, or "not complete". Such a file cannot hold a record. Chronicle, not
 * knowing that nobody is finishing it, waits for that header about 10 s a look (its {@code timeoutMS}): opening the
 * queue took 20-24 s and the first append another 10-24 s, measured with each of the three forms (the append blocks
 * the thread that appends: for the journal, every command). It then overwrites or renames the file itself.
 *
 * <p>The queue's metadata file ({@code metadata.cq4t}: the listing of day files, Chronicle's locks) is created the
 * same way when a queue is first opened; unfinished, it made the queue fail to open at all (an "Expected SCQMeta"
 * error, or an exclusive lock that cannot be claimed). It holds nothing that is not derived (Chronicle lists the day
 * files again), and unfinished it holds nothing at all.
 *
 * <p>The queue's only writer knows nobody is finishing them: {@link WriterLock} proves it, and calls this while it
 * holds the lock. Each such file is renamed at once, out of Chronicle's sight: {@code 20261207F.cq4} becomes
 * {@code 20261207F.cq4.unfinished-<epoch ms>}, kept for an operator to look at, and a WARN is logged. A read-only
 * open must not: a live writer may be creating that file this very moment.
 *
 * <p>Thread-safety: static; call before the queue is opened, while holding the writer's lock.
 */
public final class UnfinishedQueueFiles
{
    /** Chronicle's day files ({@code yyyyMMdd'F'.cq4} for FAST_DAILY) and its metadata file ({@code metadata.cq4t}). */
    private static final String QUEUE_FILES_GLOB = "*.{cq4,cq4t}";
    /** What an unfinished file's name gets, followed by the epoch ms it was set aside at. */
    public static final String ASIDE_SUFFIX = ".unfinished-";
    /** The queue's metadata file (Chronicle's listing of day files and its locks). */
    public static final String METADATA_FILE_NAME = "metadata.cq4t";
    private static final int HEADER_BYTES = Integer.BYTES;
    private static final Logger LOG = LoggerFactory.getLogger(UnfinishedQueueFiles.class);

    private UnfinishedQueueFiles()
    {
    }

    /**
     * Renames every day file and metadata file in {@code queueDir} whose first header never completed.
     *
     * @param nowMs the wall clock's epoch ms, for the new names.
     * @return the files as renamed, empty when there were none (or no directory).
     */
    public static List<Path> setAside(final Path queueDir, final long nowMs)
    {
        final List<Path> setAside = new ArrayList<>();
        if (!Files.isDirectory(queueDir))
        {
            return setAside;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(queueDir, QUEUE_FILES_GLOB))
        {
            for (final Path file : files)
            {
                if (Files.isRegularFile(file) && isUnfinished(file))
                {
                    final Path aside = file.resolveSibling(file.getFileName() + ASIDE_SUFFIX + nowMs);
                    Files.move(file, aside);
                    LOG.warn("queue {}: {} was left unfinished by a crash while it was being created (its header never completed, "
                        + "so it holds no record): set aside as {}", queueDir, file.getFileName(), aside.getFileName());
                    setAside.add(aside);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("queueDir=" + queueDir.toAbsolutePath() + ": unfinished day files cannot be set aside", ex);
        }
        return setAside;
    }

    /**
     * For read-only opens, which must not set anything aside: whether the queue's metadata file was left unfinished.
     * Chronicle, opening such a queue read-only, waits for the metadata's header its {@code timeoutMS} a look, several
     * times (85 s measured with an empty file), then reads the day files without it.
     *
     * @return true when {@code queueDir}'s {@code metadata.cq4t} exists and its first header never completed.
     */
    public static boolean metadataUnfinished(final Path queueDir)
    {
        final Path metadata = queueDir.resolve(METADATA_FILE_NAME);
        try
        {
            return Files.isRegularFile(metadata) && isUnfinished(metadata);
        }
        catch (final IOException ex)
        {
            return false; // unreadable: Chronicle reports it as it opens the queue
        }
    }

    /** @return true when the file's first header (the store's) never completed: too short, never started, or "not complete". */
    static boolean isUnfinished(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.nativeOrder());
            while (header.hasRemaining())
            {
                if (channel.read(header, header.position()) < 0)
                {
                    return true; // shorter than a header
                }
            }
            final int first = header.getInt(0);
            return first == Wires.NOT_INITIALIZED || Wires.isNotComplete(first);
        }
    }
}
