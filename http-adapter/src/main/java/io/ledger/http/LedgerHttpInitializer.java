package io.ledger.http;

import java.util.concurrent.TimeUnit;

import io.ledger.engine.Ids;
import io.ledger.engine.LedgerPipeline;
import io.ledger.http.auth.JwtAuthenticator;
import io.ledger.http.metrics.LedgerMetrics;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * Builds each connection's pipeline and nothing else: an idle timeout, the HTTP/1.1 codec with bounded line and
 * header sizes and the per-request deadline ({@link LedgerHttpCodec}), a bounded body aggregator that answers 413 in
 * the JSON error shape, then the request handler.
 *
 * <p>A connection beyond {@link HttpLimits#connectionsMax()} gets a pipeline that answers its first request 503
 * (JSON, {@code Retry-After: 1}, {@code Connection: close}) and closes; one that sends nothing is closed after the
 * request timeout. Accepting and answering is kinder than leaving the client in the kernel's accept queue, where it
 * could neither be served nor told to back off.
 */
final class LedgerHttpInitializer extends ChannelInitializer<SocketChannel>
{
    private final LedgerPipeline pipeline;
    private final JwtAuthenticator authenticator;
    private final RequestParser parser;
    private final IdempotencyGate idempotencyGate = new IdempotencyGate();
    private final HttpOptions options;
    private final HttpLimits limits;
    private final LedgerMetrics metrics;

    LedgerHttpInitializer(
        final LedgerPipeline pipeline, final Ids ids, final JwtAuthenticator authenticator, final HttpOptions options,
        final LedgerMetrics metrics)
    {
        this.pipeline = pipeline;
        this.authenticator = authenticator;
        this.options = options;
        this.limits = options.limits();
        this.metrics = metrics;
        this.parser = new RequestParser(Json.factory(limits.jsonDepthMax(), limits.jsonStringCharsMax()), ids);
    }

    @Override
    protected void initChannel(final SocketChannel channel)
    {
        final boolean admitted = metrics.connectionOpened(limits.connectionsMax());
        channel.closeFuture().addListener(future -> metrics.connectionClosed());
        channel.pipeline()
            .addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeoutMs(), TimeUnit.MILLISECONDS))
            .addLast("codec", new LedgerHttpCodec(limits.initialLineBytesMax(), limits.headerBytesMax(), limits.requestTimeoutMs()))
            .addLast("aggregator", new JsonErrorAggregator(limits.bodyBytesMax(), metrics));
        if (admitted)
        {
            channel.pipeline().addLast("handler",
                new LedgerRequestHandler(pipeline, authenticator, parser, options, idempotencyGate, metrics));
        }
        else
        {
            channel.pipeline().addLast("refuse", new RefuseHandler(limits, metrics));
        }
    }

    /** A body aggregator whose 413 is a JSON error like every other 4xx. */
    private static final class JsonErrorAggregator extends HttpObjectAggregator
    {
        private final int bodyBytesMax;
        private final LedgerMetrics metrics;

        JsonErrorAggregator(final int bodyBytesMax, final LedgerMetrics metrics)
        {
            super(bodyBytesMax);
            this.bodyBytesMax = bodyBytesMax;
            this.metrics = metrics;
        }

        @Override
        protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized)
        {
            final FullHttpResponse response = Responses.error(ctx.alloc(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "request body must be at most " + bodyBytesMax + " bytes");
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            metrics.responseWritten(null, response.status().code(), 0);
            ctx.writeAndFlush(response).addListener(written -> lingeringClose(ctx));
        }
    }

    /** How long a connection answered 413 keeps reading (and discarding) what the client still sends. */
    static final long LINGER_MS = 2_000;

    /**
     * Closes a connection whose client may still be sending a body we refused, without resetting it: a plain close
     * with unread input makes the kernel send RST, which can destroy the 413 before the client reads it. So: shut
     * down our output (FIN after the response), keep reading and discarding (the aggregator drops the rest of an
     * oversized message) until the client closes its side or {@link #LINGER_MS} passes, then close.
     */
    static void lingeringClose(final ChannelHandlerContext ctx)
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
        private boolean answered;

        RefuseHandler(final HttpLimits limits, final LedgerMetrics metrics)
        {
            this.limits = limits;
            this.metrics = metrics;
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
            final boolean request = msg instanceof FullHttpRequest;
            ReferenceCountUtil.release(msg);
            if (!request || answered)
            {
                return;
            }
            answered = true;
            final FullHttpResponse response = Responses.error(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                "The server has too many connections; retry shortly");
            response.headers()
                .set(HttpHeaderNames.RETRY_AFTER, "1")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            metrics.responseWritten(null, response.status().code(), 0);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
        {
            ReferenceCountUtil.release(evt);
            ctx.close(); // idle or request timeout: nothing more to wait for
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }
}
