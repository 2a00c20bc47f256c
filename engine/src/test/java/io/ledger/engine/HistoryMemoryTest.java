package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.internal.EntryLog;
import io.ledger.engine.internal.SlabChunk;
import io.ledger.engine.internal.TextArena;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HistoryMemoryTest
{
    @Test
    void shouldHandOutTheChunksFilledAheadThenAllocateAndCountWhenNoneIsReady()
    {
        final HistoryMemory memory = new HistoryMemory(3);
        assertEquals(8, memory.fill(), "four chunks of each kind: 3 rounded up to a power of two");
        assertEquals(0, memory.fill(), "both queues are full");
        assertEquals(8, memory.chunksAllocatedAhead());

        final IdentityHashMap<UnsafeBuffer, Boolean> seen = new IdentityHashMap<>();
        for (int i = 0; i < 4; i++)
        {
            final UnsafeBuffer entries = memory.chunk(EntryLog.CHUNK_BYTES);
            final UnsafeBuffer texts = memory.chunk(TextArena.CHUNK_BYTES);
            assertEquals(EntryLog.CHUNK_BYTES, entries.capacity());
            assertEquals(TextArena.CHUNK_BYTES, texts.capacity());
            assertEquals(0, entries.addressOffset() % 64, "aligned to a cache line");
            assertEquals(null, seen.put(entries, true));
            assertEquals(null, seen.put(texts, true));
        }
        assertEquals(0, memory.chunksAllocatedOnLedgerThread(), "every chunk so far was ready");

        final UnsafeBuffer late = memory.chunk(EntryLog.CHUNK_BYTES);
        assertEquals(EntryLog.CHUNK_BYTES, late.capacity());
        assertEquals(1, memory.chunksAllocatedOnLedgerThread(), "none was ready: made on the spot, and counted");
        assertEquals(8, memory.fill(), "the filler tops up what was taken: 4 entry chunks and 4 text chunks");
    }

    @Test
    void shouldAllocateAChunkOfAnotherSizeOnTheSpot()
    {
        final HistoryMemory memory = new HistoryMemory(1);
        memory.fill();
        final UnsafeBuffer odd = memory.chunk(4096);
        assertEquals(4096, odd.capacity());
        assertEquals(1, memory.chunksAllocatedOnLedgerThread());
        final UnsafeBuffer ready = memory.chunk(EntryLog.CHUNK_BYTES);
        assertNotSame(odd, ready);
        assertEquals(1, memory.chunksAllocatedOnLedgerThread(), "the ready one was still there");
        assertEquals(EntryLog.CHUNK_BYTES, ready.capacity());
    }

    @Test
    void shouldKeepTheQueueToppedUpFromItsOwnThreadUntilClosed() throws InterruptedException
    {
        final HistoryMemory memory = new HistoryMemory(2);
        final Thread filling;
        try (HistoryMemory.Filler filler = HistoryMemory.startFiller(memory, "test-history-memory", 100_000))
        {
            assertEquals(4, memory.chunksAllocatedAhead(), "filled once before it returns");
            for (int i = 0; i < 20; i++)
            {
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (memory.chunksAllocatedAhead() < 4 + i && System.nanoTime() < deadlineNs)
                {
                    Thread.sleep(1);
                }
                memory.chunk(EntryLog.CHUNK_BYTES); // taken: the thread makes another
            }
            assertEquals(filler.memory(), memory);
            filling = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("test-history-memory"))
                .findFirst().orElseThrow();
        }
        assertEquals(false, filling.isAlive(), "close() stops the thread");
        assertEquals(true, memory.chunksAllocatedAhead() >= 4 + 19, "the thread replaced the chunks taken");
    }

    /** The filler sleeps while the queues are full: what wakes it is the ledger thread taking a chunk, not a timer. */
    @Test
    void shouldWakeTheFillerWhenAChunkIsTakenNotOnATimer() throws InterruptedException
    {
        final HistoryMemory memory = new HistoryMemory(2);
        try (HistoryMemory.Filler filler = HistoryMemory.startFiller(memory, "test-history-memory", TimeUnit.HOURS.toNanos(1)))
        {
            assertEquals(4, memory.chunksAllocatedAhead(), "filled once before it returns");
            for (int i = 1; i <= 5; i++)
            {
                memory.chunk(EntryLog.CHUNK_BYTES);
                while (memory.chunksAllocatedAhead() < 4 + i) // bounded by the class's timeout: an hour's timer never fires
                {
                    Thread.sleep(1);
                }
            }
            Thread.sleep(50);
            assertEquals(4 + 5, memory.chunksAllocatedAhead(), "one replaced per chunk taken, nothing more");
            assertEquals(0, memory.chunksAllocatedOnLedgerThread());
        }
    }

    @Test
    void shouldFillFromItsOwnThreadOnlyWhenAskedNotToFillFirst() throws InterruptedException
    {
        final HistoryMemory memory = new HistoryMemory(2);
        try (HistoryMemory.Filler filler = HistoryMemory.startFiller(memory, "test-history-memory", TimeUnit.HOURS.toNanos(1), false))
        {
            while (memory.chunksAllocatedAhead() < 4) // bounded by the class's timeout
            {
                Thread.sleep(1);
            }
            assertEquals(filler.memory(), memory);
            memory.chunk(EntryLog.CHUNK_BYTES);
            memory.chunk(TextArena.CHUNK_BYTES);
            assertEquals(0, memory.chunksAllocatedOnLedgerThread(), "the thread had made them");
        }
    }

    /** A recovery closes its filler when the replay ends: the close must not wait for the queues to be topped up. */
    @Test
    void shouldStopBetweenTwoChunksWhenClosedNotAfterARefill()
    {
        final HistoryMemory memory = new HistoryMemory(1024); // 1,024 + 1,024 chunks: 344 MiB if it filled them all
        final HistoryMemory.Filler filler = HistoryMemory.startFiller(memory, "test-history-memory", TimeUnit.HOURS.toNanos(1), false);
        filler.close();
        final long made = memory.chunksAllocatedAhead();
        final Thread filling = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("test-history-memory")).findFirst().orElse(null);
        assertEquals(true, filling == null || !filling.isAlive(), "close() stopped the thread");
        assertEquals(true, made < 2048, "it stopped part way: made=" + made);
    }

    /**
     * With slabs the filler carves the chunks from them one after the other, each on pages of its own and inside its
     * slab, taking a new slab when one has no room for the next chunk; each chunk holds its slab (so the slab lives as
     * long as any of its chunks).
     */
    @Test
    void shouldCarveTheChunksFromSlabsOneAfterTheOther()
    {
        final TestSlabs slabs = new TestSlabs(1 << 20); // 1 MiB: three history chunks, or some of each kind
        final HistoryMemory memory = new HistoryMemory(4, slabs);
        assertEquals(8, memory.fill());
        assertTrue(memory.slabsTaken() >= 2, "8 chunks (1.3 MiB) do not fit in one 1 MiB slab: " + memory.slabsTaken());
        assertEquals(slabs.handedOut.size(), memory.slabsTaken());

        final List<UnsafeBuffer> chunks = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            chunks.add(memory.chunk(EntryLog.CHUNK_BYTES));
            chunks.add(memory.chunk(TextArena.CHUNK_BYTES));
        }
        assertEquals(0, memory.chunksAllocatedOnLedgerThread());
        for (final UnsafeBuffer chunk : chunks)
        {
            final HistorySlab slab = ((SlabChunk)chunk).slab();
            assertTrue(slabs.handedOut.contains(slab));
            assertEquals(0, chunk.addressOffset() % 4096, "a chunk starts on a page of its own");
            assertTrue(chunk.addressOffset() >= slab.address() &&
                chunk.addressOffset() + chunk.capacity() <= slab.address() + slab.bytes(), "inside its slab");
            for (final UnsafeBuffer other : chunks)
            {
                assertTrue(other == chunk || other.addressOffset() + other.capacity() <= chunk.addressOffset() ||
                    chunk.addressOffset() + chunk.capacity() <= other.addressOffset(), "no two chunks overlap");
            }
        }
    }

    /** A slab source that has none to give (a budget reached, a failed mapping): each chunk is allocated alone. */
    @Test
    void shouldAllocateEachChunkAloneWhenNoSlabCanBeHad()
    {
        final HistoryMemory memory = new HistoryMemory(2, () -> null);
        assertEquals(4, memory.fill());
        final UnsafeBuffer entries = memory.chunk(EntryLog.CHUNK_BYTES);
        assertEquals(EntryLog.CHUNK_BYTES, entries.capacity());
        assertFalse(entries instanceof SlabChunk);
        assertEquals(0, memory.slabsTaken());
        assertEquals(0, memory.chunksAllocatedOnLedgerThread(), "still made ahead by the filler");
    }

    /** The ledger thread wakes the filler at half a queue, not for every chunk: the filler refills half a queue at once. */
    @Test
    void shouldWakeTheFillerOnlyWhenAQueueIsDownToHalf() throws InterruptedException
    {
        final HistoryMemory memory = new HistoryMemory(8);
        try (HistoryMemory.Filler filler = HistoryMemory.startFiller(memory, "test-history-memory", TimeUnit.HOURS.toNanos(1)))
        {
            assertEquals(16, memory.chunksAllocatedAhead(), "filled once before it returns");
            final Thread filling = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("test-history-memory")).findFirst().orElseThrow();
            while (filling.getState() != Thread.State.TIMED_WAITING) // its own first look done: asleep (class timeout)
            {
                Thread.sleep(1);
            }
            for (int i = 0; i < 3; i++)
            {
                memory.chunk(EntryLog.CHUNK_BYTES); // 7, 6, 5 left: more than half
            }
            Thread.sleep(100);
            assertEquals(16, memory.chunksAllocatedAhead(), "not woken while the queue holds more than half");
            memory.chunk(EntryLog.CHUNK_BYTES); // 4 left: half
            while (memory.chunksAllocatedAhead() < 20) // bounded by the class's timeout: an hour's timer never fires
            {
                Thread.sleep(1);
            }
            Thread.sleep(50);
            assertEquals(20, memory.chunksAllocatedAhead(), "one wake-up refilled the four chunks taken");
        }
    }

    /** Slabs from direct buffers, kept reachable here: the carving, without the native mapping (journal's HugePageSlabs). */
    private static final class TestSlabs implements HistorySlabs
    {
        private final int slabBytes;
        private final List<HistorySlab> handedOut = new ArrayList<>();
        private final List<ByteBuffer> memory = new ArrayList<>();

        private TestSlabs(final int slabBytes)
        {
            this.slabBytes = slabBytes;
        }

        @Override
        public HistorySlab slab()
        {
            final ByteBuffer buffer = BufferUtil.allocateDirectAligned(slabBytes, 4096);
            memory.add(buffer);
            final HistorySlab slab = new HistorySlab(BufferUtil.address(buffer), slabBytes);
            handedOut.add(slab);
            return slab;
        }
    }

    @Test
    void shouldRefuseNoReadyChunks()
    {
        assertThrows(IllegalArgumentException.class, () -> new HistoryMemory(0));
    }
}
