package io.ledger.server;

/**
 * {@code --ledger-thread}: where the pipeline's one consumer (journal, apply, reply) runs.
 *
 * <ul>
 *   <li>{@value #OWN} (the default): a {@code ledger} thread of its own. The event loop publishes a round's requests
 *       and wakes it; it journals, applies and encodes, and hands the replies back to the loop (one wake-up each way).</li>
 *   <li>{@value #EVENT_LOOP}: on the HTTP event loop itself, after each round of reads: no thread to wake either way.
 *       Only with one event loop ({@code --io-threads 1}: with more, every other loop would hand its commands over to
 *       that one) and {@code process} durability ({@code fsync}'s msync at the end of each batch would stop the loop's
 *       reads and writes for the sync; on a thread of its own the loop keeps reading the next group commit meanwhile).
 *       {@code --wait-strategy} does not apply (nothing waits on the ring) and must stay at its default.</li>
 * </ul>
 */
final class LedgerThreadMode
{
    static final String OWN = "own";
    static final String EVENT_LOOP = "event-loop";
    static final String DEFAULT = OWN;

    private LedgerThreadMode()
    {
    }

    /** @throws IllegalArgumentException naming the option and what it cannot go with. */
    static void validate(final String mode, final String durability, final int ioThreads, final String waitStrategy)
    {
        if (OWN.equals(mode))
        {
            return;
        }
        if (!EVENT_LOOP.equals(mode))
        {
            throw new IllegalArgumentException("ledger-thread=" + mode + " must be " + OWN + " or " + EVENT_LOOP);
        }
        if (ioThreads != 1)
        {
            throw new IllegalArgumentException("ledger-thread=" + EVENT_LOOP + " needs io-threads=1 (io-threads=" + ioThreads + ")");
        }
        if (!"process".equals(durability))
        {
            throw new IllegalArgumentException("ledger-thread=" + EVENT_LOOP + " needs durability=process: the sync of "
                + "durability=" + durability + " would stop the event loop's I/O while it runs");
        }
        if (!LedgerServer.Config.WAIT_STRATEGY_DEFAULT.equals(waitStrategy))
        {
            throw new IllegalArgumentException("ledger-thread=" + EVENT_LOOP + " takes no wait-strategy (wait-strategy="
                + waitStrategy + "): nothing waits on the ring");
        }
    }

    /** @return true when the consumer runs on the event loop. */
    static boolean onEventLoop(final String mode)
    {
        return EVENT_LOOP.equals(mode);
    }
}
