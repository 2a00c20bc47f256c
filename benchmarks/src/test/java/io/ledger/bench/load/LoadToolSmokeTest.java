package io.ledger.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.ledger.bench.report.RunResult;
import io.ledger.http.auth.Tokens;
import io.ledger.server.LedgerServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the load tool for about a second per mode against a real server in this JVM (Netty on an ephemeral port,
 * Chronicle journal in a temporary directory), so the tool keeps working as the API evolves. Nothing is timed:
 * the assertions are that replies came back, and that the tool's own checks (money conservation) passed. Transfers
 * are in the mix: before the server has that route they are answered 404 and move nothing, after it they move
 * money, and the checks hold either way.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadToolSmokeTest
{
    private static final byte[] SECRET = "load-tool-smoke-test-secret-0123456789".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dir;
    private static LedgerServer server;
    private static final AtomicReference<Throwable> FATAL = new AtomicReference<>();

    @BeforeAll
    static void startServer()
    {
        server = LedgerServer.start(new LedgerServer.Config(0, dir.resolve("data"), SECRET, "process", 1024, "blocking", 1, "ZAR"),
            (stage, commandId, error) -> FATAL.compareAndSet(null, error));
    }

    @AfterAll
    static void stopServer()
    {
        server.close();
        assertEquals(null, FATAL.get(), "the server's pipeline failed");
    }

    private static RunResult run(final String... extra) throws Exception
    {
        final LoadCommand command = new LoadCommand();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        command.stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        command.stderr = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        final String[] common = {"--port", String.valueOf(server.port()), "--token", Tokens.issue(SECRET, "smoke_" + System.nanoTime(),
            System.currentTimeMillis(), 600_000), "--customers", "50", "-c", "4", "--warmup", "200ms", "--duration", "1s"};
        final String[] args = new String[common.length + extra.length];
        System.arraycopy(common, 0, args, 0, common.length);
        System.arraycopy(extra, 0, args, common.length, extra.length);
        final int exit = new CommandLine(command).execute(args);
        final RunResult result = command.lastResult();
        assertNotNull(result, "no result; output: " + out);
        assertEquals(0, exit, () -> "exit code; output: " + out);
        return result;
    }

    private static void assertChecksPassed(final RunResult result)
    {
        assertTrue(result.checks.containsKey("conservation (customers)"), result.checks::toString);
        for (final Map.Entry<String, String> check : result.checks.entrySet())
        {
            assertTrue(check.getValue().startsWith("ok") || check.getValue().startsWith("skipped"), check::toString);
        }
    }

    @Test
    void shouldRunClosedLoopMixAndConserveMoney() throws Exception
    {
        final RunResult result = run("--mix", "purchase=50,transfer=10,payin=10,balance=30", "--pipeline", "2",
            "--initial-balance", "5000", "--amount", "1..3000");
        assertEquals("closed", result.mode);
        assertTrue(result.throughput > 0, () -> "throughput=" + result.throughput);
        assertTrue(result.statuses.getOrDefault("201", 0L) > 0, result.statuses::toString);
        assertTrue(result.statuses.getOrDefault("200", 0L) > 0, result.statuses::toString);
        assertTrue(result.latencyUs.p99 > 0);
        assertChecksPassed(result);
    }

    @Test
    void shouldRunOpenLoopFromIntendedTimesAndConserveMoney() throws Exception
    {
        final RunResult result = run("--mix", "purchase=100", "--rate", "400", "--arrival", "poisson", "--amount", "100");
        assertEquals("open", result.mode);
        assertEquals("intended send time", result.latencyFrom);
        assertTrue(result.requests > 100, () -> "requests=" + result.requests);
        assertChecksPassed(result);
    }

    @Test
    void shouldMintTokenFromSecretFile() throws Exception
    {
        final Path secretFile = dir.resolve("jwt-secret");
        Files.writeString(secretFile, Base64.getEncoder().encodeToString(SECRET) + "\n");
        final LoadCommand command = new LoadCommand();
        command.stdout = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        command.stderr = command.stdout;
        final int exit = new CommandLine(command).execute("--port", String.valueOf(server.port()), "--secret-file", secretFile.toString(),
            "--customers", "10", "-c", "2", "--warmup", "0s", "--duration", "300ms", "--mix", "purchase=1");
        assertEquals(0, exit);
        assertTrue(command.lastResult().statuses.getOrDefault("201", 0L) > 0, command.lastResult().statuses::toString);
    }

    @Test
    void shouldRefuseHostThatIsNotLoopback()
    {
        final LoadCommand command = new LoadCommand();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        command.stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        final int exit = new CommandLine(command).execute("--host", "192.0.2.1", "--port", "80", "--token", "t");
        assertEquals(2, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("not a loopback address"), err::toString);
    }
}
