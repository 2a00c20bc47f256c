package io.ledger.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.ConsumerLoop;
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
 * The whole pipeline as the server runs it by default ({@code --ledger-thread auto} with one event loop and
 * {@code process} durability): ring, journal, apply and replies all on one loop thread, with no hand-over to another
 * thread on the way in or out ({@link LedgerPipeline.Context#consumerLoop}). One op is one command.
 *
 * <p>The loop here is a single thread with a task queue standing in for the Netty event loop, and a "round" stands in
 * for one round of the loop's reads: {@link #round} purchases published with {@link LedgerPipeline#tryPublishDeferred},
 * then one {@link LedgerPipeline#signalDeferred()}, which queues the drain that journals, applies and replies to them;
 * the next round is queued after it. {@code round=32} is what a loop reading 32 busy connections sees per round,
 * {@code round=1} a loop woken for every request. No HTTP is parsed or written: {@code CodecBenchmark} and the load tool
 * measure that. {@code fsync} is left out: with it the server keeps the ledger on its own thread
 * ({@link PipelineBenchmark}).
 *
 * <p>Epochs, their checks and the heap settling are {@link PipelineBenchmark}'s: every {@link #EPOCH_PURCHASES}
 * purchases, outside the measured code. The loop's queue ({@link Executors#newSingleThreadExecutor}) allocates a node
 * per task, that is per round and per drain, which {@code -prof gc}'s figure includes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g"})
@State(Scope.Thread)
public class LoopPipelineBenchmark
{
    static final int BATCH = 10_000;
    static final long EPOCH_PURCHASES = 1_000_000;
    static final int CUSTOMERS = 10_000;

    private static final LedgerPipeline.CommandFiller<LoopPipelineBenchmark> FILLER = (event, bench) ->
        Population.purchase(event, bench.nextCustomer(), Population.PURCHASE_MINOR).replyTo(bench.epoch.sink, null);

    @Param({"none", "process"})
    public String journal;

    @Param({"1", "32"})
    public int round;

    /** The ring's size in events ({@code --ring-size}); one value by default, more on the command line ({@code -p ringSize=1024,16384}). */
    @Param({"16384"})
    public int ringSize;

    private BenchLoop loop;
    private PipelineEpoch epoch;
    private final ConsumerCpu consumerCpu = new ConsumerCpu();
    private long published;
    /** Commands of the epochs already ended. */
    private long epochsEnded;
    private int customer;
    /** Loop only: commands of this invocation not yet published. */
    private int toPublish;
    private CompletableFuture<Long> done;
    private final Runnable publishRound = this::publishRound;
    private final Runnable awaitReplies = this::awaitReplies;

    @Setup(Level.Trial)
    public void setUp()
    {
        loop = new BenchLoop();
        startEpoch();
        System.gc(); // see PipelineBenchmark.settleHeap
    }

    @Setup(Level.Invocation)
    public void rotate()
    {
        if (published >= EPOCH_PURCHASES)
        {
            endEpoch();
            startEpoch();
            System.gc();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        endEpoch();
        loop.close();
    }

    @Setup(Level.Iteration)
    public void startIteration()
    {
        consumerCpu.start(loop.thread(), totalPublished());
    }

    @TearDown(Level.Iteration)
    public void endIteration()
    {
        consumerCpu.stop(totalPublished());
        consumerCpu.print("thread=bench-loop journal=" + journal + " round=" + round + " ringSize=" + ringSize);
    }

    /** Commands published over every epoch so far: the loop thread outlives the epochs. */
    private long totalPublished()
    {
        return epochsEnded + published;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long publishAndAwaitReplies() throws InterruptedException, ExecutionException
    {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        this.done = done;
        toPublish = BATCH;
        published += BATCH;
        loop.execute(publishRound); // the queue's hand-over orders the writes above before the task
        return done.get();
    }

    /** Loop: one round of reads' worth of publishes, one signal, then the next round after the drain it queued. */
    private void publishRound()
    {
        if (failed())
        {
            return;
        }
        final int n = Math.min(round, toPublish);
        int i = 0;
        while (i < n && epoch.pipeline.tryPublishDeferred(FILLER, this, 1))
        {
            i++; // a full ring ends the round early: the drain frees it and the next round goes on
        }
        toPublish -= i;
        epoch.pipeline.signalDeferred();
        loop.execute(toPublish > 0 ? publishRound : awaitReplies);
    }

    /** Loop: after the drains queued before it; again after any drain the batch bound queued later. */
    private void awaitReplies()
    {
        if (failed())
        {
            return;
        }
        if (epoch.sink.replies() < published)
        {
            loop.execute(awaitReplies);
            return;
        }
        done.complete(epoch.sink.accepted());
    }

    private boolean failed()
    {
        if (epoch.failed())
        {
            done.completeExceptionally(epoch.failure("journal=" + journal + " round=" + round));
            return true;
        }
        return false;
    }

    private int nextCustomer()
    {
        final int c = customer;
        customer = c + 1 == CUSTOMERS ? 0 : c + 1;
        return c;
    }

    private void startEpoch()
    {
        epoch = new PipelineEpoch(journal, CUSTOMERS, new LedgerPipeline.Context().consumerLoop(loop).ringSizeEvents(ringSize));
        published = 0;
        customer = 0;
    }

    /** From this thread, not the loop: the pipeline's stop task runs on the loop, and the loop's writes are visible here. */
    private void endEpoch()
    {
        final PipelineEpoch ended = epoch;
        epoch = null;
        ended.finish(published);
        epochsEnded += published;
    }

    /** A single thread with a task queue, in place of the Netty event loop: tasks run one at a time, in order. */
    private static final class BenchLoop implements ConsumerLoop, AutoCloseable
    {
        private volatile Thread thread;
        private final ExecutorService executor = Executors.newSingleThreadExecutor(task ->
        {
            final Thread t = new Thread(task, "bench-loop");
            t.setDaemon(true);
            thread = t;
            return t;
        });

        @Override
        public void execute(final Runnable task)
        {
            executor.execute(task);
        }

        @Override
        public void executeAfterIo(final Runnable task)
        {
            executor.execute(task); // no sockets to serve in between
        }

        /** @return the loop's thread, started by the first task if need be; not from the loop itself. */
        Thread thread()
        {
            if (thread == null)
            {
                final CompletableFuture<Void> started = new CompletableFuture<>();
                executor.execute(() -> started.complete(null));
                started.join();
            }
            return thread;
        }

        @Override
        public boolean inLoop()
        {
            return Thread.currentThread() == thread;
        }

        @Override
        public void close()
        {
            executor.shutdown();
        }
    }
}
