package io.ledger.engine.internal;

/** What moved a balance. The ordinal is stored in the entry log; append new types only at the end. */
public enum EntryType
{
    PAY_IN("payin"),
    PURCHASE("purchase"),
    SALE("purchase");

    static final EntryType[] BY_ORDINAL = values();

    private final String apiName;

    EntryType(final String apiName)
    {
        this.apiName = apiName;
    }

    /** @return the {@code type} the API shows for this entry. */
    public String apiName()
    {
        return apiName;
    }
}
