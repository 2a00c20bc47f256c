package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When the ledger stage hands the ledger to the snapshot taker, and what state it sees then. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LedgerPipelineSnapshotTest
{
    private static final int ZAR = Currencies.pack("ZAR");

    /** Records the state each snapshot saw: (lastCommandId, commandsApplied, hash), and which thread took it. */
    private static final class RecordingTaker implements SnapshotTaker
    {
        final List<long[]> taken = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final AtomicInteger closes = new AtomicInteger();
        /** Calls of takeSnapshot, whatever their outcome: the ledger thread reached the due point. */
        final AtomicInteger attempts = new AtomicInteger();
        volatile boolean busy;
        volatile boolean fail;
        volatile long lastTakenCommandId = -1;

        @Override
        public boolean takeSnapshot(final Ledger ledger)
        {
            attempts.incrementAndGet();
            if (fail)
            {
                throw new IllegalStateException("disk full");
            }
            if (busy)
            {
                return false;
            }
            record(ledger);
            return true;
        }

        @Override
        public void finalSnapshot(final Ledger ledger)
        {
            if (ledger.lastCommandId() != lastTakenCommandId)
            {
                record(ledger);
            }
        }

        private void record(final Ledger ledger)
        {
            taken.add(new long[] {ledger.lastCommandId(), ledger.commandsApplied(), ledger.stateHash()});
            threads.add(Thread.currentThread().getName());
            lastTakenCommandId = ledger.lastCommandId();
        }

        @Override
        public void close()
        {
            closes.incrementAndGet();
        }
    }

    private static final class NullJournal implements JournalWriter
    {
        @Override
        public void append(final CommandEvent event)
        {
        }

        @Override
        public void endOfBatch()
        {
        }

        @Override
        public void close()
        {
        }
    }

    /** Publishes customer creations one at a time and waits for each reply, so every command ends a batch. */
    private static void createCustomers(final LedgerPipeline pipeline, final int count) throws InterruptedException
    {
        for (int i = 0; i < count; i++)
        {
            final CountDownLatch replied = new CountDownLatch(1);
            final ReplySink sink = event -> replied.countDown();
            while (!pipeline.tryPublish((e, a) -> e.type(CommandType.CREATE_CUSTOMER)
                .text(Field.MERCHANT_ID, "m1").text(Field.PHONE, "+1")
                .text(Field.METADATA_JSON, "{}").replyTo(sink, null), null))
            {
                Thread.onSpinWait();
            }
            assertTrue(replied.await(10, TimeUnit.SECONDS));
        }
    }

    private static void await(final java.util.function.BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
            Thread.sleep(1);
        }
    }

    @Test
    void shouldSnapshotOnTheLedgerThreadEveryNJournaledCommandsAndAtClose() throws Exception
    {
        final RecordingTaker taker = new RecordingTaker();
        final Ledger ledger = new Ledger(ZAR);
        try (LedgerPipeline pipeline = LedgerPipeline.start(
            new LedgerPipeline.Context().ringSizeEvents(64).snapshotTaker(taker).snapshotEveryCommands(3), ledger, new NullJournal()))
        {
            createCustomers(pipeline, 7);
            await(() -> taker.taken.size() == 2);
        }
        assertEquals(3, taker.taken.size(), "two by count, one at close");
        assertEquals(List.of(3L, 6L, 7L), taker.taken.stream().map(t -> t[0]).toList(), "each after a known command");
        assertEquals(List.of(3L, 6L, 7L), taker.taken.stream().map(t -> t[1]).toList());
        assertEquals(ledger.stateHash(), taker.taken.get(2)[2]);
        assertEquals("ledger", taker.threads.get(0));
        assertFalse(taker.threads.get(2).startsWith("ledger-"), "the final snapshot is taken by the closing thread");
        assertEquals(1, taker.closes.get());
    }

    @Test
    void shouldSnapshotOnRequestEvenWhenIdleButNotWhenNothingChanged() throws Exception
    {
        final RecordingTaker taker = new RecordingTaker();
        try (LedgerPipeline pipeline = LedgerPipeline.start(
            new LedgerPipeline.Context().ringSizeEvents(64).snapshotTaker(taker), new Ledger(ZAR), new NullJournal()))
        {
            pipeline.requestSnapshot();
            Thread.sleep(50);
            assertEquals(0, taker.taken.size(), "nothing journaled yet");

            createCustomers(pipeline, 2);
            assertEquals(0, taker.taken.size(), "no count trigger configured");
            pipeline.requestSnapshot(); // the pipeline is idle: the request must wake it
            await(() -> taker.taken.size() == 1);
            assertEquals(2, taker.taken.get(0)[1], "both customers (the wake-up no-ops use ids but are not journaled)");

            pipeline.requestSnapshot();
            Thread.sleep(50);
            assertEquals(1, taker.taken.size(), "nothing changed since the last snapshot");
        }
        assertEquals(1, taker.taken.size(), "nothing changed before close either");
    }

    @Test
    void shouldCountTheReplayedTailAndRetryWhileTheTakerIsBusy() throws Exception
    {
        final RecordingTaker taker = new RecordingTaker();
        taker.busy = true;
        try (LedgerPipeline pipeline = LedgerPipeline.start(
            new LedgerPipeline.Context().ringSizeEvents(64).snapshotTaker(taker).snapshotEveryCommands(5)
                .commandsSinceSnapshot(4), new Ledger(ZAR), new NullJournal()))
        {
            createCustomers(pipeline, 1); // 4 replayed + 1: due, but busy
            await(() -> taker.attempts.get() == 1); // the reply leaves before the snapshot point: wait for it
            assertEquals(0, taker.taken.size());
            taker.busy = false;
            createCustomers(pipeline, 1); // still due: taken now
            await(() -> taker.taken.size() == 1);
            assertEquals(2, taker.taken.get(0)[0]);
        }
    }

    @Test
    void shouldReleaseTheRepliesOfTheBatchBeforeThePauseForTheSnapshot() throws Exception
    {
        final CountDownLatch inSnapshot = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final SnapshotTaker slow = new SnapshotTaker()
        {
            @Override
            public boolean takeSnapshot(final Ledger ledger)
            {
                inSnapshot.countDown();
                try
                {
                    return release.await(10, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    throw new IllegalStateException(ex);
                }
            }

            @Override
            public void finalSnapshot(final Ledger ledger)
            {
            }

            @Override
            public void close()
            {
            }
        };
        try (LedgerPipeline pipeline = LedgerPipeline.start(
            new LedgerPipeline.Context().ringSizeEvents(64).snapshotTaker(slow).snapshotEveryCommands(1), new Ledger(ZAR), new NullJournal()))
        {
            final CountDownLatch replied = new CountDownLatch(1);
            final ReplySink sink = event -> replied.countDown();
            assertTrue(pipeline.tryPublish((e, a) -> e.type(CommandType.CREATE_CUSTOMER)
                .text(Field.MERCHANT_ID, "m1").text(Field.PHONE, "+1")
                .text(Field.METADATA_JSON, "{}").replyTo(sink, null), null));
            assertTrue(inSnapshot.await(10, TimeUnit.SECONDS));
            assertTrue(replied.await(10, TimeUnit.SECONDS), "the reply must not wait for the snapshot");
            release.countDown();
        }
    }

    @Test
    void shouldKeepGoingWhenASnapshotFails() throws Exception
    {
        final RecordingTaker taker = new RecordingTaker();
        taker.fail = true;
        final List<Long> errors = new CopyOnWriteArrayList<>();
        try (LedgerPipeline pipeline = LedgerPipeline.start(
            new LedgerPipeline.Context().ringSizeEvents(64).snapshotTaker(taker).snapshotEveryCommands(1)
                .snapshotErrorHandler((id, error) -> errors.add(id)), new Ledger(ZAR), new NullJournal()))
        {
            createCustomers(pipeline, 3);
            await(() -> errors.size() == 3); // each reply leaves before its snapshot point
            assertFalse(pipeline.failed());
            taker.fail = false;
        }
        assertEquals(List.of(1L, 2L, 3L), errors);
        assertEquals(1, taker.taken.size(), "the final snapshot");
    }

    @Test
    void shouldMeasureReportAndCountThePauseACommandWaitedThroughWhileTheLedgerWasInASnapshot() throws Exception
    {
        final CountDownLatch inSnapshot = new CountDownLatch(1);
        final CountDownLatch waiterPublished = new CountDownLatch(1);
        final long sleptNs = TimeUnit.MILLISECONDS.toNanos(120);
        final SnapshotTaker slow = new SnapshotTaker()
        {
            @Override
            public boolean takeSnapshot(final Ledger ledger)
            {
                inSnapshot.countDown();
                try
                {
                    assertTrue(waiterPublished.await(10, TimeUnit.SECONDS));
                    TimeUnit.NANOSECONDS.sleep(sleptNs); // the waiter was published before this: it waits at least this long
                }
                catch (final InterruptedException ex)
                {
                    throw new IllegalStateException(ex);
                }
                return true;
            }

            @Override
            public void finalSnapshot(final Ledger ledger)
            {
            }

            @Override
            public void close()
            {
            }
        };
        final List<long[]> reports = new CopyOnWriteArrayList<>();
        try (LedgerPipeline pipeline = LedgerPipeline.start(
            new LedgerPipeline.Context().ringSizeEvents(64).snapshotTaker(slow).snapshotEveryCommands(1)
                .pauseWarnNs(TimeUnit.MILLISECONDS.toNanos(100))
                .longPauseHandler((pauseNs, commandId, unreported) -> reports.add(new long[] {pauseNs, commandId, unreported})),
            new Ledger(ZAR), new NullJournal()))
        {
            createCustomers(pipeline, 1); // due for a snapshot at the end of its batch
            assertTrue(inSnapshot.await(10, TimeUnit.SECONDS));
            final CountDownLatch replied = new CountDownLatch(1);
            final ReplySink sink = event -> replied.countDown();
            assertTrue(pipeline.tryPublish((e, a) -> e.type(CommandType.CREATE_CUSTOMER)
                .text(Field.MERCHANT_ID, "m1").text(Field.PHONE, "+1")
                .text(Field.METADATA_JSON, "{}").replyTo(sink, null), null));
            waiterPublished.countDown();
            assertTrue(replied.await(10, TimeUnit.SECONDS));
            await(() -> pipeline.longestPauseNsSinceStart() >= sleptNs);

            assertEquals(1, pipeline.longPauses(), "one command waited through the snapshot");
            assertEquals(1, reports.size());
            assertTrue(reports.get(0)[0] >= sleptNs, "reported pause " + reports.get(0)[0]);
            assertEquals(2, reports.get(0)[1], "the command that waited");
            assertEquals(0, reports.get(0)[2]);
            final long taken = pipeline.takeLongestPauseNs();
            assertTrue(taken >= sleptNs, "since the last take " + taken);
            assertTrue(pipeline.takeLongestPauseNs() < taken, "a take starts a new period");
            assertTrue(pipeline.longestPauseNsSinceStart() >= sleptNs, "since start is never reset");
        }
    }

    @Test
    void shouldNotCountShortWaitsAsLongPauses() throws Exception
    {
        final List<long[]> reports = new CopyOnWriteArrayList<>();
        try (LedgerPipeline pipeline = LedgerPipeline.start(
            new LedgerPipeline.Context().ringSizeEvents(64).pauseWarnNs(TimeUnit.SECONDS.toNanos(30))
                .longPauseHandler((pauseNs, commandId, unreported) -> reports.add(new long[] {pauseNs})),
            new Ledger(ZAR), new NullJournal()))
        {
            createCustomers(pipeline, 20);
            await(() -> pipeline.longestPauseNsSinceStart() > 0);
            assertEquals(0, pipeline.longPauses());
            assertEquals(List.of(), reports);
        }
    }
}
