package io.ledger.http.auth;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.agrona.concurrent.EpochClock;

import java.text.ParseException;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Verifies {@code Authorization: Bearer <JWT>} headers and yields who the token speaks for: a merchant (the token's
 * {@code sub}), or an operator when the token carries the claim {@code "role":"operator"} (its {@code sub} then names
 * the operator). A merchant token opens the merchant's API; an operator token opens the console and nothing of any
 * merchant's API. Any other {@code role} is refused.
 *
 * <p>Only compact HS256 JWS tokens are accepted: the algorithm is pinned (a header naming {@code none}, HS384,
 * HS512, RS256, ... is refused before any MAC is computed, and plain JWTs and JWEs never parse as one), the MAC is
 * checked by nimbus-jose-jwt's {@link MACVerifier} in constant time, {@code exp} is required, {@code nbf} and
 * {@code iat} are honoured when present, each with {@code clockSkewMs} of tolerance, and {@code sub} must be
 * 1..{@value #SUBJECT_CHARS_MAX} printable ASCII characters without spaces.
 *
 * <p>Keys: a {@link KeyRing}. The MAC is checked with the key the token's {@code kid} header names, or, for a token
 * without one, with the {@value KeyRing#LEGACY_KID} key; a token naming a key the ring does not hold (never known, or
 * retired) is refused. {@link #keys(KeyRing)} swaps the ring while the server runs (a rotation), and from then on
 * nothing verified by a key the new ring lacks is accepted, cached or not.
 *
 * <p>Verified tokens are kept in a small direct-mapped cache ({@code cacheSlots} entries, last writer wins),
 * so a client that reuses its token costs one pass over the header, a constant-time compare and the time checks,
 * which are re-run against the clock on every hit; a hit allocates nothing. Only tokens that verified enter it, each
 * marked with the ring it verified against; a hit from an older ring counts as a miss.
 *
 * <p>Thread-safe: one instance is shared by all Netty event loops. {@link #authenticate} never throws; its error
 * strings are short, fixed messages for a 401 body and never contain the token or the secret.
 */
public final class JwtAuthenticator
{
    /** Longest token accepted, in characters; checked before any parsing. */
    public static final int TOKEN_CHARS_MAX = 4096;
    /** Longest merchant id ({@code sub}) accepted, in characters. */
    public static final int SUBJECT_CHARS_MAX = 128;
    /** Shortest HS256 key accepted, in bytes (RFC 7518 section 3.2: a key as long as the hash output). */
    public static final int SECRET_BYTES_MIN = 32;
    /** Verified-token cache size the three-argument constructor uses. */
    public static final int CACHE_SLOTS_DEFAULT = 1024;

    private static final String BEARER = "Bearer";

    private static final AuthResult MISSING_TOKEN = AuthResult.failure("Missing bearer token");
    private static final AuthResult NOT_BEARER = AuthResult.failure("Authorization scheme must be Bearer");
    private static final AuthResult TOO_LONG = AuthResult.failure("Token too long");
    private static final AuthResult MALFORMED = AuthResult.failure("Malformed token");
    private static final AuthResult UNSUPPORTED_ALGORITHM = AuthResult.failure("Unsupported token algorithm, expected HS256");
    private static final AuthResult BAD_SIGNATURE = AuthResult.failure("Invalid token signature");
    private static final AuthResult MALFORMED_CLAIMS = AuthResult.failure("Malformed token claims");
    private static final AuthResult MISSING_EXPIRY = AuthResult.failure("Token has no expiry (exp)");
    private static final AuthResult EXPIRED = AuthResult.failure("Token expired");
    private static final AuthResult NOT_YET_VALID = AuthResult.failure("Token not yet valid");
    private static final AuthResult ISSUED_IN_FUTURE = AuthResult.failure("Token issued in the future");
    private static final AuthResult MISSING_SUBJECT = AuthResult.failure("Token has no subject (sub)");
    private static final AuthResult BAD_SUBJECT = AuthResult.failure("Token subject is not a valid merchant id");
    private static final AuthResult BAD_ROLE = AuthResult.failure("Unsupported token role");
    private static final AuthResult UNKNOWN_KEY = AuthResult.failure("Token signed by an unknown or retired key");

    /** The claim that marks an operator token, and its one accepted value. */
    public static final String ROLE_CLAIM = "role";
    public static final String ROLE_OPERATOR = "operator";

    private static final long ABSENT = Long.MIN_VALUE;

    /**
     * The outcome of {@link #authenticate}: exactly one of the three is non-null.
     *
     * @param merchantId the authenticated merchant, or null (an operator token, or a failure).
     * @param operatorId the authenticated operator (an operator token's {@code sub}), or null.
     * @param error      a short message for the 401 body, or null on success.
     */
    public record AuthResult(String merchantId, String operatorId, String error)
    {
        public AuthResult
        {
            if ((merchantId != null ? 1 : 0) + (operatorId != null ? 1 : 0) + (error != null ? 1 : 0) != 1)
            {
                throw new IllegalArgumentException("exactly one of merchantId, operatorId and error must be set");
            }
        }

        static AuthResult success(final String merchantId)
        {
            return new AuthResult(merchantId, null, null);
        }

        static AuthResult operator(final String operatorId)
        {
            return new AuthResult(null, operatorId, null);
        }

        static AuthResult failure(final String error)
        {
            return new AuthResult(null, null, error);
        }

        /** @return true when the token verified: a merchant's ({@link #merchantId()}) or an operator's. */
        public boolean ok()
        {
            return error == null;
        }

        /** @return true for a verified operator token. */
        public boolean operator()
        {
            return operatorId != null;
        }
    }

    /** A token whose MAC and claims verified against {@code keys}; the time claims are re-checked on each use. */
    private record Verified(String token, int hash, AuthResult result, long expMs, long nbfMs, long iatMs, Verifiers keys)
    {
    }

    /** A ring's keys ready to verify with, by kid; the one for tokens without a kid under {@code null}'s lookup. */
    private record Verifiers(KeyRing ring, java.util.Map<String, MACVerifier> byKid)
    {
        static Verifiers of(final KeyRing ring)
        {
            final java.util.Map<String, MACVerifier> byKid = new java.util.HashMap<>();
            for (final KeyRing.Key key : ring.keys())
            {
                try
                {
                    byKid.put(key.kid(), new MACVerifier(key.secret()));
                }
                catch (final JOSEException ex)
                {
                    throw new IllegalArgumentException("the key " + key.kid() + " is refused by the HS256 verifier", ex);
                }
            }
            return new Verifiers(ring, java.util.Map.copyOf(byKid));
        }

        /** @return the verifier for a token's {@code kid} (null: no kid), or null when the ring has no such key. */
        MACVerifier forKid(final String kid)
        {
            final KeyRing.Key key = ring.find(kid);
            return key == null ? null : byKid.get(key.kid());
        }
    }

    private volatile Verifiers keys;
    private final EpochClock clock;
    private final long clockSkewMs;
    private final AtomicReferenceArray<Verified> cache;
    private final int cacheMask;

    /**
     * @param hs256Secret the HMAC key, at least {@value #SECRET_BYTES_MIN} bytes; copied.
     * @param clock       wall clock in epoch milliseconds.
     * @param clockSkewMs tolerance applied to {@code exp}, {@code nbf} and {@code iat}, >= 0.
     */
    public JwtAuthenticator(final byte[] hs256Secret, final EpochClock clock, final long clockSkewMs)
    {
        this(hs256Secret, clock, clockSkewMs, CACHE_SLOTS_DEFAULT);
    }

    /**
     * @param cacheSlots size of the verified-token cache: 0 disables it, otherwise a power of two.
     * @see #JwtAuthenticator(byte[], EpochClock, long)
     */
    public JwtAuthenticator(final byte[] hs256Secret, final EpochClock clock, final long clockSkewMs, final int cacheSlots)
    {
        this(legacyRing(hs256Secret), clock, clockSkewMs, cacheSlots);
    }

    /**
     * @param keys        the keys tokens are verified with (see the class comment).
     * @param clock       wall clock in epoch milliseconds.
     * @param clockSkewMs tolerance applied to {@code exp}, {@code nbf} and {@code iat}, >= 0.
     */
    public JwtAuthenticator(final KeyRing keys, final EpochClock clock, final long clockSkewMs)
    {
        this(keys, clock, clockSkewMs, CACHE_SLOTS_DEFAULT);
    }

    /**
     * @param cacheSlots size of the verified-token cache: 0 disables it, otherwise a power of two.
     * @see #JwtAuthenticator(KeyRing, EpochClock, long)
     */
    public JwtAuthenticator(final KeyRing keys, final EpochClock clock, final long clockSkewMs, final int cacheSlots)
    {
        if (clockSkewMs < 0)
        {
            throw new IllegalArgumentException("clockSkewMs=" + clockSkewMs + " must be >= 0");
        }
        if (cacheSlots < 0 || (cacheSlots != 0 && Integer.bitCount(cacheSlots) != 1))
        {
            throw new IllegalArgumentException("cacheSlots=" + cacheSlots + " must be 0 or a power of two");
        }
        this.keys = Verifiers.of(Objects.requireNonNull(keys, "keys"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.clockSkewMs = clockSkewMs;
        this.cache = cacheSlots == 0 ? null : new AtomicReferenceArray<>(cacheSlots);
        this.cacheMask = cacheSlots - 1;
    }

    private static KeyRing legacyRing(final byte[] hs256Secret)
    {
        if (hs256Secret == null || hs256Secret.length < SECRET_BYTES_MIN)
        {
            throw new IllegalArgumentException("jwt secret must be at least 32 bytes (256 bits) for HS256");
        }
        return KeyRing.legacy(hs256Secret);
    }

    /**
     * Verifies with {@code ring} from now on (a key rotated or retired). A request being verified meanwhile uses either
     * ring; every later one the new ring, whatever the cache holds. Any thread.
     */
    public void keys(final KeyRing ring)
    {
        keys = Verifiers.of(Objects.requireNonNull(ring, "ring"));
    }

    /** @return the ring tokens are verified with now. */
    public KeyRing keys()
    {
        return keys.ring();
    }

    /**
     * @param authorizationHeaderValue the {@code Authorization} header, or null when absent.
     * @return the merchant on success, otherwise a short error; never throws.
     */
    public AuthResult authenticate(final CharSequence authorizationHeaderValue)
    {
        try
        {
            return authenticate0(authorizationHeaderValue);
        }
        catch (final RuntimeException | StackOverflowError ex)
        {
            // The parsers met input they did not expect: whatever it was, it is not a valid token.
            return MALFORMED;
        }
    }

    private AuthResult authenticate0(final CharSequence value)
    {
        if (value == null)
        {
            return MISSING_TOKEN;
        }
        int start = 0;
        int end = value.length();
        while (start < end && isOws(value.charAt(start)))
        {
            start++;
        }
        while (end > start && isOws(value.charAt(end - 1)))
        {
            end--;
        }
        if (start == end)
        {
            return MISSING_TOKEN;
        }
        if (!regionMatchesIgnoreCase(value, start, BEARER))
        {
            return NOT_BEARER;
        }
        start += BEARER.length();
        if (start == end)
        {
            return MISSING_TOKEN;
        }
        if (value.charAt(start) != ' ')
        {
            return NOT_BEARER; // "Bearerx ..." is another scheme
        }
        while (start < end && value.charAt(start) == ' ')
        {
            start++;
        }
        if (end - start > TOKEN_CHARS_MAX)
        {
            return TOO_LONG;
        }

        // One pass: the compact JWS alphabet (base64url and exactly two dots) and the cache hash.
        int dots = 0;
        int hash = 0;
        for (int i = start; i < end; i++)
        {
            final char c = value.charAt(i);
            if (c == '.')
            {
                dots++;
            }
            else if (!isBase64Url(c))
            {
                return MALFORMED;
            }
            hash = 31 * hash + c;
        }
        if (dots != 2)
        {
            return MALFORMED; // plain JWTs have an empty third part but parse below; JWEs have five parts
        }

        final long nowMs = clock.time();
        if (cache != null)
        {
            final int slot = (hash ^ (hash >>> 16)) & cacheMask;
            final Verified hit = cache.get(slot);
            if (hit != null && hit.hash == hash && hit.keys == keys && constantTimeEquals(hit.token, value, start, end))
            {
                final AuthResult timeError = checkTimes(nowMs, hit.expMs, hit.nbfMs, hit.iatMs);
                if (timeError != null)
                {
                    cache.compareAndSet(slot, hit, null);
                    return timeError;
                }
                return hit.result;
            }
        }
        return verify(value.subSequence(start, end).toString(), hash, nowMs);
    }

    private AuthResult verify(final String token, final int hash, final long nowMs)
    {
        final SignedJWT jwt;
        try
        {
            jwt = SignedJWT.parse(token);
        }
        catch (final ParseException ex)
        {
            return classifyUnparseable(token);
        }
        if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()))
        {
            return UNSUPPORTED_ALGORITHM;
        }
        final Verifiers ring = keys; // one ring for the whole check, and the one the cache entry is marked with
        final AuthResult signatureError = checkSignature(jwt, ring);
        if (signatureError != null)
        {
            return signatureError;
        }

        final JWTClaimsSet claims;
        final String subject;
        final Date exp;
        final Date nbf;
        final Date iat;
        final Object role;
        try
        {
            claims = jwt.getJWTClaimsSet();
            exp = claims.getExpirationTime();
            nbf = claims.getNotBeforeTime();
            iat = claims.getIssueTime();
            subject = claims.getSubject();
            role = claims.getClaim(ROLE_CLAIM);
        }
        catch (final ParseException ex)
        {
            return MALFORMED_CLAIMS;
        }
        if (exp == null)
        {
            return MISSING_EXPIRY;
        }
        final long expMs = exp.getTime();
        final long nbfMs = nbf == null ? ABSENT : nbf.getTime();
        final long iatMs = iat == null ? ABSENT : iat.getTime();
        final AuthResult timeError = checkTimes(nowMs, expMs, nbfMs, iatMs);
        if (timeError != null)
        {
            return timeError;
        }
        if (subject == null)
        {
            return MISSING_SUBJECT;
        }
        if (!isValidMerchantId(subject))
        {
            return BAD_SUBJECT;
        }

        if (role != null && !ROLE_OPERATOR.equals(role))
        {
            return BAD_ROLE;
        }
        final AuthResult result = role == null ? AuthResult.success(subject) : AuthResult.operator(subject);
        if (cache != null)
        {
            cache.set((hash ^ (hash >>> 16)) & cacheMask, new Verified(token, hash, result, expMs, nbfMs, iatMs, ring));
        }
        return result;
    }

    /** @return null when a key of {@code ring} named by the token's kid signed it, else why not. */
    private static AuthResult checkSignature(final SignedJWT jwt, final Verifiers ring)
    {
        final MACVerifier verifier = ring.forKid(jwt.getHeader().getKeyID());
        if (verifier == null)
        {
            return UNKNOWN_KEY;
        }
        try
        {
            return jwt.verify(verifier) ? null : BAD_SIGNATURE;
        }
        catch (final JOSEException ex)
        {
            return BAD_SIGNATURE;
        }
    }

    private AuthResult checkTimes(final long nowMs, final long expMs, final long nbfMs, final long iatMs)
    {
        if (nowMs - clockSkewMs >= expMs)
        {
            return EXPIRED;
        }
        if (nbfMs != ABSENT && nbfMs > nowMs + clockSkewMs)
        {
            return NOT_YET_VALID;
        }
        if (iatMs != ABSENT && iatMs > nowMs + clockSkewMs)
        {
            return ISSUED_IN_FUTURE;
        }
        return null;
    }

    /** Says "unsupported algorithm" for well-formed JOSE objects that are not JWS (alg none, JWE algs). */
    private static AuthResult classifyUnparseable(final String token)
    {
        try
        {
            final Header header = Header.parse(new Base64URL(token.substring(0, token.indexOf('.'))));
            final Algorithm alg = header.getAlgorithm();
            if (alg != null && !JWSAlgorithm.HS256.equals(alg))
            {
                return UNSUPPORTED_ALGORITHM;
            }
        }
        catch (final ParseException | RuntimeException ex)
        {
            // not even a JOSE header
        }
        return MALFORMED;
    }

    /**
     * @return true when {@code id} is 1..{@value #SUBJECT_CHARS_MAX} printable ASCII characters without spaces,
     * the merchant ids tokens may carry.
     */
    public static boolean isValidMerchantId(final CharSequence id)
    {
        if (id == null || id.length() == 0 || id.length() > SUBJECT_CHARS_MAX)
        {
            return false;
        }
        for (int i = 0; i < id.length(); i++)
        {
            final char c = id.charAt(i);
            if (c < 0x21 || c > 0x7E)
            {
                return false;
            }
        }
        return true;
    }

    private static boolean constantTimeEquals(final String expected, final CharSequence value, final int start, final int end)
    {
        final int length = expected.length();
        if (end - start != length)
        {
            return false; // reveals only the length, which is not secret
        }
        int diff = 0;
        for (int i = 0; i < length; i++)
        {
            diff |= expected.charAt(i) ^ value.charAt(start + i);
        }
        return diff == 0;
    }

    private static boolean regionMatchesIgnoreCase(final CharSequence value, final int start, final String word)
    {
        if (value.length() - start < word.length())
        {
            return false;
        }
        for (int i = 0; i < word.length(); i++)
        {
            if (Character.toLowerCase(value.charAt(start + i)) != Character.toLowerCase(word.charAt(i)))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isOws(final char c)
    {
        return c == ' ' || c == '\t';
    }

    private static boolean isBase64Url(final char c)
    {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
