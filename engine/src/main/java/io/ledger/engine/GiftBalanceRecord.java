package io.ledger.engine;

/**
 * A gift balance: promotion money a merchant set aside for one customer, in one currency, spent before cash by the
 * purchases that ask for it, and returned to the merchant when it expires. Immutable: the ledger replaces the record
 * when it is spent from or expires.
 *
 * @param key            the id of the command that created it; its public id is {@code gft_...} (see {@link Ids}).
 * @param currency       packed (see {@link Currencies}).
 * @param remainingMinor what is left to spend; 0 once spent or expired.
 * @param expiresAtMs    when its remainder returns to the merchant, or {@link #NO_EXPIRY}.
 * @param description    {@code null} when the request gave none.
 * @param expiredMinor   what returned to the merchant at expiry, or -1 while it has not expired.
 */
public record GiftBalanceRecord(
    long key,
    String merchantId,
    long customerKey,
    long amountMinor,
    int currency,
    long remainingMinor,
    long expiresAtMs,
    String description,
    long expiredMinor,
    long createdAtMs,
    long updatedAtMs)
{
    /** {@link #expiresAtMs()} of a gift balance that never expires. */
    public static final long NO_EXPIRY = Long.MAX_VALUE;
    /** Every {@link #status()}: money left; spent to 0; expired (what was left went back to the merchant). */
    public static final java.util.List<String> STATUSES = java.util.List.of("active", "spent", "expired");

    /** @return true once expired (its remainder, maybe 0, went back to the merchant). */
    public boolean expired()
    {
        return expiredMinor >= 0;
    }

    /** @return {@code active}, {@code spent} or {@code expired}. */
    public String status()
    {
        return STATUSES.get(expired() ? 2 : remainingMinor == 0 ? 1 : 0);
    }

    /** @return this balance after {@code spentMinor} of it paid for a purchase at {@code timeMs}. */
    public GiftBalanceRecord spend(final long spentMinor, final long timeMs)
    {
        return new GiftBalanceRecord(key, merchantId, customerKey, amountMinor, currency, remainingMinor - spentMinor, expiresAtMs,
            description, expiredMinor, createdAtMs, timeMs);
    }

    /** @return this balance expired at {@code timeMs}, its remainder returned to the merchant. */
    public GiftBalanceRecord expire(final long timeMs)
    {
        return new GiftBalanceRecord(key, merchantId, customerKey, amountMinor, currency, 0, expiresAtMs, description,
            remainingMinor, createdAtMs, timeMs);
    }
}
