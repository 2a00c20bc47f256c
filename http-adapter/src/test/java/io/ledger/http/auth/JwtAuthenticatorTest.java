package io.ledger.http.auth;

import io.ledger.http.auth.JwtAuthenticator.AuthResult;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JwtAuthenticatorTest
{
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER_SECRET = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
    private static final long NOW_MS = 1_800_000_000_000L;
    private static final long NOW_S = NOW_MS / 1000;
    private static final long SKEW_MS = 30_000;
    private static final long HOUR_MS = 3_600_000;

    private final CachedEpochClock clock = new CachedEpochClock();
    private final JwtAuthenticator authenticator = new JwtAuthenticator(SECRET, clock, SKEW_MS);

    JwtAuthenticatorTest()
    {
        clock.update(NOW_MS);
    }

    @Test
    void shouldAuthenticateValidTokenAsItsSubject()
    {
        final String token = Tokens.issue(SECRET, "merchant_42", NOW_MS, HOUR_MS);

        final AuthResult result = authenticator.authenticate("Bearer " + token);

        assertTrue(result.ok(), result::toString);
        assertEquals("merchant_42", result.merchantId());
        assertNull(result.error());
    }

    @Test
    void shouldAuthenticateAnOperatorTokenAsAnOperatorAndNoMerchantEvenFromTheCache()
    {
        final String token = Tokens.issueOperator(SECRET, "ops", NOW_MS, HOUR_MS);

        for (int i = 0; i < 2; i++) // verified, then from the cache
        {
            final AuthResult result = authenticator.authenticate("Bearer " + token);
            assertTrue(result.ok() && result.operator(), result::toString);
            assertEquals("ops", result.operatorId());
            assertNull(result.merchantId());
        }
        assertFalse(authenticator.authenticate("Bearer " + Tokens.issue(SECRET, "m1", NOW_MS, HOUR_MS)).operator());
    }

    @Test
    void shouldRefuseATokenWithAnyOtherRole()
    {
        final long exp = (NOW_MS + HOUR_MS) / 1000;
        for (final String role : new String[] {"\"admin\"", "\"Operator\"", "true", "[\"operator\"]", "null"})
        {
            final String token = hs256(SECRET, "{\"alg\":\"HS256\"}", "{\"sub\":\"m1\",\"exp\":" + exp + ",\"role\":" + role + "}");
            final AuthResult result = authenticator.authenticate("Bearer " + token);
            if (role.equals("null"))
            {
                assertEquals("m1", result.merchantId(), "a null role is no role");
                continue;
            }
            assertEquals("Unsupported token role", result.error(), role);
        }
    }

    @Test
    void shouldAcceptBearerSchemeInAnyCaseAndSurroundingWhitespace()
    {
        final String token = Tokens.issue(SECRET, "m1", NOW_MS, HOUR_MS);

        assertEquals("m1", authenticator.authenticate("bearer " + token).merchantId());
        assertEquals("m1", authenticator.authenticate("BEARER " + token).merchantId());
        assertEquals("m1", authenticator.authenticate("  Bearer   " + token + " \t").merchantId());
    }

    @Test
    void shouldRejectMissingBearerToken()
    {
        for (final String header : new String[] {null, "", "   ", "Bearer", "Bearer    ", "bearer\t"})
        {
            assertError("Missing bearer token", authenticator.authenticate(header));
        }
    }

    @Test
    void shouldRejectNonBearerScheme()
    {
        final String token = Tokens.issue(SECRET, "m1", NOW_MS, HOUR_MS);

        assertError("Authorization scheme must be Bearer", authenticator.authenticate("Basic dXNlcjpwYXNzd29yZA=="));
        assertError("Authorization scheme must be Bearer", authenticator.authenticate("Token " + token));
        assertError("Authorization scheme must be Bearer", authenticator.authenticate("Bearer" + token));
        assertError("Authorization scheme must be Bearer", authenticator.authenticate(token));
    }

    @Test
    void shouldRejectGarbage()
    {
        for (final String garbage : new String[] {"not-a-jwt", "a.b.c", "..", "a.b", "a.b.c.d", "!!!.???.***",
            "eyJhbGciOiJIUzI1NiJ9.e30", "e30.e30.e30", "a b.c", "é.é.é"})
        {
            final AuthResult result = authenticator.authenticate("Bearer " + garbage);
            assertFalse(result.ok(), garbage);
            assertNotNull(result.error(), garbage);
        }
    }

    @Test
    void shouldRejectTokenSignedWithAnotherSecret()
    {
        final String token = Tokens.issue(OTHER_SECRET, "m1", NOW_MS, HOUR_MS);

        final AuthResult result = authenticator.authenticate("Bearer " + token);

        assertError("Invalid token signature", result);
        assertFalse(result.error().contains(token));
    }

    @Test
    void shouldRejectTokenWhosePayloadWasChanged()
    {
        final String[] parts = Tokens.issue(SECRET, "m1", NOW_MS, HOUR_MS).split("\\.");
        final String forged = parts[0] + "." + b64("{\"sub\":\"m2\",\"exp\":" + (NOW_S + 3600) + "}") + "." + parts[2];

        assertError("Invalid token signature", authenticator.authenticate("Bearer " + forged));
    }

    @Test
    void shouldRejectExpiredToken()
    {
        final String token = Tokens.issue(SECRET, "m1", NOW_MS - 2 * HOUR_MS, HOUR_MS);

        assertError("Token expired", authenticator.authenticate("Bearer " + token));
    }

    @Test
    void shouldAcceptExpiredTokenWithinClockSkew()
    {
        final String token = Tokens.issue(SECRET, "m1", NOW_MS - HOUR_MS - 10_000, HOUR_MS);

        assertEquals("m1", authenticator.authenticate("Bearer " + token).merchantId());
    }

    @Test
    void shouldRejectTokenNotValidBeforeAFutureTime()
    {
        final String late = hs256(SECRET, "{\"alg\":\"HS256\"}",
            "{\"sub\":\"m1\",\"nbf\":" + (NOW_S + 300) + ",\"exp\":" + (NOW_S + 3600) + "}");
        final String withinSkew = hs256(SECRET, "{\"alg\":\"HS256\"}",
            "{\"sub\":\"m1\",\"nbf\":" + (NOW_S + 10) + ",\"exp\":" + (NOW_S + 3600) + "}");

        assertError("Token not yet valid", authenticator.authenticate("Bearer " + late));
        assertEquals("m1", authenticator.authenticate("Bearer " + withinSkew).merchantId());
    }

    @Test
    void shouldRejectTokenIssuedInTheFuture()
    {
        final String token = Tokens.issue(SECRET, "m1", NOW_MS + 5 * 60_000, HOUR_MS);

        assertError("Token issued in the future", authenticator.authenticate("Bearer " + token));
    }

    @Test
    void shouldRejectUnsignedTokenWithAlgNone()
    {
        final String payload = "{\"sub\":\"m1\",\"iat\":" + NOW_S + ",\"exp\":" + (NOW_S + 3600) + "}";
        final String none = b64("{\"alg\":\"none\"}") + "." + b64(payload) + ".";
        final String noneTyped = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(payload) + ".";

        assertError("Unsupported token algorithm, expected HS256", authenticator.authenticate("Bearer " + none));
        assertError("Unsupported token algorithm, expected HS256", authenticator.authenticate("Bearer " + noneTyped));
    }

    @Test
    void shouldRejectHs512TokenSignedWithTheSameSecret()
    {
        final String token = sign("HmacSHA512", SECRET, "{\"alg\":\"HS512\",\"typ\":\"JWT\"}",
            "{\"sub\":\"m1\",\"exp\":" + (NOW_S + 3600) + "}");

        assertError("Unsupported token algorithm, expected HS256", authenticator.authenticate("Bearer " + token));
    }

    @Test
    void shouldRejectRs256HeaderEvenWhenTheHmacOverItIsValid()
    {
        final String token = hs256(SECRET, "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", "{\"sub\":\"m1\",\"exp\":" + (NOW_S + 3600) + "}");

        assertError("Unsupported token algorithm, expected HS256", authenticator.authenticate("Bearer " + token));
    }

    @Test
    void shouldRejectEncryptedToken()
    {
        final String jwe = b64("{\"alg\":\"dir\",\"enc\":\"A128GCM\"}") + "..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA";

        assertError("Malformed token", authenticator.authenticate("Bearer " + jwe));
    }

    @Test
    void shouldRejectTokenWithoutExpiry()
    {
        final String token = hs256(SECRET, "{\"alg\":\"HS256\"}", "{\"sub\":\"m1\",\"iat\":" + NOW_S + "}");

        assertError("Token has no expiry (exp)", authenticator.authenticate("Bearer " + token));
    }

    @Test
    void shouldRejectTokenWithoutSubject()
    {
        final String token = hs256(SECRET, "{\"alg\":\"HS256\"}", "{\"iat\":" + NOW_S + ",\"exp\":" + (NOW_S + 3600) + "}");

        assertError("Token has no subject (sub)", authenticator.authenticate("Bearer " + token));
    }

    @Test
    void shouldRejectSubjectThatIsNotAValidMerchantId()
    {
        for (final String subject : new String[] {"", "two words", "x".repeat(129), "caf\\u00e9", "tab\\t"})
        {
            final String token = hs256(SECRET, "{\"alg\":\"HS256\"}",
                "{\"sub\":\"" + subject + "\",\"exp\":" + (NOW_S + 3600) + "}");
            assertError("Token subject is not a valid merchant id", authenticator.authenticate("Bearer " + token));
        }
        final String longest = Tokens.issue(SECRET, "x".repeat(128), NOW_MS, HOUR_MS);
        assertEquals("x".repeat(128), authenticator.authenticate("Bearer " + longest).merchantId());
    }

    @Test
    void shouldRejectClaimsOfTheWrongType()
    {
        final String token = hs256(SECRET, "{\"alg\":\"HS256\"}", "{\"sub\":\"m1\",\"exp\":\"tomorrow\"}");

        assertError("Malformed token claims", authenticator.authenticate("Bearer " + token));
    }

    @Test
    void shouldRejectOversizedTokenBeforeParsing()
    {
        final String signedButHuge = hs256(SECRET, "{\"alg\":\"HS256\"}",
            "{\"sub\":\"m1\",\"exp\":" + (NOW_S + 3600) + ",\"pad\":\"" + "p".repeat(4000) + "\"}");

        assertTrue(signedButHuge.length() > JwtAuthenticator.TOKEN_CHARS_MAX);
        assertError("Token too long", authenticator.authenticate("Bearer " + signedButHuge));
        assertError("Token too long", authenticator.authenticate("Bearer " + "a".repeat(100_000)));
    }

    @Test
    void shouldRecheckExpiryWhenTheTokenIsCached()
    {
        final String header = "Bearer " + Tokens.issue(SECRET, "m1", NOW_MS, HOUR_MS);
        assertEquals("m1", authenticator.authenticate(header).merchantId());
        assertEquals("m1", authenticator.authenticate(header).merchantId());

        clock.update(NOW_MS + HOUR_MS + SKEW_MS);

        assertError("Token expired", authenticator.authenticate(header));
        assertError("Token expired", authenticator.authenticate(header));
    }

    @Test
    void shouldAuthenticateTheSameWayWithoutCache()
    {
        final JwtAuthenticator uncached = new JwtAuthenticator(SECRET, clock, SKEW_MS, 0);
        final String good = Tokens.issue(SECRET, "m1", NOW_MS, HOUR_MS);
        final String bad = Tokens.issue(OTHER_SECRET, "m1", NOW_MS, HOUR_MS);

        assertEquals("m1", uncached.authenticate("Bearer " + good).merchantId());
        assertEquals("m1", uncached.authenticate("Bearer " + good).merchantId());
        assertError("Invalid token signature", uncached.authenticate("Bearer " + bad));
    }

    @Test
    void shouldNotCacheATokenThatFailedVerification()
    {
        final JwtAuthenticator tinyCache = new JwtAuthenticator(SECRET, clock, SKEW_MS, 1);
        final String good = Tokens.issue(SECRET, "m1", NOW_MS, HOUR_MS);
        final String[] parts = good.split("\\.");
        final String badSignature = parts[0] + "." + parts[1] + "." + b64("not the mac");

        assertEquals("m1", tinyCache.authenticate("Bearer " + good).merchantId());
        assertError("Invalid token signature", tinyCache.authenticate("Bearer " + badSignature));
        assertError("Invalid token signature", tinyCache.authenticate("Bearer " + badSignature));
        assertEquals("m1", tinyCache.authenticate("Bearer " + good).merchantId());
    }

    @Test
    void shouldRefuseSecretShorterThan32Bytes()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> new JwtAuthenticator(new byte[31], clock, SKEW_MS));
        assertEquals("jwt secret must be at least 32 bytes (256 bits) for HS256", ex.getMessage());
    }

    @Test
    void shouldNeverThrowOnHostileInput()
    {
        final String valid = Tokens.issue(SECRET, "m1", NOW_MS, HOUR_MS);
        final Random random = new Random(42);
        final char[] alphabet = "ABCxyz019-_.=+/ {}\"\\:,\u0000\u00e9".toCharArray();
        for (int i = 0; i < 20_000; i++)
        {
            final StringBuilder header = new StringBuilder("Bearer ").append(valid);
            final int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++)
            {
                final int at = 7 + random.nextInt(header.length() - 7);
                switch (random.nextInt(3))
                {
                    case 0 -> header.setCharAt(at, alphabet[random.nextInt(alphabet.length)]);
                    case 1 -> header.deleteCharAt(at);
                    default -> header.insert(at, alphabet[random.nextInt(alphabet.length)]);
                }
            }
            final String mutated = header.toString();
            final AuthResult result = authenticator.authenticate(mutated);
            if (result.ok())
            {
                // base64url decoding may ignore a trailing bit of the last character; anything else is forged
                assertEquals("m1", result.merchantId(), mutated);
            }
        }

        // Deeply nested JSON in a header that is otherwise well-formed.
        final String nested = "{\"alg\":\"HS256\",\"x\":" + "[".repeat(1400) + "]".repeat(1400) + "}";
        final String deep = hs256(SECRET, nested, "{\"sub\":\"m1\",\"exp\":" + (NOW_S + 3600) + "}");
        assertFalse(authenticator.authenticate("Bearer " + deep.substring(0, Math.min(deep.length(), 4096))).ok());
        final String deepClaims = hs256(SECRET, "{\"alg\":\"HS256\"}", "{\"sub\":\"m1\",\"x\":" + "{\"a\":".repeat(400) + "1" + "}".repeat(400) + "}");
        assertFalse(authenticator.authenticate("Bearer " + deepClaims).ok());
    }

    @Test
    void shouldAuthenticateFromManyThreadsAtOnce() throws Exception
    {
        final List<String> headers = new ArrayList<>();
        for (int i = 0; i < 8; i++)
        {
            headers.add("Bearer " + Tokens.issue(SECRET, "m" + i, NOW_MS, HOUR_MS));
        }
        final JwtAuthenticator contended = new JwtAuthenticator(SECRET, clock, SKEW_MS, 2);
        final ExecutorService threads = Executors.newFixedThreadPool(4);
        try
        {
            final List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++)
            {
                final int offset = t;
                final Callable<Boolean> task = () ->
                {
                    for (int i = 0; i < 2_000; i++)
                    {
                        final int n = (i + offset) % headers.size();
                        if (!("m" + n).equals(contended.authenticate(headers.get(n)).merchantId()))
                        {
                            return false;
                        }
                    }
                    return true;
                };
                results.add(threads.submit(task));
            }
            for (final Future<Boolean> result : results)
            {
                assertTrue(result.get());
            }
        }
        finally
        {
            threads.shutdownNow();
        }
    }

    @Test
    void shouldIssueHs256TokensWithSecondsClaims()
    {
        final String[] parts = Tokens.issue(SECRET, "m1", NOW_MS + 999, HOUR_MS).split("\\.");

        assertTrue(decode(parts[0]).contains("\"alg\":\"HS256\""), decode(parts[0]));
        assertTrue(decode(parts[0]).contains("\"typ\":\"JWT\""), decode(parts[0]));
        final String claims = decode(parts[1]);
        assertTrue(claims.contains("\"sub\":\"m1\""), claims);
        assertTrue(claims.contains("\"iat\":" + NOW_S), claims);
        assertTrue(claims.contains("\"exp\":" + (NOW_S + 3600)), claims);
        assertThrows(IllegalArgumentException.class, () -> Tokens.issue(new byte[16], "m1", NOW_MS, HOUR_MS));
        assertThrows(IllegalArgumentException.class, () -> Tokens.issue(SECRET, "has space", NOW_MS, HOUR_MS));
        assertThrows(IllegalArgumentException.class, () -> Tokens.issue(SECRET, "m1", NOW_MS, 0));
    }

    @Test
    void shouldVerifyEachTokenWithTheKeyItsKidNamesAndKidlessTokensWithTheLegacyKey()
    {
        final KeyRing ring = KeyRing.of(List.of(
            new KeyRing.Key(KeyRing.LEGACY_KID, 0, SECRET), new KeyRing.Key("k1", NOW_MS, OTHER_SECRET)));
        final JwtAuthenticator rotated = new JwtAuthenticator(ring, clock, SKEW_MS);
        final long exp = NOW_S + 3600;

        final String signedByK1 = Tokens.issue(ring, "m1", NOW_MS, HOUR_MS);
        assertTrue(decode(signedByK1.split("\\.")[0]).contains("\"kid\":\"k1\""), "the signing key names itself");
        assertEquals("m1", rotated.authenticate("Bearer " + signedByK1).merchantId());
        assertEquals("m2", rotated.authenticate("Bearer " + Tokens.issue(SECRET, "m2", NOW_MS, HOUR_MS)).merchantId(),
            "a token without a kid, as earlier builds issued, verifies with the legacy key");
        assertError("Invalid token signature", rotated.authenticate("Bearer " + hs256(SECRET,
            "{\"alg\":\"HS256\",\"kid\":\"k1\"}", "{\"sub\":\"m3\",\"exp\":" + exp + "}")));
        assertError("Token signed by an unknown or retired key", rotated.authenticate("Bearer " + hs256(OTHER_SECRET,
            "{\"alg\":\"HS256\",\"kid\":\"k7\"}", "{\"sub\":\"m3\",\"exp\":" + exp + "}")));
    }

    @Test
    void shouldRefuseTokensOfARetiredKeyAtOnceEvenWhenCached()
    {
        final KeyRing k1 = KeyRing.of(List.of(new KeyRing.Key("k1", NOW_MS, SECRET)));
        final KeyRing both = k1.rotated(OTHER_SECRET, NOW_MS);
        final JwtAuthenticator rotating = new JwtAuthenticator(k1, clock, SKEW_MS);
        final String old = "Bearer " + Tokens.issue(k1, "m1", NOW_MS, HOUR_MS);
        assertTrue(rotating.authenticate(old).ok());
        assertTrue(rotating.authenticate(old).ok(), "now cached");

        rotating.keys(both);
        final String fresh = "Bearer " + Tokens.issue(both, "m2", NOW_MS, HOUR_MS);
        assertTrue(rotating.authenticate(fresh).ok(), "the new key verifies");
        assertTrue(rotating.authenticate(old).ok(), "the old key still verifies until it is retired");

        rotating.keys(both.retired("k1"));
        assertError("Token signed by an unknown or retired key", rotating.authenticate(old));
        assertTrue(rotating.authenticate(fresh).ok());
        assertEquals(List.of("k2"), rotating.keys().keys().stream().map(KeyRing.Key::kid).toList());
    }

    @Test
    void shouldRefuseAKidlessTokenWhenTheRingHasNoLegacyKey()
    {
        final JwtAuthenticator ringOnly = new JwtAuthenticator(KeyRing.of(List.of(new KeyRing.Key("k1", NOW_MS, SECRET))), clock, SKEW_MS);

        assertError("Token signed by an unknown or retired key",
            ringOnly.authenticate("Bearer " + Tokens.issue(SECRET, "m1", NOW_MS, HOUR_MS)));
    }

    private static void assertError(final String expected, final AuthResult result)
    {
        assertFalse(result.ok(), () -> "expected \"" + expected + "\" but authenticated " + result.merchantId());
        assertNull(result.merchantId());
        assertEquals(expected, result.error());
    }

    private static String hs256(final byte[] secret, final String headerJson, final String payloadJson)
    {
        return sign("HmacSHA256", secret, headerJson, payloadJson);
    }

    private static String sign(final String macAlgorithm, final byte[] secret, final String headerJson, final String payloadJson)
    {
        try
        {
            final String signingInput = b64(headerJson) + "." + b64(payloadJson);
            final Mac mac = Mac.getInstance(macAlgorithm);
            mac.init(new SecretKeySpec(secret, macAlgorithm));
            final byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static String b64(final String text)
    {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(final String part)
    {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }
}
