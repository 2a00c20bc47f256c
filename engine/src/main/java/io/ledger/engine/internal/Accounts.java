package io.ledger.engine.internal;

import java.io.IOException;

import io.ledger.engine.Currencies;
import io.ledger.engine.MoneyTotals;
import io.ledger.engine.SnapshotFormatException;
import org.agrona.collections.Long2LongHashMap;

/**
 * Money per account: one {@code long} of minor units per (customer, currency), per (merchant, currency), per escrow
 * hold (purchase key, currency) and per gift balance (gift key, currency), keyed by {@code accountKey << 15 | currency}
 * (a hold or gift balance that reaches 0 is removed: it never holds money again); each account's first currency and
 * last history entry (the head of its newest-first chain in {@link EntryLog}); each customer's entry count; and the
 * money that entered (paid in) and left (paid out) the ledger per currency. Only {@link Money} changes balances.
 *
 * <p>A customer's first currency, its balance in one currency (the first it got), its entry count and last entry live
 * in its row of {@link CustomerRows}, next to its merchant: a pay-in or purchase finds all it needs of the customer
 * with one lookup. Its balances in any other currency are in a side map (rare). The sections and the state hash are
 * written from the rows exactly as from the maps they replaced, byte for byte: each section from a map refilled in the
 * order the old map got its keys (kept in three append-only {@link IntLog}s, 16 bytes per customer; a snapshot
 * allocates these maps, the ledger never does), and the hash sorts by key, as before.
 *
 * <p>Sections (each a long map: count i32, then key i64 and value i64 per entry), in the order written:
 * {@link SnapshotTags#CUSTOMER_BALANCES}, {@code MERCHANT_BALANCES}, {@code CUSTOMER_FIRST_CURRENCY},
 * {@code MERCHANT_FIRST_CURRENCY}, {@code CUSTOMER_LAST_ENTRY}, {@code CUSTOMER_ENTRY_COUNT},
 * {@code MERCHANT_LAST_ENTRY}, {@code PAID_IN_BY_CURRENCY}, {@code PAID_OUT_BY_CURRENCY}, and, only when not empty (so a
 * ledger without escrow or gift balances writes and hashes what it did before they existed), {@code HELD_BALANCES} and
 * {@code GIFT_BALANCES}.
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class Accounts implements SnapshotPart
{
    private static final long MISSING = SnapshotRecords.MISSING;
    private static final int[] TAGS = {
        SnapshotTags.CUSTOMER_BALANCES, SnapshotTags.MERCHANT_BALANCES, SnapshotTags.CUSTOMER_FIRST_CURRENCY,
        SnapshotTags.MERCHANT_FIRST_CURRENCY, SnapshotTags.CUSTOMER_LAST_ENTRY, SnapshotTags.CUSTOMER_ENTRY_COUNT,
        SnapshotTags.MERCHANT_LAST_ENTRY, SnapshotTags.PAID_IN_BY_CURRENCY, SnapshotTags.PAID_OUT_BY_CURRENCY};
    private static final int[] OPTIONAL_TAGS = {SnapshotTags.HELD_BALANCES, SnapshotTags.GIFT_BALANCES};

    /** Per customer: first currency, one balance, entry count and last entry (see {@link #links}); shared with {@link CustomerBook}. */
    private final CustomerRows rows;
    /** Customer balances in a currency other than the one their row holds, by {@link #balanceKey}: rare. */
    private final Long2LongHashMap otherCustomerBalances = new Long2LongHashMap(MISSING);
    private int rowBalances;
    private int firstCurrencies;
    private int linkedCustomers;
    // The order each customer field first got each key, as the maps the rows replaced saw their keys come: (row,
    // currency) pairs for the balances, rows for the first currencies and the links. A snapshot writes each section in
    // the order a map filled in that order iterates, so that the same commands still give the same snapshot bytes.
    private final IntLog balanceOrder = new IntLog();
    private final IntLog firstCurrencyOrder = new IntLog();
    private final IntLog linksOrder = new IntLog();
    private final Long2LongHashMap merchantBalances = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap merchantFirstCurrency = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap merchantLastEntry = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap paidInByCurrency = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap paidOutByCurrency = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap heldBalances = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap giftBalances = new Long2LongHashMap(MISSING);
    private final MoneyTotals totals = new MoneyTotals();

    /** @param rows the customers' rows, shared with {@link CustomerBook} (which writes their merchants). */
    public Accounts(final CustomerRows rows)
    {
        this.rows = rows;
    }

    /** @return the customers' rows (shared with {@link CustomerBook}). */
    CustomerRows customerRows()
    {
        return rows;
    }

    /** @return money per currency as it moves (derived from these balances), for readers on other threads. */
    public MoneyTotals totals()
    {
        return totals;
    }

    /** @return the map key of account {@code accountKey}'s balance in {@code currency}. */
    public static long balanceKey(final long accountKey, final int currency)
    {
        return (accountKey << Currencies.CODE_BITS) | currency;
    }

    /** @return the currency of a balance key. */
    public static int currencyOf(final long balanceKey)
    {
        return (int)(balanceKey & ((1 << Currencies.CODE_BITS) - 1));
    }

    /** @return the balance of customer {@code customerKey} in {@code currency}; 0 when it never held any. */
    public long customerBalance(final long customerKey, final int currency)
    {
        final int row = rows.find(customerKey);
        if (row < 0)
        {
            return 0;
        }
        return rows.balanceCurrency(row) == currency ? rows.balance(row)
            : orZero(otherCustomerBalances, balanceKey(customerKey, currency));
    }

    /** @return the balance of merchant {@code merchant} in {@code currency}; 0 when it never held any (or is -1). */
    public long merchantBalance(final int merchant, final int currency)
    {
        return merchant < 0 ? 0 : orZero(merchantBalances, balanceKey(merchant, currency));
    }

    /** @return what escrow hold {@code purchaseKey} holds in {@code currency}; 0 when nothing (any more). */
    public long heldBalance(final long purchaseKey, final int currency)
    {
        return orZero(heldBalances, balanceKey(purchaseKey, currency));
    }

    /** @return what gift balance {@code giftKey} holds in {@code currency}; 0 when nothing (any more). */
    public long giftBalance(final long giftKey, final int currency)
    {
        return orZero(giftBalances, balanceKey(giftKey, currency));
    }

    /** @return how many escrow holds hold money. */
    public int heldAccounts()
    {
        return heldBalances.size();
    }

    /** @return how many gift balances hold money. */
    public int giftAccounts()
    {
        return giftBalances.size();
    }

    void heldBalance(final long purchaseKey, final int currency, final long balance)
    {
        putOrRemove(heldBalances, balanceKey(purchaseKey, currency), balance);
    }

    void giftBalance(final long giftKey, final int currency, final long balance)
    {
        putOrRemove(giftBalances, balanceKey(giftKey, currency), balance);
    }

    void customerBalance(final long customerKey, final int currency, final long balance)
    {
        final int row = rows.findOrAdd(customerKey);
        final int rowCurrency = rows.balanceCurrency(row);
        if (rowCurrency == currency || rowCurrency < 0)
        {
            if (rowCurrency < 0)
            {
                rowBalances++;
                noteNewBalance(row, currency);
            }
            rows.balance(row, currency, balance);
        }
        else if (otherCustomerBalances.put(balanceKey(customerKey, currency), balance) == MISSING)
        {
            noteNewBalance(row, currency);
        }
    }

    private void noteNewBalance(final int row, final int currency)
    {
        balanceOrder.addInt(row);
        balanceOrder.addInt(currency);
    }

    /** @return how many customer balances there are (a balance that reached 0 stays one). */
    public int customerBalances()
    {
        return rowBalances + otherCustomerBalances.size();
    }

    void merchantBalance(final int merchant, final int currency, final long balance)
    {
        merchantBalances.put(balanceKey(merchant, currency), balance);
    }

    /** @return the money paid into the ledger in {@code currency}. */
    public long paidIn(final int currency)
    {
        return orZero(paidInByCurrency, currency);
    }

    /** @return the money paid out of the ledger in {@code currency}. */
    public long paidOut(final int currency)
    {
        return orZero(paidOutByCurrency, currency);
    }

    void paidIn(final int currency, final long total)
    {
        paidInByCurrency.put(currency, total);
    }

    void paidOut(final int currency, final long total)
    {
        paidOutByCurrency.put(currency, total);
    }

    /** @return the currency the customer first received, or -1. */
    public int customerFirstCurrency(final long customerKey)
    {
        final int row = rows.find(customerKey);
        return row < 0 ? -1 : rows.firstCurrency(row);
    }

    /** @return the currency the merchant first received, or -1. */
    public int merchantFirstCurrency(final int merchant)
    {
        final long first = merchant < 0 ? MISSING : merchantFirstCurrency.get(merchant);
        return first == MISSING ? -1 : (int)first;
    }

    void noteCustomerCurrency(final long customerKey, final int currency)
    {
        final int row = rows.findOrAdd(customerKey);
        if (rows.firstCurrency(row) < 0)
        {
            rows.firstCurrency(row, currency);
            firstCurrencies++;
            firstCurrencyOrder.addInt(row);
        }
    }

    void noteMerchantCurrency(final int merchant, final int currency)
    {
        if (merchantFirstCurrency.get(merchant) == MISSING)
        {
            merchantFirstCurrency.put(merchant, currency);
        }
    }

    /** @return the customer's newest history entry, or -1. */
    public int customerLastEntry(final long customerKey)
    {
        return lastEntryOf(customerLinks(customerKey));
    }

    /**
     * @return customer {@code customerKey}'s links: its entry count and newest entry in one value, read with
     * {@link #lastEntryOf}; {@link SnapshotRecords#MISSING} for a customer without entries. Pass it back to
     * {@link #customerEntry(long, int, long)}.
     */
    public long customerLinks(final long customerKey)
    {
        final int row = rows.find(customerKey);
        return row < 0 ? MISSING : rows.links(row);
    }

    /** @return the newest entry that links read by {@link #customerLinks} name, or -1. */
    public static int lastEntryOf(final long links)
    {
        return links == MISSING ? -1 : (int)links;
    }

    private static long countOf(final long links)
    {
        return links == MISSING ? 0 : links >>> 32;
    }

    private static long links(final long count, final int lastEntry)
    {
        return (count << 32) | (lastEntry & 0xFFFF_FFFFL);
    }

    /** @return the merchant's newest history entry, or -1. */
    public int merchantLastEntry(final int merchant)
    {
        final long last = merchantLastEntry.get(merchant);
        return last == MISSING ? -1 : (int)last;
    }

    /** @return how many history entries the customer has. */
    public long customerEntryCount(final long customerKey)
    {
        return countOf(customerLinks(customerKey));
    }

    /** Records {@code entry} as the customer's newest, one more; {@code links} as {@link #customerLinks} read them. */
    void customerEntry(final long customerKey, final int entry, final long links)
    {
        final int row = rows.findOrAdd(customerKey);
        if (links == MISSING)
        {
            linkedCustomers++;
            linksOrder.addInt(row);
        }
        rows.links(row, links(countOf(links) + 1, entry));
    }

    void merchantEntry(final int merchant, final int entry)
    {
        merchantLastEntry.put(merchant, entry);
    }

    /**
     * Adds every balance into {@code heldByCurrency} (per currency), requiring each to be non-negative.
     *
     * @throws IllegalStateException naming the first negative balance.
     */
    public void sumHeld(final Long2LongHashMap heldByCurrency)
    {
        forEachCustomerBalance((key, amount) -> addHeld(heldByCurrency, key, amount));
        sumHeld(merchantBalances, heldByCurrency);
        sumHeld(heldBalances, heldByCurrency);
        sumHeld(giftBalances, heldByCurrency);
    }

    /**
     * Calls {@code sink} with (place, currency, amount) for every customer balance, every merchant's, every escrow hold
     * and every gift balance, the place being {@link MoneyTotals#CUSTOMERS}, {@code MERCHANTS}, {@code HELD} or {@code GIFTS}.
     */
    public void forEachBalance(final BalanceSink sink)
    {
        forEachCustomerBalance((key, amount) -> sink.balance(MoneyTotals.CUSTOMERS, currencyOf(key), amount));
        merchantBalances.forEachLong((key, amount) -> sink.balance(MoneyTotals.MERCHANTS, currencyOf(key), amount));
        heldBalances.forEachLong((key, amount) -> sink.balance(MoneyTotals.HELD, currencyOf(key), amount));
        giftBalances.forEachLong((key, amount) -> sink.balance(MoneyTotals.GIFTS, currencyOf(key), amount));
    }

    /** Receives balances from {@link #forEachBalance}. */
    @FunctionalInterface
    public interface BalanceSink
    {
        void balance(int place, int currency, long amountMinor);
    }

    /** @return a copy of the money paid in per currency. */
    public Long2LongHashMap paidInByCurrency()
    {
        final Long2LongHashMap copy = new Long2LongHashMap(MISSING);
        copy.putAll(paidInByCurrency);
        return copy;
    }

    /** @return a copy of the money paid out per currency. */
    public Long2LongHashMap paidOutByCurrency()
    {
        final Long2LongHashMap copy = new Long2LongHashMap(MISSING);
        copy.putAll(paidOutByCurrency);
        return copy;
    }

    /** Folds customer {@code key}'s account links into {@code hash}, as the state hash's customer part does. */
    public void hashCustomer(final StateHash hash, final long key)
    {
        final int first = customerFirstCurrency(key);
        final long links = customerLinks(key);
        hash.add(first < 0 ? MISSING : first).add(links == MISSING ? MISSING : lastEntryOf(links))
            .add(links == MISSING ? MISSING : countOf(links));
    }

    /** Folds the balances, the merchants' links and the money paid in and out into {@code hash}. */
    public void hashInto(final StateHash hash)
    {
        hashCustomerBalances(hash);
        SnapshotRecords.hashMap(hash, merchantBalances);
        SnapshotRecords.hashMap(hash, merchantFirstCurrency);
        SnapshotRecords.hashMap(hash, merchantLastEntry);
        SnapshotRecords.hashMap(hash, paidInByCurrency);
        SnapshotRecords.hashMap(hash, paidOutByCurrency);
    }

    /**
     * Folds the escrow holds and gift balances into {@code hash}, each only when not empty: the state hash adds this
     * after everything older, so a ledger that never had either hashes as it did before they existed.
     */
    public void hashHoldsInto(final StateHash hash)
    {
        if (!heldBalances.isEmpty())
        {
            hash.add(SnapshotTags.HELD_BALANCES);
            SnapshotRecords.hashMap(hash, heldBalances);
        }
        if (!giftBalances.isEmpty())
        {
            hash.add(SnapshotTags.GIFT_BALANCES);
            SnapshotRecords.hashMap(hash, giftBalances);
        }
    }

    @Override
    public int[] sectionTags()
    {
        final int[] tags = java.util.Arrays.copyOf(TAGS, TAGS.length + OPTIONAL_TAGS.length);
        System.arraycopy(OPTIONAL_TAGS, 0, tags, TAGS.length, OPTIONAL_TAGS.length);
        return tags;
    }

    @Override
    public void writeSections(final SectionOutput out) throws IOException
    {
        for (final int tag : TAGS)
        {
            if (tag == SnapshotTags.CUSTOMER_LAST_ENTRY || tag == SnapshotTags.CUSTOMER_ENTRY_COUNT)
            {
                writeLinks(out, tag);
            }
            else if (tag == SnapshotTags.CUSTOMER_BALANCES)
            {
                writeCustomerBalances(out);
            }
            else if (tag == SnapshotTags.CUSTOMER_FIRST_CURRENCY)
            {
                writeFirstCurrencies(out);
            }
            else
            {
                SnapshotRecords.writeLongMap(out, tag, map(tag));
            }
        }
        for (final int tag : OPTIONAL_TAGS)
        {
            if (!map(tag).isEmpty())
            {
                SnapshotRecords.writeLongMap(out, tag, map(tag));
            }
        }
    }

    @Override
    public void readSection(final int tag, final SectionInput in, final boolean[] seen) throws IOException
    {
        if (tag == SnapshotTags.CUSTOMER_LAST_ENTRY || tag == SnapshotTags.CUSTOMER_ENTRY_COUNT)
        {
            readLinks(in, tag);
        }
        else if (tag == SnapshotTags.CUSTOMER_BALANCES)
        {
            readCustomerBalances(in);
        }
        else if (tag == SnapshotTags.CUSTOMER_FIRST_CURRENCY)
        {
            readFirstCurrencies(in);
        }
        else
        {
            SnapshotRecords.readLongMap(in, map(tag));
        }
    }

    /** One of the two sections the links map holds: the last entries, or the entry counts, key by key. */
    private void writeLinks(final SectionOutput out, final int tag) throws IOException
    {
        final boolean counts = tag == SnapshotTags.CUSTOMER_ENTRY_COUNT;
        final Long2LongHashMap customerLinks = new Long2LongHashMap(MISSING);
        for (int i = 0; i < linksOrder.size(); i++)
        {
            final int row = linksOrder.getInt(i);
            customerLinks.put(rows.key(row), rows.links(row));
        }
        out.beginSection(tag);
        out.writeInt(customerLinks.size());
        SnapshotRecords.forEach(customerLinks, (key, links) ->
        {
            out.writeLong(key);
            out.writeLong(counts ? countOf(links) : lastEntryOf(links));
        });
        out.endSection();
    }

    /**
     * Merges a last-entry or entry-count section into the links map (in either order). A customer with entries has a
     * last entry (>= 0) and a count (>= 1): a value already set by the same section is a repeated key.
     */
    private void readLinks(final SectionInput in, final int tag) throws IOException
    {
        final boolean counts = tag == SnapshotTags.CUSTOMER_ENTRY_COUNT;
        final int count = in.readCount("count", SnapshotRecords.COUNT_MAX);
        for (int i = 0; i < count; i++)
        {
            final long key = in.readLong();
            final long value = in.readLong();
            final int row = rows.findOrAdd(key);
            final long links = rows.links(row);
            final long known = links == MISSING ? links(0, -1) : links;
            final boolean repeated = counts ? countOf(known) != 0 : lastEntryOf(known) != -1;
            if (repeated || (counts ? value < 1 || value > Integer.MAX_VALUE : value < 0 || value > Integer.MAX_VALUE))
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " key=" + key + " value=" + value +
                    " is out of range or a duplicate key");
            }
            if (links == MISSING)
            {
                linkedCustomers++;
                linksOrder.addInt(row);
            }
            rows.links(row, counts ? links(value, lastEntryOf(known)) : links(countOf(known), (int)value));
        }
    }

    private Long2LongHashMap map(final int tag)
    {
        return switch (tag)
        {
            case SnapshotTags.MERCHANT_BALANCES -> merchantBalances;
            case SnapshotTags.MERCHANT_FIRST_CURRENCY -> merchantFirstCurrency;
            case SnapshotTags.MERCHANT_LAST_ENTRY -> merchantLastEntry;
            case SnapshotTags.PAID_IN_BY_CURRENCY -> paidInByCurrency;
            case SnapshotTags.PAID_OUT_BY_CURRENCY -> paidOutByCurrency;
            case SnapshotTags.HELD_BALANCES -> heldBalances;
            case SnapshotTags.GIFT_BALANCES -> giftBalances;
            default -> throw new IllegalArgumentException("tag=" + tag + " is not an Accounts section");
        };
    }

    private static void sumHeld(final Long2LongHashMap balances, final Long2LongHashMap held)
    {
        balances.forEachLong((key, amount) -> addHeld(held, key, amount));
    }

    private static void addHeld(final Long2LongHashMap held, final long balanceKey, final long amount)
    {
        if (amount < 0)
        {
            throw new IllegalStateException("balanceKey=" + balanceKey + " amount=" + amount + " is negative");
        }
        final int currency = currencyOf(balanceKey);
        held.put(currency, Math.addExact(orZero(held, currency), amount));
    }

    /** Calls {@code sink} with (balance key, amount) for every customer balance: the rows' in row order, then the others. */
    private void forEachCustomerBalance(final org.agrona.collections.LongLongConsumer sink)
    {
        for (int row = 0; row < rows.size(); row++)
        {
            final int currency = rows.balanceCurrency(row);
            if (currency >= 0)
            {
                sink.accept(balanceKey(rows.key(row), currency), rows.balance(row));
            }
        }
        otherCustomerBalances.forEachLong(sink);
    }

    /** The customer balances as {@link SnapshotRecords#hashMap} hashed the map they were: count, then sorted by key. */
    private void hashCustomerBalances(final StateHash hash)
    {
        final long[] keys = new long[customerBalances()];
        final int[] filled = {0};
        forEachCustomerBalance((key, amount) -> keys[filled[0]++] = key);
        java.util.Arrays.sort(keys);
        hash.add(keys.length);
        for (final long key : keys)
        {
            hash.add(key).add(customerBalance(key >> Currencies.CODE_BITS, currencyOf(key)));
        }
    }

    /**
     * The customer balances section: the map it was written from before the rows, filled again in the order it got its
     * keys (so it iterates, and the section reads, byte for byte as it did). Allocates (snapshots only).
     */
    private void writeCustomerBalances(final SectionOutput out) throws IOException
    {
        final Long2LongHashMap customerBalances = new Long2LongHashMap(MISSING);
        for (int i = 0; i < balanceOrder.size(); i += 2)
        {
            final int row = balanceOrder.getInt(i);
            final int currency = balanceOrder.getInt(i + 1);
            final long key = balanceKey(rows.key(row), currency);
            customerBalances.put(key, rows.balanceCurrency(row) == currency ? rows.balance(row) : otherCustomerBalances.get(key));
        }
        SnapshotRecords.writeLongMap(out, SnapshotTags.CUSTOMER_BALANCES, customerBalances);
    }

    /** The customers' first currencies section, written as {@link #writeCustomerBalances} writes the balances. */
    private void writeFirstCurrencies(final SectionOutput out) throws IOException
    {
        final Long2LongHashMap customerFirstCurrency = new Long2LongHashMap(MISSING);
        for (int i = 0; i < firstCurrencyOrder.size(); i++)
        {
            final int row = firstCurrencyOrder.getInt(i);
            customerFirstCurrency.put(rows.key(row), rows.firstCurrency(row));
        }
        SnapshotRecords.writeLongMap(out, SnapshotTags.CUSTOMER_FIRST_CURRENCY, customerFirstCurrency);
    }

    /** Reads the customer balances section; refuses the missing value and a repeated key, as {@link SnapshotRecords#readLongMap}. */
    private void readCustomerBalances(final SectionInput in) throws IOException
    {
        final int count = in.readCount("count", SnapshotRecords.COUNT_MAX);
        for (int i = 0; i < count; i++)
        {
            final long key = in.readLong();
            final long value = in.readLong();
            final long customerKey = key >> Currencies.CODE_BITS;
            final int currency = currencyOf(key);
            final int row = rows.find(customerKey);
            final boolean repeated = row >= 0 && (rows.balanceCurrency(row) == currency || otherCustomerBalances.containsKey(key));
            if (value == MISSING || repeated)
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " key=" + key + " value=" + value +
                    " is the missing value or a duplicate key");
            }
            customerBalance(customerKey, currency, value);
        }
    }

    /**
     * Reads the customers' first currencies; refuses a repeated key, and a value that is no currency code (the maps
     * this section was read into before kept any long but the missing value; only currency codes were ever written).
     */
    private void readFirstCurrencies(final SectionInput in) throws IOException
    {
        final int count = in.readCount("count", SnapshotRecords.COUNT_MAX);
        for (int i = 0; i < count; i++)
        {
            final long key = in.readLong();
            final long value = in.readLong();
            final int row = rows.findOrAdd(key);
            if (value < 0 || value > Integer.MAX_VALUE || rows.firstCurrency(row) >= 0)
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " key=" + key + " value=" + value +
                    " is not a currency code or a duplicate key");
            }
            noteCustomerCurrency(key, (int)value);
        }
    }

    private static void putOrRemove(final Long2LongHashMap map, final long key, final long balance)
    {
        if (balance == 0)
        {
            map.remove(key);
        }
        else
        {
            map.put(key, balance);
        }
    }

    private static long orZero(final Long2LongHashMap map, final long key)
    {
        final long value = map.get(key);
        return value == MISSING ? 0 : value;
    }
}
