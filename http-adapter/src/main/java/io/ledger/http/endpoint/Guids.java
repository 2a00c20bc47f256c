package io.ledger.http.endpoint;

import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;

/**
 * GUID-shaped ids for the Paywall dialect, whose .NET clients parse {@code Id}, {@code WalletId} and {@code UniqueCode}
 * as {@code Guid}: the same salted 50-bit body as the deployment's public id of that kind ({@link Ids}), so it is
 * deterministic (replay gives the same), reversible without a table, and unguessable as the public ids are.
 *
 * <pre>
 *   4c656467-6572-8KKK-VVVV-VVVVVVVVVVVV      "ledger" in hex, version 8 (RFC 9562, custom), KKK = a tag per use,
 *                                              VVVV = variant bits 10 and the top 2 bits of the body, then its low 48
 * </pre>
 *
 * <p>Stateless; thread-safe.
 */
public final class Guids
{
    /** The tag of a wallet's (customer's) GUID. */
    public static final int WALLET = 0x001;
    /** The tag of a transaction's (purchase's) {@code Id}. */
    public static final int TRANSACTION = 0x002;
    /** The tag of a transaction's {@code UniqueCode}: the purchase again, told apart from its {@code Id}. */
    public static final int UNIQUE_CODE = 0x003;
    /** The tag of a gift balance's GUID. */
    public static final int GIFT = 0x004;

    private static final String PREFIX = "4c656467-6572-8";
    private static final long BODY_MASK = (1L << 50) - 1;

    private Guids()
    {
    }

    /** @return the GUID of {@code key}, an id of {@code kind}, under {@code tag}. */
    public static String format(final Ids ids, final IdKind kind, final int tag, final long key)
    {
        final String id = ids.format(kind, key);
        final long body = body(id, kind.prefix().length());
        return PREFIX + String.format("%03x-%04x-%012x", tag, 0x8000 | (body >>> 48), body & 0xFFFF_FFFF_FFFFL);
    }

    /** @return the key a GUID of {@code kind} under {@code tag} stands for (any letter case), or -1 when it is not one. */
    public static long parse(final Ids ids, final IdKind kind, final int tag, final String guid)
    {
        if (guid == null || guid.length() != 36 || !guid.regionMatches(true, 0, PREFIX, 0, PREFIX.length()) || guid.charAt(18) != '-'
            || guid.charAt(23) != '-')
        {
            return -1;
        }
        for (int i = PREFIX.length(); i < guid.length(); i++)
        {
            if (i != 18 && i != 23 && Character.digit(guid.charAt(i), 16) < 0)
            {
                return -1;
            }
        }
        try
        {
            if (Integer.parseInt(guid.substring(15, 18), 16) != tag)
            {
                return -1;
            }
            final int variant = Integer.parseInt(guid.substring(19, 23), 16);
            if ((variant & 0xFFFC) != 0x8000)
            {
                return -1;
            }
            final long low = Long.parseLong(guid.substring(24), 16);
            final long body = ((long)(variant & 3) << 48) | low;
            return ids.parse(kind, kind.prefix() + encode(body));
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    private static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

    private static long body(final String id, final int from)
    {
        long value = 0;
        for (int i = from; i < id.length(); i++)
        {
            value = (value << 5) | ALPHABET.indexOf(id.charAt(i));
        }
        return value & BODY_MASK;
    }

    private static String encode(final long body)
    {
        final char[] chars = new char[10];
        long value = body;
        for (int i = 9; i >= 0; i--)
        {
            chars[i] = ALPHABET.charAt((int)(value & 31));
            value >>>= 5;
        }
        return new String(chars);
    }
}
