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
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.internal.SectionOutput;
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
    void shouldCoverEveryFieldTheLedgerDeclares()
    {
        final Set<String> declared = new TreeSet<>();
        for (final Field field : Ledger.class.getDeclaredFields())
        {
            if (!Modifier.isStatic(field.getModifiers()))
            {
                declared.add(field.getName());
            }
        }
        assertEquals(new TreeSet<>(LedgerSnapshot.COVERED_LEDGER_FIELDS), declared,
            "every Ledger field must be written by LedgerSnapshot: add a section for the new state (see its class comment) "
                + "and list the field in LedgerSnapshot.COVERED_LEDGER_FIELDS");
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
        final ResultCode[] onOriginal = a.apply(original, 10_000);
        final ResultCode[] onRestored = b.apply(restored, 10_000);
        assertArrayEquals(onOriginal, onRestored);
        assertTrue(Arrays.asList(onRestored).contains(ResultCode.DUPLICATE_EMAIL), "the stream must hit the email index");
        assertEquals(original.stateHash(), restored.stateHash());
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
        // The payload of an empty ledger: version, then COUNTERS first. Rename that section's tag.
        final byte[] unknown = payload.clone();
        ByteBuffer.wrap(unknown).putInt(4, 99);
        assertTrue(assertThrows(SnapshotFormatException.class, () -> read(unknown)).getMessage().contains("tag=99 is unknown"));

        final byte[] duplicate = payload.clone();
        ByteBuffer.wrap(duplicate).putInt(4, LedgerSnapshot.SECTION_MERCHANTS);
        assertThrows(SnapshotFormatException.class, () -> read(duplicate));

        final byte[] otherVersion = payload.clone();
        ByteBuffer.wrap(otherVersion).putInt(0, LedgerSnapshot.FORMAT_VERSION + 1);
        assertTrue(assertThrows(SnapshotFormatException.class, () -> read(otherVersion)).getMessage().contains("formatVersion"));

        // END right after the version: every section missing
        final byte[] endOnly = ByteBuffer.allocate(8).putInt(LedgerSnapshot.FORMAT_VERSION).putInt(SectionOutput.END_TAG).array();
        assertTrue(assertThrows(SnapshotFormatException.class, () -> read(endOnly)).getMessage().contains("missing"));
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
            assertEquals(totals.paidInMinor(), totals.customersMinor() + totals.merchantsMinor(), totals.toString());
            assertTrue(totals.merchantsMinor() > 0, totals.toString());
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

    /** A seeded stream of commands, refusals included. */
    private static final class Stream
    {
        private final Random random;
        private final long[] customers;
        private final int[] owners;
        private int count;
        private long commandId;
        private long timeMs = 1_763_600_000_000L;
        private final CommandEvent event = new CommandEvent();

        Stream(final long seed)
        {
            this(new Random(seed), new long[100_000], new int[100_000], 0, 0);
        }

        private Stream(final Random random, final long[] customers, final int[] owners, final int count, final long commandId)
        {
            this.random = random;
            this.customers = customers;
            this.owners = owners;
            this.count = count;
            this.commandId = commandId;
        }

        /** @return a stream that goes on from here with its own seed: two calls with one seed give equal streams. */
        Stream continueWith(final long seed)
        {
            final Stream copy = new Stream(new Random(seed), customers.clone(), owners.clone(), count, commandId);
            copy.timeMs = timeMs;
            return copy;
        }

        ResultCode[] apply(final Ledger ledger, final int commands)
        {
            final ResultCode[] results = new ResultCode[commands];
            for (int i = 0; i < commands; i++)
            {
                commandId += 1 + (random.nextInt(5) == 0 ? random.nextInt(3) : 0);
                timeMs += random.nextInt(20) - 3;
                next();
                ledger.apply(event);
                results[i] = event.result();
                if (event.type() == CommandType.CREATE_CUSTOMER && event.result() == ResultCode.OK)
                {
                    customers[count] = event.customer().key();
                    owners[count++] = merchantIndex(event.textString(CommandEvent.TEXT_MERCHANT_ID));
                }
            }
            return results;
        }

        private void next()
        {
            event.clear();
            event.stamp(commandId, timeMs);
            final int roll = random.nextInt(100);
            if (roll < 12 || count == 0)
            {
                event.type(CommandType.CREATE_CUSTOMER)
                    .text(CommandEvent.TEXT_MERCHANT_ID, MERCHANTS[random.nextInt(MERCHANTS.length)])
                    .text(CommandEvent.TEXT_PHONE, "+2782" + random.nextInt(10_000_000))
                    .text(CommandEvent.TEXT_METADATA_JSON, "{\"n\":" + random.nextInt(9) + "}");
                if (random.nextInt(3) > 0)
                {
                    event.text(CommandEvent.TEXT_EMAIL, "User" + random.nextInt(400) + "@Example.com");
                }
                if (random.nextBoolean())
                {
                    event.text(CommandEvent.TEXT_NAME, "Näme " + random.nextInt(1000));
                }
                return;
            }
            final int pick = random.nextInt(count);
            final String merchant = random.nextInt(30) == 0 ? "mer_nobody" : MERCHANTS[owners[pick]];
            final int currency = random.nextInt(10) == 0 ? USD : ZAR;
            event.text(CommandEvent.TEXT_MERCHANT_ID, merchant)
                .customerKey(random.nextInt(40) == 0 ? 999_999_999L : customers[pick])
                .currency(currency);
            if (roll < 55)
            {
                event.type(CommandType.PAY_IN).amountMinor(1 + random.nextInt(50_000));
                if (random.nextBoolean())
                {
                    event.text(CommandEvent.TEXT_DESCRIPTION, "deposit " + random.nextInt(1_000_000));
                }
            }
            else
            {
                event.type(CommandType.PURCHASE).amountMinor(1 + random.nextInt(40_000)).quantity(1)
                    .text(CommandEvent.TEXT_PRODUCT_ID, "sku-" + random.nextInt(500));
            }
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
