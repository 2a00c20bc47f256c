package io.ledger.http;

import java.util.List;
import java.util.Map;

import io.ledger.http.auth.JwtAuthenticator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Opens {@code GET /api/canary/events} on the request handler's event loop: the merchant's token as for every merchant
 * route, the resume point ({@code Last-Event-ID} header, else {@code ?lastEventId=}; else {@code ?from=latest}; else the
 * merchant's first event), then the response head ({@code text/event-stream}, chunked) and the hand-over to the
 * {@link EventStreamAgent}. From then on the connection reads no more requests, is exempt from the idle timeout (the
 * stream's keep-alives show it alive) and still counts against the connection cap.
 *
 * <p>Thread-safety: stateless; the connection's event loop.
 */
final class EventStreams
{
    static final String LAST_EVENT_ID = "Last-Event-ID";

    private EventStreams()
    {
    }

    /**
     * @return the refusal to write (the request answered as usual), or null when the connection became a stream.
     */
    static FullHttpResponse open(
        final Channel channel, final FullHttpRequest request, final JwtAuthenticator authenticator, final EventStreamAgent agent,
        final AccessRecord record)
    {
        if (agent == null)
        {
            return Responses.error(channel.alloc(), HttpResponseStatus.NOT_FOUND, "The change stream is not served by this server");
        }
        final JwtAuthenticator.AuthResult auth = authenticator.authenticate(request.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (!auth.ok())
        {
            return Responses.unauthorized(channel.alloc(), auth.error());
        }
        if (auth.operator())
        {
            return Responses.error(channel.alloc(), HttpResponseStatus.FORBIDDEN, "An operator token cannot use the merchant API");
        }
        final String merchantId = auth.merchantId();
        record.merchant(merchantId);
        final Map<String, List<String>> params;
        try
        {
            params = new QueryStringDecoder(request.uri()).parameters();
        }
        catch (final IllegalArgumentException ex)
        {
            return Responses.error(channel.alloc(), HttpResponseStatus.BAD_REQUEST, "Malformed query string");
        }
        final List<String> from = params.get("from");
        if (from != null && (from.size() != 1 || !"latest".equals(from.get(0))))
        {
            return Responses.error(channel.alloc(), HttpResponseStatus.BAD_REQUEST, "from must be latest (or absent: from the first event)");
        }
        String resume = request.headers().get(LAST_EVENT_ID);
        final List<String> lastEventId = params.get("lastEventId");
        if (lastEventId != null && lastEventId.size() != 1)
        {
            return Responses.error(channel.alloc(), HttpResponseStatus.BAD_REQUEST, "lastEventId must be given once");
        }
        if (resume == null && lastEventId != null)
        {
            resume = lastEventId.get(0);
        }
        long afterId = Long.MIN_VALUE;
        if (resume != null)
        {
            afterId = parseId(resume.trim());
            if (afterId < 0)
            {
                return Responses.error(channel.alloc(), HttpResponseStatus.BAD_REQUEST,
                    "Last-Event-ID must be an event id: a non-negative decimal integer");
            }
        }
        if (!agent.reserve())
        {
            final FullHttpResponse busy = Responses.error(channel.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                "Too many open event streams; retry shortly");
            busy.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            return busy;
        }
        // a resume point wins over from=latest: a client's reconnect repeats the URL it opened with
        final boolean atEnd = resume == null && from != null;
        final EventStreamOptions options = agent.options();
        if (channel.pipeline().get("idle") != null)
        {
            channel.pipeline().remove("idle");
        }
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(options.bufferBytes() / 2, options.bufferBytes()));
        channel.config().setOption(ChannelOption.SO_SNDBUF, options.bufferBytes());
        final HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
            .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
            .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
            .set("X-Accel-Buffering", "no");
        HttpUtil.setTransferEncodingChunked(head, true);
        channel.writeAndFlush(head, channel.voidPromise());
        agent.subscribe(channel, merchantId, afterId == Long.MIN_VALUE ? 0 : afterId, atEnd);
        return null;
    }

    /** @return the id, or -1 when it is not a non-negative decimal that fits a long. */
    static long parseId(final String text)
    {
        if (text.isEmpty() || text.length() > 19)
        {
            return -1;
        }
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
        }
        try
        {
            return Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
