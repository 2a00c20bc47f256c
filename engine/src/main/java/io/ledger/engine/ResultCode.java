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
    PAYMENT_METHOD_NOT_FOUND(202),

    DUPLICATE_EMAIL(300),
    /** The idempotency key was first used for a different request: nothing is applied (HTTP 422). */
    IDEMPOTENCY_KEY_REUSED(301),
    /** A per-entity limit is reached, e.g. saved payment methods per customer: nothing is applied. */
    LIMIT_EXCEEDED(302),
    /**
     * {@link CommandType#INITIALIZE_DEPLOYMENT} after the deployment already has a salt, or after any other command:
     * the ids already issued must keep their meaning. Never reaches a client (the wiring sends it).
     */
    ALREADY_INITIALIZED(303),

    /** The paying customer's balance does not cover the amount. */
    INSUFFICIENT_FUNDS(400),
    /** The merchant's balance does not cover a payout. */
    INSUFFICIENT_MERCHANT_FUNDS(402),
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

    /** @return the outcome with numeric code {@code code}, or null when this version does not know it. */
    public static ResultCode fromCode(final int code)
    {
        for (final ResultCode result : values())
        {
            if (result.code == code)
            {
                return result;
            }
        }
        return null;
    }
}
