package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.ledger.http.HttpLimits;
import io.ledger.http.HttpOptions;
import io.ledger.http.auth.JwtKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The HTTP options of {@code ledger serve}: flags, environment variables, defaults, help and fail-fast checks. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpServeOptionsTest
{
    @TempDir
    Path tempDir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldDefaultToHttpOptionsDefaults()
    {
        assumeTrue(System.getenv().keySet().stream().noneMatch(name -> name.startsWith("LEDGER_")),
            "LEDGER_* environment variables would override the defaults");

        final LedgerMain.Serve serve = parseServe();

        assertEquals(HttpOptions.DEFAULTS, serve.toConfig(JwtKeys.fixed(new byte[32])).http());
    }

    @Test
    void shouldParseEveryHttpFlag()
    {
        final LedgerMain.Serve serve = parseServe("--body-bytes-max", "2048", "--header-bytes-max", "4096", "--request-line-bytes-max",
            "512", "--pipelined-requests-max", "8", "--idle-timeout-ms", "30000", "--request-timeout-ms", "2500", "--connections-max",
            "100", "--json-depth-max", "8", "--json-string-chars-max", "4096", "--write-buffer-bytes-max", "16384", "--metrics", "token",
            "--access-log");

        final HttpOptions http = serve.toConfig(JwtKeys.fixed(new byte[32])).http();

        assertEquals(new HttpLimits(2048, 4096, 512, 8, 30_000, 2_500, 100, 8, 4096, 16_384), http.limits());
        assertEquals(HttpOptions.MetricsAccess.TOKEN, http.metrics());
        assertTrue(http.accessLog());
        assertFalse(parseServe("--access-log=false").toConfig(JwtKeys.fixed(new byte[32])).http().accessLog());
    }

    @Test
    void shouldReadEachHttpDefaultFromItsEnvironmentVariable() throws Exception
    {
        final Map<String, String> expected = new LinkedHashMap<>();
        expected.put("bodyBytesMax", "${env:LEDGER_BODY_BYTES_MAX:-65536}");
        expected.put("headerBytesMax", "${env:LEDGER_HEADER_BYTES_MAX:-16384}");
        expected.put("requestLineBytesMax", "${env:LEDGER_REQUEST_LINE_BYTES_MAX:-8192}");
        expected.put("pipelinedRequestsMax", "${env:LEDGER_PIPELINED_REQUESTS_MAX:-64}");
        expected.put("idleTimeoutMs", "${env:LEDGER_IDLE_TIMEOUT_MS:-60000}");
        expected.put("requestTimeoutMs", "${env:LEDGER_REQUEST_TIMEOUT_MS:-10000}");
        expected.put("connectionsMax", "${env:LEDGER_CONNECTIONS_MAX:-4096}");
        expected.put("jsonDepthMax", "${env:LEDGER_JSON_DEPTH_MAX:-16}");
        expected.put("jsonStringCharsMax", "${env:LEDGER_JSON_STRING_CHARS_MAX:-16384}");
        expected.put("writeBufferBytesMax", "${env:LEDGER_WRITE_BUFFER_BYTES_MAX:-65536}");
        expected.put("metrics", "${env:LEDGER_METRICS:-token}");
        expected.put("bindAddress", "${env:LEDGER_BIND:-127.0.0.1}");
        expected.put("tlsCert", "${env:LEDGER_TLS_CERT}");
        expected.put("tlsKey", "${env:LEDGER_TLS_KEY}");
        expected.put("healthStallMs", "${env:LEDGER_HEALTH_STALL_MS:-5000}");
        expected.put("accessLog", "${env:LEDGER_ACCESS_LOG:-false}");
        for (final Map.Entry<String, String> entry : expected.entrySet())
        {
            final Field field = HttpServeOptions.class.getDeclaredField(entry.getKey());
            assertEquals(entry.getValue(), field.getAnnotation(Option.class).defaultValue(), entry.getKey());
        }
    }

    @Test
    void shouldRefuseOutOfRangeValuesBeforeStarting()
    {
        assertUsageError("--body-bytes-max=100 must be in 1024..16777216 (bytes)", "--body-bytes-max", "100");
        assertUsageError("--header-bytes-max=0 must be in 1024..1048576 (bytes)", "--header-bytes-max", "0");
        assertUsageError("--request-line-bytes-max=10 must be in 256..1048576 (bytes)", "--request-line-bytes-max", "10");
        assertUsageError("--pipelined-requests-max=0 must be in 1..1024 (requests)", "--pipelined-requests-max", "0");
        assertUsageError("--idle-timeout-ms=5 must be in 100..86400000 (ms)", "--idle-timeout-ms", "5");
        assertUsageError("--request-timeout-ms=-1 must be in 100..3600000 (ms)", "--request-timeout-ms", "-1");
        assertUsageError("--connections-max=0 must be in 1..1000000 (connections)", "--connections-max", "0");
        assertUsageError("--json-depth-max=1 must be in 2..1000 (levels)", "--json-depth-max", "1");
        assertUsageError("--json-string-chars-max=10 must be in 1024..16777216 (chars)", "--json-string-chars-max", "10");
        assertUsageError("--write-buffer-bytes-max=1 must be in 8192..67108864 (bytes)", "--write-buffer-bytes-max", "1");
        assertUsageError("--metrics=maybe must be one of public, token, off", "--metrics", "maybe");
        assertUsageError("--health-stall-ms=10 must be in 100..3600000", "--health-stall-ms", "10");
        assertUsageError("--bind=no-such-host.invalid must be an IP address or a name of this machine", "--bind", "no-such-host.invalid");
        assertUsageError("--tls-cert=null tls-key=", "--tls-key", "key.pem");
        assertUsageError("--tls-cert=missing-cert.pem must be a readable file", "--tls-cert", "missing-cert.pem", "--tls-key", "k.pem");
        assertUsageError("--connections-max", "--connections-max", "many");
        assertUsageError("--access-log", "--access-log=yes");
    }

    @Test
    void shouldNameUnitEnvironmentVariableAndDefaultOfEveryHttpOptionInHelp()
    {
        assertEquals(0, execute("serve", "--help"));

        final String help = out.toString().replaceAll("\\s+", " ");
        for (final String[] option : new String[][] {
            {"--body-bytes-max", "LEDGER_BODY_BYTES_MAX", "Default: 65536"},
            {"--header-bytes-max", "LEDGER_HEADER_BYTES_MAX", "Default: 16384"},
            {"--request-line-bytes-max", "LEDGER_REQUEST_LINE_BYTES_MAX", "Default: 8192"},
            {"--pipelined-requests-max", "LEDGER_PIPELINED_REQUESTS_MAX", "Default: 64"},
            {"--idle-timeout-ms", "LEDGER_IDLE_TIMEOUT_MS", "Default: 60000"},
            {"--request-timeout-ms", "LEDGER_REQUEST_TIMEOUT_MS", "Default: 10000"},
            {"--connections-max", "LEDGER_CONNECTIONS_MAX", "Default: 4096"},
            {"--json-depth-max", "LEDGER_JSON_DEPTH_MAX", "Default: 16"},
            {"--json-string-chars-max", "LEDGER_JSON_STRING_CHARS_MAX", "Default: 16384"},
            {"--write-buffer-bytes-max", "LEDGER_WRITE_BUFFER_BYTES_MAX", "Default: 65536"},
            {"--metrics", "LEDGER_METRICS", "Default: token"},
            {"--bind", "LEDGER_BIND", "Default: 127.0.0.1"},
            {"--tls-cert", "LEDGER_TLS_CERT", "No default: plain HTTP"},
            {"--tls-key", "LEDGER_TLS_KEY"},
            {"--health-stall-ms", "LEDGER_HEALTH_STALL_MS", "Default: 5000"},
            {"--access-log", "LEDGER_ACCESS_LOG", "Default: false"}})
        {
            for (final String part : option)
            {
                assertTrue(help.contains(part), () -> part + " missing from: " + help);
            }
        }
        assertTrue(help.contains("milliseconds") && help.contains("bytes") && help.contains("characters"), help);
    }

    private LedgerMain.Serve parseServe(final String... flags)
    {
        final String[] args = new String[flags.length + 1];
        args[0] = "serve";
        System.arraycopy(flags, 0, args, 1, flags.length);
        return (LedgerMain.Serve)new CommandLine(new LedgerMain()).parseArgs(args).subcommand().commandSpec().userObject();
    }

    private int execute(final String... args)
    {
        final CommandLine commandLine = LedgerMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    /** Exit code 2, one line on stderr naming the flag, nothing created. */
    private void assertUsageError(final String expectedMessagePart, final String... flags)
    {
        final Path dataDir = tempDir.resolve("never-created");
        final String[] args = new String[flags.length + 3];
        args[0] = "serve";
        System.arraycopy(flags, 0, args, 1, flags.length);
        args[flags.length + 1] = "--data-dir";
        args[flags.length + 2] = dataDir.toString();
        err.getBuffer().setLength(0);
        out.getBuffer().setLength(0);

        final int exitCode = execute(args);

        assertEquals(CommandLine.ExitCode.USAGE, exitCode, err::toString);
        assertTrue(err.toString().contains(expectedMessagePart), err::toString);
        assertEquals(1, err.toString().strip().lines().count(), err::toString);
        assertEquals("", out.toString());
        assertFalse(Files.exists(dataDir), "nothing may be created before the options are valid");
    }
}
