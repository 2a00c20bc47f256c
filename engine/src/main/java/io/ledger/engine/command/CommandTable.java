package io.ledger.engine.command;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.internal.CommandHandler;

/**
 * The handler of every command type, looked up by wire code: each family registers its own commands here, so no
 * switch over all types exists anywhere.
 *
 * <p>Filled once at construction of the ledger, then read-only; ledger thread only.
 */
public final class CommandTable
{
    private final CommandHandler[] byCode = new CommandHandler[CommandType.CODE_LIMIT];

    /**
     * Registers {@code handler} for {@code type}.
     *
     * @throws IllegalStateException when the type already has one: two families claim it.
     */
    public CommandTable register(final CommandType type, final CommandHandler handler)
    {
        if (byCode[type.code()] != null)
        {
            throw new IllegalStateException("type=" + type + " already has a handler");
        }
        byCode[type.code()] = handler;
        return this;
    }

    /**
     * Requires a handler for every type, so a declared command cannot reach the ledger unhandled.
     *
     * @throws IllegalStateException naming the first type without one.
     */
    public void requireComplete()
    {
        for (final CommandType type : CommandType.values())
        {
            if (byCode[type.code()] == null)
            {
                throw new IllegalStateException("type=" + type + " has no handler: register it in its family");
            }
        }
    }

    /** Applies {@code event} with its type's handler. */
    public void apply(final CommandEvent event, final long timeMs)
    {
        byCode[event.type().code()].apply(event, timeMs);
    }
}
