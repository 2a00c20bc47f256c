package io.ledger.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.Currencies;
import io.ledger.engine.MoneyTotals;
import io.ledger.engine.SnapshotFormatException;
import org.agrona.collections.Long2LongHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The customers' rows and the accounts kept in them: growth across chunks, many currencies per customer, iteration in
 * row order, and sections and a state hash identical to those of the per-field maps the rows replaced.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CustomerRowsTest
{
    private static final long MISSING = SnapshotRecords.MISSING;
    private static final int ZAR = Currencies.pack("ZAR");
    private static final int USD = Currencies.pack("USD");

    @Test
    void shouldKeepEveryRowAcrossChunksInTheOrderKeysCame()
    {
        final CustomerRows rows = new CustomerRows();
        final int count = 3 * CustomerRows.CHUNK_ROWS + 17;
        for (int i = 0; i < count; i++)
        {
            final long key = keyOf(i);
            assertEquals(-1, rows.find(key), "a key not added has no row");
            final int row = rows.findOrAdd(key);
            assertEquals(i, row, "rows are numbered in the order keys came");
            assertEquals(MISSING, rows.merchant(row), "a new row has no merchant");
            assertEquals(-1, rows.firstCurrency(row), "a new row has no first currency");
            assertEquals(-1, rows.balanceCurrency(row), "a new row has no balance");
            assertEquals(MISSING, rows.links(row), "a new row has no links");
            rows.merchant(row, i % 7);
            rows.firstCurrency(row, i % 1000);
            rows.balance(row, (i + 1) % 1000, i * 3L);
            rows.links(row, ((long)i << 32) | (i + 5));
        }
        assertEquals(count, rows.size());
        for (int i = count - 1; i >= 0; i--)
        {
            final int row = rows.find(keyOf(i));
            assertEquals(i, row);
            assertEquals(keyOf(i), rows.key(row), "the key column follows the rows");
            assertEquals(i % 7, rows.merchant(row), "row " + i);
            assertEquals(i % 1000, rows.firstCurrency(row), "row " + i);
            assertEquals((i + 1) % 1000, rows.balanceCurrency(row), "row " + i);
            assertEquals(i * 3L, rows.balance(row), "row " + i);
            assertEquals(((long)i << 32) | (i + 5), rows.links(row), "row " + i);
            assertEquals(i, rows.findOrAdd(keyOf(i)), "a known key is not added again");
        }
        assertEquals(count, rows.size());
    }

    @Test
    void shouldSizeAMapAheadAsGrowingItOneEntryAtATimeWouldHaveSizedIt()
    {
        final Long2LongHashMap grown = new Long2LongHashMap(MISSING);
        for (int entries = 1; entries <= 200_000; entries++)
        {
            grown.put(entries * 7919L, entries);
            assertEquals(grown.capacity(), CustomerRows.capacityFor(entries), "entries=" + entries);
        }
        assertEquals(CustomerRows.capacityFor(CustomerRows.EXPECTED_ENTRIES_MAX), CustomerRows.capacityFor(Integer.MAX_VALUE),
            "a count beyond the bound (a damaged snapshot's) sizes for the bound, not for two billion");
    }

    @Test
    void shouldFindPeekAndTouchEveryRowOfAnIndexSizedAhead()
    {
        final CustomerRows rows = new CustomerRows();
        rows.expect(50_000);
        for (int i = 0; i < 50_000; i++)
        {
            assertEquals(-1, rows.peek(i * 31L));
            rows.merchant(rows.findOrAdd(i * 31L), i % 3);
        }
        rows.expect(1_000_000); // too late: rows are there already; changes nothing
        assertEquals(50_000, rows.size());
        for (int i = 0; i < 50_000; i++)
        {
            final int row = rows.peek(i * 31L);
            assertEquals(i, row, "rows in the order keys came");
            assertEquals(i % 3, rows.merchant(row));
            assertEquals(i % 3 + MISSING, rows.touch(row), "touch reads the merchant and the links (none yet: MISSING)");
        }
        assertEquals(-1, rows.peek(-5));
    }

    @Test
    void shouldFindTheMissingValueAsAnyOtherKey()
    {
        final CustomerRows rows = new CustomerRows();
        assertEquals(-1, rows.find(MISSING));
        final int row = rows.findOrAdd(MISSING);
        assertEquals(row, rows.find(MISSING));
        rows.findOrAdd(5);
        assertEquals(row, rows.find(MISSING), "found again after another key was remembered");
    }

    @Test
    void shouldKeepABalanceInEveryCurrencyOfACustomer() throws IOException
    {
        final Accounts accounts = new Accounts(new CustomerRows());
        final int currencies = 40;
        for (int c = 0; c < currencies; c++)
        {
            accounts.customerBalance(7, c, 100 + c);
            accounts.noteCustomerCurrency(7, c);
        }
        accounts.customerBalance(7, 3, 0);
        assertEquals(currencies, accounts.customerBalances(), "a balance that reached 0 stays one");
        assertEquals(0, accounts.customerBalance(7, 3));
        assertEquals(0, accounts.customerFirstCurrency(7), "the first currency noted stays the first");
        for (int c = 0; c < currencies; c++)
        {
            assertEquals(c == 3 ? 0 : 100 + c, accounts.customerBalance(7, c), "currency " + c);
        }
        assertEquals(0, accounts.customerBalance(7, currencies), "a currency never held is 0");
        assertEquals(0, accounts.customerBalance(8, 0), "a customer never credited has 0");

        final Accounts copy = roundTrip(accounts);
        for (int c = 0; c < currencies; c++)
        {
            assertEquals(accounts.customerBalance(7, c), copy.customerBalance(7, c), "currency " + c + " after a snapshot");
        }
        assertEquals(hashOf(accounts), hashOf(copy));
    }

    @Test
    void shouldWriteAndHashWhatTheMapsItReplacedWroteAndHashed() throws IOException
    {
        final Accounts accounts = new Accounts(new CustomerRows());
        final Long2LongHashMap balances = new Long2LongHashMap(MISSING);
        final Long2LongHashMap first = new Long2LongHashMap(MISSING);
        final Long2LongHashMap last = new Long2LongHashMap(MISSING);
        final Long2LongHashMap counts = new Long2LongHashMap(MISSING);
        final Random random = new Random(13);
        final int[] currencies = {ZAR, USD, Currencies.pack("EUR")};
        for (int i = 0; i < 20_000; i++)
        {
            final long customer = random.nextInt(3_000) * 1_000_003L;
            final int currency = currencies[random.nextInt(random.nextInt(10) == 0 ? 3 : 1)];
            final long balance = random.nextInt(1_000_000);
            accounts.customerBalance(customer, currency, balance);
            balances.put(Accounts.balanceKey(customer, currency), balance);
            if (random.nextBoolean())
            {
                accounts.noteCustomerCurrency(customer, currency);
                if (first.get(customer) == MISSING)
                {
                    first.put(customer, currency);
                }
            }
            if (random.nextInt(3) > 0)
            {
                accounts.customerEntry(customer, i, accounts.customerLinks(customer));
                last.put(customer, i);
                counts.put(customer, counts.get(customer) == MISSING ? 1 : counts.get(customer) + 1);
            }
        }
        // hashInto folds the customer balances, then the merchants' balances, first currencies and last entries and
        // the totals paid in and out (all empty here): as the maps did.
        final StateHash expected = new StateHash();
        SnapshotRecords.hashMap(expected, balances);
        for (int i = 0; i < 5; i++)
        {
            SnapshotRecords.hashMap(expected, new Long2LongHashMap(MISSING));
        }
        final StateHash actual = new StateHash();
        accounts.hashInto(actual);
        assertEquals(expected.value(), actual.value(), "the balances hash as the map did");
        final StateHash expectedCustomers = new StateHash();
        final StateHash actualCustomers = new StateHash();
        for (final long customer : SnapshotRecords.sortedKeys(counts))
        {
            expectedCustomers.add(first.get(customer)).add(last.get(customer)).add(counts.get(customer));
            accounts.hashCustomer(actualCustomers, customer);
        }
        assertEquals(expectedCustomers.value(), actualCustomers.value(), "each customer's part hashes as the maps did");

        // The maps were filled as the rows were, so each section must list the same pairs in the same order: the
        // same commands give the same snapshot bytes as before the rows (Version2CompatibilityTest holds a real one).
        final Map<Integer, List<Long>> ordered = orderedSections(accounts);
        assertEquals(inOrder(balances), ordered.get(SnapshotTags.CUSTOMER_BALANCES));
        assertEquals(inOrder(first), ordered.get(SnapshotTags.CUSTOMER_FIRST_CURRENCY));
        assertEquals(inOrder(last), ordered.get(SnapshotTags.CUSTOMER_LAST_ENTRY));
        assertEquals(inOrder(counts), ordered.get(SnapshotTags.CUSTOMER_ENTRY_COUNT));
        final Map<Integer, Map<Long, Long>> sections = sections(accounts);

        final Long2LongHashMap sums = new Long2LongHashMap(MISSING);
        accounts.forEachBalance((place, currency, amount) ->
        {
            assertEquals(MoneyTotals.CUSTOMERS, place);
            sums.put(currency, (sums.get(currency) == MISSING ? 0 : sums.get(currency)) + amount);
        });
        final Long2LongHashMap expectedSums = new Long2LongHashMap(MISSING);
        balances.forEachLong((key, amount) ->
        {
            final int currency = Accounts.currencyOf(key);
            expectedSums.put(currency, (expectedSums.get(currency) == MISSING ? 0 : expectedSums.get(currency)) + amount);
        });
        assertEquals(asMap(expectedSums), asMap(sums), "every balance is visited once");

        final Accounts copy = roundTrip(accounts);
        assertEquals(hashOf(accounts), hashOf(copy), "a snapshot restores the same state");
        assertEquals(sections, sections(copy));
    }

    @Test
    void shouldRefuseARepeatedBalanceOrAFirstCurrencyThatIsNoCurrency() throws IOException
    {
        assertThrows(SnapshotFormatException.class, () -> readSection(SnapshotTags.CUSTOMER_BALANCES,
            Accounts.balanceKey(4, ZAR), 1, Accounts.balanceKey(4, ZAR), 2), "repeated in the row");
        assertThrows(SnapshotFormatException.class, () -> readSection(SnapshotTags.CUSTOMER_BALANCES,
            Accounts.balanceKey(4, ZAR), 1, Accounts.balanceKey(4, USD), 2, Accounts.balanceKey(4, USD), 3),
            "repeated in the side map");
        assertThrows(SnapshotFormatException.class, () -> readSection(SnapshotTags.CUSTOMER_BALANCES,
            Accounts.balanceKey(4, ZAR), MISSING), "the missing value");
        assertThrows(SnapshotFormatException.class, () -> readSection(SnapshotTags.CUSTOMER_FIRST_CURRENCY, 4, ZAR, 4, USD),
            "repeated");
        assertThrows(SnapshotFormatException.class, () -> readSection(SnapshotTags.CUSTOMER_FIRST_CURRENCY, 4, 1L << 40),
            "no currency code");
        final Accounts read = readSection(SnapshotTags.CUSTOMER_BALANCES,
            Accounts.balanceKey(4, ZAR), 1, Accounts.balanceKey(4, USD), 2, Accounts.balanceKey(5, USD), 3);
        assertEquals(1, read.customerBalance(4, ZAR));
        assertEquals(2, read.customerBalance(4, USD));
        assertEquals(3, read.customerBalance(5, USD));
        assertEquals(3, read.customerBalances());
    }

    private static long keyOf(final int i)
    {
        return (i * 0x9E3779B97F4A7C15L) >>> 17;
    }

    private static long hashOf(final Accounts accounts)
    {
        final StateHash hash = new StateHash();
        accounts.hashInto(hash);
        final long[] keys = new long[accounts.customerRows().size()];
        for (int row = 0; row < keys.length; row++)
        {
            keys[row] = accounts.customerRows().key(row);
        }
        java.util.Arrays.sort(keys); // as Ledger.stateHash folds the customers: by key, whatever order rows came in
        for (final long key : keys)
        {
            accounts.hashCustomer(hash, key);
        }
        return hash.value();
    }

    private static List<Long> inOrder(final Long2LongHashMap map)
    {
        final List<Long> pairs = new ArrayList<>();
        map.forEachLong((key, value) ->
        {
            pairs.add(key);
            pairs.add(value);
        });
        return pairs;
    }

    /** @return each section of {@code accounts} as its (key, value) pairs in the order written. */
    private static Map<Integer, List<Long>> orderedSections(final Accounts accounts) throws IOException
    {
        final SectionInput in = new SectionInput(new DataInputStream(new ByteArrayInputStream(write(accounts))));
        final Map<Integer, List<Long>> sections = new HashMap<>();
        int tag;
        while ((tag = in.nextSection()) != SectionOutput.END_TAG)
        {
            final List<Long> pairs = new ArrayList<>();
            final int count = in.readInt();
            for (int i = 0; i < 2 * count; i++)
            {
                pairs.add(in.readLong());
            }
            in.endSection();
            sections.put(tag, pairs);
        }
        return sections;
    }

    private static Map<Long, Long> asMap(final Long2LongHashMap map)
    {
        final Map<Long, Long> copy = new HashMap<>();
        map.forEachLong(copy::put);
        return copy;
    }

    private static byte[] write(final Accounts accounts) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final SectionOutput out = new SectionOutput(new DataOutputStream(bytes));
        accounts.writeSections(out);
        out.finish();
        return bytes.toByteArray();
    }

    private static Accounts read(final byte[] bytes) throws IOException
    {
        final Accounts accounts = new Accounts(new CustomerRows());
        final SectionInput in = new SectionInput(new DataInputStream(new ByteArrayInputStream(bytes)));
        final boolean[] seen = new boolean[SnapshotTags.MAX + 1];
        int tag;
        while ((tag = in.nextSection()) != SectionOutput.END_TAG)
        {
            accounts.readSection(tag, in, seen);
            in.endSection();
            seen[tag] = true;
        }
        return accounts;
    }

    private static Accounts roundTrip(final Accounts accounts) throws IOException
    {
        return read(write(accounts));
    }

    /** @return each section of {@code accounts}, read back as a map of key to value (the order within is free). */
    private static Map<Integer, Map<Long, Long>> sections(final Accounts accounts) throws IOException
    {
        final SectionInput in = new SectionInput(new DataInputStream(new ByteArrayInputStream(write(accounts))));
        final Map<Integer, Map<Long, Long>> sections = new HashMap<>();
        int tag;
        while ((tag = in.nextSection()) != SectionOutput.END_TAG)
        {
            final Map<Long, Long> entries = new HashMap<>();
            final int count = in.readInt();
            for (int i = 0; i < count; i++)
            {
                final long key = in.readLong();
                assertTrue(entries.put(key, in.readLong()) == null, "tag=" + tag + " repeats key=" + key);
            }
            in.endSection();
            sections.put(tag, entries);
        }
        return sections;
    }

    /** Reads one section of (key, value) pairs into a new Accounts. */
    private static Accounts readSection(final int tag, final long... keysAndValues) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final SectionOutput out = new SectionOutput(new DataOutputStream(bytes));
        out.beginSection(tag);
        out.writeInt(keysAndValues.length / 2);
        for (final long value : keysAndValues)
        {
            out.writeLong(value);
        }
        out.endSection();
        out.finish();
        return read(bytes.toByteArray());
    }
}
