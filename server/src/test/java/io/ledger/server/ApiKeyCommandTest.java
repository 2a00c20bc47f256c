package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ledger apikey create|list|revoke} against a real running server (issue 15), and refused without one. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiKeyCommandTest
{
    private static final String SECRET_TEXT = "a-test-secret-that-is-long-enough-for-hs256";

    @TempDir
    Path tempDir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldCreateListAndRevokeKeysThroughTheRunningServer()
    {
        try (LedgerServer server = LedgerServer.start(new LedgerServer.Config(0, tempDir.resolve("data"),
            SECRET_TEXT.getBytes(StandardCharsets.UTF_8), "process", 1024, LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR"), (stage, id, error) -> { }))
        {
            final String url = "http://127.0.0.1:" + server.port();
            assertEquals(0, execute("apikey", "create", "--merchant", "m1", "--dialect", "paywall", "--currency", "ZAR", "--name", "till \"1\"",
                "--url", url, "--jwt-secret", "text:" + SECRET_TEXT), err::toString);
            final String created = out.toString();
            final Matcher id = Pattern.compile("\"id\":\"(key_[0-9a-z]{10})\"").matcher(created);
            assertTrue(id.find(), created);
            assertTrue(created.contains("\"key\":\"lk_paywall_"), created);
            assertTrue(created.contains("\"name\":\"till \\\"1\\\"\""), created);
            final String key = created.replaceAll("(?s).*\"key\":\"([^\"]+)\".*", "$1");

            out.getBuffer().setLength(0);
            assertEquals(0, execute("apikey", "list", "--merchant", "m1", "--url", url, "--jwt-secret", "text:" + SECRET_TEXT), err::toString);
            assertTrue(out.toString().contains(id.group(1)), out.toString());
            assertFalse(out.toString().contains(key), "a list never shows the key");

            out.getBuffer().setLength(0);
            assertEquals(0, execute("apikey", "revoke", id.group(1), "--merchant", "m1", "--url", url, "--jwt-secret", "text:" + SECRET_TEXT),
                err::toString);
            assertTrue(out.toString().contains("\"status\":\"revoked\""), out.toString());
            assertEquals(1, execute("apikey", "revoke", id.group(1), "--merchant", "m1", "--url", url, "--jwt-secret", "text:" + SECRET_TEXT),
                "a second revoke is the server's 409");
            assertTrue(err.toString().contains("already revoked"), err.toString());

            assertEquals(1, execute("apikey", "create", "--merchant", "m1", "--dialect", "masumi", "--currency", "ZAR", "--url", url,
                "--jwt-secret", "text:" + SECRET_TEXT), "a masumi key needs --customer: the server's 400");
            assertEquals(2, execute("apikey", "revoke", "not-a-key", "--merchant", "m1", "--url", url, "--jwt-secret", "text:" + SECRET_TEXT));
        }
    }

    @Test
    void shouldSaySoWhenNoServerIsListening()
    {
        assertEquals(1, execute("apikey", "list", "--merchant", "m1", "--url", "http://127.0.0.1:1", "--jwt-secret", "text:" + SECRET_TEXT));
        assertTrue(err.toString().contains("is 'ledger serve' running?"), err.toString());
    }

    private int execute(final String... args)
    {
        final CommandLine commandLine = LedgerMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
