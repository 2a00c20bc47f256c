package io.ledger.http;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.Ids;
import io.ledger.engine.CommandGateway;
import io.ledger.http.auth.JwtAuthenticator;
import io.ledger.http.metrics.LedgerMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.unix.Errors;
import io.netty.handler.ssl.SslContext;

/**
 * The HTTP server's bootstrap and lifecycle. The channel pipeline is {@link LedgerHttpInitializer}'s business,
 * requests are {@link LedgerRequestHandler}'s.
 *
 * <p>Transport: {@link HttpOptions#transport()}, by default Netty's native epoll where it loads (Linux x86-64) and NIO
 * elsewhere ({@link HttpTransport}); the pipeline is the same on both. HTTPS when
 * the options name a certificate and key ({@link TlsFiles}): the TLS handler is then the first of each connection's
 * pipeline, and everything after it is the same.
 */
public final class LedgerHttpServer implements AutoCloseable
{
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel serverChannel;
    private final LedgerMetrics metrics;
    private final boolean tls;
    private final String bindAddress;
    /** The change stream's thread, or null. */
    private final EventStreamAgent events;
    /** The transport it runs on: epoll or NIO. */
    private final HttpTransport transport;

    private LedgerHttpServer(
        final EventLoopGroup bossGroup, final EventLoopGroup workerGroup, final Channel serverChannel, final LedgerMetrics metrics,
        final boolean tls, final String bindAddress, final EventStreamAgent events, final HttpTransport transport)
    {
        this.transport = transport;
        this.events = events;
        this.bindAddress = bindAddress;
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.serverChannel = serverChannel;
        this.metrics = metrics;
        this.tls = tls;
    }

    /**
     * Binds {@code port} on the default address and starts serving, with {@code limits} and the other options at their
     * defaults.
     *
     * @param ioThreads event-loop threads for connections, >= 1.
     * @param ids       the deployment's ids (its salt is in the recovered ledger).
     */
    public static LedgerHttpServer start(
        final int port, final int ioThreads, final CommandGateway pipeline, final Ids ids, final JwtAuthenticator authenticator,
        final HttpLimits limits)
    {
        return start(port, ioThreads, pipeline, ids, authenticator, HttpOptions.DEFAULTS.withLimits(limits));
    }

    /**
     * Binds {@code port} on {@link HttpOptions#bindAddress()} (0 picks a free port), with TLS when
     * {@link HttpOptions#tls()} names the files, and starts serving.
     *
     * @param ioThreads event-loop threads for connections, >= 1.
     * @param ids       the deployment's ids (its salt is in the recovered ledger).
     * @param options   limits, metrics access, access log, address, TLS; validated here.
     * @throws IllegalArgumentException when an option is refused or the TLS files cannot be used.
     * @throws IllegalStateException    when the address cannot be bound (the port is in use, the address is not this
     *                                  machine's, a port below 1024 without the privilege), saying so.
     */
    public static LedgerHttpServer start(
        final int port, final int ioThreads, final CommandGateway pipeline, final Ids ids, final JwtAuthenticator authenticator,
        final HttpOptions options)
    {
        if (ioThreads < 1)
        {
            throw new IllegalArgumentException("ioThreads=" + ioThreads + " must be >= 1");
        }
        options.validate();
        final HttpEventLoops loops = HttpEventLoops.create(options.transport(), ioThreads);
        try
        {
            return start(port, loops, pipeline, ids, authenticator, options);
        }
        catch (final RuntimeException | Error ex)
        {
            loops.close();
            throw ex;
        }
    }

    /**
     * As {@link #start(int, int, CommandGateway, Ids, JwtAuthenticator, HttpOptions)}, on event loops made beforehand
     * (so that the pipeline could run its consumer on one: {@link HttpEventLoops#consumerLoop()}). The server owns
     * {@code loops} once it returns (its {@link #close()} stops them); when it throws, the caller still does.
     */
    public static LedgerHttpServer start(
        final int port, final HttpEventLoops loops, final CommandGateway pipeline, final Ids ids, final JwtAuthenticator authenticator,
        final HttpOptions options)
    {
        options.validate();
        final InetSocketAddress address = new InetSocketAddress(options.bindInetAddress(), port);
        final SslContext tls = options.tls() == null ? null : options.tls().serverContext();
        final HttpLimits limits = options.limits();
        final LedgerMetrics metrics = new LedgerMetrics(pipeline, options.journalFiles(), options.journalStatus(), options.journalSpace(),
            loops.runsConsumer());
        final HttpTransport transport = loops.transport();
        final EventLoopGroup boss = transport.eventLoops(1, "http-accept");
        final EventLoopGroup workers = loops.group();
        final EventStreamAgent events = options.events() == null || options.events().feed() == null ? null : new EventStreamAgent(options.events());
        try
        {
            final Channel channel = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                // Replies a client does not read stay in its outbound buffer; past the high mark the channel turns
                // unwritable and the handler stops reading from it (see LedgerRequestHandler).
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                    new WriteBufferWaterMark(limits.writeBufferBytesLow(), limits.writeBufferBytesMax()))
                .childHandler(new LedgerHttpInitializer(pipeline, ids, authenticator, options, metrics, tls, events))
                .bind(address)
                .syncUninterruptibly()
                .channel();
            return new LedgerHttpServer(boss, workers, channel, metrics, tls != null, options.bindAddress(), events, transport);
        }
        catch (final Exception ex) // Netty rethrows the bind's checked exception (BindException) unchecked
        {
            if (events != null)
            {
                events.close();
            }
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS); // the workers are the caller's until this returns
            throw bindFailure(address, ex);
        }
    }

    /** @return why {@code address} could not be bound, in words an operator can act on. */
    private static RuntimeException bindFailure(final InetSocketAddress address, final Exception ex)
    {
        // NIO throws SocketException (BindException); epoll its NativeIoException, "bind(..) failed with error(-98): Address
        // already in use": the same words for both, the operating system's
        if (ex instanceof SocketException || ex instanceof Errors.NativeIoException)
        {
            final String where = address.getAddress().getHostAddress() + ":" + address.getPort();
            final String message = String.valueOf(ex.getMessage());
            final String reason = ex instanceof Errors.NativeIoException && message.contains("): ")
                ? message.substring(message.lastIndexOf("): ") + 3) : message;
            final String hint = (ex instanceof BindException || ex instanceof Errors.NativeIoException) && reason.contains("in use")
                ? "another process is listening on that port (find it with 'ss -ltnp')"
                : "is the address one of this machine's, and may this user bind that port?";
            return new IllegalStateException("cannot listen on " + where + ": " + reason + "; " + hint, ex);
        }
        return ex instanceof RuntimeException runtime ? runtime : new IllegalStateException(ex);
    }

    /** @return what the server counts and measures (what {@code GET /metrics} serves). */
    public LedgerMetrics metrics()
    {
        return metrics;
    }

    /** @return the transport the server runs on: {@link HttpTransport#EPOLL} or {@link HttpTransport#NIO}. */
    public HttpTransport transport()
    {
        return transport;
    }

    /** @return the bound port. */
    public int port()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    /**
     * @return where the server listens, as configured, with the bound port: e.g. {@code https://127.0.0.1:9000},
     *         {@code http://0.0.0.0:9000} (which the JDK binds as the dual-stack {@code ::}), {@code http://[::1]:9000}.
     */
    public String url()
    {
        final String host = bindAddress.indexOf(':') >= 0 ? "[" + bindAddress + "]" : bindAddress;
        return (tls ? "https://" : "http://") + host + ":" + port();
    }

    /** Stops accepting new connections; open ones keep being served until {@link #close()}. */
    public void stopAccepting()
    {
        serverChannel.close().syncUninterruptibly();
    }

    /** Closes every connection and stops the event loops. */
    @Override
    public void close()
    {
        if (serverChannel.isOpen())
        {
            stopAccepting();
        }
        if (events != null)
        {
            events.close(); // its streams are closed first: a stream never ends by itself
        }
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
