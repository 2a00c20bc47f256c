package io.ledger.engine.command;

import static io.ledger.engine.Field.PAGE_LIMIT;
import static io.ledger.engine.Field.PAGE_OFFSET;

import java.util.function.LongFunction;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.MerchantBooks;
import org.agrona.collections.LongArrayList;

/**
 * What the list queries share: whose list it is, and one page of a list of record keys.
 *
 * <p>Stateless; ledger thread only (it writes the event's result).
 */
final class Pages
{
    private Pages()
    {
    }

    /**
     * A merchant's own list answers OK, and empty for a merchant the ledger has not seen yet.
     *
     * @return the merchant's index, or -1 (the event already holds its empty answer).
     */
    static int merchantOf(final CommandEvent event, final MerchantBooks merchants)
    {
        event.result(ResultCode.OK);
        return merchants.find(event);
    }

    /**
     * Adds the page {@code PAGE_OFFSET .. PAGE_OFFSET + PAGE_LIMIT} of {@code keys} (oldest first; null for none) as
     * records, and their total. {@code record} must not allocate: pass a method reference held in a field.
     */
    static void ofKeys(final CommandEvent event, final LongArrayList keys, final LongFunction<?> record)
    {
        final int size = keys == null ? 0 : keys.size();
        event.rowTotal(size);
        final int offset = (int)event.get(PAGE_OFFSET);
        final int end = (int)Math.min(size, (long)offset + event.get(PAGE_LIMIT));
        for (int i = offset; i < end; i++)
        {
            event.addRow(record.apply(keys.getLong(i)));
        }
    }
}
