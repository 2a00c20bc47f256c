package io.ledger.journal;

import java.nio.file.Path;

/**
 * A journal record or a snapshot was written by a newer build, in a format version above the ones this build reads:
 * the data directory was upgraded, and this build is older (a rollback). Nothing is read past it and nothing is
 * written: skipping it would lose what the newer build recorded, and cutting the journal there ({@code ledger repair})
 * would drop its commands. Run the newer build again, or restore the backup taken before the upgrade.
 *
 * <p>Immutable; safe on any thread.
 */
public final class NewerFormatException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * @param file what holds it: a journal day file or a snapshot.
     * @param what what was found, e.g. {@code "journal record index=0x... formatVersion=4; this build reads 2 and 3"}.
     */
    public NewerFormatException(final Path file, final String what)
    {
        super(file + " was written by a newer build: " + what + ". This build cannot read it and changes nothing: run the newer "
            + "build on this data directory, or restore the backup taken before the upgrade (docs/operations.md, "
            + "\"Upgrading and rolling back\"); do not 'ledger repair' it, which would drop the newer build's commands");
        this.file = file;
    }

    /** @return the file holding what this build cannot read. */
    public Path file()
    {
        return file;
    }
}
