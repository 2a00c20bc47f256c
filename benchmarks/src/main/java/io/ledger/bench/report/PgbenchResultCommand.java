package io.ledger.bench.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pgbench-result}: turns one pgbench run into a {@link RunResult}. pgbench's summary reports only the mean
 * latency, so the percentiles come from its per-transaction logs ({@code --log}, files {@code PREFIX.<pid>[.<thread>]}):
 * each line is {@code client_id transaction_no time script_no time_epoch time_us [schedule_lag]}, where
 * {@code time} is the transaction's elapsed microseconds and, with {@code --rate}, {@code schedule_lag} is how late
 * it started after its scheduled time. Latency is {@code time + schedule_lag}: from the scheduled (intended) start,
 * as pgbench's own summary does with {@code --rate}, and as the load tool does in an open loop. Failed
 * transactions ({@code time} = {@code failed}/{@code skipped}) are counted, not timed.
 *
 * <p>Throughput is pgbench's {@code tps} (without initial connection time) from its stdout.
 */
@Command(name = "pgbench-result", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Convert a pgbench run (its stdout and --log files) into a result file.")
public final class PgbenchResultCommand implements Callable<Integer>
{
    private static final Pattern TPS = Pattern.compile("^tps = ([0-9.]+) \\(without initial connection time\\)", Pattern.MULTILINE);
    private static final Pattern FAILED = Pattern.compile("^number of failed transactions: ([0-9]+)", Pattern.MULTILINE);
    private static final Pattern PROCESSED = Pattern.compile("^number of transactions actually processed: ([0-9]+)", Pattern.MULTILINE);
    private static final Pattern SKIPPED = Pattern.compile("^number of transactions skipped: ([0-9]+)", Pattern.MULTILINE);

    @Option(names = "--stdout", required = true, paramLabel = "FILE", description = "pgbench's standard output.")
    Path stdoutFile;

    @Option(names = "--log-prefix", required = true, paramLabel = "PATH",
        description = "The --log-prefix given to pgbench (its log files are PATH.<pid>[.<n>]).")
    Path logPrefix;

    @Option(names = "--variant", required = true, description = "e.g. synchronous_commit=on")
    String variant;

    @Option(names = "--durability-class", required = true, description = "process or fsync")
    String durabilityClass;

    @Option(names = "--workload", defaultValue = "purchase=100")
    String workload;

    @Option(names = "--clients", required = true)
    int clients;

    @Option(names = "--rate", defaultValue = "0", description = "The --rate given to pgbench, 0 if none.")
    double rate;

    @Option(names = "--duration-s", required = true)
    double durationS;

    @Option(names = "--tool", defaultValue = "pgbench", description = "The tool and its version, e.g. 'pgbench (PostgreSQL) 15.8'.")
    String tool;

    @Option(names = "--command", defaultValue = "", description = "The pgbench command line, recorded in the result.")
    String command;

    @Option(names = "--check", description = "A check of the answers, NAME=RESULT (e.g. conservation=ok: ...); repeatable.")
    List<String> checkList = new ArrayList<>();

    @Option(names = "--note", description = "A note for the report; repeatable.")
    List<String> noteList = new ArrayList<>();

    @Option(names = {"-o", "--out"}, required = true)
    Path out;

    @Override
    public Integer call() throws IOException
    {
        final RunResult result = convert();
        result.write(out);
        System.err.printf(Locale.ROOT, "pgbench-result: %s %s: %,.0f tps, p50 %.0f us, p99 %.0f us -> %s%n",
            variant, result.mode, result.throughput, result.latencyUs.p50, result.latencyUs.p99, out);
        return 0;
    }

    /** Reads every pgbench log line's latency into {@code histogram} (microseconds); @return the failed or skipped. */
    private long readLogs(final Histogram histogram) throws IOException
    {
        long failed = 0;
        final List<Path> logs = logFiles();
        if (logs.isEmpty())
        {
            throw new IllegalArgumentException("no pgbench log files " + logPrefix + ".*");
        }
        for (final Path log : logs)
        {
            try (BufferedReader reader = Files.newBufferedReader(log))
            {
                for (String line = reader.readLine(); line != null; line = reader.readLine())
                {
                    final String[] f = line.split(" ");
                    if (f.length < 6)
                    {
                        continue;
                    }
                    if (f[2].equals("failed") || f[2].equals("skipped"))
                    {
                        failed++;
                        continue;
                    }
                    long us = Long.parseLong(f[2]);
                    if (f.length >= 7 && rate > 0)
                    {
                        us += Long.parseLong(f[6]);
                    }
                    histogram.recordValue(Math.max(1, Math.min(us, 3_600_000_000L)));
                }
            }
        }
        return failed;
    }

    RunResult convert() throws IOException
    {
        final String stdout = Files.readString(stdoutFile);
        final RunResult r = new RunResult();
        r.system = "postgresql";
        r.variant = variant;
        r.durabilityClass = durabilityClass;
        r.workload = workload;
        r.mode = rate > 0 ? "open" : "closed";
        r.arrival = rate > 0 ? "poisson" : null;
        r.connections = clients;
        r.offeredRate = rate;
        r.durationS = durationS;
        r.throughput = parse(TPS, stdout, "tps");
        r.latencyFrom = rate > 0 ? "scheduled start (pgbench --rate)" : "transaction start";
        r.tool = tool;
        r.command = command;
        r.startedAt = java.time.Instant.now().toString();

        final Histogram histogram = new Histogram(1, 3_600_000_000L, 3); // microseconds
        final long failed = readLogs(histogram);
        r.requests = histogram.getTotalCount();
        r.latencyUs = latencyOfMicros(histogram);
        r.statuses.put("committed", histogram.getTotalCount());
        if (failed > 0)
        {
            r.statuses.put("failed", failed);
        }
        final Matcher failedLine = FAILED.matcher(stdout);
        if (failedLine.find() && Long.parseLong(failedLine.group(1)) > 0)
        {
            r.notes.add("pgbench reported " + failedLine.group(1) + " failed transactions");
        }
        final Matcher skipped = SKIPPED.matcher(stdout);
        if (skipped.find() && Long.parseLong(skipped.group(1)) > 0)
        {
            r.notes.add("pgbench skipped " + skipped.group(1) + " transactions");
        }
        final Matcher processed = PROCESSED.matcher(stdout);
        if (processed.find())
        {
            r.notes.add("transactions processed: " + processed.group(1));
        }
        if (rate > 0 && r.throughput < 0.95 * rate)
        {
            r.notes.add(String.format(Locale.ROOT, "achieved %.0f/s of the %.0f/s offered: PostgreSQL saturated", r.throughput, rate));
        }
        for (final String check : checkList)
        {
            final int eq = check.indexOf('=');
            r.checks.put(eq < 0 ? check : check.substring(0, eq), eq < 0 ? "" : check.substring(eq + 1));
        }
        r.notes.addAll(noteList);
        return r;
    }

    private List<Path> logFiles() throws IOException
    {
        final Path dir = logPrefix.toAbsolutePath().getParent();
        final String name = logPrefix.getFileName().toString() + ".";
        final List<Path> logs = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(name)))
        {
            stream.forEach(logs::add);
        }
        logs.sort(null);
        return logs;
    }

    static RunResult.Latency latencyOfMicros(final Histogram histogram)
    {
        final RunResult.Latency latency = new RunResult.Latency();
        if (histogram.getTotalCount() > 0)
        {
            latency.p50 = histogram.getValueAtPercentile(50);
            latency.p90 = histogram.getValueAtPercentile(90);
            latency.p99 = histogram.getValueAtPercentile(99);
            latency.p999 = histogram.getValueAtPercentile(99.9);
            latency.max = histogram.getMaxValue();
            latency.mean = histogram.getMean();
        }
        return latency;
    }

    private static double parse(final Pattern pattern, final String text, final String what)
    {
        final Matcher m = pattern.matcher(text);
        if (!m.find())
        {
            throw new IllegalArgumentException("pgbench output has no " + what + " line");
        }
        return Double.parseDouble(m.group(1));
    }
}
