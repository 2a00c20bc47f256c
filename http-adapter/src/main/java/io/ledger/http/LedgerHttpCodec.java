package io.ledger.http;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The HTTP/1.1 server codec, as Netty's {@code HttpServerCodec} (bounded request line and headers; a reply to
 * {@code HEAD} has no body; a request with both {@code Transfer-Encoding: chunked} and {@code Content-Length} has
 * its connection closed after the reply), plus a per-request deadline against slow clients.
 *
 * <p><b>The deadline.</b> Each request must arrive whole within {@code requestTimeoutMs} of its first byte. The
 * idle timeout alone does not stop a client that sends one byte every few seconds ("slow loris"): every byte counts
 * as activity. The decoder is the one place that knows when a request starts (the first byte it is handed while no
 * request is in progress, including bytes left over behind the previous request in the same read) and when it ends
 * (it emits {@link LastHttpContent}), so the timer lives here. When it fires, the decoder discards all further input
 * and fires {@link RequestTimeout#EVENT}; the request handler answers 408 and closes the connection.
 *
 * <p>Thread-safety: one instance per connection, event loop only.
 */
final class LedgerHttpCodec extends CombinedChannelDuplexHandler<LedgerHttpCodec.RequestDecoder, LedgerHttpCodec.ResponseEncoder>
{
    /** The user event fired when a request did not arrive whole in time. */
    enum RequestTimeout
    {
        EVENT
    }

    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>(4);
    private boolean closeAfterResponse;

    LedgerHttpCodec(final int initialLineBytesMax, final int headerBytesMax, final long requestTimeoutMs)
    {
        init(
            new RequestDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(initialLineBytesMax)
                .setMaxHeaderSize(headerBytesMax)
                .setMaxChunkSize(8192), requestTimeoutMs),
            new ResponseEncoder());
    }

    final class RequestDecoder extends HttpRequestDecoder
    {
        private final long requestTimeoutNs;
        private ChannelHandlerContext ctx;
        private final Runnable check = this::check;
        /** The timer, or null: armed at most once at a time, and left unarmed while no request is in progress. */
        private ScheduledFuture<?> timer;
        private boolean receiving;
        private long requestStartNs;
        private boolean timedOut;

        RequestDecoder(final HttpDecoderConfig config, final long requestTimeoutMs)
        {
            super(config);
            this.requestTimeoutNs = TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs);
        }

        @Override
        protected void decode(final ChannelHandlerContext ctx, final ByteBuf buffer, final List<Object> out) throws Exception
        {
            if (timedOut)
            {
                buffer.skipBytes(buffer.readableBytes());
                return;
            }
            if (!receiving && buffer.isReadable())
            {
                receiving = true;
                requestStartNs = System.nanoTime();
                if (timer == null)
                {
                    this.ctx = ctx;
                    timer = ctx.executor().schedule(check, requestTimeoutNs, TimeUnit.NANOSECONDS);
                }
            }
            final int before = out.size();
            super.decode(ctx, buffer, out);
            for (int i = before, size = out.size(); i < size; i++)
            {
                final Object message = out.get(i);
                if (message instanceof HttpRequest request)
                {
                    methods.add(request.method());
                }
                if (message instanceof LastHttpContent)
                {
                    receiving = false; // the timer stays armed: the next request most likely follows soon
                }
            }
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(final HttpMessage message)
        {
            super.handleTransferEncodingChunkedWithContentLength(message);
            closeAfterResponse = true;
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) throws Exception
        {
            cancelTimer();
            super.channelInactive(ctx);
        }

        @Override
        protected void handlerRemoved0(final ChannelHandlerContext ctx) throws Exception
        {
            cancelTimer();
            super.handlerRemoved0(ctx);
        }

        /**
         * The timer fired: expire the request in progress if its deadline has passed, re-arm for the rest of it if
         * not, and stay unarmed if no request is in progress. So a connection sending request after request costs
         * one scheduled task per timeout period, not one per request.
         */
        private void check()
        {
            timer = null;
            if (!receiving || timedOut)
            {
                return;
            }
            final long remainingNs = requestStartNs + requestTimeoutNs - System.nanoTime();
            if (remainingNs > 0)
            {
                timer = ctx.executor().schedule(check, remainingNs, TimeUnit.NANOSECONDS);
                return;
            }
            timedOut = true;
            ctx.fireUserEventTriggered(RequestTimeout.EVENT);
        }

        private void cancelTimer()
        {
            if (timer != null)
            {
                timer.cancel(false);
                timer = null;
            }
        }
    }

    final class ResponseEncoder extends HttpResponseEncoder
    {
        private HttpMethod method;

        @Override
        public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise) throws Exception
        {
            ChannelPromise p = promise;
            if (closeAfterResponse && msg instanceof LastHttpContent)
            {
                closeAfterResponse = false;
                p = promise.unvoid().addListener(ChannelFutureListener.CLOSE);
            }
            super.write(ctx, msg, p);
        }

        @Override
        protected void sanitizeHeadersBeforeEncode(final HttpResponse msg, final boolean isAlwaysEmpty)
        {
            if (!isAlwaysEmpty && HttpMethod.CONNECT.equals(method) && msg.status().codeClass() == HttpStatusClass.SUCCESS)
            {
                msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
                return;
            }
            super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
        }

        @Override
        protected boolean isContentAlwaysEmpty(final HttpResponse msg)
        {
            if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL && msg.status().code() != 101)
            {
                return super.isContentAlwaysEmpty(msg); // "100 Continue" precedes the real reply to the same request
            }
            method = methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }
    }
}
