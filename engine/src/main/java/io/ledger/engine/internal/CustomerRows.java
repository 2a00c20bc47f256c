package io.ledger.engine.internal;

import java.util.Arrays;

import org.agrona.collections.Hashing;
import org.agrona.collections.Long2LongHashMap;

/**
 * Each customer's hot state in one row, reached by one lookup: the merchant that owns it, its first currency, one
 * balance (with its currency), and its history links (entry count and newest entry). A purchase or pay-in used to look
 * its customer up in four or five maps (a memory miss each on a large ledger: 41% of a 1M-customer replay); now it
 * finds the row index once (an Agrona map whose key and value share a cache line), then reads and writes one row.
 *
 * <p>Row layout: {@value #ROW_LONGS} longs (32 bytes: one cache line, or two neighbours the adjacent-line prefetcher
 * fetches together, since a {@code long[]} is only 8-byte aligned):
 * <pre>
 *   0  merchant       the owning merchant's index, or MISSING (a key money moved for that is not a customer)
 *   1  currencies     first currency (high 32 bits) | the row balance's currency (low 32 bits); -1 each for none
 *   2  balance        minor units in the row balance's currency
 *   3  links          entry count (high 32 bits) | newest entry (low 32 bits), or MISSING when none
 * </pre>
 * The row balance is the first balance a key gets (in the live ledger its first credited currency, which is nearly
 * always its only one); {@link Accounts} keeps balances in any other currency in a side map.
 *
 * <p>Rows live in chunks of {@value #CHUNK_ROWS} rows allocated as the customers come, so growth never copies the rows
 * (only the small array of chunk references); the index map still rehashes as it grows, one map where there were five,
 * except where the count is known ahead ({@link #expect}: a snapshot load).
 * Rows are never removed (customers are not deleted). Keys are kept in a column of their own (only iteration reads them),
 * in row order, which is the order keys were first seen: {@link #key(int)} for rows {@code 0..size()-1}.
 *
 * <p>Single-threaded: ledger thread only. Allocation-free except when a new chunk is needed.
 */
public final class CustomerRows
{
    /** The value of an absent merchant or links, as the maps this replaces returned it. */
    public static final long MISSING = SnapshotRecords.MISSING;
    /** Longs per row. */
    static final int ROW_LONGS = 4;
    static final int CHUNK_SHIFT = 12;
    /** Rows per chunk: 4096 (128 KiB of rows, 32 KiB of keys). */
    static final int CHUNK_ROWS = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_ROWS - 1;
    private static final int MERCHANT = 0;
    private static final int CURRENCIES = 1;
    private static final int BALANCE = 2;
    private static final int LINKS = 3;
    private static final long NO_CURRENCIES = -1L;

    private Long2LongHashMap rowOfKey = new Long2LongHashMap(MISSING);
    private long[][] rowChunks = new long[16][];
    private long[][] keyChunks = new long[16][];
    private int size;
    private long lastKey = MISSING;
    private int lastRow = -1;

    /**
     * Most entries a map is sized for ahead ({@link #expect}, {@link #capacityFor}): a count read from a snapshot is only
     * checked by the checksum of the block it sits in, so a count beyond this sizes for this many and the map grows past
     * it as before (4M customers: 128 MiB of index).
     */
    public static final int EXPECTED_ENTRIES_MAX = 1 << 22;

    /**
     * Makes room for {@code keys} keys while there are none yet (a snapshot's customer count, read before its customers):
     * the index then never rehashes while they are added. Its capacity is the one growing to {@code keys} would reach, so
     * the slots are laid out as they would have been. No-op once a key was added.
     */
    public void expect(final int keys)
    {
        if (size == 0 && keys > 0)
        {
            rowOfKey = new Long2LongHashMap(capacityFor(keys), Hashing.DEFAULT_LOAD_FACTOR, MISSING);
            final int chunks = (Math.min(keys, EXPECTED_ENTRIES_MAX) + CHUNK_ROWS - 1) >>> CHUNK_SHIFT;
            if (chunks > rowChunks.length)
            {
                rowChunks = Arrays.copyOf(rowChunks, chunks);
                keyChunks = Arrays.copyOf(keyChunks, chunks);
            }
        }
    }

    /**
     * @return the capacity an Agrona open-addressing map with the default load factor reaches by growing from its
     * smallest to hold {@code entries} entries (at most {@link #EXPECTED_ENTRIES_MAX}), so that one made with it holds
     * them without a rehash.
     */
    public static int capacityFor(final int entries)
    {
        final int bounded = Math.min(entries, EXPECTED_ENTRIES_MAX);
        int capacity = 8; // the maps' smallest
        while ((int)(capacity * Hashing.DEFAULT_LOAD_FACTOR) < bounded)
        {
            capacity <<= 1;
        }
        return capacity;
    }

    /** @return how many rows (keys) there are. */
    public int size()
    {
        return size;
    }

    /**
     * @return the row of {@code key}, or -1. The last key found is remembered, so the lookups of one command after
     * the first cost no hashing.
     */
    public int find(final long key)
    {
        if (key == lastKey && lastRow >= 0)
        {
            return lastRow;
        }
        final long row = rowOfKey.get(key);
        if (row == MISSING)
        {
            return -1;
        }
        lastKey = key;
        lastRow = (int)row;
        return lastRow;
    }

    /**
     * Remembers {@code row} as the row of {@code key}, as {@link #find} does when it finds it, so that the next lookup of
     * {@code key} costs no hashing: for a caller that found the row ahead with {@link #peek} (rows never move and are never
     * removed, so a row once found stays its key's).
     */
    public void remember(final long key, final int row)
    {
        assert row >= 0 && row < size && key(row) == key : "key=" + key + " row=" + row;
        lastKey = key;
        lastRow = row;
    }

    /**
     * @return the row of {@code key}, or -1, without remembering it as {@link #find} does: a read ahead of the command
     * that will need it (see {@code ReplayWindow}), which must leave everything as it was.
     */
    public int peek(final long key)
    {
        final long row = rowOfKey.get(key);
        return row == MISSING ? -1 : (int)row;
    }

    /**
     * Reads the first and last word of row {@code row} (0..{@link #size()}-1), so that its cache lines are loaded before
     * the command that needs them (a row may straddle two lines): the sum means nothing, it is returned so that the reads
     * are not dropped.
     */
    public long touch(final int row)
    {
        final long[] rows = rowChunks[row >>> CHUNK_SHIFT];
        final int at = (row & CHUNK_MASK) * ROW_LONGS;
        return rows[at] + rows[at + ROW_LONGS - 1];
    }

    /** @return the row of {@code key}, added (with nothing in it) when there was none. */
    public int findOrAdd(final long key)
    {
        final int found = find(key);
        return found >= 0 ? found : add(key);
    }

    private int add(final long key)
    {
        final int row = size;
        final int chunk = row >>> CHUNK_SHIFT;
        if (chunk == rowChunks.length)
        {
            rowChunks = Arrays.copyOf(rowChunks, chunk * 2);
            keyChunks = Arrays.copyOf(keyChunks, chunk * 2);
        }
        if (rowChunks[chunk] == null)
        {
            rowChunks[chunk] = new long[CHUNK_ROWS * ROW_LONGS];
            keyChunks[chunk] = new long[CHUNK_ROWS];
        }
        final long[] rows = rowChunks[chunk];
        final int at = (row & CHUNK_MASK) * ROW_LONGS;
        rows[at + MERCHANT] = MISSING;
        rows[at + CURRENCIES] = NO_CURRENCIES;
        rows[at + BALANCE] = 0;
        rows[at + LINKS] = MISSING;
        keyChunks[chunk][row & CHUNK_MASK] = key;
        rowOfKey.put(key, row);
        size++;
        lastKey = key;
        lastRow = row;
        return row;
    }

    /** @return the key of row {@code row} (0..{@link #size()}-1). */
    public long key(final int row)
    {
        return keyChunks[row >>> CHUNK_SHIFT][row & CHUNK_MASK];
    }

    /** @return the merchant of row {@code row}, or {@link #MISSING}. */
    public long merchant(final int row)
    {
        return get(row, MERCHANT);
    }

    void merchant(final int row, final long merchant)
    {
        set(row, MERCHANT, merchant);
    }

    /** @return the first currency of row {@code row}, or -1. */
    public int firstCurrency(final int row)
    {
        return (int)(get(row, CURRENCIES) >> 32);
    }

    void firstCurrency(final int row, final int currency)
    {
        set(row, CURRENCIES, ((long)currency << 32) | (get(row, CURRENCIES) & 0xFFFF_FFFFL));
    }

    /** @return the currency of row {@code row}'s balance, or -1 when it has none. */
    public int balanceCurrency(final int row)
    {
        return (int)get(row, CURRENCIES);
    }

    /** @return row {@code row}'s balance (in {@link #balanceCurrency}). */
    public long balance(final int row)
    {
        return get(row, BALANCE);
    }

    /** Sets row {@code row}'s balance, taking {@code currency} as its currency. */
    void balance(final int row, final int currency, final long balance)
    {
        final long[] rows = rowChunks[row >>> CHUNK_SHIFT];
        final int at = (row & CHUNK_MASK) * ROW_LONGS;
        rows[at + CURRENCIES] = (rows[at + CURRENCIES] & 0xFFFF_FFFF_0000_0000L) | (currency & 0xFFFF_FFFFL);
        rows[at + BALANCE] = balance;
    }

    /** @return row {@code row}'s links (entry count high, newest entry low), or {@link #MISSING}. */
    public long links(final int row)
    {
        return get(row, LINKS);
    }

    void links(final int row, final long links)
    {
        set(row, LINKS, links);
    }

    private long get(final int row, final int word)
    {
        return rowChunks[row >>> CHUNK_SHIFT][(row & CHUNK_MASK) * ROW_LONGS + word];
    }

    private void set(final int row, final int word, final long value)
    {
        rowChunks[row >>> CHUNK_SHIFT][(row & CHUNK_MASK) * ROW_LONGS + word] = value;
    }
}
