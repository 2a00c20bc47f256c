package io.ledger.http.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ThreadScheduleTest
{
    @Test
    void shouldParseTheKernelsCpuAndRunQueueWaitNanoseconds()
    {
        assertArrayEquals(new long[] {123456789L, 42L}, ThreadSchedule.parse("123456789 42 7\n"));
        assertNull(ThreadSchedule.parse("123"));
        assertNull(ThreadSchedule.parse("a b c"));
    }

    @Test
    void shouldCountWhatAServerThreadRanSummedByNameAndLeaveOtherThreadsOut() throws Exception
    {
        assumeTrue(Files.isReadable(Path.of("/proc/thread-self/schedstat")), "Linux only: /proc/thread-self/schedstat");
        final CountDownLatch spun = new CountDownLatch(2);
        final CountDownLatch release = new CountDownLatch(1);
        final Runnable spin = () ->
        {
            final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            long x = 0;
            while (System.nanoTime() < endNs)
            {
                x += System.nanoTime() & 1;
            }
            spun.countDown();
            try
            {
                release.await(); // alive while read: an ended thread's figures are gone
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            if (x == 42)
            {
                System.out.print("");
            }
        };
        final Thread one = new Thread(spin, "ledger-spin");
        final Thread two = new Thread(spin, "ledger-spin");
        final Thread other = new Thread(spin, "not-ours-spin");
        one.start();
        two.start();
        other.start();
        try
        {
            assertTrue(spun.await(20, TimeUnit.SECONDS));
            final Map<String, long[]> threads = ThreadSchedule.serverThreads();
            final long[] figures = threads.get("ledger-spin");
            assertNotNull(figures, "the two threads named ledger-spin: " + threads.keySet());
            // two threads of 200 ms of spinning each, summed; on a loaded machine some of it waited instead
            assertTrue(figures[0] + figures[1] >= TimeUnit.MILLISECONDS.toNanos(300), "cpu " + figures[0] + " + wait " + figures[1]);
            assertTrue(figures[0] > 0, "cpu " + figures[0]);
            assertFalse(threads.containsKey("not-ours-spin"), "only threads named ledger* and http-*");
            threads.keySet().forEach(name -> assertTrue(name.startsWith("ledger") || name.startsWith("http-"), name));
        }
        finally
        {
            release.countDown();
            one.join();
            two.join();
            other.join();
        }
    }

    @Test
    void shouldReadTheCallingThreadsFiguresWhichOnlyGrow()
    {
        assumeTrue(Files.isReadable(Path.of("/proc/thread-self/schedstat")), "Linux only: /proc/thread-self/schedstat");
        final long[] before = ThreadSchedule.currentThread();
        assertNotNull(before);
        // spin until the CPU figure has grown by 5 ms (at most 10 s: a loaded machine gives this thread less of a CPU)
        final long giveUpNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long[] after = before;
        while (after[0] - before[0] < TimeUnit.MILLISECONDS.toNanos(5) && System.nanoTime() < giveUpNs)
        {
            final long untilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
            while (System.nanoTime() < untilNs)
            {
                Thread.onSpinWait();
            }
            after = ThreadSchedule.currentThread();
            assertNotNull(after);
            assertEquals(2, after.length);
        }
        assertTrue(after[0] - before[0] >= TimeUnit.MILLISECONDS.toNanos(5), "ran while spinning: " + (after[0] - before[0]) + " ns");
        assertTrue(after[1] >= before[1], "the wait only grows");
    }
}
