package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.ledger.http.auth.JwtKeys;
import io.ledger.http.auth.KeyRingFile;
import io.ledger.http.auth.Secrets;
import io.ledger.http.auth.Tokens;
import io.ledger.server.LedgerServer.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Rotating the token keys of a running server, with the command line an operator uses: {@code ledger key rotate} adds
 * a key that signs the tokens {@code ledger token} prints from then on, the server accepts them within a second, the
 * old tokens keep working throughout (a client using one all along is never refused), and once
 * {@code ledger key retire} removes the old key its tokens are refused while the new ones keep working. A data directory
 * from before key rings (one base64 key in {@code jwt-secret}, tokens without a kid) rotates the same way.
 * (4af94da had one key and no rotation: this fails to compile there.)
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KeyRotationTest
{
    private static final String M = "rotating_merchant";

    @TempDir
    Path dataDir;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldRotateWithoutDowntimeAndRefuseTheOldTokensOnlyOnceTheirKeyIsRetired() throws Exception
    {
        final String oldToken = cli(0, "token", "--merchant", M, "--data-dir", dataDir.toString()).strip();
        assertEquals("k1", kid(oldToken), "a fresh data directory's ring has one key, k1");
        try (LedgerServer server = LedgerServer.start(serveConfig()))
        {
            final AtomicBoolean stop = new AtomicBoolean();
            final ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
            final AtomicLong served = new AtomicLong();
            final Thread steadyClient = new Thread(() ->
            {
                while (!stop.get())
                {
                    final HttpResponse<String> answer = get(server, oldToken);
                    if (answer.statusCode() == 200)
                    {
                        served.incrementAndGet();
                    }
                    else
                    {
                        refusals.add(answer.statusCode() + " " + answer.body());
                    }
                }
            }, "steady-client");
            steadyClient.start();

            final String rotated = cli(0, "key", "rotate", "--data-dir", dataDir.toString());
            assertTrue(rotated.startsWith("added k2: it signs new tokens"), rotated);
            final String newToken = cli(0, "token", "--merchant", M, "--data-dir", dataDir.toString()).strip();
            assertEquals("k2", kid(newToken), "ledger token signs with the new key");
            awaitStatus(server, newToken, 200, "the running server accepts the new key within a second or so");
            final long servedAcrossRotation = served.get();

            final String list = cli(0, "key", "list", "--data-dir", dataDir.toString());
            assertTrue(list.matches("(?s)KID +CREATED +USE\\nk1 +\\S+ +verifies\\nk2 +\\S+ +signs new tokens, verifies\\nkeys in .*"), list);

            stop.set(true);
            steadyClient.join(10_000);
            assertEquals(List.of(), List.copyOf(refusals), "the old token was never refused while both keys were in the ring");
            assertTrue(servedAcrossRotation > 0, "the steady client was served during the rotation");

            cli(0, "key", "retire", "k1", "--data-dir", dataDir.toString());
            final HttpResponse<String> refused = awaitStatus(server, oldToken, 401, "once retired, the old key's tokens are refused");
            assertTrue(refused.body().contains("Token signed by an unknown or retired key"), refused.body());
            assertEquals(200, get(server, newToken).statusCode(), "the new key's tokens keep working");
            cli(1, "key", "retire", "k2", "--data-dir", dataDir.toString()); // the signing key stays: rotate first
        }
    }

    @Test
    void shouldMoveALegacyJwtSecretIntoTheRingAndKeepItsKidlessTokensUntilItIsRetired() throws Exception
    {
        final byte[] legacy = new byte[32];
        java.util.Arrays.fill(legacy, (byte)42);
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve(Secrets.LEGACY_FILE_NAME), Base64.getEncoder().encodeToString(legacy) + "\n");
        final String legacyToken = Tokens.issue(legacy, M, System.currentTimeMillis(), 3_600_000); // as earlier builds issued it
        assertEquals(null, kid(legacyToken));
        try (LedgerServer server = LedgerServer.start(serveConfig()))
        {
            assertEquals(200, get(server, legacyToken).statusCode(), "an upgraded server keeps the key of jwt-secret");

            cli(0, "key", "rotate", "--data-dir", dataDir.toString());
            assertFalse(Files.exists(dataDir.resolve(Secrets.LEGACY_FILE_NAME)), "its key moved into jwt-keys as kid legacy");
            final String newToken = cli(0, "token", "--merchant", M, "--data-dir", dataDir.toString()).strip();
            assertEquals("k1", kid(newToken));
            awaitStatus(server, newToken, 200, "the new key verifies");
            assertEquals(200, get(server, legacyToken).statusCode(), "tokens without a kid still verify with the legacy key");

            cli(0, "key", "retire", "legacy", "--data-dir", dataDir.toString());
            awaitStatus(server, legacyToken, 401, "retired");
            assertEquals(200, get(server, newToken).statusCode());
        }
    }

    /** As {@code ledger serve} resolves its keys: the data directory's ring, created when missing, watched. */
    private Config serveConfig()
    {
        final KeyRingFile ring = KeyRingFile.inDataDir(dataDir);
        ring.loadOrCreate(System.currentTimeMillis());
        return new Config(0, dataDir, new byte[32], "process", 1024, LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR").withJwtKeys(JwtKeys.watched(ring));
    }

    private HttpResponse<String> get(final LedgerServer server, final String token)
    {
        try
        {
            return client.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/canary/customers"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private HttpResponse<String> awaitStatus(final LedgerServer server, final String token, final int status, final String why)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline)
        {
            last = get(server, token);
            if (last.statusCode() == status)
            {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(why + ": expected " + status + " within 10 s, last " + last.statusCode() + " " + last.body());
    }

    /** Runs the command line in-process; asserts the exit code and returns stdout. */
    private static String cli(final int expectedExit, final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = LedgerMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        final int exit = commandLine.execute(args);
        assertEquals(expectedExit, exit, () -> String.join(" ", args) + ": " + err + out);
        assertFalse(out.toString().contains("base64:"), "key bytes are never printed");
        return out.toString();
    }

    /** @return the token's kid header, or null. */
    private static String kid(final String token)
    {
        final String header = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
        final java.util.regex.Matcher kid = java.util.regex.Pattern.compile("\"kid\":\"([^\"]+)\"").matcher(header);
        return kid.find() ? kid.group(1) : null;
    }
}
