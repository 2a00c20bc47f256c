package io.ledger.engine.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.ledger.engine.EntryType;
import io.ledger.engine.PurchaseRecord;
import io.ledger.engine.PurchaseStatus;
import io.ledger.engine.SnapshotFormatException;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.Object2LongHashMap;

/**
 * Purchases as resources. Two kinds live here:
 * <ul>
 *   <li>A <b>plain</b> purchase (a Cashful purchase that used no feature and never changed) has no record: its history
 *       entry says everything (customer, amount, currency, time, product id, balances), so it costs only its place in
 *       its merchant's chain (below), and a plain purchase allocates nothing on the ledger thread. A read builds a record from the entry ({@link #view}).
 *   <li>A purchase that used a feature (description, external reference, escrow, gift balances, cashback), or changed
 *       since (refunded), has an immutable {@link PurchaseRecord}, replaced when it changes.
 * </ul>
 *
 * <p>The records are the state (section {@link SnapshotTags#PURCHASES}, written and folded into the state hash only
 * when there is one, so a ledger without them writes and hashes as before they existed). Everything else here is
 * derived, so never written nor hashed, and rebuilt from the history and the records when a snapshot loads
 * ({@link #rebuild()}): each merchant's purchases as a chain through their customer debit entries, newest first (the
 * {@link EntryLog#link link} of each purchase's customer debit entry names the merchant's previous purchase entry, so
 * the chain grows with the history, never by copying; with each merchant's newest entry and count), the keys that have records per merchant, the index
 * by (merchant, external reference) with its chain from each purchase to the previous one with the same reference, and
 * the money held per merchant and currency (the merchant balance's {@code pending}).
 *
 * <p>Section {@link SnapshotTags#PURCHASES}: count i32, then each record in key order (layout in
 * {@link SnapshotRecords#writePurchase}).
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class PurchaseBook implements SnapshotPart
{
    private static final long MISSING = SnapshotRecords.MISSING;
    private static final LongArrayList NONE = new LongArrayList();

    private final EntryLog entries;
    private final TextArena texts;
    private final CustomerBook customers;
    private final MerchantBooks merchants;

    private final Long2ObjectHashMap<PurchaseRecord> records = new Long2ObjectHashMap<>();
    // ---- derived
    private int[] newestByMerchant = new int[0];
    private long[] countByMerchant = new long[0];
    private final ArrayList<LongArrayList> recordKeysByMerchant = new ArrayList<>();
    private final Object2LongHashMap<String> newestByReference = new Object2LongHashMap<>(MISSING);
    private final Long2LongHashMap previousByReference = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap pendingByMerchant = new Long2LongHashMap(MISSING);

    public PurchaseBook(final EntryLog entries, final TextArena texts, final CustomerBook customers, final MerchantBooks merchants)
    {
        this.entries = entries;
        this.texts = texts;
        this.customers = customers;
        this.merchants = merchants;
    }

    /** Adds a plain purchase of merchant {@code merchant}, whose customer debit is history entry {@code entry}. */
    public void addPlain(final int merchant, final int entry)
    {
        chain(merchant, entry);
    }

    /** Adds a new purchase with a record, whose customer debit is history entry {@code entry}. */
    public void add(final int merchant, final int entry, final PurchaseRecord purchase)
    {
        chain(merchant, entry);
        index(merchant, purchase);
    }

    /**
     * Replaces a purchase's record (or gives a plain purchase its first one), keeping the pending money of a hold that
     * ends.
     */
    public void replace(final int merchant, final PurchaseRecord purchase)
    {
        final PurchaseRecord before = records.put(purchase.key(), purchase);
        if (before == null)
        {
            final LongArrayList keys = list(recordKeysByMerchant, merchant);
            keys.addLong(insertionPoint(keys, purchase.key()), purchase.key());
        }
        else if (before.status() == PurchaseStatus.HELD)
        {
            pending(merchant, before.currency(), -before.amountMinor());
        }
        if (purchase.status() == PurchaseStatus.HELD)
        {
            pending(merchant, purchase.currency(), purchase.amountMinor());
        }
    }

    /** @return the purchase's record, or null when it has none (a plain purchase, or no such purchase). */
    public PurchaseRecord record(final long key)
    {
        return records.get(key);
    }

    /**
     * @return purchase {@code key} of merchant {@code merchant}: its record, or for a plain purchase a record made from its
     * history entry (allocates: reads only); null when there is no such purchase or it is another merchant's.
     */
    public PurchaseRecord view(final long key, final int merchant)
    {
        final PurchaseRecord record = records.get(key);
        if (record != null)
        {
            return customers.ownedBy(record.customerKey(), merchant) ? record : null;
        }
        final int entry = purchaseEntry(key);
        if (entry < 0 || !customers.ownedBy(entries.accountKey(entry), merchant))
        {
            return null;
        }
        final long paid = -entries.amountMinor(entry);
        final long after = entries.balanceAfterMinor(entry);
        final long time = entries.timestampMs(entry);
        return new PurchaseRecord(key, merchants.id(merchant), entries.accountKey(entry), paid, entries.currency(entry),
            texts.get(entries.textRef(entry)), null, null, PurchaseStatus.COMPLETED, 0, List.of(), PurchaseRecord.NOT_ESCROWED,
            PurchaseRecord.NOT_ESCROWED, null, -1, after + paid, after, time, time);
    }

    /**
     * @return the history index of purchase {@code key}'s debit of its customer (every purchase has exactly one), or -1
     * when {@code key} is no purchase.
     */
    public int purchaseEntry(final long key)
    {
        if (key < 0)
        {
            return -1;
        }
        final int first = entries.firstOfCommand(key);
        if (first < 0)
        {
            return -1;
        }
        for (int entry = first; entry < entries.size() && entries.commandId(entry) == key; entry++)
        {
            if (entries.type(entry) == EntryType.PURCHASE && entries.accountKind(entry) == EntryLog.ACCOUNT_CUSTOMER)
            {
                return entry;
            }
        }
        return -1;
    }

    /** @return the customer debit entry of merchant {@code merchant}'s newest purchase, or -1. */
    public int newestEntry(final int merchant)
    {
        return merchant >= 0 && merchant < newestByMerchant.length ? newestByMerchant[merchant] : -1;
    }

    /** @return the customer debit entry of the purchase its merchant made before the one of {@code entry}, or -1. */
    public int previousEntry(final int entry)
    {
        return entries.link(entry);
    }

    /** @return how many purchases merchant {@code merchant} has. */
    public long count(final int merchant)
    {
        return merchant >= 0 && merchant < countByMerchant.length ? countByMerchant[merchant] : 0;
    }

    /** @return the keys of merchant {@code merchant}'s purchases that have a record, oldest first (live list: read only). */
    public LongArrayList recordKeys(final int merchant)
    {
        return merchant >= 0 && merchant < recordKeysByMerchant.size() ? recordKeysByMerchant.get(merchant) : NONE;
    }

    /** @return the newest purchase of merchant {@code merchant} with external reference {@code reference}, or -1. */
    public long newestWithReference(final int merchant, final String reference)
    {
        final long key = newestByReference.getValue(referenceKey(merchant, reference));
        return key == MISSING ? -1 : key;
    }

    /** @return the purchase before {@code key} with the same merchant and external reference, or -1. */
    public long previousWithReference(final long key)
    {
        final long previous = previousByReference.get(key);
        return previous == MISSING ? -1 : previous;
    }

    /** @return the purchase of customer {@code customerKey} (merchant {@code merchant}) with {@code reference}, or -1. */
    public long customerPurchaseWithReference(final int merchant, final long customerKey, final String reference)
    {
        for (long key = newestWithReference(merchant, reference); key >= 0; key = previousWithReference(key))
        {
            if (records.get(key).customerKey() == customerKey)
            {
                return key;
            }
        }
        return -1;
    }

    /** @return the money escrowed purchases hold for merchant {@code merchant} in {@code currency}. */
    public long pendingMinor(final int merchant, final int currency)
    {
        final long pending = merchant < 0 ? MISSING : pendingByMerchant.get(Accounts.balanceKey(merchant, currency));
        return pending == MISSING ? 0 : pending;
    }

    /** @return how many purchases have a record. */
    public int recordCount()
    {
        return records.size();
    }

    /** Calls {@code sink} for every record (in no particular order). */
    public void forEachRecord(final java.util.function.Consumer<PurchaseRecord> sink)
    {
        records.values().forEach(sink);
    }

    /**
     * Rebuilds the derived state from the history and the records, after a snapshot loaded them: the purchase keys from
     * the customers' purchase entries (in history order, which is key order), then the records in key order.
     */
    public void rebuild()
    {
        newestByMerchant = new int[0];
        countByMerchant = new long[0];
        recordKeysByMerchant.clear();
        newestByReference.clear();
        previousByReference.clear();
        pendingByMerchant.clear();
        for (int entry = 0; entry < entries.size(); entry++)
        {
            if (entries.type(entry) == EntryType.PURCHASE && entries.accountKind(entry) == EntryLog.ACCOUNT_CUSTOMER)
            {
                chain(customers.merchantOf(entries.accountKey(entry)), entry);
            }
        }
        final Long2ObjectHashMap<PurchaseRecord> all = new Long2ObjectHashMap<>();
        all.putAll(records);
        records.clear();
        for (final long key : SnapshotRecords.sortedKeys(all))
        {
            final PurchaseRecord purchase = all.get(key);
            index(customers.merchantOf(purchase.customerKey()), purchase);
        }
    }

    /** Folds every record, in key order, into {@code hash}; nothing when there is none. */
    public void hashInto(final StateHash hash)
    {
        if (records.isEmpty())
        {
            return;
        }
        hash.add(SnapshotTags.PURCHASES).add(records.size());
        for (final long key : SnapshotRecords.sortedKeys(records))
        {
            SnapshotRecords.hashPurchase(hash, records.get(key));
        }
    }

    @Override
    public int[] sectionTags()
    {
        return new int[] {SnapshotTags.PURCHASES};
    }

    @Override
    public void writeSections(final SectionOutput out) throws IOException
    {
        if (records.isEmpty())
        {
            return;
        }
        out.beginSection(SnapshotTags.PURCHASES);
        out.writeInt(records.size());
        for (final long key : SnapshotRecords.sortedKeys(records))
        {
            SnapshotRecords.writePurchase(out, records.get(key));
        }
        out.endSection();
    }

    @Override
    public void readSection(final int tag, final SectionInput in, final boolean[] seen) throws IOException
    {
        if (!seen[SnapshotTags.CUSTOMERS])
        {
            throw new SnapshotFormatException("section tag=" + in.tag() + " (purchases) comes before the customers");
        }
        final int count = in.readCount("purchases", SnapshotRecords.COUNT_MAX);
        for (int i = 0; i < count; i++)
        {
            final PurchaseRecord purchase = SnapshotRecords.readPurchase(in);
            if (customers.merchantOf(purchase.customerKey()) < 0 || records.put(purchase.key(), purchase) != null)
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " purchase key=" + purchase.key() +
                    " names no customer or appears twice");
            }
        }
    }

    /** Adds a record to the record index, the reference index and the pending money; its key is the newest so far. */
    private void index(final int merchant, final PurchaseRecord purchase)
    {
        records.put(purchase.key(), purchase);
        list(recordKeysByMerchant, merchant).addLong(purchase.key());
        if (purchase.externalReference() != null)
        {
            final long previous = newestByReference.put(referenceKey(merchant, purchase.externalReference()), purchase.key());
            if (previous != MISSING)
            {
                previousByReference.put(purchase.key(), previous);
            }
        }
        if (purchase.status() == PurchaseStatus.HELD)
        {
            pending(merchant, purchase.currency(), purchase.amountMinor());
        }
    }

    /** Makes history entry {@code entry} (a purchase's customer debit) merchant {@code merchant}'s newest purchase. */
    private void chain(final int merchant, final int entry)
    {
        if (merchant >= newestByMerchant.length)
        {
            final int from = newestByMerchant.length;
            newestByMerchant = java.util.Arrays.copyOf(newestByMerchant, Math.max(merchant + 1, 2 * from));
            java.util.Arrays.fill(newestByMerchant, from, newestByMerchant.length, -1);
            countByMerchant = java.util.Arrays.copyOf(countByMerchant, newestByMerchant.length);
        }
        entries.link(entry, newestByMerchant[merchant]);
        newestByMerchant[merchant] = entry;
        countByMerchant[merchant]++;
    }

    private void pending(final int merchant, final int currency, final long deltaMinor)
    {
        final long key = Accounts.balanceKey(merchant, currency);
        final long before = pendingByMerchant.get(key);
        final long after = (before == MISSING ? 0 : before) + deltaMinor;
        if (after == 0)
        {
            pendingByMerchant.remove(key);
        }
        else
        {
            pendingByMerchant.put(key, after);
        }
    }

    private static String referenceKey(final int merchant, final String reference)
    {
        return merchant + "\u0000" + reference;
    }

    private static LongArrayList list(final ArrayList<LongArrayList> byMerchant, final int merchant)
    {
        while (byMerchant.size() <= merchant)
        {
            byMerchant.add(new LongArrayList());
        }
        return byMerchant.get(merchant);
    }

    /** @return where {@code key} goes in the ascending {@code keys}. */
    private static int insertionPoint(final LongArrayList keys, final long key)
    {
        int low = 0;
        int high = keys.size();
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (keys.getLong(mid) < key)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }
}
