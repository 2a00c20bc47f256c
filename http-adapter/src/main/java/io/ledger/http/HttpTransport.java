package io.ledger.http;

import java.util.Locale;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket layer of the HTTP server: Netty's native epoll transport (Linux x86-64, the library ships in the jar) or
 * Java NIO. {@link #AUTO}, the default, is epoll where its native library loads and NIO elsewhere; {@link #EPOLL} refuses
 * to start where it does not load. Epoll costs fewer system calls and less JNI per request than NIO (see
 * {@code docs/benchmarking.md}); the pipeline, the handlers and every reply are the same on both.
 *
 * <p>Thread-safety: immutable.
 */
public enum HttpTransport
{
    /** Epoll where it loads, else NIO. */
    AUTO,
    /** Netty's native epoll transport; start-up fails where it does not load. */
    EPOLL,
    /** Java NIO: every platform. */
    NIO;

    /** The transport by default, as the command line spells it. */
    public static final String DEFAULT = "auto";

    /** @return the lower-case name used by the command line. */
    public String optionValue()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the option when {@code value} is not auto, epoll or nio. */
    public static HttpTransport parse(final String value)
    {
        for (final HttpTransport transport : values())
        {
            if (transport.optionValue().equals(value))
            {
                return transport;
            }
        }
        throw new IllegalArgumentException("transport=" + value + " must be one of auto, epoll, nio");
    }

    /**
     * @return the transport this one runs as here: {@link #EPOLL} or {@link #NIO}, never {@link #AUTO}.
     * @throws IllegalArgumentException when this is {@link #EPOLL} and the native library does not load, with the cause.
     */
    public HttpTransport resolve()
    {
        return switch (this)
        {
            case AUTO -> Epoll.isAvailable() ? EPOLL : NIO;
            case NIO -> NIO;
            case EPOLL ->
            {
                if (!Epoll.isAvailable())
                {
                    throw new IllegalArgumentException("transport=epoll is not available on this machine: " + Epoll.unavailabilityCause());
                }
                yield EPOLL;
            }
        };
    }

    /** @return {@code threads} event loops of this (resolved) transport, daemon threads named {@code name-N-M}. */
    EventLoopGroup eventLoops(final int threads, final String name)
    {
        final DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
        return resolve() == EPOLL ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    /** @return the listening socket's class of this (resolved) transport. */
    Class<? extends ServerChannel> serverChannel()
    {
        return resolve() == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
