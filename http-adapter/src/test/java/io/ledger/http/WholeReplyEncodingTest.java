package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The replies {@link LedgerHttpCodec} writes as one buffer ({@link LedgerHttpCodec#encodeWhole}) are, byte for byte, what
 * Netty's own encoder writes for them: status line, header fields in order, Content-Length, Connection, the body, no
 * body after {@code HEAD}, and each reply matched to its request when requests are pipelined.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WholeReplyEncodingTest
{
    private final EmbeddedChannel channel = new EmbeddedChannel(new LedgerHttpCodec(4096, 8192, 30_000));

    @AfterEach
    void close()
    {
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldWriteStatusLineHeaderFieldsAndBodyAsOneBuffer()
    {
        requests("GET /api/canary/purchases HTTP/1.1\r\nHost: x\r\n\r\n");
        final FullHttpResponse reply = json(HttpResponseStatus.CREATED, "{\"id\":\"p1\"}");
        reply.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);

        channel.writeOutbound(reply);

        assertEquals("HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: keep-alive\r\n\r\n"
            + "{\"id\":\"p1\"}", next());
        assertNull(channel.readOutbound(), "one buffer per reply");
        assertEquals(0, reply.refCnt(), "the reply and its body are released");
    }

    @Test
    void shouldWriteWhatNettysEncoderWritesForEveryKindOfReply()
    {
        final List<FullHttpResponse> replies = List.of(
            withField(json(HttpResponseStatus.OK, "{}"), HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE),
            withField(json(HttpResponseStatus.NOT_FOUND, "{\"statusCode\":404,\"message\":[\"Cannot GET /x\"],\"error\":\"Not Found\"}"),
                HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE),
            withField(json(HttpResponseStatus.METHOD_NOT_ALLOWED, "{}"), HttpHeaderNames.ALLOW, "GET, POST"),
            withField(json(HttpResponseStatus.UNAUTHORIZED, "{}"), HttpHeaderNames.WWW_AUTHENTICATE, "Bearer"),
            withField(json(HttpResponseStatus.SERVICE_UNAVAILABLE, "{}"), HttpHeaderNames.RETRY_AFTER, "1"),
            withField(json(HttpResponseStatus.CREATED, "{\"a\":1}"), Responses.IDEMPOTENT_REPLAYED, "true"),
            json(HttpResponseStatus.valueOf(422), ""),
            json(new HttpResponseStatus(402, "Payment Required"), "{\"x\":\"" + "y".repeat(600) + "\"}"));
        for (final FullHttpResponse reply : replies)
        {
            requests("POST /p HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
            final String expected = nettyEncoded(reply.retainedDuplicate());
            channel.writeOutbound(reply);
            assertEquals(expected, next(), reply.status().toString());
        }
    }

    @Test
    void shouldKeepContentLengthButWriteNoBodyAfterHead()
    {
        requests("HEAD /health HTTP/1.1\r\n\r\n");

        channel.writeOutbound(json(HttpResponseStatus.OK, "{\"status\":\"ok\"}"));

        assertEquals("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 15\r\n\r\n", next());
    }

    @Test
    void shouldMatchEachPipelinedReplyToItsRequestsMethod()
    {
        requests("HEAD /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nHEAD /c HTTP/1.1\r\n\r\nGET /d HTTP/1.1\r\n\r\n");

        for (final String body : new String[] {"{\"r\":1}", "{\"r\":2}", "{\"r\":3}", "{\"r\":4}"})
        {
            channel.writeOutbound(json(HttpResponseStatus.OK, body));
        }

        final String head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 7\r\n\r\n";
        assertEquals(head, next());
        assertEquals(head + "{\"r\":2}", next());
        assertEquals(head, next());
        assertEquals(head + "{\"r\":4}", next());
    }

    @Test
    void shouldLeaveTheInterimContinueToNettysEncoderWithoutTakingTheRequestsMethod()
    {
        requests("HEAD /a HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\nGET /b HTTP/1.1\r\n\r\n");

        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
        assertEquals("HTTP/1.1 100 Continue\r\n\r\n", drain());
        channel.writeOutbound(json(HttpResponseStatus.OK, "{}"));
        channel.writeOutbound(json(HttpResponseStatus.OK, "{}"));

        final String head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n";
        assertEquals(head, next(), "the reply to HEAD, after the interim one, has no body");
        assertEquals(head + "{}", next());
    }

    @Test
    void shouldLeaveAReplyThatMustHaveNoContentToNettysEncoder()
    {
        requests("GET /a HTTP/1.1\r\n\r\n");
        final FullHttpResponse noContent = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER);
        noContent.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);

        assertFalse(LedgerHttpCodec.isWrittenWhole(noContent));
        channel.writeOutbound(noContent);

        assertEquals("HTTP/1.1 204 No Content\r\n\r\n", drain(), "Netty's encoder drops Content-Length from a 204");
    }

    @Test
    void shouldReleaseTheReplyWhenEncodingFails()
    {
        final FullHttpResponse reply = json(HttpResponseStatus.OK, "{}");
        final ByteBufAllocator failing = new AbstractByteBufAllocator(false)
        {
            @Override
            protected ByteBuf newHeapBuffer(final int initialCapacity, final int maxCapacity)
            {
                throw new IllegalStateException("allocation failed");
            }

            @Override
            protected ByteBuf newDirectBuffer(final int initialCapacity, final int maxCapacity)
            {
                throw new IllegalStateException("allocation failed");
            }

            @Override
            public boolean isDirectBufferPooled()
            {
                return false;
            }
        };

        final IllegalStateException thrown =
            assertThrows(IllegalStateException.class, () -> LedgerHttpCodec.encodeWhole(failing, reply, false));

        assertEquals("allocation failed", thrown.getMessage());
        assertEquals(0, reply.refCnt());
    }

    private static FullHttpResponse json(final HttpResponseStatus status, final String body)
    {
        final ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return response;
    }

    private static FullHttpResponse withField(final FullHttpResponse response, final CharSequence name, final CharSequence value)
    {
        response.headers().set(name, value);
        return response;
    }

    /** Feeds request bytes to the codec and drops the decoded requests: only the methods it queued matter here. */
    private void requests(final String bytes)
    {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
        Object decoded;
        while ((decoded = channel.readInbound()) != null)
        {
            ReferenceCountUtil.release(decoded);
        }
    }

    private static String nettyEncoded(final FullHttpResponse response)
    {
        final EmbeddedChannel netty = new EmbeddedChannel(new HttpResponseEncoder());
        netty.writeOutbound(response);
        final StringBuilder text = new StringBuilder();
        ByteBuf part;
        while ((part = netty.readOutbound()) != null)
        {
            text.append(part.toString(StandardCharsets.ISO_8859_1));
            part.release();
        }
        netty.finishAndReleaseAll();
        return text.toString();
    }

    /** @return the next buffer written, as text. */
    private String next()
    {
        final ByteBuf written = assertInstanceOf(ByteBuf.class, channel.readOutbound());
        try
        {
            return written.toString(StandardCharsets.ISO_8859_1);
        }
        finally
        {
            written.release();
        }
    }

    /** @return every buffer written so far, as one text (Netty's encoder writes head and body apart). */
    private String drain()
    {
        final StringBuilder text = new StringBuilder();
        Object written;
        while ((written = channel.readOutbound()) != null)
        {
            text.append(((ByteBuf)written).toString(StandardCharsets.ISO_8859_1));
            ReferenceCountUtil.release(written);
        }
        return text.toString();
    }
}
