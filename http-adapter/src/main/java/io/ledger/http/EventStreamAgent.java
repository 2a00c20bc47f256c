package io.ledger.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change stream's thread ({@code ledger-event-stream}): serves every open {@code GET /api/canary/events} from the
 * {@link EventFeed}, never from the ledger thread or an event loop. Each stream has its own cursor (one merchant's
 * committed events, in journal order) and writes {@code id:}/{@code event:}/{@code data:} chunks to its connection
 * while the connection is writable (Netty's flow control: the write buffer's high water mark).
 *
 * <p><b>Bounded buffer.</b> A stream whose buffer stays full for {@link EventStreamOptions#stallMs} while an event
 * waits for it is cut off: {@code : too slow, resume from <id>} (the id of the last event written to it, which the
 * client resumes after with {@code Last-Event-ID}), the chunked body's end, close. A stream with nothing to send gets a
 * {@code :} comment every {@link EventStreamOptions#keepAliveMs}.
 *
 * <p>Thread-safety: {@link #subscribe} from any thread (an event loop); everything else on the agent's thread;
 * {@link #close} from the lifecycle's.
 */
final class EventStreamAgent implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(EventStreamAgent.class);
    /** Events written to one stream per turn, so that one catching up does not starve the others. */
    static final int TURN_EVENTS_MAX = 256;
    /** How long a cut-off stream's buffered events and final comment wait for a client that does not read. */
    static final long CUT_OFF_GRACE_MS = 30_000;
    private static final long IDLE_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final ByteBuf KEEP_ALIVE = Unpooled.unreleasableBuffer(
        Unpooled.copiedBuffer(":\n\n", StandardCharsets.US_ASCII)).asReadOnly();

    private final EventStreamOptions options;
    private final Queue<Stream> added = new ConcurrentLinkedQueue<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopRequested;

    // agent thread only
    private final List<Stream> streams = new ArrayList<>();

    EventStreamAgent(final EventStreamOptions options)
    {
        this.options = options;
        thread = new Thread(this::run, "ledger-event-stream");
        thread.setDaemon(true);
        thread.start();
    }

    EventStreamOptions options()
    {
        return options;
    }

    /** @return the streams open now. Any thread. */
    int streams()
    {
        return open.get();
    }

    /**
     * Counts a stream about to open. Any thread.
     *
     * @return false when {@link EventStreamOptions#streamsMax} streams are open (the caller answers 503).
     */
    boolean reserve()
    {
        while (true)
        {
            final int now = open.get();
            if (now >= options.streamsMax())
            {
                return false;
            }
            if (open.compareAndSet(now, now + 1))
            {
                return true;
            }
        }
    }

    /**
     * Hands a connection whose response head was written, after {@link #reserve()}, to the agent: its events follow.
     * Any thread.
     *
     * @param afterId the id to resume after (0 for the first event: ids are positive).
     * @param atEnd   start at the end ({@code from=latest}).
     */
    void subscribe(final Channel channel, final String merchantId, final long afterId, final boolean atEnd)
    {
        final long resumeId = atEnd ? Math.max(0, options.feed().lastJournalIndex()) : afterId;
        added.add(new Stream(channel, merchantId, afterId, atEnd, resumeId));
        LockSupport.unpark(thread);
    }

    @Override
    public void close()
    {
        stopRequested = true;
        LockSupport.unpark(thread);
        try
        {
            thread.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void run()
    {
        try
        {
            while (!stopRequested)
            {
                Stream stream;
                while ((stream = added.poll()) != null)
                {
                    stream.cursor = options.feed().open(stream.merchantId, stream.atEnd);
                    stream.lastWriteNs = System.nanoTime();
                    streams.add(stream);
                }
                boolean busy = false;
                final long nowNs = System.nanoTime();
                for (int i = streams.size() - 1; i >= 0; i--)
                {
                    final Stream s = streams.get(i);
                    if (!s.channel.isActive() || s.done)
                    {
                        remove(i);
                        continue;
                    }
                    busy |= serve(s, nowNs);
                }
                if (streams.isEmpty())
                {
                    LockSupport.park(); // nothing to serve or keep alive: until subscribe() or close() unparks it
                }
                else if (!busy)
                {
                    LockSupport.parkNanos(IDLE_NS);
                }
            }
        }
        catch (final RuntimeException | Error error)
        {
            LOG.error("events: the event-stream thread stopped; open streams are closed and new ones get none", error);
        }
        finally
        {
            for (int i = streams.size() - 1; i >= 0; i--)
            {
                streams.get(i).channel.close();
                remove(i);
            }
            Stream stream;
            while ((stream = added.poll()) != null)
            {
                stream.channel.close();
                open.decrementAndGet();
            }
        }
    }

    private void remove(final int i)
    {
        final Stream s = streams.remove(i);
        if (s.cursor != null)
        {
            s.cursor.close();
        }
        open.decrementAndGet();
    }

    /** One turn of one stream: @return true when it wrote anything. */
    private boolean serve(final Stream s, final long nowNs)
    {
        final Channel channel = s.channel;
        int written = 0;
        while (written < TURN_EVENTS_MAX)
        {
            if (s.pending == null)
            {
                if (!s.cursor.next())
                {
                    break;
                }
                if (s.cursor.journalIndex() <= s.afterId)
                {
                    continue; // before the resume point
                }
                s.pending = render(s.cursor.journalIndex(), s.cursor.type(), s.cursor.data());
                s.pendingId = s.cursor.journalIndex();
            }
            if (!channel.isWritable())
            {
                break;
            }
            channel.write(new DefaultHttpContent(Unpooled.wrappedBuffer(s.pending)), channel.voidPromise());
            s.resumeId = s.pendingId;
            s.pending = null;
            written++;
        }
        if (s.pending != null && !channel.isWritable())
        {
            if (s.stalledSinceNs == 0)
            {
                s.stalledSinceNs = nowNs;
            }
            else if (nowNs - s.stalledSinceNs >= TimeUnit.MILLISECONDS.toNanos(options.stallMs()))
            {
                cutOff(s);
                return true;
            }
        }
        else
        {
            s.stalledSinceNs = 0;
        }
        if (written == 0 && nowNs - s.lastWriteNs >= TimeUnit.MILLISECONDS.toNanos(options.keepAliveMs()) && channel.isWritable())
        {
            channel.writeAndFlush(new DefaultHttpContent(KEEP_ALIVE.duplicate()), channel.voidPromise());
            s.lastWriteNs = nowNs;
            return true;
        }
        if (written > 0)
        {
            channel.flush();
            s.lastWriteNs = nowNs;
            return true;
        }
        return false;
    }

    /** The final comment with the id to resume from, the end of the body, and the close. */
    private void cutOff(final Stream s)
    {
        s.done = true;
        LOG.info("events: a stream of merchant {} fell behind its {}-byte buffer for {} ms; cut off, resume from {}", s.merchantId,
            options.bufferBytes(), options.stallMs(), s.resumeId);
        final ByteBuf comment = Unpooled.copiedBuffer(": too slow, resume from " + s.resumeId + "\n\n", StandardCharsets.UTF_8);
        s.channel.write(new DefaultHttpContent(comment), s.channel.voidPromise());
        s.channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        // a client that never reads never lets that write complete: the connection goes after a grace period regardless
        s.channel.eventLoop().schedule(() -> { s.channel.close(); }, Math.max(CUT_OFF_GRACE_MS, options.stallMs()), TimeUnit.MILLISECONDS);
    }

    /** An event as Server-Sent Events text; a line break inside the data starts another {@code data:} line. */
    static byte[] render(final long id, final String type, final String data)
    {
        final String text = "id: " + id + "\nevent: " + type + "\ndata: "
            + (data.indexOf('\n') < 0 && data.indexOf('\r') < 0 ? data : data.replaceAll("\r\n|\r|\n", "\ndata: ")) + "\n\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** One open stream; agent thread only (after the hand-over through {@link #added}). */
    private static final class Stream
    {
        final Channel channel;
        final String merchantId;
        final long afterId;
        final boolean atEnd;
        EventFeed.Cursor cursor;
        byte[] pending;
        long pendingId;
        long resumeId;
        long stalledSinceNs;
        long lastWriteNs;
        boolean done;

        Stream(final Channel channel, final String merchantId, final long afterId, final boolean atEnd, final long resumeId)
        {
            this.channel = channel;
            this.merchantId = merchantId;
            this.afterId = afterId;
            this.atEnd = atEnd;
            this.resumeId = resumeId;
        }
    }
}
