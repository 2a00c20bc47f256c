package io.ledger.bench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
        final int exit = new CommandLine(new ReportCommand()).execute("--results", results.toString(), "--machine", machine.toString(),
            "--out", md.toString(), "--plot", png.toString());
        assertEquals(0, exit);
        final String text = Files.readString(md);
        assertTrue(text.contains("QUICK RUN"), text);
        assertTrue(text.contains("## The issue's targets"), text);
        assertTrue(text.contains("](plot/throughput-vs-p99.png)"), text);
        assertTrue(text.contains("113.2x"), text); // ledger 20,000/s over the closed copy of the pgbench run, 176.7 tps
        final byte[] magic = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(new byte[] {(byte)0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, magic);
    }
}
