package io.ledger.engine.internal;

import java.io.IOException;
import java.util.Arrays;

import io.ledger.engine.EntryType;
import io.ledger.engine.SnapshotFormatException;

/**
 * The append-only history of balance movements, held column by column in primitive arrays so that appending
 * allocates nothing except when a column doubles. Each entry links to the previous entry of the same account,
 * so an account's history reads newest-first without an index per account.
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

    private int size;
    private long[] accountKey;
    private long[] counterpartyKey;
    private byte[] accountKind;
    private byte[] entryType;
    private long[] amountMinor;
    private long[] balanceAfterMinor;
    private int[] currency;
    private long[] timestampMs;
    private long[] commandId;
    private long[] textRef;
    private int[] previousOfAccount;

    public EntryLog(final int initialCapacity)
    {
        final int capacity = Math.max(16, initialCapacity);
        accountKey = new long[capacity];
        counterpartyKey = new long[capacity];
        accountKind = new byte[capacity];
        entryType = new byte[capacity];
        amountMinor = new long[capacity];
        balanceAfterMinor = new long[capacity];
        currency = new int[capacity];
        timestampMs = new long[capacity];
        commandId = new long[capacity];
        textRef = new long[capacity];
        previousOfAccount = new int[capacity];
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
        assert size == 0 || command >= commandId[size - 1] : "commandId=" + command + " after " + commandId[size - 1];
        if (size == accountKey.length)
        {
            grow();
        }
        final int i = size++;
        accountKind[i] = kind;
        accountKey[i] = key;
        counterpartyKey[i] = counterparty;
        entryType[i] = (byte)type.ordinal();
        amountMinor[i] = amount;
        balanceAfterMinor[i] = balanceAfter;
        currency[i] = currencyCode;
        timestampMs[i] = timeMs;
        commandId[i] = command;
        textRef[i] = text;
        previousOfAccount[i] = previous;
        return i;
    }

    /** Most entries the log holds: indexes are {@code int}, and the columns double up to this size. */
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
        return accountKind[i];
    }

    public long accountKey(final int i)
    {
        return accountKey[i];
    }

    public long counterpartyKey(final int i)
    {
        return counterpartyKey[i];
    }

    public EntryType type(final int i)
    {
        return EntryType.fromOrdinal(entryType[i]);
    }

    public long amountMinor(final int i)
    {
        return amountMinor[i];
    }

    public long balanceAfterMinor(final int i)
    {
        return balanceAfterMinor[i];
    }

    public int currency(final int i)
    {
        return currency[i];
    }

    public long timestampMs(final int i)
    {
        return timestampMs[i];
    }

    public long commandId(final int i)
    {
        return commandId[i];
    }

    public long textRef(final int i)
    {
        return textRef[i];
    }

    public int previousOfAccount(final int i)
    {
        return previousOfAccount[i];
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
            if (commandId[mid] < command)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low < size && commandId[low] == command ? low : -1;
    }

    /** Folds every column of every entry into {@code hash}. */
    public void hashInto(final StateHash hash)
    {
        hash.add(size);
        for (int i = 0; i < size; i++)
        {
            hash.add(accountKind[i]).add(accountKey[i]).add(counterpartyKey[i]).add(entryType[i]).add(amountMinor[i])
                .add(balanceAfterMinor[i]).add(currency[i]).add(timestampMs[i]).add(commandId[i])
                .add(textRef[i]).add(previousOfAccount[i]);
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
            out.writeByte(accountKind[i]);
            out.writeLong(accountKey[i]);
            out.writeLong(counterpartyKey[i]);
            out.writeByte(entryType[i]);
            out.writeLong(amountMinor[i]);
            out.writeLong(balanceAfterMinor[i]);
            out.writeInt(currency[i]);
            out.writeLong(timestampMs[i]);
            out.writeLong(commandId[i]);
            out.writeLong(textRef[i]);
            out.writeInt(previousOfAccount[i]);
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
            if (size > 0 && command < commandId[size - 1])
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " entry " + i + " commandId=" + command +
                    " comes after commandId=" + commandId[size - 1]);
            }
            append(kind, key, counterparty, types[type], amount, after, currencyCode, time, command, text, previous);
        }
    }

    private void grow()
    {
        final int capacity = (int)Math.min((long)accountKey.length * 2, CAPACITY_ENTRIES_MAX);
        accountKey = Arrays.copyOf(accountKey, capacity);
        counterpartyKey = Arrays.copyOf(counterpartyKey, capacity);
        accountKind = Arrays.copyOf(accountKind, capacity);
        entryType = Arrays.copyOf(entryType, capacity);
        amountMinor = Arrays.copyOf(amountMinor, capacity);
        balanceAfterMinor = Arrays.copyOf(balanceAfterMinor, capacity);
        currency = Arrays.copyOf(currency, capacity);
        timestampMs = Arrays.copyOf(timestampMs, capacity);
        commandId = Arrays.copyOf(commandId, capacity);
        textRef = Arrays.copyOf(textRef, capacity);
        previousOfAccount = Arrays.copyOf(previousOfAccount, capacity);
    }
}
