package io.ledger.http;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Fires {@link IdleStateEvent} when a connection has had no traffic either way for {@code idleTimeoutMs}: nothing read
 * and nothing written. Netty's {@code IdleStateHandler} does the same for "all idle", but it counts a write when it
 * completes, so it turns every write's void promise into a real one with a listener: two objects and a notification per
 * reply, which showed in the event loop's profile. This one counts a write when it is issued, which is the same for a
 * connection that reads its replies; for one that does not, no write completes and none is issued once its replies
 * stop, so it goes idle as it would under Netty's handler.
 *
 * <p>The timer is armed once per period, not per request: when it fires it re-arms for what is left of the period
 * since the last traffic. A read in progress (a request arriving in several reads) counts as traffic.
 *
 * <p>Thread-safety: one instance per connection, event loop only.
 */
final class IdleTimeoutHandler extends ChannelDuplexHandler
{
    private final long idleTimeoutNs;
    private final Runnable check = this::check;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private long lastTrafficNs;
    private boolean reading;
    private boolean firstEvent = true;

    IdleTimeoutHandler(final long idleTimeoutMs)
    {
        this.idleTimeoutNs = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        if (ctx.channel().isActive() && ctx.channel().isRegistered())
        {
            start();
        }
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        cancel();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        start();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        reading = true;
        firstEvent = true;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) throws Exception
    {
        if (reading)
        {
            reading = false;
            lastTrafficNs = System.nanoTime();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise) throws Exception
    {
        lastTrafficNs = System.nanoTime();
        firstEvent = true;
        ctx.write(msg, promise);
    }

    private void start()
    {
        if (timer == null && idleTimeoutNs > 0)
        {
            lastTrafficNs = System.nanoTime();
            timer = ctx.executor().schedule(check, idleTimeoutNs, TimeUnit.NANOSECONDS);
        }
    }

    private void cancel()
    {
        final ScheduledFuture<?> armed = timer;
        timer = null;
        if (armed != null)
        {
            armed.cancel(false);
        }
    }

    /** The timer fired: the connection is idle if nothing came or went for a whole period, else re-arm for the rest. */
    private void check()
    {
        if (timer == null || !ctx.channel().isOpen())
        {
            return; // cancelled meanwhile
        }
        if (reading)
        {
            timer = ctx.executor().schedule(check, idleTimeoutNs, TimeUnit.NANOSECONDS);
            return;
        }
        final long remainingNs = lastTrafficNs + idleTimeoutNs - System.nanoTime();
        if (remainingNs > 0)
        {
            timer = ctx.executor().schedule(check, remainingNs, TimeUnit.NANOSECONDS);
            return;
        }
        timer = ctx.executor().schedule(check, idleTimeoutNs, TimeUnit.NANOSECONDS);
        final IdleStateEvent event = firstEvent ? IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT : IdleStateEvent.ALL_IDLE_STATE_EVENT;
        firstEvent = false;
        ctx.fireUserEventTriggered(event);
    }
}
