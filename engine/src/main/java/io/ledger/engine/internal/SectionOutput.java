package io.ledger.engine.internal;

import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes a snapshot payload as tagged sections, each cut into length-prefixed blocks, so that a section's length
 * need not be known before it is written (a section can hold hundreds of megabytes of history) and a reader can
 * step over a section it does not understand.
 *
 * <pre>
 *   payload  := section* endTag
 *   section  := tag (i32, &gt; 0)  block*  endOfSection
 *   block    := length (i32, 1..BLOCK_BYTES_MAX)  bytes[length]
 *   endOfSection := length 0 (i32)
 *   endTag   := tag 0 (i32)
 * </pre>
 *
 * Integers are big-endian ({@link DataOutput}'s order). Inside a section, {@link DataOutput} methods write the body;
 * {@link #writeText} writes a nullable UTF-8 string (i32 byte length, -1 for null, then the bytes).
 *
 * <p>Single-threaded. Buffers one block (64 KiB) and writes it to the underlying output whole.
 */
public final class SectionOutput implements DataOutput
{
    /** Largest block, in bytes. */
    public static final int BLOCK_BYTES_MAX = 64 * 1024;
    /** The tag that ends the payload; section tags are positive. */
    public static final int END_TAG = 0;

    private final DataOutput out;
    private final byte[] block = new byte[BLOCK_BYTES_MAX];
    private int position;
    private int openTag = -1;

    public SectionOutput(final DataOutput out)
    {
        this.out = out;
    }

    /** Starts section {@code tag}; the previous one must have ended. */
    public void beginSection(final int tag) throws IOException
    {
        if (tag <= 0)
        {
            throw new IllegalArgumentException("tag=" + tag + " must be > 0");
        }
        if (openTag >= 0)
        {
            throw new IllegalStateException("tag=" + tag + " begun while section tag=" + openTag + " is open");
        }
        out.writeInt(tag);
        openTag = tag;
    }

    /** Ends the open section: writes the buffered block and the end-of-section marker. */
    public void endSection() throws IOException
    {
        requireOpen();
        flushBlock();
        out.writeInt(0);
        openTag = -1;
    }

    /** Ends the payload. */
    public void finish() throws IOException
    {
        if (openTag >= 0)
        {
            throw new IllegalStateException("finish while section tag=" + openTag + " is open");
        }
        out.writeInt(END_TAG);
    }

    /** Writes a nullable string: i32 UTF-8 byte length (-1 for null), then the bytes. */
    public void writeText(final String value) throws IOException
    {
        if (value == null)
        {
            writeInt(-1);
            return;
        }
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        writeInt(bytes.length);
        write(bytes, 0, bytes.length);
    }

    @Override
    public void write(final int b) throws IOException
    {
        ensure(1);
        block[position++] = (byte)b;
    }

    @Override
    public void write(final byte[] bytes) throws IOException
    {
        write(bytes, 0, bytes.length);
    }

    @Override
    public void write(final byte[] bytes, final int offset, final int length) throws IOException
    {
        requireOpen();
        int from = offset;
        int left = length;
        while (left > 0)
        {
            if (position == BLOCK_BYTES_MAX)
            {
                flushBlock();
            }
            final int n = Math.min(left, BLOCK_BYTES_MAX - position);
            System.arraycopy(bytes, from, block, position, n);
            position += n;
            from += n;
            left -= n;
        }
    }

    @Override
    public void writeBoolean(final boolean v) throws IOException
    {
        write(v ? 1 : 0);
    }

    @Override
    public void writeByte(final int v) throws IOException
    {
        write(v);
    }

    @Override
    public void writeShort(final int v) throws IOException
    {
        ensure(2);
        block[position++] = (byte)(v >>> 8);
        block[position++] = (byte)v;
    }

    @Override
    public void writeChar(final int v) throws IOException
    {
        writeShort(v);
    }

    @Override
    public void writeInt(final int v) throws IOException
    {
        ensure(4);
        final byte[] b = block;
        int p = position;
        b[p++] = (byte)(v >>> 24);
        b[p++] = (byte)(v >>> 16);
        b[p++] = (byte)(v >>> 8);
        b[p++] = (byte)v;
        position = p;
    }

    @Override
    public void writeLong(final long v) throws IOException
    {
        ensure(8);
        final byte[] b = block;
        int p = position;
        b[p++] = (byte)(v >>> 56);
        b[p++] = (byte)(v >>> 48);
        b[p++] = (byte)(v >>> 40);
        b[p++] = (byte)(v >>> 32);
        b[p++] = (byte)(v >>> 24);
        b[p++] = (byte)(v >>> 16);
        b[p++] = (byte)(v >>> 8);
        b[p++] = (byte)v;
        position = p;
    }

    @Override
    public void writeFloat(final float v) throws IOException
    {
        writeInt(Float.floatToIntBits(v));
    }

    @Override
    public void writeDouble(final double v) throws IOException
    {
        writeLong(Double.doubleToLongBits(v));
    }

    @Override
    public void writeBytes(final String s)
    {
        throw new UnsupportedOperationException("writeBytes drops the high byte of each char: use writeText");
    }

    @Override
    public void writeChars(final String s)
    {
        throw new UnsupportedOperationException("use writeText");
    }

    @Override
    public void writeUTF(final String s)
    {
        throw new UnsupportedOperationException("writeUTF is limited to 65535 bytes of modified UTF-8: use writeText");
    }

    /** Makes room for {@code n} bytes in the current block, so that a primitive never straddles two blocks. */
    private void ensure(final int n) throws IOException
    {
        requireOpen();
        if (position + n > BLOCK_BYTES_MAX)
        {
            flushBlock();
        }
    }

    private void flushBlock() throws IOException
    {
        if (position > 0)
        {
            out.writeInt(position);
            out.write(block, 0, position);
            position = 0;
        }
    }

    private void requireOpen()
    {
        if (openTag < 0)
        {
            throw new IllegalStateException("write outside a section");
        }
    }
}
