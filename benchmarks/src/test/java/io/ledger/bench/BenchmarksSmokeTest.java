package io.ledger.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark, every parameter combination, once for 200 ms in a forked VM (never {@code -f 0}: the
 * forks get the project's JVM flags exactly as {@link BenchmarkMain} passes them). Benchmarks check their own
 * answers and throw when wrong; with {@code shouldFailOnError} that fails the run. No timing is asserted: only
 * that each produced a positive score. The replay journal is shrunk to 1,000 records, and the apply benchmark builds one
 * spare ledger instead of a run's worth.
 */
class BenchmarksSmokeTest
{
    /** Benchmark method -> parameter combinations it must report. */
    private static final Map<String, Integer> EXPECTED = new TreeMap<>(Map.ofEntries(
        Map.entry("io.ledger.bench.LedgerApplyBenchmark.payIn", 1),
        Map.entry("io.ledger.bench.LedgerApplyBenchmark.purchase", 1),
        Map.entry("io.ledger.bench.LedgerApplyBenchmark.purchaseRefused", 1),
        Map.entry("io.ledger.bench.LedgerApplyBenchmark.transfer", 1),
        Map.entry("io.ledger.bench.LedgerApplyBenchmark.payout", 1),
        Map.entry("io.ledger.bench.LedgerApplyBenchmark.customerBalance", 1),
        Map.entry("io.ledger.bench.LedgerApplyBenchmark.customerBalanceAsOf", 1),
        Map.entry("io.ledger.bench.LedgerApplyBenchmark.customerTransactions", 1),
        Map.entry("io.ledger.bench.LedgerApplyBenchmark.purchaseWithIdempotencyKey", 1),
        Map.entry("io.ledger.bench.LedgerApplyBenchmark.purchaseBatchOf100", 1),
        Map.entry("io.ledger.bench.LedgerApplyBenchmark.linkedPurchaseBatchOf100", 1),
        Map.entry("io.ledger.bench.PipelineBenchmark.publishAndAwaitReplies", 6),
        Map.entry("io.ledger.bench.LoopPipelineBenchmark.publishAndAwaitReplies", 4),
        Map.entry("io.ledger.bench.JournalBenchmark.append", 1),
        Map.entry("io.ledger.bench.JournalBenchmark.replay", 1),
        Map.entry("io.ledger.bench.JournalBenchmark.replayIntoLedger", 2),
        Map.entry("io.ledger.http.CodecBenchmark.parsePurchase", 1),
        Map.entry("io.ledger.http.CodecBenchmark.writePurchaseReply", 2)));

    @Test
    @Timeout(value = 360, unit = TimeUnit.SECONDS)
    void shouldRunEveryBenchmarkWithCorrectAnswersAndPositiveScore() throws Exception
    {
        final Options options = new OptionsBuilder()
            .include("io\\.ledger\\..*Benchmark")
            .forks(1)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(200))
            .param("records", "1000")
            .param("spareLedgers", "1")
            .jvmArgsAppend(BenchmarkMain.jvmFlags().toArray(new String[0]))
            .shouldFailOnError(true)
            .build();

        final Collection<RunResult> results = new Runner(options).run();

        final Map<String, Integer> seen = new TreeMap<>();
        for (final RunResult result : results)
        {
            final String name = result.getParams().getBenchmark();
            final double score = result.getPrimaryResult().getScore();
            assertTrue(score > 0, () -> "benchmark=" + name + " params=" + result.getParams() + " score=" + score);
            seen.merge(name, 1, Integer::sum);
        }
        assertEquals(EXPECTED, seen);
    }
}
