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
    /**
     * @param currency       ISO 4217 code.
     * @param customersMinor the sum of customer balances.
     * @param merchantsMinor the sum of merchant balances.
     * @param paidInMinor    the money paid in.
     * @param paidOutMinor   the money paid out; paid in minus paid out equals the two sums' total when money is conserved.
     */
    public record CurrencyTotals(String currency, long customersMinor, long merchantsMinor, long paidInMinor, long paidOutMinor)
    {
    }

    private LedgerTotals()
    {
    }

    /** @return one line per currency that was ever paid in or held, sorted by code. */
    public static List<CurrencyTotals> of(final Ledger ledger)
    {
        final Accounts accounts = ledger.state().accounts();
        final TreeMap<String, long[]> sums = new TreeMap<>();
        accounts.forEachBalance((merchant, currency, amount) ->
        {
            final long[] s = sums.computeIfAbsent(Currencies.toString(currency), c -> new long[4]);
            final int column = merchant ? 1 : 0;
            s[column] = Math.addExact(s[column], amount);
        });
        accounts.paidInByCurrency().forEachLong((currency, amount) ->
            sums.computeIfAbsent(Currencies.toString((int)currency), c -> new long[4])[2] += amount);
        accounts.paidOutByCurrency().forEachLong((currency, amount) ->
            sums.computeIfAbsent(Currencies.toString((int)currency), c -> new long[4])[3] += amount);
        final List<CurrencyTotals> totals = new ArrayList<>(sums.size());
        sums.forEach((currency, s) -> totals.add(new CurrencyTotals(currency, s[0], s[1], s[2], s[3])));
        return totals;
    }
}
