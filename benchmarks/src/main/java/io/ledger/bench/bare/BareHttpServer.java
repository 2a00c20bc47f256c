package io.ledger.bench.bare;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The transport floor: a Netty HTTP/1.1 server that does nothing but answer, so that the ledger's request path can be
 * compared with what the same transport costs on the same machine in the same run. One accept thread
 * ({@code bare-accept}) and one I/O thread ({@code bare-io}), as the ledger runs by default; the pipeline is
 * {@link BareHttpInitializer}'s, the answer {@link BareHttpHandler}'s. Bootstrap and lifecycle only.
 *
 * <p>Thread-safety: start and close from one thread.
 */
public final class BareHttpServer implements AutoCloseable
{
    /** The socket layer: Java NIO (the ledger's today) or Netty's native epoll (Linux only). */
    public enum Transport
    {
        NIO, EPOLL;

        /** @return the transport named {@code text} ({@code nio} or {@code epoll}, any case). */
        public static Transport parse(final String text)
        {
            try
            {
                return valueOf(text.strip().toUpperCase(Locale.ROOT));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("transport=" + text + " must be nio or epoll", ex);
            }
        }
    }

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel serverChannel;
    private final Transport transport;

    private BareHttpServer(final EventLoopGroup bossGroup, final EventLoopGroup workerGroup, final Channel serverChannel, final Transport transport)
    {
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.serverChannel = serverChannel;
        this.transport = transport;
    }

    /**
     * Binds {@code host:port} (port 0 picks a free one) and starts answering.
     *
     * @throws IllegalStateException when {@code transport} is epoll and Netty's native library does not load here.
     */
    public static BareHttpServer start(final String host, final int port, final Transport transport, final byte[] replyBody)
    {
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("port=" + port + " must be in 0..65535");
        }
        if (transport == Transport.EPOLL && !Epoll.isAvailable())
        {
            throw new IllegalStateException("transport=epoll is not available here: " + Epoll.unavailabilityCause());
        }
        final boolean epoll = transport == Transport.EPOLL;
        final DefaultThreadFactory acceptThreads = new DefaultThreadFactory("bare-accept", true);
        final DefaultThreadFactory ioThreads = new DefaultThreadFactory("bare-io", true);
        final EventLoopGroup boss = epoll ? new EpollEventLoopGroup(1, acceptThreads) : new NioEventLoopGroup(1, acceptThreads);
        final EventLoopGroup workers = epoll ? new EpollEventLoopGroup(1, ioThreads) : new NioEventLoopGroup(1, ioThreads);
        final Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        try
        {
            final Channel channel = new ServerBootstrap()
                .group(boss, workers)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new BareHttpInitializer(replyBody))
                .bind(new InetSocketAddress(host, port))
                .syncUninterruptibly()
                .channel();
            return new BareHttpServer(boss, workers, channel, transport);
        }
        catch (final RuntimeException ex)
        {
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw ex;
        }
    }

    /** @return the bound port. */
    public int port()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    public Transport transport()
    {
        return transport;
    }

    /** Closes the listening socket and every connection, and stops both event loops. */
    @Override
    public void close()
    {
        serverChannel.close().syncUninterruptibly();
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
