package io.ledger.engine;

/**
 * What moved a balance: one history entry each. The ordinal is stored in the history and in snapshots: append new
 * types only at the end, never reorder.
 */
public enum EntryType
{
    /** Customer credit from a pay-in. */
    PAY_IN("payin", "PayIn", IdKind.PAY_IN),
    /** Customer debit from a purchase. */
    PURCHASE("purchase", "Purchase", IdKind.PURCHASE),
    /** Merchant credit from a purchase. */
    SALE("purchase", "Purchase", IdKind.PURCHASE),
    /** Receiving customer's credit from a transfer. */
    TRANSFER_IN("transfer_in", "Transfer", IdKind.TRANSFER),
    /** Sending customer's debit from a transfer. */
    TRANSFER_OUT("transfer_out", "Transfer", IdKind.TRANSFER),
    /** Merchant debit from a payout. */
    PAYOUT("payout", "Payout", IdKind.PAYOUT);

    private static final EntryType[] BY_ORDINAL = values();

    private final String apiName;
    private final String relatedEntityType;
    private final IdKind relatedIdKind;

    EntryType(final String apiName, final String relatedEntityType, final IdKind relatedIdKind)
    {
        this.apiName = apiName;
        this.relatedEntityType = relatedEntityType;
        this.relatedIdKind = relatedIdKind;
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

    /** @return the kind of id of that object; its key is the entry's command id. */
    public IdKind relatedIdKind()
    {
        return relatedIdKind;
    }

    /** @return the type stored as {@code ordinal}. */
    public static EntryType fromOrdinal(final int ordinal)
    {
        return BY_ORDINAL[ordinal];
    }
}
