package io.ledger.journal;

/**
 * When the journal may let a journaled command be acknowledged.
 *
 * <p>Immutable; safe on any thread.
 */
public enum Durability
{
    /**
     * Acknowledged once appended: the record is in the page cache, so it survives a crash of this process but
     * not a power loss or kernel crash. No sync on the hot path.
     */
    PROCESS,

    /**
     * Group commit: {@link ChronicleJournal#endOfBatch()} msyncs (MS_SYNC) everything appended since the last
     * sync, once per pipeline batch, so a reply released after it survives a power loss.
     */
    FSYNC;

    /**
     * @param text {@code process} or {@code fsync}, in any case.
     * @return the durability named.
     * @throws IllegalArgumentException for anything else, {@code null} included.
     */
    public static Durability parse(final String text)
    {
        if ("process".equalsIgnoreCase(text))
        {
            return PROCESS;
        }
        if ("fsync".equalsIgnoreCase(text))
        {
            return FSYNC;
        }
        throw new IllegalArgumentException("durability=" + text + " must be process or fsync");
    }
}
