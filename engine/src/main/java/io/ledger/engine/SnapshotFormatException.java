package io.ledger.engine;

import java.io.IOException;

/**
 * A snapshot payload that does not follow the layout its reader expects: damaged, truncated, or written by a
 * different version. The caller treats the snapshot as unusable (an older one, or a full replay, is used instead),
 * unless a newer build wrote it ({@link #writtenByNewerBuild()}), which the caller refuses rather than work around.
 */
public final class SnapshotFormatException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final boolean writtenByNewerBuild;

    public SnapshotFormatException(final String message)
    {
        this(message, false);
    }

    /** @param writtenByNewerBuild the payload's format version is above this build's (a rollback, not damage). */
    public SnapshotFormatException(final String message, final boolean writtenByNewerBuild)
    {
        super(message);
        this.writtenByNewerBuild = writtenByNewerBuild;
    }

    /** @return true when the payload is of a format version above this build's: a newer build wrote it. */
    public boolean writtenByNewerBuild()
    {
        return writtenByNewerBuild;
    }
}
