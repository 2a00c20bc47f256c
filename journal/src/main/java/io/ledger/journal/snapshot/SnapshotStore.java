package io.ledger.journal.snapshot;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import io.ledger.engine.HistoryMemory;
import io.ledger.engine.Ledger;
import io.ledger.engine.LedgerSnapshot;
import io.ledger.engine.SnapshotFormatException;
import io.ledger.journal.NewerFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot files of one data directory ({@code DIR/snapshots}): written atomically, listed newest first,
 * checked and loaded, pruned to the newest K.
 *
 * <p><b>Files.</b> {@code snapshot-<lastCommandId, 19 digits>.snap}: a {@link SnapshotHeader} and the
 * {@link LedgerSnapshot} payload. Names sort in command-id order, so the newest is the last by name.
 *
 * <p><b>Atomic write</b> ({@link #begin}, then {@link Pending#commit}): the payload streams into
 * {@code snapshot-<id>.snap.tmp} in the same directory behind a zeroed header; the header goes in once the journal
 * index is known; then the file is fsynced, renamed to its final name (an atomic rename within a directory) and the
 * directory is fsynced, so that after a crash either the whole snapshot is there under its name or it is not. A
 * {@code .tmp} left by a crash is deleted by the next {@link #open}.
 *
 * <p><b>Write-back in slices.</b> The payload is forced to the disk ({@link FileChannel#force force(false)}, an
 * fdatasync) after every {@link #syncSliceBytes()} bytes, so the page cache never holds more than one slice of it
 * unwritten. Without it a 1.3 GB snapshot (1M customers) sat in the page cache until the commit's fsync, which then
 * queued 1.3 GB of writes on the disk in one go, and a journal sync ({@code fsync} durability) waited behind them. With
 * slices the writer waits for the disk a slice at a time (so it also leaves the CPU to the other threads meanwhile)
 * and the disk's queue never holds more than one slice of snapshot. The bytes written are the same either way.
 *
 * <p><b>Deleting old snapshots</b> ({@link #prune}): a step at a time ({@link SteppedDeletion}), renamed to
 * {@code <name>.deleting} first; unlinking a 1.3 GB snapshot in one go held this VM's file system for 160-250 ms, and
 * the ledger thread's journal writes and syncs waited meanwhile (64-263 ms spikes in step 2c's open loop at 6 of 10
 * deletions). A {@code .deleting} left by a crash is deleted by the next {@link #open}; nothing reads it.
 *
 * <p><b>Snapshots ahead of the journal</b> ({@link #moveAside}): a journal that lost its unsynced tail (a power loss)
 * no longer holds the commands a newer snapshot covers; the server moves such snapshots to {@code DIR/damaged} at
 * start-up, before new commands take those ids.
 *
 * <p>Thread-safety: a {@link Pending} may be begun on one thread and committed on another (the ledger thread
 * streams the payload; the snapshot thread finishes it); otherwise one thread at a time.
 */
public final class SnapshotStore
{
    /** The directory under the data directory. */
    public static final String DIRECTORY_NAME = "snapshots";

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{19})\\.snap");
    private static final String TEMP_SUFFIX = ".tmp";
    private static final int IO_BUFFER_BYTES = 1 << 20;
    /**
     * The default {@link #syncSliceBytes()}: 2 MiB, about 2 ms of this machine's disk (a 1.3 GB fsync took 0.9-1.1 s).
     * In a probe (a journal-like mmap writer that msyncs every millisecond, beside a 1.3 GB snapshot write, load 6;
     * three interleaved rounds) the msync's p99 was 4.1-5.6 ms with 2 MiB slices against 4.0-4.4 without a snapshot,
     * 8.2-9.1 with 8 MiB ones, and with one fsync at the end its p99.9 was 100-300 ms and its max 0.2-0.8 s; the write
     * took 2.0-2.6 s in 2 MiB slices, 1.9-2.2 s in 8 MiB ones and 1.6-1.8 s whole (650, 162 and 1 fsyncs).
     */
    public static final long SYNC_SLICE_BYTES_DEFAULT = 2L << 20;

    private final Path directory;
    private final long syncSliceBytes;

    private SnapshotStore(final Path directory, final long syncSliceBytes)
    {
        this.directory = directory;
        this.syncSliceBytes = syncSliceBytes;
    }

    /**
     * Opens the store for writing, creating the directory if needed and deleting temporary files a crash left; the
     * payload is forced every {@link #SYNC_SLICE_BYTES_DEFAULT} bytes.
     */
    public static SnapshotStore open(final Path directory)
    {
        return open(directory, SYNC_SLICE_BYTES_DEFAULT);
    }

    /**
     * As {@link #open(Path)}, the payload forced to the disk after every {@code syncSliceBytes} bytes written; 0 for
     * none until the commit's fsync (the whole payload in the page cache until then).
     */
    public static SnapshotStore open(final Path directory, final long syncSliceBytes)
    {
        if (syncSliceBytes < 0)
        {
            throw new IllegalArgumentException("syncSliceBytes=" + syncSliceBytes + " must be >= 0 (0: one fsync at the end)");
        }
        try
        {
            Files.createDirectories(directory);
            try (Stream<Path> files = Files.list(directory))
            {
                for (final Path temp : files.filter(p -> p.getFileName().toString().endsWith(TEMP_SUFFIX) ||
                    p.getFileName().toString().endsWith(SteppedDeletion.SUFFIX)).toList())
                {
                    LOG.warn(temp.getFileName().toString().endsWith(TEMP_SUFFIX)
                        ? "snapshot: deleting {}, a snapshot that was being written when the server stopped"
                        : "snapshot: deleting {}, an old snapshot whose deletion the server's stop interrupted", temp);
                    Files.deleteIfExists(temp);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("snapshot directory=" + directory.toAbsolutePath() + " cannot be prepared", ex);
        }
        return new SnapshotStore(directory, syncSliceBytes);
    }

    /** Opens the store for reading only (tools): creates and deletes nothing; the directory may be missing. */
    public static SnapshotStore openReadOnly(final Path directory)
    {
        return new SnapshotStore(directory, SYNC_SLICE_BYTES_DEFAULT);
    }

    public Path directory()
    {
        return directory;
    }

    /** @return how many payload bytes are written between two forces to the disk; 0 for none before the commit. */
    public long syncSliceBytes()
    {
        return syncSliceBytes;
    }

    /** @return the snapshot files, newest (greatest last command id) first; none when the directory is missing. */
    public List<Path> list()
    {
        if (!Files.isDirectory(directory))
        {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory))
        {
            return files.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
                .toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("snapshot directory=" + directory + " cannot be listed", ex);
        }
    }

    /** @return the last command id a snapshot file's name states, or -1 for another name. */
    public static long lastCommandIdOf(final Path file)
    {
        final Matcher matcher = NAME.matcher(file.getFileName().toString());
        return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /**
     * Reads and checks the header only (magic, version, its CRC32C, and that the file is as long as it says).
     *
     * @throws InvalidSnapshotException naming the problem.
     */
    public SnapshotHeader readHeader(final Path file) throws InvalidSnapshotException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            return readHeader(file, channel);
        }
        catch (final IOException ex)
        {
            throw new InvalidSnapshotException(file, "cannot be read: " + ex, ex);
        }
    }

    /**
     * Checks the whole file's checksums without loading it: the header's, and the payload's CRC32C (reads every byte).
     *
     * @throws InvalidSnapshotException naming the problem.
     */
    public SnapshotHeader verifyChecksums(final Path file) throws InvalidSnapshotException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final SnapshotHeader header = readHeader(file, channel);
            final CRC32C crc = new CRC32C();
            final ByteBuffer buffer = ByteBuffer.allocateDirect(IO_BUFFER_BYTES);
            long position = SnapshotHeader.HEADER_BYTES;
            while (true)
            {
                buffer.clear();
                final int n = channel.read(buffer, position);
                if (n < 0)
                {
                    break;
                }
                buffer.flip();
                crc.update(buffer);
                position += n;
            }
            if (crc.getValue() != header.payloadCrc32c())
            {
                throw new InvalidSnapshotException(file, "payload crc32c=" + Long.toHexString(crc.getValue()) +
                    " does not match the header's " + Long.toHexString(header.payloadCrc32c()));
            }
            return header;
        }
        catch (final IOException ex)
        {
            throw new InvalidSnapshotException(file, "cannot be read: " + ex, ex);
        }
    }

    /** A snapshot read back into a ledger. */
    public record Loaded(Path file, SnapshotHeader header, Ledger ledger, long loadNs)
    {
    }

    /**
     * Loads a snapshot: checks the header, reads the payload into a fresh ledger while summing its CRC32C, then
     * requires the checksum, the length, the last command id and the restored ledger's state hash to match the
     * header.
     *
     * @throws InvalidSnapshotException naming the problem; nothing of the half-read ledger escapes.
     */
    public Loaded load(final Path file, final int defaultCurrency) throws InvalidSnapshotException
    {
        return load(file, defaultCurrency, true);
    }

    /**
     * As {@link #load(Path, int)}; with {@code checkStateHash} false the restored ledger's state hash is not computed
     * and compared (every other check is made, the payload's CRC32C among them): for a second load of a snapshot whose
     * hash this process already checked, such as the snapshot follower's copy of the one the server started from.
     */
    public Loaded load(final Path file, final int defaultCurrency, final boolean checkStateHash) throws InvalidSnapshotException
    {
        return load(file, defaultCurrency, checkStateHash, null);
    }

    /**
     * As {@link #load(Path, int, boolean)}, the restored history growing into {@code historyMemory} (see
     * {@link LedgerSnapshot#read(java.io.DataInput, int, io.ledger.engine.internal.ChunkSupply)}), or allocated whole up front when {@code null}.
     */
    public Loaded load(final Path file, final int defaultCurrency, final boolean checkStateHash, final HistoryMemory historyMemory)
        throws InvalidSnapshotException
    {
        final long startNs = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final SnapshotHeader header = readHeader(file, channel);
            channel.position(SnapshotHeader.HEADER_BYTES);
            final CrcInputStream payload = new CrcInputStream(
                new BufferedInputStream(Channels.newInputStream(channel), IO_BUFFER_BYTES));
            final Ledger ledger;
            try
            {
                ledger = LedgerSnapshot.read(new DataInputStream(payload), defaultCurrency, historyMemory);
            }
            catch (final EOFException ex)
            {
                throw new InvalidSnapshotException(file, "payload ends early", ex);
            }
            catch (final SnapshotFormatException ex)
            {
                if (ex.writtenByNewerBuild())
                {
                    throw new NewerFormatException(file, "snapshot " + ex.getMessage());
                }
                throw new InvalidSnapshotException(file, "payload not understood: " + ex.getMessage(), ex);
            }
            catch (final IOException | RuntimeException ex)
            {
                throw new InvalidSnapshotException(file, "payload not understood: " + ex.getMessage(), ex);
            }
            if (payload.read() != -1)
            {
                throw new InvalidSnapshotException(file, "bytes after the payload's end");
            }
            if (payload.count != header.payloadBytes() || payload.crc.getValue() != header.payloadCrc32c())
            {
                throw new InvalidSnapshotException(file, "payload of " + payload.count + " bytes, crc32c=" +
                    Long.toHexString(payload.crc.getValue()) + " does not match the header's " + header.payloadBytes() +
                    " bytes, crc32c=" + Long.toHexString(header.payloadCrc32c()));
            }
            if (ledger.lastCommandId() != header.lastCommandId())
            {
                throw new InvalidSnapshotException(file, "payload lastCommandId=" + ledger.lastCommandId() +
                    " is not the header's " + header.lastCommandId());
            }
            final long hash = checkStateHash ? ledger.stateHash() : header.stateHash();
            if (hash != header.stateHash())
            {
                throw new InvalidSnapshotException(file, "restored state hash " + Long.toHexString(hash) +
                    " is not the header's " + Long.toHexString(header.stateHash()));
            }
            return new Loaded(file, header, ledger, System.nanoTime() - startNs);
        }
        catch (final IOException ex)
        {
            throw new InvalidSnapshotException(file, "cannot be read: " + ex, ex);
        }
    }

    /**
     * Starts writing the snapshot of the state after {@code lastCommandId}: the caller writes the payload to
     * {@link Pending#output()}, then calls {@link Pending#finishPayload()} and, once it knows the journal index,
     * {@link Pending#commit}; or {@link Pending#abort()}.
     */
    public Pending begin(final long lastCommandId)
    {
        final Path file = directory.resolve(String.format("snapshot-%019d.snap", lastCommandId));
        final Path temp = file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
        try
        {
            Files.createDirectories(directory);
            return new Pending(file, temp, lastCommandId);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("snapshot file=" + temp + " cannot be created", ex);
        }
    }

    /**
     * A snapshot written by {@link #write}: its file, its header, how long the payload and the whole write took, and
     * how many times the payload was forced to the disk before the commit's fsync ({@link #syncSliceBytes()}).
     */
    public record Written(Path file, SnapshotHeader header, long payloadBytes, long payloadNs, long totalNs, long sliceForces)
    {
    }

    /**
     * Writes the snapshot of {@code ledger} atomically (see the class comment): the payload, the state hash, then the
     * header, fsync, rename and directory fsync. Only reads the ledger, which must not change meanwhile.
     *
     * @param journalIndex        the index of the journal record holding the ledger's last command.
     * @param journalRecordCrc32c that record's CRC32C ({@code ChronicleJournal.CommandAt#crc32c()}).
     * @throws IOException leaving no file behind (the temporary one is deleted).
     */
    public Written write(final Ledger ledger, final long journalIndex, final long journalRecordCrc32c) throws IOException
    {
        final long startNs = System.nanoTime();
        final Pending pending = begin(ledger.lastCommandId());
        try
        {
            LedgerSnapshot.write(ledger, pending.output());
            pending.finishPayload();
            final long payloadNs = System.nanoTime() - startNs;
            final long stateHash = ledger.stateHash();
            final SnapshotHeader header = pending.commit(journalIndex, journalRecordCrc32c, stateHash, System.currentTimeMillis());
            return new Written(pending.file(), header, pending.payloadBytes(), payloadNs, System.nanoTime() - startNs,
                pending.sliceForces());
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            pending.abort();
            throw ex;
        }
    }

    /**
     * Moves {@code files} into {@code directory} (created if needed), for snapshots that must not be used again.
     *
     * @return where they went.
     */
    public List<Path> moveAside(final List<Path> files, final Path directory)
    {
        final List<Path> moved = new ArrayList<>();
        try
        {
            for (final Path file : files)
            {
                Files.createDirectories(directory);
                final Path target = directory.resolve(file.getFileName());
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                moved.add(target);
            }
            if (!moved.isEmpty())
            {
                syncDirectory(this.directory);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot move " + files + " to " + directory, ex);
        }
        return moved;
    }

    /**
     * Deletes all but the newest {@code keep} snapshots, each a step at a time ({@link SteppedDeletion}).
     *
     * @return the deleted files.
     */
    public List<Path> prune(final int keep)
    {
        final List<Path> all = list();
        final List<Path> deleted = new ArrayList<>();
        for (final Path old : all.subList(Math.min(keep, all.size()), all.size()))
        {
            try
            {
                SteppedDeletion.delete(old, SteppedDeletion.STEP_BYTES);
                deleted.add(old);
            }
            catch (final IOException ex)
            {
                LOG.warn("snapshot: cannot delete old snapshot {}: {}", old, ex.toString());
            }
        }
        return deleted;
    }

    private static SnapshotHeader readHeader(final Path file, final FileChannel channel) throws IOException, InvalidSnapshotException
    {
        final long size = channel.size();
        if (size < SnapshotHeader.HEADER_BYTES)
        {
            throw new InvalidSnapshotException(file, "size=" + size + " bytes is shorter than a header");
        }
        final ByteBuffer bytes = ByteBuffer.allocate(SnapshotHeader.HEADER_BYTES);
        while (bytes.hasRemaining())
        {
            if (channel.read(bytes, bytes.position()) < 0)
            {
                throw new InvalidSnapshotException(file, "ends inside the header");
            }
        }
        final SnapshotHeader header;
        try
        {
            header = SnapshotHeader.decode(bytes.array());
        }
        catch (final SnapshotHeader.NewerVersion ex)
        {
            throw new NewerFormatException(file, ex.getMessage());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new InvalidSnapshotException(file, ex.getMessage());
        }
        if (size != SnapshotHeader.HEADER_BYTES + header.payloadBytes())
        {
            throw new InvalidSnapshotException(file, "size=" + size + " bytes, but the header says " +
                (SnapshotHeader.HEADER_BYTES + header.payloadBytes()) + " (truncated or appended to)");
        }
        return header;
    }

    /** Fsyncs a directory, so that a rename or delete in it is durable. */
    static void syncDirectory(final Path directory) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    /** One snapshot being written; see {@link #begin}. */
    public final class Pending
    {
        private final Path file;
        private final Path temp;
        private final long lastCommandId;
        private final FileChannel channel;
        private final SlicedOutputStream slicedOut;
        private final CrcOutputStream crcOut;
        private final DataOutputStream output;
        private boolean payloadFinished;
        private boolean done;

        private Pending(final Path file, final Path temp, final long lastCommandId) throws IOException
        {
            this.file = file;
            this.temp = temp;
            this.lastCommandId = lastCommandId;
            channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
            try
            {
                channel.write(ByteBuffer.allocate(SnapshotHeader.HEADER_BYTES), 0); // zeroes until the real header: invalid
                channel.position(SnapshotHeader.HEADER_BYTES);
                slicedOut = new SlicedOutputStream(channel, syncSliceBytes);
                crcOut = new CrcOutputStream(new BufferedOutputStream(slicedOut, IO_BUFFER_BYTES));
                output = new DataOutputStream(crcOut);
            }
            catch (final IOException | RuntimeException ex)
            {
                abort();
                throw ex;
            }
        }

        /** Where the payload goes. */
        public DataOutput output()
        {
            return output;
        }

        /** @return the last command id the snapshot covers. */
        public long lastCommandId()
        {
            return lastCommandId;
        }

        /** Flushes the payload to the file (page cache; no fsync yet). */
        public void finishPayload() throws IOException
        {
            output.flush();
            payloadFinished = true;
        }

        /** @return the payload's length so far. */
        public long payloadBytes()
        {
            return crcOut.count;
        }

        /** @return how many times the payload was forced to the disk so far, one per {@link #syncSliceBytes()} written. */
        public long sliceForces()
        {
            return slicedOut.forces;
        }

        /** @return the name the snapshot gets on commit. */
        public Path file()
        {
            return file;
        }

        /**
         * Writes the header, fsyncs, renames the file to its final name ({@link #file()}) and fsyncs the directory.
         *
         * @return the header written.
         */
        public SnapshotHeader commit(
            final long journalIndex, final long journalRecordCrc32c, final long stateHash, final long createdAtMs) throws IOException
        {
            if (!payloadFinished || done)
            {
                throw new IllegalStateException("file=" + temp + " payloadFinished=" + payloadFinished + " done=" + done);
            }
            try
            {
                final SnapshotHeader header = new SnapshotHeader(journalIndex, lastCommandId, stateHash, crcOut.count,
                    crcOut.crc.getValue(), journalRecordCrc32c, createdAtMs);
                final ByteBuffer bytes = ByteBuffer.wrap(header.encode());
                while (bytes.hasRemaining())
                {
                    channel.write(bytes, bytes.position());
                }
                channel.force(true);
                channel.close();
                try
                {
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                catch (final AtomicMoveNotSupportedException ex)
                {
                    throw new IOException("directory=" + directory + " does not support an atomic rename", ex);
                }
                syncDirectory(directory);
                done = true;
                return header;
            }
            catch (final IOException | RuntimeException ex)
            {
                abort();
                throw ex;
            }
        }

        /** Closes and deletes the temporary file. Idempotent. */
        public void abort()
        {
            done = true;
            try
            {
                channel.close();
            }
            catch (final IOException ex)
            {
                // closing to delete: nothing else to do
            }
            try
            {
                Files.deleteIfExists(temp);
            }
            catch (final IOException ex)
            {
                LOG.warn("snapshot: cannot delete {}: {}", temp, ex.toString());
            }
        }
    }

    /** Counts and checksums what passes through, in bulk (FilterOutputStream would write byte by byte). */
    private static final class CrcOutputStream extends FilterOutputStream
    {
        final CRC32C crc = new CRC32C();
        long count;

        CrcOutputStream(final OutputStream out)
        {
            super(out);
        }

        @Override
        public void write(final int b) throws IOException
        {
            out.write(b);
            crc.update(b);
            count++;
        }

        @Override
        public void write(final byte[] bytes, final int offset, final int length) throws IOException
        {
            out.write(bytes, offset, length);
            crc.update(bytes, offset, length);
            count += length;
        }
    }

    private static final class CrcInputStream extends FilterInputStream
    {
        final CRC32C crc = new CRC32C();
        long count;

        CrcInputStream(final InputStream in)
        {
            super(in);
        }

        @Override
        public int read() throws IOException
        {
            final int b = in.read();
            if (b >= 0)
            {
                crc.update(b);
                count++;
            }
            return b;
        }

        @Override
        public int read(final byte[] bytes, final int offset, final int length) throws IOException
        {
            final int n = in.read(bytes, offset, length);
            if (n > 0)
            {
                crc.update(bytes, offset, n);
                count += n;
            }
            return n;
        }

        @Override
        public long skip(final long n)
        {
            throw new UnsupportedOperationException("every byte must be checksummed");
        }
    }
}
