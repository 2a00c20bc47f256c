package io.ledger.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code redis-result}: turns one redis-benchmark run (its default, non-CSV output) into a {@link RunResult}.
 * Throughput, mean, p50, p99 and max come from its {@code Summary} block (redis-benchmark computes them with
 * HdrHistogram). It prints no p90 or p99.9: those are read from its two distribution lists
 * ({@code X% <= Y milliseconds}) as the smallest listed latency at or above that percentile, i.e. an upper bound
 * at the lists' resolution (0.1 ms buckets below 2 ms, coarser above); the result's notes say so.
 */
@Command(name = "redis-result", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Convert a redis-benchmark run (its standard output) into a result file.")
public final class RedisResultCommand implements Callable<Integer>
{
    private static final Pattern THROUGHPUT = Pattern.compile("throughput summary: ([0-9.]+) requests per second");
    private static final Pattern SUMMARY = Pattern.compile(
        "avg\\s+min\\s+p50\\s+p95\\s+p99\\s+max\\s*\\n\\s*([0-9.]+)\\s+([0-9.]+)\\s+([0-9.]+)\\s+([0-9.]+)\\s+([0-9.]+)\\s+([0-9.]+)");
    private static final Pattern POINT = Pattern.compile("^([0-9.]+)% <= ([0-9.]+) milliseconds", Pattern.MULTILINE);
    private static final Pattern COMPLETED = Pattern.compile("([0-9]+) requests completed in ([0-9.]+) seconds");

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "redis-benchmark's standard output.")
    Path output;

    @Option(names = "--variant", required = true)
    String variant;

    @Option(names = "--durability-class", required = true)
    String durabilityClass;

    @Option(names = "--workload", defaultValue = "purchase=100")
    String workload;

    @Option(names = "--clients", required = true)
    int clients;

    @Option(names = "--pipeline", defaultValue = "1")
    int pipeline;

    @Option(names = "--server-cpu-pct", defaultValue = "NaN",
        description = "redis-server's CPU in the run, % of one core (from /proc/PID/stat), if measured.")
    double serverCpuPct;

    @Option(names = "--repeat", defaultValue = "0", description = "Which repeat of a comparison this run is.")
    int repeat;

    @Option(names = "--elapsed-s", defaultValue = "0", description = "Wall time of the run, if redis-benchmark's own is missing.")
    double elapsedS;

    @Option(names = "--tool", defaultValue = "redis-benchmark")
    String tool;

    @Option(names = "--command", defaultValue = "")
    String command;

    @Option(names = "--check", description = "NAME=RESULT; repeatable.")
    List<String> checkList = new ArrayList<>();

    @Option(names = "--note", description = "Repeatable.")
    List<String> noteList = new ArrayList<>();

    @Option(names = {"-o", "--out"}, required = true)
    Path out;

    @Override
    public Integer call() throws IOException
    {
        final RunResult r = convert(Files.readString(output));
        r.write(out);
        System.err.printf(Locale.ROOT, "redis-result: %s: %,.0f req/s, p50 %.0f us, p99 %.0f us -> %s%n",
            variant, r.throughput, r.latencyUs.p50, r.latencyUs.p99, out);
        return 0;
    }

    RunResult convert(final String rawOutput)
    {
        // redis-benchmark redraws its progress line with carriage returns.
        final String text = rawOutput.replace('\r', '\n');
        final RunResult r = new RunResult();
        r.system = "redis";
        r.variant = variant;
        r.durabilityClass = durabilityClass;
        r.workload = workload;
        r.mode = "closed";
        r.connections = clients;
        r.pipeline = pipeline;
        r.latencyFrom = "send time";
        r.tool = tool;
        r.command = command;
        r.startedAt = Instant.now().toString();
        r.serverCpuPct = serverCpuPct;
        r.repeat = repeat;

        final Matcher throughput = THROUGHPUT.matcher(text);
        if (!throughput.find())
        {
            throw new IllegalArgumentException("redis-benchmark output has no 'throughput summary' line");
        }
        r.throughput = Double.parseDouble(throughput.group(1));
        final Matcher summary = SUMMARY.matcher(text);
        if (!summary.find())
        {
            throw new IllegalArgumentException("redis-benchmark output has no latency summary");
        }
        r.latencyUs.mean = ms(summary.group(1));
        r.latencyUs.p50 = ms(summary.group(3));
        r.latencyUs.p99 = ms(summary.group(5));
        r.latencyUs.max = ms(summary.group(6));

        final List<double[]> points = new ArrayList<>();
        final Matcher point = POINT.matcher(text);
        while (point.find())
        {
            points.add(new double[] {Double.parseDouble(point.group(1)), ms(point.group(2))});
        }
        r.latencyUs.p90 = upperBound(points, 90);
        r.latencyUs.p999 = upperBound(points, 99.9);
        r.notes.add("p90 and p99.9 are upper bounds read from redis-benchmark's latency distribution lists; " +
            "p50, p99, max and mean are its summary's");

        final Matcher completed = COMPLETED.matcher(text);
        if (completed.find())
        {
            r.requests = Long.parseLong(completed.group(1));
            r.durationS = Double.parseDouble(completed.group(2));
        }
        else
        {
            r.durationS = elapsedS;
        }
        r.statuses.put("ok", r.requests);
        for (final String check : checkList)
        {
            final int eq = check.indexOf('=');
            r.checks.put(eq < 0 ? check : check.substring(0, eq), eq < 0 ? "" : check.substring(eq + 1));
        }
        r.notes.addAll(noteList);
        return r;
    }

    /** @return the smallest latency listed at a cumulative percentage >= {@code percentile}, or NaN. */
    private static double upperBound(final List<double[]> points, final double percentile)
    {
        double best = Double.NaN;
        for (final double[] p : points)
        {
            if (p[0] >= percentile && (Double.isNaN(best) || p[1] < best))
            {
                best = p[1];
            }
        }
        return best;
    }

    private static double ms(final String text)
    {
        return Double.parseDouble(text) * 1000.0;
    }
}
