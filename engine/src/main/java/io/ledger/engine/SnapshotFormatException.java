package io.ledger.engine;

import java.io.IOException;

/**
 * A snapshot payload that does not follow the layout its reader expects: damaged, truncated, or written by a
 * different version. The caller treats the snapshot as unusable (an older one, or a full replay, is used instead).
 */
public final class SnapshotFormatException extends IOException
{
    private static final long serialVersionUID = 1L;

    public SnapshotFormatException(final String message)
    {
        super(message);
    }
}
