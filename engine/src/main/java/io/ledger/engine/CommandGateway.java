package io.ledger.engine;

/**
 * Where the HTTP adapter hands commands to be applied, and the figures it reports about that path. The single-node
 * implementation is {@link LedgerPipeline} (the Disruptor ring in front of the one ledger thread); the {@code cluster}
 * module's is a client of an Aeron Cluster, whose replicated log orders the commands and whose clustered service applies
 * them (issue 17). Either way a command's outcome comes back once, through the {@link ReplySink} it names, on the one
 * thread that applies commands (or releases their replies).
 *
 * <p>Thread-safety: {@link #tryPublish} and every figure may be called from any number of threads.
 */
public interface CommandGateway
{
    /**
     * Fills a command from {@code arg} and hands it on; its reply arrives through the sink the filler set.
     *
     * @return false, without side effects, when the gateway is full or closed (the caller answers 503).
     */
    <A> boolean tryPublish(LedgerPipeline.CommandFiller<A> filler, A arg);

    /**
     * As {@link #tryPublish(LedgerPipeline.CommandFiller, Object)} for a command that takes {@code commandIds} ids: a
     * {@link CommandType#BATCH} of n commands takes n + 1 (see {@link BatchItems}), every other command 1.
     */
    <A> boolean tryPublish(LedgerPipeline.CommandFiller<A> filler, A arg, int commandIds);

    /**
     * As {@link #tryPublish(LedgerPipeline.CommandFiller, Object, int)}, but the applying thread may not be woken for it
     * until the calling thread's next {@link #signalDeferred()}: a thread that publishes many commands in a row (an event
     * loop, one round of reads) wakes it once instead of once per command. The caller must call
     * {@link #signalDeferred()} after its last deferred publish. By default (a gateway without deferral) the same as
     * {@code tryPublish}.
     */
    default <A> boolean tryPublishDeferred(final LedgerPipeline.CommandFiller<A> filler, final A arg, final int commandIds)
    {
        return tryPublish(filler, arg, commandIds);
    }

    /** Wakes the applying thread for the commands published with {@link #tryPublishDeferred}, if it waits. Any thread. */
    default void signalDeferred()
    {
    }

    /** @return free room for commands right now: a gauge for metrics. */
    long remainingCapacity();

    /** @return how many commands may wait at once. */
    int ringSizeEvents();

    /** @return history chunks the applying thread had to allocate itself, none being ready ({@link HistoryMemory}). */
    default long historyChunksAllocatedOnLedgerThread()
    {
        return 0;
    }

    /** @return the longest the applying thread went without completing a command while one was waiting, since start. */
    long longestPauseNsSinceStart();

    /** @return the longest pause since the previous call (or since start), and starts the next period; one reader. */
    long takeLongestPauseNs();

    /** @return how long the oldest waiting command has waited for the applying thread now, 0 when none waits. */
    long ledgerStallNs(long nowNs);

    /** @return how many pauses reached {@link #pauseWarnNs()} since start. */
    long longPauses();

    /** @return the pause from which on a pause is counted by {@link #longPauses()}. */
    long pauseWarnNs();

    /** @return money per currency as last published by the applying thread (read with {@link MoneyTotals#read()}). */
    MoneyTotals moneyTotals();

    /** @return true once a failure has stopped acknowledgements. */
    boolean failed();
}
