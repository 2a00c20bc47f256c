package io.ledger.engine.command;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.Deadlines;
import io.ledger.engine.internal.LedgerState;

/**
 * Time through the journal. The ledger reads no clock: its time is the time of the journaled command it applies. Before
 * each journaled command, {@code Ledger} calls {@link #runDue} with that time, which processes every deadline up to it,
 * earliest first (equal times in key order): an escrow hold's release ({@link EscrowCommands#onReleaseDeadline}), a gift
 * balance's expiry ({@link GiftCommands#expire}). Each writes its history entries at its own deadline time, so they stay
 * in time order (every deadline left is after the previous command's time), as the command during whose application the
 * deadline passed. Replay applies the same commands at the same times, so it processes the same deadlines at the same
 * logical times.
 *
 * <p>When no command comes by, the wiring journals a {@link CommandType#TICK} once the wall clock has passed the
 * ledger's next deadline ({@code Ledger.nextDeadlineMs()}, published at the end of each batch): its handler has nothing
 * left to do but answer OK, the deadlines having run before it.
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class DeadlineCommands
{
    private final Deadlines deadlines;
    private final EscrowCommands escrow;
    private final GiftCommands gifts;
    /** The command the ledger moves money in at a deadline: none of a client's, so no reply reads it. */
    private final CommandEvent scratch = new CommandEvent();

    public DeadlineCommands(final LedgerState state, final EscrowCommands escrow, final GiftCommands gifts)
    {
        this.deadlines = state.deadlines();
        this.escrow = escrow;
        this.gifts = gifts;
    }

    public void register(final CommandTable table)
    {
        table.register(CommandType.TICK, (event, timeMs) -> event.result(ResultCode.OK));
    }

    /**
     * Processes every deadline at or before {@code timeMs}, before the journaled command {@code trigger} that brings the
     * ledger to that time. Writes nothing into {@code trigger}.
     */
    public void runDue(final CommandEvent trigger, final long timeMs)
    {
        // The deadlines' entries come before anything the trigger writes, so they carry the first id the trigger's
        // record covers: its own, or for a batch the first of its commands' ids, which lie just below the batch's own
        // (BatchCommands). With the batch's own id they came before entries of lower ids, and the history's ids went
        // back: a snapshot of it could not be read (EntryLog refuses ids that go back).
        final long firstCommandId = trigger.type() == CommandType.BATCH && trigger.batch() != null
            ? trigger.commandId() - trigger.batch().count() : trigger.commandId();
        while (deadlines.size() > 0 && deadlines.nextMs() <= timeMs)
        {
            final long atMs = deadlines.nextMs();
            final byte kind = deadlines.nextKind();
            final long key = deadlines.nextKey();
            deadlines.remove(key);
            scratch.clear();
            scratch.stamp(firstCommandId, atMs);
            if (kind == Deadlines.RELEASE_HOLD)
            {
                escrow.onReleaseDeadline(scratch, atMs, key);
            }
            else
            {
                gifts.expire(scratch, atMs, key);
            }
        }
    }
}
