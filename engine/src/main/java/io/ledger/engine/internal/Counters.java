package io.ledger.engine.internal;

import java.io.IOException;

/**
 * The ledger's clock and sequence: the last journaled command's id and time, and how many journaled commands were
 * applied. Section {@link SnapshotTags#COUNTERS}: lastCommandId i64, lastTimestampMs i64, commandsApplied i64,
 * defaultCurrency i32 (informative: the reader's configuration wins).
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class Counters implements SnapshotPart
{
    private final int defaultCurrency;
    private long lastTimestampMs = Long.MIN_VALUE;
    private long lastCommandId = -1;
    private long commandsApplied;

    /** @param defaultCurrency configuration, written into snapshots for information only. */
    public Counters(final int defaultCurrency)
    {
        this.defaultCurrency = defaultCurrency;
    }

    /**
     * Records that the journaled command {@code commandId} is applied at ledger time {@code timeMs}.
     *
     * @throws IllegalStateException when {@code commandId} is not after the last one: a bug that must stop the ledger.
     */
    public void journaled(final long commandId, final long timeMs)
    {
        if (commandId <= lastCommandId)
        {
            throw new IllegalStateException("commandId=" + commandId + " is not after lastCommandId=" + lastCommandId);
        }
        lastCommandId = commandId;
        lastTimestampMs = timeMs;
        commandsApplied++;
    }

    /** @return the ledger's time for a command stamped {@code timestampMs}: never earlier than the last journaled one. */
    public long timeOf(final long timestampMs)
    {
        return Math.max(lastTimestampMs, timestampMs);
    }

    public long lastCommandId()
    {
        return lastCommandId;
    }

    public long lastTimestampMs()
    {
        return lastTimestampMs;
    }

    public long commandsApplied()
    {
        return commandsApplied;
    }

    /** Folds the counters into {@code hash}, first of the state hash. */
    public void hashInto(final StateHash hash)
    {
        hash.add(lastCommandId).add(lastTimestampMs).add(commandsApplied);
    }

    @Override
    public int[] sectionTags()
    {
        return new int[] {SnapshotTags.COUNTERS};
    }

    @Override
    public void writeSections(final SectionOutput out) throws IOException
    {
        out.beginSection(SnapshotTags.COUNTERS);
        out.writeLong(lastCommandId);
        out.writeLong(lastTimestampMs);
        out.writeLong(commandsApplied);
        out.writeInt(defaultCurrency);
        out.endSection();
    }

    @Override
    public void readSection(final int tag, final SectionInput in, final boolean[] seen) throws IOException
    {
        lastCommandId = in.readLong();
        lastTimestampMs = in.readLong();
        commandsApplied = in.readLong();
        in.readInt(); // the writer's default currency: configuration, not state
    }
}
