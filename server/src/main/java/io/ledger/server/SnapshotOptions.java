package io.ledger.server;

/**
 * When {@code serve} takes snapshots, how many it keeps, and what happens to the journal files they make unnecessary.
 * Validated by {@link #validate()}, whose messages name the {@code ledger serve} option (without the dashes). See
 * docs/operations.md.
 *
 * @param everyCommands    a snapshot after this many journaled commands; 0 for none by count.
 * @param everySeconds     a snapshot this often when anything was journaled since the last; 0 for none by time;
 *                         at most {@link #EVERY_SECONDS_MAX}.
 * @param keep             snapshot files kept, newest first, 1..{@link #KEEP_MAX}.
 * @param journalRetention {@code off}, {@code archive} or {@code delete}: what happens to journal cycles older than the
 *                         oldest snapshot kept.
 */
public record SnapshotOptions(long everyCommands, long everySeconds, int keep, String journalRetention)
{
    public static final long EVERY_COMMANDS_DEFAULT = 1_000_000;
    public static final long EVERY_SECONDS_DEFAULT = 600;
    /** 365 days. */
    public static final long EVERY_SECONDS_MAX = 31_536_000;
    public static final int KEEP_DEFAULT = 3;
    public static final int KEEP_MAX = 1000;
    public static final String JOURNAL_RETENTION_DEFAULT = "off";

    /** The defaults: every 1,000,000 commands or 10 minutes, keep 3, retention off. */
    public static final SnapshotOptions DEFAULTS =
        new SnapshotOptions(EVERY_COMMANDS_DEFAULT, EVERY_SECONDS_DEFAULT, KEEP_DEFAULT, JOURNAL_RETENTION_DEFAULT);

    /** @throws IllegalArgumentException with a message naming the bad option and its value. */
    public void validate()
    {
        if (everyCommands < 0)
        {
            throw new IllegalArgumentException("snapshot-every-commands=" + everyCommands + " must be >= 0 (0: none by count)");
        }
        if (everySeconds < 0)
        {
            throw new IllegalArgumentException("snapshot-every-seconds=" + everySeconds + " must be >= 0 (0: none by time)");
        }
        if (everySeconds > EVERY_SECONDS_MAX)
        {
            throw new IllegalArgumentException(
                "snapshot-every-seconds=" + everySeconds + " must be in 0.." + EVERY_SECONDS_MAX + " (0: none by time)");
        }
        if (keep < 1)
        {
            throw new IllegalArgumentException("snapshots-keep=" + keep + " must be >= 1 (files)");
        }
        if (keep > KEEP_MAX)
        {
            throw new IllegalArgumentException("snapshots-keep=" + keep + " must be in 1.." + KEEP_MAX);
        }
        // The option's values exactly as spelled (JournalRetention.Mode.parse would also take other cases).
        if (!"off".equals(journalRetention) && !"archive".equals(journalRetention) && !"delete".equals(journalRetention))
        {
            throw new IllegalArgumentException("journal-retention=" + journalRetention + " must be off, archive or delete");
        }
    }
}
