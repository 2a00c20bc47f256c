package io.ledger.engine.internal;

import java.io.IOException;

import io.ledger.engine.Currencies;
import io.ledger.engine.MoneyTotals;
import io.ledger.engine.SnapshotFormatException;
import org.agrona.collections.Long2LongHashMap;

/**
 * Money per account: one {@code long} of minor units per (customer, currency), per (merchant, currency), per escrow
 * hold (purchase key, currency) and per gift balance (gift key, currency), keyed by {@code accountKey << 15 | currency}
 * (a hold or gift balance that reaches 0 is removed: it never holds money again); each account's first currency and last history entry (the head of its
 * newest-first chain in {@link EntryLog}); each customer's entry count; and the money that entered (paid in) and left
 * (paid out) the ledger per currency. Only {@link Money} changes balances.
 *
 * <p>A customer's last entry and entry count change together, so they share one map (the count in the high 32 bits,
 * the entry in the low 32): one lookup where there were two. They are still written as two sections.
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

    private final Long2LongHashMap customerBalances = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap merchantBalances = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap customerFirstCurrency = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap merchantFirstCurrency = new Long2LongHashMap(MISSING);
    /** Per customer: entry count (high 32 bits) and last entry (low 32 bits); see {@link #links}. */
    private final Long2LongHashMap customerLinks = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap merchantLastEntry = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap paidInByCurrency = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap paidOutByCurrency = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap heldBalances = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap giftBalances = new Long2LongHashMap(MISSING);
    private final MoneyTotals totals = new MoneyTotals();

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
        return orZero(customerBalances, balanceKey(customerKey, currency));
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
        customerBalances.put(balanceKey(customerKey, currency), balance);
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
        final long first = customerFirstCurrency.get(customerKey);
        return first == MISSING ? -1 : (int)first;
    }

    /** @return the currency the merchant first received, or -1. */
    public int merchantFirstCurrency(final int merchant)
    {
        final long first = merchant < 0 ? MISSING : merchantFirstCurrency.get(merchant);
        return first == MISSING ? -1 : (int)first;
    }

    void noteCustomerCurrency(final long customerKey, final int currency)
    {
        if (customerFirstCurrency.get(customerKey) == MISSING)
        {
            customerFirstCurrency.put(customerKey, currency);
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
        return lastEntryOf(customerLinks.get(customerKey));
    }

    /**
     * @return customer {@code customerKey}'s links: its entry count and newest entry in one value, read with
     * {@link #lastEntryOf}; {@link SnapshotRecords#MISSING} for a customer without entries. Pass it back to
     * {@link #customerEntry(long, int, long)}.
     */
    public long customerLinks(final long customerKey)
    {
        return customerLinks.get(customerKey);
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
        return countOf(customerLinks.get(customerKey));
    }

    /** Records {@code entry} as the customer's newest, one more; {@code links} as {@link #customerLinks} read them. */
    void customerEntry(final long customerKey, final int entry, final long links)
    {
        customerLinks.put(customerKey, links(countOf(links) + 1, entry));
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
        sumHeld(customerBalances, heldByCurrency);
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
        customerBalances.forEachLong((key, amount) -> sink.balance(MoneyTotals.CUSTOMERS, currencyOf(key), amount));
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
        final long links = customerLinks.get(key);
        hash.add(customerFirstCurrency.get(key)).add(links == MISSING ? MISSING : lastEntryOf(links))
            .add(links == MISSING ? MISSING : countOf(links));
    }

    /** Folds the balances, the merchants' links and the money paid in and out into {@code hash}. */
    public void hashInto(final StateHash hash)
    {
        SnapshotRecords.hashMap(hash, customerBalances);
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
        else
        {
            SnapshotRecords.readLongMap(in, map(tag));
        }
    }

    /** One of the two sections the links map holds: the last entries, or the entry counts, key by key. */
    private void writeLinks(final SectionOutput out, final int tag) throws IOException
    {
        final boolean counts = tag == SnapshotTags.CUSTOMER_ENTRY_COUNT;
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
            final long links = customerLinks.get(key);
            final long known = links == MISSING ? links(0, -1) : links;
            final boolean repeated = counts ? countOf(known) != 0 : lastEntryOf(known) != -1;
            if (repeated || (counts ? value < 1 || value > Integer.MAX_VALUE : value < 0 || value > Integer.MAX_VALUE))
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " key=" + key + " value=" + value +
                    " is out of range or a duplicate key");
            }
            customerLinks.put(key, counts ? links(value, lastEntryOf(known)) : links(countOf(known), (int)value));
        }
    }

    private Long2LongHashMap map(final int tag)
    {
        return switch (tag)
        {
            case SnapshotTags.CUSTOMER_BALANCES -> customerBalances;
            case SnapshotTags.MERCHANT_BALANCES -> merchantBalances;
            case SnapshotTags.CUSTOMER_FIRST_CURRENCY -> customerFirstCurrency;
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
        balances.forEachLong((key, amount) ->
        {
            if (amount < 0)
            {
                throw new IllegalStateException("balanceKey=" + key + " amount=" + amount + " is negative");
            }
            final int currency = currencyOf(key);
            held.put(currency, Math.addExact(orZero(held, currency), amount));
        });
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
