package io.ledger.bench.bare;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Answers every POST with the same {@code 201 Created} and a constant JSON body of a purchase reply's size, with the
 * headers the ledger sends ({@code content-type}, {@code content-length}, {@code connection: keep-alive}); any other
 * method gets an empty {@code 405}. Replies are written as requests arrive and flushed once per read
 * ({@code channelReadComplete}), as the ledger's handler does. The body is not parsed: this is the transport's cost
 * alone (decode, aggregate, encode, syscalls).
 *
 * <p>Thread-safety: one instance per connection, on its event loop.
 */
final class BareHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    private final ByteBuf body;
    private final String bodyLength;

    BareHttpHandler(final byte[] replyBody)
    {
        this.body = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(replyBody));
        this.bodyLength = Integer.toString(replyBody.length);
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final boolean keepAlive = HttpUtil.isKeepAlive(request);
        final FullHttpResponse response;
        if (request.method().equals(HttpMethod.POST))
        {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED, body.duplicate());
            response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, bodyLength);
        }
        else
        {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.METHOD_NOT_ALLOWED, Unpooled.EMPTY_BUFFER);
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.ALLOW, HttpMethod.POST.name());
        }
        if (keepAlive)
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.write(response, ctx.voidPromise());
        }
        else
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        ctx.close();
    }
}
