package io.ledger.engine.internal;

import io.ledger.engine.CommandEvent;

/**
 * Applies one command type to the ledger state and writes its outcome into the event. Registered per
 * {@link io.ledger.engine.CommandType} by the engine class of the command's family; looked up by wire code.
 *
 * <p>Single-threaded: ledger thread only. Validates completely before changing anything, so a command is applied
 * whole or not at all; expected refusals are {@link io.ledger.engine.ResultCode}s, an exception is a bug.
 */
@FunctionalInterface
public interface CommandHandler
{
    /**
     * @param event  the command, stamped; only its result fields may be written (the journal thread reads the rest).
     * @param timeMs the ledger's time for the command: never earlier than the previous journaled command's.
     */
    void apply(CommandEvent event, long timeMs);
}
