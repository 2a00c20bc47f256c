package io.ledger.engine.command;

import static io.ledger.engine.Field.CUSTOMER_KEY;
import static io.ledger.engine.Field.FROM_MS;
import static io.ledger.engine.Field.PAGE_LIMIT;
import static io.ledger.engine.Field.PAGE_OFFSET;
import static io.ledger.engine.Field.ROW_FILTER;
import static io.ledger.engine.Field.TO_MS;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.EntryType;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.Accounts;
import io.ledger.engine.internal.CustomerBook;
import io.ledger.engine.internal.EntryLog;
import io.ledger.engine.internal.LedgerState;
import io.ledger.engine.internal.MerchantBooks;
import io.ledger.engine.internal.IntLog;
import io.ledger.engine.internal.PayoutLog;
import io.ledger.engine.internal.TextArena;

/**
 * History reads, newest first: a customer's entries, the merchant's own entries (by time and kind), its transfers
 * and its payouts. A page is copied into the event (rows by value, records by reference), so the reply thread never
 * reads the ledger's growing columns. Totals come from per-account counters, so an unfiltered page costs only the
 * entries it skips and returns. A customer's history with {@code TO_MS} (issue 19, {@code ?until=}, {@link AsOf}) is the
 * history as it stood then: the entries at or before that time, the entries newer than it walked past.
 *
 * <p>Single-threaded: ledger thread only. Allocation-free once the event's buffers are warm.
 */
public final class HistoryQueries
{
    private final MerchantBooks merchants;
    private final CustomerBook customers;
    private final Accounts accounts;
    private final EntryLog entries;
    private final TextArena texts;

    public HistoryQueries(final LedgerState state)
    {
        this.merchants = state.merchants();
        this.customers = state.customers();
        this.accounts = state.accounts();
        this.entries = state.entries();
        this.texts = state.texts();
    }

    public void register(final CommandTable table)
    {
        table.register(CommandType.LIST_CUSTOMER_TRANSACTIONS, this::customerTransactions)
            .register(CommandType.LIST_BALANCE_HISTORY, this::balanceHistory)
            .register(CommandType.LIST_TRANSFERS, this::transfers)
            .register(CommandType.LIST_PAYOUTS, this::payouts);
    }

    private void customerTransactions(final CommandEvent event, final long timeMs)
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
        if (atMs == AsOf.NOW)
        {
            event.rowTotal(accounts.customerEntryCount(key));
            page(event, accounts.customerLastEntry(key));
        }
        else if (atMs < customers.get(key).createdAtMs())
        {
            event.result(ResultCode.CUSTOMER_NOT_FOUND); // not a customer yet at that time
            return;
        }
        else
        {
            int entry = accounts.customerLastEntry(key);
            long newer = 0;
            for (; entry >= 0 && entries.timestampMs(entry) > atMs; entry = entries.previousOfAccount(entry))
            {
                newer++;
            }
            event.rowTotal(accounts.customerEntryCount(key) - newer);
            page(event, entry);
        }
        event.resultKey(key);
        event.result(ResultCode.OK);
    }

    /**
     * The merchant's entries, restricted to {@code FROM_MS..TO_MS} and the {@code ROW_FILTER}. Entries are in time
     * order, so the time range costs only the entries it skips.
     */
    private void balanceHistory(final CommandEvent event, final long timeMs)
    {
        final int merchant = Pages.merchantOf(event, merchants);
        if (merchant < 0)
        {
            return;
        }
        final int filter = (int)event.get(ROW_FILTER);
        final long fromMs = event.get(FROM_MS);
        final long toMs = event.get(TO_MS);
        int entry = accounts.merchantLastEntry(merchant);
        if (filter == CommandEvent.FILTER_ALL && fromMs == Long.MIN_VALUE && toMs == Long.MAX_VALUE)
        {
            event.rowTotal(merchants.book(merchant).entryCount());
            page(event, entry);
            return;
        }
        final int offset = (int)event.get(PAGE_OFFSET);
        final int limit = (int)event.get(PAGE_LIMIT);
        long total = 0;
        for (; entry >= 0; entry = entries.previousOfAccount(entry))
        {
            final long timestamp = entries.timestampMs(entry);
            if (timestamp > toMs)
            {
                continue;
            }
            if (timestamp < fromMs)
            {
                break;
            }
            if (!passes(filter, entries.type(entry), entries.amountMinor(entry)))
            {
                continue;
            }
            if (total >= offset && event.rowCount() < limit)
            {
                addEntryRow(event, entry);
            }
            total++;
        }
        event.rowTotal(total);
    }

    private static boolean passes(final int filter, final EntryType type, final long amount)
    {
        return switch (filter)
        {
            case CommandEvent.FILTER_ALL -> true;
            case CommandEvent.FILTER_CREDIT -> amount > 0;
            case CommandEvent.FILTER_DEBIT -> amount < 0;
            case CommandEvent.FILTER_PURCHASE -> type.isPurchase();
            case CommandEvent.FILTER_PAYOUT -> type == EntryType.PAYOUT;
            default -> false;
        };
    }

    /** The merchant's transfers: one row per transfer, from its sender's entry. */
    private void transfers(final CommandEvent event, final long timeMs)
    {
        final int merchant = Pages.merchantOf(event, merchants);
        if (merchant < 0)
        {
            return;
        }
        final IntLog transfers = merchants.book(merchant).transferEntries();
        final int size = transfers.size();
        event.rowTotal(size);
        final int limit = (int)event.get(PAGE_LIMIT);
        for (int i = size - 1 - (int)event.get(PAGE_OFFSET); i >= 0 && event.rowCount() < limit; i--)
        {
            addEntryRow(event, transfers.getInt(i));
        }
    }

    /** The merchant's payouts; every payout is {@code completed}, so the status filter is all or none. */
    private void payouts(final CommandEvent event, final long timeMs)
    {
        final int merchant = Pages.merchantOf(event, merchants);
        if (merchant < 0 || event.get(ROW_FILTER) == CommandEvent.FILTER_NONE)
        {
            return;
        }
        final MerchantBooks.Book book = merchants.book(merchant);
        final PayoutLog payouts = merchants.payouts();
        event.rowTotal(book.payoutCount());
        int payout = book.lastPayout();
        final int offset = (int)event.get(PAGE_OFFSET);
        for (int skipped = 0; payout >= 0 && skipped < offset; skipped++)
        {
            payout = payouts.previousOfMerchant(payout);
        }
        final int limit = (int)event.get(PAGE_LIMIT);
        final String merchantId = merchants.id(merchant);
        for (; payout >= 0 && event.rowCount() < limit; payout = payouts.previousOfMerchant(payout))
        {
            event.addRow(payouts.record(payout, merchantId)); // a record per row: a page of payouts allocates
        }
    }

    /** Copies the page of an account's chain that starts at {@code newest}: skips the offset, then up to the limit. */
    private void page(final CommandEvent event, final int newest)
    {
        int entry = newest;
        final int offset = (int)event.get(PAGE_OFFSET);
        for (int skipped = 0; entry >= 0 && skipped < offset; skipped++)
        {
            entry = entries.previousOfAccount(entry);
        }
        final int limit = (int)event.get(PAGE_LIMIT);
        for (; entry >= 0 && event.rowCount() < limit; entry = entries.previousOfAccount(entry))
        {
            addEntryRow(event, entry);
        }
    }

    private void addEntryRow(final CommandEvent event, final int entry)
    {
        final int row = event.addRow(entry, entries.type(entry).ordinal(), entries.amountMinor(entry),
            entries.balanceAfterMinor(entry), entries.currency(entry), entries.timestampMs(entry), entries.commandId(entry),
            entries.accountKey(entry), entries.counterpartyKey(entry));
        final long text = entries.textRef(entry);
        if (text != TextArena.NONE)
        {
            event.commitRowText(row, texts.copyTo(text, event.rowTextSink(), event.rowTextLimit()));
        }
    }
}
