package io.ledger.engine.internal;

import java.util.List;

/**
 * Everything the ledger knows, as the parts that own it. Each part writes and reads its own snapshot sections and offers
 * its share of the state hash (which {@code Ledger.stateHash()} folds in a fixed order); {@link #parts()} is the order
 * snapshots are written in.
 *
 * <p>Adding state: a new part (its sections under new tags in {@link SnapshotTags}, optional so that older snapshots
 * still load), a field here, and an entry in {@link #parts()}; {@code LedgerSnapshotTest} fails until every field here
 * is a part that is written.
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class LedgerState
{
    private final Counters counters;
    private final MerchantBooks merchants = new MerchantBooks();
    private final CustomerBook customers = new CustomerBook(merchants);
    private final Accounts accounts = new Accounts();
    private final PaymentMethodBook paymentMethods = new PaymentMethodBook();
    private final IdempotencyStore idempotency = new IdempotencyStore();
    private final EntryLog entries;
    private final TextArena texts;
    private final DeploymentState deployment = new DeploymentState();
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
        parts = List.of(counters, merchants, customers, accounts, paymentMethods, idempotency, entries, texts, deployment);
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
}
