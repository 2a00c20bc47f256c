package io.ledger.http.metrics;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last {@value #CAPACITY} requests the server refused (a 4xx or 5xx answer), for the console: when, which route,
 * which status, why (the ledger's result code, or what the adapter refused it for) and the merchant id when the token
 * named one. Nothing else about the request is kept: no body, no query, no header.
 *
 * <p>Recording is lock-free and allocation-free: a writer claims a slot with one atomic increment and publishes it
 * with a per-slot version (a seqlock per slot, with explicit fences); the values are references to constants and to the merchant id the
 * token check already made. A reader ({@link #recent()}) skips a slot that is being rewritten while it reads.
 *
 * <p>Thread-safety: {@link #record} from any number of threads, {@link #recent()} from any thread.
 */
public final class Refusals
{
    /** Refusals kept. */
    public static final int CAPACITY = 64;

    /**
     * One refusal.
     *
     * @param atMs     wall-clock time of the answer, epoch milliseconds.
     * @param route    the route's name in lower case ({@code create_purchase}), or {@code unmatched}.
     * @param status   the HTTP status.
     * @param reason   the ledger's result code in lower case ({@code insufficient_funds}), else what the adapter
     *                 refused it for ({@code validation}, {@code unauthorized}, {@code ring_full}...).
     * @param merchant the token's merchant, or null before authentication.
     */
    public record Refusal(long atMs, String route, int status, String reason, String merchant)
    {
    }

    private final AtomicLong claimed = new AtomicLong();
    /** Per slot: 2 * (claim number + 1) once written, odd while being written. */
    private final AtomicLongArray versions = new AtomicLongArray(CAPACITY);
    private final long[] atMs = new long[CAPACITY];
    private final String[] routes = new String[CAPACITY];
    private final int[] statuses = new int[CAPACITY];
    private final String[] reasons = new String[CAPACITY];
    private final String[] merchants = new String[CAPACITY];

    /** Keeps one refusal, overwriting the oldest. Any thread; lock-free, allocation-free. */
    public void record(final long atMs, final String route, final int status, final String reason, final String merchant)
    {
        final long claim = claimed.getAndIncrement();
        final int slot = (int)(claim & (CAPACITY - 1));
        versions.set(slot, 2 * claim + 1); // odd: being written
        VarHandle.storeStoreFence(); // the fields below are not written before the version above
        this.atMs[slot] = atMs;
        routes[slot] = route;
        statuses[slot] = status;
        reasons[slot] = reason;
        merchants[slot] = merchant;
        versions.set(slot, 2 * claim + 2); // even: published (volatile: ordered after the fields)
    }

    /** @return the refusals kept, newest first; a slot being rewritten while read is left out. */
    public List<Refusal> recent()
    {
        final long newest = claimed.get() - 1;
        final List<Refusal> recent = new ArrayList<>(CAPACITY);
        for (long claim = newest; claim >= 0 && claim > newest - CAPACITY; claim--)
        {
            final int slot = (int)(claim & (CAPACITY - 1));
            final long version = versions.get(slot);
            if (version != 2 * claim + 2)
            {
                continue; // not yet published, or already overwritten by a newer claim
            }
            final Refusal refusal = new Refusal(atMs[slot], routes[slot], statuses[slot], reasons[slot], merchants[slot]);
            VarHandle.loadLoadFence(); // the fields above are read before the version below
            if (versions.get(slot) == version)
            {
                recent.add(refusal);
            }
        }
        return recent;
    }
}
