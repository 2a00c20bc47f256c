package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link IdleTimeoutHandler}: a connection is idle after a whole period with nothing read and nothing written. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdleTimeoutHandlerTest
{
    private static final long IDLE_MS = 200;

    private final List<Object> events = new ArrayList<>();
    /** When each event fired, {@link System#nanoTime()}. */
    private final List<Long> eventsNs = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new IdleTimeoutHandler(IDLE_MS), new ChannelInboundHandlerAdapter()
    {
        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
        {
            events.add(evt);
            eventsNs.add(System.nanoTime());
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            ReferenceCountUtil.release(msg);
        }
    });
    /** Taken after the last traffic the handler saw (its start, a read or a write), so never before the handler's own. */
    private long trafficNs = System.nanoTime();
    private int checkedEvents;

    @AfterEach
    void close()
    {
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldFireAllIdleAfterAPeriodWithoutTraffic() throws InterruptedException
    {
        runFor(IDLE_MS * 3 / 2);

        assertEquals(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT, events.get(0));
        assertNotBeforeAPeriodWithoutTraffic();
    }

    @Test
    void shouldCountAWriteAsTraffic() throws InterruptedException
    {
        final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_MS * 3);
        while (System.nanoTime() < endNs)
        {
            channel.writeOutbound(Unpooled.wrappedBuffer(new byte[] {1}));
            trafficNs = System.nanoTime();
            ReferenceCountUtil.release(channel.readOutbound());
            runFor(IDLE_MS / 4);
            assertNotBeforeAPeriodWithoutTraffic();
        }
    }

    @Test
    void shouldCountAReadAsTraffic() throws InterruptedException
    {
        final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_MS * 3);
        while (System.nanoTime() < endNs)
        {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
            trafficNs = System.nanoTime();
            runFor(IDLE_MS / 4);
            assertNotBeforeAPeriodWithoutTraffic();
        }
    }

    @Test
    void shouldFireAgainEachPeriodWhileTheConnectionStaysIdle() throws InterruptedException
    {
        runFor(IDLE_MS * 3 + IDLE_MS / 2);

        assertTrue(events.size() >= 2, "events=" + events);
        assertEquals(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT, events.get(0));
        assertEquals(IdleStateEvent.ALL_IDLE_STATE_EVENT, events.get(1));
    }

    @Test
    void shouldStopWhenRemoved() throws InterruptedException
    {
        channel.pipeline().remove(IdleTimeoutHandler.class);

        runFor(IDLE_MS * 2);

        assertEquals(List.of(), events);
    }

    /** Every event since the last check came a whole period after the traffic before it (a write or read every quarter period: none). */
    private void assertNotBeforeAPeriodWithoutTraffic()
    {
        for (int i = checkedEvents; i < eventsNs.size(); i++)
        {
            assertTrue(eventsNs.get(i) - trafficNs >= TimeUnit.MILLISECONDS.toNanos(IDLE_MS),
                "idle " + TimeUnit.NANOSECONDS.toMillis(eventsNs.get(i) - trafficNs) + " ms after the last traffic, before the period ends");
        }
        checkedEvents = eventsNs.size();
    }

    /** Lets {@code ms} of real time pass, running the channel's timers as they fall due. */
    private void runFor(final long ms) throws InterruptedException
    {
        final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() < endNs)
        {
            Thread.sleep(5);
            channel.runPendingTasks();
        }
    }
}
