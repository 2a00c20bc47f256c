package io.ledger.engine.internal;

import java.util.Arrays;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An append-only sequence of {@code int}s that never copies what it holds: off the Java heap, in chunks of
 * {@link #CHUNK_INTS} (4 KiB), so that appending allocates nothing but a chunk's small wrapper now and then (as for
 * {@link EntryLog}). For per-merchant lists that grow with every command of a kind, such as a merchant's transfers.
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class IntLog
{
    private static final int CHUNK_SHIFT = 10;
    /** Ints per chunk. */
    public static final int CHUNK_INTS = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_INTS - 1;

    private UnsafeBuffer[] chunks = new UnsafeBuffer[4];
    private int chunkCount;
    private int size;

    /** Appends {@code value}. */
    public void addInt(final int value)
    {
        final int i = size;
        if (i >>> CHUNK_SHIFT == chunkCount)
        {
            if (chunkCount == chunks.length)
            {
                chunks = Arrays.copyOf(chunks, chunkCount * 2);
            }
            chunks[chunkCount++] = new UnsafeBuffer(BufferUtil.allocateDirectAligned(CHUNK_INTS * Integer.BYTES, 64));
        }
        chunks[i >>> CHUNK_SHIFT].putInt((i & CHUNK_MASK) * Integer.BYTES, value);
        size = i + 1;
    }

    /** @return the value at {@code index}, 0..{@link #size()} - 1. */
    public int getInt(final int index)
    {
        if (index < 0 || index >= size)
        {
            throw new IndexOutOfBoundsException("index=" + index + " size=" + size);
        }
        return chunks[index >>> CHUNK_SHIFT].getInt((index & CHUNK_MASK) * Integer.BYTES);
    }

    public int size()
    {
        return size;
    }
}
