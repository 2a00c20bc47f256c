package io.ledger.engine.internal;

import java.util.List;

import io.ledger.engine.GiftBalanceRecord;
import io.ledger.engine.PurchaseStatus;

/**
 * Everything the ledger knows, as the parts that own it. Each part writes and reads its own snapshot sections and offers
 * its share of the state hash (which {@code Ledger.stateHash()} folds in a fixed order); {@link #parts()} is the order
 * snapshots are written in.
 *
 * <p>Adding state: a new part (its sections under new tags in {@link SnapshotTags}, optional so that older snapshots
 * still load), a field here, and an entry in {@link #parts()}; {@code LedgerSnapshotTest} fails until every field here
 * is a part that is written. State derived from other parts (indexes, the deadline queue) is not written: it is rebuilt
 * by {@link #rebuildDerived()} once a snapshot has loaded.
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class LedgerState
{
    private final Counters counters;
    private final MerchantBooks merchants = new MerchantBooks();
    /** Accounts and CustomerBook share the customers' rows (a customer's merchant, money and links in one place). */
    private final Accounts accounts = new Accounts(new CustomerRows());
    private final CustomerBook customers = new CustomerBook(merchants, accounts.customerRows());
    private final PaymentMethodBook paymentMethods = new PaymentMethodBook();
    private final IdempotencyStore idempotency = new IdempotencyStore();
    private final EntryLog entries;
    private final TextArena texts;
    private final DeploymentState deployment = new DeploymentState();
    private final PurchaseBook purchases;
    private final GiftBook gifts = new GiftBook();
    private final Deadlines deadlines = new Deadlines();
    private final ApiKeyBook apiKeys = new ApiKeyBook();
    private final MasumiBook masumi = new MasumiBook();
    private final List<SnapshotPart> parts;

    /**
     * @param defaultCurrency         configuration (see {@link Counters}).
     * @param historyEntriesInitial   history entries to allocate up front.
     * @param historyTextBytesInitial history text bytes to allocate up front.
     */
    public LedgerState(final int defaultCurrency, final int historyEntriesInitial, final int historyTextBytesInitial)
    {
        counters = new Counters(defaultCurrency);
        entries = new EntryLog(historyEntriesInitial);
        texts = new TextArena(historyTextBytesInitial);
        purchases = new PurchaseBook(entries, texts, customers, merchants);
        parts = List.of(counters, merchants, customers, accounts, paymentMethods, idempotency, entries, texts, deployment, purchases,
            gifts, deadlines, apiKeys, masumi);
    }

    /**
     * Rebuilds what is derived from the other parts: the purchase indexes (from the history and the purchase records),
     * the gift balances' per-customer lists, and the deadline queue (every held purchase's release time, every active
     * gift balance's expiry). Called once a snapshot has loaded, before the ledger applies anything.
     */
    public void rebuildDerived()
    {
        purchases.rebuild();
        gifts.rebuild();
        deadlines.clear();
        purchases.forEachRecord(purchase ->
        {
            if (purchase.status() == PurchaseStatus.HELD)
            {
                deadlines.add(purchase.releaseAtMs(), Deadlines.RELEASE_HOLD, purchase.key());
            }
        });
        gifts.forEachRecord(gift ->
        {
            if (gift.remainingMinor() > 0 && !gift.expired() && gift.expiresAtMs() != GiftBalanceRecord.NO_EXPIRY)
            {
                deadlines.add(gift.expiresAtMs(), Deadlines.EXPIRE_GIFT, gift.key());
            }
        });
    }

    /** @return every part, in the order a snapshot holds their sections. */
    public List<SnapshotPart> parts()
    {
        return parts;
    }

    public Counters counters()
    {
        return counters;
    }

    public MerchantBooks merchants()
    {
        return merchants;
    }

    public CustomerBook customers()
    {
        return customers;
    }

    public Accounts accounts()
    {
        return accounts;
    }

    /** @return the customers' rows, which {@link #accounts()} and {@link #customers()} share. */
    public CustomerRows customerRows()
    {
        return accounts.customerRows();
    }

    public PaymentMethodBook paymentMethods()
    {
        return paymentMethods;
    }

    public IdempotencyStore idempotency()
    {
        return idempotency;
    }

    public EntryLog entries()
    {
        return entries;
    }

    public TextArena texts()
    {
        return texts;
    }

    public DeploymentState deployment()
    {
        return deployment;
    }

    public PurchaseBook purchases()
    {
        return purchases;
    }

    public GiftBook gifts()
    {
        return gifts;
    }

    public Deadlines deadlines()
    {
        return deadlines;
    }

    public ApiKeyBook apiKeys()
    {
        return apiKeys;
    }

    public MasumiBook masumi()
    {
        return masumi;
    }
}
