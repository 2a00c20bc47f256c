package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.command.CommandTable;
import io.ledger.engine.internal.CommandHandler;
import io.ledger.engine.internal.LedgerState;
import io.ledger.engine.internal.SectionOutput;
import io.ledger.engine.internal.SnapshotPart;
import io.ledger.engine.internal.SnapshotTags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A snapshot restores exactly the state replay would rebuild: equal state hashes, and equal futures. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LedgerSnapshotTest
{
    private static final int ZAR = Currencies.pack("ZAR");
    private static final int USD = Currencies.pack("USD");
    private static final String[] MERCHANTS = {"mer_a", "mer_b", "mer_γάμμα"};

    @Test
    void shouldKeepEveryPieceOfStateInAPartThatSnapshotsWrite() throws IllegalAccessException
    {
        final Ledger ledger = new Ledger(ZAR);
        final LedgerState state = ledger.state();
        final Set<Object> parts = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        parts.addAll(state.parts());
        for (final java.lang.reflect.Field field : LedgerState.class.getDeclaredFields())
        {
            if (!Modifier.isStatic(field.getModifiers()) && !field.getName().equals("parts"))
            {
                field.setAccessible(true);
                assertTrue(parts.contains(field.get(state)), "LedgerState." + field.getName() + " must be a SnapshotPart listed in "
                    + "LedgerState.parts(), so that snapshots write it (see LedgerSnapshot's class comment)");
            }
        }
        for (final java.lang.reflect.Field field : Ledger.class.getDeclaredFields())
        {
            if (!Modifier.isStatic(field.getModifiers()))
            {
                field.setAccessible(true);
                final Object value = field.get(ledger);
                assertTrue(value == state || parts.contains(value) || value instanceof CommandTable || value instanceof CommandHandler,
                    "Ledger." + field.getName() + " holds state outside LedgerState: snapshots would lose it");
            }
        }
        for (final SnapshotPart part : state.parts())
        {
            for (final int tag : part.sectionTags())
            {
                assertTrue(tag > 0 && tag <= SnapshotTags.MAX && tag != SnapshotTags.SIZES, part + " tag=" + tag);
            }
        }
    }

    @Test
    void shouldRestoreAnEmptyLedger() throws IOException
    {
        final Ledger empty = new Ledger(ZAR);
        final Ledger restored = roundTrip(empty);
        assertEquals(empty.stateHash(), restored.stateHash());
        assertEquals(-1, restored.lastCommandId());
        assertEquals(0, restored.customerCount());
    }

    @Test
    void shouldRestoreTheSameStateAndGiveTheSameOutcomesAfterwards() throws IOException
    {
        final Stream stream = new Stream(0xC0FFEEL);
        final Ledger original = new Ledger(ZAR);
        stream.apply(original, 30_000); // > 64 KiB in several sections: blocks are crossed
        original.checkConservation();

        final Ledger restored = roundTrip(original);

        assertEquals(original.stateHash(), restored.stateHash());
        assertEquals(original.lastCommandId(), restored.lastCommandId());
        assertEquals(original.commandsApplied(), restored.commandsApplied());
        assertEquals(original.customerCount(), restored.customerCount());
        assertEquals(original.merchantCount(), restored.merchantCount());
        restored.checkConservation();

        // The same commands from here must give the same outcomes on both, the email index included
        final Stream a = stream.continueWith(42);
        final Stream b = stream.continueWith(42);
        final String[] onOriginal = a.apply(original, 10_000);
        final String[] onRestored = b.apply(restored, 10_000);
        assertArrayEquals(onOriginal, onRestored, "every outcome, replayed idempotent ones included, is the same");
        final String all = String.join("\n", onRestored);
        for (final String expected : new String[] {"DUPLICATE_EMAIL", "replayed", "IDEMPOTENCY_KEY_REUSED", "TRANSFER OK", "PAYOUT OK",
            "SAVE_PAYMENT_METHOD OK", "DELETE_PAYMENT_METHOD OK", "UPDATE_CUSTOMER OK", "INSUFFICIENT_MERCHANT_FUNDS",
            "REFUND_PURCHASE OK", "RELEASE_PURCHASE OK", "CANCEL_PURCHASE OK", "CREATE_GIFT_BALANCE OK", "PURCHASE_NOT_HELD",
            "REFUND_WINDOW_CLOSED", "EXTERNAL_REFERENCE_USED", "status=HELD", "giftUses=[GiftUse", "TICK OK", "LIST_PURCHASES OK"})
        {
            assertTrue(all.contains(expected), "the stream must reach " + expected);
        }
        assertEquals(original.stateHash(), restored.stateHash());
    }

    /**
     * The history's memory may come from anywhere (a filler thread, recycled chunks): what a chunk held before the ledger
     * wrote it must never show. One ledger allocates its own zeroed chunks, one takes chunks full of junk, one takes them
     * from a {@link HistoryMemory} that a thread fills while the ledger runs; tiny chunk queues make every ledger grow
     * through many chunks of each kind.
     */
    @Test
    void shouldComputeTheSameOutcomesAndStateWhateverMemoryTheHistoryGrowsInto() throws Exception
    {
        final Ledger own = new Ledger(ZAR);
        final Ledger junk = new Ledger(ZAR);
        junk.historyMemory(bytes ->
        {
            final org.agrona.concurrent.UnsafeBuffer chunk = io.ledger.engine.internal.ChunkSupply.allocate(bytes);
            chunk.setMemory(0, bytes, (byte)0xA5);
            return chunk;
        });
        final Ledger filled = new Ledger(ZAR);
        final HistoryMemory memory = new HistoryMemory(2);
        filled.historyMemory(memory);
        final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        final Thread filler = new Thread(() ->
        {
            while (!stop.get())
            {
                memory.fill();
                Thread.onSpinWait();
            }
        }, "test-history-memory");
        filler.start();
        final String[] onOwn;
        final String[] onFilled;
        try
        {
            onOwn = new Stream(0xBEEFL).apply(own, 30_000);
            onFilled = new Stream(0xBEEFL).apply(filled, 30_000);
        }
        finally
        {
            stop.set(true);
            filler.join();
        }
        final String[] onJunk = new Stream(0xBEEFL).apply(junk, 30_000);

        assertArrayEquals(onOwn, onJunk, "every outcome, lists of purchases and histories included");
        assertArrayEquals(onOwn, onFilled);
        assertTrue(String.join("\n", onOwn).contains("LIST_PURCHASES OK"), "the merchants' purchase chains were read");
        assertEquals(own.stateHash(), junk.stateHash());
        assertEquals(own.stateHash(), filled.stateHash());
        assertArrayEquals(bytes(own), bytes(junk), "a snapshot writes only what the ledger wrote");
        assertArrayEquals(bytes(own), bytes(filled));
        assertTrue(memory.chunksAllocatedAhead() > 2, "the filler made chunks while the ledger grew");
        assertEquals(own.stateHash(), roundTrip(junk).stateHash());
    }

    /**
     * A start-up loads a snapshot into a history grown from memory that another thread allocates ahead, not one
     * allocated whole up front: the ledger read must be the same (state, snapshot bytes, what it computes next), and it
     * keeps growing into that memory afterwards.
     */
    @Test
    void shouldReadTheSameLedgerWhenItsHistoryGrowsFromMemoryFilledAhead() throws Exception
    {
        final Ledger written = new Ledger(ZAR);
        final Stream stream = new Stream(0xF00DL);
        stream.apply(written, 20_000);
        final byte[] payload = bytes(written);

        final Ledger upFront = read(payload);
        final HistoryMemory memory = new HistoryMemory(2);
        final Ledger grown;
        try (HistoryMemory.Filler filler = HistoryMemory.startFiller(memory, "test-load-memory", 10_000))
        {
            grown = LedgerSnapshot.read(new DataInputStream(new ByteArrayInputStream(payload)), ZAR, memory);
        }
        assertEquals(written.stateHash(), upFront.stateHash());
        assertEquals(written.stateHash(), grown.stateHash());
        assertArrayEquals(bytes(upFront), bytes(grown), "the same state, written the same");
        // the filler's first round made 2 chunks of each kind; any more (or any made on the spot) means chunks were taken
        assertTrue(memory.chunksAllocatedAhead() + memory.chunksAllocatedOnLedgerThread() > 4,
            "the history grew from the memory it was given");

        assertArrayEquals(stream.continueWith(0xD00DL).apply(upFront, 5_000), stream.continueWith(0xD00DL).apply(grown, 5_000),
            "and computes the same outcomes after");
        assertEquals(upFront.stateHash(), grown.stateHash());
    }

    @Test
    void shouldWriteTheSameBytesForTheSameHistoryAndSurviveTwoRoundTrips() throws IOException
    {
        final Ledger a = new Ledger(ZAR);
        final Ledger b = new Ledger(ZAR);
        new Stream(7).apply(a, 2_000);
        new Stream(7).apply(b, 2_000);
        assertArrayEquals(bytes(a), bytes(b));
        // A restored ledger's hash maps may lay out their slots differently, so its bytes may differ; its state not.
        assertEquals(a.stateHash(), roundTrip(roundTrip(a)).stateHash());
    }

    @Test
    void shouldRefuseATruncatedPayloadAnywhere() throws IOException
    {
        final Ledger original = new Ledger(ZAR);
        new Stream(11).apply(original, 3_000);
        final byte[] payload = bytes(original);
        for (final int cut : new int[] {0, 3, 4, 9, payload.length / 3, payload.length / 2, payload.length - 5, payload.length - 1})
        {
            final byte[] truncated = Arrays.copyOf(payload, cut);
            final IOException ex = assertThrows(IOException.class, () -> read(truncated), "cut=" + cut);
            assertTrue(ex instanceof SnapshotFormatException || ex instanceof EOFException, "cut=" + cut + ": " + ex);
        }
    }

    @Test
    void shouldRefuseAnUnknownSectionAMissingOneAndAnotherVersion() throws IOException
    {
        final byte[] payload = bytes(new Ledger(ZAR));
        // The payload of an empty ledger: version (4), SIZES (tag 4, block length 4, two i32, end 4), then COUNTERS
        final int second = 4 + 4 + 4 + 8 + 4;
        assertEquals(SnapshotTags.COUNTERS, ByteBuffer.wrap(payload).getInt(second));
        final byte[] unknown = payload.clone();
        ByteBuffer.wrap(unknown).putInt(second, 99);
        assertTrue(assertThrows(SnapshotFormatException.class, () -> read(unknown)).getMessage().contains("tag=99 is unknown"));

        final byte[] duplicate = payload.clone();
        ByteBuffer.wrap(duplicate).putInt(second, SnapshotTags.MERCHANTS);
        assertThrows(SnapshotFormatException.class, () -> read(duplicate));

        final byte[] sizesNotFirst = payload.clone();
        ByteBuffer.wrap(sizesNotFirst).putInt(4, SnapshotTags.COUNTERS);
        assertTrue(assertThrows(SnapshotFormatException.class, () -> read(sizesNotFirst)).getMessage().contains("not SIZES"));

        final byte[] otherVersion = payload.clone();
        ByteBuffer.wrap(otherVersion).putInt(0, LedgerSnapshot.FORMAT_VERSION + 1);
        assertTrue(assertThrows(SnapshotFormatException.class, () -> read(otherVersion)).getMessage().contains("formatVersion"));

        // SIZES, then END: every other section missing
        final byte[] sizesOnly = ByteBuffer.allocate(28).putInt(LedgerSnapshot.FORMAT_VERSION).putInt(SnapshotTags.SIZES)
            .putInt(8).putInt(0).putInt(0).putInt(0).putInt(SectionOutput.END_TAG).array();
        assertTrue(assertThrows(SnapshotFormatException.class, () -> read(sizesOnly)).getMessage().contains("missing"));
    }

    @Test
    void shouldRefuseABlockLengthOutOfRangeInsteadOfAllocatingIt() throws IOException
    {
        final byte[] payload = bytes(new Ledger(ZAR));
        final byte[] damaged = payload.clone();
        ByteBuffer.wrap(damaged).putInt(8, Integer.MAX_VALUE); // the first block length of COUNTERS
        assertTrue(assertThrows(SnapshotFormatException.class, () -> read(damaged)).getMessage().contains("block length"));
    }

    @Test
    void shouldTotalMoneyPerCurrency()
    {
        final Ledger ledger = new Ledger(ZAR);
        new Stream(3).apply(ledger, 5_000);
        final Set<String> currencies = new TreeSet<>();
        for (final LedgerTotals.CurrencyTotals totals : LedgerTotals.of(ledger))
        {
            currencies.add(totals.currency());
            assertEquals(totals.paidInMinor() - totals.paidOutMinor(), totals.insideMinor(), totals.toString());
            assertTrue(totals.merchantsMinor() > 0 && totals.paidOutMinor() > 0, totals.toString());
        }
        assertEquals(Set.of("USD", "ZAR"), currencies);
    }

    // ---- helpers

    private static byte[] bytes(final Ledger ledger) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            LedgerSnapshot.write(ledger, out);
        }
        return bytes.toByteArray();
    }

    private static Ledger read(final byte[] payload) throws IOException
    {
        return LedgerSnapshot.read(new DataInputStream(new ByteArrayInputStream(payload)), ZAR);
    }

    private static Ledger roundTrip(final Ledger ledger) throws IOException
    {
        final Ledger restored = read(bytes(ledger));
        assertNotEquals(null, restored);
        return restored;
    }

    /**
     * A seeded stream of every journaled command type, refusals, idempotency keys (retries that replay, reuses that are
     * refused, keys that expire after a day of ledger time) included. Also {@code ReplayWindowTest}'s journal.
     */
    static final class Stream
    {
        /** Shown each command just before it is applied, or null. */
        private java.util.function.Consumer<CommandEvent> beforeApply;
        private final Random random;
        private final long[] customers;
        private final int[] owners;
        private int count;
        private long commandId;
        private long timeMs = 1_763_600_000_000L;
        private final CommandEvent event = new CommandEvent();
        private final CommandEvent lastKeyed = new CommandEvent();
        private final List<Long> methods;
        private final List<Long> purchases;
        private int keyed;

        Stream(final long seed)
        {
            this(new Random(seed), new long[100_000], new int[100_000], 0, 0, new ArrayList<>(), new ArrayList<>());
        }

        private Stream(
            final Random random, final long[] customers, final int[] owners, final int count, final long commandId, final List<Long> methods,
            final List<Long> purchases)
        {
            this.random = random;
            this.customers = customers;
            this.owners = owners;
            this.count = count;
            this.commandId = commandId;
            this.methods = methods;
            this.purchases = purchases;
        }

        /** @return a stream that goes on from here with its own seed: two calls with one seed give equal streams. */
        Stream continueWith(final long seed)
        {
            final Stream copy = new Stream(new Random(seed), customers.clone(), owners.clone(), count, commandId, new ArrayList<>(methods),
                new ArrayList<>(purchases));
            copy.timeMs = timeMs;
            copy(lastKeyed, copy.lastKeyed);
            copy.keyed = keyed;
            return copy;
        }

        /** Shows {@code beforeApply} each command just before it is applied (to journal it, say); returns this. */
        Stream beforeApply(final java.util.function.Consumer<CommandEvent> beforeApply)
        {
            this.beforeApply = beforeApply;
            return this;
        }

        /** Applies {@code commands} commands; returns each outcome as text (result, replayed, result key, balance). */
        String[] apply(final Ledger ledger, final int commands)
        {
            final String[] results = new String[commands];
            for (int i = 0; i < commands; i++)
            {
                commandId += 1 + (random.nextInt(5) == 0 ? random.nextInt(3) : 0);
                timeMs += random.nextInt(200) == 0 ? 6L * 3_600_000 : random.nextInt(20) - 3; // now and then hours pass
                next();
                if (beforeApply != null)
                {
                    beforeApply.accept(event);
                }
                ledger.apply(event);
                results[i] = event.type() + " " + event.result() + (event.replayed() ? " replayed" : "") + " key=" + event.resultKey() +
                    " after=" + event.balanceAfterMinor() + (event.resultObject() == null ? "" : " " + event.resultObject());
                if (event.type() == CommandType.CREATE_CUSTOMER && event.result() == ResultCode.OK && !event.replayed())
                {
                    customers[count] = event.customer().key();
                    owners[count++] = merchantIndex(event.textString(Field.MERCHANT_ID));
                }
                if (event.resultObject() instanceof PaymentMethodRecord method && !methods.contains(method.key()))
                {
                    methods.add(method.key());
                }
                if (event.type() == CommandType.PURCHASE && event.result() == ResultCode.OK && !event.replayed())
                {
                    purchases.add(event.resultKey());
                    if (event.has(Field.RELEASE_AT_MS))
                    {
                        purchases.add(-event.resultKey()); // negative: held, for releases and cancels to name
                    }
                }
            }
            return results;
        }

        private void next()
        {
            event.clear();
            if (keyed > 0 && random.nextInt(25) == 0)
            {
                copy(lastKeyed, event); // a client's retry: the same request, a new command id and time
                event.stamp(commandId, timeMs);
                return;
            }
            event.stamp(commandId, timeMs);
            final int roll = random.nextInt(100);
            if (count > 0 && random.nextInt(3) == 0)
            {
                nextWalletCommand();
            }
            else if (roll < 10 || count == 0)
            {
                event.type(CommandType.CREATE_CUSTOMER)
                    .text(Field.MERCHANT_ID, MERCHANTS[random.nextInt(MERCHANTS.length)])
                    .text(Field.PHONE, "+2782" + random.nextInt(10_000_000))
                    .text(Field.METADATA_JSON, "{\"n\":" + random.nextInt(9) + "}");
                if (random.nextInt(3) > 0)
                {
                    event.text(Field.EMAIL, "User" + random.nextInt(400) + "@Example.com");
                }
                if (random.nextBoolean())
                {
                    event.text(Field.NAME, "Näme " + random.nextInt(1000));
                }
            }
            else
            {
                final int pick = random.nextInt(count);
                final String merchant = random.nextInt(30) == 0 ? "mer_nobody" : MERCHANTS[owners[pick]];
                final int currency = random.nextInt(10) == 0 ? USD : ZAR;
                event.text(Field.MERCHANT_ID, merchant)
                    .set(Field.CUSTOMER_KEY, random.nextInt(40) == 0 ? 999_999_999L : customers[pick])
                    .set(Field.CURRENCY, currency);
                if (roll < 40)
                {
                    event.type(CommandType.PAY_IN).set(Field.AMOUNT_MINOR, 1 + random.nextInt(50_000));
                    if (random.nextBoolean())
                    {
                        event.text(Field.DESCRIPTION, "deposit " + random.nextInt(1_000_000));
                    }
                }
                else if (roll < 60)
                {
                    event.type(CommandType.PURCHASE).set(Field.AMOUNT_MINOR, 1 + random.nextInt(40_000)).set(Field.QUANTITY, 1)
                        .text(Field.PRODUCT_ID, "sku-" + random.nextInt(500));
                }
                else if (roll < 75)
                {
                    final int other = random.nextInt(count);
                    event.type(CommandType.TRANSFER).set(Field.TO_CUSTOMER_KEY, customers[other]).set(Field.AMOUNT_MINOR, 1 + random.nextInt(30_000))
                        .text(Field.DESCRIPTION, "rent " + random.nextInt(100));
                }
                else if (roll < 80)
                {
                    event.type(CommandType.PAYOUT).set(Field.CUSTOMER_KEY, -1).set(Field.AMOUNT_MINOR, 1 + random.nextInt(20_000))
                        .text(Field.METADATA_JSON, "{}").text(Field.BANK_ACCOUNT, "****" + random.nextInt(10_000));
                }
                else if (roll < 86)
                {
                    event.type(CommandType.UPDATE_CUSTOMER).text(Field.METADATA_JSON, "{\"v\":" + random.nextInt(9) + "}");
                    if (random.nextBoolean())
                    {
                        event.text(Field.EMAIL, "User" + random.nextInt(400) + "@Example.com");
                    }
                }
                else if (roll < 95)
                {
                    event.type(CommandType.SAVE_PAYMENT_METHOD).set(Field.EXPIRY_YEAR, 2027).set(Field.EXPIRY_MONTH, 1 + random.nextInt(12))
                        .text(Field.METHOD_TYPE, random.nextBoolean() ? "card" : "mobile_money")
                        .text(Field.METHOD_PROVIDER, "prov" + random.nextInt(3))
                        .text(Field.METHOD_LAST4, String.format("%04d", random.nextInt(10_000)));
                    if (random.nextBoolean())
                    {
                        event.set(Field.IS_DEFAULT, random.nextBoolean());
                    }
                }
                else
                {
                    event.type(CommandType.DELETE_PAYMENT_METHOD).set(Field.CUSTOMER_KEY, -1)
                        .set(Field.PAYMENT_METHOD_KEY, methods.isEmpty() ? 12345 : methods.get(random.nextInt(methods.size())));
                }
            }
            if (event.type().declares(Field.IDEMPOTENCY_KEY) && random.nextInt(8) == 0)
            {
                event.text(Field.IDEMPOTENCY_KEY, "key-" + random.nextInt(300)); // sometimes reused: refused
                copy(event, lastKeyed);
                keyed++;
            }
        }

        /** Purchases with escrow, gift balances and cashback, refunds, releases, cancels, gift balances, ticks and reads. */
        private void nextWalletCommand()
        {
            final int pick = random.nextInt(count);
            final String merchant = random.nextInt(40) == 0 ? "mer_nobody" : MERCHANTS[owners[pick]];
            final long picked = purchases.isEmpty() || random.nextInt(30) == 0 ? 999_999_999L : purchases.get(random.nextInt(purchases.size()));
            final long purchase = Math.abs(picked);
            event.text(Field.MERCHANT_ID, merchant);
            final int roll = random.nextInt(100);
            if (roll < 35)
            {
                event.type(CommandType.PURCHASE).set(Field.CUSTOMER_KEY, customers[pick]).set(Field.AMOUNT_MINOR, 1 + random.nextInt(20_000))
                    .set(Field.CURRENCY, random.nextInt(10) == 0 ? USD : ZAR).set(Field.QUANTITY, 1).text(Field.PRODUCT_ID, "sku-" + random.nextInt(50));
                final int features = random.nextInt(6);
                if (features == 0 || features == 1)
                {
                    final long releaseAt = timeMs + random.nextInt(3 * 3_600_000) - (random.nextInt(20) == 0 ? 3_600_000 : 0);
                    event.set(Field.RELEASE_AT_MS, releaseAt);
                    if (random.nextBoolean())
                    {
                        event.set(Field.REFUNDABLE_UNTIL_MS, Math.min(releaseAt, timeMs + random.nextInt(random.nextBoolean() ? 500 : 3_600_000)));
                    }
                }
                else if (features == 2 || features == 3)
                {
                    event.set(Field.USE_GIFT_BALANCE, true);
                }
                if (random.nextInt(3) == 0)
                {
                    if (random.nextBoolean())
                    {
                        event.set(Field.CASHBACK_MINOR, 1 + random.nextInt(2_000));
                    }
                    else
                    {
                        event.set(Field.CASHBACK_BASIS_POINTS, 1 + random.nextInt(2_000));
                    }
                }
                if (random.nextInt(4) == 0)
                {
                    event.text(Field.EXTERNAL_REFERENCE, "ref-" + random.nextInt(40));
                }
                if (random.nextInt(4) == 0)
                {
                    event.text(Field.DESCRIPTION, "note " + random.nextInt(100));
                }
            }
            else if (roll < 50)
            {
                event.type(CommandType.REFUND_PURCHASE).set(Field.PURCHASE_KEY, purchase);
                if (random.nextBoolean())
                {
                    event.set(Field.AMOUNT_MINOR, 1 + random.nextInt(5_000));
                }
            }
            else if (roll < 58)
            {
                event.type(CommandType.RELEASE_PURCHASE).set(Field.PURCHASE_KEY, held(purchase));
            }
            else if (roll < 66)
            {
                event.type(CommandType.CANCEL_PURCHASE).set(Field.PURCHASE_KEY, held(purchase));
            }
            else if (roll < 80)
            {
                event.type(CommandType.CREATE_GIFT_BALANCE).set(Field.CUSTOMER_KEY, customers[pick]).set(Field.AMOUNT_MINOR, 1 + random.nextInt(3_000))
                    .set(Field.CURRENCY, random.nextInt(10) == 0 ? USD : ZAR);
                if (random.nextBoolean())
                {
                    event.set(Field.EXPIRES_AT_MS, timeMs + random.nextInt(6 * 3_600_000));
                }
            }
            else if (roll < 85)
            {
                event.clearFields();
                event.type(CommandType.TICK);
            }
            else if (roll < 90)
            {
                event.type(CommandType.LIST_PURCHASES).page(1 + random.nextInt(20), random.nextInt(5));
                if (random.nextBoolean())
                {
                    event.set(Field.CUSTOMER_KEY, customers[pick]);
                }
                if (random.nextBoolean())
                {
                    event.set(Field.PURCHASE_STATUS, random.nextInt(PurchaseStatus.values().length));
                }
            }
            else if (roll < 95)
            {
                event.type(CommandType.GET_PURCHASE).set(Field.PURCHASE_KEY, purchase);
            }
            else
            {
                event.type(CommandType.LIST_GIFT_BALANCES).set(Field.CUSTOMER_KEY, customers[pick]).page(10, 0);
            }
        }

        /** @return mostly one of the last purchases made held (negative entries of the list), else {@code otherwise}. */
        private long held(final long otherwise)
        {
            int skip = random.nextInt(4);
            for (int i = purchases.size() - 1; i >= 0 && random.nextInt(10) > 0; i--)
            {
                if (purchases.get(i) < 0 && skip-- == 0)
                {
                    return -purchases.get(i);
                }
            }
            return otherwise;
        }

        private static void copy(final CommandEvent from, final CommandEvent to)
        {
            to.clear();
            to.copyFrom(from);
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
