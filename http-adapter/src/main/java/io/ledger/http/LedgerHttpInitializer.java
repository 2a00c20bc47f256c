package io.ledger.http;

import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonFactory;
import io.ledger.engine.Ids;
import io.ledger.engine.CommandGateway;
import io.ledger.http.auth.JwtAuthenticator;
import io.ledger.http.endpoint.Json;
import io.ledger.http.metrics.LedgerMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * Builds each connection's pipeline and nothing else: TLS when the server has a certificate, an idle timeout, the HTTP/1.1 codec with bounded line and
 * header sizes and the per-request deadline ({@link LedgerHttpCodec}), the framing rules with the bounded body
 * ({@link FramingHandler}, which decides which bytes are requests and never writes), then the request handler, which
 * writes every reply in request order.
 *
 * <p>A connection beyond {@link HttpLimits#connectionsMax()} gets a pipeline that answers its first request 503
 * (JSON, {@code Retry-After: 1}, {@code Connection: close}) and closes; one that sends nothing is closed after the
 * request timeout. Accepting and answering is kinder than leaving the client in the kernel's accept queue, where it
 * could neither be served nor told to back off.
 */
final class LedgerHttpInitializer extends ChannelInitializer<SocketChannel>
{
    private final CommandGateway pipeline;
    private final JwtAuthenticator authenticator;
    private final Ids ids;
    /** Parses bodies within the configured nesting depth and string lengths. */
    private final JsonFactory jsonFactory;
    private final IdempotencyGate idempotencyGate = new IdempotencyGate();
    private final HttpOptions options;
    private final HttpLimits limits;
    private final LedgerMetrics metrics;
    private final SslContext tls;
    private final HealthCheck health;
    private final EventStreamAgent events;

    /** @param tls the server's TLS context, or null for plain HTTP. */
    LedgerHttpInitializer(
        final CommandGateway pipeline, final Ids ids, final JwtAuthenticator authenticator, final HttpOptions options,
        final LedgerMetrics metrics, final SslContext tls, final EventStreamAgent events)
    {
        this.events = events;
        this.tls = tls;
        this.health = new HealthCheck(pipeline, options);
        this.pipeline = pipeline;
        this.authenticator = authenticator;
        this.options = options;
        this.limits = options.limits();
        this.metrics = metrics;
        this.ids = ids;
        this.jsonFactory = Json.factory(limits.jsonDepthMax(), limits.jsonStringCharsMax());
    }

    @Override
    protected void initChannel(final SocketChannel channel)
    {
        final boolean admitted = metrics.connectionOpened(limits.connectionsMax());
        channel.closeFuture().addListener(future -> metrics.connectionClosed());
        final LedgerHttpCodec codec = new LedgerHttpCodec(limits.initialLineBytesMax(), limits.headerBytesMax(), limits.requestTimeoutMs());
        final FramingHandler framing = new FramingHandler(codec, limits);
        if (tls != null)
        {
            channel.pipeline().addLast("tls", tlsHandler(channel));
        }
        channel.pipeline()
            .addLast("idle", new IdleTimeoutHandler(limits.idleTimeoutMs()))
            .addLast("codec", codec)
            .addLast("framing", framing);
        if (admitted)
        {
            channel.pipeline().addLast("handler",
                new LedgerRequestHandler(pipeline, authenticator, ids, jsonFactory, options, idempotencyGate, metrics, framing, health, events));
        }
        else
        {
            channel.pipeline().addLast("refuse", new RefuseHandler(limits, metrics, framing));
        }
    }

    /**
     * The TLS handler: first in the pipeline, so that everything after it sees plain HTTP. The handshake must finish
     * within the request timeout, as a request must; a client that speaks plain HTTP to it is disconnected.
     */
    private SslHandler tlsHandler(final SocketChannel channel)
    {
        final SslHandler handler = tls.newHandler(channel.alloc());
        handler.setHandshakeTimeoutMillis(limits.requestTimeoutMs());
        return handler;
    }

    /** How long a connection keeps reading (and discarding) what the client still sends after its last reply. */
    static final long LINGER_MS = 2_000;

    /**
     * Closes a connection after its last reply without resetting it: a plain close with unread input (a body we
     * refused, requests pipelined after the last one) makes the kernel send RST, which can destroy the reply before
     * the client reads it. So: shut down our output (FIN after the reply), keep reading until the client closes its
     * side or {@link #LINGER_MS} passes, then close. The decoder discards what it reads meanwhile
     * ({@link LedgerHttpCodec#endInput()}): none of it is a request.
     */
    static void lingeringClose(final ChannelHandlerContext ctx)
    {
        final io.netty.channel.Channel channel = ctx.channel();
        final SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls != null && channel.isActive())
        {
            // TLS: close_notify after the reply (so that the client can tell the end from a truncation), then the same.
            tls.closeOutbound().addListener(notified -> shutdownAndLinger(ctx));
            return;
        }
        shutdownAndLinger(ctx);
    }

    private static void shutdownAndLinger(final ChannelHandlerContext ctx)
    {
        final io.netty.channel.Channel channel = ctx.channel();
        if (channel instanceof SocketChannel socket && socket.isActive() && !socket.isOutputShutdown())
        {
            socket.shutdownOutput().addListener(shut -> ctx.executor().schedule(
                () -> channel.close(), LINGER_MS, TimeUnit.MILLISECONDS));
            if (!channel.config().isAutoRead())
            {
                channel.config().setAutoRead(true);
            }
        }
        else
        {
            channel.close();
        }
    }

    /** The whole life of a connection over the limit: answer its first request 503, then close. */
    private static final class RefuseHandler extends ChannelInboundHandlerAdapter
    {
        private final HttpLimits limits;
        private final LedgerMetrics metrics;
        private final FramingHandler framing;
        private boolean answered;

        RefuseHandler(final HttpLimits limits, final LedgerMetrics metrics, final FramingHandler framing)
        {
            this.limits = limits;
            this.metrics = metrics;
            this.framing = framing;
        }

        @Override
        public void channelActive(final ChannelHandlerContext ctx)
        {
            ctx.executor().schedule(() -> ctx.close(), limits.requestTimeoutMs(), TimeUnit.MILLISECONDS);
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            // a request, a refusal of one, or one waiting for 100 Continue: the first of them is answered 503
            final boolean request = msg instanceof FullHttpRequest || msg instanceof FramingHandler.Refusal
                || msg == FramingHandler.Interim.CONTINUE;
            ReferenceCountUtil.release(msg);
            if (!request || answered)
            {
                return;
            }
            answered = true;
            framing.endInput();
            final FullHttpResponse response = Responses.error(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                "The server has too many connections; retry shortly");
            response.headers()
                .set(HttpHeaderNames.RETRY_AFTER, "1")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            metrics.responseWritten(null, response.status().code(), 0);
            ctx.writeAndFlush(response).addListener(written -> lingeringClose(ctx));
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
        {
            ReferenceCountUtil.release(evt);
            if (!answered)
            {
                ctx.close(); // idle: nothing more to wait for
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }
}
