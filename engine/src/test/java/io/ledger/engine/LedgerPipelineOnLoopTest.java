package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pipeline's consumer on an event loop ({@link LedgerPipeline.Context#consumerLoop}, {@link LoopConsumer}): the same
 * journal, apply and reply, on the loop's thread, drained when a publisher signals, in batches of at most
 * {@link LedgerProcessor#BATCH_EVENTS_MAX}. The loop here is a single-thread executor that a test can hold.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LedgerPipelineOnLoopTest
{
    private static final int ZAR = Currencies.pack("ZAR");
    private static final String LOOP_THREAD = "test-loop";

    private final TestLoop loop = new TestLoop();

    @AfterEach
    void stopLoop()
    {
        loop.executor.shutdownNow();
    }

    /** An event loop: one thread running tasks in order; {@link #hold()} keeps what is given to it until {@link #release()}. */
    private static final class TestLoop implements ConsumerLoop
    {
        final ExecutorService executor = Executors.newSingleThreadExecutor(task -> new Thread(task, LOOP_THREAD));
        final AtomicInteger afterIo = new AtomicInteger();
        private final List<Runnable> held = new ArrayList<>();
        private boolean holding;
        private volatile Thread thread;

        TestLoop()
        {
            executor.execute(() -> thread = Thread.currentThread());
        }

        @Override
        public void execute(final Runnable task)
        {
            synchronized (this)
            {
                if (holding)
                {
                    held.add(task);
                    return;
                }
            }
            executor.execute(task);
        }

        @Override
        public void executeAfterIo(final Runnable task)
        {
            assertTrue(inLoop(), "executeAfterIo on the loop only");
            afterIo.incrementAndGet();
            execute(task);
        }

        @Override
        public boolean inLoop()
        {
            return Thread.currentThread() == thread;
        }

        synchronized void hold()
        {
            holding = true;
        }

        void release()
        {
            final List<Runnable> tasks;
            synchronized (this)
            {
                holding = false;
                tasks = new ArrayList<>(held);
                held.clear();
            }
            tasks.forEach(executor::execute);
        }

        /** Runs {@code task} on the loop and waits for it. */
        <T> T call(final java.util.concurrent.Callable<T> task) throws Exception
        {
            final Future<T> result = executor.submit(task);
            return result.get(10, TimeUnit.SECONDS);
        }
    }

    private LedgerPipeline start(final int ringSizeEvents, final Ledger ledger, final JournalWriter journal)
    {
        return LedgerPipeline.start(new LedgerPipeline.Context().ringSizeEvents(ringSizeEvents).clock(() -> 5_000L)
            .consumerLoop(loop), ledger, journal);
    }

    private static boolean createCustomer(final LedgerPipeline pipeline, final ReplySink sink)
    {
        return pipeline.tryPublish((e, a) -> e.type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, "m1")
            .text(Field.PHONE, "+1").text(Field.METADATA_JSON, "{}").replyTo(sink, null), null);
    }

    private static boolean payIn(final LedgerPipeline pipeline, final long customerKey, final long amount, final ReplySink sink)
    {
        return pipeline.tryPublish((e, a) -> e.type(CommandType.PAY_IN).text(Field.MERCHANT_ID, "m1").set(Field.CUSTOMER_KEY, customerKey)
            .set(Field.AMOUNT_MINOR, amount).set(Field.CURRENCY, ZAR).replyTo(sink, null), null);
    }

    @Test
    void shouldJournalApplyAndReplyOnTheLoopThreadInSequenceOrderWhateverThreadPublishes() throws Exception
    {
        final LedgerPipelineTest.RecordingJournal journal = new LedgerPipelineTest.RecordingJournal();
        final List<Long> replied = Collections.synchronizedList(new ArrayList<>());
        final List<String> replyThreads = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong lastBalance = new AtomicLong();
        final int perPublisher = 300;
        final CountDownLatch done = new CountDownLatch(1 + 2 * perPublisher);
        final ReplySink sink = event ->
        {
            assertEquals(ResultCode.OK, event.result());
            replied.add(event.commandId());
            replyThreads.add(Thread.currentThread().getName());
            lastBalance.set(event.balanceAfterMinor());
            done.countDown();
        };
        final long ledgerThreadsBefore = ledgerThreads();
        try (LedgerPipeline pipeline = start(64, new Ledger(ZAR), journal))
        {
            assertEquals(ledgerThreadsBefore, ledgerThreads(), "no ledger thread of its own");
            assertTrue(createCustomer(pipeline, sink));
            final ExecutorService publishers = Executors.newFixedThreadPool(2);
            try
            {
                for (int p = 0; p < 2; p++)
                {
                    publishers.submit(() ->
                    {
                        for (int i = 0; i < perPublisher; i++)
                        {
                            while (!payIn(pipeline, 1, 1, sink))
                            {
                                Thread.onSpinWait(); // a full ring: the loop drains it
                            }
                        }
                    });
                }
                assertTrue(done.await(20, TimeUnit.SECONDS), "every command answered");
            }
            finally
            {
                publishers.shutdownNow();
            }
        }
        final List<Long> sorted = new ArrayList<>(replied);
        Collections.sort(sorted);
        assertEquals(sorted, replied, "replies in command id (sequence) order");
        assertEquals(1 + 2 * perPublisher, replied.size());
        assertEquals(2 * perPublisher, lastBalance.get(), "every pay-in applied once");
        assertTrue(replyThreads.stream().allMatch(LOOP_THREAD::equals), "replied on the loop: " + names(replyThreads));
        assertTrue(journal.threads.stream().allMatch(LOOP_THREAD::equals), "journaled on the loop: " + names(journal.threads));
    }

    private static long ledgerThreads()
    {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("ledger") && t.isAlive()).count();
    }

    private static java.util.Set<String> names(final java.util.Collection<String> names)
    {
        return new java.util.TreeSet<>(names);
    }

    @Test
    void shouldDrainTheLoopsOwnDeferredPublishesOnlyOnceItSignalsAndAsOneBatch() throws Exception
    {
        final LedgerPipelineTest.RecordingJournal journal = new LedgerPipelineTest.RecordingJournal();
        final CountDownLatch created = new CountDownLatch(1);
        final CountDownLatch paid = new CountDownLatch(5);
        final ReplySink sink = event -> (event.type() == CommandType.CREATE_CUSTOMER ? created : paid).countDown();
        try (LedgerPipeline pipeline = start(64, new Ledger(ZAR), journal))
        {
            assertTrue(createCustomer(pipeline, sink));
            assertTrue(created.await(10, TimeUnit.SECONDS));
            final int batchesBefore = loop.call(journal.batches::get);
            final boolean published = loop.call(() ->
            {
                boolean all = true;
                for (int i = 0; i < 5; i++)
                {
                    all &= pipeline.tryPublishDeferred((e, a) -> e.type(CommandType.PAY_IN).text(Field.MERCHANT_ID, "m1")
                        .set(Field.CUSTOMER_KEY, 1).set(Field.AMOUNT_MINOR, 10).set(Field.CURRENCY, ZAR).replyTo(sink, null), null, 1);
                }
                return all;
            });
            assertTrue(published);
            assertEquals(1, (int)loop.call(journal.appended::size), "no drain ran for the deferred publishes: the loop has not signalled");
            loop.call(() ->
            {
                pipeline.signalDeferred();
                return null;
            });
            assertTrue(paid.await(10, TimeUnit.SECONDS));
            assertEquals(batchesBefore + 1, (int)loop.call(journal.batches::get), "the five in one batch");
        }
    }

    @Test
    void shouldCutALongBacklogIntoBoundedBatchesEachAfterTheLoopsIo() throws Exception
    {
        final LedgerPipelineTest.RecordingJournal journal = new LedgerPipelineTest.RecordingJournal();
        final int ticks = 2 * LedgerProcessor.BATCH_EVENTS_MAX + 452;
        try (LedgerPipeline pipeline = start(4096, new Ledger(ZAR), journal))
        {
            loop.hold();
            for (int i = 0; i < ticks; i++)
            {
                assertTrue(pipeline.publishTick());
            }
            assertEquals(0, journal.appended.size(), "the loop was held");
            loop.release();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (journal.appended.size() < ticks && System.nanoTime() < deadlineNs)
            {
                Thread.sleep(1);
            }
            assertEquals(ticks, loop.call(journal.appended::size));
            assertEquals(3, (int)loop.call(journal.batches::get), "1024 + 1024 + 452");
            assertEquals(2, loop.afterIo.get(), "the rest of a cut batch waits for the loop's next I/O");
        }
    }

    @Test
    void shouldRefuseWhenTheRingIsFullBecauseTheLoopHasNotDrainedThenServeAgain() throws Exception
    {
        final LedgerPipelineTest.RecordingJournal journal = new LedgerPipelineTest.RecordingJournal();
        final AtomicInteger answered = new AtomicInteger();
        final ReplySink sink = event -> answered.incrementAndGet();
        try (LedgerPipeline pipeline = start(8, new Ledger(ZAR), journal))
        {
            loop.hold();
            int accepted = 0;
            for (int i = 0; i < 12; i++)
            {
                accepted += createCustomer(pipeline, sink) ? 1 : 0;
            }
            assertEquals(8, accepted, "an 8-slot ring holds 8 commands while the loop does not drain");
            assertEquals(0, pipeline.remainingCapacity());
            loop.release();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (answered.get() < 8 && System.nanoTime() < deadlineNs)
            {
                Thread.sleep(1);
            }
            assertEquals(8, answered.get());
            assertTrue(createCustomer(pipeline, sink), "room again once drained");
        }
    }

    @Test
    void shouldStopAcknowledgingFromTheFailedAppendOnTheLoop() throws Exception
    {
        final LedgerPipelineTest.RecordingJournal journal = new LedgerPipelineTest.RecordingJournal();
        journal.failAtCommandId = 2;
        final List<ResultCode> results = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch done = new CountDownLatch(3);
        final AtomicReference<String> fatalThread = new AtomicReference<>();
        final ReplySink sink = event ->
        {
            results.add(event.result());
            done.countDown();
        };
        try (LedgerPipeline pipeline = LedgerPipeline.start(new LedgerPipeline.Context().ringSizeEvents(8).consumerLoop(loop)
            .fatalErrorHandler((stage, id, error) -> fatalThread.set(Thread.currentThread().getName())), new Ledger(ZAR), journal))
        {
            assertTrue(createCustomer(pipeline, sink));
            while (done.getCount() == 3)
            {
                Thread.onSpinWait(); // command 1 in a batch of its own
            }
            loop.hold(); // 2 and 3 in one batch
            assertTrue(createCustomer(pipeline, sink));
            assertTrue(createCustomer(pipeline, sink));
            loop.release();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertTrue(pipeline.failed());
            assertEquals(1, pipeline.lastAcknowledgedCommandId());
        }
        assertEquals(ResultCode.OK, results.get(0));
        assertNull(results.get(1), "the command the journal failed on is never acknowledged");
        assertNull(results.get(2), "nor anything after it");
        assertEquals(LOOP_THREAD, fatalThread.get(), "the failure is told on the loop, where the append failed");
    }

    @Test
    void shouldDrainWhatIsPublishedOnCloseThenStopTheLoopsDrainsAndTakeTheFinalSnapshot() throws Exception
    {
        final LedgerPipelineTest.RecordingJournal journal = new LedgerPipelineTest.RecordingJournal();
        final AtomicInteger answered = new AtomicInteger();
        final AtomicLong snapshotAt = new AtomicLong(-1);
        final ReplySink sink = event -> answered.incrementAndGet();
        final LedgerPipeline pipeline = LedgerPipeline.start(new LedgerPipeline.Context().ringSizeEvents(64).consumerLoop(loop)
            .snapshotTaker(new SnapshotTaker()
            {
                @Override
                public void finalSnapshot(final Ledger ledger)
                {
                    snapshotAt.set(ledger.lastCommandId());
                }

                @Override
                public void close()
                {
                }
            }), new Ledger(ZAR), journal);
        for (int i = 0; i < 20; i++)
        {
            assertTrue(createCustomer(pipeline, sink));
        }
        final IllegalStateException onLoop = loop.call(() -> assertThrows(IllegalStateException.class, pipeline::close));
        assertTrue(onLoop.getMessage().contains("event loop"), onLoop.getMessage());
        pipeline.close();
        assertEquals(20, answered.get(), "everything published before close was answered");
        assertEquals(20, snapshotAt.get(), "the final snapshot saw every command the loop applied");
        assertFalse(createCustomer(pipeline, sink), "closed");
        assertEquals(20, journal.appended.size());
    }
}
