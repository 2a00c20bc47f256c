package io.ledger.server;

import io.ledger.engine.WaitStrategies;
import io.ledger.http.auth.JwtAuthenticator;
import io.ledger.http.auth.JwtKeys;
import io.ledger.http.auth.KeyRing;
import io.ledger.http.auth.KeyRingFile;
import io.ledger.http.auth.Secrets;
import io.ledger.http.auth.Tokens;
import io.ledger.server.LedgerServer.Config;
import io.ledger.journal.JournalCorruptException;
import io.ledger.server.tools.EventsCommand;
import io.ledger.server.tools.ExportCommand;
import io.ledger.server.tools.JournalCommand;
import io.ledger.server.tools.KeyCommand;
import io.ledger.server.tools.RepairCommand;
import io.ledger.server.tools.ReplayCommand;
import io.ledger.server.tools.VerifyCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The command line: {@code ledger serve} runs the server, {@code ledger token} prints a bearer token, {@code ledger key}
 * rotates the keys tokens are signed with, the read-only operator tools {@code replay}, {@code verify} and {@code journal} inspect a journal, and {@code repair}
 * cuts a damaged one (package {@code io.ledger.server.tools}).
 *
 * <p>Every option of {@code serve} can also come from a {@code LEDGER_*} environment variable; a flag wins over
 * the variable, which wins over the built-in default (the constants in {@link Config}, {@link SnapshotOptions} and
 * {@code HttpServeOptions}'s). Bad values are refused by {@link Config#validate()}, the one place their rules are
 * written, before anything starts: one line on stderr naming the option, exit code 2 ({@link ExitCode#USAGE}).
 *
 * <p>Secrets and tokens are never logged; the only token printed is the one asked for ({@code token}) or the demo
 * token {@code serve} prints when it signs with the key kept in the data directory.
 */
@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    versionProvider = LedgerMain.Version.class,
    description = "In-memory payments ledger serving a Cashful-compatible wallet HTTP API.",
    subcommands = {LedgerMain.Serve.class, LedgerMain.Token.class, KeyCommand.class, ReplayCommand.class, VerifyCommand.class,
        JournalCommand.class, RepairCommand.class, ApiKeyCommand.class, ExportCommand.class, EventsCommand.class})
public final class LedgerMain
{
    /** Merchant the demo token {@code serve} prints is issued for. */
    static final String DEMO_MERCHANT = "demo_merchant";
    /** The subject of {@code token --operator} without a name. */
    static final String DEFAULT_OPERATOR = "operator";
    /** Lifetime of a token, hours (30 days): {@code token --ttl-hours}'s default, and the demo token's. */
    static final long TOKEN_TTL_HOURS_DEFAULT = 720;
    /** Longest token lifetime {@code token --ttl-hours} accepts, hours (10 years). */
    static final long TTL_HOURS_MAX = 87_600;

    private static final Logger LOG = LoggerFactory.getLogger(LedgerMain.class);

    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    /** The command line with picocli's own parse errors (unknown option, not a number) shortened to one line. */
    static CommandLine commandLine()
    {
        final CommandLine commandLine = new CommandLine(new LedgerMain());
        commandLine.setParameterExceptionHandler((ex, args) ->
        {
            final CommandLine failed = ex.getCommandLine();
            failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + ex.getMessage()
                + " (see '" + failed.getCommandSpec().qualifiedName() + " --help')");
            failed.getErr().flush();
            return failed.getExitCodeExceptionMapper() != null
                ? failed.getExitCodeExceptionMapper().getExitCode(ex)
                : failed.getCommandSpec().exitCodeOnInvalidInput();
        });
        return commandLine;
    }

    /** A bad option value: reported as one line naming the option, exit code 2. */
    static final class OptionException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        OptionException(final String message)
        {
            super(message, null, false, false);
        }
    }

    /** Where the HS256 keys come from; shared by {@code serve} and {@code token}. */
    static final class SecretOptions
    {
        @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            defaultValue = "${env:LEDGER_DATA_DIR:-" + Config.DATA_DIR_DEFAULT + "}",
            description = "Data directory (journal, snapshots, the jwt-keys key ring), a path relative to the current "
                + "directory or absolute. Env LEDGER_DATA_DIR. Default: ${DEFAULT-VALUE}.")
        Path dataDir;

        @Option(
            names = "--jwt-keys",
            paramLabel = "FILE",
            defaultValue = "${env:LEDGER_JWT_KEYS}",
            showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "The key ring file (see 'ledger key'), if not DIR/" + KeyRingFile.FILE_NAME + " (created with one "
                + "generated key if missing). A running server re-reads it within a second of a change. Env LEDGER_JWT_KEYS.")
        Path jwtKeys;

        @Option(
            names = "--jwt-secret",
            paramLabel = "KEY",
            defaultValue = "${env:LEDGER_JWT_SECRET}",
            showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "One fixed HS256 key instead of a key ring (no rotation; tokens without a kid): base64:<key of at "
                + "least 32 bytes> (openssl rand -base64 32), or text:<at least 32 bytes of text> as earlier builds took it. "
                + "Env LEDGER_JWT_SECRET (prefer it: command lines are visible to other users).")
        String jwtSecret;

        /**
         * @return the keys: the given key, the given ring, or the data directory's ring (created when missing).
         * @throws OptionException naming the option whose value cannot be used.
         */
        JwtKeys resolve()
        {
            if (jwtSecret != null)
            {
                if (jwtKeys != null)
                {
                    throw new OptionException("--jwt-secret and --jwt-keys (or LEDGER_JWT_SECRET and LEDGER_JWT_KEYS): give one");
                }
                try
                {
                    return JwtKeys.fixed(Secrets.parse(jwtSecret));
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new OptionException("--jwt-secret (or LEDGER_JWT_SECRET): " + ex.getMessage());
                }
            }
            final KeyRingFile file = keyRingFile();
            try
            {
                if (jwtKeys == null)
                {
                    file.loadOrCreate(System.currentTimeMillis());
                }
                else if (!file.exists())
                {
                    throw new OptionException("--jwt-keys=" + jwtKeys + ": no such key ring; 'ledger key rotate --jwt-keys "
                        + jwtKeys + "' creates one");
                }
                return JwtKeys.watched(file);
            }
            catch (final UncheckedIOException | IllegalStateException ex)
            {
                throw new OptionException((jwtKeys == null ? "--data-dir=" + dataDir : "--jwt-keys=" + jwtKeys) + ": " + ex.getMessage());
            }
        }

        /** @return the key ring file these options name: --jwt-keys, else the data directory's. */
        KeyRingFile keyRingFile()
        {
            return jwtKeys == null ? KeyRingFile.inDataDir(absoluteDataDir()) : KeyRingFile.at(jwtKeys.toAbsolutePath());
        }

        /** @return true when the keys are the data directory's own (so {@code serve} prints a demo token). */
        boolean fromDataDir()
        {
            return jwtSecret == null && jwtKeys == null;
        }

        Path absoluteDataDir()
        {
            return dataDir.toAbsolutePath().normalize();
        }
    }

    /** {@code ledger serve}: validate, start, print where it listens, run until SIGTERM or SIGINT. */
    @Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Load the newest snapshot and replay the journal after it, then serve the wallet API over HTTP until SIGTERM or SIGINT "
                + "(a final snapshot, then exit 0 after a clean stop).",
            "Each option can also be set by the environment variable it names; a flag wins."})
    static final class Serve implements Callable<Integer>
    {
        /** A well-formed stand-in key for validating the other options before the real key is resolved. */
        private static final JwtKeys PROVISIONAL_KEYS = JwtKeys.fixed(new byte[JwtAuthenticator.SECRET_BYTES_MIN]);

        @Spec
        CommandSpec spec;

        @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "${env:LEDGER_PORT:-" + Config.PORT_DEFAULT + "}",
            description = "TCP port on the --bind address, 0.." + Config.PORT_MAX + " (0 picks a free one). Env LEDGER_PORT. "
                + "Default: ${DEFAULT-VALUE}.")
        int port;

        @Mixin
        SecretOptions secret = new SecretOptions();

        @Option(
            names = "--durability",
            paramLabel = "MODE",
            defaultValue = "${env:LEDGER_DURABILITY:-" + Config.DURABILITY_DEFAULT + "}",
            description = "When a command is acknowledged: 'process' (journaled to the page cache; survives a "
                + "process crash) or 'fsync' (synced to disk in groups; survives power loss). Env LEDGER_DURABILITY. "
                + "Default: ${DEFAULT-VALUE}.")
        String durability;

        @Option(
            names = "--ring-size",
            paramLabel = "EVENTS",
            defaultValue = "${env:LEDGER_RING_SIZE:-" + Config.RING_SIZE_EVENTS_DEFAULT + "}",
            description = "Disruptor ring size in events, a power of two. Env LEDGER_RING_SIZE. Default: ${DEFAULT-VALUE}.")
        int ringSizeEvents;

        @Option(
            names = "--wait-strategy",
            paramLabel = "NAME",
            defaultValue = "${env:LEDGER_WAIT_STRATEGY:-" + Config.WAIT_STRATEGY_DEFAULT + "}",
            description = "How the ledger thread waits for commands, one of: " + WaitStrategies.NAMES
                + " (busy-spin and yielding burn a core). Env LEDGER_WAIT_STRATEGY. Default: ${DEFAULT-VALUE}.")
        String waitStrategy;

        @Option(
            names = "--io-threads",
            paramLabel = "THREADS",
            defaultValue = "${env:LEDGER_IO_THREADS:-" + Config.IO_THREADS_DEFAULT + "}",
            description = "Netty worker threads that parse requests and write replies, >= 1. Env LEDGER_IO_THREADS. "
                + "Default: ${DEFAULT-VALUE}.")
        int ioThreads;

        @Option(
            names = "--ledger-thread",
            paramLabel = "WHERE",
            defaultValue = "${env:LEDGER_LEDGER_THREAD:-" + LedgerThreadMode.DEFAULT + "}",
            description = "Where commands are journaled, applied and answered: " + LedgerThreadMode.EVENT_LOOP + " (on the "
                + "HTTP event loop after each round of reads, no wake-up either way; needs --io-threads 1, --durability "
                + "process and the default --wait-strategy), " + LedgerThreadMode.OWN + " (a ledger thread of its own, "
                + "woken by the event loop) or " + LedgerThreadMode.AUTO + " (" + LedgerThreadMode.EVENT_LOOP + " where it "
                + "can run, else " + LedgerThreadMode.OWN + "; the start-up log says which). Env LEDGER_LEDGER_THREAD. "
                + "Default: ${DEFAULT-VALUE}.")
        String ledgerThread;

        @Option(
            names = "--default-currency",
            paramLabel = "CODE",
            defaultValue = "${env:LEDGER_DEFAULT_CURRENCY:-" + Config.DEFAULT_CURRENCY_DEFAULT + "}",
            description = "ISO 4217 currency code (three upper-case letters) reported for accounts that never held "
                + "money. Env LEDGER_DEFAULT_CURRENCY. Default: ${DEFAULT-VALUE}.")
        String defaultCurrency;

        @Mixin
        HttpServeOptions http = new HttpServeOptions();

        @Option(
            names = "--snapshot-every-commands",
            paramLabel = "COMMANDS",
            defaultValue = "${env:LEDGER_SNAPSHOT_EVERY_COMMANDS:-" + SnapshotOptions.EVERY_COMMANDS_DEFAULT + "}",
            description = "Take a snapshot after this many journaled commands, >= 0 (0: none by count). The snapshot "
                + "follower writes it from its own copy of the ledger; the ledger thread does not stop (see "
                + "docs/operations.md). Env LEDGER_SNAPSHOT_EVERY_COMMANDS. Default: ${DEFAULT-VALUE}.")
        long snapshotEveryCommands;

        @Option(
            names = "--snapshot-every-seconds",
            paramLabel = "SECONDS",
            defaultValue = "${env:LEDGER_SNAPSHOT_EVERY_SECONDS:-" + SnapshotOptions.EVERY_SECONDS_DEFAULT + "}",
            description = "Take a snapshot this often, seconds, when anything was journaled since the last one, 0.."
                + SnapshotOptions.EVERY_SECONDS_MAX + " "
                + "(0: none by time). A snapshot is also taken on a clean stop. Env LEDGER_SNAPSHOT_EVERY_SECONDS. "
                + "Default: ${DEFAULT-VALUE}.")
        long snapshotEverySeconds;

        @Option(
            names = "--snapshots-keep",
            paramLabel = "FILES",
            defaultValue = "${env:LEDGER_SNAPSHOTS_KEEP:-" + SnapshotOptions.KEEP_DEFAULT + "}",
            description = "Snapshot files to keep in DIR/snapshots, newest first, 1.." + SnapshotOptions.KEEP_MAX
                + ". Env LEDGER_SNAPSHOTS_KEEP. Default: ${DEFAULT-VALUE}.")
        int snapshotsKeep;

        @Option(
            names = "--journal-retention",
            paramLabel = "MODE",
            defaultValue = "${env:LEDGER_JOURNAL_RETENTION:-" + SnapshotOptions.JOURNAL_RETENTION_DEFAULT + "}",
            description = "What happens to journal day files older than the oldest snapshot kept: 'off' (kept), 'archive' "
                + "(moved to DIR/journal-archive) or 'delete'. After the first one goes, the state can no longer be rebuilt "
                + "from the journal alone. Env LEDGER_JOURNAL_RETENTION. Default: ${DEFAULT-VALUE}.")
        String journalRetention;

        @Option(
            names = "--pause-warn-ms",
            paramLabel = "MS",
            defaultValue = "${env:LEDGER_PAUSE_WARN_MS:-" + Config.PAUSE_WARN_MS_DEFAULT + "}",
            description = "Log a warning (at most once a second) and count it in ledger_thread_long_pauses_total when the "
                + "ledger thread goes this long without completing a command while one waits, 1.." + Config.PAUSE_WARN_MS_MAX
                + " ms. Env LEDGER_PAUSE_WARN_MS. Default: ${DEFAULT-VALUE}.")
        long pauseWarnMs;

        @Option(
            names = "--startup-state-hash",
            paramLabel = "BOOLEAN",
            arity = "0..1",
            fallbackValue = "true",
            defaultValue = "${env:LEDGER_STARTUP_STATE_HASH:-" + Config.STARTUP_STATE_HASH_DEFAULT + "}",
            description = "Compute the recovered ledger's state hash before the port opens and log it (about 2.5 s for 1M "
                + "customers and 16M history entries). A start from a snapshot with nothing after it logs the snapshot's "
                + "hash either way; 'ledger verify' and 'ledger replay' print it offline. Env LEDGER_STARTUP_STATE_HASH "
                + "(true or false). Default: ${DEFAULT-VALUE}.")
        boolean startupStateHash;

        @Override
        public Integer call()
        {
            final Config config;
            try
            {
                // Validate everything but the key before resolving it: resolving may create the data directory.
                checkOptions();
                config = toConfig(secret.resolve());
                validate(config);
                checkTls(config);
            }
            catch (final OptionException ex)
            {
                return usageError(spec, ex.getMessage());
            }
            return run(config);
        }

        /**
         * Checks every option but the key, with {@link Config#validate()}: the one place the rules are written.
         *
         * @throws OptionException naming the first flag whose value is refused.
         */
        void checkOptions()
        {
            validate(toConfig(PROVISIONAL_KEYS));
        }

        /** {@link Config#validate()}, its message naming the flag: the option's name with the dashes. */
        private static void validate(final Config config)
        {
            try
            {
                config.validate();
            }
            catch (final IllegalArgumentException ex)
            {
                throw new OptionException("--" + ex.getMessage());
            }
        }

        /** Loads the TLS files once, so that a certificate or key that cannot be used is a bad option (exit 2). */
        private static void checkTls(final Config config)
        {
            if (config.http().tls() != null)
            {
                try
                {
                    config.http().tls().serverContext();
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new OptionException("--" + ex.getMessage());
                }
            }
        }

        Config toConfig(final JwtKeys jwtKeys)
        {
            return new Config(port, secret.absoluteDataDir(), jwtKeys, durability, ringSizeEvents, waitStrategy, ioThreads,
                defaultCurrency, http.toOptions(),
                new SnapshotOptions(snapshotEveryCommands, snapshotEverySeconds, snapshotsKeep, journalRetention), pauseWarnMs,
                startupStateHash, ledgerThread);
        }

        private int run(final Config config)
        {
            final PrintWriter out = spec.commandLine().getOut();
            final StopSignal stop = StopSignal.install();
            final LedgerServer server;
            try
            {
                server = LedgerServer.start(config);
            }
            catch (final RuntimeException ex)
            {
                LOG.error("failed to start", ex);
                spec.commandLine().getErr().println("ledger serve: failed to start: " + ex);
                if (ex instanceof JournalCorruptException corrupt)
                {
                    spec.commandLine().getErr().println("ledger serve: the journal cannot be replayed past that record. Check it with "
                        + "'ledger verify --data-dir " + config.dataDir() + "'. To cut the journal there (the records from it on "
                        + "are moved aside with the damaged journal, never deleted): 'ledger repair --data-dir "
                        + config.dataDir() + " --truncate-at 0x" + Long.toHexString(corrupt.index()) + "'");
                }
                spec.commandLine().getErr().flush();
                return ExitCode.SOFTWARE;
            }

            // Whoever comes first closes, the other waits: the main thread after a handled signal, or the hook
            // when the JVM shuts down for another reason (System.exit, SIGHUP, signal handlers unavailable).
            final AtomicBoolean closing = new AtomicBoolean();
            final CountDownLatch closed = new CountDownLatch(1);
            final Runnable closeOnce = () ->
            {
                if (closing.compareAndSet(false, true))
                {
                    try
                    {
                        server.close();
                    }
                    catch (final RuntimeException ex)
                    {
                        LOG.error("error while stopping", ex);
                    }
                    finally
                    {
                        closed.countDown();
                    }
                }
                else
                {
                    awaitUninterruptibly(closed::await);
                }
            };
            Runtime.getRuntime().addShutdownHook(new Thread(() ->
            {
                stop.request();
                closeOnce.run();
            }, "ledger-shutdown"));

            out.println("ledger listening on " + server.url()
                + " (data " + config.dataDir() + ", durability " + config.durability() + ")");
            if (secret.fromDataDir())
            {
                printDemoToken(out, config, server.url());
            }
            out.flush();

            awaitUninterruptibly(stop::await);
            closeOnce.run();
            LOG.info("stopped");
            return ExitCode.OK;
        }

        private static void printDemoToken(final PrintWriter out, final Config config, final String url)
        {
            final String token = Tokens.issue(
                config.jwtKeys().ring(), DEMO_MERCHANT, System.currentTimeMillis(), TimeUnit.HOURS.toMillis(TOKEN_TTL_HOURS_DEFAULT));
            out.println("demo token for merchant " + DEMO_MERCHANT + ", valid " + TOKEN_TTL_HOURS_DEFAULT / 24
                + " days, signed with " + config.jwtKeys().describe() + ":");
            out.println(token);
            out.println("curl -H \"Authorization: Bearer " + token + "\" " + url + "/api/canary/health");
        }

        /** A wait that can be interrupted: {@code StopSignal::await}, {@code CountDownLatch::await}. */
        @FunctionalInterface
        private interface Wait
        {
            void await() throws InterruptedException;
        }

        /** Waits through interrupts (a stop must finish), then restores the interrupt flag. */
        private static void awaitUninterruptibly(final Wait wait)
        {
            boolean interrupted = false;
            while (true)
            {
                try
                {
                    wait.await();
                    break;
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code ledger token}: prints one bearer token and nothing else on stdout. */
    @Command(
        name = "token",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Print a bearer token for a merchant (--merchant ID), or an operator token for the console (--operator); stdout "
                + "holds only the token: TOKEN=$(ledger token --merchant m1).",
            "It signs with the key ring's signing key (DIR/jwt-keys, or --jwt-keys; created with one key if missing) and names "
                + "its kid, so the token is accepted by a 'ledger serve' on the same keys; or with --jwt-secret."})
    static final class Token implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        /** Exactly one of the two: who the token is for. */
        @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Subject subject;

        static final class Subject
        {
            @Option(
                names = "--merchant",
                required = true,
                paramLabel = "ID",
                description = "Merchant id, the token's subject: 1..128 printable ASCII characters without spaces.")
            String merchantId;

            @Option(
                names = "--operator",
                required = true,
                arity = "0..1",
                fallbackValue = DEFAULT_OPERATOR,
                paramLabel = "NAME",
                description = "An operator token instead (claim role=operator): it opens the console (/console) and no "
                    + "merchant's API. NAME, the token's subject, defaults to '" + DEFAULT_OPERATOR + "'.")
            String operatorId;
        }

        @Mixin
        SecretOptions secret = new SecretOptions();

        @Option(
            names = "--ttl-hours",
            paramLabel = "HOURS",
            defaultValue = "" + TOKEN_TTL_HOURS_DEFAULT,
            description = "Token lifetime in hours, 1.." + TTL_HOURS_MAX + ". Default: ${DEFAULT-VALUE} (30 days).")
        long ttlHours;

        @Override
        public Integer call()
        {
            final String token;
            try
            {
                final boolean operator = subject.operatorId != null;
                final String id = operator ? subject.operatorId : subject.merchantId;
                if (!JwtAuthenticator.isValidMerchantId(id))
                {
                    throw new OptionException((operator ? "--operator=" : "--merchant=") + id
                        + " must be 1..128 printable ASCII characters without spaces");
                }
                if (ttlHours < 1 || ttlHours > TTL_HOURS_MAX)
                {
                    throw new OptionException("--ttl-hours=" + ttlHours + " must be in 1.." + TTL_HOURS_MAX);
                }
                final KeyRing keys = secret.resolve().ring();
                final long ttlMs = TimeUnit.HOURS.toMillis(ttlHours);
                token = operator
                    ? Tokens.issueOperator(keys, id, System.currentTimeMillis(), ttlMs)
                    : Tokens.issue(keys, id, System.currentTimeMillis(), ttlMs);
            }
            catch (final OptionException ex)
            {
                return usageError(spec, ex.getMessage());
            }
            spec.commandLine().getOut().println(token);
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }
    }

    /** The version of the jar, from the pom.properties Maven packs into it. */
    static final class Version implements IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final Properties properties = new Properties();
            try (InputStream in = LedgerMain.class.getResourceAsStream(
                "/META-INF/maven/io.ledger/ledger-server/pom.properties"))
            {
                if (in != null)
                {
                    properties.load(in);
                }
            }
            catch (final IOException ex)
            {
                // fall through to "unknown"
            }
            return new String[] {"ledger " + properties.getProperty("version", "(version unknown)")};
        }
    }

    private static int usageError(final CommandSpec spec, final String message)
    {
        final PrintWriter err = spec.commandLine().getErr();
        err.println(spec.qualifiedName() + ": " + message);
        err.flush();
        return ExitCode.USAGE;
    }
}
