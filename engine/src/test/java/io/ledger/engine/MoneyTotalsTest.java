package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The money totals kept as money moves equal a full walk of every balance ({@link LedgerTotals#of}) after a random
 * workload (pay-ins, purchases, transfers, payouts, refusals, several merchants and currencies), after a snapshot
 * round trip, and as published by the pipeline's ledger stage to another thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MoneyTotalsTest
{
    private static final int ZAR = Currencies.pack("ZAR");
    private static final String[] MERCHANTS = {"m_a", "m_b", "m_c"};
    private static final String[] CURRENCIES = {"ZAR", "USD", "EUR", "KES"};

    @Test
    void shouldEqualAFullWalkOfTheBalancesAfterARandomWorkload() throws IOException
    {
        final Ledger ledger = new Ledger(ZAR);
        final Workload workload = new Workload(new Random(0x70_7A15L));
        for (int round = 0; round < 40; round++)
        {
            workload.apply(ledger, 500);
            ledger.moneyTotals().publish();
            assertEquals(byCurrency(LedgerTotals.of(ledger)), byCurrency(ledger.moneyTotals().read()), "round " + round);
            assertEquals(byCurrency(LedgerTotals.of(ledger)), byCurrency(ledger.moneyTotals().running()));
        }
        assertTrue(workload.refused > 100 && workload.moved > 1000, "the workload refuses and moves: " + workload);
        ledger.checkConservation();
        for (final LedgerTotals.CurrencyTotals t : ledger.moneyTotals().read())
        {
            assertEquals(t.paidInMinor() - t.paidOutMinor(), t.customersMinor() + t.merchantsMinor(), t.toString());
        }

        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            LedgerSnapshot.write(ledger, out);
        }
        final Ledger restored = LedgerSnapshot.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), ZAR);
        assertEquals(byCurrency(LedgerTotals.of(ledger)), byCurrency(restored.moneyTotals().running()), "recounted on load");
        workload.apply(restored, 2_000);
        assertEquals(byCurrency(LedgerTotals.of(restored)), byCurrency(restored.moneyTotals().running()), "and kept after");
    }

    @Test
    void shouldReadNothingBeforeTheFirstPublishAndOnlyWhatWasPublished()
    {
        final Ledger ledger = new Ledger(ZAR);
        final Workload workload = new Workload(new Random(7));
        assertEquals(List.of(), ledger.moneyTotals().read());
        workload.apply(ledger, 300);
        assertEquals(List.of(), ledger.moneyTotals().read(), "not published yet");
        ledger.moneyTotals().publish();
        final Map<String, List<Long>> published = byCurrency(ledger.moneyTotals().read());
        workload.apply(ledger, 300);
        assertEquals(published, byCurrency(ledger.moneyTotals().read()), "the published copy stays until the next publish");
    }

    @Test
    void shouldBePublishedByThePipelineAtTheEndOfEachBatch() throws Exception
    {
        final Ledger ledger = new Ledger(ZAR);
        try (LedgerPipeline pipeline = LedgerPipeline.start(new LedgerPipeline.Context().ringSizeEvents(64), ledger, new NoJournal()))
        {
            final long customer = publishAndWait(pipeline, (e, a) -> e.type(CommandType.CREATE_CUSTOMER)
                .text(Field.MERCHANT_ID, "m1").text(Field.PHONE, "+1").text(Field.METADATA_JSON, "{}"));
            publishAndWait(pipeline, (e, a) -> e.type(CommandType.PAY_IN).text(Field.MERCHANT_ID, "m1")
                .set(Field.CUSTOMER_KEY, customer).set(Field.AMOUNT_MINOR, 10_000).set(Field.CURRENCY, ZAR));
            publishAndWait(pipeline, (e, a) -> e.type(CommandType.PURCHASE).text(Field.MERCHANT_ID, "m1")
                .set(Field.CUSTOMER_KEY, customer).set(Field.AMOUNT_MINOR, 2_500).set(Field.CURRENCY, ZAR).set(Field.QUANTITY, 1).text(Field.PRODUCT_ID, "p"));

            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            List<LedgerTotals.CurrencyTotals> read = pipeline.moneyTotals().read();
            while (!read.equals(List.of(new LedgerTotals.CurrencyTotals("ZAR", 7_500, 2_500, 10_000, 0))) && System.nanoTime() < deadline)
            {
                Thread.sleep(1); // the reply is released once applied; the publish follows at the end of the batch
                read = pipeline.moneyTotals().read();
            }
            assertEquals(List.of(new LedgerTotals.CurrencyTotals("ZAR", 7_500, 2_500, 10_000, 0)), read);
        }
    }

    private static long publishAndWait(final LedgerPipeline pipeline, final LedgerPipeline.CommandFiller<Object> filler)
        throws InterruptedException
    {
        final CountDownLatch replied = new CountDownLatch(1);
        final long[] key = new long[1];
        final ReplySink sink = event ->
        {
            assertEquals(ResultCode.OK, event.result());
            key[0] = event.resultKey();
            replied.countDown();
        };
        assertTrue(pipeline.tryPublish((e, a) ->
        {
            filler.fill(e, a);
            e.replyTo(sink, null);
        }, null));
        assertTrue(replied.await(10, TimeUnit.SECONDS));
        return key[0];
    }

    private static Map<String, List<Long>> byCurrency(final List<LedgerTotals.CurrencyTotals> totals)
    {
        final Map<String, List<Long>> map = new TreeMap<>();
        for (final LedgerTotals.CurrencyTotals t : totals)
        {
            map.put(t.currency(), List.of(t.customersMinor(), t.merchantsMinor(), t.paidInMinor(), t.paidOutMinor()));
        }
        return map;
    }

    /** Random pay-ins, purchases, transfers and payouts over a few merchants and currencies; many are refused. */
    private static final class Workload
    {
        private final Random random;
        private final CommandEvent event = new CommandEvent();
        private final List<Long> customers = new ArrayList<>();
        private final List<Integer> owners = new ArrayList<>();
        private long commandId;
        private long timeMs = 1_763_600_000_000L;
        int refused;
        int moved;

        Workload(final Random random)
        {
            this.random = random;
        }

        @Override
        public String toString()
        {
            return "refused=" + refused + " moved=" + moved;
        }

        void apply(final Ledger ledger, final int commands)
        {
            for (int i = 0; i < commands; i++)
            {
                event.clear();
                event.stamp(++commandId, timeMs += random.nextInt(5));
                final int roll = random.nextInt(100);
                if (roll < 10 || customers.isEmpty())
                {
                    final int merchant = random.nextInt(MERCHANTS.length);
                    event.type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, MERCHANTS[merchant])
                        .text(Field.PHONE, "+2782" + random.nextInt(1_000_000)).text(Field.METADATA_JSON, "{}");
                    ledger.apply(event);
                    customers.add(event.resultKey());
                    owners.add(merchant);
                    continue;
                }
                final int pick = random.nextInt(customers.size());
                final int currency = Currencies.pack(CURRENCIES[random.nextInt(CURRENCIES.length)]);
                event.text(Field.MERCHANT_ID, MERCHANTS[owners.get(pick)]).set(Field.CUSTOMER_KEY, customers.get(pick)).set(Field.CURRENCY, currency);
                if (roll < 45)
                {
                    event.type(CommandType.PAY_IN).set(Field.AMOUNT_MINOR, 1 + random.nextInt(50_000));
                }
                else if (roll < 75)
                {
                    event.type(CommandType.PURCHASE).set(Field.AMOUNT_MINOR, 1 + random.nextInt(60_000)).set(Field.QUANTITY, 1)
                        .text(Field.PRODUCT_ID, "sku");
                }
                else if (roll < 90)
                {
                    event.type(CommandType.TRANSFER).set(Field.TO_CUSTOMER_KEY, customers.get(random.nextInt(customers.size())))
                        .set(Field.AMOUNT_MINOR, 1 + random.nextInt(40_000));
                }
                else
                {
                    event.type(CommandType.PAYOUT).set(Field.CUSTOMER_KEY, -1).set(Field.AMOUNT_MINOR, 1 + random.nextInt(80_000))
                        .text(Field.METADATA_JSON, "{}");
                }
                ledger.apply(event);
                if (event.result() == ResultCode.OK)
                {
                    moved++;
                }
                else
                {
                    refused++;
                }
            }
        }
    }

    private static final class NoJournal implements JournalWriter
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
}
