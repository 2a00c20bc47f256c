package io.ledger.engine.command;

import static io.ledger.engine.Field.CUSTOMER_KEY;
import static io.ledger.engine.Field.EXTERNAL_REFERENCE;
import static io.ledger.engine.Field.PAGE_LIMIT;
import static io.ledger.engine.Field.PAGE_OFFSET;
import static io.ledger.engine.Field.PURCHASE_KEY;
import static io.ledger.engine.Field.PURCHASE_STATUS;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
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
 * Purchase reads: one purchase, and the merchant's purchases newest first, optionally only one customer's, one status's
 * or one external reference's. Each filter walks the narrowest list that holds every match: the purchases with that
 * reference (a chain), else the customer's history (its purchase entries), else for a status other than
 * {@code completed} the purchases that have a record (only those can have another status), else the merchant's chain of
 * purchases. The total counts every match, so a filtered page costs the walk of that list; an unfiltered one costs only
 * the purchases it skips and returns.
 *
 * <p>Single-threaded: ledger thread only. A row of a plain purchase is a record made for the read (allocates).
 */
public final class PurchaseQueries
{
    private final MerchantBooks merchants;
    private final CustomerBook customers;
    private final Accounts accounts;
    private final EntryLog entries;
    private final PurchaseBook purchases;

    public PurchaseQueries(final LedgerState state)
    {
        this.merchants = state.merchants();
        this.customers = state.customers();
        this.accounts = state.accounts();
        this.entries = state.entries();
        this.purchases = state.purchases();
    }

    public void register(final CommandTable table)
    {
        table.register(CommandType.GET_PURCHASE, this::get)
            .register(CommandType.LIST_PURCHASES, this::list);
    }

    private void get(final CommandEvent event, final long timeMs)
    {
        final PurchaseRecord purchase = purchases.view(event.get(PURCHASE_KEY), merchants.find(event));
        if (purchase == null)
        {
            event.result(ResultCode.PURCHASE_NOT_FOUND);
            return;
        }
        event.resultObject(purchase);
        event.resultKey(purchase.key());
        event.result(ResultCode.OK);
    }

    private void list(final CommandEvent event, final long timeMs)
    {
        final int merchant = Pages.merchantOf(event, merchants);
        if (merchant < 0)
        {
            return;
        }
        final Filter filter = new Filter(event);
        if (event.has(PURCHASE_STATUS) && filter.status == null)
        {
            return; // a status no purchase has
        }
        if (filter.customer >= 0 && !customers.ownedBy(filter.customer, merchant) || event.has(CUSTOMER_KEY) && filter.customer < 0)
        {
            return; // not this merchant's customer: no purchase matches
        }
        if (filter.reference != null)
        {
            for (long key = purchases.newestWithReference(merchant, filter.reference); key >= 0; key = purchases.previousWithReference(key))
            {
                filter.offer(key, merchant);
            }
        }
        else if (filter.customer >= 0)
        {
            for (int entry = accounts.customerLastEntry(filter.customer); entry >= 0; entry = entries.previousOfAccount(entry))
            {
                if (entries.type(entry) == EntryType.PURCHASE)
                {
                    filter.offer(entries.commandId(entry), merchant);
                }
            }
        }
        else if (filter.status != null && filter.status != PurchaseStatus.COMPLETED)
        {
            final LongArrayList keys = purchases.recordKeys(merchant);
            for (int i = keys.size() - 1; i >= 0; i--)
            {
                filter.offer(keys.getLong(i), merchant);
            }
        }
        else if (filter.status == null)
        {
            unfiltered(event, merchant);
            return;
        }
        else
        {
            for (int entry = purchases.newestEntry(merchant); entry >= 0; entry = purchases.previousEntry(entry))
            {
                filter.offer(entries.commandId(entry), merchant);
            }
        }
        event.rowTotal(filter.total);
    }

    /** Every purchase of the merchant, newest first: the total is a count, a page costs the purchases it skips and returns. */
    private void unfiltered(final CommandEvent event, final int merchant)
    {
        event.rowTotal(purchases.count(merchant));
        int entry = purchases.newestEntry(merchant);
        for (int skipped = 0; entry >= 0 && skipped < event.get(PAGE_OFFSET); skipped++)
        {
            entry = purchases.previousEntry(entry);
        }
        for (; entry >= 0 && event.rowCount() < event.get(PAGE_LIMIT); entry = purchases.previousEntry(entry))
        {
            final long key = entries.commandId(entry);
            final PurchaseRecord record = purchases.record(key);
            event.addRow(record != null ? record : purchases.view(key, merchant));
        }
    }

    /** The filters of one list query, and its page: counts every match, keeps those of the page. */
    private final class Filter
    {
        final CommandEvent event;
        final long customer;
        final PurchaseStatus status;
        final String reference;
        final int offset;
        final int limit;
        long total;

        Filter(final CommandEvent event)
        {
            this.event = event;
            this.customer = event.has(CUSTOMER_KEY) ? event.get(CUSTOMER_KEY) : -1;
            this.status = event.has(PURCHASE_STATUS) ? PurchaseStatus.fromOrdinal((int)event.get(PURCHASE_STATUS)) : null;
            this.reference = event.textString(EXTERNAL_REFERENCE);
            this.offset = (int)event.get(PAGE_OFFSET);
            this.limit = (int)event.get(PAGE_LIMIT);
        }

        void offer(final long key, final int merchant)
        {
            final PurchaseRecord record = purchases.record(key);
            final PurchaseStatus actual = record == null ? PurchaseStatus.COMPLETED : record.status();
            if (status != null && actual != status)
            {
                return;
            }
            if (customer >= 0 && record != null && record.customerKey() != customer)
            {
                return;
            }
            if (reference != null && (record == null || !reference.equals(record.externalReference())))
            {
                return;
            }
            if (total >= offset && event.rowCount() < limit)
            {
                event.addRow(record != null ? record : purchases.view(key, merchant));
            }
            total++;
        }
    }
}
