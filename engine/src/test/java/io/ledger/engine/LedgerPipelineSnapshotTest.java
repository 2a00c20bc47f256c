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

/**
 * The pipeline and its snapshot taker: the ledger thread never hands the ledger to it (snapshots come from a follower
 * reading the journal), and close() asks it once for the final snapshot, after the ledger thread stopped.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LedgerPipelineSnapshotTest
{
    private static final int ZAR = Currencies.pack("ZAR");

    /** Records the state each final snapshot saw: (lastCommandId, commandsApplied, hash), and which thread took it. */
    private static final class RecordingTaker implements SnapshotTaker
    {
        final List<long[]> taken = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final AtomicInteger closes = new AtomicInteger();
        volatile boolean fail;

        @Override
        public void finalSnapshot(final Ledger ledger)
        {
            if (fail)
            {
                throw new IllegalStateException("disk full");
            }
            record(ledger);
        }

        private void record(final Ledger ledger)
        {
            taken.add(new long[] {ledger.lastCommandId(), ledger.commandsApplied(), ledger.stateHash()});
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void close()
        {
            closes.incrementAndGet();
        }
    }

    private static final class NullJournal implements JournalWriter
    {
        final AtomicInteger closes = new AtomicInteger();

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
            closes.incrementAndGet();
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
    void shouldTakeOnlyTheFinalSnapshotOnTheClosingThreadWithTheStateAfterTheLastCommand() throws Exception
    {
        final RecordingTaker taker = new RecordingTaker();
        final Ledger ledger = new Ledger(ZAR);
        final NullJournal journal = new NullJournal();
        try (LedgerPipeline pipeline = LedgerPipeline.start(
            new LedgerPipeline.Context().ringSizeEvents(64).snapshotTaker(taker), ledger, journal))
        {
            createCustomers(pipeline, 7);
            assertEquals(0, taker.taken.size(), "the ledger thread never takes one");
        }
        assertEquals(1, taker.taken.size(), "one at close");
        assertEquals(7L, taker.taken.get(0)[0], "after the last command");
        assertEquals(7L, taker.taken.get(0)[1]);
        assertEquals(ledger.stateHash(), taker.taken.get(0)[2]);
        assertFalse(taker.threads.get(0).startsWith("ledger-"), "taken by the closing thread");
        assertEquals(1, taker.closes.get());
        assertEquals(1, journal.closes.get());
    }

    @Test
    void shouldReportAFailedFinalSnapshotAndStillCloseTheTakerAndTheJournal() throws Exception
    {
        final RecordingTaker taker = new RecordingTaker();
        taker.fail = true;
        final List<Long> errors = new CopyOnWriteArrayList<>();
        final NullJournal journal = new NullJournal();
        try (LedgerPipeline pipeline = LedgerPipeline.start(
            new LedgerPipeline.Context().ringSizeEvents(64).snapshotTaker(taker)
                .snapshotErrorHandler((id, error) -> errors.add(id)), new Ledger(ZAR), journal))
        {
            createCustomers(pipeline, 3);
            assertFalse(pipeline.failed());
        }
        assertEquals(List.of(3L), errors);
        assertEquals(1, taker.closes.get());
        assertEquals(1, journal.closes.get());
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
