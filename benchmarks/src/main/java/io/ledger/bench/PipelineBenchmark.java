package io.ledger.bench;

import java.util.concurrent.TimeUnit;

import io.ledger.engine.LedgerPipeline;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The whole pipeline without HTTP: publish {@link #BATCH} purchases into the ring with
 * {@link LedgerPipeline#tryPublish} (spinning with {@code Thread.yield} while the ring is full) and wait until
 * every one has been replied to, i.e. applied and journaled. One op is one command.
 *
 * <p>{@code journal}: {@code none} (a journal that keeps nothing: ring + apply), {@code process} or
 * {@code fsync} (Chronicle Queue in a temporary directory, group commit per ledger-thread batch in fsync).
 * {@code waitStrategy}: how the idle ledger thread waits; {@code lite-blocking} is the server's default.
 *
 * <p>The ledger keeps its history in memory and the journal grows on disk, so every
 * {@link #EPOCH_PURCHASES} purchases the pipeline is closed, checked (conservation, every purchase accepted
 * and, with a journal, appended) and started afresh outside the measured code; the journal directory is
 * deleted each time; the heap is then collected ({@link #settleHeap()}), also outside the measured code, so that
 * moving the new epoch's ring and ledger out of the young generation is not timed. Chronicle flags come from
 * {@link BenchmarkMain}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g"})
@State(Scope.Thread)
public class PipelineBenchmark
{
    static final int BATCH = 10_000;
    static final long EPOCH_PURCHASES = 1_000_000;
    static final int CUSTOMERS = 10_000;

    private static final LedgerPipeline.CommandFiller<PipelineBenchmark> FILLER = (event, bench) ->
        Population.purchase(event, bench.nextCustomer(), Population.PURCHASE_MINOR).replyTo(bench.epoch.sink, null);

    @Param({"none", "process", "fsync"})
    public String journal;

    @Param({"lite-blocking", "yielding"})
    public String waitStrategy;

    private PipelineEpoch epoch;
    private final ConsumerCpu consumerCpu = new ConsumerCpu();
    private long published;
    private int customer;

    @Setup(Level.Trial)
    public void setUp()
    {
        startEpoch();
        settleHeap();
    }

    @Setup(Level.Invocation)
    public void rotate()
    {
        if (published >= EPOCH_PURCHASES)
        {
            consumerCpu.stop(published);
            endEpoch();
            startEpoch();
            settleHeap();
            consumerCpu.start(ledgerThread(), published);
        }
    }

    @Setup(Level.Iteration)
    public void startIteration()
    {
        consumerCpu.start(ledgerThread(), published);
    }

    @TearDown(Level.Iteration)
    public void endIteration()
    {
        consumerCpu.stop(published);
        consumerCpu.print("thread=ledger journal=" + journal + " waitStrategy=" + waitStrategy);
    }

    /** The epoch's {@code ledger} thread: the previous epoch's has stopped ({@link PipelineEpoch#finish} joins it). */
    private static Thread ledgerThread()
    {
        return ConsumerCpu.liveThread("ledger");
    }

    /**
     * Outside the measured time: a full collection right after an epoch starts. Each epoch builds a new pipeline, whose
     * ring is 16,384 preallocated events of about 1.4 KB each (some 22 MB; 160 MB until session 12, when every event
     * carried a query's page of rows, which purchases never use), and a new ledger.
     * Left in the young generation they were copied out of it by G1 during the measured invocations: stop-the-world
     * pauses of 50-130 ms (the pipeline's own pause warnings) and a fifth of the process's CPU samples in the GC
     * threads, every epoch of about two seconds. A server allocates its ring once, at start-up. The collection also
     * frees the previous epoch's ledger, whose history lives off the heap until its buffers are collected.
     */
    private static void settleHeap()
    {
        System.gc();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        endEpoch();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long publishAndAwaitReplies()
    {
        final LedgerPipeline pipeline = epoch.pipeline;
        for (int i = 0; i < BATCH; i++)
        {
            while (!pipeline.tryPublish(FILLER, this))
            {
                checkAlive();
                Thread.yield(); // two cores, three pipeline threads: never spin hot
            }
        }
        published += BATCH;
        final CountingReplySink sink = epoch.sink;
        while (sink.replies() < published)
        {
            checkAlive();
            Thread.yield();
        }
        return sink.accepted();
    }

    private int nextCustomer()
    {
        final int c = customer;
        customer = c + 1 == CUSTOMERS ? 0 : c + 1;
        return c;
    }

    private void checkAlive()
    {
        if (epoch.failed())
        {
            throw epoch.failure("journal=" + journal + " waitStrategy=" + waitStrategy);
        }
    }

    private void startEpoch()
    {
        epoch = new PipelineEpoch(journal, CUSTOMERS, new LedgerPipeline.Context().waitStrategy(waitStrategy));
        published = 0;
        customer = 0;
    }

    private void endEpoch()
    {
        final PipelineEpoch ended = epoch;
        epoch = null;
        ended.finish(published);
    }
}
