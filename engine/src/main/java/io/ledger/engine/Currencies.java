package io.ledger.engine;

/**
 * Packs a three-letter upper-case currency code into 15 bits (26^3 = 17,576 codes) so that balances can be
 * keyed by a single {@code long}: {@code (accountKey << CODE_BITS) | currencyCode}.
 *
 * <p>Whether a code is an assigned ISO 4217 code is decided at the edge (the adapter); the ledger only needs
 * the packing to be total and reversible.
 */
public final class Currencies
{
    /** Bits a packed currency code occupies at the bottom of a balance key. */
    public static final int CODE_BITS = 15;
    /** The value no valid code packs to. */
    public static final int NONE = -1;

    private Currencies()
    {
    }

    /**
     * @param text three upper-case ASCII letters.
     * @return the packed code, or {@link #NONE} when {@code text} is not three letters A-Z.
     */
    public static int pack(final CharSequence text)
    {
        if (text == null || text.length() != 3)
        {
            return NONE;
        }
        int code = 0;
        for (int i = 0; i < 3; i++)
        {
            final char c = text.charAt(i);
            if (c < 'A' || c > 'Z')
            {
                return NONE;
            }
            code = code * 26 + (c - 'A');
        }
        return code;
    }

    /** @return true when {@code code} is a packed three-letter code. */
    public static boolean isValid(final int code)
    {
        return code >= 0 && code < 26 * 26 * 26;
    }

    /**
     * Writes the three letters of {@code code} into {@code dst} at {@code offset}; allocation-free.
     */
    public static void unpack(final int code, final char[] dst, final int offset)
    {
        dst[offset] = (char)('A' + code / 676);
        dst[offset + 1] = (char)('A' + (code / 26) % 26);
        dst[offset + 2] = (char)('A' + code % 26);
    }

    /** @return the three letters of {@code code}; allocates, for the edges only. */
    public static String toString(final int code)
    {
        final char[] chars = new char[3];
        unpack(code, chars, 0);
        return new String(chars);
    }
}
