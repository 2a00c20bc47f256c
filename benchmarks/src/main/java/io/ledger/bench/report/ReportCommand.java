package io.ledger.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code report}: writes BENCHMARKS.md and its plot from one run's files: the result files of the HTTP load tool
 * and the baselines ({@code *.result.json}, {@link RunResult}), JMH's JSON results, and the machine description
 * and command log {@code benchmarks/run.sh} records. It measures nothing and knows no tool: every figure in the
 * report is copied or divided from those files, and every comparison is between runs of the same invocation.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Write BENCHMARKS.md and a throughput-vs-p99 plot (PNG) from one run's result files.")
public final class ReportCommand implements Callable<Integer>
{
    /** The targets (benchmarks issue): commands/s and ratios. */
    static final double TARGET_ENGINE_PROCESS = 2_000_000;
    static final double TARGET_ENGINE_FSYNC = 500_000;
    static final double TARGET_REPLAY = 5_000_000;
    static final double TARGET_VS_POSTGRES = 20;
    static final double TARGET_VS_REDIS = 2;

    @Option(names = "--results", required = true, paramLabel = "DIR", description = "Directory of *.result.json files.")
    Path resultsDir;

    @Option(names = "--jmh", paramLabel = "FILE", description = "JMH's JSON results (-rf json).")
    Path jmhFile;

    @Option(names = "--machine", paramLabel = "FILE", description = "key=value description of the machine and run (run.sh writes it).")
    Path machineFile;

    @Option(names = "--commands", paramLabel = "FILE", description = "The commands the run executed, one per line.")
    Path commandsFile;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The markdown to write, e.g. BENCHMARKS.md.")
    Path out;

    @Option(names = "--plot", paramLabel = "FILE", description = "The PNG to write; linked from the markdown (full layout; required there).")
    Path plot;

    @Option(names = "--layout", defaultValue = "full",
        description = "full: BENCHMARKS.md (engine, HTTP, baselines, targets, plot); edge: the request-path comparison of "
            + "benchmarks/run.sh --edge (bare Netty server, ledger, batches, Redis; ranges over repeats, per-repeat ratios), "
            + "also printed on stdout. Default: ${DEFAULT-VALUE}.")
    String layout;

    @Override
    public Integer call() throws IOException
    {
        final List<RunResult> results = readResults(resultsDir);
        final List<JmhResult> jmh = jmhFile != null && Files.exists(jmhFile) ? JmhResult.read(jmhFile) : List.of();
        final Properties machine = new Properties();
        if (machineFile != null && Files.exists(machineFile))
        {
            try (var reader = Files.newBufferedReader(machineFile))
            {
                machine.load(reader);
            }
        }
        final List<String> commands = commandsFile != null && Files.exists(commandsFile) ? Files.readAllLines(commandsFile) : List.of();
        if (layout.equals("edge"))
        {
            final String markdown = EdgeReport.markdown(results, machine, commands);
            Files.writeString(out, markdown);
            System.out.print(markdown);
            System.err.println("report: wrote " + out + " from " + results.size() + " result files");
            return 0;
        }
        if (!layout.equals("full"))
        {
            System.err.println("report: layout=" + layout + " must be full or edge");
            return 2;
        }
        if (plot == null)
        {
            System.err.println("report: --plot is required for the full layout");
            return 2;
        }
        writePlot(results, plot);
        final String markdown = markdown(results, jmh, machine, commands, out.toAbsolutePath().getParent().relativize(plot.toAbsolutePath()).toString());
        Files.writeString(out, markdown);
        System.err.println("report: wrote " + out + " and " + plot + " from " + results.size() + " result files and " + jmh.size() + " JMH results");
        return 0;
    }

    static List<RunResult> readResults(final Path dir) throws IOException
    {
        final List<RunResult> results = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.result.json"))
        {
            for (final Path file : files)
            {
                results.add(RunResult.read(file));
            }
        }
        results.sort(Comparator.comparing((RunResult r) -> order(r.system)).thenComparing(r -> nz(r.variant))
            .thenComparing(r -> nz(r.workload)).thenComparing(r -> r.mode.equals("open") ? 0 : 1).thenComparingDouble(r -> r.offeredRate));
        return results;
    }

    private static int order(final String system)
    {
        return switch (system)
        {
            case "ledger" -> 0;
            case "bare-netty" -> 1;
            case "postgresql" -> 2;
            case "redis" -> 3;
            default -> 4;
        };
    }

    /** One line of the plot: a system in one configuration on the purchase workload. */
    static String seriesName(final RunResult r)
    {
        return r.system + " (" + r.variant + ")";
    }

    static boolean comparable(final RunResult r)
    {
        return "purchase=100".equals(r.workload);
    }

    static void writePlot(final List<RunResult> results, final Path file) throws IOException
    {
        final XYChart chart = new XYChartBuilder().width(1000).height(700)
            .title("Purchases: throughput vs p99 latency (same machine, same run)")
            .xAxisTitle("throughput achieved (purchases/s, log)").yAxisTitle("p99 latency (ms, log)").build();
        final Styler styler = chart.getStyler();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(220, 220, 220));
        chart.getStyler().setMarkerSize(8);
        styler.setChartTitleFont(styler.getChartTitleFont().deriveFont(16f));
        final Map<String, List<RunResult>> bySeries = new LinkedHashMap<>();
        for (final RunResult r : results)
        {
            if (comparable(r) && r.throughput > 0 && r.latencyUs.p99 > 0)
            {
                bySeries.computeIfAbsent(seriesName(r), k -> new ArrayList<>()).add(r);
            }
        }
        if (bySeries.isEmpty())
        {
            chart.addSeries("no purchase-workload results", new double[] {1}, new double[] {1});
        }
        for (final Map.Entry<String, List<RunResult>> e : bySeries.entrySet())
        {
            final List<RunResult> points = e.getValue().stream().sorted(Comparator.comparingDouble(r -> r.throughput)).toList();
            final double[] x = points.stream().mapToDouble(r -> r.throughput).toArray();
            final double[] y = points.stream().mapToDouble(r -> r.latencyUs.p99 / 1000.0).toArray();
            final XYSeries series = chart.addSeries(e.getKey(), x, y);
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setLineStyle(new BasicStroke(2f));
        }
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        String name = file.toString();
        if (name.endsWith(".png"))
        {
            name = name.substring(0, name.length() - 4);
        }
        BitmapEncoder.saveBitmap(chart, name, BitmapEncoder.BitmapFormat.PNG);
    }

    // ------------------------------------------------------------------------------------------------ markdown

    static String markdown(final List<RunResult> results, final List<JmhResult> jmh, final Properties machine,
        final List<String> commands, final String plotLink)
    {
        final StringBuilder md = new StringBuilder();
        final boolean quick = "quick".equals(machine.getProperty("mode"));
        md.append("# Benchmarks\n\n");
        if (quick)
        {
            md.append("> **QUICK RUN (`benchmarks/run.sh --quick`) of ").append(machine.getProperty("date", "unknown date"))
                .append(".** Seconds-long runs with small populations, to check that everything works end to end. "
                    + "These figures are not the project's published results: run `benchmarks/run.sh` (full length) for those.\n\n");
        }
        else
        {
            md.append("Measured by `benchmarks/run.sh` on ").append(machine.getProperty("date", "an unknown date"))
                .append(". Every figure below comes from that one run on one machine; every ratio divides two figures of the same run.\n\n");
        }
        machineSection(md, machine);
        targetsSection(md, results, jmh);
        httpSection(md, results, plotLink);
        ratiosSection(md, results);
        jmhSection(md, jmh);
        notesSection(md, results, machine);
        commandsSection(md, commands, results);
        return md.toString();
    }

    static void machineSection(final StringBuilder md, final Properties m)
    {
        md.append("## Machine and versions\n\n| | |\n|---|---|\n");
        row(md, "CPU", m.getProperty("cpu", "?") + " (" + m.getProperty("cores", "?") + " cores)");
        row(md, "Memory", m.getProperty("ram", "?"));
        row(md, "Kernel / OS", m.getProperty("kernel", "?") + " / " + m.getProperty("os", "?"));
        row(md, "Disk of the temporary directories", m.getProperty("filesystem", "?"));
        row(md, "JDK", m.getProperty("jdk", "?"));
        row(md, "PostgreSQL", m.getProperty("postgresql", "not run"));
        row(md, "Redis", m.getProperty("redis", "not run") + (m.containsKey("redis.mechanism") ? ", purchase via " + m.getProperty("redis.mechanism") : ""));
        row(md, "ledger commit", m.getProperty("git", "?"));
        row(md, "Load average before the run", m.getProperty("loadavg", "?"));
        row(md, "Run", "`" + m.getProperty("command", "benchmarks/run.sh") + "`, " + m.getProperty("elapsed", "?"));
        md.append('\n');
        md.append("The load generator, the server under test and the baselines all run on this machine, one after the "
            + "other; the load generator shares the cores with the server it measures (loopback only).\n\n");
    }

    private static void row(final StringBuilder md, final String key, final String value)
    {
        md.append("| ").append(key).append(" | ").append(value.replace("|", "\\|")).append(" |\n");
    }

    /** The engine benchmarks' rows of the targets table (JMH): pipelines, replay, allocation. */
    private static void engineTargets(final StringBuilder md, final List<JmhResult> jmh)
    {
        // ".PipelineBenchmark": "LoopPipelineBenchmark..." also ends with "PipelineBenchmark..."
        final JmhResult process = best(jmh, ".PipelineBenchmark.publishAndAwaitReplies", "journal", "process");
        final JmhResult fsync = best(jmh, ".PipelineBenchmark.publishAndAwaitReplies", "journal", "fsync");
        final JmhResult loop = bestWhere(jmh, ".LoopPipelineBenchmark.publishAndAwaitReplies", Map.of("journal", "process", "round", "32"));
        target(md, "Full engine path (ring + journal + apply), `process`, the ledger's own thread: >= 2M commands/s", process,
            process == null ? Double.NaN : process.score, TARGET_ENGINE_PROCESS);
        if (loop != null)
        {
            target(md, "Full engine path as the server runs it by default (one event loop: ring + journal + apply + replies, "
                + "rounds of 32), `process`: >= 2M commands/s", loop, loop.score, TARGET_ENGINE_PROCESS);
        }
        target(md, "Full engine path, `fsync` group commit: >= 500k commands/s", fsync,
            fsync == null ? Double.NaN : fsync.score, TARGET_ENGINE_FSYNC);
        final JmhResult replayApply = best(jmh, "JournalBenchmark.replayIntoLedger", null, null);
        final JmhResult replayRead = best(jmh, "JournalBenchmark.replay", null, null);
        if (replayApply != null)
        {
            final double v = replayApply.secondary.getOrDefault("records", Double.NaN);
            md.append("| Replay (read, verify, decode and apply into a fresh ledger): >= 5M commands/s | ")
                .append(fmtRate(v)).append(" (`JournalBenchmark.replayIntoLedger`)")
                .append(replayRead == null ? "" : "; read and decode only: " + fmtRate(replayRead.secondary.getOrDefault("records", Double.NaN)))
                .append(" | ").append(met(v >= TARGET_REPLAY, v)).append(" |\n");
        }
        final JmhResult alloc = best(jmh, "LedgerApplyBenchmark.purchase", null, null);
        if (alloc != null && alloc.secondary.containsKey("gc.alloc.rate.norm"))
        {
            final double bytes = alloc.secondary.get("gc.alloc.rate.norm");
            final JmhResult refused = best(jmh, "LedgerApplyBenchmark.purchaseRefused", null, null);
            md.append("| Zero bytes allocated per command on the ledger thread | ")
                .append(String.format(Locale.ROOT, "%.2f B/op accepted purchase", bytes))
                .append(refused != null && refused.secondary.containsKey("gc.alloc.rate.norm")
                    ? String.format(Locale.ROOT, ", %.2f B/op refused purchase", refused.secondary.get("gc.alloc.rate.norm")) : "")
                .append(" (`LedgerApplyBenchmark`, `-prof gc`) | ").append(met(bytes < 0.5, bytes)).append(" |\n");
        }
        else
        {
            md.append("| Zero bytes allocated per command on the ledger thread | not measured (run JMH with `-prof gc`) | ? |\n");
        }
        final StringBuilder perType = new StringBuilder();
        double worst = Double.NaN;
        for (final String name : List.of("purchase", "transfer", "payIn", "payout"))
        {
            final JmhResult r = best(jmh, ".LedgerApplyBenchmark." + name, null, null);
            final Double bytes = r == null ? null : r.secondary.get("gc.alloc.rate.norm");
            if (bytes == null)
            {
                worst = Double.NaN;
                perType.setLength(0);
                break;
            }
            worst = Double.isNaN(worst) ? bytes : Math.max(worst, bytes);
            perType.append(perType.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2f", name, bytes));
        }
        if (perType.length() > 0)
        {
            md.append("| Under 1 B/op on the ledger thread for accepted purchase, transfer, pay-in and payout | ")
                .append(perType).append(" B/op (`LedgerApplyBenchmark`, `-prof gc`) | ").append(met(worst < 1.0, worst)).append(" |\n");
        }
    }

    private static void targetsSection(final StringBuilder md, final List<RunResult> results, final List<JmhResult> jmh)
    {
        md.append("## The issue's targets\n\n| Target | Measured | Met |\n|---|---|---|\n");
        engineTargets(md, jmh);
        final RunResult ledgerFsync = closed(results, "ledger", "fsync");
        final RunResult ledgerProcess = closed(results, "ledger", "process");
        for (final RunResult pg : results)
        {
            if (pg.system.equals("postgresql") && pg.mode.equals("closed") && pg.variant.startsWith("synchronous_commit=on"))
            {
                final double ratio = ratio(ledgerFsync, pg);
                md.append("| HTTP purchases, ledger `fsync` vs PostgreSQL `").append(pg.variant).append("`: >= 20x | ")
                    .append(ratioText(ratio, ledgerFsync, pg)).append(" | ").append(met(ratio >= TARGET_VS_POSTGRES, ratio)).append(" |\n");
            }
        }
        for (final RunResult redis : results)
        {
            if (redis.system.equals("redis") && redis.mode.equals("closed"))
            {
                final double ratio = ratio(ledgerProcess, redis);
                md.append("| HTTP purchases, ledger `process` vs Redis + Lua (`").append(redis.variant).append("`): >= 2x | ")
                    .append(ratioText(ratio, ledgerProcess, redis)).append(" | ").append(met(ratio >= TARGET_VS_REDIS, ratio)).append(" |\n");
                if (ledgerProcess != null)
                {
                    final boolean ok = ledgerProcess.latencyUs.p99 <= redis.latencyUs.p99;
                    md.append("| ... at a p99 no worse than Redis's (both closed loop, ").append(redis.connections)
                        .append(" connections; redis-benchmark cannot hold a fixed rate) | ledger ").append(fmtMs(ledgerProcess.latencyUs.p99))
                        .append(" vs Redis ").append(fmtMs(redis.latencyUs.p99)).append(" | ").append(met(ok, 1)).append(" |\n");
                }
            }
        }
        for (final RunResult pg : results)
        {
            if (pg.system.equals("postgresql") && pg.mode.equals("open") && pg.variant.startsWith("synchronous_commit=on"))
            {
                final RunResult mine = open(results, "ledger", "fsync", pg.offeredRate);
                if (mine != null)
                {
                    final boolean ok = mine.latencyUs.p99 <= pg.latencyUs.p99;
                    md.append(String.format(Locale.ROOT, "| ... p99 no worse than PostgreSQL `%s` at the same offered rate, %,.0f/s | ledger `fsync` %s vs %s | %s |\n",
                        pg.variant, pg.offeredRate, fmtMs(mine.latencyUs.p99), fmtMs(pg.latencyUs.p99), met(ok, 1)));
                }
            }
        }
        md.append('\n');
    }

    private static String met(final boolean ok, final double value)
    {
        return Double.isNaN(value) ? "not measured" : ok ? "yes" : "**no**";
    }

    private static void target(final StringBuilder md, final String text, final JmhResult r, final double value, final double target)
    {
        md.append("| ").append(text).append(" | ");
        if (r == null)
        {
            md.append("not measured | ? |\n");
            return;
        }
        md.append(fmtRate(value)).append(" (`").append(r.shortName()).append(" ").append(r.paramsText()).append("`) | ")
            .append(met(value >= target, value)).append(" |\n");
    }

    private static void httpSection(final StringBuilder md, final List<RunResult> results, final String plotLink)
    {
        md.append("## HTTP purchases and the baselines\n\n");
        md.append("Same purchase on every system: debit a random customer (only if the balance covers it), credit the one "
            + "merchant, record the transaction; same number of customers, same amount, same client concurrency. "
            + "The ledger is driven over HTTP/1.1 by the project's load tool (`benchmarks.jar load`), PostgreSQL by pgbench, "
            + "Redis by redis-benchmark. Closed loop = as fast as the connections allow; open loop = a fixed offered rate, "
            + "latency from the intended (scheduled) send time, so a stall is charged to every request it delays.\n\n");
        md.append("![throughput vs p99](").append(plotLink).append(")\n\n");
        md.append("| System | Configuration | Durability | Workload | Loop | Conns | Offered/s | Achieved/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | Checks |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (final RunResult r : results)
        {
            md.append("| ").append(r.system).append(" | ").append(nz(r.variant)).append(" | ").append(durability(r))
                .append(" | ").append(nz(r.workload)).append(" | ").append(r.mode).append(r.arrival == null ? "" : " (" + r.arrival + ")")
                .append(" | ").append(r.connections).append(r.pipeline > 1 ? " x" + r.pipeline : "")
                .append(" | ").append(r.offeredRate > 0 ? String.format(Locale.ROOT, "%,.0f", r.offeredRate) : "-")
                .append(" | ").append(String.format(Locale.ROOT, "%,.0f", r.throughput))
                .append(" | ").append(ms(r.latencyUs.p50)).append(" | ").append(ms(r.latencyUs.p90)).append(" | ").append(ms(r.latencyUs.p99))
                .append(" | ").append(ms(r.latencyUs.p999)).append(" | ").append(ms(r.latencyUs.max))
                .append(" | ").append(r.checks.isEmpty() ? "-" : r.checksPassed() ? "ok" : "**FAILED**").append(" |\n");
        }
        md.append("\nDurability classes: **process** = an acknowledged purchase survives a crash of the server process "
            + "(ledger `process`: journal in the page cache; Redis `appendfsync everysec`: AOF written before the reply, "
            + "fsynced each second; PostgreSQL `synchronous_commit=off`: WAL flushed within about 3 x 200 ms, and a crash "
            + "can lose the last of it, so it is weaker). **fsync** = it survives power loss (ledger `fsync` group commit; "
            + "PostgreSQL `synchronous_commit=on`).\n\n");
        final List<RunResult> mixed = results.stream().filter(r -> r.system.equals("ledger") && !comparable(r)).toList();
        for (final RunResult r : mixed)
        {
            md.append("Mixed workload, ledger `").append(r.variant).append("`, ").append(r.mode).append(" loop, `").append(r.workload)
                .append("`: ").append(String.format(Locale.ROOT, "%,.0f", r.throughput)).append(" replies/s\n\n");
            md.append("| Operation | Replies | Statuses | p50 ms | p99 ms | p99.9 ms |\n|---|---|---|---|---|---|\n");
            for (final Map.Entry<String, RunResult.OperationResult> e : r.byOperation.entrySet())
            {
                final RunResult.OperationResult op = e.getValue();
                md.append("| ").append(e.getKey()).append(" | ").append(String.format(Locale.ROOT, "%,d", op.count)).append(" | ")
                    .append(op.statuses.entrySet().stream().map(s -> s.getKey() + ": " + String.format(Locale.ROOT, "%,d", s.getValue()))
                        .collect(Collectors.joining(", ")))
                    .append(" | ").append(ms(op.latencyUs.p50)).append(" | ").append(ms(op.latencyUs.p99)).append(" | ").append(ms(op.latencyUs.p999)).append(" |\n");
            }
            md.append('\n');
        }
    }

    private static void ratiosSection(final StringBuilder md, final List<RunResult> results)
    {
        md.append("## Ratios against each baseline\n\n");
        md.append("Closed loop, same concurrency: ledger throughput / baseline throughput, and p99 side by side.\n\n");
        md.append("| Ledger | Baseline | Throughput ratio | p99 ledger | p99 baseline |\n|---|---|---|---|---|\n");
        boolean any = false;
        for (final String variant : List.of("process", "fsync"))
        {
            final RunResult mine = closed(results, "ledger", variant);
            if (mine == null)
            {
                continue;
            }
            for (final RunResult base : results)
            {
                if (!base.system.equals("ledger") && base.mode.equals("closed"))
                {
                    any = true;
                    md.append("| `").append(variant).append("` | ").append(base.system).append(" `").append(base.variant).append("` | ")
                        .append(String.format(Locale.ROOT, "%.1fx", ratio(mine, base))).append(" | ").append(fmtMs(mine.latencyUs.p99))
                        .append(" | ").append(fmtMs(base.latencyUs.p99)).append(" |\n");
                }
            }
        }
        if (!any)
        {
            md.append("| - | - | no closed-loop pairs in this run | | |\n");
        }
        md.append("\nOpen loop, same offered rate (both Poisson arrivals, latency from the scheduled time): p99 ledger / p99 baseline "
            + "(below 1 = the ledger is faster).\n\n| Offered/s | Ledger | Baseline | p99 ledger | p99 baseline | ratio | achieved ledger / baseline |\n|---|---|---|---|---|---|---|\n");
        any = false;
        for (final RunResult base : results)
        {
            if (base.system.equals("ledger") || !base.mode.equals("open"))
            {
                continue;
            }
            for (final String variant : List.of("process", "fsync"))
            {
                final RunResult mine = open(results, "ledger", variant, base.offeredRate);
                if (mine != null)
                {
                    any = true;
                    md.append(String.format(Locale.ROOT, "| %,.0f | `%s` | %s `%s` | %s | %s | %.2f | %,.0f / %,.0f |\n", base.offeredRate, variant,
                        base.system, base.variant, fmtMs(mine.latencyUs.p99), fmtMs(base.latencyUs.p99),
                        mine.latencyUs.p99 / base.latencyUs.p99, mine.throughput, base.throughput));
                }
            }
        }
        if (!any)
        {
            md.append("| - | | | | | no open-loop pairs in this run | |\n");
        }
        md.append('\n');
    }

    private static void jmhSection(final StringBuilder md, final List<JmhResult> jmh)
    {
        md.append("## Engine benchmarks (JMH)\n\n");
        if (jmh.isEmpty())
        {
            md.append("No JMH results in this run.\n\n");
            return;
        }
        md.append("One op = one command (one record for the journal benchmarks; one replay of the whole journal for `replay*`, "
            + "whose `records` column is records/s). `B/op` is `gc.alloc.rate.norm` from `-prof gc`: on JDK 17 JMH sums the "
            + "allocation of every live thread of the fork, so for `PipelineBenchmark` it includes the pipeline's journal, apply "
            + "and reply threads, and for every benchmark it includes set-up work done inside an iteration (the periodic "
            + "rebuild of the ledger that bounds the heap). `LedgerApplyBenchmark.purchaseRefused` never rebuilds: it is the "
            + "clean figure for the ledger thread's own allocation.\n\n");
        md.append("| Benchmark | Parameters | Score | Error (99.9%) | Unit | records/s | B/op |\n|---|---|---|---|---|---|---|\n");
        for (final JmhResult r : jmh)
        {
            md.append("| ").append(r.shortName()).append(" | ").append(r.paramsText()).append(" | ")
                .append(score(r.score)).append(" | ")
                .append(Double.isNaN(r.error) ? "-" : score(r.error)).append(" | ").append(r.unit).append(" | ")
                .append(r.secondary.containsKey("records") ? fmtRate(r.secondary.get("records")) : "-").append(" | ")
                .append(r.secondary.containsKey("gc.alloc.rate.norm") ? String.format(Locale.ROOT, "%,.2f", r.secondary.get("gc.alloc.rate.norm")) : "-")
                .append(" |\n");
        }
        md.append('\n');
    }

    private static void notesSection(final StringBuilder md, final List<RunResult> results, final Properties machine)
    {
        md.append("## Notes, and why targets are missed\n\n");
        final String notes = machine.getProperty("notes", "");
        for (final String note : notes.split("\\\\n|\n"))
        {
            if (!note.isBlank())
            {
                md.append("- ").append(note.strip()).append('\n');
            }
        }
        md.append("\nCPU in each ledger run's window (100% = one core; the machine has ").append(machine.getProperty("cores", "?"))
            .append(" cores, shared by the server, the load tool and anything else running):\n\n")
            .append("| Run | Achieved/s | Server CPU | Load tool CPU | Server CPU per 1,000 replies/s |\n|---|---|---|---|---|\n");
        for (final RunResult r : results)
        {
            if (!Double.isNaN(r.serverCpuPct) || !Double.isNaN(r.clientCpuPct))
            {
                md.append(String.format(Locale.ROOT, "| %s `%s` %s %s%s | %,.0f | %.0f%% | %.0f%% | %.1f%% |%n",
                    r.system, r.variant, r.workload, r.mode, r.offeredRate > 0 ? String.format(Locale.ROOT, " %,.0f/s", r.offeredRate) : "",
                    r.throughput, r.serverCpuPct, r.clientCpuPct, r.serverCpuPct * 1000 / r.throughput));
            }
        }
        md.append("\nPer-run notes and checks, as the tools wrote them:\n\n");
        for (final RunResult r : results)
        {
            final String title = r.system + " `" + r.variant + "` " + r.workload + " " + r.mode
                + (r.offeredRate > 0 ? String.format(Locale.ROOT, " %,.0f/s", r.offeredRate) : "");
            md.append("- ").append(title).append(": ");
            final List<String> items = new ArrayList<>();
            r.checks.forEach((k, v) -> items.add("check " + k + ": " + v));
            items.addAll(r.notes);
            md.append(items.isEmpty() ? "-" : String.join("; ", items).replace("|", "\\|")).append('\n');
        }
        md.append('\n');
    }

    private static void commandsSection(final StringBuilder md, final List<String> commands, final List<RunResult> results)
    {
        md.append("## How to reproduce\n\n```sh\n").append("benchmarks/run.sh            # everything, full length (about 30 min)\n")
            .append("benchmarks/run.sh --quick    # a 2-3 minute sanity run\n```\n\n");
        if (!commands.isEmpty())
        {
            md.append("Commands this run executed (`<tmp>`, `<port>`: its temporary directory and ports):\n\n```sh\n");
            commands.forEach(c -> md.append(c).append('\n'));
            md.append("```\n\n");
        }
        md.append("Each result file records the command that produced it:\n\n```sh\n");
        for (final RunResult r : results)
        {
            if (r.command != null && !r.command.isBlank())
            {
                md.append(r.command).append('\n');
            }
        }
        md.append("```\n");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static RunResult closed(final List<RunResult> results, final String system, final String variant)
    {
        return results.stream().filter(r -> r.system.equals(system) && variant.equals(r.variant) && r.mode.equals("closed") && comparable(r))
            .findFirst().orElse(null);
    }

    static RunResult open(final List<RunResult> results, final String system, final String variant, final double rate)
    {
        return results.stream().filter(r -> r.system.equals(system) && variant.equals(r.variant) && r.mode.equals("open")
            && comparable(r) && Math.abs(r.offeredRate - rate) < 0.5).findFirst().orElse(null);
    }

    private static double ratio(final RunResult mine, final RunResult base)
    {
        return mine == null || base == null || base.throughput <= 0 ? Double.NaN : mine.throughput / base.throughput;
    }

    private static String ratioText(final double ratio, final RunResult mine, final RunResult base)
    {
        if (Double.isNaN(ratio))
        {
            return "not measured";
        }
        return String.format(Locale.ROOT, "%.1fx (%,.0f vs %,.0f purchases/s, %d connections)", ratio, mine.throughput, base.throughput, base.connections);
    }

    private static JmhResult best(final List<JmhResult> jmh, final String name, final String param, final String value)
    {
        return jmh.stream().filter(r -> r.benchmark.endsWith(name) && (param == null || value.equals(r.params.get(param))))
            .max(Comparator.comparingDouble(r -> r.score)).orElse(null);
    }

    private static JmhResult bestWhere(final List<JmhResult> jmh, final String name, final Map<String, String> params)
    {
        return jmh.stream().filter(r -> r.benchmark.endsWith(name) && params.entrySet().stream()
                .allMatch(p -> p.getValue().equals(r.params.get(p.getKey()))))
            .max(Comparator.comparingDouble(r -> r.score)).orElse(null);
    }

    private static String score(final double value)
    {
        return Math.abs(value) < 100 ? String.format(Locale.ROOT, "%.3f", value) : String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String durability(final RunResult r)
    {
        return r.durabilityClass == null ? "-" : r.durabilityClass;
    }

    private static String ms(final double us)
    {
        if (Double.isNaN(us))
        {
            return "-";
        }
        final double ms = us / 1000.0;
        return ms < 10 ? String.format(Locale.ROOT, "%.2f", ms) : ms < 100 ? String.format(Locale.ROOT, "%.1f", ms) : String.format(Locale.ROOT, "%,.0f", ms);
    }

    private static String fmtMs(final double us)
    {
        return ms(us) + " ms";
    }

    static String fmtRate(final double perS)
    {
        if (Double.isNaN(perS))
        {
            return "-";
        }
        return perS >= 1e6 ? String.format(Locale.ROOT, "%.2fM/s", perS / 1e6) : String.format(Locale.ROOT, "%,.0fk/s", perS / 1e3);
    }

    private static String nz(final String s)
    {
        return s == null ? "" : s;
    }
}
