package io.ledger.engine.internal;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Where the history ({@link EntryLog}) and its texts ({@link TextArena}) get a new chunk of off-heap memory when they
 * grow. What a chunk holds before it is written never matters: the history writes every byte of an entry before it
 * counts it, and the texts every byte of a text before they hand out its reference, and nothing reads past what was
 * written. So a chunk may come from anywhere (freshly allocated, allocated and faulted in ahead of time by another
 * thread, recycled), and the ledger stays a pure function of its commands.
 *
 * <p>Called on the ledger thread only.
 */
@FunctionalInterface
public interface ChunkSupply
{
    /** Allocates on the calling thread, as a ledger without a supply does: the kernel faults the pages in there. */
    ChunkSupply ALLOCATE = ChunkSupply::allocate;

    /** @return a chunk of exactly {@code bytes} bytes, aligned to 64 (a cache line). */
    UnsafeBuffer chunk(int bytes);

    /** @return a new zeroed chunk of {@code bytes}, allocated (and so faulted in) on the calling thread. */
    static UnsafeBuffer allocate(final int bytes)
    {
        return new UnsafeBuffer(BufferUtil.allocateDirectAligned(bytes, 64));
    }
}
