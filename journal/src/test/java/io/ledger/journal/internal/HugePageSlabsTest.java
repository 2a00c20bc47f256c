package io.ledger.journal.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.Currencies;
import io.ledger.engine.HistoryMemory;
import io.ledger.engine.HistorySlab;
import io.ledger.engine.HistorySlabs;
import io.ledger.engine.Ledger;
import io.ledger.engine.LedgerSnapshot;
import io.ledger.engine.internal.SlabChunk;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.Durability;
import io.ledger.journal.RandomCommands;
import io.ledger.journal.snapshot.LedgerRecovery;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history's huge-page slabs on this machine (skipped where they are off: not Linux, transparent huge pages
 * {@code never}): the kernel backs a written slab with 2 MiB pages (its {@code AnonHugePages} in
 * {@code /proc/self/smaps}), a slab nothing holds is unmapped, the budget holds, and a ledger whose history grows
 * into slab memory computes exactly what one on its own chunks does, replay included.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HugePageSlabsTest
{
    private static final int ZAR = Currencies.pack("ZAR");
    private static final int SLAB_BYTES = 4 << 20;

    @BeforeEach
    void onlyWhereSlabsWork()
    {
        assumeTrue(HugePageSlabs.offReason() == null, () -> "huge-page slabs are off here: " + HugePageSlabs.offReason());
    }

    @Test
    void shouldBeTheHistorySlabsOfAnyProcessWithTheJournal()
    {
        assertTrue(HistorySlabs.installed() instanceof HugePageSlabs, "found through META-INF/services");
        final HistoryMemory memory = new HistoryMemory(1);
        memory.fill();
        assertTrue(memory.chunk(io.ledger.engine.internal.EntryLog.CHUNK_BYTES) instanceof SlabChunk);
        assertEquals(1, memory.slabsTaken());
    }

    @Test
    void shouldBackAWrittenSlabWithHugePages() throws IOException
    {
        final HugePageSlabs slabs = new HugePageSlabs(SLAB_BYTES, Long.MAX_VALUE);
        final HistorySlab slab = slabs.slab();
        assertNotNull(slab);
        assertEquals(0, slab.address() % HugePageSlabs.HUGE_PAGE_BYTES, "aligned to a huge page");
        assertEquals(0, anonHugePagesKb(slab.address()), "nothing touched yet, nothing faulted in");
        final UnsafeBuffer memory = new UnsafeBuffer(slab.address(), slab.bytes());
        for (int at = 0; at < SLAB_BYTES; at += 4096)
        {
            assertEquals(0, memory.getLong(at + 8), "zero-filled");
            memory.putByte(at, (byte)1);
        }
        final long kb = anonHugePagesKb(slab.address());
        assertTrue(kb >= SLAB_BYTES >> 10, "the slab's 4 MiB are in huge pages: AnonHugePages=" + kb + " kB");
        assertEquals(1, slabs.slabsMapped());
    }

    @Test
    void shouldUnmapASlabOnceNothingHoldsIt() throws InterruptedException
    {
        final HugePageSlabs slabs = new HugePageSlabs(SLAB_BYTES, Long.MAX_VALUE, new AtomicLong());
        useAChunkOfASlabThenDropIt(slabs);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (slabs.slabsUnmapped() == 0 && System.nanoTime() < deadlineNs)
        {
            System.gc();
            Thread.sleep(10);
        }
        assertEquals(1, slabs.slabsUnmapped(), "unmapped once its last chunk was dropped");
    }

    /** In a method of its own, so that nothing of it is left in the test's frame once it returns. */
    private static void useAChunkOfASlabThenDropIt(final HugePageSlabs slabs) throws InterruptedException
    {
        final SlabChunk chunk = new SlabChunk(slabs.slab(), 0, 4096); // only the chunk holds the slab
        System.gc();
        Thread.sleep(100);
        assertEquals(0, slabs.slabsUnmapped(), "a chunk still holds it");
        chunk.putLong(0, 42);
        assertEquals(42, chunk.getLong(0));
        assertEquals(1, slabs.slabsMapped());
    }

    @Test
    void shouldRefuseASlabPastTheBudgetWhenACollectionFreesNone()
    {
        final AtomicLong budgetUsed = new AtomicLong();
        final HugePageSlabs slabs = new HugePageSlabs(SLAB_BYTES, SLAB_BYTES, budgetUsed);
        final HistorySlab first = slabs.slab();
        assertNotNull(first);
        assertEquals(SLAB_BYTES, budgetUsed.get());
        assertNull(slabs.slab(), "a second would pass the budget, and the first is still held: the caller allocates alone");
        assertEquals(1, slabs.slabsMapped());
        holdUntil(first);
    }

    @Test
    void shouldMapASlabPastTheBudgetOnceACollectionFreesAnother() throws InterruptedException
    {
        final AtomicLong budgetUsed = new AtomicLong();
        final HugePageSlabs slabs = new HugePageSlabs(SLAB_BYTES, SLAB_BYTES, budgetUsed);
        assertNotNull(slabs.slab()); // dropped at once
        HistorySlab second = slabs.slab(); // asks for a collection: the Cleaner then unmaps the first, almost always in time
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (second == null && System.nanoTime() < deadlineNs) // else it asks again after 2 s, 4 s...
        {
            Thread.sleep(50);
            second = slabs.slab();
        }
        assertNotNull(second, "the garbage collection it asked for freed the first");
        assertEquals(1, slabs.slabsUnmapped());
        assertEquals(SLAB_BYTES, budgetUsed.get());
    }

    /**
     * The same seeded commands applied to a ledger on its own chunks, and replayed from the journal into one whose
     * history grows from 2 MiB slabs (several per run) that a thread fills: the same state hash and snapshot bytes; and
     * a recovery (on the installed slabs) rebuilds it too.
     */
    @Test
    void shouldComputeTheSameLedgerOnSlabMemory(@TempDir final Path dir) throws IOException
    {
        final Ledger own = new Ledger(ZAR);
        final RandomCommands stream = new RandomCommands(0x51AB_2026L);
        final CommandEvent event = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            for (int i = 0; i < 40_000; i++)
            {
                stream.next(event);
                journal.append(event);
                own.apply(event);
                stream.applied(event);
            }
            journal.endOfBatch();
        }

        final Ledger onSlabs = new Ledger(ZAR);
        final HistoryMemory memory = new HistoryMemory(2, new HugePageSlabs(2 << 20, Long.MAX_VALUE));
        try (HistoryMemory.Filler filler = HistoryMemory.startFiller(memory, "test-slab-memory", 1_000_000);
            ChronicleJournal journal = ChronicleJournal.openReadOnly(dir))
        {
            onSlabs.historyMemory(filler.memory());
            journal.replay(onSlabs::apply);
        }
        assertTrue(memory.slabsTaken() > 1, "the history grew through several slabs: " + memory.slabsTaken());
        assertEquals(own.stateHash(), onSlabs.stateHash());
        assertArrayEquals(snapshot(own), snapshot(onSlabs), "a snapshot writes the same bytes");
        onSlabs.checkConservation();

        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(dir))
        {
            final Ledger recovered = LedgerRecovery.recover(journal, null, null, ZAR, null).ledger();
            assertEquals(own.stateHash(), recovered.stateHash());
        }
    }

    private static byte[] snapshot(final Ledger ledger) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LedgerSnapshot.write(ledger, new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    /** Keeps {@code o} reachable up to here (the JIT may otherwise drop a local before its last textual use). */
    private static void holdUntil(final Object o)
    {
        java.lang.ref.Reference.reachabilityFence(o);
    }

    /** @return the {@code AnonHugePages} (kB) of the mapping holding {@code address}, from /proc/self/smaps. */
    private static long anonHugePagesKb(final long address) throws IOException
    {
        final List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        boolean inside = false;
        for (final String line : lines)
        {
            final int dash = line.indexOf('-');
            final int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+"))
            {
                final long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                final long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inside = start <= address && address < end;
            }
            else if (inside && line.startsWith("AnonHugePages:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no mapping holds address " + Long.toHexString(address));
    }
}
