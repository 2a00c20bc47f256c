package io.ledger.journal.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.ledger.engine.HistorySlab;
import io.ledger.engine.HistorySlabs;
import net.openhft.posix.PosixAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history's slabs ({@link HistorySlabs}) on Linux: 32 MiB of anonymous memory mapped with {@code mmap}, aligned to
 * 2 MiB and advised {@code MADV_HUGEPAGE} before anything touches it, so that the kernel backs it with transparent huge
 * pages when it is first written (one page fault per 2 MiB instead of one per 4 KiB: on this project's VM a 4 KiB
 * fault on fresh memory costs 12.5-16 µs). The system calls are Chronicle's {@code net.openhft:posix} (already on the
 * class path through Chronicle Queue; declared in the pom). Found by the engine's {@link HistorySlabs#installed()}
 * through {@code META-INF/services}, so every {@code HistoryMemory} in a process with the journal on its class path uses
 * it: the server's pipeline, its recovery, the snapshot follower, the benchmarks.
 *
 * <p><b>Freed</b> by a {@link Cleaner} once the {@link HistorySlab} is unreachable, which is once no chunk carved from it
 * is (each chunk holds its slab): when the last ledger, queue or filler that used it has been dropped and a garbage
 * collection has seen it.
 *
 * <p><b>Budget.</b> The slabs mapped at once are held to {@code -XX:MaxDirectMemorySize} (by default the maximum heap),
 * the cap the chunks had as direct buffers. At it, as the JDK does for direct buffers, {@link #slab()} asks for a garbage
 * collection (so that the slabs nothing holds are unmapped) and waits for that up to 200 ms; if there is still no room it
 * returns {@code null}, and the chunks are allocated one by one as direct buffers again, which count against that cap
 * (and it asks for a collection again only after 1 s, then 2 s, 4 s... while collections free too little). So history
 * memory stays within twice the cap (once, in practice).
 *
 * <p><b>Off</b> (each chunk allocated alone, as before) when it cannot work, with one INFO line saying why: not Linux,
 * transparent huge pages {@code never}, no native access, or {@code -Dledger.historyMemory.hugePages=false}.
 *
 * <p>Threads: any (filler threads); the budget is an atomic counter.
 */
public final class HugePageSlabs implements HistorySlabs
{
    /** The property that switches the slabs off ({@code false}); on by default. */
    public static final String ENABLED_PROPERTY = "ledger.historyMemory.hugePages";
    /** Bytes per slab by default: 32 MiB, 16 huge pages, about 115 history chunks. */
    public static final int SLAB_BYTES_DEFAULT = 32 << 20;
    /** A transparent huge page on x86-64 and most arm64 kernels. */
    public static final long HUGE_PAGE_BYTES = 2 << 20;
    /** Where Linux says whether (and when) it uses transparent huge pages. */
    static final Path THP_ENABLED = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    private static final Logger LOG = LoggerFactory.getLogger(HugePageSlabs.class);
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;
    private static final Cleaner CLEANER = Cleaner.create(runnable ->
    {
        final Thread thread = new Thread(runnable, "ledger-slab-cleaner");
        thread.setDaemon(true);
        return thread;
    });
    /** Slab bytes mapped now, across every instance (but a test's): the budget's count. */
    private static final AtomicLong MAPPED_BYTES = new AtomicLong();
    private static final AtomicBoolean BUDGET_REACHED_SAID = new AtomicBoolean();
    private static final AtomicBoolean FAILURE_SAID = new AtomicBoolean();

    private final int slabBytes;
    private final long budgetBytes;
    /** Slab bytes mapped now: the budget's count ({@link #MAPPED_BYTES} but in a test). */
    private final AtomicLong budgetUsed;
    private final AtomicLong slabsMapped = new AtomicLong();
    private final AtomicLong slabsUnmapped = new AtomicLong();

    /** Slabs of {@link #SLAB_BYTES_DEFAULT}, within {@code MaxDirectMemorySize}: what {@link java.util.ServiceLoader} makes. */
    public HugePageSlabs()
    {
        this(SLAB_BYTES_DEFAULT, maxDirectMemoryBytes());
    }

    /**
     * @param slabBytes   bytes per slab: a positive multiple of {@link #HUGE_PAGE_BYTES}.
     * @param budgetBytes most slab bytes mapped at once in the process before {@link #slab()} returns {@code null}.
     */
    public HugePageSlabs(final int slabBytes, final long budgetBytes)
    {
        this(slabBytes, budgetBytes, MAPPED_BYTES);
    }

    /** As above, counting the bytes mapped in {@code budgetUsed} instead of the process's count (tests). */
    HugePageSlabs(final int slabBytes, final long budgetBytes, final AtomicLong budgetUsed)
    {
        if (slabBytes <= 0 || slabBytes % HUGE_PAGE_BYTES != 0 || budgetBytes < 0)
        {
            throw new IllegalArgumentException("slabBytes=" + slabBytes + " must be a positive multiple of " + HUGE_PAGE_BYTES +
                " and budgetBytes=" + budgetBytes + " at least 0");
        }
        this.slabBytes = slabBytes;
        this.budgetBytes = budgetBytes;
        this.budgetUsed = budgetUsed;
    }

    @Override
    public boolean usable()
    {
        return Support.REASON_OFF == null;
    }

    /**
     * Maps a new slab: {@code mmap} of the slab plus 2 MiB, the unaligned ends unmapped, {@code madvise(MADV_HUGEPAGE)}
     * on the rest; untouched, so the kernel zero-fills it page by page (huge page by huge page) as it is first written.
     */
    @Override
    public HistorySlab slab()
    {
        if (!usable())
        {
            return null;
        }
        if (!reserve())
        {
            if (BUDGET_REACHED_SAID.compareAndSet(false, true))
            {
                LOG.info("history memory: the slabs reached their budget of {} MiB (-XX:MaxDirectMemorySize by default); chunks are " +
                    "allocated one by one until unused slabs are freed", budgetBytes >> 20);
            }
            return null;
        }
        final PosixAPI posix = PosixAPI.posix();
        final long spanBytes = slabBytes + HUGE_PAGE_BYTES;
        final long mapped = posix.mmap(0, spanBytes, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0);
        if (mapped == -1 || mapped == 0)
        {
            budgetUsed.addAndGet(-slabBytes);
            if (FAILURE_SAID.compareAndSet(false, true))
            {
                LOG.warn("history memory: mmap of {} bytes failed (errno {}); chunks are allocated one by one", spanBytes,
                    posix.lastError());
            }
            return null;
        }
        final long address = (mapped + HUGE_PAGE_BYTES - 1) & -HUGE_PAGE_BYTES;
        final long head = address - mapped;
        final long tail = spanBytes - head - slabBytes;
        if (head > 0)
        {
            posix.munmap(mapped, head);
        }
        if (tail > 0)
        {
            posix.munmap(address + slabBytes, tail);
        }
        if (posix.madvise(address, slabBytes, MADV_HUGEPAGE) != 0 && FAILURE_SAID.compareAndSet(false, true))
        {
            LOG.warn("history memory: madvise(MADV_HUGEPAGE) failed (errno {}); slabs use 4 KiB pages", posix.lastError());
        }
        final HistorySlab slab = new HistorySlab(address, slabBytes);
        CLEANER.register(slab, new Unmap(address, slabBytes, budgetUsed, slabsUnmapped));
        slabsMapped.incrementAndGet();
        return slab;
    }

    /**
     * Counts a slab into the budget. Over it, as the JDK does for direct buffers: one garbage collection, so that the
     * Cleaner unmaps the slabs nothing holds any more, and a wait of at most {@link #BUDGET_WAIT_MS} for it. A collection
     * that frees too little doubles the time before the next may be asked for (1 s, 2 s, ... at most 10 min): a history
     * larger than the budget then grows in chunks allocated alone, without a collection per chunk.
     *
     * @return whether the slab fits.
     */
    private boolean reserve()
    {
        if (tryReserve())
        {
            return true;
        }
        final long nowNs = System.nanoTime();
        if (nowNs - lastCollectionNs < collectionGapNs)
        {
            return false;
        }
        lastCollectionNs = nowNs;
        System.gc(); // as java.nio.Bits.reserveMemory does when direct memory reaches its cap
        final long deadlineNs = nowNs + TimeUnit.MILLISECONDS.toNanos(BUDGET_WAIT_MS);
        while (!tryReserve())
        {
            if (System.nanoTime() > deadlineNs)
            {
                collectionGapNs = Math.min(collectionGapNs * 2, COLLECTION_GAP_NS_MAX);
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        collectionGapNs = COLLECTION_GAP_NS_MIN;
        return true;
    }

    private boolean tryReserve()
    {
        if (budgetUsed.addAndGet(slabBytes) <= budgetBytes)
        {
            return true;
        }
        budgetUsed.addAndGet(-slabBytes);
        return false;
    }

    /** Longest wait for the Cleaner once the budget is reached. */
    private static final long BUDGET_WAIT_MS = 200;
    private static final long COLLECTION_GAP_NS_MIN = TimeUnit.SECONDS.toNanos(1);
    private static final long COLLECTION_GAP_NS_MAX = TimeUnit.MINUTES.toNanos(10);
    /** When this instance last asked for a collection, and how long until it may again (the filler thread's). */
    private volatile long lastCollectionNs = System.nanoTime() - COLLECTION_GAP_NS_MAX;
    private volatile long collectionGapNs = COLLECTION_GAP_NS_MIN;

    /** @return slabs this instance mapped. */
    public long slabsMapped()
    {
        return slabsMapped.get();
    }

    /** @return slabs of this instance unmapped again (the Cleaner's work: each once nothing held it). */
    public long slabsUnmapped()
    {
        return slabsUnmapped.get();
    }

    /** @return slab bytes mapped now in the process (every instance), freed ones excluded. */
    public static long mappedBytes()
    {
        return MAPPED_BYTES.get();
    }

    /** @return why slabs are off in this process, or {@code null} when they are on. */
    public static String offReason()
    {
        return Support.REASON_OFF;
    }

    /** The Cleaner's action: must not hold the slab, only its address and size (and the counter to tell). */
    private record Unmap(long address, long bytes, AtomicLong mapped, AtomicLong unmapped) implements Runnable
    {
        @Override
        public void run()
        {
            if (PosixAPI.posix().munmap(address, bytes) == 0)
            {
                unmapped.incrementAndGet();
            }
            mapped.addAndGet(-bytes);
        }
    }

    /** Whether slabs can work here, decided and said (one INFO line) once per process, on first use. */
    private static final class Support
    {
        private static final String REASON_OFF = decide();

        private static String decide()
        {
            final String reason = reasonOff();
            if (reason == null)
            {
                LOG.info("history memory: chunks carved from {} MiB slabs advised MADV_HUGEPAGE (transparent_hugepage {})",
                    SLAB_BYTES_DEFAULT >> 20, thpMode());
            }
            else
            {
                LOG.info("history memory: no huge-page slabs ({}); each chunk is allocated alone", reason);
            }
            return reason;
        }

        private static String reasonOff()
        {
            if (!Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true")))
            {
                return "-D" + ENABLED_PROPERTY + "=false";
            }
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux"))
            {
                return "not Linux: os.name=" + System.getProperty("os.name");
            }
            final String mode = thpMode();
            if (mode == null)
            {
                return "no " + THP_ENABLED;
            }
            if (mode.equals("never"))
            {
                return "transparent_hugepage is never";
            }
            try
            {
                final String api = PosixAPI.posix().getClass().getSimpleName();
                if (api.contains("NoOp"))
                {
                    return "no native access: " + api;
                }
            }
            catch (final Throwable ex) // LinkageError included: the native library may not load
            {
                return "no native access: " + ex;
            }
            return null;
        }
    }

    /** @return the selected mode in {@link #THP_ENABLED} ({@code always}, {@code madvise}, {@code never}), or null. */
    static String thpMode()
    {
        try
        {
            final String line = Files.readString(THP_ENABLED);
            final int open = line.indexOf('[');
            final int close = line.indexOf(']', open + 1);
            return open < 0 || close < 0 ? null : line.substring(open + 1, close);
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    private static long maxDirectMemoryBytes()
    {
        try
        {
            final long set = Long.parseLong(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .getVMOption("MaxDirectMemorySize").getValue());
            return set > 0 ? set : Runtime.getRuntime().maxMemory();
        }
        catch (final RuntimeException ex)
        {
            return Runtime.getRuntime().maxMemory();
        }
    }
}
