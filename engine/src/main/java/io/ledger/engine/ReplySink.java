package io.ledger.engine;

/**
 * Receives a command once it is both applied and journaled (and, in {@code fsync} durability, synced).
 *
 * <p>Called on the thread that releases replies: the ledger thread, or the sync thread in {@code fsync} durability;
 * one thread per pipeline. The event is valid only for the duration of the call: copy what is needed. After the last
 * reply of a batch the pipeline calls {@link #endOfBatch()} once on every sink it handed a reply in that batch, so a
 * sink can gather replies and hand them on once per batch.
 */
@FunctionalInterface
public interface ReplySink
{
    void onReply(CommandEvent event);

    /** The batch's last reply was handed over: pass on what {@link #onReply} gathered. Same thread as onReply. */
    default void endOfBatch()
    {
    }
}
