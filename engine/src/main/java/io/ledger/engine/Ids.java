package io.ledger.engine;

/**
 * Public identifiers. Every entity id is derived from the id of the command that created it (itself stamped
 * before the command is journaled), so replay reproduces exactly the same ids.
 *
 * <p>Format: a type prefix and ten Crockford base-32 characters encoding a 50-bit value. The value is the
 * command id passed through a multiplicative bijection modulo 2^50, so ids do not read as a running count, yet
 * decode back to the key without any lookup table. Keys must be below 2^48 (see {@link #KEY_LIMIT}).
 */
public final class Ids
{
    public static final String CUSTOMER = "cus_";
    public static final String PURCHASE = "pur_";
    public static final String PAY_IN = "pin_";
    public static final String ENTRY = "txn_";
    public static final String BALANCE = "bal_";
    public static final String TRANSFER = "trf_";
    public static final String PAYOUT = "po_";
    public static final String PAYMENT_METHOD = "pm_";

    /** Exclusive upper bound of a key; leaves room for the currency in a balance key. */
    public static final long KEY_LIMIT = 1L << 48;

    private static final int BODY_CHARS = 10;
    private static final long MASK = (1L << 50) - 1;
    private static final long MULTIPLIER = 0x2545F4914F6CDD1DL & MASK | 1L;
    private static final long INVERSE = inverse(MULTIPLIER);
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final byte[] DECODE = new byte[128];

    static
    {
        java.util.Arrays.fill(DECODE, (byte)-1);
        for (int i = 0; i < ALPHABET.length; i++)
        {
            DECODE[ALPHABET[i]] = (byte)i;
        }
    }

    private Ids()
    {
    }

    /** Appends {@code prefix} and the encoded {@code key} to {@code sb}. */
    public static StringBuilder append(final StringBuilder sb, final String prefix, final long key)
    {
        if (key < 0 || key >= KEY_LIMIT)
        {
            throw new IllegalArgumentException("key=" + key + " must be in [0, 2^48)");
        }
        long value = (key * MULTIPLIER) & MASK;
        sb.append(prefix);
        final int start = sb.length();
        sb.setLength(start + BODY_CHARS);
        for (int i = BODY_CHARS - 1; i >= 0; i--)
        {
            sb.setCharAt(start + i, ALPHABET[(int)(value & 31)]);
            value >>>= 5;
        }
        return sb;
    }

    /** @return {@code prefix} followed by the encoded {@code key}. */
    public static String format(final String prefix, final long key)
    {
        return append(new StringBuilder(prefix.length() + BODY_CHARS), prefix, key).toString();
    }

    /**
     * @return the key encoded in {@code id}, or -1 when {@code id} is not a well-formed id with {@code prefix}
     * (an unknown id is then simply "not found", never an error).
     */
    public static long parse(final String prefix, final CharSequence id)
    {
        if (id == null || id.length() != prefix.length() + BODY_CHARS)
        {
            return -1;
        }
        for (int i = 0; i < prefix.length(); i++)
        {
            if (id.charAt(i) != prefix.charAt(i))
            {
                return -1;
            }
        }
        long value = 0;
        for (int i = prefix.length(); i < id.length(); i++)
        {
            final char c = id.charAt(i);
            final int digit = c < 128 ? DECODE[c] : -1;
            if (digit < 0)
            {
                return -1;
            }
            value = (value << 5) | digit;
        }
        final long key = (value * INVERSE) & MASK;
        return key < KEY_LIMIT ? key : -1;
    }

    private static long inverse(final long odd)
    {
        long x = odd; // Newton's iteration for the inverse modulo 2^64; each step doubles the correct bits.
        for (int i = 0; i < 6; i++)
        {
            x *= 2 - odd * x;
        }
        return x & MASK;
    }
}
