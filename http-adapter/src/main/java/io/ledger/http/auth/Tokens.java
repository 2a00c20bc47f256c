package io.ledger.http.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.util.Date;

/**
 * Issues the HS256 bearer tokens {@link JwtAuthenticator} accepts: header {@code {"kid":...,"typ":"JWT","alg":"HS256"}}
 * naming the key that signed it (no {@code kid} for the {@value KeyRing#LEGACY_KID} key, as the builds before key
 * rings issued them), claims {@code sub} (the merchant id, or the operator's name), {@code iat} and {@code exp} in epoch
 * seconds (rounded down), and {@code "role":"operator"} on an operator token.
 *
 * <p>Stateless and thread-safe. Used by {@code ledger token}, the demo token {@code ledger serve} prints, and tests.
 */
public final class Tokens
{
    private Tokens()
    {
    }

    /**
     * @param secret     the HS256 key, at least {@value JwtAuthenticator#SECRET_BYTES_MIN} bytes.
     * @param merchantId the {@code sub}: 1..128 printable ASCII characters without spaces.
     * @param issuedAtMs the {@code iat}, epoch milliseconds.
     * @param ttlMs      lifetime, > 0: {@code exp = iat + ttl}.
     * @return the compact serialisation, {@code header.payload.signature}.
     * @throws IllegalArgumentException naming the bad argument.
     */
    public static String issue(final byte[] secret, final String merchantId, final long issuedAtMs, final long ttlMs)
    {
        return issue(legacy(secret), merchantId, null, issuedAtMs, ttlMs);
    }

    /** As {@link #issue(byte[], String, long, long)}, signed with the ring's signing key and naming its kid. */
    public static String issue(final KeyRing keys, final String merchantId, final long issuedAtMs, final long ttlMs)
    {
        return issue(keys.signingKey(), merchantId, null, issuedAtMs, ttlMs);
    }

    /** As {@link #issueOperator(byte[], String, long, long)}, signed with the ring's signing key and naming its kid. */
    public static String issueOperator(final KeyRing keys, final String operatorId, final long issuedAtMs, final long ttlMs)
    {
        return issue(keys.signingKey(), operatorId, JwtAuthenticator.ROLE_OPERATOR, issuedAtMs, ttlMs);
    }

    /**
     * An operator token: as {@link #issue}, with the claim {@code "role":"operator"}; it opens the console and no
     * merchant's API.
     *
     * @param operatorId the {@code sub}, naming the operator: 1..128 printable ASCII characters without spaces.
     */
    public static String issueOperator(final byte[] secret, final String operatorId, final long issuedAtMs, final long ttlMs)
    {
        return issue(legacy(secret), operatorId, JwtAuthenticator.ROLE_OPERATOR, issuedAtMs, ttlMs);
    }

    private static KeyRing.Key legacy(final byte[] secret)
    {
        if (secret == null || secret.length < JwtAuthenticator.SECRET_BYTES_MIN)
        {
            throw new IllegalArgumentException("jwt secret must be at least 32 bytes (256 bits) for HS256");
        }
        return KeyRing.legacy(secret).signingKey();
    }

    private static String issue(final KeyRing.Key key, final String merchantId, final String role, final long issuedAtMs, final long ttlMs)
    {
        if (!JwtAuthenticator.isValidMerchantId(merchantId))
        {
            throw new IllegalArgumentException("merchantId=" + merchantId
                + " must be 1.." + JwtAuthenticator.SUBJECT_CHARS_MAX + " printable ASCII characters without spaces");
        }
        if (ttlMs <= 0)
        {
            throw new IllegalArgumentException("ttlMs=" + ttlMs + " must be > 0");
        }
        final long expiresAtMs;
        try
        {
            expiresAtMs = Math.addExact(issuedAtMs, ttlMs);
        }
        catch (final ArithmeticException ex)
        {
            throw new IllegalArgumentException("issuedAtMs=" + issuedAtMs + " + ttlMs=" + ttlMs + " overflows", ex);
        }

        final JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
            .subject(merchantId)
            .issueTime(new Date(issuedAtMs))
            .expirationTime(new Date(expiresAtMs));
        if (role != null)
        {
            claims.claim(JwtAuthenticator.ROLE_CLAIM, role);
        }
        final JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT);
        if (!key.legacy())
        {
            header.keyID(key.kid());
        }
        final SignedJWT jwt = new SignedJWT(header.build(), claims.build());
        try
        {
            jwt.sign(new MACSigner(key.secret()));
        }
        catch (final JOSEException ex)
        {
            throw new IllegalStateException("HS256 signing failed", ex);
        }
        return jwt.serialize();
    }
}
