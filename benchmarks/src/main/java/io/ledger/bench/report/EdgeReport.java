package io.ledger.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The request-path comparison ({@code benchmarks/run.sh --edge}): the ledger against the transport floor (the bare
 * Netty server) and Redis + Lua, from one run's result files. Runs repeat, interleaved; each figure is shown as the
 * median and the range over the repeats, and each ratio is taken within one repeat (the ledger's run divided by
 * the bare server's or Redis's run of the same repeat and connection count) before its range is shown. Nothing here
 * measures: every number is copied or divided from the result files.
 */
final class EdgeReport
{
    /** The targets for the request path. */
    static final double TARGET_PROCESS_VS_BARE = 0.8;
    static final double TARGET_PROCESS_VS_REDIS = 1.0;
    static final double TARGET_CPU_US_PER_PURCHASE = 25;
    static final double TARGET_FSYNC_VS_BARE = 0.6;
    static final double TARGET_P99_VS_BARE_LOW_LOAD = 1.5;
    static final double TARGET_OPEN_P99_PROCESS_US = 1_000;
    static final double TARGET_OPEN_P99_FSYNC_US = 2_000;
    static final double TARGET_BATCH100_PER_S = 500_000;
    static final double TARGET_BATCH100_VS_REDIS_PIPELINED = 5;
    static final int OPEN_RATE_TARGET = 2_000;

    private EdgeReport()
    {
    }

    /** One line of a table: a system in one configuration, at one connection count (and rate, for an open loop). */
    record Row(String system, String config, int connections, String mode, double rate)
    {
        static Row of(final RunResult r)
        {
            return new Row(r.system, EdgeReport.config(r), r.connections, r.mode, r.mode.equals("open") ? r.offeredRate : 0);
        }
    }

    static String config(final RunResult r)
    {
        return switch (r.system)
        {
            case "redis" -> "Lua, -P " + r.pipeline;
            case "ledger" -> r.variant + (r.batch > 1 ? ", batches of " + r.batch : "");
            default -> nz(r.variant);
        };
    }

    private static int systemOrder(final RunResult r)
    {
        return switch (r.system)
        {
            case "bare-netty" -> 0;
            case "ledger" -> r.batch > 1 ? 3 : "process".equals(r.variant) ? 1 : 2;
            case "redis" -> 4;
            default -> 5;
        };
    }

    static String markdown(final List<RunResult> all, final Properties machine, final List<String> commands)
    {
        final List<RunResult> results = all.stream().filter(r -> "purchase=100".equals(r.workload)).sorted(
            Comparator.comparingInt(EdgeReport::systemOrder).thenComparing(EdgeReport::config).thenComparingInt(r -> r.pipeline)
                .thenComparingInt(r -> r.repeat)).toList();
        final StringBuilder md = new StringBuilder();
        final TreeSet<Integer> repeats = new TreeSet<>();
        results.forEach(r -> repeats.add(r.repeat));
        md.append("# The request path against the transport\n\n");
        md.append("Measured by `").append(machine.getProperty("command", "benchmarks/run.sh --edge")).append("` on ")
            .append(machine.getProperty("date", "an unknown date")).append(": ").append(repeats.size())
            .append(" interleaved repeat(s), each running every system once. A figure is the median over the repeats with the range "
                + "(min-max) beside it; a ratio is taken within each repeat (same repeat, same connection count) and then its range "
                + "is shown. Throughput is purchases/s (a batch request counts its purchases). Server CPU is the server process's "
                + "user + system time in the measurement window per purchase (/proc/PID/stat). The load tool (one client thread; "
            + "redis-benchmark for Redis) shares the cores: where its CPU nears 100% of a core, the client, not the server, "
            + "limits that row (most likely the bare server's).\n\n");
        ReportCommand.machineSection(md, machine);
        md.append("| Load average | before ").append(machine.getProperty("loadavg", "?")).append(", after ")
            .append(machine.getProperty("loadavg.after", "?")).append(" |\n\n");
        targets(md, results);
        final TreeSet<Integer> connections = new TreeSet<>();
        results.stream().filter(r -> r.mode.equals("closed")).forEach(r -> connections.add(r.connections));
        for (final int c : connections)
        {
            closedTable(md, results, c);
        }
        openTable(md, results);
        notes(md, results, machine);
        md.append("## How to reproduce\n\n```sh\nbenchmarks/run.sh --edge                # ").append(repeats.size())
            .append(" repeat(s) as above\nbenchmarks/run.sh --edge --repeats 5 --edge-connections 4,32 --edge-rates 2000,5000\n```\n\n");
        if (!commands.isEmpty())
        {
            md.append("Commands this run executed (`<port>`, `<pid>`, `<work>`: its ports, server processes and scratch directory):\n\n```sh\n");
            commands.forEach(c -> md.append(c).append('\n'));
            md.append("```\n");
        }
        return md.toString();
    }

    // ------------------------------------------------------------------------------------------------ tables

    private static void closedTable(final StringBuilder md, final List<RunResult> results, final int connections)
    {
        md.append("## Closed loop, ").append(connections).append(" connection").append(connections == 1 ? "" : "s").append("\n\n");
        md.append("| System | Configuration | Purchases/s | p50 ms | p99 ms | p99.9 ms | Server CPU us/purchase | Load tool CPU | x bare Netty | x Redis -P 1 | x Redis -P 16 | Checks |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        final Map<Row, List<RunResult>> rows = group(results.stream().filter(r -> r.mode.equals("closed") && r.connections == connections).toList());
        for (final Map.Entry<Row, List<RunResult>> e : rows.entrySet())
        {
            final List<RunResult> runs = e.getValue();
            md.append("| ").append(e.getKey().system()).append(" | ").append(e.getKey().config()).append(" | ")
                .append(range(runs, r -> r.throughput, EdgeReport::count)).append(" | ")
                .append(range(runs, r -> r.latencyUs.p50, EdgeReport::ms)).append(" | ")
                .append(range(runs, r -> r.latencyUs.p99, EdgeReport::ms)).append(" | ")
                .append(range(runs, r -> r.latencyUs.p999, EdgeReport::ms)).append(" | ")
                .append(range(runs, RunResult::serverCpuUsPerOp, EdgeReport::us)).append(" | ")
                .append(range(runs, r -> r.clientCpuPct, EdgeReport::pct)).append(" | ")
                .append(ratioRange(runs, results, EdgeReport::bare, r -> r.throughput)).append(" | ")
                .append(ratioRange(runs, results, (all, r) -> redis(all, r, 1), r -> r.throughput)).append(" | ")
                .append(ratioRange(runs, results, (all, r) -> redis(all, r, 16), r -> r.throughput)).append(" | ")
                .append(checks(runs)).append(" |\n");
        }
        md.append("\np99 against the bare server's p99 (same repeat, same connections; below 1.0 would be faster than the transport alone):\n\n");
        md.append("| System | Configuration | p99 / bare p99 |\n|---|---|---|\n");
        for (final Map.Entry<Row, List<RunResult>> e : rows.entrySet())
        {
            if (!e.getKey().system().equals("bare-netty"))
            {
                md.append("| ").append(e.getKey().system()).append(" | ").append(e.getKey().config()).append(" | ")
                    .append(ratioRange(e.getValue(), results, EdgeReport::bare, r -> r.latencyUs.p99)).append(" |\n");
            }
        }
        md.append('\n');
    }

    private static void openTable(final StringBuilder md, final List<RunResult> results)
    {
        final Map<Row, List<RunResult>> rows = group(results.stream().filter(r -> r.mode.equals("open")).toList());
        if (rows.isEmpty())
        {
            return;
        }
        md.append("## Open loop (fixed offered rate, Poisson arrivals, latency from the intended send time)\n\n");
        md.append("| Offered/s | System | Configuration | Conns | Achieved/s | p50 ms | p99 ms | p99.9 ms | max ms | Server CPU us/purchase | p99 / bare p99 |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        final List<Map.Entry<Row, List<RunResult>>> sorted = new ArrayList<>(rows.entrySet());
        sorted.sort(Comparator.comparingDouble((Map.Entry<Row, List<RunResult>> e) -> e.getKey().rate()));
        for (final Map.Entry<Row, List<RunResult>> e : sorted)
        {
            final List<RunResult> runs = e.getValue();
            md.append(String.format(Locale.ROOT, "| %,.0f | ", e.getKey().rate())).append(e.getKey().system()).append(" | ")
                .append(e.getKey().config()).append(" | ").append(e.getKey().connections()).append(" | ")
                .append(range(runs, r -> r.throughput, EdgeReport::count)).append(" | ")
                .append(range(runs, r -> r.latencyUs.p50, EdgeReport::ms)).append(" | ")
                .append(range(runs, r -> r.latencyUs.p99, EdgeReport::ms)).append(" | ")
                .append(range(runs, r -> r.latencyUs.p999, EdgeReport::ms)).append(" | ")
                .append(range(runs, r -> r.latencyUs.max, EdgeReport::ms)).append(" | ")
                .append(range(runs, RunResult::serverCpuUsPerOp, EdgeReport::us)).append(" | ")
                .append(e.getKey().system().equals("bare-netty") ? "-" : ratioRange(runs, results, EdgeReport::bare, r -> r.latencyUs.p99))
                .append(" |\n");
        }
        md.append('\n');
    }

    /** The done-when lines that this comparison can decide, each evaluated in every repeat. */
    private static void targets(final StringBuilder md, final List<RunResult> results)
    {
        final int high = results.stream().filter(r -> r.mode.equals("closed")).mapToInt(r -> r.connections).max().orElse(32);
        final int low = results.stream().filter(r -> r.mode.equals("closed")).mapToInt(r -> r.connections).min().orElse(4);
        md.append("## The issue's targets, per repeat\n\n");
        md.append("Each cell lists the value of every repeat, in repeat order; **met** only when every repeat meets it.\n\n");
        md.append("| Target | Per repeat | Met |\n|---|---|---|\n");
        final List<RunResult> process = closedRuns(results, "process", 1, high);
        final List<RunResult> fsync = closedRuns(results, "fsync", 1, high);
        target(md, String.format(Locale.ROOT, "Unbatched, `process`, %d connections: >= %.1fx the bare Netty server's purchases/s", high, TARGET_PROCESS_VS_BARE),
            ratios(process, results, EdgeReport::bare, r -> r.throughput), v -> v >= TARGET_PROCESS_VS_BARE, "%.2fx");
        target(md, String.format(Locale.ROOT, "... and >= %.1fx Redis + Lua unpipelined", TARGET_PROCESS_VS_REDIS),
            ratios(process, results, (all, r) -> redis(all, r, 1), r -> r.throughput), v -> v >= TARGET_PROCESS_VS_REDIS, "%.2fx");
        target(md, String.format(Locale.ROOT, "... server CPU per purchase <= %.0f us", TARGET_CPU_US_PER_PURCHASE),
            process.stream().map(RunResult::serverCpuUsPerOp).toList(), v -> v <= TARGET_CPU_US_PER_PURCHASE, "%.1f us");
        target(md, String.format(Locale.ROOT, "`fsync`, %d connections: >= %.1fx the bare Netty server's purchases/s", high, TARGET_FSYNC_VS_BARE),
            ratios(fsync, results, EdgeReport::bare, r -> r.throughput), v -> v >= TARGET_FSYNC_VS_BARE, "%.2fx");
        target(md, String.format(Locale.ROOT, "Low load: p99 at %d connections, `process`, <= %.1fx the bare server's p99", low, TARGET_P99_VS_BARE_LOW_LOAD),
            ratios(closedRuns(results, "process", 1, low), results, EdgeReport::bare, r -> r.latencyUs.p99), v -> v <= TARGET_P99_VS_BARE_LOW_LOAD, "%.2fx");
        target(md, String.format(Locale.ROOT, "Open loop %,d purchases/s: p99 < %.0f ms in `process`", OPEN_RATE_TARGET, TARGET_OPEN_P99_PROCESS_US / 1000),
            openRuns(results, "process").stream().map(r -> r.latencyUs.p99 / 1000).toList(), v -> v < TARGET_OPEN_P99_PROCESS_US / 1000, "%.2f ms");
        target(md, String.format(Locale.ROOT, "... p99 < %.0f ms in `fsync`", TARGET_OPEN_P99_FSYNC_US / 1000),
            openRuns(results, "fsync").stream().map(r -> r.latencyUs.p99 / 1000).toList(), v -> v < TARGET_OPEN_P99_FSYNC_US / 1000, "%.2f ms");
        fsyncBound(md, fsync, results);
        final List<RunResult> batch100 = closedRuns(results, "process", 100, high);
        target(md, String.format(Locale.ROOT, "Batches of 100, `process`, %d connections: >= %,.0f purchases/s", high, TARGET_BATCH100_PER_S),
            batch100.stream().map(r -> r.throughput).toList(), v -> v >= TARGET_BATCH100_PER_S, "%,.0f/s");
        target(md, String.format(Locale.ROOT, "... and >= %.0fx Redis + Lua pipelined (-P 16)", TARGET_BATCH100_VS_REDIS_PIPELINED),
            ratios(batch100, results, (all, r) -> redis(all, r, 16), r -> r.throughput), v -> v >= TARGET_BATCH100_VS_REDIS_PIPELINED, "%.2fx");
        md.append('\n');
    }

    /**
     * What the disk allowed the {@code fsync} runs: each reply waits for its group commit's sync, so with N connections
     * at most N purchases share one, and N / (mean sync time) bounds the rate whatever the server does. A row beside
     * the {@code fsync} target, from the journal's sync counters the load tool read in the window; absent without them.
     */
    private static void fsyncBound(final StringBuilder md, final List<RunResult> fsync, final List<RunResult> results)
    {
        final List<RunResult> known = fsync.stream().filter(r -> !Double.isNaN(r.journalSyncMeanMs())).toList();
        if (known.isEmpty())
        {
            return;
        }
        final List<String> cells = new ArrayList<>();
        for (final RunResult r : known)
        {
            final double boundPerS = r.connections * 1000 / r.journalSyncMeanMs();
            final RunResult bare = bare(results, r);
            cells.add(String.format(Locale.ROOT, "%.2f ms, %.1f per sync, bound %,.0f/s%s", r.journalSyncMeanMs(),
                r.throughput * r.durationS / r.journalSyncs, boundPerS,
                bare == null ? "" : String.format(Locale.ROOT, " = %.2fx", boundPerS / bare.throughput)));
        }
        md.append("| ... the disk in those runs: mean journal sync, purchases per sync, and the bound connections / mean sync")
            .append(" (against the bare server) | ").append(String.join("; ", cells)).append(" | - |\n");
    }

    private static void target(final StringBuilder md, final String text, final List<Double> values,
        final java.util.function.DoublePredicate ok, final String format)
    {
        md.append("| ").append(text).append(" | ");
        final List<Double> known = values.stream().filter(v -> v != null && !Double.isNaN(v)).toList();
        if (known.isEmpty())
        {
            md.append("not measured | - |\n");
            return;
        }
        md.append(String.join(", ", known.stream().map(v -> String.format(Locale.ROOT, format, v)).toList()));
        final long met = known.stream().filter(ok::test).count();
        md.append(" | ").append(met == known.size() ? "met" : met == 0 ? "**no**" : "**in " + met + " of " + known.size() + "**").append(" |\n");
    }

    private static void notes(final StringBuilder md, final List<RunResult> results, final Properties machine)
    {
        md.append("## Notes\n\n");
        for (final String note : machine.getProperty("notes", "").split("\\\\n|\n"))
        {
            if (!note.isBlank())
            {
                md.append("- ").append(note.strip()).append('\n');
            }
        }
        md.append("\nPer-run notes and failed or inconclusive checks, as the tools wrote them (load-tool CPU in brackets):\n\n");
        for (final RunResult r : results)
        {
            final List<String> items = new ArrayList<>();
            r.checks.forEach((k, v) ->
            {
                if (!v.startsWith("ok") && !v.startsWith("skipped"))
                {
                    items.add("check " + k + ": " + v);
                }
            });
            items.addAll(r.notes.stream().filter(n -> !n.startsWith("no set-up") && !n.startsWith("batches of")).toList());
            if (!r.itemStatuses.isEmpty())
            {
                items.add("item statuses " + r.itemStatuses);
            }
            if (!Double.isNaN(r.journalSyncMeanMs()))
            {
                items.add(String.format(Locale.ROOT, "journal syncs %,.0f/s, mean %.2f ms", r.journalSyncs / r.durationS, r.journalSyncMeanMs()));
            }
            md.append(String.format(Locale.ROOT, "- r%d %s %s, %d conns, %s%s [client %.0f%%, server %.0f%%]: ", r.repeat, r.system, config(r), r.connections,
                r.mode, r.offeredRate > 0 ? String.format(Locale.ROOT, " %,.0f/s", r.offeredRate) : "", r.clientCpuPct, r.serverCpuPct));
            md.append(items.isEmpty() ? "-" : String.join("; ", items).replace("|", "\\|")).append('\n');
        }
        md.append('\n');
    }

    // ------------------------------------------------------------------------------------------------ lookups

    private static Map<Row, List<RunResult>> group(final List<RunResult> results)
    {
        final Map<Row, List<RunResult>> rows = new LinkedHashMap<>();
        for (final RunResult r : results)
        {
            rows.computeIfAbsent(Row.of(r), k -> new ArrayList<>()).add(r);
        }
        return rows;
    }

    private static List<RunResult> closedRuns(final List<RunResult> results, final String variant, final int batch, final int connections)
    {
        return results.stream().filter(r -> r.system.equals("ledger") && variant.equals(r.variant) && r.batch == batch
            && r.mode.equals("closed") && r.connections == connections).sorted(Comparator.comparingInt(r -> r.repeat)).toList();
    }

    private static List<RunResult> openRuns(final List<RunResult> results, final String variant)
    {
        return results.stream().filter(r -> r.system.equals("ledger") && variant.equals(r.variant) && r.batch == 1
            && r.mode.equals("open") && Math.abs(r.offeredRate - OPEN_RATE_TARGET) < 0.5).sorted(Comparator.comparingInt(r -> r.repeat)).toList();
    }

    /** @return the bare server's run (NIO if there is one) of the same repeat, loop, connections and rate as {@code r}, or null. */
    static RunResult bare(final List<RunResult> all, final RunResult r)
    {
        return all.stream().filter(b -> b.system.equals("bare-netty") && sameSlot(b, r))
            .min(Comparator.comparingInt(b -> "nio".equals(b.variant) ? 0 : 1)).orElse(null);
    }

    /** @return Redis's closed-loop run with {@code pipeline} of the same repeat and connections as {@code r}, or null. */
    static RunResult redis(final List<RunResult> all, final RunResult r, final int pipeline)
    {
        return r.mode.equals("closed")
            ? all.stream().filter(b -> b.system.equals("redis") && b.pipeline == pipeline && sameSlot(b, r)).findFirst().orElse(null)
            : null;
    }

    private static boolean sameSlot(final RunResult a, final RunResult b)
    {
        return a.repeat == b.repeat && a.connections == b.connections && a.mode.equals(b.mode)
            && Math.abs(a.offeredRate - b.offeredRate) < 0.5;
    }

    private static List<Double> ratios(final List<RunResult> runs, final List<RunResult> all,
        final java.util.function.BiFunction<List<RunResult>, RunResult, RunResult> reference, final ToDoubleFunction<RunResult> value)
    {
        final List<Double> ratios = new ArrayList<>();
        for (final RunResult r : runs)
        {
            final RunResult ref = reference.apply(all, r);
            if (ref != null && ref != r && value.applyAsDouble(ref) > 0)
            {
                ratios.add(value.applyAsDouble(r) / value.applyAsDouble(ref));
            }
        }
        return ratios;
    }

    private static String ratioRange(final List<RunResult> runs, final List<RunResult> all,
        final java.util.function.BiFunction<List<RunResult>, RunResult, RunResult> reference, final ToDoubleFunction<RunResult> value)
    {
        final List<Double> ratios = ratios(runs, all, reference, value);
        if (ratios.isEmpty())
        {
            return "-";
        }
        return spread(ratios, v -> String.format(Locale.ROOT, "%.2fx", v));
    }

    private static String range(final List<RunResult> runs, final ToDoubleFunction<RunResult> value, final Function<Double, String> format)
    {
        final List<Double> values = runs.stream().map(value::applyAsDouble).filter(v -> !Double.isNaN(v)).toList();
        return values.isEmpty() ? "-" : spread(values, format);
    }

    /** @return the median, and the range in parentheses when there is more than one value and they differ. */
    static String spread(final List<Double> values, final Function<Double, String> format)
    {
        final List<Double> sorted = values.stream().sorted().toList();
        final int n = sorted.size();
        final double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        final String min = format.apply(sorted.get(0));
        final String max = format.apply(sorted.get(n - 1));
        return format.apply(median) + (n > 1 && !Objects.equals(min, max) ? " (" + min + " - " + max + ")" : "");
    }

    private static String checks(final List<RunResult> runs)
    {
        if (runs.stream().allMatch(r -> r.checks.isEmpty() || r.checks.values().stream().allMatch(v -> v.startsWith("skipped"))))
        {
            return "-";
        }
        final long failed = runs.stream().filter(r -> !r.checksPassed()).count();
        return failed == 0 ? "ok" : "**FAILED in " + failed + "**";
    }

    private static String count(final double v)
    {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String ms(final double us)
    {
        final double ms = us / 1000.0;
        return ms < 10 ? String.format(Locale.ROOT, "%.2f", ms) : ms < 100 ? String.format(Locale.ROOT, "%.1f", ms) : String.format(Locale.ROOT, "%,.0f", ms);
    }

    private static String pct(final double pct)
    {
        return String.format(Locale.ROOT, "%.0f%%", pct);
    }

    private static String us(final double us)
    {
        return String.format(Locale.ROOT, "%.1f", us);
    }

    private static String nz(final String s)
    {
        return s == null ? "" : s;
    }
}
