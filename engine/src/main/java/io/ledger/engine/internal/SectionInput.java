package io.ledger.engine.internal;

import java.io.DataInput;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.ledger.engine.SnapshotFormatException;

/**
 * Reads what {@link SectionOutput} wrote (the layout is drawn there). Every length read from the input is checked
 * against a bound before anything is allocated for it, so a damaged payload gives a {@link SnapshotFormatException}
 * naming the section, not an {@link OutOfMemoryError}.
 *
 * <p>Single-threaded.
 */
public final class SectionInput implements DataInput
{
    private final DataInput in;
    private final byte[] block = new byte[SectionOutput.BLOCK_BYTES_MAX];
    private int position;
    private int limit;
    private int tag = -1;
    private boolean sectionEnded;

    public SectionInput(final DataInput in)
    {
        this.in = in;
    }

    /**
     * Moves to the next section. The current one must have been read to its end ({@link #endSection()}) or skipped.
     *
     * @return its tag, or {@link SectionOutput#END_TAG} at the end of the payload.
     */
    public int nextSection() throws IOException
    {
        if (tag > 0)
        {
            throw new IllegalStateException("section tag=" + tag + " not ended");
        }
        final int next = in.readInt();
        if (next < 0)
        {
            throw new SnapshotFormatException("section tag=" + next + " is negative");
        }
        tag = next == SectionOutput.END_TAG ? -1 : next;
        position = 0;
        limit = 0;
        sectionEnded = false;
        return next;
    }

    /** @return the tag of the section being read, or -1. */
    public int tag()
    {
        return tag;
    }

    /**
     * Requires that the whole section was read: a reader that stops early or reads past the end has a different
     * idea of the layout than the writer had.
     */
    public void endSection() throws IOException
    {
        if (position != limit || !sectionEnded && nextBlock())
        {
            throw new SnapshotFormatException("section tag=" + tag + " has bytes left after its last field");
        }
        tag = -1;
    }

    /** Steps over the rest of the section, for a tag that is understood elsewhere (tools). */
    public void skipSection() throws IOException
    {
        position = limit;
        while (!sectionEnded && nextBlock())
        {
            position = limit;
        }
        tag = -1;
    }

    /** Reads a string written by {@link SectionOutput#writeText}; {@code maxBytes} bounds its UTF-8 length. */
    public String readText(final int maxBytes) throws IOException
    {
        final int length = readInt();
        if (length == -1)
        {
            return null;
        }
        if (length < 0 || length > maxBytes)
        {
            throw new SnapshotFormatException("section tag=" + tag + " text length=" + length + " out of range 0.." + maxBytes);
        }
        final byte[] bytes = new byte[length];
        readFully(bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Reads an i32 count and checks it is in {@code 0..max}. */
    public int readCount(final String what, final int max) throws IOException
    {
        final int count = readInt();
        if (count < 0 || count > max)
        {
            throw new SnapshotFormatException("section tag=" + tag + " " + what + "=" + count + " out of range 0.." + max);
        }
        return count;
    }

    @Override
    public void readFully(final byte[] bytes) throws IOException
    {
        readFully(bytes, 0, bytes.length);
    }

    @Override
    public void readFully(final byte[] bytes, final int offset, final int length) throws IOException
    {
        int to = offset;
        int left = length;
        while (left > 0)
        {
            if (position == limit)
            {
                requireBlock();
            }
            final int n = Math.min(left, limit - position);
            System.arraycopy(block, position, bytes, to, n);
            position += n;
            to += n;
            left -= n;
        }
    }

    @Override
    public int skipBytes(final int n) throws IOException
    {
        int left = n;
        while (left > 0)
        {
            if (position == limit)
            {
                requireBlock();
            }
            final int step = Math.min(left, limit - position);
            position += step;
            left -= step;
        }
        return n;
    }

    @Override
    public boolean readBoolean() throws IOException
    {
        final byte b = readByte();
        if (b != 0 && b != 1)
        {
            throw new SnapshotFormatException("section tag=" + tag + " boolean=" + b);
        }
        return b == 1;
    }

    @Override
    public byte readByte() throws IOException
    {
        ensure(1);
        return block[position++];
    }

    @Override
    public int readUnsignedByte() throws IOException
    {
        return readByte() & 0xFF;
    }

    @Override
    public short readShort() throws IOException
    {
        ensure(2);
        final int v = (block[position] & 0xFF) << 8 | block[position + 1] & 0xFF;
        position += 2;
        return (short)v;
    }

    @Override
    public int readUnsignedShort() throws IOException
    {
        return readShort() & 0xFFFF;
    }

    @Override
    public char readChar() throws IOException
    {
        return (char)readShort();
    }

    @Override
    public int readInt() throws IOException
    {
        ensure(4);
        final byte[] b = block;
        final int p = position;
        position = p + 4;
        return (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | b[p + 3] & 0xFF;
    }

    @Override
    public long readLong() throws IOException
    {
        ensure(8);
        final byte[] b = block;
        final int p = position;
        position = p + 8;
        return (long)(b[p] & 0xFF) << 56 | (long)(b[p + 1] & 0xFF) << 48 | (long)(b[p + 2] & 0xFF) << 40 |
            (long)(b[p + 3] & 0xFF) << 32 | (long)(b[p + 4] & 0xFF) << 24 | (b[p + 5] & 0xFF) << 16 |
            (b[p + 6] & 0xFF) << 8 | b[p + 7] & 0xFF;
    }

    @Override
    public float readFloat() throws IOException
    {
        return Float.intBitsToFloat(readInt());
    }

    @Override
    public double readDouble() throws IOException
    {
        return Double.longBitsToDouble(readLong());
    }

    @Override
    public String readLine()
    {
        throw new UnsupportedOperationException("use readText");
    }

    @Override
    public String readUTF()
    {
        throw new UnsupportedOperationException("use readText");
    }

    /** The writer never splits a primitive across blocks ({@link SectionOutput}), so neither does the reader. */
    private void ensure(final int n) throws IOException
    {
        if (position == limit)
        {
            requireBlock();
        }
        if (limit - position < n)
        {
            throw new SnapshotFormatException("section tag=" + tag + " has a " + n + "-byte value cut by a block end");
        }
    }

    private void requireBlock() throws IOException
    {
        if (sectionEnded || !nextBlock())
        {
            throw new SnapshotFormatException("section tag=" + tag + " ended before its last field");
        }
    }

    /** @return false at the end of the section. */
    private boolean nextBlock() throws IOException
    {
        if (tag <= 0)
        {
            throw new IllegalStateException("read outside a section");
        }
        final int length;
        try
        {
            length = in.readInt();
        }
        catch (final EOFException ex)
        {
            throw new SnapshotFormatException("payload ends inside section tag=" + tag);
        }
        if (length == 0)
        {
            sectionEnded = true;
            position = 0;
            limit = 0;
            return false;
        }
        if (length < 0 || length > SectionOutput.BLOCK_BYTES_MAX)
        {
            throw new SnapshotFormatException("section tag=" + tag + " block length=" + length + " out of range 1.." +
                SectionOutput.BLOCK_BYTES_MAX);
        }
        try
        {
            in.readFully(block, 0, length);
        }
        catch (final EOFException ex)
        {
            throw new SnapshotFormatException("payload ends inside a block of section tag=" + tag);
        }
        position = 0;
        limit = length;
        return true;
    }
}
