package io.ledger.engine.internal;

import java.io.IOException;
import java.util.Arrays;

import io.ledger.engine.EntryType;
import io.ledger.engine.SnapshotFormatException;

/**
 * The append-only history of balance movements. Each entry links to the previous entry of the same account, so an
 * account's history reads newest-first without an index per account.
 *
 * <p><b>Storage.</b> Entries live in chunks of {@link #CHUNK_ENTRIES}, each one {@code long[]} of eight longs per entry
 * (one entry is one cache line) and one {@code byte[]} of two bytes per entry; 66 bytes an entry in all. The log never
 * copies what it holds: a full log adds one chunk (a quarter of a megabyte, zeroed in well under a millisecond, and
 * below G1's humongous size), and the chunks asked for up front ({@code initialCapacity}) are allocated at
 * construction, so a ledger sized for its history appends without allocating at all.
 *
 * <pre>
 *  entry i: chunk i >>> 12, row (i &amp; 4095)
 *  long[] rows, 8 per entry         byte[] kinds, 2 per entry
 *   0 accountKey                      0 accountKind
 *   1 counterpartyKey                 1 entry type ordinal
 *   2 amountMinor (signed)
 *   3 balanceAfterMinor
 *   4 timestampMs
 *   5 commandId
 *   6 textRef (TextArena)
 *   7 currency (high 32 bits) | previousOfAccount (low 32 bits)
 * </pre>
 *
 * <p>Entry ids are positions in this log: the same commands in the same order give the same ids.
 *
 * <p>Section {@link SnapshotTags#ENTRIES}: count i32, then per entry: accountKind i8, accountKey i64, counterpartyKey
 * i64, type ordinal i8, amountMinor i64, balanceAfterMinor i64, currency i32, timestampMs i64, commandId i64, textRef
 * i64, previousOfAccount i32.
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class EntryLog implements SnapshotPart
{
    /** Account kinds, in the top bit of nothing: kept as a separate column for clarity. */
    public static final byte ACCOUNT_CUSTOMER = 1;
    public static final byte ACCOUNT_MERCHANT = 2;

    /** log2 of {@link #CHUNK_ENTRIES}. */
    static final int CHUNK_SHIFT = 12;
    /** Entries per chunk: 4096, a {@code long[]} of 256 KiB and a {@code byte[]} of 8 KiB. */
    public static final int CHUNK_ENTRIES = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_ENTRIES - 1;
    private static final int LONGS = 8;
    private static final int KINDS = 2;

    private int size;
    /** The chunks allocated so far: {@code capacity / CHUNK_ENTRIES} of each. */
    private int chunks;
    private long[][] rows = new long[16][];
    private byte[][] kinds = new byte[16][];

    /** @param initialCapacity entries to allocate up front (rounded up to whole chunks; at least one). */
    public EntryLog(final int initialCapacity)
    {
        final int wanted = (int)Math.min(((long)Math.max(1, initialCapacity) + CHUNK_MASK) >>> CHUNK_SHIFT,
            (CAPACITY_ENTRIES_MAX >>> CHUNK_SHIFT) + 1);
        while (chunks < wanted)
        {
            addChunk();
        }
    }

    /**
     * Appends one entry and returns its index.
     *
     * @param counterparty the other customer of a transfer, else -1.
     * @param previous     the index of the account's previous entry, or -1.
     */
    public int append(
        final byte kind,
        final long key,
        final long counterparty,
        final EntryType type,
        final long amount,
        final long balanceAfter,
        final int currencyCode,
        final long timeMs,
        final long command,
        final long text,
        final int previous)
    {
        return append(kind, key, counterparty, (byte)type.ordinal(), amount, balanceAfter, currencyCode, timeMs, command, text,
            previous);
    }

    private int append(
        final byte kind, final long key, final long counterparty, final byte type, final long amount, final long balanceAfter,
        final int currencyCode, final long timeMs, final long command, final long text, final int previous)
    {
        final int i = size;
        final int chunk = i >>> CHUNK_SHIFT;
        if (chunk == chunks)
        {
            addChunk();
        }
        final long[] row = rows[chunk];
        final int at = (i & CHUNK_MASK) * LONGS;
        row[at] = key;
        row[at + 1] = counterparty;
        row[at + 2] = amount;
        row[at + 3] = balanceAfter;
        row[at + 4] = timeMs;
        row[at + 5] = command;
        row[at + 6] = text;
        row[at + 7] = ((long)currencyCode << 32) | (previous & 0xFFFF_FFFFL);
        final byte[] kindRow = kinds[chunk];
        final int k = (i & CHUNK_MASK) * KINDS;
        kindRow[k] = kind;
        kindRow[k + 1] = type;
        size = i + 1;
        return i;
    }

    /** @return how many entries fit before the next chunk is allocated. */
    public long capacity()
    {
        return (long)chunks << CHUNK_SHIFT;
    }

    /** Most entries the log holds: indexes are {@code int}. */
    public static final int CAPACITY_ENTRIES_MAX = Integer.MAX_VALUE - 1024;

    /** @return true when {@code count} more entries fit. */
    public boolean hasRoomFor(final int count)
    {
        return count <= CAPACITY_ENTRIES_MAX - size;
    }

    public int size()
    {
        return size;
    }

    public byte accountKind(final int i)
    {
        return kinds[i >>> CHUNK_SHIFT][(i & CHUNK_MASK) * KINDS];
    }

    public long accountKey(final int i)
    {
        return field(i, 0);
    }

    public long counterpartyKey(final int i)
    {
        return field(i, 1);
    }

    public EntryType type(final int i)
    {
        return EntryType.fromOrdinal(typeOrdinal(i));
    }

    public long amountMinor(final int i)
    {
        return field(i, 2);
    }

    public long balanceAfterMinor(final int i)
    {
        return field(i, 3);
    }

    public int currency(final int i)
    {
        return (int)(field(i, 7) >> 32);
    }

    public long timestampMs(final int i)
    {
        return field(i, 4);
    }

    public long commandId(final int i)
    {
        return field(i, 5);
    }

    public long textRef(final int i)
    {
        return field(i, 6);
    }

    public int previousOfAccount(final int i)
    {
        return (int)field(i, 7);
    }

    private byte typeOrdinal(final int i)
    {
        return kinds[i >>> CHUNK_SHIFT][(i & CHUNK_MASK) * KINDS + 1];
    }

    private long field(final int i, final int column)
    {
        return rows[i >>> CHUNK_SHIFT][(i & CHUNK_MASK) * LONGS + column];
    }

    /** Folds every column of every entry into {@code hash}. */
    public void hashInto(final StateHash hash)
    {
        hash.add(size);
        for (int i = 0; i < size; i++)
        {
            final long[] row = rows[i >>> CHUNK_SHIFT];
            final int at = (i & CHUNK_MASK) * LONGS;
            final byte[] kindRow = kinds[i >>> CHUNK_SHIFT];
            final int k = (i & CHUNK_MASK) * KINDS;
            hash.add(kindRow[k]).add(row[at]).add(row[at + 1]).add(kindRow[k + 1]).add(row[at + 2])
                .add(row[at + 3]).add((int)(row[at + 7] >> 32)).add(row[at + 4]).add(row[at + 5])
                .add(row[at + 6]).add((int)row[at + 7]);
        }
    }

    @Override
    public int[] sectionTags()
    {
        return new int[] {SnapshotTags.ENTRIES};
    }

    @Override
    public void writeSections(final SectionOutput out) throws IOException
    {
        out.beginSection(SnapshotTags.ENTRIES);
        out.writeInt(size);
        for (int i = 0; i < size; i++)
        {
            final long[] row = rows[i >>> CHUNK_SHIFT];
            final int at = (i & CHUNK_MASK) * LONGS;
            final byte[] kindRow = kinds[i >>> CHUNK_SHIFT];
            final int k = (i & CHUNK_MASK) * KINDS;
            out.writeByte(kindRow[k]);
            out.writeLong(row[at]);
            out.writeLong(row[at + 1]);
            out.writeByte(kindRow[k + 1]);
            out.writeLong(row[at + 2]);
            out.writeLong(row[at + 3]);
            out.writeInt((int)(row[at + 7] >> 32));
            out.writeLong(row[at + 4]);
            out.writeLong(row[at + 5]);
            out.writeLong(row[at + 6]);
            out.writeInt((int)row[at + 7]);
        }
        out.endSection();
    }

    @Override
    public void readSection(final int tag, final SectionInput in, final boolean[] seen) throws IOException
    {
        final int count = in.readCount("entries", CAPACITY_ENTRIES_MAX);
        final EntryType[] types = EntryType.values();
        for (int i = 0; i < count; i++)
        {
            final byte kind = in.readByte();
            final long key = in.readLong();
            final long counterparty = in.readLong();
            final int type = in.readByte();
            final long amount = in.readLong();
            final long after = in.readLong();
            final int currencyCode = in.readInt();
            final long time = in.readLong();
            final long command = in.readLong();
            final long text = in.readLong();
            final int previous = in.readInt();
            if (type < 0 || type >= types.length || previous < -1 || previous >= size)
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " entry " + i + " type=" + type +
                    " previousOfAccount=" + previous + " out of range");
            }
            append(kind, key, counterparty, (byte)type, amount, after, currencyCode, time, command, text, previous);
        }
    }

    /** Allocates one more chunk: never a copy of what the log holds, only the table of chunks doubles. */
    private void addChunk()
    {
        if (chunks == rows.length)
        {
            rows = Arrays.copyOf(rows, chunks * 2);
            kinds = Arrays.copyOf(kinds, chunks * 2);
        }
        rows[chunks] = new long[CHUNK_ENTRIES * LONGS];
        kinds[chunks] = new byte[CHUNK_ENTRIES * KINDS];
        chunks++;
    }
}
