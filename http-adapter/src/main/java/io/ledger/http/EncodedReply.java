package io.ledger.http;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A command's success reply encoded on the reply thread as the bytes on the wire, in one buffer: what
 * {@link LedgerHttpCodec#encodeWhole} writes for the reply {@code Responses.reply} makes once the request handler has
 * set its {@code Connection} field (status line; {@code content-type}, {@code content-length}, {@code
 * Idempotent-Replayed} when replayed, {@code connection}; an empty line; the body). It skips the header map, its three
 * or four fields, a body buffer and the copy of both into the wire buffer, which were 2-3% of the event loop's samples
 * at 32 connections (async-profiler, session 14). Made only for a body written as bytes ({@code BodyBytes}).
 *
 * <p>Its {@link #content()} is the whole wire buffer; {@link #bodyBytes(FullHttpResponse)} is its body's length (the
 * access log's figure). Its header fields are the empty set: nothing may add one (the {@code Connection} field was
 * written from the connection's keep-alive when the command was published).
 */
final class EncodedReply extends DefaultFullHttpResponse
{
    private static final byte[] CONTENT_LENGTH = ascii("\r\n" + HttpHeaderNames.CONTENT_TYPE + ": " + HttpHeaderValues.APPLICATION_JSON
        + "\r\n" + HttpHeaderNames.CONTENT_LENGTH + ": ");
    private static final byte[] REPLAYED = ascii("\r\n" + Responses.IDEMPOTENT_REPLAYED + ": true");
    private static final byte[] KEEP_ALIVE = ascii("\r\n" + HttpHeaderNames.CONNECTION + ": " + HttpHeaderValues.KEEP_ALIVE + "\r\n\r\n");
    private static final byte[] CLOSE = ascii("\r\n" + HttpHeaderNames.CONNECTION + ": " + HttpHeaderValues.CLOSE + "\r\n\r\n");
    private static final byte[] VERSION = ascii(HttpVersion.HTTP_1_1.text() + " ");
    private static final int HEAD_BYTES_MAX = 192;

    private final int bodyBytes;
    private final int headBytes;

    private EncodedReply(final HttpResponseStatus status, final ByteBuf wire, final int headBytes, final int bodyBytes)
    {
        super(HttpVersion.HTTP_1_1, status, wire, EmptyHttpHeaders.INSTANCE, EmptyHttpHeaders.INSTANCE);
        this.headBytes = headBytes;
        this.bodyBytes = bodyBytes;
    }

    /** @return the reply to a request on a connection kept alive or not, with {@code body[0, length)} as its body. */
    static EncodedReply of(final ByteBufAllocator alloc, final HttpResponseStatus status, final boolean replayed, final boolean keepAlive,
        final byte[] body, final int length)
    {
        final ByteBuf wire = alloc.ioBuffer(HEAD_BYTES_MAX + length);
        wire.writeBytes(VERSION);
        ByteBufUtil.copy(status.codeAsText(), wire);
        wire.writeByte(' ');
        ByteBufUtil.writeAscii(wire, status.reasonPhrase());
        wire.writeBytes(CONTENT_LENGTH).writeCharSequence(Integer.toString(length), StandardCharsets.US_ASCII);
        if (replayed)
        {
            wire.writeBytes(REPLAYED);
        }
        wire.writeBytes(keepAlive ? KEEP_ALIVE : CLOSE);
        final int head = wire.readableBytes();
        wire.writeBytes(body, 0, length);
        return new EncodedReply(status, wire, head, length);
    }

    /**
     * @return {@code response}'s bytes on the wire (see {@link LedgerHttpCodec#isWrittenWhole}): an encoded reply's own
     *         buffer, else {@link LedgerHttpCodec#encodeWhole}'s; without the body after {@code HEAD}. Releases or hands
     *         over {@code response}.
     */
    static ByteBuf encode(final ByteBufAllocator alloc, final FullHttpResponse response, final boolean head)
    {
        return response instanceof EncodedReply encoded ? encoded.wire(head) : LedgerHttpCodec.encodeWhole(alloc, response, head);
    }

    /** @return the bytes on the wire (this reply's buffer, now the caller's); without the body after {@code HEAD}. */
    private ByteBuf wire(final boolean head)
    {
        final ByteBuf wire = content();
        if (head)
        {
            wire.writerIndex(wire.readerIndex() + headBytes);
        }
        return wire;
    }

    /** @return the length of {@code response}'s body. */
    static int bodyBytes(final FullHttpResponse response)
    {
        return response instanceof EncodedReply encoded ? encoded.bodyBytes : response.content().readableBytes();
    }

    /** Sets {@code response}'s {@code Connection} field; an encoded reply has it already. */
    static void connection(final FullHttpResponse response, final boolean keepAlive)
    {
        if (!(response instanceof EncodedReply))
        {
            response.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        }
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
