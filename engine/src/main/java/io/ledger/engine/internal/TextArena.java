package io.ledger.engine.internal;

import java.io.IOException;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Append-only UTF-8 store for short texts the ledger keeps (entry descriptions, product ids). A reference packs
 * offset and length into one {@code long}: {@code offset << 16 | length}; {@link #NONE} means no text.
 *
 * <p>Section {@link SnapshotTags#TEXTS}: size i32, then the raw bytes (references into them stay valid).
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class TextArena implements SnapshotPart
{
    public static final long NONE = -1;

    /** Largest size the arena may reach: offsets must stay below what an {@link ExpandableArrayBuffer} can hold. */
    public static final int CAPACITY_BYTES_MAX = Integer.MAX_VALUE - 64 * 1024 * 1024;

    private final ExpandableArrayBuffer buffer;
    private int limit;

    /** @param initialBytes bytes to allocate up front; the arena grows past them. */
    public TextArena(final int initialBytes)
    {
        buffer = new ExpandableArrayBuffer(Math.max(64, initialBytes));
    }

    /** Copies {@code length} bytes (at most 65,535) and returns the reference, or {@link #NONE} when negative. */
    public long append(final DirectBuffer src, final int offset, final int length)
    {
        if (length < 0)
        {
            return NONE;
        }
        final int start = limit;
        buffer.putBytes(start, src, offset, length);
        limit = start + length;
        return ((long)start << 16) | length;
    }

    /** @return the text {@code ref} names, decoded; allocates, for the edges only. */
    public String get(final long ref)
    {
        if (ref == NONE)
        {
            return null;
        }
        return buffer.getStringWithoutLengthUtf8((int)(ref >>> 16), (int)(ref & 0xFFFF));
    }

    /**
     * Copies the text {@code ref} names into {@code dst} at {@code offset} without decoding it.
     *
     * @return the number of bytes copied: 0 for {@link #NONE}.
     */
    public int copyTo(final long ref, final org.agrona.MutableDirectBuffer dst, final int offset)
    {
        if (ref == NONE)
        {
            return 0;
        }
        final int length = (int)(ref & 0xFFFF);
        dst.putBytes(offset, buffer, (int)(ref >>> 16), length);
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
        buffer.getBytes(offset, dst, dstOffset, length);
    }

    /** Appends raw bytes at the end, for restoring a snapshot: references into them stay what they were. */
    public void appendBytes(final byte[] src, final int srcOffset, final int length)
    {
        if (!hasRoomFor(length))
        {
            throw new IllegalStateException("length=" + length + " does not fit after limit=" + limit);
        }
        buffer.putBytes(limit, src, srcOffset, length);
        limit += length;
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
}
