package io.ledger.http.endpoint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

import io.ledger.engine.ApiDialect;

/**
 * Drawing API keys and hashing them (issue 15). A key is {@code lk_<dialect>_} and 43 base64url characters of 32 bytes
 * from {@link SecureRandom}: drawn here, shown once in the creation's reply, and only its SHA-256 goes to the ledger and
 * the journal. A request's key is hashed the same way and the ledger looks the hash up, so no comparison of key text
 * ever happens (nothing to time), and nothing secret is kept in memory beyond the request.
 *
 * <p>Thread-safe: one {@link MessageDigest} per thread.
 */
public final class ApiKeys
{
    /** Longest key text a request header may carry before it is refused unhashed. */
    public static final int KEY_CHARS_MAX = 128;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() ->
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
        }
    });

    private ApiKeys()
    {
    }

    /** @return a new random key for {@code dialect}. */
    public static String draw(final ApiDialect dialect)
    {
        final byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "lk_" + dialect.apiName() + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** @return SHA-256 of {@code key}'s UTF-8 bytes, 64 lower-case hex characters. */
    public static String sha256Hex(final String key)
    {
        final MessageDigest digest = SHA256.get();
        digest.reset();
        final byte[] hash = digest.digest(key.getBytes(StandardCharsets.UTF_8));
        final char[] hex = new char[hash.length * 2];
        for (int i = 0; i < hash.length; i++)
        {
            hex[2 * i] = HEX[(hash[i] >> 4) & 0xF];
            hex[2 * i + 1] = HEX[hash[i] & 0xF];
        }
        return new String(hex);
    }

    /** @return true when {@code key} may be hashed: 1..{@link #KEY_CHARS_MAX} printable ASCII characters. */
    public static boolean plausible(final String key)
    {
        if (key == null || key.isEmpty() || key.length() > KEY_CHARS_MAX)
        {
            return false;
        }
        for (int i = 0; i < key.length(); i++)
        {
            if (key.charAt(i) < 0x21 || key.charAt(i) > 0x7E)
            {
                return false;
            }
        }
        return true;
    }
}
