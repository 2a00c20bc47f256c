package io.ledger.server;

import io.ledger.http.auth.JwtAuthenticator;
import io.ledger.http.auth.JwtKeys;
import io.ledger.http.auth.KeyRingFile;
import io.ledger.http.auth.Secrets;
import io.ledger.server.LedgerServer.Config;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LedgerMainTest
{
    private static final String SECRET_TEXT = "a-test-secret-that-is-long-enough-for-hs256";
    /** The same key, as --jwt-secret takes it. */
    private static final String SECRET_OPTION = "text:" + SECRET_TEXT;

    @TempDir
    Path tempDir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldDefaultServeOptionsToTheConfigConstants()
    {
        assumeTrue(System.getenv().keySet().stream().noneMatch(name -> name.startsWith("LEDGER_")),
            "LEDGER_* environment variables would override the defaults");

        final LedgerMain.Serve serve = parseServe();
        final Config config = serve.toConfig(JwtKeys.fixed(new byte[32]));

        assertEquals(Config.PORT_DEFAULT, config.port());
        assertEquals(Path.of(Config.DATA_DIR_DEFAULT).toAbsolutePath().normalize(), config.dataDir());
        assertEquals(Config.DURABILITY_DEFAULT, config.durability());
        assertEquals(Config.RING_SIZE_EVENTS_DEFAULT, config.ringSizeEvents());
        assertEquals(Config.WAIT_STRATEGY_DEFAULT, config.waitStrategy());
        assertEquals(Config.IO_THREADS_DEFAULT, config.ioThreads());
        assertEquals(Config.DEFAULT_CURRENCY_DEFAULT, config.defaultCurrency());
        assertEquals(SnapshotOptions.DEFAULTS, config.snapshots());
        assertEquals(Config.STARTUP_STATE_HASH_DEFAULT, config.startupStateHash());
        assertFalse(config.startupStateHash(), "the state hash is off the start's path unless asked for");
        assertNull(serve.secret.jwtSecret);
        serve.checkOptions();
        config.validate();
    }

    @Test
    void shouldReadEachServeDefaultFromItsEnvironmentVariable() throws Exception
    {
        final Map<String, String> expected = Map.of(
            "port", "${env:LEDGER_PORT:-9000}",
            "durability", "${env:LEDGER_DURABILITY:-process}",
            "ringSizeEvents", "${env:LEDGER_RING_SIZE:-16384}",
            "waitStrategy", "${env:LEDGER_WAIT_STRATEGY:-lite-blocking}",
            "ioThreads", "${env:LEDGER_IO_THREADS:-1}",
            "defaultCurrency", "${env:LEDGER_DEFAULT_CURRENCY:-ZAR}",
            "snapshotEveryCommands", "${env:LEDGER_SNAPSHOT_EVERY_COMMANDS:-1000000}",
            "snapshotEverySeconds", "${env:LEDGER_SNAPSHOT_EVERY_SECONDS:-600}",
            "snapshotsKeep", "${env:LEDGER_SNAPSHOTS_KEEP:-3}",
            "journalRetention", "${env:LEDGER_JOURNAL_RETENTION:-off}");
        for (final Map.Entry<String, String> entry : expected.entrySet())
        {
            assertEquals(entry.getValue(), defaultOf(LedgerMain.Serve.class.getDeclaredField(entry.getKey())), entry.getKey());
        }
        assertEquals("${env:LEDGER_STARTUP_STATE_HASH:-false}", defaultOf(LedgerMain.Serve.class.getDeclaredField("startupStateHash")));
        assertEquals("${env:LEDGER_DATA_DIR:-./data}", defaultOf(LedgerMain.SecretOptions.class.getDeclaredField("dataDir")));
        assertEquals("${env:LEDGER_JWT_SECRET}", defaultOf(LedgerMain.SecretOptions.class.getDeclaredField("jwtSecret")));
    }

    @Test
    void shouldParseEveryServeFlag()
    {
        final LedgerMain.Serve serve = parseServe(
            "--port", "8080", "--data-dir", tempDir.toString(), "--jwt-secret", SECRET_OPTION, "--durability", "fsync",
            "--ring-size", "1024", "--wait-strategy", "busy-spin", "--io-threads", "4", "--default-currency", "USD");
        final Config config = serve.toConfig(serve.secret.resolve());

        serve.checkOptions();
        config.validate();
        assertEquals(new Config(8080, tempDir.toAbsolutePath().normalize(), new byte[32], "fsync", 1024, "busy-spin", 4, "USD")
            .withJwtKeys(config.jwtKeys()), config);
        assertArrayEquals(SECRET_TEXT.getBytes(StandardCharsets.UTF_8), config.jwtKeys().ring().signingKey().secret());
        assertNull(config.jwtKeys().file(), "a fixed key: nothing to watch");
    }

    @Test
    void shouldChooseWhereTheLedgerRunsByDefaultAndRefuseAnExplicitEventLoopWhereItCannotRun()
    {
        assertEquals("${env:LEDGER_LEDGER_THREAD:-auto}", assertDoesNotThrowField("ledgerThread"));
        final String[] base = {"--data-dir", tempDir.toString(), "--jwt-secret", SECRET_OPTION};
        final Config byDefault = parseServe(base).toConfig(JwtKeys.fixed(new byte[32]));
        assertEquals("auto", byDefault.ledgerThread(), "auto by default");
        assertEquals("event-loop", LedgerThreadMode.resolve(byDefault), "which runs on the event loop with the defaults");
        final Config fsync = parseServe(append(base, "--durability", "fsync")).toConfig(JwtKeys.fixed(new byte[32]));
        fsync.validate();
        assertEquals("own", LedgerThreadMode.resolve(fsync), "and falls back to the ledger thread where it cannot, not refused");
        assertEquals("own", parseServe(append(base, "--ledger-thread", "own")).toConfig(JwtKeys.fixed(new byte[32])).ledgerThread());
        final Config onLoop = parseServe(append(base, "--ledger-thread", "event-loop")).toConfig(JwtKeys.fixed(new byte[32]));
        assertEquals("event-loop", onLoop.ledgerThread());
        onLoop.validate();
        assertUsageError("--ledger-thread=event-loop needs io-threads=1", "serve", "--ledger-thread", "event-loop", "--io-threads", "2");
        assertUsageError("--ledger-thread=event-loop needs durability=process", "serve", "--ledger-thread", "event-loop",
            "--durability", "fsync");
        assertUsageError("--ledger-thread=event-loop takes no wait-strategy", "serve", "--ledger-thread", "event-loop",
            "--wait-strategy", "busy-spin");
        assertUsageError("--ledger-thread=inline must be auto, own or event-loop", "serve", "--ledger-thread", "inline");
    }

    private static String assertDoesNotThrowField(final String name)
    {
        try
        {
            return defaultOf(LedgerMain.Serve.class.getDeclaredField(name));
        }
        catch (final NoSuchFieldException ex)
        {
            throw new AssertionError(name, ex);
        }
    }

    @Test
    void shouldParseTheSnapshotFlags()
    {
        final LedgerMain.Serve serve = parseServe("--data-dir", tempDir.toString(), "--jwt-secret", SECRET_OPTION,
            "--snapshot-every-commands", "5000", "--snapshot-every-seconds", "0", "--snapshots-keep", "7", "--journal-retention", "archive");
        final Config config = serve.toConfig(serve.secret.resolve());

        serve.checkOptions();
        config.validate();
        assertEquals(new SnapshotOptions(5000, 0, 7, "archive"), config.snapshots());
    }

    @Test
    void shouldComputeTheStartupStateHashOnlyWhenAsked()
    {
        final String[] base = {"--data-dir", tempDir.toString(), "--jwt-secret", SECRET_OPTION};
        assertTrue(parseServe(append(base, "--startup-state-hash")).toConfig(JwtKeys.fixed(new byte[32])).startupStateHash());
        assertTrue(parseServe(append(base, "--startup-state-hash", "true")).toConfig(JwtKeys.fixed(new byte[32])).startupStateHash());
        assertFalse(parseServe(append(base, "--startup-state-hash", "false")).toConfig(JwtKeys.fixed(new byte[32])).startupStateHash());
    }

    private static String[] append(final String[] base, final String... more)
    {
        final String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void shouldRefuseBadSnapshotFlagsBeforeStarting()
    {
        assertUsageError("--snapshot-every-commands=-1 must be >= 0", "serve", "--snapshot-every-commands", "-1");
        assertUsageError("--snapshot-every-seconds=-5 must be >= 0", "serve", "--snapshot-every-seconds", "-5");
        assertUsageError("--snapshots-keep=0 must be >= 1", "serve", "--snapshots-keep", "0");
        assertUsageError("snapshots-keep=5000 must be in 1..1000", "serve", "--snapshots-keep", "5000");
        assertUsageError("--journal-retention=forever must be off, archive or delete", "serve", "--journal-retention", "forever");
    }

    @Test
    void shouldRefusePortOutOfRangeBeforeStarting()
    {
        assertUsageError("--port=70000 must be in 0..65535", "serve", "--port", "70000");
        assertUsageError("--port=-1 must be in 0..65535", "serve", "--port", "-1");
    }

    @Test
    void shouldRefusePortThatIsNotANumber()
    {
        assertUsageError("--port", "serve", "--port", "ninety");
    }

    @Test
    void shouldRefuseUnknownDurabilityBeforeStarting()
    {
        assertUsageError("--durability=eventually must be process or fsync", "serve", "--durability", "eventually");
    }

    @Test
    void shouldRefuseRingSizeThatIsNotAPowerOfTwoBeforeStarting()
    {
        assertUsageError("--ring-size=1000 must be a power of two >= 2 (events)", "serve", "--ring-size", "1000");
        assertUsageError("--ring-size=0 must be a power of two >= 2 (events)", "serve", "--ring-size", "0");
    }

    @Test
    void shouldRefuseWhatConfigValidateRefusesBeforeCreatingTheDataDir()
    {
        // a power of two, so only Config.validate()'s upper limit refuses it
        assertUsageError("ring-size=1073741824", "serve", "--ring-size", "1073741824");
    }

    @Test
    void shouldRefuseUnknownWaitStrategyIoThreadsOrCurrencyBeforeStarting()
    {
        assertUsageError("--wait-strategy=spin must be one of", "serve", "--wait-strategy", "spin");
        assertUsageError("--io-threads=0 must be >= 1", "serve", "--io-threads", "0");
        assertUsageError("--default-currency=zar must be an ISO 4217 code", "serve", "--default-currency", "zar");
        assertUsageError("--default-currency=ABC must be an ISO 4217 code", "serve", "--default-currency", "ABC");
    }

    @Test
    void shouldRefuseShortJwtSecretWithoutEchoingIt()
    {
        final String shortSecret = "too-short-secret";

        assertUsageError("--jwt-secret (or LEDGER_JWT_SECRET): the key is 16 bytes; an HS256 key must be at least 32 bytes (256 bits)",
            "serve", "--jwt-secret", "text:" + shortSecret);
        assertFalse(err.toString().contains(shortSecret), err::toString);
    }

    @Test
    void shouldRefuseAJwtSecretThatDoesNotSayHowToReadItWithoutEchoingIt()
    {
        // Valid base64 and valid text at once: read as the wrong one, every token would break.
        final String bare = java.util.Base64.getEncoder().encodeToString(SECRET_TEXT.getBytes(StandardCharsets.UTF_8));

        assertUsageError("--jwt-secret (or LEDGER_JWT_SECRET): a key must say how to read it: base64:<key>", "serve", "--jwt-secret", bare);
        assertFalse(err.toString().contains(bare), err::toString);
        assertUsageError("--jwt-secret (or LEDGER_JWT_SECRET): a key must say how to read it", "token", "--merchant", "m1",
            "--jwt-secret", bare);
    }

    @Test
    void shouldReadABase64JwtSecretAsTheKeyFilesHoldIt()
    {
        final byte[] key = new byte[40];
        java.util.Arrays.fill(key, (byte)0x5a);
        assertEquals(0, execute("token", "--merchant", "m1", "--jwt-secret", Secrets.format(key)), err::toString);

        assertEquals("m1", new JwtAuthenticator(key, SystemEpochClock.INSTANCE, 0).authenticate("Bearer " + out.toString().strip())
            .merchantId());
    }

    @Test
    void shouldRefuseJwtSecretAndJwtKeysTogether()
    {
        assertUsageError("--jwt-secret and --jwt-keys", "token", "--merchant", "m1", "--jwt-secret", SECRET_OPTION,
            "--jwt-keys", tempDir.resolve("jwt-keys").toString());
    }

    @Test
    void shouldPrintOnlyATokenThatTheAuthenticatorAccepts()
    {
        final Path dataDir = tempDir.resolve("fresh");

        final int exitCode = execute("token", "--merchant", "m1", "--data-dir", dataDir.toString());

        assertEquals(0, exitCode, err::toString);
        final String token = out.toString().strip();
        assertFalse(token.contains("\n"), out::toString);
        assertTrue(KeyRingFile.inDataDir(dataDir).exists(), "token creates the key ring serve will use");
        final JwtAuthenticator authenticator = new JwtAuthenticator(KeyRingFile.inDataDir(dataDir).load(), SystemEpochClock.INSTANCE, 0);
        final JwtAuthenticator.AuthResult result = authenticator.authenticate("Bearer " + token);
        assertTrue(result.ok(), result::toString);
        assertEquals("m1", result.merchantId());
    }

    @Test
    void shouldPrintAnOperatorTokenThatOpensNoMerchantsApi()
    {
        final Path dataDir = tempDir.resolve("operator");
        assertEquals(0, execute("token", "--operator", "--data-dir", dataDir.toString()), err::toString);
        final JwtAuthenticator authenticator = new JwtAuthenticator(KeyRingFile.inDataDir(dataDir).load(), SystemEpochClock.INSTANCE, 0);
        final JwtAuthenticator.AuthResult result = authenticator.authenticate("Bearer " + out.toString().strip());
        assertTrue(result.operator(), result::toString);
        assertEquals("operator", result.operatorId());
        assertEquals(null, result.merchantId(), "an operator token names no merchant");

        out.getBuffer().setLength(0);
        assertEquals(0, execute("token", "--operator", "alice", "--data-dir", dataDir.toString()), err::toString);
        assertEquals("alice", authenticator.authenticate("Bearer " + out.toString().strip()).operatorId());
    }

    @Test
    void shouldSignTokenWithTheSameKeyServeResolves()
    {
        final Path dataDir = tempDir.resolve("shared");
        assertEquals(0, execute("token", "--merchant", "m1", "--data-dir", dataDir.toString()), err::toString);

        final JwtKeys serveKeys = parseServe("--data-dir", dataDir.toString()).secret.resolve();

        assertTrue(new JwtAuthenticator(serveKeys.ring(), SystemEpochClock.INSTANCE, 0).authenticate("Bearer " + out.toString().strip()).ok());
        assertEquals(KeyRingFile.inDataDir(dataDir.toAbsolutePath()).file(), serveKeys.file().file(), "serve watches that ring");
    }

    @Test
    void shouldSignTokenWithAnExplicitSecretWithoutTouchingTheDataDir()
    {
        final Path dataDir = tempDir.resolve("untouched");

        final int exitCode = execute(
            "token", "--merchant", "m2", "--jwt-secret", SECRET_OPTION, "--ttl-hours", "1", "--data-dir", dataDir.toString());

        assertEquals(0, exitCode, err::toString);
        assertFalse(Files.exists(dataDir));
        final JwtAuthenticator authenticator = new JwtAuthenticator(
            SECRET_TEXT.getBytes(StandardCharsets.UTF_8), SystemEpochClock.INSTANCE, 0);
        assertEquals("m2", authenticator.authenticate("Bearer " + out.toString().strip()).merchantId());
    }

    @Test
    void shouldRefuseTokenForInvalidMerchantOrTtl()
    {
        assertUsageError("--merchant=two words must be 1..128", "token", "--merchant", "two words", "--data-dir", tempDir.toString());
        assertUsageError("--ttl-hours=0 must be in 1..87600", "token", "--merchant", "m1", "--ttl-hours", "0");
        assertUsageError("Missing required argument (specify one of these): (--merchant=ID | --operator[=NAME])", "token");
        assertUsageError("--operator=two words must be 1..128", "token", "--operator", "two words", "--data-dir", tempDir.toString());
        assertUsageError("mutually exclusive", "token", "--merchant", "m1", "--operator", "--data-dir", tempDir.toString());
    }

    @Test
    void shouldListSubcommandsInHelp()
    {
        assertEquals(0, execute("--help"));

        assertTrue(out.toString().contains("serve"), out::toString);
        assertTrue(out.toString().contains("token"), out::toString);
    }

    @Test
    void shouldNameUnitAndDefaultInEveryServeOptionsHelp()
    {
        assertEquals(0, execute("serve", "--help"));

        final String help = out.toString();
        for (final String option : new String[] {"--port", "--data-dir", "--jwt-secret", "--durability", "--ring-size",
            "--wait-strategy", "--io-threads", "--default-currency", "--snapshot-every-commands", "--snapshot-every-seconds",
            "--snapshots-keep", "--journal-retention"})
        {
            assertTrue(help.contains(option), option);
        }
        assertTrue(help.contains("Default: 16384"), help);
        assertTrue(help.contains("LEDGER_RING_SIZE"), help);
    }

    private LedgerMain.Serve parseServe(final String... flags)
    {
        final String[] args = new String[flags.length + 1];
        args[0] = "serve";
        System.arraycopy(flags, 0, args, 1, flags.length);
        final ParseResult result = new CommandLine(new LedgerMain()).parseArgs(args);
        return (LedgerMain.Serve)result.subcommand().commandSpec().userObject();
    }

    private int execute(final String... args)
    {
        final CommandLine commandLine = LedgerMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    /** Runs a command expected to fail on an option: exit code 2, one line on stderr, nothing started or created. */
    private void assertUsageError(final String expectedMessagePart, final String... args)
    {
        final Path dataDir = tempDir.resolve("never-created");
        final String[] withDataDir = args.length > 0 && "serve".equals(args[0]) && !String.join(" ", args).contains("--data-dir")
            ? concat(args, "--data-dir", dataDir.toString()) : args;
        err.getBuffer().setLength(0);
        out.getBuffer().setLength(0);

        final int exitCode = execute(withDataDir);

        assertEquals(CommandLine.ExitCode.USAGE, exitCode, err::toString);
        assertTrue(err.toString().contains(expectedMessagePart), err::toString);
        assertEquals(1, err.toString().strip().lines().count(), err::toString);
        assertEquals("", out.toString());
        assertFalse(Files.exists(dataDir), "nothing may be created before the options are valid");
    }

    private static String[] concat(final String[] args, final String... more)
    {
        final String[] all = new String[args.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    private static String defaultOf(final Field field)
    {
        return field.getAnnotation(Option.class).defaultValue();
    }
}
