package io.ledger.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.ledger.bench.report.RunResult;
import io.ledger.http.auth.KeyRing;
import io.ledger.http.auth.KeyRingFile;
import io.ledger.http.auth.Secrets;
import io.ledger.http.auth.Tokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code load}: the HTTP load tool. Creates and funds customers, drives a mix of purchases, transfers, pay-ins and
 * balance reads at the server on 127.0.0.1 in a closed loop (as fast as {@code --connections} x {@code --pipeline}
 * allow) or an open loop ({@code --rate}, latency from the intended send time), then checks that money was
 * conserved, prints a summary and writes a result file for the report generator.
 */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "HTTP load against a ledger server on this machine: set-up (create and pay in customers), workload "
            + "(closed loop, or open loop at --rate with latency from the intended send time), then a money "
            + "conservation check. Exit 0 when every check passed, 1 when one failed, 2 on a bad option."})
public final class LoadCommand implements Callable<Integer>
{
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address; must be loopback. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", required = true, description = "Server port.")
    int port;

    @Option(names = "--token", description = "Bearer token (HS256) for the merchant the run uses.")
    String token;

    @Option(names = "--secret-file", paramLabel = "FILE",
        description = "Mint a token instead, with the server's key ring (DATA_DIR/jwt-keys) or a legacy jwt-secret file.")
    Path secretFile;

    @Option(names = "--merchant", description = "Merchant of a minted token. Default: a new one per run (bench_<time>), so "
        + "every run starts from an empty merchant balance.")
    String merchant;

    @Option(names = {"-c", "--connections"}, defaultValue = "64", description = "Keep-alive connections. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = "--pipeline", defaultValue = "1", description = "Requests outstanding per connection (1..65). Default: ${DEFAULT-VALUE}.")
    int pipeline;

    @Option(names = "--threads", defaultValue = "1", description = "Client event-loop threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = {"-R", "--rate"}, defaultValue = "0",
        description = "Open loop: total intended requests per second. 0 (default) = closed loop, max throughput.")
    double rate;

    @Option(names = "--arrival", defaultValue = "uniform",
        description = "Open-loop gaps per connection: uniform (wrk2) or poisson (pgbench --rate). Default: ${DEFAULT-VALUE}.")
    String arrival;

    @Option(names = {"-d", "--duration"}, defaultValue = "10s", description = "Measurement window (e.g. 30s, 500ms, 2m). Default: ${DEFAULT-VALUE}.")
    String duration;

    @Option(names = "--warmup", defaultValue = "5s", description = "Load before measuring, same rate. Default: ${DEFAULT-VALUE}.")
    String warmup;

    @Option(names = "--drain-timeout", defaultValue = "10s", description = "Wait for outstanding replies after the window. Default: ${DEFAULT-VALUE}.")
    String drainTimeout;

    @Option(names = "--customers", defaultValue = "10000", description = "Customers to create. Default: ${DEFAULT-VALUE}.")
    int customers;

    @Option(names = "--initial-balance", defaultValue = "100000000", description = "Each customer's set-up pay-in, minor units. Default: ${DEFAULT-VALUE}.")
    long initialMinor;

    @Option(names = "--amount", defaultValue = "1..10000",
        description = "Workload amount in minor units: N, or MIN..MAX drawn uniformly. Default: ${DEFAULT-VALUE}.")
    String amount;

    @Option(names = "--currency", defaultValue = "ZAR", description = "Currency of every amount. Default: ${DEFAULT-VALUE}.")
    String currency;

    @Option(names = "--mix", defaultValue = "purchase=70,payin=10,balance=20",
        description = "Operation weights from purchase, transfer, payin, balance. Default: ${DEFAULT-VALUE} "
            + "(add transfer=N where the server has POST /api/canary/transfers).")
    String mix;

    @Option(names = "--no-verify", description = "Skip the final balance reads and the conservation check.")
    boolean noVerify;

    @Option(names = "--batch", defaultValue = "1",
        description = "Purchases per request (1..500). Above 1, each request posts that many purchases to --batch-path "
            + "(needs --mix purchase=1); throughput then counts purchases. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--batch-path", defaultValue = BatchShape.PATH_DEFAULT, description = "Where batches go. Default: ${DEFAULT-VALUE}.")
    String batchPath;

    @Option(names = "--no-setup",
        description = "Create no customers: for a server that only answers (benchmarks.jar bare-server). Needs --no-verify.")
    boolean noSetup;

    @Option(names = "--system", defaultValue = "ledger",
        description = "Label of the system under test in the result, e.g. ledger or bare-netty. Default: ${DEFAULT-VALUE}.")
    String system;

    @Option(names = "--repeat", defaultValue = "0",
        description = "Which repeat of a comparison this run is (1, 2...), recorded in the result. Default: ${DEFAULT-VALUE}.")
    int repeat;

    @Option(names = "--server-pid", defaultValue = "0",
        description = "The server's pid: its CPU use in the window is reported (read from /proc).")
    long serverPid;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write the result (JSON, schema of RunResult) here.")
    Path out;

    @Option(names = "--variant", defaultValue = "unspecified",
        description = "Label of the server configuration for the report, e.g. process or fsync. Default: ${DEFAULT-VALUE}.")
    String variant;

    @Option(names = "--durability-class", description = "process or fsync: which baselines this run compares with.")
    String durabilityClass;

    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    private RunResult lastResult;
    private String commandLine = "";

    /** Sets the command line recorded in the result file (without credentials). */
    public void commandLine(final String text)
    {
        commandLine = text;
    }

    /** @return the last run's result, for callers in the same JVM (the smoke test); null before a run. */
    public RunResult lastResult()
    {
        return lastResult;
    }

    @Override
    public Integer call() throws Exception
    {
        final LoadConfig config;
        try
        {
            config = config();
            config.validate();
        }
        catch (final IllegalArgumentException ex)
        {
            stderr.println("load: " + ex.getMessage());
            return 2;
        }
        final RunResult result = new LoadRun(config, stderr, journalSyncs(config)).run();
        result.system = system;
        result.repeat = repeat;
        result.variant = variant;
        result.durabilityClass = durabilityClass;
        result.command = commandLine;
        lastResult = result;
        print(result, stdout);
        if (out != null)
        {
            result.write(out);
            stderr.println("ledger-load: wrote " + out);
        }
        return result.checksPassed() ? 0 : 1;
    }

    /** @return the keys of a key ring file ({@code jwt-keys}), or of a legacy {@code jwt-secret} file. */
    static KeyRing keysOf(final Path file)
    {
        if (!Files.isRegularFile(file))
        {
            throw new IllegalArgumentException("secret-file=" + file + " does not exist");
        }
        try
        {
            return KeyRingFile.at(file).load();
        }
        catch (final IllegalStateException notARing)
        {
            try
            {
                return KeyRing.legacy(Secrets.loadLegacy(file));
            }
            catch (final RuntimeException notLegacy)
            {
                throw new IllegalArgumentException("secret-file=" + file + " holds neither a key ring (jwt-keys) nor a base64 key "
                    + "(jwt-secret)", notLegacy);
            }
        }
    }

    /**
     * @return a reader of the ledger's journal sync counters for an {@code fsync} run whose server keys are known
     * ({@code --secret-file}: an operator token can be minted for {@code /metrics}); null otherwise.
     */
    private JournalSyncs journalSyncs(final LoadConfig config) throws IOException
    {
        if (!"fsync".equals(durabilityClass) || secretFile == null)
        {
            return null;
        }
        return new JournalSyncs(config.host(), config.port(),
            Tokens.issueOperator(keysOf(secretFile), "bench", System.currentTimeMillis(), TimeUnit.HOURS.toMillis(24)));
    }

    LoadConfig config() throws IOException
    {
        final String bearer;
        if (token != null)
        {
            if (secretFile != null)
            {
                throw new IllegalArgumentException("give --token or --secret-file, not both");
            }
            bearer = token;
        }
        else if (secretFile != null)
        {
            final String merchantId = merchant != null ? merchant : "bench_" + Long.toString(System.currentTimeMillis(), 36);
            bearer = Tokens.issue(keysOf(secretFile), merchantId, System.currentTimeMillis(), TimeUnit.HOURS.toMillis(24));
        }
        else
        {
            throw new IllegalArgumentException("a token is needed: --token, or --secret-file DATA_DIR/jwt-keys to mint one");
        }
        final long[] amounts = parseRange(amount);
        final Phase.Arrival arrivalKind;
        try
        {
            arrivalKind = Phase.Arrival.valueOf(arrival.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("arrival=" + arrival + " must be uniform or poisson", ex);
        }
        return new LoadConfig(host, port, bearer, connections, pipeline, threads, rate, arrivalKind,
            parseDurationNs("warmup", warmup, true), parseDurationNs("duration", duration, false),
            parseDurationNs("drain-timeout", drainTimeout, false), customers, initialMinor, amounts[0], amounts[1],
            currency, Mix.parse(mix), !noVerify, seed, serverPid, batch, batchPath, !noSetup);
    }

    /** @return nanoseconds of {@code 30s}, {@code 500ms}, {@code 2m} or a bare number of seconds. */
    static long parseDurationNs(final String name, final String text, final boolean zeroAllowed)
    {
        final String t = text.strip().toLowerCase(Locale.ROOT);
        final double value;
        final double unitNs;
        try
        {
            if (t.endsWith("ms"))
            {
                value = Double.parseDouble(t.substring(0, t.length() - 2));
                unitNs = 1e6;
            }
            else if (t.endsWith("s"))
            {
                value = Double.parseDouble(t.substring(0, t.length() - 1));
                unitNs = 1e9;
            }
            else if (t.endsWith("m"))
            {
                value = Double.parseDouble(t.substring(0, t.length() - 1));
                unitNs = 60e9;
            }
            else
            {
                value = Double.parseDouble(t);
                unitNs = 1e9;
            }
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(name + "=" + text + " is not a duration such as 30s, 500ms or 2m", ex);
        }
        if (!(value > 0 || (zeroAllowed && value == 0)) || value * unitNs > 86_400e9)
        {
            throw new IllegalArgumentException(name + "=" + text + " must be " + (zeroAllowed ? ">= 0" : "> 0") + " and at most a day");
        }
        return Math.round(value * unitNs);
    }

    static long[] parseRange(final String text)
    {
        try
        {
            final int dots = text.indexOf("..");
            if (dots < 0)
            {
                final long v = Long.parseLong(text.strip());
                return new long[] {v, v};
            }
            return new long[] {Long.parseLong(text.substring(0, dots).strip()), Long.parseLong(text.substring(dots + 2).strip())};
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("amount=" + text + " must be N or MIN..MAX (minor units)", ex);
        }
    }

    /** Prints the human summary of one run. */
    static void print(final RunResult r, final PrintStream out)
    {
        out.printf(Locale.ROOT, "%s %s loop%s, %d connections x pipeline %d, %.1f s window, mix %s%n",
            r.system + (r.variant == null ? "" : " (" + r.variant + ")"), r.mode,
            r.offeredRate > 0 ? String.format(Locale.ROOT, " at %,.0f req/s (%s)", r.offeredRate, r.arrival) : "",
            r.connections, r.pipeline, r.durationS, r.workload);
        out.printf(Locale.ROOT, "  throughput  %,.0f %s/s  (%,d replies timed; CPU: client %.0f%%, server %.0f%% of a core, %.1f us per %s)%n",
            r.throughput, r.batch > 1 ? "purchases" : "replies", r.requests, r.clientCpuPct, r.serverCpuPct, r.serverCpuUsPerOp(),
            r.batch > 1 ? "purchase" : "reply");
        if (r.batch > 1)
        {
            out.println("  batches     " + r.batch + " purchases per request; item statuses " + r.itemStatuses);
        }
        out.printf(Locale.ROOT, "  latency from %s, us: p50 %,.0f  p90 %,.0f  p99 %,.0f  p99.9 %,.0f  max %,.0f  mean %,.0f%n",
            r.latencyFrom, r.latencyUs.p50, r.latencyUs.p90, r.latencyUs.p99, r.latencyUs.p999, r.latencyUs.max, r.latencyUs.mean);
        out.println("  statuses    " + r.statuses);
        for (final Map.Entry<String, RunResult.OperationResult> e : r.byOperation.entrySet())
        {
            final RunResult.OperationResult op = e.getValue();
            out.printf(Locale.ROOT, "  %-10s  %,10d  %s  p50 %,.0f  p99 %,.0f  p99.9 %,.0f us%n", e.getKey(), op.count, op.statuses,
                op.latencyUs.p50, op.latencyUs.p99, op.latencyUs.p999);
        }
        for (final Map.Entry<String, String> e : r.checks.entrySet())
        {
            out.println("  check " + e.getKey() + ": " + e.getValue());
        }
        for (final String note : r.notes)
        {
            out.println("  note: " + note);
        }
    }
}
