package io.ledger.engine;

/**
 * Receives a command once it is both applied and journaled (and, in {@code fsync} durability, synced).
 *
 * <p>Called on the reply thread. The event is valid only for the duration of the call: copy what is needed.
 */
@FunctionalInterface
public interface ReplySink
{
    void onReply(CommandEvent event);
}
