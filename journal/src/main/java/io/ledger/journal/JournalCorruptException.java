package io.ledger.journal;

import java.nio.file.Path;

/**
 * A journal record that is not the last one failed verification, or a record that was written whole (its
 * CRC32C matches) cannot be understood. Either way the journal cannot be replayed to a state that is known to
 * be right, so recovery stops here rather than guessing: an operator has to look at the named file and index.
 *
 * <p>Immutable; safe on any thread.
 */
public final class JournalCorruptException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long index;

    /**
     * @param file    the queue (cycle) file holding the record.
     * @param index   the Chronicle index of the record.
     * @param problem what failed, as key=value pairs.
     */
    public JournalCorruptException(final Path file, final long index, final String problem)
    {
        super("journal record corrupt: file=" + file + " index=0x" + Long.toHexString(index) + " (" + index + ") " +
            problem);
        this.file = file;
        this.index = index;
    }

    /** @return the queue (cycle) file holding the bad record. */
    public Path file()
    {
        return file;
    }

    /** @return the Chronicle index of the bad record. */
    public long index()
    {
        return index;
    }
}
