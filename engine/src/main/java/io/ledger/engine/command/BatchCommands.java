package io.ledger.engine.command;

import io.ledger.engine.BatchItems;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Field;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.Money;

/**
 * A batch ({@link CommandType#BATCH}): its commands ({@link BatchItems}) applied in order, each with the handler its
 * own family registered for its type, so a command in a batch is checked, applied and answered exactly as when sent
 * alone; there is no second copy of any command's rules here.
 *
 * <p>Linked chains: a run of commands with {@code linked} set plus the command after them succeed or fail as a whole.
 * A chain is first applied as a {@linkplain Money#beginDryRun dry run} (every check of every command, each seeing the
 * balances the earlier ones would leave, nothing written); when every command passes, it is applied for real in the
 * same order, where it passes again; when one is refused, it keeps its own refusal, every other command of the chain
 * is {@link ResultCode#LINKED_EVENT_FAILED}, and nothing of the chain is applied. A chain left open by the batch's last
 * command is {@link ResultCode#LINKED_EVENT_CHAIN_OPEN} for each of its commands. For that guarantee, what a dry run
 * cannot see is refused in a linked command before it runs: gift balances and external references (whose checks read
 * state the chain's earlier commands would write other than balances) are {@link ResultCode#INVALID_FIELD}.
 *
 * <p>The batch's own outcome is {@link ResultCode#OK} once its commands have their outcomes, whatever they are; an
 * {@code Idempotency-Key} covers the whole batch (the idempotency store keeps every command's outcome).
 *
 * <p>Single-threaded: ledger thread only. Allocation-free once warm (plain purchases, pay-ins, transfers).
 */
public final class BatchCommands
{
    private final CommandTable handlers;
    private final Money money;

    /** @param handlers the table every family registered in: a command of a batch is applied with its own handler. */
    public BatchCommands(final CommandTable handlers, final Money money)
    {
        this.handlers = handlers;
        this.money = money;
    }

    public void register(final CommandTable table)
    {
        table.register(CommandType.BATCH, this::batch);
    }

    private void batch(final CommandEvent event, final long timeMs)
    {
        final BatchItems items = event.batch();
        final int count = items == null ? 0 : items.count();
        if (count == 0)
        {
            event.result(ResultCode.INVALID_FIELD);
            return;
        }
        for (int i = 0; i < count; i++)
        {
            final CommandEvent item = items.item(i);
            item.clearResult();
            item.stamp(event.commandId() - count + i, event.timestampMs());
            item.resultTimestampMs(timeMs);
        }
        int start = 0;
        while (start < count)
        {
            int end = start;
            while (end < count - 1 && items.linked(end))
            {
                end++;
            }
            if (end == start && !items.linked(start))
            {
                handlers.apply(items.item(start), timeMs);
            }
            else
            {
                chain(items, start, end, timeMs);
            }
            start = end + 1;
        }
        event.result(ResultCode.OK);
    }

    /** Applies commands {@code first..last} (inclusive) all or none. */
    private void chain(final BatchItems items, final int first, final int last, final long timeMs)
    {
        if (items.linked(last))
        {
            refuseChain(items, first, last, -1, ResultCode.LINKED_EVENT_CHAIN_OPEN);
            return;
        }
        int failed = -1;
        money.beginDryRun(last - first + 1);
        try
        {
            for (int i = first; i <= last && failed < 0; i++)
            {
                final CommandEvent item = items.item(i);
                if (item.getBoolean(Field.USE_GIFT_BALANCE) || item.has(Field.EXTERNAL_REFERENCE))
                {
                    item.result(ResultCode.INVALID_FIELD);
                }
                else
                {
                    handlers.apply(item, timeMs);
                }
                if (item.result() != ResultCode.OK)
                {
                    failed = i;
                }
            }
        }
        finally
        {
            money.endDryRun();
        }
        if (failed >= 0)
        {
            refuseChain(items, first, last, failed, ResultCode.LINKED_EVENT_FAILED);
            return;
        }
        for (int i = first; i <= last; i++)
        {
            final CommandEvent item = items.item(i);
            item.clearResult();
            item.resultTimestampMs(timeMs);
            handlers.apply(item, timeMs);
            if (item.result() != ResultCode.OK)
            {
                throw new IllegalStateException("commandId=" + item.commandId() + " type=" + item.type() + " result=" + item.result() +
                    " after its chain's dry run passed: the dry run and the command disagree");
            }
        }
    }

    /** Every command of the chain but {@code failed} (which keeps its own refusal) gets {@code result}. */
    private static void refuseChain(final BatchItems items, final int first, final int last, final int failed, final ResultCode result)
    {
        for (int i = first; i <= last; i++)
        {
            if (i != failed)
            {
                final CommandEvent item = items.item(i);
                final long timeMs = item.resultTimestampMs();
                item.clearResult();
                item.resultTimestampMs(timeMs);
                item.result(result);
            }
        }
    }
}
