package io.ledger.engine.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Append-only UTF-8 store for short texts the ledger keeps (entry descriptions, product ids). A reference packs
 * offset and length into one {@code long}: {@code offset << 16 | length}; {@link #NONE} means no text.
 *
 * <p><b>Storage.</b> The bytes are one logical run cut into chunks of {@link #CHUNK_BYTES}, off the Java heap as the
 * history's ({@link EntryLog}); a text may straddle two chunks. The arena never copies what it holds: a full arena takes
 * a chunk from its {@link ChunkSupply} (see {@link EntryLog}), and the bytes asked for up front are allocated at construction, so an arena sized for its texts appends
 * without allocating.
 *
 * <p>Section {@link SnapshotTags#TEXTS}: size i32, then the raw bytes (references into them stay valid).
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class TextArena implements SnapshotPart
{
    public static final long NONE = -1;

    /** Largest size the arena may reach: offsets are {@code int}s. */
    public static final int CAPACITY_BYTES_MAX = Integer.MAX_VALUE - 64 * 1024 * 1024;

    private static final int CHUNK_SHIFT = 16;
    /** Bytes per chunk: 64 KiB. */
    public static final int CHUNK_BYTES = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_BYTES - 1;

    private UnsafeBuffer[] chunks = new UnsafeBuffer[16];
    private int chunkCount;
    private int limit;
    private ChunkSupply supply = ChunkSupply.ALLOCATE;

    /** @param initialBytes bytes to allocate up front (rounded up to whole chunks; at least one); the arena grows past them. */
    public TextArena(final int initialBytes)
    {
        final long wanted = ((long)Math.max(1, initialBytes) + CHUNK_MASK) >>> CHUNK_SHIFT;
        while (chunkCount < wanted && (long)chunkCount * CHUNK_BYTES < CAPACITY_BYTES_MAX)
        {
            addChunk();
        }
    }

    /** Where the chunks the arena grows by come from from now on (see {@link ChunkSupply}). */
    public void supply(final ChunkSupply supply)
    {
        this.supply = supply;
    }

    /** Copies {@code length} bytes (at most 65,535) and returns the reference, or {@link #NONE} when negative. */
    public long append(final DirectBuffer src, final int offset, final int length)
    {
        if (length < 0)
        {
            return NONE;
        }
        final int start = limit;
        copyIn(src, offset, length);
        return ((long)start << 16) | length;
    }

    /** Copies {@code length} bytes of {@code src} to the end, across chunk edges, and moves the limit past them. */
    private void copyIn(final DirectBuffer src, final int offset, final int length)
    {
        ensure(limit + length);
        int at = limit;
        int from = offset;
        int left = length;
        while (left > 0)
        {
            final int n = Math.min(left, CHUNK_BYTES - (at & CHUNK_MASK));
            chunks[at >>> CHUNK_SHIFT].putBytes(at & CHUNK_MASK, src, from, n);
            at += n;
            from += n;
            left -= n;
        }
        limit += length;
    }

    /** @return the text {@code ref} names, decoded; allocates, for the edges only. */
    public String get(final long ref)
    {
        if (ref == NONE)
        {
            return null;
        }
        final int length = (int)(ref & 0xFFFF);
        final byte[] bytes = new byte[length];
        getBytes((int)(ref >>> 16), bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Copies the text {@code ref} names into {@code dst} at {@code offset} without decoding it.
     *
     * @return the number of bytes copied: 0 for {@link #NONE}.
     */
    public int copyTo(final long ref, final MutableDirectBuffer dst, final int offset)
    {
        if (ref == NONE)
        {
            return 0;
        }
        final int length = (int)(ref & 0xFFFF);
        int at = (int)(ref >>> 16);
        int to = offset;
        int left = length;
        while (left > 0)
        {
            final int n = Math.min(left, CHUNK_BYTES - (at & CHUNK_MASK));
            dst.putBytes(to, chunks[at >>> CHUNK_SHIFT], at & CHUNK_MASK, n);
            at += n;
            to += n;
            left -= n;
        }
        return length;
    }

    /** @return true when {@code length} more bytes fit under {@link #CAPACITY_BYTES_MAX}. */
    public boolean hasRoomFor(final int length)
    {
        return length <= CAPACITY_BYTES_MAX - limit;
    }

    public int sizeBytes()
    {
        return limit;
    }

    /** Copies {@code length} raw bytes from {@code offset}, for snapshots. */
    public void getBytes(final int offset, final byte[] dst, final int dstOffset, final int length)
    {
        if (offset < 0 || length < 0 || offset > limit - length)
        {
            throw new IndexOutOfBoundsException("offset=" + offset + " length=" + length + " limit=" + limit);
        }
        int at = offset;
        int to = dstOffset;
        int left = length;
        while (left > 0)
        {
            final int n = Math.min(left, CHUNK_BYTES - (at & CHUNK_MASK));
            chunks[at >>> CHUNK_SHIFT].getBytes(at & CHUNK_MASK, dst, to, n);
            at += n;
            to += n;
            left -= n;
        }
    }

    /** Appends raw bytes at the end, for restoring a snapshot: references into them stay what they were. */
    public void appendBytes(final byte[] src, final int srcOffset, final int length)
    {
        if (!hasRoomFor(length))
        {
            throw new IllegalStateException("length=" + length + " does not fit after limit=" + limit);
        }
        copyIn(new UnsafeBuffer(src), srcOffset, length); // restore only: one wrapper per chunk read
    }

    @Override
    public int[] sectionTags()
    {
        return new int[] {SnapshotTags.TEXTS};
    }

    @Override
    public void writeSections(final SectionOutput out) throws IOException
    {
        out.beginSection(SnapshotTags.TEXTS);
        out.writeInt(limit);
        final byte[] chunk = new byte[SectionOutput.BLOCK_BYTES_MAX];
        for (int offset = 0; offset < limit; offset += chunk.length)
        {
            final int n = Math.min(chunk.length, limit - offset);
            getBytes(offset, chunk, 0, n);
            out.write(chunk, 0, n);
        }
        out.endSection();
    }

    @Override
    public void readSection(final int tag, final SectionInput in, final boolean[] seen) throws IOException
    {
        final int size = in.readCount("text bytes", CAPACITY_BYTES_MAX);
        final byte[] chunk = new byte[SectionOutput.BLOCK_BYTES_MAX];
        for (int offset = 0; offset < size; offset += chunk.length)
        {
            final int n = Math.min(chunk.length, size - offset);
            in.readFully(chunk, 0, n);
            appendBytes(chunk, 0, n);
        }
    }

    /** Makes room for bytes up to {@code end} (exclusive): adds chunks, never copies bytes. */
    private void ensure(final int end)
    {
        while ((long)chunkCount << CHUNK_SHIFT < end)
        {
            addChunk();
        }
    }

    private void addChunk()
    {
        if (chunkCount == chunks.length)
        {
            chunks = Arrays.copyOf(chunks, chunkCount * 2);
        }
        chunks[chunkCount++] = supply.chunk(CHUNK_BYTES);
    }
}
