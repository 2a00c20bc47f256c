package io.ledger.journal.snapshot;

import java.nio.file.Path;

/**
 * A snapshot file that cannot be used: truncated, damaged, from another format version, or not matching the journal.
 * Recovery skips it (an older snapshot, or a full replay, is used instead); {@code ledger verify} reports it.
 *
 * <p>Immutable.
 */
public final class InvalidSnapshotException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public InvalidSnapshotException(final Path file, final String problem, final Throwable cause)
    {
        super("snapshot unusable: file=" + file + ": " + problem, cause);
        this.file = file;
    }

    public InvalidSnapshotException(final Path file, final String problem)
    {
        this(file, problem, null);
    }

    /** @return the snapshot file. */
    public Path file()
    {
        return file;
    }
}
