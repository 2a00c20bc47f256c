package io.ledger.journal.internal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import net.openhft.chronicle.queue.impl.TableStore;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.TableStoreWriteLock;
import net.openhft.chronicle.queue.impl.table.Metadata;
import net.openhft.chronicle.queue.impl.table.SingleTableBuilder;
import net.openhft.chronicle.threads.Pauser;

/**
 * Makes this process the journal's only writer, and clears write locks a killed writer left behind.
 *
 * <p>Chronicle Queue's own write lock lives in {@code metadata.cq4t} and names the holder by process id. After a
 * {@code kill -9} in the middle of an append it stays held, and Chronicle frees it only once that pid is dead.
 * In a container the restarted server is pid 1 again, so the lock looks held by a live process: every append
 * then times out and the server could never recover by itself. An OS file lock ({@code writer.lock}) has no such
 * problem: the kernel releases it when its process dies. Holding it proves no other process writes this
 * journal, so any Chronicle write lock found at open is stale and is force-unlocked, as Chronicle's own
 * {@code UnlockMain} tool does, and any file a crash left unfinished is set aside first
 * ({@link UnfinishedQueueFiles}). The change stream's queue ({@code events/}) is locked the same way.
 */
public final class WriterLock implements AutoCloseable
{
    public static final String FILE_NAME = "writer.lock";
    private static final String METADATA_FILE = "metadata.cq4t";

    private final FileChannel channel;
    private final FileLock lock;

    private WriterLock(final FileChannel channel, final FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @throws IllegalStateException when another process (or this one) holds the journal.
     */
    public static WriterLock acquire(final Path journalDir)
    {
        final Path file = journalDir.resolve(FILE_NAME);
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            final FileLock lock = channel.tryLock();
            if (lock == null)
            {
                throw inUse(file);
            }
            UnfinishedQueueFiles.setAside(journalDir, System.currentTimeMillis()); // before anything opens them
            releaseStaleChronicleLocks(journalDir);
            return new WriterLock(channel, lock);
        }
        catch (final OverlappingFileLockException ex)
        {
            closeQuietly(channel);
            throw inUse(file);
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
            throw new UncheckedIOException("file=" + file.toAbsolutePath() + " cannot be locked", ex);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(channel);
            throw ex;
        }
    }

    private static void releaseStaleChronicleLocks(final Path journalDir)
    {
        final File metadata = journalDir.resolve(METADATA_FILE).toFile();
        if (!metadata.exists())
        {
            return;
        }
        SingleChronicleQueueBuilder.addAliases(); // a fresh JVM must know SCQMeta before reading the table store
        try (TableStore<?> store = SingleTableBuilder.binary(metadata, Metadata.NoMeta.INSTANCE).readOnly(false).build())
        {
            forceUnlockIfLocked(new TableStoreWriteLock(store, Pauser::balanced, 0L, TableStoreWriteLock.APPEND_LOCK_KEY));
            forceUnlockIfLocked(new TableStoreWriteLock(store, Pauser::balanced, 0L));
        }
    }

    private static void forceUnlockIfLocked(final TableStoreWriteLock chronicleLock)
    {
        if (chronicleLock.locked())
        {
            chronicleLock.forceUnlock();
        }
    }

    private static IllegalStateException inUse(final Path file)
    {
        return new IllegalStateException("journal " + file.getParent().toAbsolutePath()
            + " is in use by another ledger process (" + FILE_NAME + " is locked)");
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // nothing more to release
            }
        }
    }

    @Override
    public void close()
    {
        try
        {
            lock.release();
        }
        catch (final IOException ignored)
        {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }
}
