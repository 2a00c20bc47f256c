package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tick: the pipeline publishes the ledger's next deadline; the ticker journals a TICK once the clock has passed it,
 * once per deadline, so a hold is released on an idle ledger, and the journal holds the tick that did it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeadlineTickerTest
{
    private static final int ZAR = Currencies.pack("ZAR");
    private static final long T0 = 1_767_225_600_000L;

    /** Journals the types it is given, in order; with {@link #holdTicks} set, holds the ledger thread in a TICK's append. */
    private static final class TypesJournal implements JournalWriter
    {
        final List<CommandType> types = java.util.Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch holding = new CountDownLatch(1);
        volatile CountDownLatch holdTicks;

        @Override
        public void append(final CommandEvent event)
        {
            final CountDownLatch hold = holdTicks;
            if (hold != null && event.type() == CommandType.TICK)
            {
                holding.countDown();
                try
                {
                    assertTrue(hold.await(10, TimeUnit.SECONDS), "held for too long");
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            types.add(event.type());
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

    @Test
    void shouldJournalATickOnceTheClockPassesTheNextDeadlineAndReleaseTheHold() throws Exception
    {
        final AtomicLong clock = new AtomicLong(T0);
        final TypesJournal journal = new TypesJournal();
        final Ledger ledger = new Ledger(ZAR);
        try (LedgerPipeline pipeline = LedgerPipeline.start(new LedgerPipeline.Context().ringSizeEvents(16).clock(clock::get), ledger, journal))
        {
            final DeadlineTicker ticker = new DeadlineTicker(pipeline);
            assertEquals(Long.MAX_VALUE, pipeline.nextDeadlineMs());
            ticker.run();
            assertEquals(0, ticker.ticks(), "nothing is due, ever");

            publishAndWait(pipeline, e -> e.type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, "m1").text(Field.PHONE, "+1")
                .text(Field.METADATA_JSON, "{}"));
            publishAndWait(pipeline, e -> e.type(CommandType.PAY_IN).text(Field.MERCHANT_ID, "m1").set(Field.CUSTOMER_KEY, 1)
                .set(Field.AMOUNT_MINOR, 700).set(Field.CURRENCY, ZAR));
            final CommandEvent held = new CommandEvent();
            publishAndWait(pipeline, e -> e.type(CommandType.PURCHASE).text(Field.MERCHANT_ID, "m1").set(Field.CUSTOMER_KEY, 1)
                .set(Field.AMOUNT_MINOR, 500).set(Field.CURRENCY, ZAR).set(Field.QUANTITY, 1).text(Field.PRODUCT_ID, "sku")
                .set(Field.RELEASE_AT_MS, T0 + 1_000), held);
            assertEquals(ResultCode.OK, held.result());
            // published at the end of the batch, after its replies are released: the reply may arrive first
            await(() -> pipeline.nextDeadlineMs() == T0 + 1_000);
            assertEquals(T0 + 1_000, pipeline.nextDeadlineMs(), "published at the end of the batch");

            clock.set(T0 + 999);
            ticker.run();
            assertEquals(0, ticker.ticks(), "not yet due");

            clock.set(T0 + 1_000);
            ticker.run();
            assertEquals(1, ticker.ticks());
            ticker.run();
            assertEquals(1, ticker.ticks(), "one tick per deadline, while the ledger gets to it");
            await(() -> pipeline.nextDeadlineMs() == Long.MAX_VALUE);
            final CommandEvent balance = new CommandEvent();
            publishAndWait(pipeline, e -> e.type(CommandType.GET_MERCHANT_BALANCE).text(Field.MERCHANT_ID, "m1").set(Field.CURRENCY, ZAR), balance);
            assertEquals(500, balance.balanceAfterMinor(), "released on the tick");
            assertEquals(0, balance.pendingMinor());

            clock.set(T0 + 100_000);
            ticker.run();
            assertEquals(1, ticker.ticks(), "nothing left to tick for");
        }
        assertEquals(List.of(CommandType.CREATE_CUSTOMER, CommandType.PAY_IN, CommandType.PURCHASE, CommandType.TICK), journal.types);
    }

    @Test
    void shouldTickAgainForADeadlineThatStaysTheNextOneOnlyAfterTheRetryInterval() throws Exception
    {
        final AtomicLong clock = new AtomicLong(T0);
        final CountDownLatch resume = new CountDownLatch(1);
        final TypesJournal journal = new TypesJournal();
        journal.holdTicks = resume; // the first tick holds the ledger thread before it is applied
        try (LedgerPipeline pipeline = LedgerPipeline.start(new LedgerPipeline.Context().ringSizeEvents(16).clock(clock::get),
            new Ledger(ZAR), journal))
        {
            final DeadlineTicker ticker = new DeadlineTicker(pipeline);
            publishAndWait(pipeline, e -> e.type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, "m1").text(Field.PHONE, "+1")
                .text(Field.METADATA_JSON, "{}"));
            publishAndWait(pipeline, e -> e.type(CommandType.PAY_IN).text(Field.MERCHANT_ID, "m1").set(Field.CUSTOMER_KEY, 1)
                .set(Field.AMOUNT_MINOR, 700).set(Field.CURRENCY, ZAR));
            publishAndWait(pipeline, e -> e.type(CommandType.PURCHASE).text(Field.MERCHANT_ID, "m1").set(Field.CUSTOMER_KEY, 1)
                .set(Field.AMOUNT_MINOR, 500).set(Field.CURRENCY, ZAR).set(Field.QUANTITY, 1).text(Field.PRODUCT_ID, "sku")
                .set(Field.RELEASE_AT_MS, T0 + 1_000));
            await(() -> pipeline.nextDeadlineMs() == T0 + 1_000); // published after the batch's replies are released
            clock.set(T0 + 1_000);
            ticker.run();
            assertTrue(journal.holding.await(10, TimeUnit.SECONDS)); // the ledger thread now waits: nothing it publishes changes
            clock.set(T0 + 1_000 + DeadlineTicker.RETRY_MS - 1);
            ticker.run();
            assertEquals(1, ticker.ticks(), "the deadline is still the next one, but the tick for it is on its way");
            clock.set(T0 + 1_000 + DeadlineTicker.RETRY_MS);
            ticker.run();
            assertEquals(2, ticker.ticks(), "after the retry interval, once more");

            resume.countDown();
            await(() -> pipeline.nextDeadlineMs() == Long.MAX_VALUE);
        }
        assertEquals(2, journal.types.stream().filter(type -> type == CommandType.TICK).count(), "the second tick finds nothing due");
    }

    private static void publishAndWait(final LedgerPipeline pipeline, final java.util.function.Consumer<CommandEvent> fill) throws Exception
    {
        publishAndWait(pipeline, fill, new CommandEvent());
    }

    /** Publishes a command and waits for its reply, copying the outcome into {@code outcome}. */
    private static void publishAndWait(final LedgerPipeline pipeline, final java.util.function.Consumer<CommandEvent> fill,
        final CommandEvent outcome) throws Exception
    {
        final CountDownLatch replied = new CountDownLatch(1);
        final ReplySink sink = event ->
        {
            outcome.copyFrom(event);
            outcome.result(event.result());
            outcome.balances(event.balanceBeforeMinor(), event.balanceAfterMinor());
            outcome.pendingMinor(event.pendingMinor());
            replied.countDown();
        };
        assertTrue(pipeline.tryPublish((e, a) ->
        {
            fill.accept(e);
            e.replyTo(sink, null);
        }, null));
        assertTrue(replied.await(10, TimeUnit.SECONDS));
    }

    private static void await(final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertTrue(condition.getAsBoolean());
    }
}
