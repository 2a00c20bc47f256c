package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LedgerPipelineTest
{
    private static final int ZAR = Currencies.pack("ZAR");

    /**
     * Records what was journaled, so a test can check that every reply's command is there, and the thread of each append
     * and batch end (LedgerPipelineOnLoopTest: the consumer's thread).
     */
    static class RecordingJournal implements JournalWriter
    {
        final ConcurrentLinkedQueue<Long> appended = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();
        final AtomicInteger batches = new AtomicInteger();
        volatile long failAtCommandId = -1;

        @Override
        public void append(final CommandEvent event)
        {
            if (event.commandId() == failAtCommandId)
            {
                throw new IllegalStateException("disk full");
            }
            appended.add(event.commandId());
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void endOfBatch()
        {
            batches.incrementAndGet();
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void close()
        {
        }
    }

    private record Reply(long commandId, CommandType type, ResultCode result, long balanceAfter)
    {
    }

    @Test
    void shouldReplyOnlyAfterApplyAndJournalAndNumberCommandsFromTheFirstId() throws Exception
    {
        final RecordingJournal journal = new RecordingJournal();
        final Ledger ledger = new Ledger(ZAR);
        final List<Reply> replies = java.util.Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch done = new CountDownLatch(3);
        final ReplySink sink = event ->
        {
            assertTrue(!event.type().journaled() || journal.appended.contains(event.commandId()), "replied before journaled");
            replies.add(new Reply(event.commandId(), event.type(), event.result(), event.balanceAfterMinor()));
            done.countDown();
        };
        try (LedgerPipeline pipeline = LedgerPipeline.start(
            new LedgerPipeline.Context().ringSizeEvents(8).firstCommandId(100).clock(() -> 5_000L), ledger, journal))
        {
            assertEquals(99, pipeline.lastAcknowledgedCommandId(), "nothing acknowledged yet");
            assertTrue(pipeline.tryPublish((e, a) -> e.type(CommandType.CREATE_CUSTOMER)
                .text(Field.MERCHANT_ID, "m1").text(Field.PHONE, "+1")
                .text(Field.METADATA_JSON, "{}").replyTo(sink, null), null));
            assertTrue(pipeline.tryPublish((e, a) -> e.type(CommandType.PAY_IN).text(Field.MERCHANT_ID, "m1")
                .set(Field.CUSTOMER_KEY, 100).set(Field.AMOUNT_MINOR, 700).set(Field.CURRENCY, ZAR).replyTo(sink, null), null));
            assertTrue(pipeline.tryPublish((e, a) -> e.type(CommandType.GET_CUSTOMER_BALANCE)
                .text(Field.MERCHANT_ID, "m1").set(Field.CUSTOMER_KEY, 100).replyTo(sink, null), null));
            assertTrue(done.await(10, TimeUnit.SECONDS));
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pipeline.lastAcknowledgedCommandId() < 102 && System.nanoTime() < deadlineNs)
            {
                Thread.onSpinWait(); // the sequence moves right after the batch's replies
            }
            assertEquals(102, pipeline.lastAcknowledgedCommandId(), "the change stream's gate: every command replied to");
        }
        assertEquals(List.of(
            new Reply(100, CommandType.CREATE_CUSTOMER, ResultCode.OK, 0),
            new Reply(101, CommandType.PAY_IN, ResultCode.OK, 700),
            new Reply(102, CommandType.GET_CUSTOMER_BALANCE, ResultCode.OK, 700)), replies);
        assertEquals(List.of(100L, 101L), new ArrayList<>(journal.appended), "queries are not journaled");
    }

    @Test
    void shouldGiveABatchTheLastOfTheSlotsItClaimsAndItsCommandsTheIdsBelow() throws Exception
    {
        final RecordingJournal journal = new RecordingJournal();
        final Ledger ledger = new Ledger(ZAR);
        final List<Reply> replies = java.util.Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch done = new CountDownLatch(3);
        final ReplySink sink = event ->
        {
            replies.add(new Reply(event.commandId(), event.type(), event.result(), event.balanceAfterMinor()));
            done.countDown();
        };
        final BatchItems items = new BatchItems();
        items.add(CommandType.PAY_IN, false).text(Field.MERCHANT_ID, "m1").set(Field.CUSTOMER_KEY, 100).set(Field.AMOUNT_MINOR, 700)
            .set(Field.CURRENCY, ZAR);
        items.add(CommandType.PURCHASE, false).text(Field.MERCHANT_ID, "m1").set(Field.CUSTOMER_KEY, 100).set(Field.AMOUNT_MINOR, 200)
            .set(Field.CURRENCY, ZAR).text(Field.PRODUCT_ID, "p");
        try (LedgerPipeline pipeline = LedgerPipeline.start(
            new LedgerPipeline.Context().ringSizeEvents(8).firstCommandId(100).clock(() -> 5_000L), ledger, journal))
        {
            assertTrue(pipeline.tryPublish((e, a) -> e.type(CommandType.CREATE_CUSTOMER)
                .text(Field.MERCHANT_ID, "m1").text(Field.PHONE, "+1").text(Field.METADATA_JSON, "{}").replyTo(sink, null), null));
            assertTrue(pipeline.tryPublish((e, a) -> e.type(CommandType.BATCH).text(Field.MERCHANT_ID, "m1").batch(items)
                .replyTo(sink, null), null, 1 + items.count()));
            assertFalse(pipeline.tryPublish((e, a) -> e.type(CommandType.TICK), null, 9), "more slots than the ring has");
            assertTrue(pipeline.tryPublish((e, a) -> e.type(CommandType.GET_CUSTOMER_BALANCE)
                .text(Field.MERCHANT_ID, "m1").set(Field.CUSTOMER_KEY, 100).replyTo(sink, null), null));
            assertTrue(done.await(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of(
            new Reply(100, CommandType.CREATE_CUSTOMER, ResultCode.OK, 0),
            new Reply(103, CommandType.BATCH, ResultCode.OK, 0),
            new Reply(104, CommandType.GET_CUSTOMER_BALANCE, ResultCode.OK, 500)), replies);
        assertEquals(101, items.item(0).commandId());
        assertEquals(102, items.item(1).resultKey(), "the purchase's id is the one below the batch's");
        assertEquals(List.of(100L, 103L), new ArrayList<>(journal.appended), "the batch is one record");
    }

    @Test
    void shouldNeitherJournalNorApplyNorAnswerWhatTheSlotsABatchReservesHeldBefore() throws Exception
    {
        final RecordingJournal journal = new RecordingJournal();
        final List<Reply> replies = java.util.Collections.synchronizedList(new ArrayList<>());
        final ReplySink sink = event -> replies.add(new Reply(event.commandId(), event.type(), event.result(), event.balanceAfterMinor()));
        final List<Long> expectedJournal = new ArrayList<>(List.of(100L, 101L));
        final List<Long> expectedReplies = new ArrayList<>(List.of(100L, 101L));
        long nextId = 102;
        long purchases = 0;
        try (LedgerPipeline pipeline = LedgerPipeline.start(
            new LedgerPipeline.Context().ringSizeEvents(8).firstCommandId(100).clock(() -> 5_000L), new Ledger(ZAR), journal))
        {
            assertTrue(pipeline.tryPublish((e, a) -> e.type(CommandType.CREATE_CUSTOMER)
                .text(Field.MERCHANT_ID, "m1").text(Field.PHONE, "+1").text(Field.METADATA_JSON, "{}").replyTo(sink, null), null));
            assertTrue(pipeline.tryPublish((e, a) -> e.type(CommandType.PAY_IN).text(Field.MERCHANT_ID, "m1")
                .set(Field.CUSTOMER_KEY, 100).set(Field.AMOUNT_MINOR, 100_000).set(Field.CURRENCY, ZAR).replyTo(sink, null), null));
            // every slot is used by single purchases (with a sink) and, on the next laps, reserved by batches
            for (int round = 0; round < 12; round++)
            {
                if (round % 2 == 0)
                {
                    for (int i = 0; i < 3; i++)
                    {
                        assertTrue(pipeline.tryPublish((e, a) -> purchase(e).replyTo(sink, null), null));
                        expectedJournal.add(nextId);
                        expectedReplies.add(nextId++);
                        purchases++;
                    }
                }
                else
                {
                    final BatchItems items = new BatchItems();
                    purchase(items.add(CommandType.PURCHASE, false));
                    purchase(items.add(CommandType.PURCHASE, false));
                    assertTrue(pipeline.tryPublish((e, a) -> e.type(CommandType.BATCH).text(Field.MERCHANT_ID, "m1").batch(items)
                        .replyTo(sink, null), null, 1 + items.count()));
                    nextId += items.count();
                    expectedJournal.add(nextId);
                    expectedReplies.add(nextId++);
                    purchases += items.count();
                }
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (replies.size() < expectedReplies.size() && System.nanoTime() < deadlineNs)
                {
                    Thread.onSpinWait();
                }
            }
            assertTrue(pipeline.tryPublish((e, a) -> e.type(CommandType.GET_CUSTOMER_BALANCE)
                .text(Field.MERCHANT_ID, "m1").set(Field.CUSTOMER_KEY, 100).replyTo(sink, null), null));
            expectedReplies.add(nextId);
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (replies.size() < expectedReplies.size() && System.nanoTime() < deadlineNs)
            {
                Thread.onSpinWait();
            }
        }
        assertEquals(expectedReplies, replies.stream().map(Reply::commandId).toList(), "each command answered once, no slot again");
        assertEquals(expectedJournal, new ArrayList<>(journal.appended), "each command journaled once, no slot again");
        assertEquals(100_000 - 10 * purchases, replies.get(replies.size() - 1).balanceAfter(), "each purchase applied once");
        assertTrue(replies.stream().allMatch(r -> r.result() == ResultCode.OK), replies.toString());
    }

    private static <T extends CommandFields<T>> T purchase(final T fields)
    {
        return fields.type(CommandType.PURCHASE).text(Field.MERCHANT_ID, "m1").set(Field.CUSTOMER_KEY, 100)
            .set(Field.AMOUNT_MINOR, 10).set(Field.CURRENCY, ZAR).text(Field.PRODUCT_ID, "p");
    }

    @Test
    void shouldRefusePublishWhenRingIsFull() throws Exception
    {
        final RecordingJournal journal = new RecordingJournal();
        final CountDownLatch release = new CountDownLatch(1);
        final ReplySink blockingSink = event ->
        {
            try
            {
                release.await(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        };
        try (LedgerPipeline pipeline = LedgerPipeline.start(new LedgerPipeline.Context().ringSizeEvents(4), new Ledger(ZAR), journal))
        {
            int accepted = 0;
            for (int i = 0; i < 10; i++)
            {
                if (pipeline.tryPublish((e, a) -> e.type(CommandType.GET_MERCHANT_BALANCE)
                    .text(Field.MERCHANT_ID, "m1").replyTo(blockingSink, null), null))
                {
                    accepted++;
                }
            }
            assertEquals(4, accepted, "a 4-slot ring holds 4 commands while the reply stage is stuck");
            release.countDown();
        }
    }

    @Test
    void shouldStopAcknowledgingFromTheCommandTheJournalFailedOn() throws Exception
    {
        final RecordingJournal journal = new RecordingJournal();
        journal.failAtCommandId = 2;
        final List<ResultCode> results = java.util.Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch done = new CountDownLatch(3);
        final AtomicInteger fatal = new AtomicInteger();
        final ReplySink sink = event ->
        {
            results.add(event.result());
            done.countDown();
        };
        try (LedgerPipeline pipeline = LedgerPipeline.start(
            new LedgerPipeline.Context().ringSizeEvents(8).fatalErrorHandler((stage, id, error) -> fatal.incrementAndGet()),
            new Ledger(ZAR), journal))
        {
            for (int i = 0; i < 3; i++)
            {
                pipeline.tryPublish((e, a) -> e.type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, "m1")
                    .text(Field.PHONE, "+1").text(Field.METADATA_JSON, "{}").replyTo(sink, null), null);
                if (i == 0)
                {
                    while (done.getCount() == 3) // command 1 in a batch of its own, synced before 2 arrives
                    {
                        Thread.onSpinWait();
                    }
                }
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertTrue(pipeline.failed());
            assertEquals(1, pipeline.lastAcknowledgedCommandId(), "the gate stops before the failed command");
        }
        assertEquals(ResultCode.OK, results.get(0));
        assertNull(results.get(1), "the command the journal failed on is never acknowledged");
        assertNull(results.get(2), "nor anything after it");
        assertEquals(List.of(1L), new ArrayList<>(journal.appended));
        assertEquals(1, fatal.get());
    }

    @Test
    void shouldAcknowledgeNothingOfABatchWhoseSyncFailed() throws Exception
    {
        final CountDownLatch inFirstSync = new CountDownLatch(1);
        final CountDownLatch releaseFirstSync = new CountDownLatch(1);
        final AtomicInteger syncs = new AtomicInteger();
        final RecordingJournal journal = new RecordingJournal()
        {
            @Override
            public void endOfBatch()
            {
                if (syncs.incrementAndGet() == 1)
                {
                    inFirstSync.countDown();
                    try
                    {
                        releaseFirstSync.await(10, TimeUnit.SECONDS);
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                    return;
                }
                throw new IllegalStateException("fsync failed");
            }
        };
        final List<ResultCode> results = java.util.Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch done = new CountDownLatch(4);
        final ReplySink sink = event ->
        {
            results.add(event.result());
            done.countDown();
        };
        final LedgerPipeline.CommandFiller<Void> create = (e, a) -> e.type(CommandType.CREATE_CUSTOMER)
            .text(Field.MERCHANT_ID, "m1").text(Field.PHONE, "+1")
            .text(Field.METADATA_JSON, "{}").replyTo(sink, null);
        try (LedgerPipeline pipeline = LedgerPipeline.start(
            new LedgerPipeline.Context().ringSizeEvents(8).fatalErrorHandler((stage, id, error) -> { }), new Ledger(ZAR), journal))
        {
            pipeline.tryPublish(create, null);
            assertTrue(inFirstSync.await(10, TimeUnit.SECONDS), "command 1 is a batch of its own, now syncing");
            for (int i = 0; i < 3; i++)
            {
                pipeline.tryPublish(create, null); // 2..4 wait behind the sync and form the next batch
            }
            releaseFirstSync.countDown();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertTrue(pipeline.failed());
        }
        assertEquals(2, syncs.get(), "two batches: {1} and {2, 3, 4}");
        assertEquals(ResultCode.OK, results.get(0));
        assertEquals(java.util.Arrays.asList(null, null, null), results.subList(1, 4),
            "commands appended but not synced must not be acknowledged, whatever their place in the batch");
    }

    /** A journal that syncs on the pipeline's sync thread; the first sync waits until the test releases it. */
    private static final class SyncThreadJournal extends RecordingJournal
    {
        final CountDownLatch inFirstSync = new CountDownLatch(1);
        final CountDownLatch releaseFirstSync = new CountDownLatch(1);
        final AtomicInteger syncs = new AtomicInteger();
        final List<String> syncThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** The highest command id appended when each sync started: what it covers at least. */
        final List<Long> coveredBySync = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile int failFromSync = Integer.MAX_VALUE;

        @Override
        public Syncer syncer()
        {
            return () ->
            {
                final int n = syncs.incrementAndGet();
                syncThreads.add(Thread.currentThread().getName());
                coveredBySync.add(appended.stream().mapToLong(Long::longValue).max().orElse(0));
                if (n >= failFromSync)
                {
                    throw new IllegalStateException("fsync failed");
                }
                if (n == 1)
                {
                    inFirstSync.countDown();
                    try
                    {
                        releaseFirstSync.await(10, TimeUnit.SECONDS);
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                }
            };
        }
    }

    @Test
    void shouldReleaseRepliesOnTheSyncThreadOnlyAfterASyncCoveringThemWhileTheLedgerThreadGoesOn() throws Exception
    {
        final SyncThreadJournal journal = new SyncThreadJournal();
        final List<Long> replied = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> replyThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CountDownLatch done = new CountDownLatch(3);
        final ReplySink sink = event ->
        {
            assertTrue(journal.coveredBySync.stream().anyMatch(covered -> covered >= event.commandId()),
                "commandId=" + event.commandId() + " replied before a sync covering it started");
            replied.add(event.commandId());
            replyThreads.add(Thread.currentThread().getName());
            assertEquals(ResultCode.OK, event.result());
            done.countDown();
        };
        final LedgerPipeline.CommandFiller<Void> create = (e, a) -> e.type(CommandType.CREATE_CUSTOMER)
            .text(Field.MERCHANT_ID, "m1").text(Field.PHONE, "+1").text(Field.METADATA_JSON, "{}").replyTo(sink, null);
        final Ledger ledger = new Ledger(ZAR);
        try (LedgerPipeline pipeline = LedgerPipeline.start(new LedgerPipeline.Context().ringSizeEvents(8), ledger, journal))
        {
            assertTrue(pipeline.tryPublish(create, null));
            assertTrue(journal.inFirstSync.await(10, TimeUnit.SECONDS), "command 1 is syncing");
            assertTrue(pipeline.tryPublish(create, null));
            assertTrue(pipeline.tryPublish(create, null));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (journal.appended.size() < 3 && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            assertEquals(List.of(1L, 2L, 3L), new ArrayList<>(journal.appended), "the ledger thread journals on during a sync");
            Thread.sleep(50);
            assertTrue(replied.isEmpty(), "nothing is acknowledged before the sync that covers it returns: " + replied);
            journal.releaseFirstSync.countDown();
            assertTrue(done.await(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of(1L, 2L, 3L), replied, "in sequence order");
        assertTrue(replyThreads.stream().allMatch("ledger-sync"::equals), "replies leave from the sync thread: " + replyThreads);
        assertTrue(journal.syncThreads.stream().allMatch("ledger-sync"::equals));
        assertEquals(2, journal.syncs.get(), "group commit: {1}, then {2, 3} in one sync");
    }

    @Test
    void shouldAcknowledgeNothingThatAFailedSyncOnTheSyncThreadShouldHaveCovered() throws Exception
    {
        final SyncThreadJournal journal = new SyncThreadJournal();
        journal.failFromSync = 2;
        final List<ResultCode> results = java.util.Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch done = new CountDownLatch(4);
        final AtomicInteger fatal = new AtomicInteger();
        final ReplySink sink = event ->
        {
            results.add(event.result());
            done.countDown();
        };
        final LedgerPipeline.CommandFiller<Void> create = (e, a) -> e.type(CommandType.CREATE_CUSTOMER)
            .text(Field.MERCHANT_ID, "m1").text(Field.PHONE, "+1").text(Field.METADATA_JSON, "{}").replyTo(sink, null);
        try (LedgerPipeline pipeline = LedgerPipeline.start(new LedgerPipeline.Context().ringSizeEvents(8)
            .fatalErrorHandler((stage, id, error) -> fatal.incrementAndGet()), new Ledger(ZAR), journal))
        {
            pipeline.tryPublish(create, null);
            assertTrue(journal.inFirstSync.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 3; i++)
            {
                pipeline.tryPublish(create, null);
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (journal.appended.size() < 4 && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            journal.releaseFirstSync.countDown();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertTrue(pipeline.failed());
        }
        assertEquals(ResultCode.OK, results.get(0));
        assertEquals(java.util.Arrays.asList(null, null, null), results.subList(1, 4),
            "appended and applied, but the sync covering them failed: never acknowledged");
        assertEquals(1, fatal.get());
    }

    @Test
    void shouldHandEachSinkItsRepliesInOrderAndEndTheBatchOnceForEachSinkAfterThem() throws Exception
    {
        final CountDownLatch holdFirst = new CountDownLatch(1);
        final CountDownLatch inFirst = new CountDownLatch(1);
        final RecordingJournal journal = new RecordingJournal()
        {
            @Override
            public void append(final CommandEvent event)
            {
                super.append(event);
                if (event.commandId() == 1)
                {
                    inFirst.countDown();
                    try
                    {
                        holdFirst.await(10, TimeUnit.SECONDS); // the next commands pile up into one batch
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CountDownLatch ended = new CountDownLatch(3);
        final class NamedSink implements ReplySink
        {
            private final String name;

            NamedSink(final String name)
            {
                this.name = name;
            }

            @Override
            public void onReply(final CommandEvent event)
            {
                calls.add(name + event.commandId());
            }

            @Override
            public void endOfBatch()
            {
                calls.add(name + "-end");
                ended.countDown();
            }
        }
        final ReplySink a = new NamedSink("a");
        final ReplySink b = new NamedSink("b");
        try (LedgerPipeline pipeline = LedgerPipeline.start(new LedgerPipeline.Context().ringSizeEvents(16), new Ledger(ZAR), journal))
        {
            final ReplySink[] order = {a, b, a, b, b};
            for (int i = 0; i < order.length; i++)
            {
                final ReplySink sink = order[i];
                assertTrue(pipeline.tryPublish((e, x) -> e.type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, "m1")
                    .text(Field.PHONE, "+1").text(Field.METADATA_JSON, "{}").replyTo(sink, null), null));
                if (i == 0)
                {
                    assertTrue(inFirst.await(10, TimeUnit.SECONDS));
                }
            }
            holdFirst.countDown();
            assertTrue(ended.await(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of("a1", "a-end", "b2", "a3", "b4", "b5", "b-end", "a-end"), calls,
            "batch {1} then batch {2..5}: each sink's replies in order, its end of batch once, after them, sinks in the order first seen");
    }

    @Test
    void shouldMakeAFailedFillANoopAndKeepGoing() throws Exception
    {
        final RecordingJournal journal = new RecordingJournal();
        final CountDownLatch done = new CountDownLatch(1);
        try (LedgerPipeline pipeline = LedgerPipeline.start(new LedgerPipeline.Context().ringSizeEvents(8), new Ledger(ZAR), journal))
        {
            try
            {
                pipeline.tryPublish((e, a) ->
                {
                    e.type(CommandType.PAY_IN);
                    throw new IllegalStateException("fill failed");
                }, null);
            }
            catch (final IllegalStateException expected)
            {
                // the slot was still published, as a NOOP
            }
            assertTrue(pipeline.tryPublish((e, a) -> e.type(CommandType.GET_MERCHANT_BALANCE)
                .text(Field.MERCHANT_ID, "m1").replyTo(ev -> done.countDown(), null), null));
            assertTrue(done.await(10, TimeUnit.SECONDS));
        }
        assertTrue(journal.appended.isEmpty());
        assertFalse(journal.batches.get() == 0);
    }

    @Test
    void shouldTreatAFailedReplyAsLostReplyNotAsAFatalError() throws Exception
    {
        final AtomicInteger fatal = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();
        final CountDownLatch second = new CountDownLatch(1);
        try (LedgerPipeline pipeline = LedgerPipeline.start(new LedgerPipeline.Context().ringSizeEvents(8)
            .fatalErrorHandler((stage, id, error) -> fatal.incrementAndGet())
            .replyErrorHandler((id, error) -> lost.incrementAndGet()), new Ledger(ZAR), new RecordingJournal()))
        {
            pipeline.tryPublish((e, a) -> e.type(CommandType.GET_MERCHANT_BALANCE).text(Field.MERCHANT_ID, "m1")
                .replyTo(ev -> { throw new IllegalStateException("socket gone"); }, null), null);
            pipeline.tryPublish((e, a) -> e.type(CommandType.GET_MERCHANT_BALANCE).text(Field.MERCHANT_ID, "m1")
                .replyTo(ev -> second.countDown(), null), null);
            assertTrue(second.await(10, TimeUnit.SECONDS));
            assertFalse(pipeline.failed());
        }
        assertEquals(0, fatal.get());
        assertEquals(1, lost.get());
    }

    @Test
    void shouldRejectRingSizeThatIsNotAPowerOfTwo()
    {
        final IllegalArgumentException ex = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> LedgerPipeline.start(new LedgerPipeline.Context().ringSizeEvents(1000), new Ledger(ZAR), new RecordingJournal()));
        assertTrue(ex.getMessage().contains("ringSizeEvents=1000"));
    }
}
