package io.ledger.http;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpConstants;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The HTTP/1.1 server codec, as Netty's {@code HttpServerCodec} (bounded request line and headers, strict CRLF line
 * ends, validated header names and values; a reply to {@code HEAD} has no body), plus what {@link FramingHandler},
 * the one place that decides how requests are framed, needs from the decoder:
 *
 * <ul>
 *   <li><b>Counted header fields.</b> Every request's headers are {@link RequestHeaders}, which count the fields whose
 *       repetition matters while the decoder adds them.</li>
 *   <li><b>A strict request line</b> (RFC 9112 section 3): method, target and version separated by single spaces,
 *       no other whitespace or control byte, nothing but empty lines before it. Netty accepts runs of spaces, tabs,
 *       vertical tabs and form feeds as separators and skips any whitespace or control bytes before the line; a
 *       proxy in front may split such a line otherwise.</li>
 *   <li><b>Obsolete line folding</b> (a header line that starts with a space or a tab, RFC 9112 section 5.2).</li>
 *   <li>Either marks the request as failed to decode, so {@link FramingHandler} refuses it: Netty would silently
 *       join folded lines and split a lenient request line its own way.</li>
 *   <li><b>Strict chunk-size lines</b> (RFC 9112 section 7.1): hex digits, then nothing or {@code ;} and an extension,
 *       then CRLF. Netty reads the size from a prefix and skips the rest ({@code " 5"}, {@code "5 x"}, {@code "5\0"}
 *       all read as 5), which a proxy in front may read differently: the way request smuggling starts. The decoder
 *       checks the lines of a chunked body as they are consumed, and a bad one fails the request.</li>
 *   <li><b>No decoding after the last request.</b> {@link #endInput()}: once a request is refused in a way that ends
 *       the connection, or the connection's last request ({@code Connection: close}) is complete, every further byte
 *       is discarded, never decoded. So a body that was not read can never run as a request.</li>
 *   <li><b>Back-pressure by request.</b> {@link #pauseInput()} stops decoding between two requests, leaving what was
 *       already read in the decoder's buffer (at most one socket read, because the request handler stops reading
 *       before it pauses the decoder), and {@link #resumeInput()} decodes it once the handler has room. So a client
 *       may pipeline any number of requests: they are decoded as fast as they are answered, never dropped.</li>
 *   <li><b>The deadline.</b> Each request must arrive whole within {@code requestTimeoutMs} of its first byte. The
 *       idle timeout alone does not stop a client that sends one byte every few seconds ("slow loris"): every byte
 *       counts as activity. The decoder is the one place that knows when a request starts (the first byte it is
 *       handed while no request is in progress, including bytes left over behind the previous request in the same
 *       read) and when it ends (it emits {@link LastHttpContent}), so the timer lives here. When it fires, the
 *       decoder discards all further input and fires {@link RequestTimeout#EVENT}, which {@link FramingHandler}
 *       turns into a 408 in request order.</li>
 *   <li><b>Whole replies in one buffer.</b> A complete reply ({@link FullHttpResponse}: every reply but the interim
 *       {@code 100 Continue} and the head of an event stream) is written as one pooled direct buffer holding its status
 *       line, header fields and body ({@link #encodeWhole}), in place of Netty's encoder, which writes the head and the
 *       body as two buffers and checks every header again while encoding. Every header field of a reply is one the
 *       server wrote itself (names and values are constants, digits or our ids), and one that did not come from
 *       {@link Responses} was checked when it was set. The rules are the encoder's: no body after a reply to
 *       {@code HEAD} (its {@code Content-Length} stays, RFC 9110 section 9.3.2), and a reply that must have no content
 *       (1xx, 204, 205, 304) or one with a {@code Transfer-Encoding} still goes through Netty's encoder.</li>
 * </ul>
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

    /** The decoder result of a chunked body with a chunk-size line that is not RFC 9112's. */
    static final DecoderException MALFORMED_CHUNK_SIZE = new DecoderException("malformed chunk-size line")
    {
        @Override
        public synchronized Throwable fillInStackTrace()
        {
            return this;
        }
    };

    /** The decoder result of a request whose request line is not RFC 9112's. */
    static final DecoderException MALFORMED_REQUEST_LINE = new DecoderException("malformed request line")
    {
        @Override
        public synchronized Throwable fillInStackTrace()
        {
            return this;
        }
    };

    /** The decoder result of a request whose header block used obsolete line folding. */
    static final DecoderException OBSOLETE_LINE_FOLDING = new DecoderException("obsolete line folding")
    {
        @Override
        public synchronized Throwable fillInStackTrace()
        {
            return this; // one shared instance: a stack trace would only say where it was made
        }
    };

    private static final int HEAD_BEFORE_LINE = 0;
    private static final int HEAD_REQUEST_LINE = 1;
    private static final int HEAD_FIELDS = 2;

    private static final int CHUNKS_NONE = 0;
    private static final int CHUNKS_SIZE_DIGITS = 1;
    private static final int CHUNKS_SIZE_SPACE = 2;
    private static final int CHUNKS_SIZE_EXTENSION = 3;
    private static final int CHUNKS_SIZE_CR = 4;
    private static final int CHUNKS_DATA = 5;
    private static final int CHUNKS_DATA_CRLF = 6;
    private static final int CHUNKS_TRAILER = 7;

    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>(4);

    LedgerHttpCodec(final int initialLineBytesMax, final int headerBytesMax, final long requestTimeoutMs)
    {
        init(
            new RequestDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(initialLineBytesMax)
                .setMaxHeaderSize(headerBytesMax)
                .setMaxChunkSize(8192)
                .setStrictLineParsing(true)
                .setHeadersFactory(RequestHeaders.FACTORY), requestTimeoutMs),
            new ResponseEncoder());
    }

    /**
     * Writes a whole reply as one buffer ({@link #encodeWhole}), anything else through Netty's encoder. The method of the
     * request answered (for {@code HEAD}) is taken from the same queue either way, so replies stay matched to requests.
     */
    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise) throws Exception
    {
        if (msg instanceof FullHttpResponse response && isWrittenWhole(response))
        {
            final HttpMethod method = methods.poll();
            ctx.write(EncodedReply.encode(ctx.alloc(), response, HttpMethod.HEAD.equals(method)), promise);
            return;
        }
        super.write(ctx, msg, promise);
    }

    /** @return true for a reply {@link #encodeWhole} encodes as Netty's encoder would: it has a body or a Content-Length. */
    static boolean isWrittenWhole(final FullHttpResponse response)
    {
        return isWholeStatus(response.status()) && !response.headers().contains(HttpHeaderNames.TRANSFER_ENCODING);
    }

    /** @return true for a status whose reply has content or a Content-Length (see {@link #isWrittenWhole}). */
    static boolean isWholeStatus(final HttpResponseStatus status)
    {
        final int code = status.code();
        return code >= 200 && code != 204 && code != 205 && code != 304;
    }

    /** How many bytes a reply's status line and header fields usually take; the buffer grows when they take more. */
    private static final int HEAD_BYTES_HINT = 192;

    /**
     * Encodes {@code response} (see {@link #isWrittenWhole}) as the bytes on the wire: the status line, the header
     * fields in the order they were set, an empty line and the body (none when {@code head}: a reply to {@code HEAD}),
     * in one buffer from {@code alloc}. Releases {@code response}.
     */
    static ByteBuf encodeWhole(final ByteBufAllocator alloc, final FullHttpResponse response, final boolean head)
    {
        try
        {
            final ByteBuf body = response.content();
            final int bodyBytes = head ? 0 : body.readableBytes();
            final ByteBuf out = alloc.ioBuffer(HEAD_BYTES_HINT + bodyBytes);
            try
            {
                final HttpResponseStatus status = response.status();
                ByteBufUtil.writeAscii(out, response.protocolVersion().text());
                out.writeByte(HttpConstants.SP);
                ByteBufUtil.copy(status.codeAsText(), out);
                out.writeByte(HttpConstants.SP);
                ByteBufUtil.writeAscii(out, status.reasonPhrase());
                out.writeShort(CRLF);
                final Iterator<Map.Entry<CharSequence, CharSequence>> fields = response.headers().iteratorCharSequence();
                while (fields.hasNext())
                {
                    final Map.Entry<CharSequence, CharSequence> field = fields.next();
                    ByteBufUtil.writeAscii(out, field.getKey());
                    out.writeShort(COLON_SP);
                    ByteBufUtil.writeAscii(out, field.getValue());
                    out.writeShort(CRLF);
                }
                out.writeShort(CRLF);
                out.writeBytes(body, body.readerIndex(), bodyBytes);
                return out;
            }
            catch (final RuntimeException ex)
            {
                out.release();
                throw ex;
            }
        }
        finally
        {
            response.release();
        }
    }

    private static final int CRLF = HttpConstants.CR << 8 | HttpConstants.LF;
    private static final int COLON_SP = HttpConstants.COLON << 8 | HttpConstants.SP;

    /** Discards every byte from now on: the connection's last request has been decoded. */
    void endInput()
    {
        inboundHandler().endInput();
    }

    /** Stops decoding at the next request boundary; what was read stays buffered until {@link #resumeInput()}. */
    void pauseInput()
    {
        inboundHandler().paused = true;
    }

    /** Decodes what a pause left buffered, and whatever arrives next. */
    void resumeInput()
    {
        inboundHandler().resume();
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
        /** Every further byte is discarded: the connection's last request has been decoded. */
        private boolean discarding;
        /** Decoding stops at the next request boundary (set between requests only; see {@link #pauseInput()}). */
        boolean paused;
        /** Inside {@link #channelRead}: a resume then only asks for one more pass over the buffer. */
        private boolean decoding;
        private boolean decodeAgain;
        /** A request has started and its header block is not complete yet. */
        private boolean headPending;
        /** Where the scan of the pending head is: before the request line, in it, or in the header fields. */
        private int headScan;
        private int requestLineSpaces;
        /** The last byte of the request line seen, and the last one that was not a CR. */
        private byte lineLast;
        private byte lineLastNotCr;
        /** The last byte consumed for the pending header block ended a line. */
        private boolean lineEnded;
        /** Why the pending head is refused: {@link #MALFORMED_REQUEST_LINE}, {@link #OBSOLETE_LINE_FOLDING}, or null. */
        private DecoderException headFailure;
        /** Where the chunked body being decoded is, or {@link #CHUNKS_NONE}; see {@link #checkChunks}. */
        private int chunks;
        private long chunkBytesLeft;
        private int chunkSizeDigits;
        private long chunkSize;

        RequestDecoder(final HttpDecoderConfig config, final long requestTimeoutMs)
        {
            super(config);
            this.requestTimeoutNs = TimeUnit.MILLISECONDS.toNanos(requestTimeoutMs);
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
        {
            decoding = true;
            try
            {
                super.channelRead(ctx, msg);
                while (decodeAgain)
                {
                    decodeAgain = false;
                    if (!paused && !discarding && internalBuffer().isReadable())
                    {
                        super.channelRead(ctx, Unpooled.EMPTY_BUFFER);
                    }
                }
            }
            finally
            {
                decoding = false;
            }
        }

        @Override
        protected void decode(final ChannelHandlerContext ctx, final ByteBuf buffer, final List<Object> out) throws Exception
        {
            this.ctx = ctx;
            if (timedOut || discarding)
            {
                buffer.skipBytes(buffer.readableBytes());
                return;
            }
            if (paused)
            {
                return; // between two requests: the bytes stay in the buffer until resume()
            }
            if (!receiving && buffer.isReadable())
            {
                receiving = true;
                headPending = true;
                headScan = HEAD_BEFORE_LINE;
                lineEnded = false;
                requestStartNs = System.nanoTime();
                if (timer == null)
                {
                    timer = ctx.executor().schedule(check, requestTimeoutNs, TimeUnit.NANOSECONDS);
                }
            }
            final int before = out.size();
            final int start = buffer.readerIndex();
            super.decode(ctx, buffer, out);
            if (headPending)
            {
                checkHead(buffer, start, buffer.readerIndex());
            }
            else if (chunks != CHUNKS_NONE && !checkChunks(buffer, start, buffer.readerIndex()))
            {
                chunks = CHUNKS_NONE;
                receiving = false;
                discarding = true; // nothing after it is decoded: the request is refused and the connection ends
                final LastHttpContent failed = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
                failed.setDecoderResult(DecoderResult.failure(MALFORMED_CHUNK_SIZE));
                out.add(failed);
                return;
            }
            for (int i = before, size = out.size(); i < size; i++)
            {
                final Object message = out.get(i);
                if (message instanceof HttpRequest request)
                {
                    methods.add(request.method());
                    headPending = false;
                    if (headFailure != null)
                    {
                        if (request.decoderResult().isSuccess()) // else Netty's own reason (414, 431...) stands
                        {
                            request.setDecoderResult(DecoderResult.failure(headFailure));
                        }
                        headFailure = null;
                    }
                    else if (request.headers() instanceof RequestHeaders headers && headers.transferEncodingFields > 0
                        && !(message instanceof LastHttpContent))
                    {
                        // Netty reads a chunked body next (or FramingHandler refuses the request and ends the input)
                        chunks = CHUNKS_SIZE_DIGITS;
                        chunkSizeDigits = 0;
                        chunkSize = 0;
                    }
                }
                if (message instanceof LastHttpContent)
                {
                    receiving = false; // the timer stays armed: the next request most likely follows soon
                    chunks = CHUNKS_NONE;
                }
            }
        }

        /**
         * Follows the chunked body bytes the decoder consumed, {@code [start, end)} (the decoder consumes a chunked
         * body in order: size lines whole, data in pieces, the CRLF after the data, the trailer section), and checks
         * each chunk-size line against RFC 9112: {@code 1*HEXDIG [ BWS ";" extension ] CRLF}, the extension of
         * visible characters, spaces and tabs. Netty has checked the CRLF after each chunk's data and parses the
         * trailer fields.
         *
         * @return false at the first chunk-size line that breaks the grammar.
         */
        private boolean checkChunks(final ByteBuf buffer, final int start, final int end)
        {
            int i = start;
            while (i < end)
            {
                switch (chunks)
                {
                    case CHUNKS_DATA ->
                    {
                        final int n = (int)Math.min(chunkBytesLeft, end - i);
                        i += n;
                        chunkBytesLeft -= n;
                        if (chunkBytesLeft == 0)
                        {
                            chunks = CHUNKS_DATA_CRLF;
                        }
                    }
                    case CHUNKS_DATA_CRLF ->
                    {
                        i++; // CR LF: checked by the decoder
                        if (buffer.getByte(i - 1) == HttpConstants.LF)
                        {
                            chunks = CHUNKS_SIZE_DIGITS;
                            chunkSizeDigits = 0;
                            chunkSize = 0;
                        }
                    }
                    case CHUNKS_TRAILER -> i = end; // header fields, parsed by the decoder, until the LastHttpContent
                    default ->
                    {
                        final byte b = buffer.getByte(i++);
                        if (!chunkSizeLine(b))
                        {
                            return false;
                        }
                    }
                }
            }
            return true;
        }

        /** @return false when {@code b} cannot come next in a chunk-size line. */
        private boolean chunkSizeLine(final byte b)
        {
            switch (chunks)
            {
                case CHUNKS_SIZE_DIGITS:
                {
                    final int digit = Character.digit(b, 16);
                    if (digit >= 0 && b < 0x80)
                    {
                        if (++chunkSizeDigits > 15)
                        {
                            return false; // past any body we accept; also keeps chunkSize from overflowing
                        }
                        chunkSize = chunkSize << 4 | digit;
                        return true;
                    }
                    if (chunkSizeDigits == 0)
                    {
                        return false; // no digit first: " 5", ";x", "-5", an empty line
                    }
                    if (b == HttpConstants.SEMICOLON)
                    {
                        chunks = CHUNKS_SIZE_EXTENSION;
                        return true;
                    }
                    if (b == HttpConstants.SP || b == HttpConstants.HT)
                    {
                        chunks = CHUNKS_SIZE_SPACE;
                        return true;
                    }
                    return sizeLineCr(b);
                }
                case CHUNKS_SIZE_SPACE: // BWS is allowed only before ";"
                    if (b == HttpConstants.SP || b == HttpConstants.HT)
                    {
                        return true;
                    }
                    if (b == HttpConstants.SEMICOLON)
                    {
                        chunks = CHUNKS_SIZE_EXTENSION;
                        return true;
                    }
                    return false;
                case CHUNKS_SIZE_EXTENSION:
                    if (b == HttpConstants.HT || (b >= 0x20 && b != 0x7F) || b < 0)
                    {
                        return true;
                    }
                    return sizeLineCr(b);
                default: // CHUNKS_SIZE_CR
                    if (b != HttpConstants.LF)
                    {
                        return false;
                    }
                    if (chunkSize == 0)
                    {
                        chunks = CHUNKS_TRAILER;
                    }
                    else
                    {
                        chunks = CHUNKS_DATA;
                        chunkBytesLeft = chunkSize;
                    }
                    return true;
            }
        }

        private boolean sizeLineCr(final byte b)
        {
            if (b == HttpConstants.CR)
            {
                chunks = CHUNKS_SIZE_CR;
                return true;
            }
            return false; // a bare LF, a NUL, any other control or character
        }

        /**
         * Checks the header-block bytes the decoder consumed, {@code [start, end)}: the request line, then every header
         * line for obsolete folding. While a header block is pending the decoder consumes whole lines only (and, first,
         * the bytes it skips before the request line), so a line start is the byte after an LF, including the first byte
         * of this call when the last call ended a line.
         */
        private void checkHead(final ByteBuf buffer, final int start, final int end)
        {
            int i = start;
            while (i < end && headScan != HEAD_FIELDS && headFailure == null)
            {
                requestLine(buffer.getByte(i++));
            }
            if (i == end || headFailure != null)
            {
                return;
            }
            if (lineEnded && isSpaceOrTab(buffer.getByte(i)))
            {
                headFailure = OBSOLETE_LINE_FOLDING; // also a space before the first field: RFC 9112 says refuse
                return;
            }
            int from = i;
            int lf;
            while ((lf = buffer.indexOf(from, end, HttpConstants.LF)) >= 0 && lf + 1 < end)
            {
                if (isSpaceOrTab(buffer.getByte(lf + 1)))
                {
                    headFailure = OBSOLETE_LINE_FOLDING;
                    return;
                }
                from = lf + 1;
            }
            lineEnded = buffer.getByte(end - 1) == HttpConstants.LF;
        }

        /** One byte of what comes before the header fields: empty lines, then the request line. */
        private void requestLine(final byte b)
        {
            if (headScan == HEAD_BEFORE_LINE)
            {
                if (b == HttpConstants.CR || b == HttpConstants.LF)
                {
                    return; // empty lines before a request are ignored (RFC 9112 section 2.2)
                }
                if (b <= HttpConstants.SP || b == 0x7F)
                {
                    headFailure = MALFORMED_REQUEST_LINE; // whitespace or a control byte Netty would skip
                    return;
                }
                headScan = HEAD_REQUEST_LINE;
                requestLineSpaces = 0;
            }
            else if (b == HttpConstants.LF)
            {
                if (lineLast != HttpConstants.CR || requestLineSpaces != 2 || lineLastNotCr == HttpConstants.SP)
                {
                    headFailure = MALFORMED_REQUEST_LINE; // a bare LF, not three words, or a space before the CRLF
                    return;
                }
                headScan = HEAD_FIELDS;
                lineEnded = true;
                return;
            }
            else if (lineLast == HttpConstants.CR || b < 0 || b == 0x7F
                || b < HttpConstants.SP && b != HttpConstants.CR
                || b == HttpConstants.SP && lineLast == HttpConstants.SP)
            {
                headFailure = MALFORMED_REQUEST_LINE; // a CR inside, a non-ASCII or control byte, two spaces
                return;
            }
            else if (b == HttpConstants.SP)
            {
                requestLineSpaces++;
            }
            lineLast = b;
            if (b != HttpConstants.CR)
            {
                lineLastNotCr = b;
            }
        }

        private static boolean isSpaceOrTab(final byte b)
        {
            return b == HttpConstants.SP || b == HttpConstants.HT;
        }

        void endInput()
        {
            discarding = true;
            paused = false;
            chunks = CHUNKS_NONE;
        }

        void resume()
        {
            if (!paused)
            {
                return;
            }
            paused = false;
            if (decoding)
            {
                decodeAgain = true; // the read in progress decodes the rest when it returns
                return;
            }
            if (ctx != null && internalBuffer().isReadable())
            {
                try
                {
                    channelRead(ctx, Unpooled.EMPTY_BUFFER);
                }
                catch (final Exception ex)
                {
                    ctx.fireExceptionCaught(ex);
                }
            }
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
            if (!receiving || timedOut || discarding)
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
