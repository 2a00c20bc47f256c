package io.ledger.http;

import java.util.ArrayList;
import java.util.concurrent.RejectedExecutionException;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandGateway;
import io.ledger.engine.ReplySink;
import io.ledger.http.endpoint.BodyBytes;
import io.ledger.http.endpoint.CommandDraft;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's reply sink, one per event loop: on the pipeline thread that releases replies, encodes the outcome of
 * a command as the HTTP response, gives it to the connection that asked and counts the command's outcome and its time
 * in the pipeline; at the end of the pipeline's batch ({@link #endOfBatch()}) it hands every connection that got a
 * reply in that batch to their event loop at once: one {@code execute} (one selector wake-up) per batch and loop
 * instead of one per reply. On the event loop each connection then writes its reply and serves what queued behind it,
 * in the order the replies were released.
 *
 * <p>It also wakes the ledger thread for the commands its event loop published ({@link #publish}): once per
 * round of the loop's reads rather than once per request.
 *
 * <p>With the pipeline's consumer on the event loop ({@code --ledger-thread event-loop}) the reply thread is the loop
 * itself: {@link #endOfBatch()} then only queues {@link #run()} behind the batch (no wake-up), and the deferred signal
 * of {@link #publish} has the loop drain the ring after its round of reads instead of waking a {@code ledger} thread.
 *
 * <p>Thread-safety: {@link #onReply} and {@link #endOfBatch()} on the pipeline's reply thread (one per pipeline);
 * {@link #run()} and {@link #publish} on the event loop; the two meet under this object's lock, once per batch. Allocation-free once the
 * lists have grown to the number of connections.
 */
final class ReplyPublisher implements ReplySink, Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(ReplyPublisher.class);

    /** The publisher of the event loop running on this thread. */
    private static final FastThreadLocal<ReplyPublisher> OF_LOOP = new FastThreadLocal<>();

    private final EventExecutor loop;
    /** Reply thread only: connections given a reply in the current batch. */
    private final ArrayList<LedgerRequestHandler> gathered = new ArrayList<>();
    /** Under the lock: connections handed over and not yet taken by the event loop. */
    private ArrayList<LedgerRequestHandler> handed = new ArrayList<>();
    /** Event loop only: what it took from {@link #handed} (the two lists swap). */
    private ArrayList<LedgerRequestHandler> draining = new ArrayList<>();
    /** Under the lock: a {@link #run()} is queued on the event loop and has not taken {@link #handed} yet. */
    private boolean scheduled;
    /** Event loop only: the gateway owed a {@link CommandGateway#signalDeferred()}, or null when none is owed. */
    private CommandGateway signalOwed;
    /** Reply thread only: where a success body is written as bytes ({@link Responses#reply}). */
    private final BodyBytes bodies = new BodyBytes();
    /** Event loop only: pays what {@link #signalOwed} says, after the loop's current round of reads. */
    private final Runnable signalTask = this::signalOwed;

    private ReplyPublisher(final EventExecutor loop)
    {
        this.loop = loop;
    }

    /** @return the publisher of {@code loop}; on that loop's thread only (made on first use, one per loop). */
    static ReplyPublisher of(final EventExecutor loop)
    {
        ReplyPublisher publisher = OF_LOOP.get();
        if (publisher == null || publisher.loop != loop)
        {
            publisher = new ReplyPublisher(loop);
            OF_LOOP.set(publisher);
        }
        return publisher;
    }

    /**
     * Event loop: publishes {@code draft} with {@link CommandGateway#tryPublishDeferred} and wakes the ledger thread for
     * it once, after every read of this round of the event loop (a task runs after the loop has processed the ready
     * sockets), instead of once per request: the commands that arrived together reach the ledger thread together.
     *
     * @return false, nothing published, when the gateway is full or closed.
     */
    boolean publish(final CommandGateway gateway, final CommandDraft draft)
    {
        if (!gateway.tryPublishDeferred(CommandDraft.FILLER, draft, draft.slots()))
        {
            return false;
        }
        signalAfterReads(gateway);
        return true;
    }

    private void signalAfterReads(final CommandGateway gateway)
    {
        if (signalOwed == null)
        {
            signalOwed = gateway;
            try
            {
                loop.execute(signalTask); // on the loop itself: queued, no wake-up of the selector
            }
            catch (final RejectedExecutionException ex)
            {
                signalOwed(); // the event loop is shutting down: wake the ledger thread now
            }
        }
    }

    /** Event loop: the task of {@link #signalAfterReads}. */
    private void signalOwed()
    {
        final CommandGateway gateway = signalOwed;
        signalOwed = null;
        gateway.signalDeferred();
    }

    @Override
    public void onReply(final CommandEvent event)
    {
        final LedgerRequestHandler connection = (LedgerRequestHandler)event.replyContext();
        connection.metrics().commandReplied(event.type(), event.result(), event.commandId(), connection.publishedNs());
        FullHttpResponse response;
        try
        {
            response = Responses.reply(connection.alloc(), connection.inFlightEndpoint(), event, connection.ids(), bodies,
                connection.inFlightKeepAlive());
        }
        catch (final RuntimeException ex)
        {
            LOG.error("reply encoding failed commandId={} type={}", event.commandId(), event.type(), ex);
            response = Responses.error(connection.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "Internal server error");
        }
        connection.deliver(response, event.result());
        gathered.add(connection);
    }

    /** Reply thread: hands the batch's connections to the event loop, waking it only if no hand-over is pending. */
    @Override
    public void endOfBatch()
    {
        if (gathered.isEmpty())
        {
            return;
        }
        final boolean schedule;
        synchronized (this)
        {
            for (int i = 0, n = gathered.size(); i < n; i++)
            {
                handed.add(gathered.get(i));
            }
            schedule = !scheduled;
            scheduled = true;
        }
        gathered.clear();
        if (schedule)
        {
            try
            {
                loop.execute(this);
            }
            catch (final RejectedExecutionException ex)
            {
                abandon(); // the event loop is shutting down: its connections are going away with it
            }
        }
    }

    /** Event loop: every connection handed over writes its reply, in the order they were released. */
    @Override
    public void run()
    {
        final ArrayList<LedgerRequestHandler> batch;
        synchronized (this)
        {
            batch = handed;
            handed = draining;
            draining = batch;
            scheduled = false; // from here on a new hand-over schedules another run
        }
        try
        {
            for (int i = 0, n = batch.size(); i < n; i++)
            {
                try
                {
                    batch.get(i).writeDelivered();
                }
                catch (final RuntimeException ex)
                {
                    LOG.error("writing a reply failed", ex);
                }
            }
        }
        finally
        {
            batch.clear();
        }
    }

    private void abandon()
    {
        synchronized (this)
        {
            for (int i = 0, n = handed.size(); i < n; i++)
            {
                handed.get(i).abandonDelivered();
            }
            handed.clear();
            scheduled = false;
        }
    }
}
