package io.ledger.engine;

/**
 * Business outcomes of applying a command. Expected outcomes are result codes, never exceptions.
 * Grouped by range: 0 success, 1xx invalid input the ledger itself re-checks, 2xx not found,
 * 3xx conflicts, 4xx funds, 5xx capacity.
 *
 * <p>The HTTP adapter maps these to status codes in exactly one place.
 */
public enum ResultCode
{
    OK(0),

    INVALID_AMOUNT(100),
    INVALID_CURRENCY(101),
    INVALID_FIELD(102),

    CUSTOMER_NOT_FOUND(200),
    COUNTERPARTY_NOT_FOUND(201),

    DUPLICATE_EMAIL(300),

    INSUFFICIENT_FUNDS(400),
    AMOUNT_OVERFLOW(401),

    /**
     * A limit of the in-memory state is reached (the 2^48 customer key space, or the history's entry or text
     * capacity): refused before anything changes, rather than aliasing ids or failing half-way.
     */
    CAPACITY_EXHAUSTED(500);

    private final int code;

    ResultCode(final int code)
    {
        this.code = code;
    }

    /** @return the stable numeric code. */
    public int code()
    {
        return code;
    }
}
