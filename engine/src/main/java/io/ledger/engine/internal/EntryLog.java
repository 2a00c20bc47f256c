package io.ledger.engine.internal;

import java.io.IOException;
import java.util.Arrays;

import io.ledger.engine.EntryType;
import io.ledger.engine.SnapshotFormatException;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The append-only history of balance movements. Each entry links to the previous entry of the same account, so an
 * account's history reads newest-first without an index per account.
 *
 * <p><b>Storage.</b> Entries live off the Java heap, in chunks of {@link #CHUNK_ENTRIES}: per entry a row of eight
 * longs (one cache line), two bytes and a derived link (below), 70 bytes an entry in all. The log never copies what it
 * holds: a full log takes one more chunk (280 KiB) from its {@link ChunkSupply}, which in a running server hands over
 * memory another thread allocated and faulted in ahead of time ({@code HistoryMemory}), so the ledger thread neither
 * zeroes nor page-faults the history it writes; the chunks asked for up front ({@code initialCapacity}) are allocated at
 * construction. Off the heap,
 * the history (by far the largest part of the state) is never copied or scanned by the garbage collector: a young
 * collection after a fast replay would otherwise copy every chunk the replay made. The memory is the JVM's direct
 * memory ({@code -XX:MaxDirectMemorySize}, by default the maximum heap size), freed when the ledger is collected.
 *
 * <pre>
 *  entry i: chunk i >>> 12, row r = i &amp; 4095; a chunk is 4096 rows of 64 bytes, then 4096 pairs of bytes, then
 *  4096 ints
 *  at r * 64, little-endian longs           at 4096 * 64 + r * 2            at 4096 * 66 + r * 4
 *   +0  accountKey                          +0 accountKind                  +0 link (derived)
 *   +8  counterpartyKey                     +1 entry type ordinal
 *   +16 amountMinor (signed)
 *   +24 balanceAfterMinor
 *   +32 timestampMs
 *   +40 commandId
 *   +48 textRef (TextArena)
 *   +56 currency (high 32 bits) | previousOfAccount (low 32 bits)
 * </pre>
 *
 * <p>Entry ids are positions in this log: the same commands in the same order give the same ids.
 *
 * <p>The <b>link</b> of an entry is an int another part keeps beside it for an index of its own (the merchants'
 * purchase chains, {@link PurchaseBook}): derived, so never hashed nor written to a snapshot, and meaningful only where
 * that part set it. It lives in the chunk so that it grows with the history, never by copying a column.
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
    private static final int ROW_BYTES = 64;
    private static final int KINDS_AT = CHUNK_ENTRIES * ROW_BYTES;
    private static final int LINKS_AT = KINDS_AT + CHUNK_ENTRIES * 2;
    /** Bytes per chunk: 280 KiB. */
    public static final int CHUNK_BYTES = LINKS_AT + CHUNK_ENTRIES * 4;

    private int size;
    /** The chunks allocated so far: {@code capacity / CHUNK_ENTRIES}. */
    private int chunks;
    private UnsafeBuffer[] chunk = new UnsafeBuffer[16];
    private ChunkSupply supply = ChunkSupply.ALLOCATE;

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
     * @param counterparty the entry's link: the other customer of a transfer, the purchase or gift balance of a type
     *                     {@link EntryType#relatedByLink()}, else -1.
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
        assert i == 0 || command >= commandId(i - 1) : "commandId=" + command + " after " + commandId(i - 1);
        if (i >>> CHUNK_SHIFT == chunks)
        {
            addChunk();
        }
        final UnsafeBuffer rows = chunk[i >>> CHUNK_SHIFT];
        final int at = (i & CHUNK_MASK) * ROW_BYTES;
        final int k = KINDS_AT + (i & CHUNK_MASK) * 2;
        // One bounds check per row and one per pair of bytes, then plain stores (the native order, as UnsafeBuffer's
        // own putLong): a checked put per field re-read the buffer's address and capacity after every store (a store
        // through Unsafe may alias them), about a twentieth of a replay's time.
        rows.boundsCheck(at, ROW_BYTES);
        rows.boundsCheck(k, 2);
        final byte[] array = rows.byteArray();
        final long row = rows.addressOffset() + at;
        UnsafeApi.putLong(array, row, key);
        UnsafeApi.putLong(array, row + 8, counterparty);
        UnsafeApi.putLong(array, row + 16, amount);
        UnsafeApi.putLong(array, row + 24, balanceAfter);
        UnsafeApi.putLong(array, row + 32, timeMs);
        UnsafeApi.putLong(array, row + 40, command);
        UnsafeApi.putLong(array, row + 48, text);
        UnsafeApi.putLong(array, row + 56, ((long)currencyCode << 32) | (previous & 0xFFFF_FFFFL));
        final long kinds = rows.addressOffset() + k;
        UnsafeApi.putByte(array, kinds, kind);
        UnsafeApi.putByte(array, kinds + 1, type);
        size = i + 1;
        return i;
    }

    /** Where the chunks the log grows by come from from now on (see {@link ChunkSupply}). */
    public void supply(final ChunkSupply supply)
    {
        this.supply = supply;
    }

    /** @return the link of entry {@code i}: what was last set for it, meaningful only where its owner set it. */
    public int link(final int i)
    {
        return chunk[i >>> CHUNK_SHIFT].getInt(LINKS_AT + (i & CHUNK_MASK) * 4);
    }

    /** Sets the link of entry {@code i} (which must exist). */
    public void link(final int i, final int value)
    {
        chunk[i >>> CHUNK_SHIFT].putInt(LINKS_AT + (i & CHUNK_MASK) * 4, value);
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
        return chunk[i >>> CHUNK_SHIFT].getByte(KINDS_AT + (i & CHUNK_MASK) * 2);
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
        return chunk[i >>> CHUNK_SHIFT].getByte(KINDS_AT + (i & CHUNK_MASK) * 2 + 1);
    }

    private long field(final int i, final int column)
    {
        return chunk[i >>> CHUNK_SHIFT].getLong((i & CHUNK_MASK) * ROW_BYTES + column * 8);
    }

    /**
     * @return the first entry whose command id is {@code command}, or -1. Entries are appended in command order (an
     * entry written at a deadline carries the id of the command during which the deadline passed), so the command ids
     * never decrease along the log and a binary search finds them.
     */
    public int firstOfCommand(final long command)
    {
        int low = 0;
        int high = size;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (commandId(mid) < command)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low < size && commandId(low) == command ? low : -1;
    }

    /** Folds every column of every entry into {@code hash}. */
    public void hashInto(final StateHash hash)
    {
        hash.add(size);
        for (int i = 0; i < size; i++)
        {
            final UnsafeBuffer rows = chunk[i >>> CHUNK_SHIFT];
            final int at = (i & CHUNK_MASK) * ROW_BYTES;
            final int k = KINDS_AT + (i & CHUNK_MASK) * 2;
            final long last = rows.getLong(at + 56);
            hash.add(rows.getByte(k)).add(rows.getLong(at)).add(rows.getLong(at + 8)).add(rows.getByte(k + 1))
                .add(rows.getLong(at + 16)).add(rows.getLong(at + 24)).add((int)(last >> 32)).add(rows.getLong(at + 32))
                .add(rows.getLong(at + 40)).add(rows.getLong(at + 48)).add((int)last);
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
            final UnsafeBuffer rows = chunk[i >>> CHUNK_SHIFT];
            final int at = (i & CHUNK_MASK) * ROW_BYTES;
            final int k = KINDS_AT + (i & CHUNK_MASK) * 2;
            final long last = rows.getLong(at + 56);
            out.writeByte(rows.getByte(k));
            out.writeLong(rows.getLong(at));
            out.writeLong(rows.getLong(at + 8));
            out.writeByte(rows.getByte(k + 1));
            out.writeLong(rows.getLong(at + 16));
            out.writeLong(rows.getLong(at + 24));
            out.writeInt((int)(last >> 32));
            out.writeLong(rows.getLong(at + 32));
            out.writeLong(rows.getLong(at + 40));
            out.writeLong(rows.getLong(at + 48));
            out.writeInt((int)last);
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
            if (size > 0 && command < commandId(size - 1))
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " entry " + i + " commandId=" + command +
                    " comes after commandId=" + commandId(size - 1));
            }
            append(kind, key, counterparty, (byte)type, amount, after, currencyCode, time, command, text, previous);
        }
    }

    /** Takes one more chunk from the supply: never a copy of what the log holds, only the table of chunks doubles. */
    private void addChunk()
    {
        if (chunks == chunk.length)
        {
            chunk = Arrays.copyOf(chunk, chunks * 2);
        }
        chunk[chunks] = supply.chunk(CHUNK_BYTES);
        chunks++;
    }
}
