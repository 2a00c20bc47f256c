package io.ledger.http.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ring of recent refusals: newest first, bounded, and never a torn entry while writers race a reader. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RefusalsTest
{
    @Test
    void shouldKeepTheNewestRefusalsFirstAndAtMostItsCapacity()
    {
        final Refusals refusals = new Refusals();
        assertEquals(List.of(), refusals.recent());
        for (int i = 0; i < Refusals.CAPACITY + 10; i++)
        {
            refusals.record(i, "route", 400, "validation", "m" + i);
        }
        final List<Refusals.Refusal> recent = refusals.recent();
        assertEquals(Refusals.CAPACITY, recent.size());
        assertEquals(Refusals.CAPACITY + 9, recent.get(0).atMs(), "newest first");
        assertEquals(10, recent.get(Refusals.CAPACITY - 1).atMs(), "the oldest kept");
    }

    @Test
    void shouldNeverShowAnEntryMixedFromTwoWritersWhileTheyRaceAReader() throws Exception
    {
        final Refusals refusals = new Refusals();
        final int writers = 4;
        final String[] routes = new String[writers];
        final String[] reasons = new String[writers];
        final String[] merchants = new String[writers];
        for (int w = 0; w < writers; w++)
        {
            routes[w] = "route" + w;
            reasons[w] = "reason" + w;
            merchants[w] = "merchant" + w;
        }
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<String> torn = new AtomicReference<>();
        final CountDownLatch done = new CountDownLatch(writers);
        final List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++)
        {
            final int writer = w;
            threads.add(new Thread(() ->
            {
                for (int i = 0; i < 200_000 && !stop.get(); i++)
                {
                    refusals.record(writer, routes[writer], 400 + writer, reasons[writer], merchants[writer]);
                }
                done.countDown();
            }));
        }
        threads.forEach(Thread::start);
        int reads = 0;
        while (done.getCount() > 0 && reads < 100_000)
        {
            for (final Refusals.Refusal r : refusals.recent())
            {
                final int w = (int)r.atMs();
                if (r.status() != 400 + w || !routes[w].equals(r.route()) || !reasons[w].equals(r.reason())
                    || !merchants[w].equals(r.merchant()))
                {
                    torn.compareAndSet(null, r.toString());
                }
            }
            reads++;
        }
        stop.set(true);
        for (final Thread thread : threads)
        {
            thread.join();
        }
        assertEquals(null, torn.get(), "a torn entry was read");
        assertTrue(reads > 0);
        assertEquals(Refusals.CAPACITY, refusals.recent().size(), "once quiet, every slot reads whole");
    }
}
