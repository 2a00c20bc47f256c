package io.ledger.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

/**
 * The one place that decides how the requests of a connection are framed: which bytes are a request, which are its
 * body, whether it will be read at all, and whether another request may follow it. It sits between the decoder
 * ({@link LedgerHttpCodec}) and the request handler, in place of Netty's {@code HttpObjectAggregator}, and it never
 * writes to the channel: every decision travels up the pipeline, in request order, as one of
 *
 * <ul>
 *   <li>a {@link FullHttpRequest}: a request whose header block passed every check below and whose body was read
 *       whole (at most {@link HttpLimits#bodyBytesMax()} bytes);</li>
 *   <li>{@link Interim#CONTINUE}: the request just decoded asked for {@code 100 Continue} and will be read. The
 *       request handler sends the interim response in its turn, after the replies of the requests before it;</li>
 *   <li>a {@link Refusal}: the request is refused (status and message). It is the connection's last message: the
 *       decoder discards every further byte ({@link LedgerHttpCodec#endInput()}), so a body that was not read can
 *       never run as a request, and the request handler answers the refusal after the replies due before it, then
 *       closes the connection.</li>
 * </ul>
 *
 * <p>Refused, and the connection closed (see docs/http-conformance.md for why each):
 * <ul>
 *   <li>a request the decoder could not parse (400; a request line too long 414, a header block too large 431),
 *       a request line that is not three words separated by single spaces and obsolete line folding included;</li>
 *   <li>an HTTP version other than HTTP/1.1 and HTTP/1.0 (400);</li>
 *   <li>no {@code Host} in HTTP/1.1, more than one, or one that is not a host and port (400);</li>
 *   <li>{@code Transfer-Encoding} other than exactly one field {@code chunked}, in HTTP/1.0, or next to
 *       {@code Content-Length} (400); more than one {@code Content-Length} (400); a field named
 *       {@code Content_Length} or {@code Transfer_Encoding} (400);</li>
 *   <li>more than one {@code Authorization}, {@code Idempotency-Key} or {@code Content-Type} (400);</li>
 *   <li>an {@code Expect} other than one {@code 100-continue} (417);</li>
 *   <li>a request target that is not an absolute path (or an {@code http://} absolute URI, whose path is then used),
 *       or that holds a byte RFC 3986 does not allow (400);</li>
 *   <li>a declared body larger than the limit, or a chunked one that grows past it (413); a malformed chunk (400);</li>
 *   <li>a request that did not arrive whole in time (408, from {@link LedgerHttpCodec.RequestTimeout}).</li>
 * </ul>
 *
 * <p>A request with {@code Connection: close} (or HTTP/1.0 without {@code keep-alive}) is the connection's last: the
 * decoder discards what follows it.
 *
 * <p>Thread-safety: one instance per connection, event loop only.
 */
final class FramingHandler extends ChannelInboundHandlerAdapter
{
    /**
     * A request refused by the framing rules: the request handler answers it with {@code status} and
     * {@code message} in the JSON error shape, in request order, and then closes the connection.
     */
    record Refusal(HttpResponseStatus status, String message)
    {
    }

    /** An interim response due before a request's final one. */
    enum Interim
    {
        /** The request expects {@code 100 Continue} and its body will be read. */
        CONTINUE
    }

    private static final Refusal MALFORMED = new Refusal(HttpResponseStatus.BAD_REQUEST, "Malformed HTTP request");
    private static final Refusal MALFORMED_CHUNK = new Refusal(HttpResponseStatus.BAD_REQUEST, "Malformed chunked request body");
    private static final Refusal FOLDED = new Refusal(HttpResponseStatus.BAD_REQUEST,
        "Header fields must not be folded over several lines (obsolete line folding)");
    private static final Refusal REQUEST_LINE = new Refusal(HttpResponseStatus.BAD_REQUEST,
        "The request line must be a method, a target and an HTTP version separated by single spaces");
    private static final Refusal VERSION = new Refusal(HttpResponseStatus.BAD_REQUEST, "The HTTP version must be HTTP/1.1 or HTTP/1.0");
    private static final Refusal HOST = new Refusal(HttpResponseStatus.BAD_REQUEST,
        "Host must appear exactly once (at most once in HTTP/1.0) and be a host and optional port");
    private static final Refusal TRANSFER_ENCODING = new Refusal(HttpResponseStatus.BAD_REQUEST,
        "Transfer-Encoding must be exactly chunked, once");
    private static final Refusal TRANSFER_ENCODING_HTTP_1_0 = new Refusal(HttpResponseStatus.BAD_REQUEST,
        "Transfer-Encoding is not allowed in HTTP/1.0");
    private static final Refusal TRANSFER_ENCODING_AND_LENGTH = new Refusal(HttpResponseStatus.BAD_REQUEST,
        "A request must not have both Transfer-Encoding and Content-Length");
    private static final Refusal CONTENT_LENGTH = new Refusal(HttpResponseStatus.BAD_REQUEST, "Content-Length must appear at most once");
    private static final Refusal FRAMING_LOOKALIKE = new Refusal(HttpResponseStatus.BAD_REQUEST,
        "Content_Length and Transfer_Encoding are refused: a proxy may read them as Content-Length and Transfer-Encoding");
    private static final Refusal AUTHORIZATION = new Refusal(HttpResponseStatus.BAD_REQUEST, "Authorization must appear at most once");
    private static final Refusal IDEMPOTENCY_KEY = new Refusal(HttpResponseStatus.BAD_REQUEST, "Idempotency-Key must appear at most once");
    private static final Refusal CONTENT_TYPE = new Refusal(HttpResponseStatus.BAD_REQUEST, "Content-Type must appear at most once");
    private static final Refusal EXPECTATION = new Refusal(HttpResponseStatus.EXPECTATION_FAILED,
        "The only expectation supported is 100-continue");
    private static final Refusal TARGET = new Refusal(HttpResponseStatus.BAD_REQUEST,
        "The request target must be an absolute path of printable ASCII characters that RFC 3986 allows");

    /** Bytes allowed in a request target: RFC 3986's unreserved, reserved but '#', and '%'. */
    private static final boolean[] TARGET_BYTES = new boolean[128];
    /** Bytes allowed in a Host value: a reg-name, an IP literal in brackets, a port. */
    private static final boolean[] HOST_BYTES = new boolean[128];

    static
    {
        for (int c = 0x21; c < 0x7F; c++)
        {
            TARGET_BYTES[c] = "\"#<>\\^`{|}".indexOf(c) < 0;
            HOST_BYTES[c] = Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:%[]".indexOf(c) >= 0;
        }
    }

    private final LedgerHttpCodec codec;
    private final HttpLimits limits;

    /** The request whose body is being read, or null between requests. */
    private HttpRequest head;
    /** Its declared length, or -1 when it is chunked. */
    private long contentLength;
    private ByteBuf body;
    /** The request being read is the connection's last. */
    private boolean lastRequest;
    /** No further request will be framed on this connection. */
    private boolean ended;

    FramingHandler(final LedgerHttpCodec codec, final HttpLimits limits)
    {
        this.codec = codec;
        this.limits = limits;
    }

    // ---- called by the request handler, event loop only

    /** Stops decoding at the next request boundary (the handler has as many requests waiting as it may hold). */
    void pauseInput()
    {
        codec.pauseInput();
    }

    /** Decodes what a pause left buffered. */
    void resumeInput()
    {
        if (!ended)
        {
            codec.resumeInput();
        }
    }

    /** No further request on this connection: every byte from now on is discarded, never decoded. */
    void endInput()
    {
        ended = true;
        codec.endInput();
        releasePending();
    }

    // ---- the pipeline

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (ended)
        {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request)
        {
            onHead(ctx, request);
            if (head == null)
            {
                ReferenceCountUtil.release(msg); // refused (a request the decoder could not parse comes whole)
                return;
            }
        }
        if (msg instanceof HttpContent content)
        {
            onContent(ctx, content);
        }
        else
        {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
    {
        if (evt == LedgerHttpCodec.RequestTimeout.EVENT)
        {
            if (!ended)
            {
                refuse(ctx, new Refusal(HttpResponseStatus.REQUEST_TIMEOUT,
                    "The request did not arrive in full within " + limits.requestTimeoutMs() + " ms"));
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        releasePending();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        releasePending();
    }

    // ---- framing

    private void onHead(final ChannelHandlerContext ctx, final HttpRequest request)
    {
        releasePending(); // the decoder starts a request only after the last one ended: nothing is pending
        final Refusal refusal = refusalOf(request);
        if (refusal != null)
        {
            refuse(ctx, refusal);
            return;
        }
        head = request;
        lastRequest = !HttpUtil.isKeepAlive(request);
        final RequestHeaders headers = (RequestHeaders)request.headers();
        if (headers.transferEncodingFields > 0)
        {
            contentLength = -1;
        }
        if (headers.expectFields > 0 && request.protocolVersion() == HttpVersion.HTTP_1_1 && contentLength != 0)
        {
            ctx.fireChannelRead(Interim.CONTINUE); // an HTTP/1.0 client ignores it, and the RFC says: ignore
        }
    }

    /**
     * @return why {@code request}'s head is refused, or null when its body is to be read. Sets
     *         {@link #contentLength}, and rewrites an absolute-form target to its path.
     */
    private Refusal refusalOf(final HttpRequest request)
    {
        final DecoderResult result = request.decoderResult();
        if (result.isFailure())
        {
            return decodeFailure(result.cause());
        }
        final HttpVersion version = request.protocolVersion();
        if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0)
        {
            return VERSION;
        }
        final RequestHeaders headers = (RequestHeaders)request.headers();
        if (headers.hostFields > 1 || headers.hostFields == 0 && version == HttpVersion.HTTP_1_1
            || headers.hostFields == 1 && !isHost(headers.get(HttpHeaderNames.HOST), 0))
        {
            return HOST;
        }
        if (headers.transferEncodingFields > 0)
        {
            if (version == HttpVersion.HTTP_1_0)
            {
                return TRANSFER_ENCODING_HTTP_1_0;
            }
            if (headers.transferEncodingFields > 1
                || !HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(headers.get(HttpHeaderNames.TRANSFER_ENCODING)))
            {
                return TRANSFER_ENCODING;
            }
            if (headers.contentLengthFields > 0)
            {
                return TRANSFER_ENCODING_AND_LENGTH;
            }
        }
        if (headers.contentLengthFields > 1)
        {
            return CONTENT_LENGTH;
        }
        if (headers.framingLookalikeFields > 0)
        {
            return FRAMING_LOOKALIKE;
        }
        if (headers.authorizationFields > 1)
        {
            return AUTHORIZATION;
        }
        if (headers.idempotencyKeyFields > 1)
        {
            return IDEMPOTENCY_KEY;
        }
        if (headers.contentTypeFields > 1)
        {
            return CONTENT_TYPE;
        }
        if (headers.expectFields > 0 && (headers.expectFields > 1
            || !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(headers.get(HttpHeaderNames.EXPECT))))
        {
            return EXPECTATION;
        }
        if (!checkTarget(request))
        {
            return TARGET;
        }
        contentLength = headers.contentLengthFields == 0 ? 0 : HttpUtil.getContentLength(request, 0L);
        if (contentLength > limits.bodyBytesMax())
        {
            return tooLarge();
        }
        return null;
    }

    private Refusal decodeFailure(final Throwable cause)
    {
        if (cause == LedgerHttpCodec.OBSOLETE_LINE_FOLDING)
        {
            return FOLDED;
        }
        if (cause == LedgerHttpCodec.MALFORMED_REQUEST_LINE)
        {
            return REQUEST_LINE;
        }
        if (cause instanceof TooLongHttpLineException)
        {
            return new Refusal(HttpResponseStatus.REQUEST_URI_TOO_LONG,
                "The request line must be at most " + limits.initialLineBytesMax() + " bytes");
        }
        if (cause instanceof TooLongHttpHeaderException)
        {
            return new Refusal(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                "The header fields must be at most " + limits.headerBytesMax() + " bytes");
        }
        return MALFORMED;
    }

    private Refusal tooLarge()
    {
        return new Refusal(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body must be at most " + limits.bodyBytesMax() + " bytes");
    }

    /**
     * @return true when the target is an absolute path (origin form), or an {@code http://} URI (absolute form, RFC
     *         9112 section 3.2.2: a server must accept it), which is rewritten to its path and query; and when every
     *         byte of it is one RFC 3986 allows.
     */
    private static boolean checkTarget(final HttpRequest request)
    {
        String target = request.uri();
        if (target.isEmpty())
        {
            return false;
        }
        if (target.charAt(0) != '/')
        {
            if (!target.regionMatches(true, 0, "http://", 0, 7))
            {
                return false; // asterisk form (OPTIONS *), authority form (CONNECT), another scheme or no slash
            }
            int pathStart = 7;
            while (pathStart < target.length() && target.charAt(pathStart) != '/' && target.charAt(pathStart) != '?')
            {
                pathStart++;
            }
            if (pathStart == 7 || !isHost(target.substring(7, pathStart), 1))
            {
                return false;
            }
            target = pathStart == target.length() ? "/" : target.charAt(pathStart) == '?' ? "/" + target.substring(pathStart)
                : target.substring(pathStart);
            request.setUri(target);
        }
        for (int i = 0, n = target.length(); i < n; i++)
        {
            final char c = target.charAt(i);
            if (c >= 128 || !TARGET_BYTES[c])
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isHost(final String value, final int minChars)
    {
        if (value.length() < minChars)
        {
            return false;
        }
        for (int i = 0, n = value.length(); i < n; i++)
        {
            final char c = value.charAt(i);
            if (c >= 128 || !HOST_BYTES[c])
            {
                return false;
            }
        }
        return true;
    }

    private void onContent(final ChannelHandlerContext ctx, final HttpContent content)
    {
        if (head == null)
        {
            content.release(); // the trailing part of a request already refused
            return;
        }
        if (content.decoderResult().isFailure())
        {
            content.release();
            refuse(ctx, MALFORMED_CHUNK);
            return;
        }
        final ByteBuf chunk = content.content();
        final boolean last = content instanceof LastHttpContent;
        if (body == null && last)
        {
            body = chunk; // the whole body in one piece: no copy (it is released with the request)
        }
        else
        {
            if (body == null)
            {
                final int bodyBytesMax = limits.bodyBytesMax();
                body = contentLength > 0 ? ctx.alloc().buffer((int)contentLength, (int)contentLength)
                    : ctx.alloc().buffer(Math.min(bodyBytesMax, Math.max(256, 2 * chunk.readableBytes())), bodyBytesMax);
            }
            if (chunk.readableBytes() > body.maxWritableBytes())
            {
                content.release();
                refuse(ctx, tooLarge()); // a chunked body growing past the limit
                return;
            }
            body.writeBytes(chunk);
            content.release();
        }
        if (last)
        {
            final HttpRequest request = head;
            final ByteBuf whole = body;
            head = null;
            body = null;
            if (lastRequest)
            {
                endInput(); // nothing after the connection's last request is decoded
            }
            ctx.fireChannelRead(new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(), whole,
                request.headers(), EmptyHttpHeaders.INSTANCE));
        }
    }

    private void refuse(final ChannelHandlerContext ctx, final Refusal refusal)
    {
        endInput();
        ctx.fireChannelRead(refusal);
    }

    private void releasePending()
    {
        head = null;
        contentLength = 0;
        if (body != null)
        {
            final ByteBuf pending = body;
            body = null;
            pending.release();
        }
    }
}
