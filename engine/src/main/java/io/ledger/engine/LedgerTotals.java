package io.ledger.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import io.ledger.engine.internal.Accounts;

/**
 * Money held per currency, summed over every account: for operator tools ({@code ledger replay}) and tests. Walks
 * every balance, so it is not for the hot path.
 *
 * <p>Thread-safety: as {@link Ledger}: on the thread that owns it, or after that thread stopped.
 */
public final class LedgerTotals
{
    private static final int COLUMNS = 6;

    /**
     * @param currency       ISO 4217 code.
     * @param customersMinor the sum of customer balances.
     * @param merchantsMinor the sum of merchant balances.
     * @param paidInMinor    the money paid in.
     * @param paidOutMinor   the money paid out.
     * @param heldMinor      the money escrowed purchases hold.
     * @param giftsMinor     the money in gift balances.
     */
    public record CurrencyTotals(
        String currency, long customersMinor, long merchantsMinor, long paidInMinor, long paidOutMinor, long heldMinor, long giftsMinor)
    {
        /** Totals of a currency without escrow holds or gift balances. */
        public CurrencyTotals(
            final String currency, final long customersMinor, final long merchantsMinor, final long paidInMinor, final long paidOutMinor)
        {
            this(currency, customersMinor, merchantsMinor, paidInMinor, paidOutMinor, 0, 0);
        }

        /** @return everything inside the ledger: customers, merchants, holds and gift balances. */
        public long insideMinor()
        {
            return Math.addExact(Math.addExact(customersMinor, merchantsMinor), Math.addExact(heldMinor, giftsMinor));
        }

        /** @return true when the money inside the ledger equals the money paid in less the money paid out. */
        public boolean conserved()
        {
            try
            {
                return insideMinor() == Math.subtractExact(paidInMinor, paidOutMinor);
            }
            catch (final ArithmeticException ex)
            {
                return false;
            }
        }
    }

    private LedgerTotals()
    {
    }

    /** @return one line per currency that was ever paid in or held, sorted by code. */
    public static List<CurrencyTotals> of(final Ledger ledger)
    {
        final Accounts accounts = ledger.state().accounts();
        final TreeMap<String, long[]> sums = new TreeMap<>();
        accounts.forEachBalance((place, currency, amount) ->
        {
            final long[] s = sums.computeIfAbsent(Currencies.toString(currency), c -> new long[COLUMNS]);
            final int column = switch (place)
            {
                case MoneyTotals.CUSTOMERS -> 0;
                case MoneyTotals.MERCHANTS -> 1;
                case MoneyTotals.HELD -> 4;
                default -> 5;
            };
            s[column] = Math.addExact(s[column], amount);
        });
        accounts.paidInByCurrency().forEachLong((currency, amount) ->
            sums.computeIfAbsent(Currencies.toString((int)currency), c -> new long[COLUMNS])[2] += amount);
        accounts.paidOutByCurrency().forEachLong((currency, amount) ->
            sums.computeIfAbsent(Currencies.toString((int)currency), c -> new long[COLUMNS])[3] += amount);
        final List<CurrencyTotals> totals = new ArrayList<>(sums.size());
        sums.forEach((currency, s) -> totals.add(new CurrencyTotals(currency, s[0], s[1], s[2], s[3], s[4], s[5])));
        return totals;
    }
}
