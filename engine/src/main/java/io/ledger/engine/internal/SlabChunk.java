package io.ledger.engine.internal;

import io.ledger.engine.HistorySlab;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A chunk carved from a {@link HistorySlab}: an {@link UnsafeBuffer} over part of the slab that also holds the slab,
 * so the slab's memory stays mapped as long as any of its chunks is reachable (from a ledger's history, a ready queue)
 * and is freed after the last one is not. It overrides nothing: the ledger's reads and writes are {@link UnsafeBuffer}'s.
 *
 * <p>Single-threaded as any chunk: made on a filler thread, then used by the ledger thread only.
 */
public final class SlabChunk extends UnsafeBuffer
{
    private final HistorySlab slab;

    /** A chunk of {@code bytes} bytes at {@code offset} in {@code slab}. */
    public SlabChunk(final HistorySlab slab, final int offset, final int bytes)
    {
        super(slab.address() + checked(slab, offset, bytes), bytes);
        this.slab = slab;
    }

    private static long checked(final HistorySlab slab, final int offset, final int bytes)
    {
        if (offset < 0 || bytes <= 0 || (long)offset + bytes > slab.bytes())
        {
            throw new IllegalArgumentException("offset=" + offset + " bytes=" + bytes + " must lie in a slab of " + slab.bytes());
        }
        return offset;
    }

    /** @return the slab it was carved from. */
    public HistorySlab slab()
    {
        return slab;
    }
}
