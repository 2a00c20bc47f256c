package io.ledger.http.auth;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The HS256 keys a server verifies tokens with, oldest first; the newest signs new tokens. Each key has a key id
 * ({@code kid}), which a token names in its JWS header, so several keys verify at once and a key rotates without
 * downtime: a new key signs, the old ones keep verifying the tokens they signed until they are retired.
 *
 * <p>The key named {@value #LEGACY_KID} is the key of the builds before key rings (the data directory's
 * {@code jwt-secret}, or a {@code --jwt-secret}): it verifies tokens without a {@code kid} (as those builds issued
 * them), and when it signs (it is then the only key) its tokens carry no {@code kid} either.
 *
 * <p>Immutable; thread-safe. The key bytes are copied in and never handed out except to sign and verify.
 */
public final class KeyRing
{
    /** The kid of the key that verifies tokens without a kid. */
    public static final String LEGACY_KID = "legacy";
    /** What a kid may be: short, and safe to print and to keep in a text file. */
    public static final Pattern KID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * One key.
     *
     * @param kid         its id, {@link #KID}.
     * @param createdAtMs when it was made, epoch milliseconds (0 when unknown).
     * @param secret      the HS256 key, at least {@value JwtAuthenticator#SECRET_BYTES_MIN} bytes.
     */
    public record Key(String kid, long createdAtMs, byte[] secret)
    {
        public Key
        {
            if (kid == null || !KID.matcher(kid).matches())
            {
                throw new IllegalArgumentException("kid=" + kid + " must be 1..64 of A-Z a-z 0-9 . _ -");
            }
            if (secret == null || secret.length < JwtAuthenticator.SECRET_BYTES_MIN)
            {
                throw new IllegalArgumentException("the key " + kid + " must be at least 32 bytes (256 bits) for HS256");
            }
            secret = secret.clone();
        }

        /** @return true for the key that verifies tokens without a kid. */
        public boolean legacy()
        {
            return LEGACY_KID.equals(kid);
        }

        /** @return a copy of the key's bytes. */
        @Override
        public byte[] secret()
        {
            return secret.clone();
        }

        @Override
        public String toString()
        {
            return "Key[kid=" + kid + ", createdAtMs=" + createdAtMs + "]"; // never the secret
        }
    }

    private final List<Key> keys;

    private KeyRing(final List<Key> keys)
    {
        this.keys = keys;
    }

    /**
     * @param keys oldest first; the last signs.
     * @throws IllegalArgumentException when there is none, or two share a kid.
     */
    public static KeyRing of(final List<Key> keys)
    {
        if (keys == null || keys.isEmpty())
        {
            throw new IllegalArgumentException("a key ring needs at least one key");
        }
        final Set<String> kids = new HashSet<>();
        for (final Key key : keys)
        {
            if (!kids.add(key.kid()))
            {
                throw new IllegalArgumentException("kid=" + key.kid() + " appears twice");
            }
        }
        return new KeyRing(List.copyOf(keys));
    }

    /** @return a ring of one key, {@value #LEGACY_KID}: tokens signed and verified without a kid. */
    public static KeyRing legacy(final byte[] secret)
    {
        return of(List.of(new Key(LEGACY_KID, 0, secret)));
    }

    /** @return every key, oldest first. */
    public List<Key> keys()
    {
        return keys;
    }

    /** @return the key that signs new tokens: the newest. */
    public Key signingKey()
    {
        return keys.get(keys.size() - 1);
    }

    /**
     * @param kid a token's kid, or null for a token without one.
     * @return the key that verifies it, or null when none does (an unknown or retired key).
     */
    public Key find(final String kid)
    {
        final String wanted = kid == null ? LEGACY_KID : kid;
        for (final Key key : keys)
        {
            if (key.kid().equals(wanted))
            {
                return key;
            }
        }
        return null;
    }

    /** @return this ring with a new signing key after the others, {@code k<N>} with N one above the highest in use. */
    public KeyRing rotated(final byte[] secret, final long nowMs)
    {
        int highest = 0;
        for (final Key key : keys)
        {
            if (key.kid().matches("k[0-9]{1,9}"))
            {
                highest = Math.max(highest, Integer.parseInt(key.kid().substring(1)));
            }
        }
        final List<Key> next = new ArrayList<>(keys);
        next.add(new Key("k" + (highest + 1), nowMs, secret));
        return of(next);
    }

    /**
     * @return this ring without {@code kid}.
     * @throws IllegalArgumentException when no key has that kid, or it is the signing key (rotate first).
     */
    public KeyRing retired(final String kid)
    {
        final Key key = find(kid);
        if (key == null || !key.kid().equals(kid))
        {
            throw new IllegalArgumentException("no key has kid=" + kid);
        }
        if (key == signingKey())
        {
            throw new IllegalArgumentException("kid=" + kid + " signs new tokens; rotate ('ledger key rotate') before retiring it");
        }
        final List<Key> next = new ArrayList<>(keys);
        next.remove(key);
        return of(next);
    }

    @Override
    public String toString()
    {
        return "KeyRing" + keys;
    }
}
