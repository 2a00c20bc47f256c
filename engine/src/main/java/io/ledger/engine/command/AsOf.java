package io.ledger.engine.command;

import static io.ledger.engine.Field.TO_MS;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.EntryLog;
import io.ledger.engine.internal.MerchantBooks;

/**
 * Reads as of a moment (issue 19): a balance read or a customer's history with {@code TO_MS} answers as the ledger
 * stood after its last command at or before that time, from the history it keeps (every entry has its time and the
 * balance after it), without replay.
 *
 * <p>The reach: the history is kept whole in memory (nothing compacts it, and journal retention removes only journal
 * files a snapshot covers), so it reaches back to the ledger's first customer, before which no balance existed. Earlier
 * is {@link ResultCode#AT_BEFORE_HISTORY}; a moment after the query's own time is {@link ResultCode#AT_IN_FUTURE}, since
 * the balance there could still change. A history compaction would move the first bound to its horizon.
 *
 * <p>Cost: an account's entries are chained newest first, so finding the last entry at or before the moment walks the
 * account's entries newer than it (and, for a balance, older ones in other currencies).
 *
 * <p>Single-threaded: ledger thread only. Allocation-free.
 */
final class AsOf
{
    /** No moment asked for: the current state. */
    static final long NOW = Long.MAX_VALUE;
    /** The moment was refused; the event carries the result. */
    static final long REFUSED = Long.MIN_VALUE;

    private AsOf()
    {
    }

    /**
     * @return the moment {@code event} asks for, {@link #NOW} when none, or {@link #REFUSED} after writing the refusal.
     */
    static long moment(final CommandEvent event, final long timeMs, final MerchantBooks merchants)
    {
        if (!event.has(TO_MS))
        {
            return NOW;
        }
        final long atMs = event.get(TO_MS);
        if (atMs > timeMs)
        {
            event.result(ResultCode.AT_IN_FUTURE);
            return REFUSED;
        }
        if (atMs < historyStartMs(merchants))
        {
            event.result(ResultCode.AT_BEFORE_HISTORY);
            return REFUSED;
        }
        return atMs;
    }

    /**
     * @return the time of the ledger's first customer (merchants are interned as they create their first customer, so
     * this is the first merchant's), or {@link Long#MAX_VALUE} for a ledger without one.
     */
    static long historyStartMs(final MerchantBooks merchants)
    {
        return merchants.size() == 0 ? Long.MAX_VALUE : merchants.book(0).createdAtMs();
    }

    /** @return the newest entry of the chain from {@code newest} dated at or before {@code atMs}, or -1. */
    static int atOrBefore(final EntryLog entries, final int newest, final long atMs)
    {
        int entry = newest;
        while (entry >= 0 && entries.timestampMs(entry) > atMs)
        {
            entry = entries.previousOfAccount(entry);
        }
        return entry;
    }
}
