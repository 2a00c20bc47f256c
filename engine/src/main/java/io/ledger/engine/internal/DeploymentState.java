package io.ledger.engine.internal;

import java.io.IOException;

import io.ledger.engine.SnapshotFormatException;

/**
 * What makes this deployment's ids its own: the salt {@link io.ledger.engine.Ids} mixes into every id, set once by
 * {@link io.ledger.engine.CommandType#INITIALIZE_DEPLOYMENT}. 0 means none: a data directory written before salts,
 * whose ids stay what they were.
 *
 * <p>Section {@link SnapshotTags#DEPLOYMENT} (optional, written only when the salt is not 0, so the snapshot of an
 * unsalted ledger is what an older build wrote): salt i64. The state hash folds the salt in only when it is not 0,
 * so an unsalted ledger hashes as before.
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class DeploymentState implements SnapshotPart
{
    private long salt;

    public long salt()
    {
        return salt;
    }

    /** Sets the salt: once, to a value other than 0 (the command handler checks). */
    public void salt(final long salt)
    {
        if (this.salt != 0 || salt == 0)
        {
            throw new IllegalStateException("salt=" + salt + " over salt=" + this.salt);
        }
        this.salt = salt;
    }

    /** Folds the salt into {@code hash} when it is set. */
    public void hashInto(final StateHash hash)
    {
        if (salt != 0)
        {
            hash.add(salt);
        }
    }

    @Override
    public int[] sectionTags()
    {
        return new int[] {SnapshotTags.DEPLOYMENT};
    }

    @Override
    public void writeSections(final SectionOutput out) throws IOException
    {
        if (salt != 0)
        {
            out.beginSection(SnapshotTags.DEPLOYMENT);
            out.writeLong(salt);
            out.endSection();
        }
    }

    @Override
    public void readSection(final int tag, final SectionInput in, final boolean[] seen) throws IOException
    {
        final long value = in.readLong();
        if (value == 0)
        {
            throw new SnapshotFormatException("section tag=" + in.tag() + " holds salt 0, which is never written");
        }
        salt = value;
    }
}
