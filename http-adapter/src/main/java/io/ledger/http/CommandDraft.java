package io.ledger.http;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.LedgerPipeline;
import io.ledger.engine.ReplySink;

/**
 * A command parsed and validated on the event loop, waiting to be copied into a ring slot. One per connection,
 * reused: a connection has at most one command in the ring at a time.
 *
 * <p>Parsing happens here, before a slot is claimed, so a slow or bad body never holds up the ring.
 */
final class CommandDraft
{
    /** Copies a draft into a claimed ring slot. Stateless: one instance serves every connection. */
    static final LedgerPipeline.CommandFiller<CommandDraft> FILLER = CommandDraft::fillEvent;

    CommandType type;
    long customerKey;
    long counterpartyKey;
    long amountMinor;
    int currency;
    long quantity;
    long flags;
    long aux;
    int pageLimit;
    int pageOffset;
    long fromMs;
    long toMs;
    int filter;
    final String[] texts = new String[CommandEvent.TEXT_FIELDS];
    ReplySink replySink;
    Object replyContext;

    void clear()
    {
        type = CommandType.NOOP;
        customerKey = -1;
        counterpartyKey = -1;
        amountMinor = 0;
        currency = Currencies.NONE;
        quantity = 0;
        flags = 0;
        aux = 0;
        pageLimit = QueryParser.LIMIT_DEFAULT;
        pageOffset = 0;
        fromMs = Long.MIN_VALUE;
        toMs = Long.MAX_VALUE;
        filter = CommandEvent.FILTER_ALL;
        java.util.Arrays.fill(texts, null);
    }

    void replyTo(final ReplySink sink, final Object context)
    {
        this.replySink = sink;
        this.replyContext = context;
    }

    private static void fillEvent(final CommandEvent event, final CommandDraft draft)
    {
        event.customerKey(draft.customerKey)
            .counterpartyKey(draft.counterpartyKey)
            .amountMinor(draft.amountMinor)
            .currency(draft.currency)
            .quantity(draft.quantity)
            .flags(draft.flags)
            .aux(draft.aux)
            .page(draft.pageLimit, draft.pageOffset)
            .timeRange(draft.fromMs, draft.toMs)
            .filter(draft.filter);
        final String[] texts = draft.texts;
        for (int field = 0; field < texts.length; field++)
        {
            if (texts[field] != null)
            {
                event.text(field, texts[field]);
            }
        }
        event.replyTo(draft.replySink, draft.replyContext);
        event.type(draft.type); // last: a slot whose fill failed stays a NOOP
    }
}
