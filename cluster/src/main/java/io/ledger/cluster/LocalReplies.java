package io.ledger.cluster;

import io.ledger.engine.CommandEvent;

/**
 * The node's own waiting HTTP requests, as the clustered service sees them: it hands each applied command that this
 * node's gateway sent to {@link #complete}, and lets {@link #expire} answer the ones the cluster did not confirm in time.
 *
 * <p>Single-threaded: the service thread only (both calls), so replies leave on one thread as the pipeline's do.
 */
public interface LocalReplies
{
    /** The command {@code correlationId} of this node is applied: reply with {@code event}'s outcome, if still waited for. */
    void complete(long correlationId, CommandEvent event);

    /** Answers {@link io.ledger.engine.ResultCode#CLUSTER_UNAVAILABLE} to every request older than its deadline. */
    void expire(long nowNs);
}
