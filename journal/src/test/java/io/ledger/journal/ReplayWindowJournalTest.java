package io.ledger.journal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.BatchItems;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.Ledger;
import io.ledger.engine.LedgerSnapshot;
import io.ledger.engine.ReplayWindow;
import io.ledger.engine.ResultCode;
import io.ledger.journal.snapshot.LedgerRecovery;
import io.ledger.journal.snapshot.SnapshotStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.ledger.journal.JournalFixtures.ZAR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up replay decodes records a {@link ReplayWindow} ahead of the ledger and reads their customers before applying
 * them: it must rebuild exactly what a record-by-record replay rebuilds, from the journal on disk. A seeded journal of
 * customers, pay-ins, purchases (some held until a deadline that later commands pass), transfers, refunds, releases,
 * gift balances that expire, payouts, batches (linked and not) and ticks, refusals among them, is replayed record by
 * record, through windows of several sizes (the outcome of every command compared), and recovered by
 * {@link LedgerRecovery} with and without the window, in full and from a snapshot plus the tail.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplayWindowJournalTest
{
    private static final int COMMANDS = 25_000;
    private static final int USD = Currencies.pack("USD");
    private static final String[] MERCHANTS = {"mer_one", "mer_two", "mer_θρία"};

    @Test
    void shouldRecoverTheSameLedgerThroughTheWindowAsRecordByRecord(@TempDir final Path dir) throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final SnapshotStore store = SnapshotStore.open(dir.resolve(SnapshotStore.DIRECTORY_NAME));
        final Mix mix = new Mix(0x0DD5_EED5L);
        final Ledger original = new Ledger(ZAR);
        final List<String> originalOutcomes = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.PROCESS))
        {
            for (int i = 0; i < COMMANDS; i++)
            {
                final CommandEvent event = mix.next(original.nextDeadlineMs());
                journal.append(event);
                original.apply(event);
                mix.applied(event);
                originalOutcomes.add(outcome(event));
                if (i == COMMANDS / 2)
                {
                    final SnapshotStore.Pending pending = store.begin(original.lastCommandId());
                    LedgerSnapshot.write(original, pending.output());
                    pending.finishPayload();
                    journal.endOfBatch();
                    final long index = journal.indexOfCommand(original.lastCommandId(), 1_000);
                    pending.commit(index, journal.commandAt(index).crc32c(), original.stateHash(), 0);
                }
            }
            journal.endOfBatch();
        }
        original.checkConservation();
        final String all = String.join("\n", originalOutcomes);
        for (final String seen : new String[] {"CREATE_CUSTOMER OK", "PAY_IN OK", "PURCHASE OK", "TRANSFER OK", "REFUND_PURCHASE OK",
            "RELEASE_PURCHASE OK", "CREATE_GIFT_BALANCE OK", "PAYOUT OK", "BATCH OK", "TICK OK", "INSUFFICIENT_FUNDS", "CUSTOMER_NOT_FOUND"})
        {
            assertTrue(all.contains(seen), "the journal holds " + seen);
        }
        assertTrue(mix.heldPurchases > 0 && mix.expiringGifts > 0, "deadlines were set");
        assertTrue(original.pendingDeadlines() < mix.heldPurchases + mix.expiringGifts, "and some passed: pending " +
            original.pendingDeadlines());

        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(journalDir))
        {
            final Ledger plain = new Ledger(ZAR);
            final List<String> plainOutcomes = new ArrayList<>();
            journal.replay(event ->
            {
                plain.apply(event);
                plainOutcomes.add(outcome(event));
            });
            assertEquals(originalOutcomes, plainOutcomes, "a record-by-record replay computes what the ledger computed");
            assertEquals(original.stateHash(), plain.stateHash());
            final byte[] plainBytes = bytes(plain);

            for (final int size : new int[] {2, 7, ReplayWindow.COMMANDS_DEFAULT, 100})
            {
                final Ledger windowed = new Ledger(ZAR);
                final List<String> outcomes = new ArrayList<>();
                final ReplayWindow window = new ReplayWindow(windowed, size, event -> outcomes.add(outcome(event)));
                final ChronicleJournal.ReplayResult result = journal.replay(LedgerRecovery.visitor(window));
                window.flush();
                assertEquals(COMMANDS, result.records());
                assertEquals(originalOutcomes, outcomes, "window=" + size + ": every command's outcome, in order");
                assertEquals(original.stateHash(), windowed.stateHash(), "window=" + size);
                assertArrayEquals(plainBytes, bytes(windowed), "window=" + size + ": the same snapshot bytes");
            }

            for (final int size : new int[] {1, ReplayWindow.COMMANDS_DEFAULT})
            {
                for (final boolean readerThread : new boolean[] {false, true})
                {
                    final String how = "window=" + size + " readerThread=" + readerThread;
                    final long[] progress = {0};
                    final LedgerRecovery.Result full = LedgerRecovery.recover(journal, null, null, ZAR, count ->
                    {
                        assertEquals(progress[0] + 1, count, "progress counts every command once, in order");
                        progress[0] = count;
                    }, size, readerThread);
                    assertEquals(COMMANDS, full.replayedRecords());
                    assertEquals(COMMANDS, progress[0]);
                    assertEquals(original.stateHash(), full.ledger().stateHash(), "full recovery, " + how);
                    assertArrayEquals(plainBytes, bytes(full.ledger()), "full recovery, " + how);
                    full.ledger().checkConservation();

                    final LedgerRecovery.Result fromSnapshot = LedgerRecovery.recover(journal, store, null, ZAR, null, size, readerThread);
                    assertTrue(fromSnapshot.snapshot() != null, "recovered from the snapshot");
                    assertEquals(COMMANDS - COMMANDS / 2 - 1, fromSnapshot.replayedRecords());
                    assertEquals(original.stateHash(), fromSnapshot.ledger().stateHash(), "snapshot + tail, " + how);
                    fromSnapshot.ledger().checkConservation();
                }
            }
        }
    }

    private static String outcome(final CommandEvent event)
    {
        final StringBuilder text = new StringBuilder().append(event.commandId()).append(' ').append(event.type()).append(' ')
            .append(event.result()).append(" key=").append(event.resultKey()).append(" before=").append(event.balanceBeforeMinor())
            .append(" after=").append(event.balanceAfterMinor()).append(" t=").append(event.resultTimestampMs());
        if (event.type() == CommandType.BATCH)
        {
            for (int i = 0; i < event.batch().count(); i++)
            {
                final CommandEvent item = event.batch().item(i);
                text.append(" [").append(item.type()).append(' ').append(item.result()).append(" after=").append(item.balanceAfterMinor())
                    .append(']');
            }
        }
        return text.toString();
    }

    private static byte[] bytes(final Ledger ledger) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            LedgerSnapshot.write(ledger, out);
        }
        return bytes.toByteArray();
    }

    /** A seeded mix of journaled commands that learns the customers and purchases the ledger made. */
    private static final class Mix
    {
        private final Random random;
        private final CommandEvent event = new CommandEvent();
        private final BatchItems items = new BatchItems();
        private final List<long[]> customers = new ArrayList<>(); // key, merchant index
        private final List<long[]> purchases = new ArrayList<>(); // key, merchant index, held (1) or not
        private long commandId;
        private long timeMs = 1_765_000_000_000L;
        int heldPurchases;
        int expiringGifts;

        Mix(final long seed)
        {
            random = new Random(seed);
        }

        /**
         * @param nextDeadlineMs the ledger's next deadline: a batch is not made when its time would pass one (then a TICK
         *                       is, which passes it). A batch that passes a deadline trips {@code EntryLog}'s order assert
         *                       today: the deadline's entries take the batch's id, its items' entries the ids below it.
         */
        CommandEvent next(final long nextDeadlineMs)
        {
            event.clear();
            timeMs += random.nextInt(300) == 0 ? 2 * 3_600_000L : random.nextInt(40);
            final int roll = customers.size() < 20 ? 0 : random.nextInt(100);
            if (roll < 10)
            {
                createCustomer();
            }
            else if (roll < 35)
            {
                money(CommandType.PAY_IN, 1 + random.nextInt(60_000));
            }
            else if (roll < 60)
            {
                purchase();
            }
            else if (roll < 70)
            {
                transfer();
            }
            else if (roll < 76)
            {
                onPurchase(CommandType.REFUND_PURCHASE, false);
                if (random.nextBoolean())
                {
                    event.set(Field.AMOUNT_MINOR, 1 + random.nextInt(3_000));
                }
            }
            else if (roll < 80)
            {
                onPurchase(random.nextBoolean() ? CommandType.RELEASE_PURCHASE : CommandType.CANCEL_PURCHASE, true);
            }
            else if (roll < 85)
            {
                money(CommandType.CREATE_GIFT_BALANCE, 1 + random.nextInt(2_000));
                event.set(Field.EXPIRES_AT_MS, timeMs + 1 + random.nextInt(4 * 3_600_000));
                expiringGifts++;
            }
            else if (roll < 88)
            {
                final int merchant = random.nextInt(MERCHANTS.length);
                event.type(CommandType.PAYOUT).text(Field.MERCHANT_ID, MERCHANTS[merchant]).set(Field.AMOUNT_MINOR, 1 + random.nextInt(20_000))
                    .set(Field.CURRENCY, ZAR).text(Field.METADATA_JSON, "{}").text(Field.BANK_ACCOUNT, "ACC-" + merchant);
            }
            else if (roll < 96 && nextDeadlineMs > timeMs)
            {
                batch();
                return event;
            }
            else
            {
                event.type(CommandType.TICK);
            }
            event.stamp(++commandId, timeMs);
            return event;
        }

        /** Learns what {@link #next}'s command made, once the ledger applied it. */
        void applied(final CommandEvent applied)
        {
            if (applied.result() != ResultCode.OK)
            {
                return;
            }
            if (applied.type() == CommandType.CREATE_CUSTOMER)
            {
                customers.add(new long[] {applied.resultKey(), merchantIndex(applied.textString(Field.MERCHANT_ID))});
            }
            else if (applied.type() == CommandType.PURCHASE)
            {
                final boolean held = applied.has(Field.RELEASE_AT_MS);
                purchases.add(new long[] {applied.resultKey(), merchantIndex(applied.textString(Field.MERCHANT_ID)), held ? 1 : 0});
                heldPurchases += held ? 1 : 0;
            }
        }

        private void createCustomer()
        {
            event.type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, MERCHANTS[random.nextInt(MERCHANTS.length)])
                .text(Field.PHONE, "+2782" + (1_000_000 + random.nextInt(9_000_000))).text(Field.METADATA_JSON, "{}");
            if (random.nextInt(3) == 0)
            {
                event.text(Field.EMAIL, "buyer" + random.nextInt(500) + "@example.com"); // sometimes taken: refused
            }
        }

        /** A pay-in or gift balance for a customer: now and then an unknown one, or in USD. */
        private void money(final CommandType type, final long amountMinor)
        {
            final long[] customer = customers.get(random.nextInt(customers.size()));
            event.type(type).text(Field.MERCHANT_ID, MERCHANTS[(int)customer[1]])
                .set(Field.CUSTOMER_KEY, random.nextInt(40) == 0 ? 987_654_321L : customer[0]).set(Field.AMOUNT_MINOR, amountMinor)
                .set(Field.CURRENCY, random.nextInt(12) == 0 ? USD : ZAR);
        }

        private void purchase()
        {
            final long[] customer = customers.get(random.nextInt(customers.size()));
            event.type(CommandType.PURCHASE).text(Field.MERCHANT_ID, MERCHANTS[(int)customer[1]]).set(Field.CUSTOMER_KEY, customer[0])
                .set(Field.AMOUNT_MINOR, 1 + random.nextInt(40_000)).set(Field.CURRENCY, random.nextInt(12) == 0 ? USD : ZAR)
                .set(Field.QUANTITY, 1).text(Field.PRODUCT_ID, "sku-" + random.nextInt(30));
            final int feature = random.nextInt(6);
            if (feature == 0)
            {
                event.set(Field.RELEASE_AT_MS, timeMs + 1 + random.nextInt(3 * 3_600_000)); // held until then: a deadline
            }
            else if (feature == 1)
            {
                event.set(Field.USE_GIFT_BALANCE, true);
            }
        }

        private void transfer()
        {
            final long[] from = customers.get(random.nextInt(customers.size()));
            final long[] to = customers.get(random.nextInt(customers.size())); // another merchant's now and then: refused
            event.type(CommandType.TRANSFER).text(Field.MERCHANT_ID, MERCHANTS[(int)from[1]]).set(Field.CUSTOMER_KEY, from[0])
                .set(Field.TO_CUSTOMER_KEY, to[0]).set(Field.AMOUNT_MINOR, 1 + random.nextInt(30_000)).set(Field.CURRENCY, ZAR);
        }

        private void onPurchase(final CommandType type, final boolean held)
        {
            long[] purchase = purchases.isEmpty() ? new long[] {987_654_321L, 0, 0} : purchases.get(random.nextInt(purchases.size()));
            for (int i = purchases.size() - 1; held && i >= 0 && i >= purchases.size() - 50; i--)
            {
                if (purchases.get(i)[2] == 1 && random.nextInt(3) == 0)
                {
                    purchase = purchases.get(i);
                    break;
                }
            }
            event.type(type).text(Field.MERCHANT_ID, MERCHANTS[(int)purchase[1]]).set(Field.PURCHASE_KEY, purchase[0]);
        }

        /** A batch of 2 to 6 pay-ins, purchases and transfers of one merchant's customers, sometimes linked; its items' ids come first. */
        private void batch()
        {
            final long[] first = customers.get(random.nextInt(customers.size()));
            final String merchant = MERCHANTS[(int)first[1]];
            items.clear();
            final int count = 2 + random.nextInt(5);
            final boolean linked = random.nextInt(3) == 0;
            for (int i = 0; i < count; i++)
            {
                final long[] customer = pickOf((int)first[1]);
                final int kind = random.nextInt(3);
                final CommandEvent item = items.add(kind == 0 ? CommandType.PAY_IN : kind == 1 ? CommandType.PURCHASE : CommandType.TRANSFER,
                    linked && i + 1 < count);
                item.text(Field.MERCHANT_ID, merchant).set(Field.CUSTOMER_KEY, customer[0]).set(Field.CURRENCY, ZAR)
                    .set(Field.AMOUNT_MINOR, 1 + random.nextInt(kind == 0 ? 50_000 : 30_000));
                if (kind == 1)
                {
                    item.set(Field.QUANTITY, 1).text(Field.PRODUCT_ID, "sku-b");
                }
                else if (kind == 2)
                {
                    item.set(Field.TO_CUSTOMER_KEY, pickOf((int)first[1])[0]);
                }
            }
            event.type(CommandType.BATCH).text(Field.MERCHANT_ID, merchant).batch(items);
            commandId += count;
            event.stamp(++commandId, timeMs);
        }

        /** @return a customer of merchant {@code merchant}, found by trying a few at random (any customer when none turns up). */
        private long[] pickOf(final int merchant)
        {
            long[] customer = customers.get(random.nextInt(customers.size()));
            for (int tries = 0; tries < 8 && customer[1] != merchant; tries++)
            {
                customer = customers.get(random.nextInt(customers.size()));
            }
            return customer;
        }

        private static int merchantIndex(final String merchant)
        {
            for (int i = 0; i < MERCHANTS.length; i++)
            {
                if (MERCHANTS[i].equals(merchant))
                {
                    return i;
                }
            }
            throw new AssertionError(merchant);
        }
    }
}
