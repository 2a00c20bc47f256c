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
