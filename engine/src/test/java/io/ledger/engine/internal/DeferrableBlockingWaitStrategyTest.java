package io.ledger.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeferrableBlockingWaitStrategyTest
{
    private final DeferrableBlockingWaitStrategy strategy = new DeferrableBlockingWaitStrategy();
    private final Sequence cursor = new Sequence(-1);
    /** A thread per task: the parked consumer must not hold up the other publisher. */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads()
    {
        threads.shutdownNow();
    }

    /** A consumer of sequence 0 on its own thread, parked once it has announced itself. */
    private CompletableFuture<Long> parkedConsumer()
    {
        final CompletableFuture<Long> available = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return strategy.waitFor(0, cursor, cursor, new NeverAlerted());
            }
            catch (final AlertException | InterruptedException ex)
            {
                throw new IllegalStateException(ex);
            }
        }, threads);
        while (!strategy.consumerAnnounced())
        {
            Thread.onSpinWait();
        }
        return available;
    }

    @Test
    void shouldKeepTheConsumersAnnouncementWhenThePublishDefersItsSignalAndWakeItAtTheLaterSignal() throws Exception
    {
        final CompletableFuture<Long> available = parkedConsumer();
        strategy.deferSignals(true);
        cursor.set(0);
        strategy.signalAllWhenBlocking(); // what the ring's publish calls: held back
        strategy.deferSignals(false);
        assertTrue(strategy.consumerAnnounced(), "a deferred publish leaves the wake-up to the publisher's signal");
        strategy.signal();
        assertFalse(strategy.consumerAnnounced());
        assertEquals(0L, available.get(20, TimeUnit.SECONDS));
    }

    @Test
    void shouldWakeTheConsumerAtOnceWhenThePublishDoesNotDefer() throws Exception
    {
        final CompletableFuture<Long> available = parkedConsumer();
        cursor.set(0);
        strategy.signalAllWhenBlocking();
        assertFalse(strategy.consumerAnnounced(), "an ordinary publish takes the announcement and wakes the consumer");
        assertEquals(0L, available.get(20, TimeUnit.SECONDS));
    }

    @Test
    void shouldDeferOnlyTheCallingThreadsPublishes() throws Exception
    {
        final CompletableFuture<Long> available = parkedConsumer();
        strategy.deferSignals(true);
        try
        {
            cursor.set(0);
            CompletableFuture.runAsync(strategy::signalAllWhenBlocking, threads).get(20, TimeUnit.SECONDS); // another publisher
            assertEquals(0L, available.get(20, TimeUnit.SECONDS));
        }
        finally
        {
            strategy.deferSignals(false);
        }
    }

    @Test
    void shouldTakeACommandPublishedDuringTheSpinWithoutAnnouncingAPark() throws Exception
    {
        final DeferrableBlockingWaitStrategy spinning = new DeferrableBlockingWaitStrategy(TimeUnit.SECONDS.toNanos(60));
        final CompletableFuture<Long> available = consumer(spinning, 0);
        Thread.sleep(50);
        assertFalse(spinning.consumerAnnounced(), "still spinning: nothing announced, so a publish owes no signal");
        cursor.set(0); // a publish whose signal never comes
        assertEquals(0L, available.get(20, TimeUnit.SECONDS));
        assertFalse(spinning.consumerAnnounced());
        assertTrue(spinning.spinning());
    }

    @Test
    void shouldStopSpinningAfterSpinsInARowThatFindNothingButNotAfterSpinsThatFindTheirCommand() throws Exception
    {
        final DeferrableBlockingWaitStrategy spinning = new DeferrableBlockingWaitStrategy(TimeUnit.MICROSECONDS.toNanos(1));
        long sequence = 0;
        for (int miss = 0; miss < DeferrableBlockingWaitStrategy.SPIN_MISSES_MAX; miss++, sequence++)
        {
            assertTrue(spinning.spinning(), "miss " + miss);
            parkThenPublish(spinning, sequence);
        }
        assertFalse(spinning.spinning(), "a load too low for the spin: it goes off");
        for (int wait = 1; wait < DeferrableBlockingWaitStrategy.SPIN_RETRY_WAITS; wait++, sequence++)
        {
            parkThenPublish(spinning, sequence);
            assertFalse(spinning.spinning(), "waits go on parking while the spin is off");
        }
        final DeferrableBlockingWaitStrategy slow = new DeferrableBlockingWaitStrategy(TimeUnit.SECONDS.toNanos(60));
        for (int miss = 0; miss < DeferrableBlockingWaitStrategy.SPIN_MISSES_MAX; miss++, sequence++)
        {
            assertTrue(slow.spinning());
            final CompletableFuture<Long> available = consumer(slow, sequence + 1);
            cursor.set(sequence + 1);
            assertEquals(sequence + 1, available.get(20, TimeUnit.SECONDS), "found during the spin: a hit, not a miss");
        }
        assertTrue(slow.spinning(), "spins that find their command keep it on");
    }

    /** Waits for {@code sequence} on another thread until it parked (the spin ended), then publishes and signals it. */
    private void parkThenPublish(final DeferrableBlockingWaitStrategy spinning, final long sequence) throws Exception
    {
        final CompletableFuture<Long> available = consumer(spinning, sequence);
        while (!spinning.consumerAnnounced())
        {
            Thread.onSpinWait();
        }
        cursor.set(sequence);
        spinning.signal();
        assertEquals(sequence, available.get(20, TimeUnit.SECONDS));
    }

    private CompletableFuture<Long> consumer(final DeferrableBlockingWaitStrategy waiting, final long sequence)
    {
        return CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return waiting.waitFor(sequence, cursor, cursor, new NeverAlerted());
            }
            catch (final AlertException | InterruptedException ex)
            {
                throw new IllegalStateException(ex);
            }
        }, threads);
    }

    private static final class NeverAlerted implements SequenceBarrier
    {
        @Override
        public long waitFor(final long sequence)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public long getCursor()
        {
            return -1;
        }

        @Override
        public boolean isAlerted()
        {
            return false;
        }

        @Override
        public void alert()
        {
        }

        @Override
        public void clearAlert()
        {
        }

        @Override
        public void checkAlert()
        {
        }
    }
}
