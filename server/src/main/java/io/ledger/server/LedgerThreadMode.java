package io.ledger.server;

import org.slf4j.Logger;

/**
 * {@code --ledger-thread}: where the pipeline's one consumer (journal, apply, reply) runs.
 *
 * <ul>
 *   <li>{@value #AUTO} (the default): on the event loop where it can run there, on a thread of its own where it cannot,
 *       with one INFO line at start saying which and why. Measured quietly in session 9, the event loop used less server
 *       CPU per purchase in every pair and was as fast or faster, so it is chosen wherever its conditions hold.</li>
 *   <li>{@value #OWN}: a {@code ledger} thread of its own. The event loop publishes a round's requests and wakes it; it
 *       journals, applies and encodes, and hands the replies back to the loop (one wake-up each way).</li>
 *   <li>{@value #EVENT_LOOP}: on the HTTP event loop itself, after each round of reads: no thread to wake either way.
 *       Only with one event loop ({@code --io-threads 1}: with more, every other loop would hand its commands over to
 *       that one) and {@code process} durability ({@code fsync}'s msync at the end of each batch would stop the loop's
 *       reads and writes for the sync; on a thread of its own the loop keeps reading the next group commit meanwhile).
 *       {@code --wait-strategy} does not apply (nothing waits on the ring) and must stay at its default. Asked for
 *       explicitly where it cannot run, it is refused (an A/B never silently measures the other mode).</li>
 * </ul>
 *
 * <p>Stateless; called on the starting thread.
 */
final class LedgerThreadMode
{
    static final String AUTO = "auto";
    static final String OWN = "own";
    static final String EVENT_LOOP = "event-loop";
    static final String DEFAULT = AUTO;

    private LedgerThreadMode()
    {
    }

    /** @throws IllegalArgumentException naming the option and what it cannot go with. */
    static void validate(final String mode, final String durability, final int ioThreads, final String waitStrategy)
    {
        if (AUTO.equals(mode) || OWN.equals(mode))
        {
            return;
        }
        if (!EVENT_LOOP.equals(mode))
        {
            throw new IllegalArgumentException("ledger-thread=" + mode + " must be " + AUTO + ", " + OWN + " or " + EVENT_LOOP);
        }
        final String blocker = blocker(durability, ioThreads, waitStrategy);
        if (blocker != null)
        {
            throw new IllegalArgumentException("ledger-thread=" + EVENT_LOOP + " " + blocker);
        }
    }

    /**
     * @return null when the consumer can run on the event loop with these options, else why not, worded to follow
     *         "the event loop": e.g. {@code needs io-threads=1 (io-threads=2)}.
     */
    static String blocker(final String durability, final int ioThreads, final String waitStrategy)
    {
        if (ioThreads != 1)
        {
            return "needs io-threads=1 (io-threads=" + ioThreads + "): the other event loops would hand every command over to it";
        }
        if (!"process".equals(durability))
        {
            return "needs durability=process: the sync of durability=" + durability + " would stop the event loop's I/O while it runs";
        }
        if (!LedgerServer.Config.WAIT_STRATEGY_DEFAULT.equals(waitStrategy))
        {
            return "takes no wait-strategy (wait-strategy=" + waitStrategy + "): nothing waits on the ring";
        }
        return null;
    }

    /**
     * @return {@value #EVENT_LOOP} or {@value #OWN}: where the consumer runs with this (validated) configuration, with
     *         {@value #AUTO} resolved.
     */
    static String resolve(final LedgerServer.Config config)
    {
        if (AUTO.equals(config.ledgerThread()))
        {
            return blocker(config.durability(), config.ioThreads(), config.waitStrategy()) == null ? EVENT_LOOP : OWN;
        }
        return config.ledgerThread();
    }

    /**
     * Resolves the mode and logs, once, where the consumer runs and why.
     *
     * @return true when the consumer runs on the event loop.
     */
    static boolean onEventLoop(final LedgerServer.Config config, final Logger log)
    {
        final String resolved = resolve(config);
        final String where = EVENT_LOOP.equals(resolved)
            ? "commands are journaled, applied and answered on the HTTP event loop"
            : "commands are journaled, applied and answered on the ledger thread";
        if (!AUTO.equals(config.ledgerThread()))
        {
            log.info("{} (--ledger-thread {})", where, config.ledgerThread());
        }
        else if (EVENT_LOOP.equals(resolved))
        {
            log.info("{} (--ledger-thread auto: one event loop, durability=process, the default wait strategy)", where);
        }
        else
        {
            log.info("{} (--ledger-thread auto: the event loop {})", where,
                blocker(config.durability(), config.ioThreads(), config.waitStrategy()));
        }
        return EVENT_LOOP.equals(resolved);
    }
}
