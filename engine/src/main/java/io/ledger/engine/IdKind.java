package io.ledger.engine;

/**
 * The kinds of public id, each with its prefix. {@link Ids} mixes a per-kind value derived from the deployment's
 * salt into every id, so two kinds with the same key (a customer and a history entry, say) have different bodies.
 * Never rename a prefix: ids already handed out carry it.
 */
public enum IdKind
{
    CUSTOMER("cus_"),
    PURCHASE("pur_"),
    PAY_IN("pin_"),
    /** A history entry; its key is its position in the history. */
    ENTRY("txn_"),
    /** A customer's balance: the customer's body under its own prefix ({@code bal_<customer body>_<currency>}). */
    BALANCE("bal_"),
    TRANSFER("trf_"),
    PAYOUT("po_"),
    PAYMENT_METHOD("pm_"),
    /** A refund of a purchase; its key is the refund command's id. */
    REFUND("rfd_"),
    /** A gift balance; its key is the id of the command that created it. */
    GIFT_BALANCE("gft_"),
    /** An API key (issue 15); its key is the id of the command that created it. */
    API_KEY("key_");

    private final String prefix;

    IdKind(final String prefix)
    {
        this.prefix = prefix;
    }

    /** @return the prefix every id of this kind starts with, e.g. {@code cus_}. */
    public String prefix()
    {
        return prefix;
    }

    /** @return the kind whose salt encodes this kind's bodies: {@link #CUSTOMER} for {@link #BALANCE}, else itself. */
    IdKind bodyKind()
    {
        return this == BALANCE ? CUSTOMER : this;
    }
}
