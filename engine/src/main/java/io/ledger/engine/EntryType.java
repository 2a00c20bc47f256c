package io.ledger.engine;

/**
 * What moved a balance: one history entry each. The ordinal is stored in the history and in snapshots: append new
 * types only at the end, never reorder.
 *
 * <p>An entry's related entity (the API's {@code relatedEntityId}) is the object that made it. For the older types that
 * is the entry's own command (a pay-in's, a purchase's); for the types {@link #relatedByLink()} it is the key the entry
 * carries as its link (the history's counterparty column): the purchase a refund, cashback, release or cancellation
 * belongs to, the gift balance a gift entry moved. Those entries may be written by another command than the one that
 * created the entity (a refund, a release, a tick at a deadline), so the link is what keeps them reachable.
 */
public enum EntryType
{
    /** Customer credit from a pay-in. */
    PAY_IN("payin", "PayIn", IdKind.PAY_IN, false),
    /** Customer debit from a purchase (of its whole amount: gift balances used are credited just before it). */
    PURCHASE("purchase", "Purchase", IdKind.PURCHASE, false),
    /** Merchant credit from a purchase. */
    SALE("purchase", "Purchase", IdKind.PURCHASE, false),
    /** Receiving customer's credit from a transfer. */
    TRANSFER_IN("transfer_in", "Transfer", IdKind.TRANSFER, false),
    /** Sending customer's debit from a transfer. */
    TRANSFER_OUT("transfer_out", "Transfer", IdKind.TRANSFER, false),
    /** Merchant debit from a payout. */
    PAYOUT("payout", "Payout", IdKind.PAYOUT, false),
    /** Customer credit from a refund of a purchase. */
    CUSTOMER_REFUND("refund", "Purchase", IdKind.PURCHASE, true),
    /** Merchant debit from a refund of a purchase. */
    MERCHANT_REFUND("refund", "Purchase", IdKind.PURCHASE, true),
    /** Customer credit of a purchase's cashback; a debit when a cancelled escrowed purchase takes it back. */
    CUSTOMER_CASHBACK("cashback", "Purchase", IdKind.PURCHASE, true),
    /** Merchant debit of a purchase's cashback; a credit when a cancelled escrowed purchase takes it back. */
    MERCHANT_CASHBACK("cashback", "Purchase", IdKind.PURCHASE, true),
    /** Merchant credit when an escrowed purchase's hold is released: the sale lands then. */
    ESCROW_RELEASE("purchase", "Purchase", IdKind.PURCHASE, true),
    /** Customer credit when an escrowed purchase is cancelled: the held money comes back. */
    ESCROW_CANCEL("purchase_cancelled", "Purchase", IdKind.PURCHASE, true),
    /** Merchant debit that funds a gift balance. */
    GIFT_ISSUE("gift_balance", "GiftBalance", IdKind.GIFT_BALANCE, true),
    /** Customer credit from a gift balance spent on a purchase, just before the purchase's debit. */
    GIFT_SPEND("gift_balance", "GiftBalance", IdKind.GIFT_BALANCE, true),
    /** Merchant credit: what was left of an expired gift balance. */
    GIFT_EXPIRY("gift_balance_expired", "GiftBalance", IdKind.GIFT_BALANCE, true);

    private static final EntryType[] BY_ORDINAL = values();

    private final String apiName;
    private final String relatedEntityType;
    private final IdKind relatedIdKind;
    private final boolean relatedByLink;

    EntryType(final String apiName, final String relatedEntityType, final IdKind relatedIdKind, final boolean relatedByLink)
    {
        this.apiName = apiName;
        this.relatedEntityType = relatedEntityType;
        this.relatedIdKind = relatedIdKind;
        this.relatedByLink = relatedByLink;
    }

    /** @return the {@code type} the API shows for this entry. */
    public String apiName()
    {
        return apiName;
    }

    /** @return the API's {@code relatedEntityType}: the kind of object that made the entry. */
    public String relatedEntityType()
    {
        return relatedEntityType;
    }

    /** @return the kind of id of that object. */
    public IdKind relatedIdKind()
    {
        return relatedIdKind;
    }

    /**
     * @return true when the related object's key is the entry's link ({@code CommandEvent.ROW_COUNTERPARTY}), false when
     * it is the entry's command id ({@code CommandEvent.ROW_COMMAND_ID}).
     */
    public boolean relatedByLink()
    {
        return relatedByLink;
    }

    /** @return true for the entries of buying: a purchase's debit, its sale, and a held purchase's release. */
    public boolean isPurchase()
    {
        return this == PURCHASE || this == SALE || this == ESCROW_RELEASE;
    }

    /** @return the type stored as {@code ordinal}. */
    public static EntryType fromOrdinal(final int ordinal)
    {
        return BY_ORDINAL[ordinal];
    }
}
