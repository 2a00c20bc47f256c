package io.ledger.engine;

/**
 * An API key as the ledger keeps it: never the key itself, only the SHA-256 of it (lower-case hex), bound to its
 * merchant, its dialect and, for a Masumi key, the customer wallet it buys from. Immutable: a revoke replaces it.
 *
 * @param key          the id of the command that created it (public id {@code key_...}).
 * @param merchantId   the merchant the key acts for.
 * @param dialect      the only dialect the key is accepted on.
 * @param customerKey  the customer a Masumi key buys from; {@link #NO_CUSTOMER} for a Paywall key.
 * @param currency     the currency the key's purchases are in (packed): a Paywall wallet's, a Masumi empty unit's.
 * @param currencyDigits digits after the point of that currency, for the dialects' decimal amounts.
 * @param name         the merchant's label for it, or null.
 * @param sha256Hex    SHA-256 of the key's text, 64 lower-case hex characters.
 * @param createdAtMs  ledger time of its creation.
 * @param revokedAtMs  ledger time of its revocation, or {@link #NOT_REVOKED}.
 */
public record ApiKeyRecord(
    long key,
    String merchantId,
    ApiDialect dialect,
    long customerKey,
    int currency,
    int currencyDigits,
    String name,
    String sha256Hex,
    long createdAtMs,
    long revokedAtMs)
{
    /** {@link #customerKey()} of a key bound to no customer. */
    public static final long NO_CUSTOMER = -1;
    /** {@link #revokedAtMs()} of a key in use. */
    public static final long NOT_REVOKED = 0;

    /** @return true once revoked: every dialect request with it is then refused. */
    public boolean revoked()
    {
        return revokedAtMs != NOT_REVOKED;
    }

    /** @return this key, revoked at {@code timeMs}. */
    public ApiKeyRecord revokedAt(final long timeMs)
    {
        return new ApiKeyRecord(key, merchantId, dialect, customerKey, currency, currencyDigits, name, sha256Hex, createdAtMs, timeMs);
    }
}
