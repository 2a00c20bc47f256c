package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.ledger.http.auth.KeyRingFile;
import io.ledger.http.auth.Secrets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Authentication at the HTTP edge of the real server: the algorithm is pinned (none, HS384, HS512, RS256 are 401 even
 * when their signature is right for their algorithm), 30 s of clock skew, a bounded token and header, and neither
 * the secret nor any token ever reaches the logs, with every logger at its most verbose.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthHardeningTest
{
    private static final String M = "auth_merchant";
    private static final String ROUTE = "/api/canary/balance";

    @TempDir
    Path dataDir;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final List<String> tokensSent = new ArrayList<>();
    private final Map<String, Level> savedLevels = new java.util.HashMap<>();
    private ch.qos.logback.core.Appender<ILoggingEvent> console;

    @BeforeEach
    void captureEveryLog()
    {
        logs.start();
        for (final String name : new String[] {Logger.ROOT_LOGGER_NAME, "io.ledger", "io.netty", "com.nimbusds"})
        {
            final Logger logger = (Logger)LoggerFactory.getLogger(name);
            savedLevels.put(name, logger.getLevel());
            logger.setLevel(name.equals(Logger.ROOT_LOGGER_NAME) ? Level.DEBUG : Level.TRACE);
        }
        final Logger root = (Logger)LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        console = root.getAppender("STDERR");
        if (console != null)
        {
            root.detachAppender(console); // keep the build log readable: everything goes to the capture instead
        }
        root.addAppender(logs);
    }

    @AfterEach
    void restoreLogs()
    {
        final Logger root = (Logger)LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAppender(logs);
        if (console != null)
        {
            root.addAppender(console);
        }
        savedLevels.forEach((name, level) -> ((Logger)LoggerFactory.getLogger(name)).setLevel(level));
    }

    @Test
    void shouldRefuseEveryAlgorithmButHs256AndNeverLogASecretOrToken() throws Exception
    {
        try (TestServer server = new TestServer(dataDir))
        {
            final long now = System.currentTimeMillis() / 1000;
            final String claims = "{\"sub\":\"" + M + "\",\"exp\":" + (now + 3600) + "}";

            refused(server, unsigned("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims), "Unsupported token algorithm, expected HS256");
            refused(server, unsigned("{\"alg\":\"None\"}", claims), null);
            refused(server, mac("HmacSHA512", "HS512", TestServer.SECRET, claims), "Unsupported token algorithm, expected HS256");
            refused(server, mac("HmacSHA384", "HS384", TestServer.SECRET, claims), "Unsupported token algorithm, expected HS256");
            refused(server, rs256(claims), "Unsupported token algorithm, expected HS256");
            refused(server, mac("HmacSHA256", "hs256", TestServer.SECRET, claims), null);
            refused(server, mac("HmacSHA256", "HS256", "another-secret-that-is-long-enough-0123".getBytes(StandardCharsets.UTF_8), claims),
                "Invalid token signature");
            refused(server, mac("HmacSHA256", "HS256", TestServer.SECRET, "{\"sub\":\"" + M + "\"}"), "Token has no expiry (exp)");

            // 30 s of skew: a token expired 10 s ago still works, one expired 40 s ago does not; the same for nbf.
            accepted(server, mac("HmacSHA256", "HS256", TestServer.SECRET, "{\"sub\":\"" + M + "\",\"exp\":" + (now - 10) + "}"));
            refused(server, mac("HmacSHA256", "HS256", TestServer.SECRET, "{\"sub\":\"" + M + "\",\"exp\":" + (now - 40) + "}"),
                "Token expired");
            accepted(server, mac("HmacSHA256", "HS256", TestServer.SECRET,
                "{\"sub\":\"" + M + "\",\"exp\":" + (now + 600) + ",\"nbf\":" + (now + 10) + "}"));
            refused(server, mac("HmacSHA256", "HS256", TestServer.SECRET,
                "{\"sub\":\"" + M + "\",\"exp\":" + (now + 600) + ",\"nbf\":" + (now + 60) + "}"), "Token not yet valid");

            // Size: a token past 4096 characters is 401 before any parsing; a header past the header limit is 431.
            final String padded = mac("HmacSHA256", "HS256", TestServer.SECRET,
                "{\"sub\":\"" + M + "\",\"exp\":" + (now + 600) + ",\"pad\":\"" + "p".repeat(4000) + "\"}");
            assertTrue(padded.length() > 4096);
            refused(server, padded, "Token too long");
            try (RawHttp raw = new RawHttp(server.server.port()))
            {
                final RawHttp.Response huge = raw.exchange("GET", ROUTE, Map.of("Authorization", "Bearer " + "a".repeat(17_000)), null);
                assertEquals(431, huge.status(), huge::toString);
            }

            final HttpResponse<String> basic = server.send(server.request(ROUTE, null).header("Authorization", "Basic dXNlcjpwYXNz").build());
            assertEquals(401, basic.statusCode());
            assertEquals("Bearer", basic.headers().firstValue("www-authenticate").orElseThrow());
            assertEquals(401, server.get(ROUTE, null).statusCode(), "no token");
            accepted(server, TestServer.token(M));
        }

        // With the access log on: one line per response, naming the merchant, never the token or the query string.
        try (HarnessServer server = new HarnessServer(dataDir.resolve("access"), 64, HttpOptions.DEFAULTS.withAccessLog(true),
            java.util.function.UnaryOperator.identity()))
        {
            final String token = TestServer.token(M);
            tokensSent.add(token);
            assertEquals(200, server.send(server.request("/api/canary/customers?email=private%40example.com", null)
                .header("Authorization", "Bearer " + token).build()).statusCode());
            // the line is written on the event loop just after the response, so it may trail the client a little
            List<String> access = List.of();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (access.isEmpty() && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
                access = captured().stream().filter(e -> e.getLoggerName().equals("io.ledger.http.access"))
                    .map(ILoggingEvent::getFormattedMessage).toList();
            }
            final List<String> lines = access;
            assertEquals(1, lines.size(), lines::toString);
            assertTrue(lines.get(0).startsWith("method=GET path=/api/canary/customers status=200 "), lines::toString);
            assertTrue(lines.get(0).contains("merchant=" + M), lines::toString);
            assertFalse(access.get(0).contains("private"), "no query string: it may hold e-mail addresses");
        }

        // The generated key of a data directory is not logged either.
        final Path secretDir = dataDir.resolve("generated");
        final KeyRingFile generatedRing = KeyRingFile.inDataDir(secretDir);
        final byte[] generated = generatedRing.loadOrCreate(System.currentTimeMillis()).signingKey().secret();
        final String generatedText = Secrets.format(generated);

        final List<String> forbidden = new ArrayList<>(List.of(
            new String(TestServer.SECRET, StandardCharsets.UTF_8),
            Base64.getEncoder().encodeToString(TestServer.SECRET),
            Base64.getUrlEncoder().withoutPadding().encodeToString(TestServer.SECRET),
            HexFormat.of().formatHex(TestServer.SECRET),
            generatedText,
            Base64.getEncoder().encodeToString(generated),
            HexFormat.of().formatHex(generated)));
        for (final String token : tokensSent)
        {
            forbidden.add(token);
            forbidden.add(token.substring(token.lastIndexOf('.') + 1).isEmpty() ? token : token.substring(token.lastIndexOf('.') + 1));
        }
        assertFalse(captured().isEmpty(), "the capture works: start-up and shutdown log");
        for (final ILoggingEvent event : captured())
        {
            final String text = event.getFormattedMessage()
                + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            for (final String secret : forbidden)
            {
                if (secret.length() >= 16)
                {
                    assertFalse(text.contains(secret), () -> "logged a secret or token: " + event);
                }
            }
        }
    }

    /** A copy of what was logged so far; the appender appends under its own lock, from any thread. */
    private List<ILoggingEvent> captured()
    {
        synchronized (logs)
        {
            return new ArrayList<>(logs.list);
        }
    }

    private void refused(final TestServer server, final String token, final String message)
    {
        tokensSent.add(token);
        final HttpResponse<String> response = server.send(server.request(ROUTE, null).header("Authorization", "Bearer " + token).build());
        assertEquals(401, response.statusCode(), response.body());
        assertEquals("Bearer", response.headers().firstValue("www-authenticate").orElseThrow());
        final Map<String, Object> body = TestJson.object(response.body());
        if (message != null)
        {
            assertEquals(List.of(message), body.get("message"));
        }
        assertFalse(response.body().contains(token), "the answer does not echo the token");
    }

    private void accepted(final TestServer server, final String token)
    {
        tokensSent.add(token);
        final HttpResponse<String> response = server.send(server.request(ROUTE, null).header("Authorization", "Bearer " + token).build());
        assertEquals(200, response.statusCode(), response.body());
    }

    private static String b64(final String json)
    {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String unsigned(final String header, final String claims)
    {
        return b64(header) + "." + b64(claims) + ".";
    }

    private static String mac(final String jcaAlgorithm, final String alg, final byte[] secret, final String claims) throws Exception
    {
        final String input = b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + b64(claims);
        final Mac mac = Mac.getInstance(jcaAlgorithm);
        mac.init(new SecretKeySpec(secret, jcaAlgorithm));
        return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String rs256(final String claims) throws Exception
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        final KeyPair keys = generator.generateKeyPair();
        final String input = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + b64(claims);
        final Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(keys.getPrivate());
        signature.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
    }
}
