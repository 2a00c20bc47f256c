package io.ledger.http;

import java.util.concurrent.TimeUnit;

import io.ledger.engine.LedgerPipeline;
import io.ledger.http.auth.JwtAuthenticator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * Builds each connection's pipeline and nothing else: HTTP/1.1 codec with bounded line and header sizes, an idle
 * timeout, a bounded body aggregator that answers 413 in the JSON error shape, then the request handler.
 */
final class LedgerHttpInitializer extends ChannelInitializer<SocketChannel>
{
    private final LedgerPipeline pipeline;
    private final JwtAuthenticator authenticator;
    private final RequestParser parser = new RequestParser();
    private final IdempotencyGate idempotencyGate = new IdempotencyGate();
    private final HttpLimits limits;

    LedgerHttpInitializer(final LedgerPipeline pipeline, final JwtAuthenticator authenticator, final HttpLimits limits)
    {
        this.pipeline = pipeline;
        this.authenticator = authenticator;
        this.limits = limits;
    }

    @Override
    protected void initChannel(final SocketChannel channel)
    {
        channel.pipeline()
            .addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeoutMs(), TimeUnit.MILLISECONDS))
            .addLast("codec", new HttpServerCodec(limits.initialLineBytesMax(), limits.headerBytesMax(), 8192))
            .addLast("aggregator", new JsonErrorAggregator(limits.bodyBytesMax()))
            .addLast("handler", new LedgerRequestHandler(pipeline, authenticator, parser, limits, idempotencyGate));
    }

    /** A body aggregator whose 413 is a JSON error like every other 4xx. */
    private static final class JsonErrorAggregator extends HttpObjectAggregator
    {
        private final int bodyBytesMax;

        JsonErrorAggregator(final int bodyBytesMax)
        {
            super(bodyBytesMax);
            this.bodyBytesMax = bodyBytesMax;
        }

        @Override
        protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized)
        {
            final FullHttpResponse response = Responses.error(ctx.alloc(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "request body must be at most " + bodyBytesMax + " bytes");
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
