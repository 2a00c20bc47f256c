package io.ledger.cluster;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Ledger;
import io.ledger.engine.MoneyTotals;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.Durability;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger as an Aeron Cluster service: every node runs one, and each applies the same committed log to its own
 * {@link Ledger}, so the nodes hold the same state (issue 17).
 *
 * <p>For each committed ingress message ({@link IngressMessage}: the origin node, its correlation id, the command in
 * the journal's record format) it stamps the command from the log, not from any local clock: the id is the replicated
 * ledger's next ({@code lastCommandId + 1}, queries reuse the last), the time is the log entry's {@code timestamp}
 * (the leader's cluster clock, in milliseconds; the ledger never lets its time go back). It appends a journaled command
 * to the node's Chronicle journal (durability {@code process}: Raft already holds the entry on a majority before the
 * service sees it), applies it, and when this node's gateway sent it, hands the outcome to the waiting HTTP request
 * through the adapter's usual {@link io.ledger.engine.ReplySink} ({@link LocalReplies}). The reply is therefore given
 * by the node the client talks to, from its own replica, once the command is committed: nothing of the result is
 * serialized, and a node cut off from the majority never applies, so never acknowledges, anything.
 *
 * <p>The Chronicle journal is an audit copy of the log: the journaled commands with the ids and times the service
 * stamped, read by {@code ./ledger replay|verify|journal} as a single node's. The Raft log and the cluster's snapshots
 * are what the node recovers from; after a restart the cluster replays the log from the latest snapshot, and commands
 * the journal already holds (by id) are not appended twice.
 *
 * <p>Deadlines (escrow releases, gift expiries): after each command the service (re)schedules one cluster timer for
 * the ledger's next deadline; the timer's expiry is itself a log entry, applied on every node as a journaled
 * {@link CommandType#TICK} at the entry's time, so the deadline passes at the same point of the log everywhere.
 *
 * <p>Snapshots: {@link #onTakeSnapshot} streams {@link io.ledger.engine.LedgerSnapshot}'s format into the cluster's
 * snapshot publication ({@link SnapshotStream}); {@link #onStart} rebuilds the ledger from it and checks its hash.
 *
 * <p>Single-threaded: the cluster's service thread, except the figures marked "any thread".
 */
public final class LedgerClusteredService implements ClusteredService
{
    private static final Logger LOG = LoggerFactory.getLogger(LedgerClusteredService.class);

    /** The one cluster timer: the ledger's next deadline. */
    static final long DEADLINE_TIMER_ID = 1;
    /** How often the waiting requests are checked for their deadline. */
    private static final long EXPIRE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long NOT_SCHEDULED = Long.MIN_VALUE;

    private final int nodeId;
    private final Path journalDir;
    private final int defaultCurrency;
    private final CommandEvent event = new CommandEvent();
    private final CountDownLatch started = new CountDownLatch(1);

    private Cluster cluster;
    private Ledger ledger;
    private ChronicleJournal journal;
    private long scheduledDeadlineMs = NOT_SCHEDULED;
    private long lastExpireNs;
    private volatile LocalReplies replies;
    private volatile Cluster.Role role = Cluster.Role.FOLLOWER;
    private volatile long deploymentSalt;
    private volatile long appliedMessages;
    private volatile boolean failed;

    /**
     * @param nodeId          this node's member id: replies go to the requests of this node's gateway only.
     * @param journalDir      the node's Chronicle journal (created when missing).
     * @param defaultCurrency packed currency for balance reads of accounts that never held money.
     */
    public LedgerClusteredService(final int nodeId, final Path journalDir, final int defaultCurrency)
    {
        this.nodeId = nodeId;
        this.journalDir = journalDir;
        this.defaultCurrency = defaultCurrency;
    }

    /** Where replies to this node's own requests go; null (the default) for a service no adapter waits on. */
    public void replies(final LocalReplies replies)
    {
        this.replies = replies;
    }

    @Override
    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        this.cluster = cluster;
        try
        {
            if (snapshotImage == null)
            {
                ledger = new Ledger(defaultCurrency);
            }
            else
            {
                final long startNs = System.nanoTime();
                ledger = SnapshotStream.read(snapshotImage, cluster.idleStrategy(), defaultCurrency);
                LOG.info("node {}: loaded the cluster snapshot in {} ms: last commandId {}, state hash {}", nodeId,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs), ledger.lastCommandId(),
                    Long.toHexString(ledger.stateHash()));
            }
            ledger.checkConservation();
            journal = ChronicleJournal.open(journalDir, Durability.PROCESS);
            if (journal.lastCommandId() < ledger.lastCommandId())
            {
                LOG.warn("node {}: the journal in {} ends at commandId {} but the snapshot at {}: the audit copy misses the "
                    + "commands between", nodeId, journalDir, journal.lastCommandId(), ledger.lastCommandId());
            }
            published();
        }
        catch (final RuntimeException | Error ex)
        {
            failed = true;
            throw ex;
        }
        finally
        {
            started.countDown();
        }
    }

    @Override
    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
    }

    @Override
    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
    }

    @Override
    public void onSessionMessage(final ClientSession session, final long timestamp, final DirectBuffer buffer, final int offset,
        final int length, final Header header)
    {
        final CommandEvent event = this.event;
        if (!IngressMessage.decode(buffer, offset, length, event))
        {
            LOG.error("node {}: ingress message of {} bytes is not a command this build knows; skipped on every node alike",
                nodeId, length);
            return;
        }
        apply(event, timestamp);
        if (IngressMessage.originNode(buffer, offset) == nodeId)
        {
            final LocalReplies replies = this.replies;
            if (replies != null)
            {
                replies.complete(IngressMessage.correlationId(buffer, offset), event);
            }
        }
        event.replyTo(null, null);
    }

    @Override
    public void onTimerEvent(final long correlationId, final long timestamp)
    {
        if (correlationId != DEADLINE_TIMER_ID)
        {
            return;
        }
        scheduledDeadlineMs = NOT_SCHEDULED; // fired: gone from the consensus module
        event.clear();
        event.type(CommandType.TICK);
        apply(event, timestamp);
    }

    private void apply(final CommandEvent event, final long timestamp)
    {
        final long timeMs = timeUnit().toMillis(timestamp);
        final long last = Math.max(ledger.lastCommandId(), 0);
        final boolean journaled = event.type().journaled();
        // a batch of n commands takes n + 1 ids, as on a single node: its commands' ids just below its own
        final int ids = event.type() == CommandType.BATCH && event.batch() != null ? 1 + event.batch().count() : 1;
        event.stamp(journaled ? last + ids : last, timeMs);
        if (journaled && event.commandId() > journal.lastCommandId())
        {
            journal.append(event); // a command the log replays after a restart is in the journal already: not twice
            journal.endOfBatch();
        }
        ledger.apply(event);
        if (journaled)
        {
            scheduleNextDeadline();
        }
        published();
    }

    /** @return the unit of the log's timestamps (the consensus module's clock; milliseconds by default). */
    private TimeUnit timeUnit()
    {
        final TimeUnit unit = cluster.timeUnit(); // known once the log's first leadership term is read
        return unit == null ? TimeUnit.MILLISECONDS : unit;
    }

    /** Moves the cluster timer to the ledger's next deadline (one timer, rescheduled: the same id moves it). */
    private void scheduleNextDeadline()
    {
        final long nextMs = ledger.nextDeadlineMs();
        if (nextMs == scheduledDeadlineMs)
        {
            return;
        }
        if (nextMs == Long.MAX_VALUE)
        {
            cluster.cancelTimer(DEADLINE_TIMER_ID);
        }
        else
        {
            final long deadline = timeUnit().convert(nextMs, TimeUnit.MILLISECONDS);
            cluster.idleStrategy().reset();
            while (!cluster.scheduleTimer(DEADLINE_TIMER_ID, deadline))
            {
                cluster.idleStrategy().idle();
            }
        }
        scheduledDeadlineMs = nextMs;
    }

    private void published()
    {
        ledger.moneyTotals().publish();
        deploymentSalt = ledger.deploymentSalt();
        appliedMessages = appliedMessages + 1; // single writer; volatile for the readers' happens-before
    }

    @Override
    public int doBackgroundWork(final long nowNs)
    {
        final LocalReplies replies = this.replies;
        if (replies != null && nowNs - lastExpireNs >= EXPIRE_INTERVAL_NS)
        {
            lastExpireNs = nowNs;
            replies.expire(nowNs);
            return 1;
        }
        return 0;
    }

    @Override
    public void onTakeSnapshot(final ExclusivePublication snapshotPublication)
    {
        final long startNs = System.nanoTime();
        SnapshotStream.write(ledger, snapshotPublication, cluster.idleStrategy());
        LOG.info("node {}: took a cluster snapshot at commandId {} in {} ms", nodeId, ledger.lastCommandId(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
    }

    @Override
    public void onRoleChange(final Cluster.Role newRole)
    {
        role = newRole;
        LOG.info("node {}: role {}", nodeId, newRole);
    }

    @Override
    public void onTerminate(final Cluster cluster)
    {
        LOG.info("node {}: terminating at commandId {}", nodeId, ledger == null ? -1 : ledger.lastCommandId());
        failed = true;
        if (journal != null)
        {
            journal.close();
            journal = null;
        }
    }

    // ---- for the wiring and tests; any thread unless said

    /** Waits until {@link #onStart} has run (the ledger is rebuilt from the snapshot, if any). */
    public boolean awaitStarted(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return started.await(timeout, unit);
    }

    /** @return the deployment's id salt as of the last applied message, 0 until it is journaled. */
    public long deploymentSalt()
    {
        return deploymentSalt;
    }

    /** @return this node's role as the cluster last told it. */
    public Cluster.Role role()
    {
        return role;
    }

    /** @return money per currency as of the last applied message (see {@link MoneyTotals#read()}). */
    public MoneyTotals moneyTotals()
    {
        return ledger.moneyTotals();
    }

    /** @return true once the service failed to start or terminated. */
    public boolean failed()
    {
        return failed;
    }

    /** @return how many messages and timers were applied by this process (replayed ones included). */
    public long appliedMessages()
    {
        return appliedMessages;
    }

    /**
     * @return the replica's ledger, for tests and tools that read it while no command is being applied (after the load
     * stopped and {@link #appliedMessages()} settled); reading it while the service applies is a data race.
     */
    public Ledger ledgerWhenQuiet()
    {
        return ledger;
    }
}
