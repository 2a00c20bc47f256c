package io.ledger.engine;

import java.util.ServiceLoader;

/**
 * Where a {@link HistoryMemory} gets the large blocks of memory ("slabs") it carves the history's and texts' chunks
 * from, instead of allocating each chunk on its own. Why: on this project's VM a page fault on fresh memory costs
 * 12.5-16 µs per 4 KiB page, and a chunk allocated alone ({@code allocateDirect} of 280 KiB) is never backed by 2 MiB
 * transparent huge pages. A slab mapped and advised {@code MADV_HUGEPAGE} before anything touches it faults in 2 MiB at
 * a time: one fault where there were 512.
 *
 * <p>The engine does no I/O and makes no system calls, so it only declares this; the implementation that maps memory
 * lives outside it (the journal module's, found with {@link ServiceLoader} by {@link #installed()}), and without one
 * (the engine alone, a test) a {@link HistoryMemory} allocates chunk by chunk as before. Which memory a chunk is never
 * changes what the ledger computes (see {@link io.ledger.engine.internal.ChunkSupply}).
 *
 * <p>Threads: {@link #slab()} from any thread (a filler thread in practice).
 */
public interface HistorySlabs
{
    /**
     * @return a new slab: {@link HistorySlab#bytes()} zero-filled bytes that nothing has touched yet, which
     *         stays valid while the returned object is reachable and is freed some time after it is not; or
     *         {@code null} when none can be had now (a memory budget reached, a failed mapping), and the caller then
     *         allocates a chunk on its own.
     */
    HistorySlab slab();

    /**
     * @return the implementation on the class path (the first {@link ServiceLoader} finds), looked up once per process;
     *         {@code null} when there is none or it cannot work here (it says why in the log).
     */
    static HistorySlabs installed()
    {
        return InstalledHistorySlabs.SLABS;
    }

    /** @return whether {@link #slab()} can work in this process (an implementation that cannot says why, once). */
    default boolean usable()
    {
        return true;
    }
}

/** {@link HistorySlabs#installed()}'s lookup, done once, on first use. */
final class InstalledHistorySlabs
{
    static final HistorySlabs SLABS = find();

    private InstalledHistorySlabs()
    {
    }

    private static HistorySlabs find()
    {
        for (final HistorySlabs slabs : ServiceLoader.load(HistorySlabs.class, HistorySlabs.class.getClassLoader()))
        {
            if (slabs.usable())
            {
                return slabs;
            }
        }
        return null;
    }
}
