package io.ledger.engine;

/**
 * A payout: money taken from a merchant's balance to be sent to its bank account. The ledger's part is complete
 * when the balance is debited, so its status is always {@code completed}; the bank transfer itself is outside the
 * ledger. Immutable.
 *
 * @param key          the id of the command that made it; its public id is {@code po_...} (see {@link Ids}).
 * @param currency     packed (see {@link Currencies}).
 * @param bankAccount  {@code null} when absent; likewise {@code description}.
 * @param metadataJson a compact JSON object.
 */
public record PayoutRecord(
    long key,
    String merchantId,
    long amountMinor,
    int currency,
    String bankAccount,
    String description,
    String metadataJson,
    long createdAtMs)
{
    /** The only status a payout has in this ledger. */
    public static final String STATUS_COMPLETED = "completed";
}
