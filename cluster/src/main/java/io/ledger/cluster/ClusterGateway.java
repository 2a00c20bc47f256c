package io.ledger.cluster;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.aeron.Publication;
import io.aeron.cluster.client.AeronCluster;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandGateway;
import io.ledger.engine.CommandType;
import io.ledger.engine.LedgerPipeline;
import io.ledger.engine.MoneyTotals;
import io.ledger.engine.ReplySink;
import io.ledger.engine.ResultCode;
import org.agrona.BufferUtil;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP adapter's gateway in front of a cluster: every node runs one, with one {@link AeronCluster} client session.
 * The adapter's event loops encode each command ({@link IngressMessage}) into a many-to-one ring; one client thread
 * offers them, in order, to the cluster's ingress (which reaches the leader wherever it is: a follower's port forwards
 * through the cluster, so clients may talk to any node) and polls the egress, which drives the client through leader
 * changes. The reply does not come back through the egress: the node's own service replica applies the committed
 * command and completes the waiting request ({@link LocalReplies}), on the service thread, through the adapter's usual
 * reply path. A request the cluster does not confirm within the reply timeout is answered
 * {@link ResultCode#CLUSTER_UNAVAILABLE} (503: it may have been applied; a retry with the same idempotency key returns
 * its outcome if it was).
 *
 * <p>No command is offered twice: one not yet sent when the leader changes waits in the ring and goes to the new leader;
 * one sent to a leader that died before committing it is lost and its request times out. Exactly-once across failover
 * therefore rests on idempotency keys, which are replicated ledger state.
 *
 * <p>Thread-safety: {@link #tryPublish} and the figures from any thread; {@link #complete} and {@link #expire} from the
 * service thread only; the client thread is this class's own.
 */
public final class ClusterGateway implements CommandGateway, LocalReplies, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterGateway.class);

    /** Requests waiting for the cluster at most: past it, 503 at once. */
    public static final int PENDING_MAX = 16 * 1024;
    private static final int RING_BYTES = 4 << 20;
    private static final int MESSAGE_TYPE = 1;
    private static final long KEEP_ALIVE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long PAUSE_WARN_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private record Pending(ReplySink sink, Object context, CommandType type, long deadlineNs)
    {
    }

    private static final class Scratch
    {
        final CommandEvent event = new CommandEvent();
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(IngressMessage.BYTES_MAX);
    }

    private final int nodeId;
    private final long replyTimeoutNs;
    private final AeronCluster.Context clientContext;
    private final LedgerClusteredService service;
    private final ManyToOneRingBuffer ring =
        new ManyToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH, 64)));
    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    /** Unique across this node's processes, so a restarted node never takes a replayed reply for one of its own. */
    private final AtomicLong correlations = new AtomicLong(System.currentTimeMillis() << 20);
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
    private final CommandEvent refusal = new CommandEvent(); // service thread only
    private final Thread thread;
    private final ControlledMessageHandler offerHandler = this::offer;
    private volatile boolean running = true;
    private volatile boolean connected;
    private AeronCluster client; // client thread only

    /**
     * @param clientContext the client's context (ingress endpoints, egress channel, the node's Aeron directory); this
     *                      gateway connects with clones of it, again after every loss of the session.
     */
    public ClusterGateway(final int nodeId, final long replyTimeoutNs, final AeronCluster.Context clientContext,
        final LedgerClusteredService service)
    {
        this.nodeId = nodeId;
        this.replyTimeoutNs = replyTimeoutNs;
        this.clientContext = clientContext;
        this.service = service;
        service.replies(this);
        thread = new Thread(this::run, "cluster-client-" + nodeId);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public <A> boolean tryPublish(final LedgerPipeline.CommandFiller<A> filler, final A arg)
    {
        return tryPublish(filler, arg, 1);
    }

    /**
     * A batch takes its ids from the replicated ledger when applied (see {@link LedgerClusteredService}), so
     * {@code commandIds} asks nothing of the gateway; a command whose message would pass the ingress's largest
     * message ({@link ClusterNode#INGRESS_MESSAGE_BYTES_MAX}) is refused like a full gateway.
     */
    @Override
    public <A> boolean tryPublish(final LedgerPipeline.CommandFiller<A> filler, final A arg, final int commandIds)
    {
        if (!running || pending.size() >= PENDING_MAX)
        {
            return false;
        }
        final Scratch s = scratch.get();
        final CommandEvent event = s.event;
        event.clear();
        filler.fill(event, arg);
        final long correlationId = correlations.incrementAndGet();
        final int length = IngressMessage.encode(nodeId, correlationId, event, s.buffer, 0);
        if (length > ClusterNode.INGRESS_MESSAGE_BYTES_MAX)
        {
            event.replyTo(null, null);
            return false;
        }
        pending.put(correlationId, new Pending(event.replySink(), event.replyContext(), event.type(),
            System.nanoTime() + replyTimeoutNs));
        event.replyTo(null, null);
        if (!ring.write(MESSAGE_TYPE, s.buffer, 0, length))
        {
            pending.remove(correlationId);
            return false;
        }
        return true;
    }

    @Override
    public void complete(final long correlationId, final CommandEvent event)
    {
        final Pending waiting = pending.remove(correlationId);
        if (waiting != null)
        {
            event.replyTo(waiting.sink(), waiting.context());
            reply(waiting.sink(), event);
        }
    }

    @Override
    public void expire(final long nowNs)
    {
        for (final Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator(); it.hasNext(); )
        {
            final Pending waiting = it.next().getValue();
            if (nowNs - waiting.deadlineNs() >= 0 || !running)
            {
                it.remove();
                refuse(waiting);
            }
        }
    }

    private void refuse(final Pending waiting)
    {
        refusal.clear();
        refusal.type(waiting.type());
        refusal.result(ResultCode.CLUSTER_UNAVAILABLE);
        refusal.replyTo(waiting.sink(), waiting.context());
        reply(waiting.sink(), refusal);
        refusal.replyTo(null, null);
    }

    private static void reply(final ReplySink sink, final CommandEvent event)
    {
        if (sink == null)
        {
            return;
        }
        try
        {
            sink.onReply(event);
            sink.endOfBatch();
        }
        catch (final RuntimeException ex)
        {
            LOG.error("reply failed commandId={} type={}", event.commandId(), event.type(), ex);
        }
    }

    // ---- the client thread

    private void run()
    {
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, 1_000_000);
        long lastKeepAliveNs = System.nanoTime();
        while (running)
        {
            try
            {
                if (client == null)
                {
                    client = AeronCluster.connect(clientContext.clone());
                    connected = true;
                    LOG.info("node {}: cluster client connected, session {} leader {}", nodeId, client.clusterSessionId(),
                        client.leaderMemberId());
                }
                int work = client.pollEgress();
                if (client.isClosed())
                {
                    dropClient("the cluster closed the session");
                    continue;
                }
                work += ring.controlledRead(offerHandler, 64);
                final long nowNs = System.nanoTime();
                if (nowNs - lastKeepAliveNs >= KEEP_ALIVE_INTERVAL_NS)
                {
                    client.sendKeepAlive();
                    lastKeepAliveNs = nowNs;
                }
                idle.idle(work);
            }
            catch (final RuntimeException ex)
            {
                if (running)
                {
                    dropClient(ex.toString());
                    sleepMs(200);
                }
            }
        }
        if (client != null)
        {
            client.close();
        }
    }

    private ControlledMessageHandler.Action offer(final int type, final org.agrona.MutableDirectBuffer buffer, final int index,
        final int length)
    {
        if (!pending.containsKey(IngressMessage.correlationId(buffer, index)))
        {
            return ControlledMessageHandler.Action.CONTINUE; // answered 503 meanwhile: not sent late
        }
        final long result = client.offer(buffer, index, length);
        if (result > 0)
        {
            return ControlledMessageHandler.Action.CONTINUE;
        }
        if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
        {
            throw new IllegalStateException("ingress offer result=" + result);
        }
        return ControlledMessageHandler.Action.ABORT; // back pressure or a leader change: retried in order
    }

    private void dropClient(final String why)
    {
        connected = false;
        LOG.warn("node {}: cluster client lost ({}); reconnecting", nodeId, why);
        if (client != null)
        {
            try
            {
                client.close();
            }
            catch (final RuntimeException ex)
            {
                LOG.debug("closing the cluster client failed", ex);
            }
            client = null;
        }
    }

    private static void sleepMs(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** @return true while the client has a session with the cluster. Any thread. */
    public boolean connected()
    {
        return connected;
    }

    // ---- figures

    @Override
    public long remainingCapacity()
    {
        return Math.max(0, PENDING_MAX - pending.size());
    }

    @Override
    public int ringSizeEvents()
    {
        return PENDING_MAX;
    }

    @Override
    public long longestPauseNsSinceStart()
    {
        return 0; // the service thread's pauses are Aeron's to report (its counters), not measured here
    }

    @Override
    public long takeLongestPauseNs()
    {
        return 0;
    }

    @Override
    public long ledgerStallNs(final long nowNs)
    {
        return 0;
    }

    @Override
    public long longPauses()
    {
        return 0;
    }

    @Override
    public long pauseWarnNs()
    {
        return PAUSE_WARN_NS;
    }

    @Override
    public MoneyTotals moneyTotals()
    {
        return service.moneyTotals();
    }

    @Override
    public boolean failed()
    {
        return service.failed();
    }

    /** Stops the client thread; waiting requests are answered 503 by the service's next expiry pass. */
    @Override
    public void close()
    {
        running = false;
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
