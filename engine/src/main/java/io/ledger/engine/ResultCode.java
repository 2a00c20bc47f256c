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
    /** A deadline (escrow release or refundable window, gift expiry) in the past, or too far ahead. */
    INVALID_DEADLINE(103),
    /** A cashback above the purchase's amount, or not a positive amount or share. */
    INVALID_CASHBACK(104),
    /** A dialect's decimal amount with more digits after the point than its currency has: never rounded (issue 15). */
    AMOUNT_TOO_PRECISE(110),
    // issue 19: reads as of a moment ({@code TO_MS} on balance reads and a customer's history)
    /**
     * The moment asked for is before the ledger's history begins (the creation of its first customer, before which no
     * balance existed; the history is kept whole, so this is the only limit of its reach).
     */
    AT_BEFORE_HISTORY(125),
    /** The moment asked for is after the query's own time: a balance there could still change. */
    AT_IN_FUTURE(126),
    /** A Masumi {@code Amounts} unit the merchant has not mapped to a currency (issue 15). */
    MASUMI_UNIT_UNKNOWN(111),

    CUSTOMER_NOT_FOUND(200),
    COUNTERPARTY_NOT_FOUND(201),
    PAYMENT_METHOD_NOT_FOUND(202),
    PURCHASE_NOT_FOUND(203),
    /** An API key unknown to the ledger, of another dialect, or not the one named beside it (issue 15). */
    API_KEY_NOT_FOUND(210),
    /** A Masumi purchase without {@code Amounts} of an agent its merchant has not registered a price for. */
    MASUMI_AGENT_NOT_FOUND(211),
    /**
     * No Masumi purchase of the key's buyer with that network and blockchain identifier in a state that allows the change
     * (a refund request needs a held purchase without one, its cancel a held purchase with one).
     */
    MASUMI_PURCHASE_NOT_FOUND(212),

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
    /**
     * The customer already has a purchase with this external reference: nothing is debited twice. {@code resultKey} is
     * that purchase's key.
     */
    EXTERNAL_REFERENCE_USED(304),
    /**
     * Release or cancel of a purchase that is not held: released, cancelled, or never escrowed. {@code resultObject} is
     * the purchase when it has a record (an escrowed one always has).
     */
    PURCHASE_NOT_HELD(305),
    /** Cancel of a held purchase after its refundable window closed ({@code resultObject}: the purchase). */
    REFUND_WINDOW_CLOSED(306),
    /** Refund of a held purchase: it is cancelled, not refunded. */
    PURCHASE_HELD(307),
    /** A refund larger than what is left to refund of the purchase (nothing is, once cancelled or fully refunded). */
    REFUND_EXCEEDS_PURCHASE(308),
    /** A dialect request with a revoked API key, or a second revoke of it ({@code resultObject}: the key). */
    API_KEY_REVOKED(310),
    /** A Masumi purchase repeats a network and blockchain identifier: nothing moves ({@code resultObject}: the first). */
    MASUMI_PURCHASE_EXISTS(311),

    // ---- issue 12: batches (120..124, 330..339)
    /**
     * A command of a linked chain in a batch that was not applied because another command of its chain was refused:
     * nothing of the chain is applied.
     */
    LINKED_EVENT_FAILED(330),
    /** The last command of a batch is linked: its chain has no end, so nothing of the batch is applied. */
    LINKED_EVENT_CHAIN_OPEN(120),

    /** The paying customer's balance does not cover the amount. */
    INSUFFICIENT_FUNDS(400),
    /** The merchant's balance does not cover a payout, a refund, a gift balance or a held purchase's cashback. */
    INSUFFICIENT_MERCHANT_FUNDS(402),
    AMOUNT_OVERFLOW(401),

    /**
     * A limit of the in-memory state is reached (the 2^48 customer key space, or the history's entry or text
     * capacity): refused before anything changes, rather than aliasing ids or failing half-way.
     */
    CAPACITY_EXHAUSTED(500),

    // ---- issue 17 (cluster): 350-359
    /**
     * Never written by the ledger: the cluster did not confirm the command in time (no leader, no quorum, the node cut
     * off). It may or may not have been applied; a retry with the same idempotency key returns its outcome if it was.
     */
    CLUSTER_UNAVAILABLE(350);

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
