package io.ledger.engine.command;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Field;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.Counters;
import io.ledger.engine.internal.DeploymentState;
import io.ledger.engine.internal.LedgerState;

/**
 * The deployment itself: {@link CommandType#INITIALIZE_DEPLOYMENT} gives it the salt that makes its ids its own. Only
 * as the very first journaled command, and only once: any id issued before would otherwise change meaning.
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class DeploymentCommands
{
    private final Counters counters;
    private final DeploymentState deployment;

    public DeploymentCommands(final LedgerState state)
    {
        this.counters = state.counters();
        this.deployment = state.deployment();
    }

    public void register(final CommandTable table)
    {
        table.register(CommandType.INITIALIZE_DEPLOYMENT, this::initialize);
    }

    private void initialize(final CommandEvent event, final long timeMs)
    {
        final long salt = event.get(Field.DEPLOYMENT_SALT);
        if (salt == 0)
        {
            event.result(ResultCode.INVALID_FIELD);
            return;
        }
        // counted before it is applied: 1 means no command came before this one
        if (deployment.salt() != 0 || counters.commandsApplied() != 1)
        {
            event.result(ResultCode.ALREADY_INITIALIZED);
            return;
        }
        deployment.salt(salt);
        event.result(ResultCode.OK);
    }
}
