package io.ledger.engine;

/**
 * A customer's saved payment method: only what is safe to keep (type, provider, brand, last four digits, expiry,
 * phone for mobile money). A card number never reaches the ledger: the adapter does not read one. Immutable:
 * a change of default replaces the record.
 *
 * @param key         the id of the command that saved it; its public id is {@code pm_...} (see {@link Ids}).
 * @param customerKey the owning customer.
 * @param expiryMonth 1..12, or 0 when absent; likewise {@code expiryYear}.
 * @param brand       {@code null} when absent; likewise {@code last4} and {@code phoneNumber}.
 */
public record PaymentMethodRecord(
    long key,
    long customerKey,
    String type,
    String provider,
    String brand,
    String last4,
    int expiryMonth,
    int expiryYear,
    String phoneNumber,
    boolean isDefault,
    long createdAtMs,
    long updatedAtMs)
{

    /** @return this method with {@code isDefault} changed at {@code timeMs}. */
    public PaymentMethodRecord withDefault(final boolean value, final long timeMs)
    {
        return new PaymentMethodRecord(
            key, customerKey, type, provider, brand, last4, expiryMonth, expiryYear, phoneNumber, value, createdAtMs, timeMs);
    }
}
