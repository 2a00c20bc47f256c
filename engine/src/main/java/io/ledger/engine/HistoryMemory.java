package io.ledger.engine;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.ledger.engine.internal.ChunkSupply;
import io.ledger.engine.internal.EntryLog;
import io.ledger.engine.internal.SlabChunk;
import io.ledger.engine.internal.TextArena;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The history's memory, made ready off the ledger thread. The history and its texts grow by off-heap chunks (280 KiB
 * and 64 KiB); allocating one zeroes it and makes the kernel fault in every page of it, which on a virtual machine
 * cost a profile of {@code LedgerApplyBenchmark.purchase} about 40% of the ledger thread's time (the zeroing and the
 * page faults of memory new to the process). Here another thread ({@link #fill()}, run by {@link LedgerPipeline}'s
 * {@code ledger-memory} thread) allocates the chunks ahead of time, so the pages are already there, and the ledger
 * thread only takes one from a bounded queue ({@link #chunk(int)}). When the queue is empty (a burst faster than the
 * filler, or no filler at all) the ledger thread allocates the chunk itself, as it would without this class, and
 * {@link #chunksAllocatedOnLedgerThread()} counts it.
 *
 * <p>Which memory a chunk is does not change what the ledger computes (see {@link ChunkSupply}): replay and the state
 * hash are the same with or without it.
 *
 * <p><b>Slabs.</b> Where a {@link HistorySlabs} is installed (the journal module's maps 32 MiB slabs advised for
 * transparent huge pages), the filler carves the chunks from slabs one after the other instead of allocating each, and
 * touches each chunk's pages as it carves it, so a chunk is faulted in 2 MiB at a time (one fault where 4 KiB pages
 * needed 512) before the ledger thread sees it. A slab lives as long as any chunk carved from it (see
 * {@link io.ledger.engine.internal.SlabChunk}). The ledger thread's own fallback, when no chunk is ready, still allocates
 * a chunk alone. Without slabs (none installed, or none to be had) each chunk is allocated alone, as before.
 *
 * <p><b>Wake-ups.</b> The ledger thread wakes the filler when a queue has fallen to half its size, not for every chunk
 * it takes: the filler then tops the queue up in one go (half a queue: 16 chunks with the default 32), so it wakes
 * about once per 16 chunks taken.
 *
 * <p>Memory: at most {@code readyChunks} chunks of each kind wait in the queues, {@code readyChunks * 344 KiB} of
 * direct memory ahead of what the history holds (11 MiB with the default 32). With slabs, the slab being carved is
 * mapped whole but is resident only as far as it has been carved (rounded up to its 2 MiB page), and the chunks still
 * waiting in the queues when a filler is dropped stay resident as long as the slab they share with the history does.
 *
 * <p>Threads: {@link #chunk(int)} on the ledger thread only; {@link #fill()} on one filler thread only (a
 * {@link Filler}); the counters from any thread.
 */
public final class HistoryMemory implements ChunkSupply
{
    /** Chunks of each kind kept ready by default: 32 history chunks are 131,072 entries (65,536 purchases). */
    public static final int READY_CHUNKS_DEFAULT = 32;

    private final OneToOneConcurrentArrayQueue<UnsafeBuffer> entryChunks;
    private final OneToOneConcurrentArrayQueue<UnsafeBuffer> textChunks;
    /** A queue at or below this many chunks wakes the filler: half its capacity. */
    private final int wakeAtChunks;
    /** Where the chunks are carved from; {@code null}: each chunk allocated alone. */
    private final HistorySlabs slabs;
    /** Filler thread only: the slab being carved and how far. */
    private HistorySlab slab;
    private int slabUsedBytes;
    private final AtomicLong slabsTaken = new AtomicLong();
    private final AtomicLong allocatedOnLedgerThread = new AtomicLong();
    private final AtomicLong allocatedAhead = new AtomicLong();
    /** The filler's thread, woken when the ledger thread has taken a queue down to half; null without one. */
    private volatile Thread filler;

    /**
     * Chunks carved from the process's {@link HistorySlabs#installed() installed} slabs, if any.
     *
     * @param readyChunks chunks of each kind to keep ready (at least 1; rounded up to a power of two).
     */
    public HistoryMemory(final int readyChunks)
    {
        this(readyChunks, HistorySlabs.installed());
    }

    /**
     * @param readyChunks chunks of each kind to keep ready (at least 1; rounded up to a power of two).
     * @param slabs       where to carve the chunks from, or {@code null} to allocate each chunk alone.
     */
    public HistoryMemory(final int readyChunks, final HistorySlabs slabs)
    {
        if (readyChunks < 1)
        {
            throw new IllegalArgumentException("readyChunks=" + readyChunks + " must be at least 1");
        }
        entryChunks = new OneToOneConcurrentArrayQueue<>(readyChunks);
        textChunks = new OneToOneConcurrentArrayQueue<>(readyChunks);
        wakeAtChunks = entryChunks.capacity() / 2;
        this.slabs = slabs;
    }

    /** Ledger thread: a ready chunk when one of that size waits, else one allocated here and now. */
    @Override
    public UnsafeBuffer chunk(final int bytes)
    {
        final OneToOneConcurrentArrayQueue<UnsafeBuffer> queue = bytes == EntryLog.CHUNK_BYTES ? entryChunks
            : bytes == TextArena.CHUNK_BYTES ? textChunks : null;
        final UnsafeBuffer ready = queue == null ? null : queue.poll();
        if (ready != null)
        {
            final Thread filling = filler;
            if (filling != null && queue.size() <= wakeAtChunks)
            {
                LockSupport.unpark(filling); // at half a queue: the filler sleeps until then, and refills it in one go
            }
            return ready;
        }
        allocatedOnLedgerThread.lazySet(allocatedOnLedgerThread.get() + 1); // one writer: the ledger thread
        return ChunkSupply.allocate(bytes);
    }

    /**
     * Filler thread: allocates (zeroed, so faulted in) chunks until both queues are full.
     *
     * @return how many chunks it added: 0 when both were full.
     */
    public int fill()
    {
        return fill(null);
    }

    /** As {@link #fill()}, stopping between two chunks once {@code filler} is closed ({@code null}: never). */
    private int fill(final Filler filler)
    {
        return fill(entryChunks, EntryLog.CHUNK_BYTES, filler) + fill(textChunks, TextArena.CHUNK_BYTES, filler);
    }

    private int fill(final OneToOneConcurrentArrayQueue<UnsafeBuffer> queue, final int bytes, final Filler filler)
    {
        int added = 0;
        while (queue.remainingCapacity() > 0 && (filler == null || !filler.halted))
        {
            queue.offer(slabs == null ? ChunkSupply.allocate(bytes) : carve(bytes)); // the only producer: room checked
            added++;
        }
        if (added > 0)
        {
            allocatedAhead.lazySet(allocatedAhead.get() + added); // one writer: the filler thread
        }
        return added;
    }

    /**
     * Filler thread: the next {@code bytes} of the slab being carved (a new slab when it has no room left; the rest of
     * the old one stays unused, at most a chunk's worth), its pages touched here so that the ledger thread finds them
     * faulted in; a chunk allocated alone when no slab can be had.
     */
    private UnsafeBuffer carve(final int bytes)
    {
        if (slab == null || slab.bytes() - slabUsedBytes < bytes)
        {
            final HistorySlab next = slabs.slab();
            if (next == null)
            {
                return ChunkSupply.allocate(bytes);
            }
            slab = next;
            slabUsedBytes = 0;
            slabsTaken.lazySet(slabsTaken.get() + 1); // one writer: the filler thread
        }
        final SlabChunk chunk = new SlabChunk(slab, slabUsedBytes, bytes);
        slabUsedBytes += (bytes + PAGE_BYTES - 1) & -PAGE_BYTES; // each chunk starts on a page of its own
        for (int at = 0; at < bytes; at += PAGE_BYTES)
        {
            chunk.putByte(at, (byte)0); // the first write faults the page in (a huge page: 2 MiB of them at once)
        }
        return chunk;
    }

    private static final int PAGE_BYTES = 4096;

    /**
     * Starts a thread that keeps {@code memory} topped up until the returned filler is closed. It sleeps while the
     * queues are full and wakes when the ledger thread has taken half a queue ({@link #chunk(int)} unparks it), or at the latest
     * every {@code checkNs}. It used to look every millisecond whatever happened: a wake-up and two context switches
     * that cost the server more per purchase at 2,000 purchases/s than anything else off the ledger thread but the
     * event loop. Fills once on the calling thread first, so chunks are ready on return. One filler per memory.
     */
    public static Filler startFiller(final HistoryMemory memory, final String threadName, final long checkNs)
    {
        return startFiller(memory, threadName, checkNs, true);
    }

    /**
     * As {@link #startFiller(HistoryMemory, String, long)}; with {@code fillFirst} false the calling thread fills
     * nothing and the new thread starts filling at once, so chunks taken before it has made them are allocated by the
     * taker. For a replay, which starts taking chunks right away: filling the 64 + 64 chunks of a recovery first on the
     * replaying thread was 9.5% of {@code JournalBenchmark.replayIntoLedger}'s wall time.
     */
    public static Filler startFiller(final HistoryMemory memory, final String threadName, final long checkNs,
        final boolean fillFirst)
    {
        if (fillFirst)
        {
            memory.fill();
        }
        final Filler filler = new Filler(memory, checkNs);
        filler.thread = new Thread(filler::run, threadName);
        filler.thread.setDaemon(true);
        memory.filler = filler.thread;
        filler.thread.start();
        return filler;
    }

    /** The thread of {@link #startFiller}: {@link #close()} stops it and waits for it. */
    public static final class Filler implements AutoCloseable
    {
        private final HistoryMemory memory;
        private final long checkNs;
        private volatile boolean halted;
        private Thread thread;

        private Filler(final HistoryMemory memory, final long checkNs)
        {
            this.memory = memory;
            this.checkNs = checkNs;
        }

        /** @return the memory it fills. */
        public HistoryMemory memory()
        {
            return memory;
        }

        private void run()
        {
            while (!halted)
            {
                if (memory.fill(this) == 0)
                {
                    LockSupport.parkNanos(checkNs);
                }
            }
        }

        /**
         * Stops the thread and waits for it (at most a second: it only ever allocates). It stops after the chunk it is
         * allocating, not after topping the queues up: a recovery's close used to wait for a whole refill, 7.5% of
         * {@code JournalBenchmark.replayIntoLedger}'s wall time.
         */
        @Override
        public void close()
        {
            halted = true;
            if (memory.filler == thread)
            {
                memory.filler = null;
            }
            LockSupport.unpark(thread);
            try
            {
                thread.join(TimeUnit.SECONDS.toMillis(1));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return chunks the ledger thread had to allocate itself because none was ready. */
    public long chunksAllocatedOnLedgerThread()
    {
        return allocatedOnLedgerThread.get();
    }

    /** @return chunks the filler allocated ahead of time. */
    public long chunksAllocatedAhead()
    {
        return allocatedAhead.get();
    }

    /** @return slabs the filler took to carve chunks from (0 without {@link HistorySlabs}). */
    public long slabsTaken()
    {
        return slabsTaken.get();
    }
}
