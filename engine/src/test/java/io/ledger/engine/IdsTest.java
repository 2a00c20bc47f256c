package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Public ids: the same format and decoding as ever, unsalted ids exactly as before salts, salted ones per deployment. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdsTest
{
    private static final long MASK = (1L << 50) - 1;
    private static final long MULTIPLIER = 0x2545F4914F6CDD1DL & MASK | 1L;
    private static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

    @Test
    void shouldIssueWithSaltZeroExactlyTheIdsOfADataDirectoryFromBeforeSalts()
    {
        // What the build before salts answered (README walk-through, compatibility fixture)
        assertEquals("cus_fmj57psq8x", Ids.UNSALTED.format(IdKind.CUSTOMER, 1));
        assertEquals("cus_z94afdkeht", Ids.UNSALTED.format(IdKind.CUSTOMER, 2));
        assertEquals("pin_e6tt6j0mch", Ids.UNSALTED.format(IdKind.PAY_IN, 5));
        assertEquals("txn_0000000000", Ids.UNSALTED.format(IdKind.ENTRY, 0));
        final Random random = new Random(1);
        for (int i = 0; i < 10_000; i++)
        {
            final long key = random.nextLong() & (Ids.KEY_LIMIT - 1);
            for (final IdKind kind : IdKind.values())
            {
                assertEquals(kind.prefix() + oldBody(key), Ids.UNSALTED.format(kind, key));
            }
        }
    }

    @Test
    void shouldRoundTripManyKeysOfEveryKindForSeveralSalts()
    {
        final Random random = new Random(2);
        for (final long salt : new long[] {0, 1, -1, 0x5EED5EED5EED5EEDL, random.nextLong()})
        {
            final Ids ids = new Ids(salt);
            for (int i = 0; i < 20_000; i++)
            {
                final long key = i < 100 ? i : i < 200 ? Ids.KEY_LIMIT - 1 - i : random.nextLong() & (Ids.KEY_LIMIT - 1);
                for (final IdKind kind : IdKind.values())
                {
                    final String id = ids.format(kind, key);
                    assertEquals(kind.prefix().length() + 10, id.length(), id);
                    assertEquals(key, ids.parse(kind, id), id);
                }
            }
        }
    }

    @Test
    void shouldGiveTwoDeploymentsDifferentIdsForTheSameKeys()
    {
        final Ids a = new Ids(0x1234_5678_9ABC_DEF0L);
        final Ids b = new Ids(0x0FED_CBA9_8765_4321L);
        assertNotEquals(a.format(IdKind.CUSTOMER, 1), b.format(IdKind.CUSTOMER, 1), "the first customer");
        assertNotEquals(Ids.UNSALTED.format(IdKind.CUSTOMER, 1), a.format(IdKind.CUSTOMER, 1));
        int same = 0;
        for (long key = 0; key < 10_000; key++)
        {
            same += a.format(IdKind.ENTRY, key).equals(b.format(IdKind.ENTRY, key)) ? 1 : 0;
        }
        assertEquals(0, same, "no shared id among the first 10,000 history entries");
        assertNotEquals(1, b.parse(IdKind.CUSTOMER, a.format(IdKind.CUSTOMER, 1)), "another deployment's id is not this key");
    }

    @Test
    void shouldSeparateKindsWithTheSameKeyWhenSalted()
    {
        final Ids ids = new Ids(0x5EED5EED5EED5EEDL);
        for (long key = 0; key < 1_000; key++)
        {
            final Set<String> bodies = new HashSet<>();
            for (final IdKind kind : IdKind.values())
            {
                if (kind != IdKind.BALANCE)
                {
                    bodies.add(ids.format(kind, key).substring(kind.prefix().length()));
                }
            }
            assertEquals(IdKind.values().length - 1, bodies.size(), "key=" + key + " bodies=" + bodies);
        }
        final String customer = ids.format(IdKind.CUSTOMER, 42);
        assertEquals(customer.substring(4), ids.format(IdKind.BALANCE, 42).substring(4), "a balance id carries its customer's body");
        assertNotEquals(42, ids.parse(IdKind.ENTRY, "txn_" + customer.substring(4)), "a customer's body is not a history entry's");
    }

    @Test
    void shouldAnswerMinusOneForAnythingThatIsNotAnIdOfTheKind()
    {
        final Ids ids = new Ids(77);
        final String id = ids.format(IdKind.PAYMENT_METHOD, 9);
        assertEquals(-1, ids.parse(IdKind.CUSTOMER, id), "another prefix");
        assertEquals(-1, ids.parse(IdKind.PAYMENT_METHOD, id + "0"), "too long");
        assertEquals(-1, ids.parse(IdKind.PAYMENT_METHOD, id.substring(0, id.length() - 1)), "too short");
        assertEquals(-1, ids.parse(IdKind.PAYMENT_METHOD, id.replace(id.charAt(5), 'u')), "u is not Crockford base-32");
        assertEquals(-1, ids.parse(IdKind.PAYMENT_METHOD, null));
        int outside = 0;
        for (final char c : ALPHABET.toCharArray())
        {
            outside += ids.parse(IdKind.CUSTOMER, "cus_" + String.valueOf(c).repeat(10)) < 0 ? 1 : 0;
        }
        assertTrue(outside > 0, "three in four 50-bit values decode to no key below 2^48");
        assertThrows(IllegalArgumentException.class, () -> ids.format(IdKind.CUSTOMER, Ids.KEY_LIMIT));
        assertThrows(IllegalArgumentException.class, () -> ids.format(IdKind.CUSTOMER, -1));
    }

    /** The body as the build before salts computed it: key times an odd constant mod 2^50, in base 32. */
    private static String oldBody(final long key)
    {
        long value = (key * MULTIPLIER) & MASK;
        final char[] body = new char[10];
        for (int i = 9; i >= 0; i--)
        {
            body[i] = ALPHABET.charAt((int)(value & 31));
            value >>>= 5;
        }
        return new String(body);
    }
}
