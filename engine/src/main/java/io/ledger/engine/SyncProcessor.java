package io.ledger.engine;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.lmax.disruptor.Sequence;

/**
 * The sync thread ({@code ledger-sync}), in {@code fsync} durability: group commit. It waits (parked) until the ledger
 * thread has applied a batch, syncs the journal ({@link JournalWriter.Syncer}), which covers everything the ledger
 * thread appended by then, and only then releases the replies up to there ({@link ReplyStage}). While one sync runs,
 * the ledger thread goes on journaling and applying the next commands, and the next sync covers them all.
 *
 * <p>A failed sync stops acknowledgements from the first command it should have covered ({@link LedgerPipeline#fail}).
 *
 * <p>Single-threaded: runs on its own thread; {@link #applied} from the ledger thread, {@link #halt()} from any.
 */
final class SyncProcessor implements Runnable
{
    /** A parked sync thread looks again after this long even without a signal: a guard, never needed for progress. */
    private static final long PARK_NS_MAX = TimeUnit.MILLISECONDS.toNanos(100);

    private final LedgerPipeline pipeline;
    private final JournalWriter.Syncer syncer;
    private final ReplyStage replyStage;
    /** The ledger thread's progress: applied and appended up to here. */
    private volatile long applied = -1;
    /** Synced and replied to up to here: gates the producers. */
    private final Sequence sequence = new Sequence(-1);
    private volatile Thread thread;
    private volatile boolean parked;
    private volatile boolean running = true;

    SyncProcessor(final LedgerPipeline pipeline, final JournalWriter.Syncer syncer, final ReplyStage replyStage)
    {
        this.pipeline = pipeline;
        this.syncer = syncer;
        this.replyStage = replyStage;
    }

    /** @return how far replies are released. */
    Sequence sequence()
    {
        return sequence;
    }

    /** Ledger thread: a batch up to {@code sequence} is applied and appended. */
    void applied(final long sequence)
    {
        applied = sequence;
        if (parked) // read after the write above, as the sync thread writes it before it reads applied: no lost wake-up
        {
            LockSupport.unpark(thread);
        }
    }

    void halt()
    {
        running = false;
        final Thread t = thread;
        if (t != null)
        {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run()
    {
        thread = Thread.currentThread();
        long next = sequence.get() + 1;
        while (running)
        {
            final long target = applied;
            if (target < next)
            {
                parked = true; // then look again: the ledger thread writes applied before it reads this flag
                if (applied < next && running)
                {
                    LockSupport.parkNanos(this, PARK_NS_MAX);
                }
                parked = false;
                continue;
            }
            if (!pipeline.failedAt(next))
            {
                try
                {
                    syncer.sync();
                }
                catch (final Throwable error)
                {
                    pipeline.fail("journal", next, error); // none of what this sync should have covered is acknowledged
                }
            }
            replyStage.reply(next, target);
            sequence.set(target);
            next = target + 1;
        }
    }
}
