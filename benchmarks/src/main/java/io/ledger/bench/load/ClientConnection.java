package io.ledger.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * One keep-alive HTTP/1.1 connection of the load tool, with up to {@code pipelineDepth} requests outstanding
 * (replies come back in request order, so the outstanding requests are a FIFO).
 *
 * <p><b>Pacing.</b> In a closed loop a request is sent as soon as one is outstanding fewer than the depth. In an
 * open loop every request has an intended send time on a fixed schedule (uniform or Poisson gaps, the connection's
 * share of the total rate); it is sent at that time if the connection has room, else as soon as a reply makes room.
 * Latency is always measured from the intended time, so a server that stalls is charged for every request the
 * schedule wanted to send meanwhile (no coordinated omission, as in wrk2). The schedule runs on the event loop's
 * timers (epoll: timerfd, sub-millisecond).
 *
 * <p>Thread-safety: event-loop thread only, except {@link #start} which hands the phase over to it.
 */
final class ClientConnection extends SimpleChannelInboundHandler<FullHttpResponse>
{
    final int index;
    final WorkerStats stats;
    final SplittableRandom random;
    private final RequestWriter writer;
    private final Pending[] ring;
    /** Scratch for batch replies: their bytes ({@link #bytes}) and their per-item statuses ({@link #itemStatuses}). */
    private byte[] replyBytes = new byte[0];
    private int[] itemStatuses = new int[0];
    private int head;
    private int size;

    private Channel channel;
    private Phase phase;
    private long nextIntendedNs;
    private boolean timerArmed;
    private boolean exhausted;
    private boolean finished = true;
    private boolean dead;
    /** Set when this side closes the channel, so that its closing is not reported as a loss. */
    private volatile boolean closing;
    private final Runnable timerTask = () ->
    {
        timerArmed = false;
        pump();
    };

    ClientConnection(final int index, final int pipelineDepth, final WorkerStats stats, final RequestWriter writer, final long seed)
    {
        this.index = index;
        this.stats = stats;
        this.writer = writer;
        this.random = new SplittableRandom(seed * 1_000_003L + index);
        this.ring = new Pending[pipelineDepth];
        for (int i = 0; i < ring.length; i++)
        {
            ring[i] = new Pending();
        }
    }

    /** @return the readable bytes of {@code content} in this connection's scratch array (from index 0), grown as needed. */
    byte[] bytes(final ByteBuf content)
    {
        final int length = content.readableBytes();
        if (replyBytes.length < length)
        {
            replyBytes = new byte[Math.max(length, replyBytes.length * 2)];
        }
        content.getBytes(content.readerIndex(), replyBytes, 0, length);
        return replyBytes;
    }

    /** @return this connection's scratch array for {@code count} item statuses (exactly that long). */
    int[] itemStatuses(final int count)
    {
        if (itemStatuses.length != count)
        {
            itemStatuses = new int[count];
        }
        return itemStatuses;
    }

    /** Takes the channel when the handler is added (at registration): the connect future completes before channelActive. */
    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) throws Exception
    {
        channel = ctx.channel();
        super.handlerAdded(ctx);
    }

    /** Starts {@code next} on this connection's event loop. A dead connection counts the phase down at once. */
    void start(final Phase next)
    {
        channel.eventLoop().execute(() ->
        {
            phase = next;
            finished = false;
            exhausted = false;
            if (dead)
            {
                finish();
                return;
            }
            if (next.openLoop())
            {
                nextIntendedNs = next.firstIntendedNs(index, random);
            }
            pump();
        });
    }

    /** Gives up on the current phase: every outstanding request becomes an unknown outcome; the channel closes. */
    void abandon()
    {
        channel.eventLoop().execute(() ->
        {
            failOutstanding();
            final Phase phase = this.phase;
            if (phase != null && phase.openLoop() && !exhausted)
            {
                for (long t = nextIntendedNs; t < phase.endNs; t += phase.nextIntervalNs(random))
                {
                    if (t >= phase.measureStartNs)
                    {
                        stats.unsentInWindow++;
                    }
                }
            }
            dead = true;
            closing = true;
            channel.close();
            finish();
        });
    }

    boolean dead()
    {
        return dead;
    }

    void close()
    {
        closing = true;
        if (channel != null)
        {
            channel.close();
        }
    }

    private void pump()
    {
        final Phase phase = this.phase;
        if (finished || dead || phase == null)
        {
            return;
        }
        final long now = System.nanoTime();
        boolean wrote = false;
        while (size < ring.length && !exhausted)
        {
            final long intendedNs;
            if (phase.openLoop())
            {
                if (nextIntendedNs >= phase.endNs)
                {
                    exhausted = true;
                    break;
                }
                if (nextIntendedNs > now)
                {
                    armTimer(nextIntendedNs - now);
                    break;
                }
                intendedNs = nextIntendedNs;
            }
            else
            {
                if (phase.endNs != 0 && now >= phase.endNs)
                {
                    exhausted = true;
                    break;
                }
                intendedNs = now;
            }
            final Pending p = ring[(head + size) % ring.length];
            p.clear();
            if (!phase.driver.next(this, p))
            {
                exhausted = true;
                break;
            }
            if (phase.openLoop())
            {
                nextIntendedNs += phase.nextIntervalNs(random);
            }
            p.intendedNs = intendedNs;
            p.sentNs = now;
            if (intendedNs >= phase.measureStartNs && phase.endNs != 0 && intendedNs < phase.endNs)
            {
                stats.sentInWindow++;
            }
            final ByteBuf request = writer.encode(channel.alloc(), p);
            channel.write(request, channel.voidPromise());
            size++;
            wrote = true;
        }
        if (wrote)
        {
            channel.flush();
        }
        if (exhausted && size == 0)
        {
            finish();
        }
    }

    private void armTimer(final long delayNs)
    {
        if (!timerArmed)
        {
            timerArmed = true;
            channel.eventLoop().schedule(timerTask, delayNs, TimeUnit.NANOSECONDS);
        }
    }

    private void finish()
    {
        if (!finished)
        {
            finished = true;
            phase.done.countDown();
        }
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpResponse response)
    {
        final long now = System.nanoTime();
        if (size == 0)
        {
            throw new IllegalStateException("connection=" + index + " got a reply with no request outstanding: " + response.status());
        }
        final Pending p = ring[head];
        head = (head + 1) % ring.length;
        size--;
        final Phase phase = this.phase;
        if (p.batchSize > 1)
        {
            phase.driver.onBatchReply(this, p, response.status().code(), response.content(), now);
        }
        else
        {
            final String body = phase.driver.wantsBody(p) ? response.content().toString(StandardCharsets.UTF_8) : null;
            phase.driver.onReply(this, p, response.status().code(), body, now);
        }
        pump();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        if (!dead)
        {
            dead = true;
            failOutstanding();
            if (phase != null && !finished && !closing)
            {
                LoadRun.LOG.warn("connection={} closed by the server during phase={}", index, phase.name);
                LoadRun.CONNECTION_LOSSES.increment();
            }
            if (phase != null)
            {
                finish();
            }
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LoadRun.LOG.warn("connection={} failed: {}", index, cause.toString());
        ctx.close();
    }

    private void failOutstanding()
    {
        while (size > 0)
        {
            final Pending p = ring[head];
            head = (head + 1) % ring.length;
            size--;
            if (phase != null)
            {
                phase.driver.onUnknown(this, p);
            }
        }
    }
}
