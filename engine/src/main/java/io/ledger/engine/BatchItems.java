package io.ledger.engine;

/**
 * The commands of one {@link CommandType#BATCH}: up to {@link #ITEMS_MAX} purchases, transfers, pay-ins and payouts,
 * in order, each with its {@code linked} flag, each a {@link CommandEvent} of its own so that the ledger applies it with
 * the handler of its type and writes its outcome into it, exactly as for the command sent alone.
 *
 * <p>A batch's items travel beside its ring slot, not in it: the slot holds a reference ({@link CommandEvent#batch()}).
 * The adapter keeps one per connection (a connection has at most one command in the ring), the journal reader one per
 * event it decodes into; so no ring slot grows for batches, and nothing is allocated per batch once the items used so
 * far exist (they are created on first use, up to the largest batch seen).
 *
 * <p>Ids: a batch claims {@code count() + 1} consecutive ring sequences and is the last of them, so item {@code i} is
 * stamped with command id {@code batchId - count() + i} (and the batch's time): the ids of what each item makes, as if
 * it had been sent alone, all below the batch's own, which stays the last id taken (the journal's and the ledger's).
 *
 * <p>Linked chains (TigerBeetle's linked transfers): a run of items with {@code linked} set, plus the item after them,
 * succeed or fail as a whole. The last item of a batch cannot be linked (its chain would have no end).
 *
 * <p>Not thread-safe: owned like the ring slot that refers to it (the publisher, then the ledger thread, then the reply).
 */
public final class BatchItems
{
    /** Most commands in one batch. */
    public static final int ITEMS_MAX = 100;

    private final CommandEvent[] items = new CommandEvent[ITEMS_MAX];
    private final boolean[] linked = new boolean[ITEMS_MAX];
    private int count;

    /** Empties the batch (the item events are kept for reuse). */
    public void clear()
    {
        count = 0;
    }

    /**
     * Appends a command.
     *
     * @return its event, cleared, typed {@code type}: fill its fields.
     * @throws IllegalStateException when the batch already holds {@link #ITEMS_MAX} (the adapter checks first).
     */
    public CommandEvent add(final CommandType type, final boolean linkedToNext)
    {
        final CommandEvent item = next(type, linkedToNext);
        item.clear();
        item.type(type);
        return item;
    }

    /**
     * Appends a copy of {@code fields}, a command of {@code type} (its fields and its type: the caller's draft of that
     * type), as {@link #add} then {@link CommandEvent#copyFrom} do, in one pass ({@link CommandEvent#clearAndCopy}).
     *
     * @return its event.
     * @throws IllegalStateException when the batch already holds {@link #ITEMS_MAX} (the adapter checks first).
     */
    public CommandEvent add(final CommandType type, final boolean linkedToNext, final CommandFields<?> fields)
    {
        final CommandEvent item = next(type, linkedToNext);
        item.clearAndCopy(fields);
        return item;
    }

    /** @return the next item's event, counted, as its previous command left it. */
    private CommandEvent next(final CommandType type, final boolean linkedToNext)
    {
        if (count == ITEMS_MAX)
        {
            throw new IllegalStateException("items=" + count + " is the most one batch holds");
        }
        if (!batchable(type))
        {
            throw new IllegalArgumentException("type=" + type + " cannot be part of a batch");
        }
        CommandEvent item = items[count];
        if (item == null)
        {
            item = new CommandEvent();
            items[count] = item;
        }
        linked[count] = linkedToNext;
        count++;
        return item;
    }

    /** @return how many commands the batch holds. */
    public int count()
    {
        return count;
    }

    /** @return command {@code i}. */
    public CommandEvent item(final int i)
    {
        return items[i];
    }

    /** @return true when command {@code i} is linked to the next: they succeed or fail together. */
    public boolean linked(final int i)
    {
        return linked[i];
    }

    /** @return true when a batch may hold commands of {@code type}: the movements of money. */
    public static boolean batchable(final CommandType type)
    {
        return type == CommandType.PURCHASE || type == CommandType.TRANSFER || type == CommandType.PAY_IN || type == CommandType.PAYOUT;
    }
}
