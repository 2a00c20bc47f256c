package io.ledger.engine;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.collections.Int2IntHashMap;

/**
 * Money per currency, summed over every account and kept as money moves, so that the totals and the conservation
 * check cost nothing to read: customers' balances, merchants' balances, money held by escrowed purchases, money in gift
 * balances, money paid in and money paid out. {@link LedgerTotals#of} walks every balance for the same figures; this never does.
 *
 * <p>Two sides:
 * <ul>
 *   <li>Running totals, changed by {@link #move} where the ledger moves money (its money primitive,
 *       {@code io.ledger.engine.internal.Money}). Ledger thread only; plain
 *       arrays, no allocation once a currency has its slot (the first movement in a currency takes one).
 *   <li>A published copy for other threads: {@link #publish()} copies the running totals under a sequence lock (even:
 *       stable, odd: being written) at the end of each pipeline batch, only when money moved since the last copy;
 *       {@link #read()} copies them out and retries if a publish overlapped. Neither side ever waits for the other
 *       beyond that copy: the ledger thread never pauses for a reader.
 * </ul>
 *
 * <p>The running totals are part of the ledger's state as far as replay goes (rebuilt by replay, recounted from the
 * balances when a snapshot loads), but not of its hash or its snapshot: they are derived from the balances.
 */
public final class MoneyTotals
{
    /** Every three-letter code has room (ISO 4217 uses about 180 of them), so counting can never run out of slots. */
    public static final int CURRENCIES_MAX = 26 * 26 * 26;

    /** Where money sits, for {@link #move}. */
    public static final int OUTSIDE = 0;
    public static final int CUSTOMERS = 1;
    public static final int MERCHANTS = 2;
    /** Escrowed purchases' holds. */
    public static final int HELD = 3;
    /** Gift balances. */
    public static final int GIFTS = 4;

    private static final int COLUMNS = 6; // customers, merchants, paid in, paid out, held, gifts
    private static final int COL_CUSTOMERS = 0;
    private static final int COL_MERCHANTS = 1;
    private static final int COL_PAID_IN = 2;
    private static final int COL_PAID_OUT = 3;
    private static final int COL_HELD = 4;
    private static final int COL_GIFTS = 5;
    private static final int NO_SLOT = -1;
    /** Slots allocated up front; they double when a currency beyond them first moves. */
    private static final int SLOTS_INITIAL = 16;

    // ---- running: ledger thread only
    private final Int2IntHashMap slotOfCurrency = new Int2IntHashMap(NO_SLOT);
    private int[] currencyOfSlot = new int[SLOTS_INITIAL];
    private long[] running = new long[SLOTS_INITIAL * COLUMNS];
    private int slots;
    private long moves;
    private long movesPublished = -1;

    // ---- published: written by the ledger thread in publish(), read by any thread in read()
    private final AtomicLong sequence = new AtomicLong();
    private int[] publishedCurrencies = new int[SLOTS_INITIAL];
    private long[] published = new long[SLOTS_INITIAL * COLUMNS];
    private int publishedSlots;

    /**
     * Counts {@code amountMinor} of {@code currency} moving from one place to another ({@link #OUTSIDE},
     * {@link #CUSTOMERS}, {@link #MERCHANTS}, {@link #HELD}, {@link #GIFTS}): from outside is a payment in, to outside a payment out. Ledger thread:
     * only the ledger's money primitive calls it.
     *
     * @throws ArithmeticException on overflow (the ledger checks its limits before it moves money).
     */
    public void move(final int currency, final int from, final int to, final long amountMinor)
    {
        if (from == to)
        {
            return;
        }
        final int base = slot(currency) * COLUMNS;
        if (from == OUTSIDE)
        {
            running[base + COL_PAID_IN] = Math.addExact(running[base + COL_PAID_IN], amountMinor);
        }
        else
        {
            running[base + column(from)] = Math.subtractExact(running[base + column(from)], amountMinor);
        }
        if (to == OUTSIDE)
        {
            running[base + COL_PAID_OUT] = Math.addExact(running[base + COL_PAID_OUT], amountMinor);
        }
        else
        {
            running[base + column(to)] = Math.addExact(running[base + column(to)], amountMinor);
        }
        moves++;
    }

    /** Sets every running total from a full count (after a snapshot load). Ledger thread, or before it starts. */
    void recount(final List<LedgerTotals.CurrencyTotals> totals)
    {
        slotOfCurrency.clear();
        slots = 0;
        java.util.Arrays.fill(running, 0);
        for (final LedgerTotals.CurrencyTotals t : totals)
        {
            final int base = slot(Currencies.pack(t.currency())) * COLUMNS;
            running[base + COL_CUSTOMERS] = t.customersMinor();
            running[base + COL_MERCHANTS] = t.merchantsMinor();
            running[base + COL_PAID_IN] = t.paidInMinor();
            running[base + COL_PAID_OUT] = t.paidOutMinor();
            running[base + COL_HELD] = t.heldMinor();
            running[base + COL_GIFTS] = t.giftsMinor();
        }
        moves++;
    }

    /**
     * Makes the running totals readable by {@link #read()}, if money moved since the last call. Ledger thread: the
     * pipeline calls it at the end of every batch. Allocation-free; copies 6 longs per currency.
     */
    public void publish()
    {
        if (moves == movesPublished)
        {
            return;
        }
        movesPublished = moves;
        final long s = sequence.get();
        sequence.set(s + 1); // odd: being written
        VarHandle.storeStoreFence();
        if (publishedCurrencies.length < slots)
        {
            publishedCurrencies = new int[currencyOfSlot.length];
            published = new long[running.length];
        }
        System.arraycopy(currencyOfSlot, 0, publishedCurrencies, 0, slots);
        System.arraycopy(running, 0, published, 0, slots * COLUMNS);
        publishedSlots = slots;
        sequence.set(s + 2); // even: stable (a volatile write: the copies above are ordered before it)
    }

    /**
     * @return the published totals, one per currency that ever moved, in the order the currencies first moved; empty
     * before the first publish. Any thread; never makes the ledger thread wait.
     */
    public List<LedgerTotals.CurrencyTotals> read()
    {
        int[] currencies = new int[0];
        long[] values = new long[0];
        while (true)
        {
            final long before = sequence.get();
            if ((before & 1) != 0)
            {
                Thread.onSpinWait();
                continue;
            }
            final int n = publishedSlots;
            final int[] fromCurrencies = publishedCurrencies;
            final long[] fromValues = published;
            if (currencies.length < n)
            {
                currencies = new int[n];
                values = new long[n * COLUMNS];
            }
            if (fromCurrencies.length < n || fromValues.length < n * COLUMNS)
            {
                continue; // a publish is swapping in larger arrays: read again
            }
            System.arraycopy(fromCurrencies, 0, currencies, 0, n);
            System.arraycopy(fromValues, 0, values, 0, n * COLUMNS);
            VarHandle.loadLoadFence();
            if (sequence.get() == before)
            {
                final List<LedgerTotals.CurrencyTotals> totals = new ArrayList<>(n);
                for (int i = 0; i < n; i++)
                {
                    final int base = i * COLUMNS;
                    totals.add(totals(currencies[i], values, base));
                }
                return totals;
            }
        }
    }

    /** @return the running totals, as {@link #read()} would after a publish. Ledger thread (or after it stopped). */
    List<LedgerTotals.CurrencyTotals> running()
    {
        final List<LedgerTotals.CurrencyTotals> totals = new ArrayList<>(slots);
        for (int i = 0; i < slots; i++)
        {
            final int base = i * COLUMNS;
            totals.add(totals(currencyOfSlot[i], running, base));
        }
        return totals;
    }

    private static LedgerTotals.CurrencyTotals totals(final int currency, final long[] values, final int base)
    {
        return new LedgerTotals.CurrencyTotals(Currencies.toString(currency), values[base + COL_CUSTOMERS], values[base + COL_MERCHANTS],
            values[base + COL_PAID_IN], values[base + COL_PAID_OUT], values[base + COL_HELD], values[base + COL_GIFTS]);
    }

    private int slot(final int currency)
    {
        final int slot = slotOfCurrency.get(currency);
        if (slot != NO_SLOT)
        {
            return slot;
        }
        if (slots == CURRENCIES_MAX)
        {
            throw new IllegalStateException("currencies=" + slots + " reached CURRENCIES_MAX; currency=" + Currencies.toString(currency));
        }
        if (slots == currencyOfSlot.length)
        {
            currencyOfSlot = java.util.Arrays.copyOf(currencyOfSlot, slots * 2);
            running = java.util.Arrays.copyOf(running, slots * 2 * COLUMNS);
        }
        currencyOfSlot[slots] = currency;
        slotOfCurrency.put(currency, slots);
        return slots++;
    }

    private static int column(final int place)
    {
        return switch (place)
        {
            case CUSTOMERS -> COL_CUSTOMERS;
            case MERCHANTS -> COL_MERCHANTS;
            case HELD -> COL_HELD;
            case GIFTS -> COL_GIFTS;
            default -> throw new IllegalArgumentException("place=" + place + " must be OUTSIDE, CUSTOMERS, MERCHANTS, HELD or GIFTS");
        };
    }
}
