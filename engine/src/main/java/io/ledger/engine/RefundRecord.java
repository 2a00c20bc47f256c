package io.ledger.engine;

/**
 * A refund: money the merchant gave back to the customer of a purchase. Immutable.
 *
 * @param key                       the id of the refund command; its public id is {@code rfd_...} (see {@link Ids}).
 * @param purchaseKey               the purchase refunded ({@code pur_...}).
 * @param currency                  packed (see {@link Currencies}), the purchase's.
 * @param description               {@code null} when the request gave none.
 * @param customerBalanceAfterMinor the customer's cash balance in that currency right after the refund.
 */
public record RefundRecord(
    long key,
    long purchaseKey,
    String merchantId,
    long customerKey,
    long amountMinor,
    int currency,
    String description,
    long customerBalanceAfterMinor,
    long createdAtMs)
{
    /** The only status a refund has: the ledger's part is done when the balances moved. */
    public static final String STATUS_COMPLETED = "completed";
}
