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

import io.ledger.bench.bare.BareHttpServer;
import io.ledger.bench.bare.BareServerCommand;
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
        server = LedgerServer.start(new LedgerServer.Config(0, dir.resolve("data"), SECRET, "process", 1024, LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR"),
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

    private static RunResult runAgainst(final int port, final String... args) throws Exception
    {
        final LoadCommand command = new LoadCommand();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        command.stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        command.stderr = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        final String[] common = {"--port", String.valueOf(port), "-c", "4", "--warmup", "200ms", "--duration", "1s"};
        final String[] all = new String[common.length + args.length];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(args, 0, all, common.length, args.length);
        final int exit = new CommandLine(command).execute(all);
        assertEquals(0, exit, () -> "exit code; output: " + out);
        assertNotNull(command.lastResult(), out::toString);
        return command.lastResult();
    }

    @Test
    void shouldDriveTheBareServerWithoutSetUpAndReportItsCpu() throws Exception
    {
        try (BareHttpServer bare = BareHttpServer.start("127.0.0.1", 0, BareHttpServer.Transport.NIO,
            BareServerCommand.PURCHASE_REPLY.getBytes(StandardCharsets.US_ASCII)))
        {
            final RunResult result = runAgainst(bare.port(), "--token", "none", "--no-setup", "--no-verify", "--system", "bare-netty",
                "--variant", "nio", "--repeat", "2", "--mix", "purchase=1", "--server-pid", String.valueOf(ProcessHandle.current().pid()));
            assertEquals("bare-netty", result.system);
            assertEquals(2, result.repeat);
            assertTrue(result.statuses.getOrDefault("201", 0L) > 0, result.statuses::toString);
            assertEquals(result.requests, result.statuses.get("201"), "every request answered 201");
            assertTrue(result.serverCpuPct > 0, () -> "serverCpuPct=" + result.serverCpuPct);
            assertTrue(result.serverCpuUsPerOp() > 0, () -> "serverCpuUsPerOp=" + result.serverCpuUsPerOp());
            assertEquals("skipped: --no-verify", result.checks.get("conservation"));
        }
    }

    @Test
    void shouldCountEveryPurchaseOfEachBatchAndReadItsItemStatuses() throws Exception
    {
        final StringBuilder reply = new StringBuilder("{\"results\":[");
        for (int i = 0; i < 10; i++)
        {
            reply.append(i == 0 ? "" : ",").append(i == 3 ? "{\"status\":402,\"body\":{\"statusCode\":402}}" : "{\"status\":201,\"body\":{\"status\":\"completed\"}}");
        }
        reply.append("]}");
        try (BareHttpServer batchEndpoint = BareHttpServer.start("127.0.0.1", 0, BareHttpServer.Transport.NIO,
            reply.toString().getBytes(StandardCharsets.US_ASCII)))
        {
            final RunResult result = runAgainst(batchEndpoint.port(), "--token", "none", "--no-setup", "--no-verify", "--mix", "purchase=1",
                "--batch", "10", "--batch-path", "/api/canary/batch");
            assertEquals(10, result.batch);
            final long requests = result.statuses.getOrDefault("201", 0L);
            assertTrue(requests > 0, result.statuses::toString);
            assertEquals(requests * 9, result.itemStatuses.get("201"), result.itemStatuses::toString);
            assertEquals(requests, result.itemStatuses.get("402"), result.itemStatuses::toString);
            assertTrue(result.throughput >= 10, () -> "throughput counts purchases: " + result.throughput);
            assertTrue(result.throughput % 10 == 0 || result.throughput * result.durationS % 10 < 1e-6, () -> "throughput=" + result.throughput);
        }
    }

    @Test
    void shouldReportBatchesToAServerWithoutTheEndpointAsMovingNothing() throws Exception
    {
        final RunResult result = run("--mix", "purchase=1", "--batch", "5", "--amount", "100");
        assertEquals(5, result.batch);
        assertTrue(result.statuses.keySet().stream().noneMatch(s -> s.startsWith("2")) || result.itemStatuses.containsKey("201"),
            () -> "statuses " + result.statuses + " items " + result.itemStatuses);
        if (result.itemStatuses.isEmpty())
        {
            assertEquals(0.0, result.throughput, "no purchase was answered");
            assertTrue(result.notes.stream().anyMatch(n -> n.contains("no batch request was answered 2xx")), result.notes::toString);
        }
        assertChecksPassed(result);
    }
}
