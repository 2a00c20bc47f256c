package io.ledger.http;

import java.util.concurrent.TimeUnit;

import io.ledger.engine.ConsumerLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;

/**
 * The event loops ({@code http-io-*}) a {@link LedgerHttpServer} serves its connections on, made before the server so
 * that the pipeline, started first, can run its consumer on one of them ({@link #consumerLoop()}: the server's
 * {@code --ledger-thread event-loop}). Whoever made them closes them, until a server is started on them: from then on
 * the server does, in its {@link LedgerHttpServer#close()}.
 *
 * <p>Thread-safety: made and closed by one thread; {@link #consumerLoop()}'s loop is safe from any thread.
 */
public final class HttpEventLoops implements AutoCloseable
{
    private final HttpTransport transport;
    private final EventLoopGroup group;
    private final int threads;
    /** Set by {@link #consumerLoop()}: the pipeline's consumer runs on the loop (what {@code /metrics} reports). */
    private volatile boolean consumerLoopGiven;

    private HttpEventLoops(final HttpTransport transport, final EventLoopGroup group, final int threads)
    {
        this.transport = transport;
        this.group = group;
        this.threads = threads;
    }

    /**
     * @param transport the options' transport ({@link HttpOptions#transport()}); resolved here.
     * @param threads   event loops, >= 1.
     */
    public static HttpEventLoops create(final HttpTransport transport, final int threads)
    {
        if (threads < 1)
        {
            throw new IllegalArgumentException("ioThreads=" + threads + " must be >= 1");
        }
        final HttpTransport resolved = transport.resolve();
        return new HttpEventLoops(resolved, resolved.eventLoops(threads, "http-io"), threads);
    }

    /**
     * @return the one event loop as the place to run the pipeline's consumer ({@code LedgerPipeline.Context.consumerLoop}):
     *         every connection lives on it, so every request is journaled, applied and answered on the loop that read it.
     * @throws IllegalStateException with more than one loop: the others would hand every command over to it.
     */
    public ConsumerLoop consumerLoop()
    {
        if (threads != 1)
        {
            throw new IllegalStateException("ioThreads=" + threads + ": the consumer runs on the event loop only with one");
        }
        consumerLoopGiven = true;
        return new NettyConsumerLoop(group.next());
    }

    /** @return true once {@link #consumerLoop()} handed the loop out: the pipeline's consumer runs on it. */
    public boolean runsConsumer()
    {
        return consumerLoopGiven;
    }

    HttpTransport transport()
    {
        return transport;
    }

    EventLoopGroup group()
    {
        return group;
    }

    /** Stops the loops: what is queued on them runs, then they end (at most 2 s). */
    @Override
    public void close()
    {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A Netty event loop as the pipeline's {@link ConsumerLoop}. */
    private static final class NettyConsumerLoop implements ConsumerLoop
    {
        private final EventLoop loop;

        NettyConsumerLoop(final EventLoop loop)
        {
            this.loop = loop;
        }

        @Override
        public void execute(final Runnable task)
        {
            loop.execute(task);
        }

        /**
         * A task scheduled with no delay: Netty moves due scheduled tasks to the loop's queue once per round, before its
         * tasks and after its I/O, so this runs after the loop read and wrote its sockets again. It allocates its
         * future: only a batch cut at the bound comes here.
         */
        @Override
        public void executeAfterIo(final Runnable task)
        {
            loop.schedule(task, 0, TimeUnit.NANOSECONDS);
        }

        @Override
        public boolean inLoop()
        {
            return loop.inEventLoop();
        }
    }
}
