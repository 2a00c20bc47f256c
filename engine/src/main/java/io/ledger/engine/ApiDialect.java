package io.ledger.engine;

/**
 * The API dialects an API key is issued for (issue 15): a key answers only on its own dialect's routes. The code is
 * journaled ({@link Field#API_KEY_DIALECT}): never renumber one.
 */
public enum ApiDialect
{
    /** The Masumi payment service's purchase API ({@code /api/v1/purchase}, header {@code token}); bound to a customer. */
    MASUMI(1, "masumi"),
    /** The Paywall wallet API ({@code /api/v1/Wallet/purchase}, headers {@code apikeypublic} and {@code apiclientpublic}). */
    PAYWALL(2, "paywall");

    private final int code;
    private final String apiName;

    ApiDialect(final int code, final String apiName)
    {
        this.code = code;
        this.apiName = apiName;
    }

    /** @return the journaled code. */
    public int code()
    {
        return code;
    }

    /** @return the name the API and {@code ledger apikey} use: {@code masumi} or {@code paywall}. */
    public String apiName()
    {
        return apiName;
    }

    /** @return the dialect with {@code code}, or null. */
    public static ApiDialect fromCode(final long code)
    {
        for (final ApiDialect dialect : values())
        {
            if (dialect.code == code)
            {
                return dialect;
            }
        }
        return null;
    }

    /** @return the dialect named {@code name} (exactly, as the API writes it), or null. */
    public static ApiDialect fromName(final String name)
    {
        for (final ApiDialect dialect : values())
        {
            if (dialect.apiName.equals(name))
            {
                return dialect;
            }
        }
        return null;
    }
}
