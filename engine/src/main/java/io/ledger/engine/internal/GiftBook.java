package io.ledger.engine.internal;

import java.io.IOException;

import io.ledger.engine.GiftBalanceRecord;
import io.ledger.engine.SnapshotFormatException;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

/**
 * Gift balances: immutable records by key (replaced when spent from or expired), each customer's gift balances in
 * creation order, and each customer's active ones (money left, not expired), which purchases spend and whose number is
 * bounded ({@link #ACTIVE_PER_CUSTOMER_MAX}). The money itself is in {@link Accounts} (a {@code GIFT} account per gift
 * balance, moved only by {@link Money}); the record's {@code remainingMinor} says the same, and
 * {@code Ledger.checkConservation()} checks that it does.
 *
 * <p>The records are the state: section {@link SnapshotTags#GIFT_BALANCE_RECORDS}, written and folded into the state hash
 * only when there is one. The per-customer lists are derived and rebuilt when a snapshot loads ({@link #rebuild()}).
 *
 * <p>Section {@link SnapshotTags#GIFT_BALANCE_RECORDS}: count i32, then each record in key order (layout in
 * {@link SnapshotRecords#writeGiftBalance}).
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class GiftBook implements SnapshotPart
{
    /** Most gift balances with money left one customer may have at once. */
    public static final int ACTIVE_PER_CUSTOMER_MAX = 20;

    private final Long2ObjectHashMap<GiftBalanceRecord> records = new Long2ObjectHashMap<>();
    // ---- derived
    private final Long2ObjectHashMap<LongArrayList> byCustomer = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<LongArrayList> activeByCustomer = new Long2ObjectHashMap<>();

    /** Adds a new gift balance (its key is the newest). */
    public void add(final GiftBalanceRecord gift)
    {
        records.put(gift.key(), gift);
        list(byCustomer, gift.customerKey()).addLong(gift.key());
        if (gift.remainingMinor() > 0 && !gift.expired())
        {
            list(activeByCustomer, gift.customerKey()).addLong(gift.key());
        }
    }

    /** Replaces a gift balance's record; it leaves the active ones once nothing is left or it expired. */
    public void replace(final GiftBalanceRecord gift)
    {
        records.put(gift.key(), gift);
        if (gift.remainingMinor() == 0 || gift.expired())
        {
            final LongArrayList active = activeByCustomer.get(gift.customerKey());
            if (active != null)
            {
                PaymentMethodBook.removeKey(active, gift.key());
            }
        }
    }

    /** @return the gift balance, or null. */
    public GiftBalanceRecord get(final long key)
    {
        return records.get(key);
    }

    /** @return the customer's gift balances, oldest first, or null when it never had one (live list: read only). */
    public LongArrayList customerKeys(final long customerKey)
    {
        return byCustomer.get(customerKey);
    }

    /** @return the customer's active gift balances, oldest first, or null (live list: read only). */
    public LongArrayList activeKeys(final long customerKey)
    {
        return activeByCustomer.get(customerKey);
    }

    /** @return how many active gift balances the customer has. */
    public int activeCount(final long customerKey)
    {
        final LongArrayList active = activeByCustomer.get(customerKey);
        return active == null ? 0 : active.size();
    }

    /** @return how many gift balances there are, spent and expired ones included. */
    public int size()
    {
        return records.size();
    }

    /** Calls {@code sink} for every record (in no particular order). */
    public void forEachRecord(final java.util.function.Consumer<GiftBalanceRecord> sink)
    {
        records.values().forEach(sink);
    }

    /** Rebuilds the per-customer lists from the records, in key order, after a snapshot loaded them. */
    public void rebuild()
    {
        byCustomer.clear();
        activeByCustomer.clear();
        final Long2ObjectHashMap<GiftBalanceRecord> all = new Long2ObjectHashMap<>();
        all.putAll(records);
        records.clear();
        for (final long key : SnapshotRecords.sortedKeys(all))
        {
            add(all.get(key));
        }
    }

    /** Folds every record, in key order, into {@code hash}; nothing when there is none. */
    public void hashInto(final StateHash hash)
    {
        if (records.isEmpty())
        {
            return;
        }
        hash.add(SnapshotTags.GIFT_BALANCE_RECORDS).add(records.size());
        for (final long key : SnapshotRecords.sortedKeys(records))
        {
            SnapshotRecords.hashGiftBalance(hash, records.get(key));
        }
    }

    @Override
    public int[] sectionTags()
    {
        return new int[] {SnapshotTags.GIFT_BALANCE_RECORDS};
    }

    @Override
    public void writeSections(final SectionOutput out) throws IOException
    {
        if (records.isEmpty())
        {
            return;
        }
        out.beginSection(SnapshotTags.GIFT_BALANCE_RECORDS);
        out.writeInt(records.size());
        for (final long key : SnapshotRecords.sortedKeys(records))
        {
            SnapshotRecords.writeGiftBalance(out, records.get(key));
        }
        out.endSection();
    }

    @Override
    public void readSection(final int tag, final SectionInput in, final boolean[] seen) throws IOException
    {
        final int count = in.readCount("gift balances", SnapshotRecords.COUNT_MAX);
        for (int i = 0; i < count; i++)
        {
            final GiftBalanceRecord gift = SnapshotRecords.readGiftBalance(in);
            if (gift.merchantId() == null || gift.remainingMinor() < 0 || records.put(gift.key(), gift) != null)
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " gift balance key=" + gift.key() +
                    " has no merchant, a negative remainder, or appears twice");
            }
        }
    }

    private static LongArrayList list(final Long2ObjectHashMap<LongArrayList> byCustomer, final long customerKey)
    {
        LongArrayList keys = byCustomer.get(customerKey);
        if (keys == null)
        {
            keys = new LongArrayList();
            byCustomer.put(customerKey, keys);
        }
        return keys;
    }
}
