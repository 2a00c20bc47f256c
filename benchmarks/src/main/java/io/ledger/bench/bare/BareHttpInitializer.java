package io.ledger.bench.bare;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Each connection's pipeline, and nothing else: Netty's HTTP/1.1 codec (default line and header limits), a body
 * aggregator bounded at the ledger's default body limit (64 KiB), then {@link BareHttpHandler}. The ledger's own
 * pipeline has the same two stages in front of its handler (plus an idle timer), so the difference between the two
 * servers is what happens after a request is whole.
 */
final class BareHttpInitializer extends ChannelInitializer<SocketChannel>
{
    /** The ledger's default {@code --body-bytes-max}. */
    static final int BODY_BYTES_MAX = 64 * 1024;

    private final byte[] replyBody;

    BareHttpInitializer(final byte[] replyBody)
    {
        this.replyBody = replyBody.clone();
    }

    @Override
    protected void initChannel(final SocketChannel channel)
    {
        channel.pipeline()
            .addLast("codec", new HttpServerCodec())
            .addLast("aggregator", new HttpObjectAggregator(BODY_BYTES_MAX))
            .addLast("handler", new BareHttpHandler(replyBody));
    }
}
