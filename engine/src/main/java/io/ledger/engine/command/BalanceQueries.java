package io.ledger.engine.command;

import static io.ledger.engine.Field.CURRENCY;
import static io.ledger.engine.Field.CUSTOMER_KEY;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.CustomerRecord;
import io.ledger.engine.EntryType;
import io.ledger.engine.PurchaseRecord;
import io.ledger.engine.PurchaseStatus;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.Accounts;
import io.ledger.engine.internal.CustomerBook;
import io.ledger.engine.internal.EntryLog;
import io.ledger.engine.internal.LedgerState;
import io.ledger.engine.internal.MerchantBooks;
import io.ledger.engine.internal.PurchaseBook;
import org.agrona.collections.LongArrayList;

/**
 * Balance reads: a customer's and the merchant's own, in the currency asked for, else the account's first currency,
 * else the ledger's default. A customer's read also says what its unexpired gift balances in that currency hold (or
 * that it never had one); a merchant's, what escrowed purchases hold for it ({@code pending}).
 *
 * <p>With {@code TO_MS} (issue 19, {@link AsOf}): the balance after the account's last entry at or before that time,
 * from its history's {@code balanceAfter}. A customer created after that time is {@code CUSTOMER_NOT_FOUND}, as it was
 * then. What the history does not date is not reported as of a moment: a customer's gift balances ({@code
 * giftTotalMinor} -1). A merchant's held money then is derived from its dated releases and its escrowed purchases'
 * records ({@link #pendingAt}).
 *
 * <p>Single-threaded: ledger thread only. Allocation-free.
 */
public final class BalanceQueries
{
    private final int defaultCurrency;
    private final MerchantBooks merchants;
    private final CustomerBook customers;
    private final Accounts accounts;
    private final EntryLog entries;
    private final PurchaseBook purchases;
    private final GiftCommands gifts;

    /**
     * @param defaultCurrency the packed currency reported for an account that never held money.
     * @param gifts           what the customer's gift balances hold.
     */
    public BalanceQueries(final LedgerState state, final int defaultCurrency, final GiftCommands gifts)
    {
        this.purchases = state.purchases();
        this.gifts = gifts;
        this.defaultCurrency = defaultCurrency;
        this.merchants = state.merchants();
        this.customers = state.customers();
        this.accounts = state.accounts();
        this.entries = state.entries();
    }

    public void register(final CommandTable table)
    {
        table.register(CommandType.GET_CUSTOMER_BALANCE, this::customerBalance)
            .register(CommandType.GET_MERCHANT_BALANCE, this::merchantBalance);
    }

    private void customerBalance(final CommandEvent event, final long timeMs)
    {
        final long key = event.get(CUSTOMER_KEY);
        if (!customers.ownedBy(key, merchants.find(event)))
        {
            event.result(ResultCode.CUSTOMER_NOT_FOUND);
            return;
        }
        final long atMs = AsOf.moment(event, timeMs, merchants);
        if (atMs == AsOf.REFUSED)
        {
            return;
        }
        final CustomerRecord customer = customers.get(key);
        final int currency = currencyOrFirst(event, accounts.customerFirstCurrency(key));
        if (atMs != AsOf.NOW)
        {
            if (atMs < customer.createdAtMs())
            {
                event.result(ResultCode.CUSTOMER_NOT_FOUND);
                return;
            }
            final int entry = newestIn(AsOf.atOrBefore(entries, accounts.customerLastEntry(key), atMs), currency);
            event.customer(customer);
            event.resultCurrency(currency);
            event.accountUpdatedAtMs(entry < 0 ? customer.createdAtMs() : entries.timestampMs(entry));
            final long balance = entry < 0 ? 0 : entries.balanceAfterMinor(entry);
            event.balances(balance, balance);
            event.giftTotalMinor(-1);
            event.resultKey(key);
            event.result(ResultCode.OK);
            return;
        }
        final long balance = accounts.customerBalance(key, currency);
        event.customer(customer);
        event.resultCurrency(currency);
        event.accountUpdatedAtMs(lastMovement(accounts.customerLastEntry(key), currency, customer.createdAtMs()));
        event.balances(balance, balance);
        event.giftTotalMinor(gifts.total(key, currency, timeMs));
        event.resultKey(key);
        event.result(ResultCode.OK);
    }

    /**
     * The merchant's balance. A merchant the ledger has not seen yet has a zero balance opened now: {@code resultKey}
     * is then -1.
     */
    private void merchantBalance(final CommandEvent event, final long timeMs)
    {
        final long atMs = AsOf.moment(event, timeMs, merchants);
        if (atMs == AsOf.REFUSED)
        {
            return;
        }
        final int merchant = merchants.find(event);
        final int currency = currencyOrFirst(event, accounts.merchantFirstCurrency(merchant));
        event.resultCurrency(currency);
        if (atMs != AsOf.NOW)
        {
            final int entry = merchant < 0 ? -1 : newestIn(AsOf.atOrBefore(entries, accounts.merchantLastEntry(merchant), atMs), currency);
            final long createdAtMs = merchant < 0 ? atMs : Math.min(atMs, merchants.book(merchant).createdAtMs());
            event.accountCreatedAtMs(createdAtMs);
            event.accountUpdatedAtMs(entry < 0 ? createdAtMs : entries.timestampMs(entry));
            final long balance = entry < 0 ? 0 : entries.balanceAfterMinor(entry);
            event.pendingMinor(merchant < 0 ? 0 : pendingAt(merchant, currency, atMs));
            event.resultKey(merchant);
            event.balances(balance, balance);
            event.result(ResultCode.OK);
            return;
        }
        if (merchant >= 0)
        {
            final long createdAtMs = merchants.book(merchant).createdAtMs();
            event.accountUpdatedAtMs(lastMovement(accounts.merchantLastEntry(merchant), currency, createdAtMs));
            event.accountCreatedAtMs(createdAtMs);
        }
        else
        {
            event.accountUpdatedAtMs(event.resultTimestampMs());
            event.accountCreatedAtMs(event.resultTimestampMs());
        }
        final long balance = accounts.merchantBalance(merchant, currency);
        event.pendingMinor(purchases.pendingMinor(merchant, currency));
        event.resultKey(merchant);
        event.balances(balance, balance);
        event.result(ResultCode.OK);
    }

    /**
     * What escrowed purchases held for the merchant at {@code atMs}: what they hold now, less the holds made since, plus
     * the holds resolved since (a release is a merchant entry, dated; a cancelled purchase's record is dated by its
     * cancel, since nothing changes it afterwards). Walks the merchant's entries newer than {@code atMs} and its purchase
     * records.
     */
    private long pendingAt(final int merchant, final int currency, final long atMs)
    {
        long pending = purchases.pendingMinor(merchant, currency);
        for (int entry = accounts.merchantLastEntry(merchant); entry >= 0 && entries.timestampMs(entry) > atMs;
            entry = entries.previousOfAccount(entry))
        {
            if (entries.type(entry) == EntryType.ESCROW_RELEASE && entries.currency(entry) == currency)
            {
                pending += entries.amountMinor(entry);
            }
        }
        final LongArrayList keys = purchases.recordKeys(merchant);
        for (int i = 0, size = keys.size(); i < size; i++)
        {
            final PurchaseRecord purchase = purchases.record(keys.getLong(i));
            if (!purchase.escrowed() || purchase.currency() != currency)
            {
                continue;
            }
            if (purchase.createdAtMs() > atMs)
            {
                pending -= purchase.amountMinor();
            }
            if (purchase.status() == PurchaseStatus.CANCELLED && purchase.updatedAtMs() > atMs)
            {
                pending += purchase.amountMinor();
            }
        }
        return pending;
    }

    private int currencyOrFirst(final CommandEvent event, final int firstCurrency)
    {
        final int asked = (int)event.get(CURRENCY);
        return asked != Currencies.NONE ? asked : firstCurrency >= 0 ? firstCurrency : defaultCurrency;
    }

    /** @return the time of the newest entry in {@code currency} walking back from {@code lastEntry}, else {@code fallbackMs}. */
    private long lastMovement(final int lastEntry, final int currency, final long fallbackMs)
    {
        final int entry = newestIn(lastEntry, currency);
        return entry < 0 ? fallbackMs : entries.timestampMs(entry);
    }

    /** @return the newest entry in {@code currency} walking back from {@code lastEntry} (itself included), or -1. */
    private int newestIn(final int lastEntry, final int currency)
    {
        for (int entry = lastEntry; entry >= 0; entry = entries.previousOfAccount(entry))
        {
            if (entries.currency(entry) == currency)
            {
                return entry;
            }
        }
        return -1;
    }
}
