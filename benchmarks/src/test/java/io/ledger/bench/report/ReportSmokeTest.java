package io.ledger.bench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The baselines' converters on recorded tool output, and the report generator on their results: BENCHMARKS.md and a
 * PNG come out, with the comparisons in them. No database or server is involved.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReportSmokeTest
{
    @TempDir
    Path dir;

    private Path fixture(final String name) throws IOException
    {
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream(name), name))
        {
            final Path file = dir.resolve(name);
            Files.copy(in, file);
            return file;
        }
    }

    private RunResult pgbench() throws IOException
    {
        final Path stdout = fixture("pgbench-rate.out");
        fixture("pgbench-rate.log.4242");
        final PgbenchResultCommand command = new PgbenchResultCommand();
        new CommandLine(command).parseArgs("--stdout", stdout.toString(), "--log-prefix", dir.resolve("pgbench-rate.log").toString(),
            "--variant", "synchronous_commit=on, cte", "--durability-class", "fsync", "--clients", "64", "--rate", "200",
            "--duration-s", "1", "--check", "conservation=ok: fine", "--out", dir.resolve("pg.result.json").toString());
        return command.convert();
    }

    @Test
    void shouldTimePgbenchTransactionsFromTheirScheduledStart() throws IOException
    {
        final RunResult r = pgbench();
        assertEquals(176.746798, r.throughput, 1e-6);
        assertEquals(100, r.requests);
        assertEquals(1L, r.statuses.get("failed"));
        assertEquals(50_100, r.latencyUs.p50, 50_100 * 0.01); // time + schedule_lag
        assertEquals(100_100, r.latencyUs.max, 100_100 * 0.01);
        assertEquals("open", r.mode);
        assertEquals("ok: fine", r.checks.get("conservation"));
    }

    @Test
    void shouldReadRedisBenchmarkSummaryAndBoundTheOtherPercentiles() throws IOException
    {
        final RedisResultCommand command = new RedisResultCommand();
        new CommandLine(command).parseArgs("--output", fixture("redis-benchmark.out").toString(), "--variant", "appendfsync everysec",
            "--durability-class", "process", "--clients", "64", "--out", dir.resolve("r.json").toString());
        final RunResult r = command.convert(Files.readString(dir.resolve("redis-benchmark.out")));
        assertEquals(54_896.62, r.throughput, 1e-6);
        assertEquals(975, r.latencyUs.p50, 1e-6);
        assertEquals(2_359, r.latencyUs.p99, 1e-6);
        assertEquals(73_279, r.latencyUs.max, 1e-6);
        assertEquals(1_503, r.latencyUs.p90, 1e-6);
        assertEquals(6_335, r.latencyUs.p999, 1e-6);
        assertEquals(112_044, r.requests);
    }

    @Test
    void shouldWriteMarkdownAndPlotFromResultFiles() throws IOException
    {
        final Path results = Files.createDirectories(dir.resolve("results"));
        final RunResult pg = pgbench();
        pg.write(results.resolve("pg.result.json"));
        final RunResult pgClosed = RunResult.read(results.resolve("pg.result.json"));
        pgClosed.mode = "closed";
        pgClosed.offeredRate = 0;
        pgClosed.write(results.resolve("pg-closed.result.json"));
        for (final String variant : new String[] {"process", "fsync"})
        {
            final RunResult ledger = new RunResult();
            ledger.system = "ledger";
            ledger.variant = variant;
            ledger.durabilityClass = variant;
            ledger.workload = "purchase=100";
            ledger.mode = "closed";
            ledger.connections = 64;
            ledger.throughput = 20_000;
            ledger.latencyUs.p50 = 2_000;
            ledger.latencyUs.p99 = 9_000;
            ledger.serverCpuPct = 150;
            ledger.clientCpuPct = 30;
            ledger.checks.put("conservation (customers)", "ok");
            ledger.write(results.resolve("ledger-" + variant + ".result.json"));
            final RunResult open = RunResult.read(results.resolve("ledger-" + variant + ".result.json"));
            open.mode = "open";
            open.offeredRate = 200;
            open.throughput = 200;
            open.write(results.resolve("ledger-" + variant + "-200.result.json"));
        }
        final Path machine = dir.resolve("machine.properties");
        Files.writeString(machine, "mode=quick\ndate=today\ncores=2\nnotes=first\\\\nsecond\n");
        final Path md = dir.resolve("BENCHMARKS.md");
        final Path png = dir.resolve("plot/throughput-vs-p99.png");
        // Two pipeline benchmarks whose names end alike: each target row must take its own, not the higher score.
        final Path jmh = dir.resolve("jmh.json");
        Files.writeString(jmh, "["
            + jmhResult("io.ledger.bench.PipelineBenchmark.publishAndAwaitReplies", "\"journal\": \"process\", \"waitStrategy\": \"lite-blocking\"", 600_000, 200)
            + "," + jmhResult("io.ledger.bench.LoopPipelineBenchmark.publishAndAwaitReplies", "\"journal\": \"process\", \"round\": \"32\"", 2_100_000, 150)
            + "," + jmhResult("io.ledger.bench.LoopPipelineBenchmark.publishAndAwaitReplies", "\"journal\": \"process\", \"round\": \"1\"", 2_500_000, 150)
            + "," + jmhResult("io.ledger.bench.LedgerApplyBenchmark.purchase", "", 3_000_000, 0.17)
            + "," + jmhResult("io.ledger.bench.LedgerApplyBenchmark.transfer", "", 3_000_000, 0.41)
            + "," + jmhResult("io.ledger.bench.LedgerApplyBenchmark.payIn", "", 3_000_000, 0.06)
            + "," + jmhResult("io.ledger.bench.LedgerApplyBenchmark.payout", "", 3_000_000, 1.5)
            + "]");
        final int exit = new CommandLine(new ReportCommand()).execute("--results", results.toString(), "--machine", machine.toString(),
            "--out", md.toString(), "--plot", png.toString(), "--jmh", jmh.toString());
        assertEquals(0, exit);
        final String text = Files.readString(md);
        assertTrue(text.contains("| Full engine path (ring + journal + apply), `process`, the ledger's own thread: >= 2M commands/s | "
            + "600k/s (`PipelineBenchmark.publishAndAwaitReplies journal=process waitStrategy=lite-blocking`) | **no** |"), text);
        assertTrue(text.contains("rounds of 32), `process`: >= 2M commands/s | 2.10M/s (`LoopPipelineBenchmark.publishAndAwaitReplies "
            + "journal=process round=32`) | yes |"), text);
        assertTrue(text.contains("| Under 1 B/op on the ledger thread for accepted purchase, transfer, pay-in and payout | "
            + "purchase 0.17, transfer 0.41, payIn 0.06, payout 1.50 B/op (`LedgerApplyBenchmark`, `-prof gc`) | **no** |"), text);
        assertTrue(text.contains("QUICK RUN"), text);
        assertTrue(text.contains("## The issue's targets"), text);
        assertTrue(text.contains("](plot/throughput-vs-p99.png)"), text);
        assertTrue(text.contains("113.2x"), text); // ledger 20,000/s over the closed copy of the pgbench run, 176.7 tps
        final byte[] magic = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(new byte[] {(byte)0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, magic);
    }

    private static String jmhResult(final String benchmark, final String params, final double score, final double bytesPerOp)
    {
        return "{\"benchmark\": \"" + benchmark + "\", \"params\": {" + params + "}, "
            + "\"primaryMetric\": {\"score\": " + score + ", \"scoreError\": 1.0, \"scoreUnit\": \"ops/s\"}, "
            + "\"secondaryMetrics\": {\"gc.alloc.rate.norm\": {\"score\": " + bytesPerOp + "}}}";
    }

    @Test
    void shouldReadRedisServerCpuIntoMicrosecondsPerPurchase() throws IOException
    {
        final RedisResultCommand command = new RedisResultCommand();
        new CommandLine(command).parseArgs("--output", fixture("redis-benchmark.out").toString(), "--variant", "appendfsync everysec",
            "--durability-class", "process", "--clients", "32", "--pipeline", "16", "--server-cpu-pct", "80", "--repeat", "3",
            "--out", dir.resolve("r.json").toString());
        final RunResult r = command.convert(Files.readString(dir.resolve("redis-benchmark.out")));
        assertEquals(3, r.repeat);
        assertEquals(16, r.pipeline);
        assertEquals(0.8 * 1e6 / 54_896.62, r.serverCpuUsPerOp(), 1e-9);
        r.write(dir.resolve("r.json"));
        final RunResult back = RunResult.read(dir.resolve("r.json"));
        assertEquals(3, back.repeat);
        assertEquals(80, back.serverCpuPct, 1e-9);
    }

    private static RunResult edgeRun(final String system, final String variant, final int batch, final int pipeline, final int repeat,
        final int connections, final double rate, final double throughput, final double p99Us, final double serverCpuPct)
    {
        final RunResult r = new RunResult();
        r.system = system;
        r.variant = variant;
        r.durabilityClass = variant;
        r.workload = "purchase=100";
        r.mode = rate > 0 ? "open" : "closed";
        r.offeredRate = rate;
        r.connections = connections;
        r.batch = batch;
        r.pipeline = pipeline;
        r.repeat = repeat;
        r.throughput = throughput;
        r.latencyUs.p50 = p99Us / 4;
        r.latencyUs.p99 = p99Us;
        r.latencyUs.p999 = p99Us * 2;
        r.latencyUs.max = p99Us * 3;
        r.serverCpuPct = serverCpuPct;
        r.clientCpuPct = 50;
        return r;
    }

    @Test
    void shouldCompareTheLedgerWithTheBareServerAndRedisRepeatByRepeat() throws IOException
    {
        final Path results = Files.createDirectories(dir.resolve("edge"));
        final List<RunResult> runs = new ArrayList<>();
        for (int repeat = 1; repeat <= 2; repeat++)
        {
            final double drift = repeat == 1 ? 1.0 : 0.5; // the machine was twice as busy in repeat 2: ratios stay
            for (final int c : new int[] {4, 32})
            {
                runs.add(edgeRun("bare-netty", "nio", 1, 1, repeat, c, 0, 50_000 * drift, 1_000, 100));
                runs.add(edgeRun("ledger", "process", 1, 1, repeat, c, 0, 10_000 * drift, 2_000, 90 * drift));
                runs.add(edgeRun("ledger", "fsync", 1, 1, repeat, c, 0, 35_000 * drift, 1_400, 100));
                runs.add(edgeRun("ledger", "process", 100, 1, repeat, c, 0, 600_000 * drift, 9_000, 150));
                runs.add(edgeRun("redis", "appendfsync everysec", 1, 1, repeat, c, 0, 20_000 * drift, 3_000, 40));
                runs.add(edgeRun("redis", "appendfsync everysec", 1, 16, repeat, c, 0, 100_000 * drift, 9_000, 80));
            }
            runs.add(edgeRun("bare-netty", "nio", 1, 1, repeat, 32, 2_000, 2_000, 400, 10));
            runs.add(edgeRun("ledger", "process", 1, 1, repeat, 32, 2_000, 2_000, 800, 30));
            runs.add(edgeRun("ledger", "fsync", 1, 1, repeat, 32, 2_000, 2_000, 2_500, 30));
        }
        // Repeat 1's fsync run at 32 connections read the journal's sync counters: 5,000 syncs in 5 s taking 4 s, so
        // 0.8 ms each, 35 purchases per sync, and 32 connections / 0.8 ms = 40,000/s at most, 0.8x the bare server.
        final RunResult synced = runs.stream().filter(r -> r.repeat == 1 && r.connections == 32 && "fsync".equals(r.variant)
            && r.mode.equals("closed")).findFirst().orElseThrow();
        synced.durationS = 5;
        synced.journalSyncs = 5_000;
        synced.journalSyncSeconds = 4.0;
        for (int i = 0; i < runs.size(); i++)
        {
            runs.get(i).write(results.resolve("run-" + i + ".result.json"));
        }
        final Path machine = dir.resolve("edge-machine.properties");
        Files.writeString(machine, "mode=edge\ndate=today\ncores=2\ncommand=benchmarks/run.sh --edge --repeats 2\n");
        final Path md = dir.resolve("edge.md");
        final PrintStream stdout = System.out;
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        final int exit;
        try
        {
            exit = new CommandLine(new ReportCommand()).execute("--layout", "edge", "--results", results.toString(), "--machine", machine.toString(),
                "--out", md.toString());
        }
        finally
        {
            System.setOut(stdout);
        }
        assertEquals(0, exit);
        final String text = Files.readString(md);
        assertEquals(text, printed.toString(StandardCharsets.UTF_8), "the edge report is also printed");
        assertTrue(text.contains("## Closed loop, 4 connections"), text);
        assertTrue(text.contains("## Closed loop, 32 connections"), text);
        // ledger process over bare, per repeat: 10,000 / 50,000 in both repeats, so no range.
        assertTrue(text.contains("| ledger | process | 7,500 (5,000 - 10,000) | "), text);
        assertTrue(text.contains("| 90.0 | 50% | 0.20x | 0.50x | 0.10x |"), text); // server us/purchase, load tool CPU, ratios
        // 90% of a core over 10,000/s = 90 us per purchase in repeat 1, 45% over 5,000/s = 90 us in repeat 2.
        assertTrue(text.contains("| Unbatched, `process`, 32 connections: >= 0.8x the bare Netty server's purchases/s | 0.20x, 0.20x | **no** |"), text);
        assertTrue(text.contains("| ... server CPU per purchase <= 25 us | 90.0 us, 90.0 us | **no** |"), text);
        assertTrue(text.contains("| `fsync`, 32 connections: >= 0.6x the bare Netty server's purchases/s | 0.70x, 0.70x | met |"), text);
        assertTrue(text.contains("| ... the disk in those runs: mean journal sync, purchases per sync, and the bound connections / mean sync "
            + "(against the bare server) | 0.80 ms, 35.0 per sync, bound 40,000/s = 0.80x | - |"), text);
        assertTrue(text.contains("fsync, 32 conns, closed [client 50%, server 100%]: journal syncs 1,000/s, mean 0.80 ms"), text);
        assertTrue(text.contains("| Open loop 2,000 purchases/s: p99 < 1 ms in `process` | 0.80 ms, 0.80 ms | met |"), text);
        assertTrue(text.contains("| ... p99 < 2 ms in `fsync` | 2.50 ms, 2.50 ms | **no** |"), text);
        assertTrue(text.contains("| Batches of 100, `process`, 32 connections: >= 500,000 purchases/s | 600,000/s, 300,000/s | **in 1 of 2** |"), text);
        assertTrue(text.contains("| ... and >= 5x Redis + Lua pipelined (-P 16) | 6.00x, 6.00x | met |"), text);
        assertTrue(text.contains("| ledger | process, batches of 100 |"), text);
        assertTrue(text.contains("| redis | Lua, -P 16 |"), text);
    }
}
