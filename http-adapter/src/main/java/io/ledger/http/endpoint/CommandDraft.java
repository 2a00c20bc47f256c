package io.ledger.http.endpoint;

import io.ledger.engine.BatchItems;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandFields;
import io.ledger.engine.LedgerPipeline;
import io.ledger.engine.ReplySink;

/**
 * A command parsed and validated on the event loop, waiting to be copied into a ring slot: the same
 * {@link CommandFields} a ring slot holds, copied wholesale, plus where the reply goes. One per connection, reused: a
 * connection has at most one command in the ring at a time.
 *
 * <p>Parsing happens here, before a slot is claimed, so a slow or bad body never holds up the ring.
 */
public final class CommandDraft extends CommandFields<CommandDraft>
{
    /** Copies a draft into a claimed ring slot. Stateless: one instance serves every connection. */
    public static final LedgerPipeline.CommandFiller<CommandDraft> FILLER = CommandDraft::fillEvent;

    private ReplySink replySink;
    private Object replyContext;
    private BatchItems batch;

    public void clear()
    {
        clearFields();
        replySink = null;
        replyContext = null;
        batch = null;
    }

    /** Makes this draft's command a batch of {@code items} (the connection's: owned like this draft). */
    void batch(final BatchItems items)
    {
        this.batch = items;
    }

    /** @return the ring slots the command takes: one, and one more per command of a batch (their ids). */
    public int slots()
    {
        return batch == null ? 1 : 1 + batch.count();
    }

    public void replyTo(final ReplySink sink, final Object context)
    {
        this.replySink = sink;
        this.replyContext = context;
    }

    private static void fillEvent(final CommandEvent event, final CommandDraft draft)
    {
        event.replyTo(draft.replySink, draft.replyContext);
        event.batch(draft.batch);
        event.copyFrom(draft); // the type last: a slot whose fill failed stays a NOOP
    }
}
