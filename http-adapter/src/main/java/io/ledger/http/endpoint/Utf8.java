package io.ledger.http.endpoint;

import io.netty.buffer.ByteBuf;

/**
 * Strict UTF-8 validation (RFC 3629, Unicode table 3-7), because jackson-core's byte parser is lenient: it decodes
 * overlong forms ({@code C0 AF} becomes {@code /}, the classic way past a filter), UTF-16 surrogates encoded as
 * three bytes ({@code ED A0 80}) and, in some paths, code points above U+10FFFF, and it never decodes the strings of
 * fields it skips. A body must be well-formed UTF-8 as a whole before it is parsed.
 *
 * <p>Allocation-free; stateless and thread-safe.
 */
final class Utf8
{
    private Utf8()
    {
    }

    /** @return the offset (from the reader index) of the first byte of the first ill-formed sequence, or -1. */
    static int firstInvalid(final ByteBuf bytes)
    {
        return firstInvalid(bytes, false);
    }

    /**
     * @return the offset (from the reader index) of the first byte of the first ill-formed sequence or NUL byte, or
     *         -1. A NUL byte is never part of JSON text, and it is what a UTF-16 or UTF-32 body has in nearly every
     *         other byte: a JSON parser that guesses the encoding from the first bytes (jackson does) would decode
     *         such a body instead of refusing it.
     */
    static int firstInvalidOrNul(final ByteBuf bytes)
    {
        return firstInvalid(bytes, true);
    }

    /** @return true when the eight bytes of {@code word} are ASCII, and none is NUL when {@code nulInvalid}. */
    private static boolean plainAscii(final long word, final boolean nulInvalid)
    {
        final long high = 0x8080_8080_8080_8080L;
        final long zero = nulInvalid ? (word - 0x0101_0101_0101_0101L) & ~word & high : 0; // non-zero when a byte is 0
        return ((word & high) | zero) == 0;
    }

    private static int firstInvalid(final ByteBuf bytes, final boolean nulInvalid)
    {
        final int start = bytes.readerIndex();
        final int end = bytes.writerIndex();
        int i = start;
        while (i < end)
        {
            if (i + Long.BYTES <= end && plainAscii(bytes.getLong(i), nulInvalid))
            {
                i += Long.BYTES; // eight ASCII bytes (none NUL when that is invalid) at once: a batch is mostly these
                continue;
            }
            final int b0 = bytes.getByte(i) & 0xFF;
            if (b0 < 0x80)
            {
                if (b0 == 0 && nulInvalid)
                {
                    return i - start;
                }
                i++;
                continue;
            }
            final int length;
            int min2 = 0x80;
            int max2 = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF)
            {
                length = 2;
            }
            else if (b0 >= 0xE0 && b0 <= 0xEF)
            {
                length = 3;
                if (b0 == 0xE0)
                {
                    min2 = 0xA0; // below is overlong
                }
                else if (b0 == 0xED)
                {
                    max2 = 0x9F; // above are the surrogates D800..DFFF
                }
            }
            else if (b0 >= 0xF0 && b0 <= 0xF4)
            {
                length = 4;
                if (b0 == 0xF0)
                {
                    min2 = 0x90; // below is overlong
                }
                else if (b0 == 0xF4)
                {
                    max2 = 0x8F; // above is past U+10FFFF
                }
            }
            else
            {
                return i - start; // a continuation byte first, C0/C1 (always overlong) or F5..FF
            }
            if (end - i < length)
            {
                return i - start; // truncated at the end
            }
            final int b1 = bytes.getByte(i + 1) & 0xFF;
            if (b1 < min2 || b1 > max2)
            {
                return i - start;
            }
            for (int k = 2; k < length; k++)
            {
                final int b = bytes.getByte(i + k) & 0xFF;
                if (b < 0x80 || b > 0xBF)
                {
                    return i - start;
                }
            }
            i += length;
        }
        return -1;
    }
}
