package io.ledger.http.metrics;

/**
 * What {@code GET /metrics} reports about the journal's files ({@code ledger_journal_files},
 * {@code ledger_journal_file_bytes}). The adapter does not know the journal or its file layout: the server module,
 * which wires the journal, supplies this.
 *
 * <p>Thread-safety: called on each scrape, from any event loop; implementations must be thread-safe.
 */
@FunctionalInterface
public interface JournalFiles
{
    /**
     * @return the journal's files now, or {@code null} when they cannot be counted (the directory is being rolled or is
     *         gone): that scrape then leaves the two gauges out.
     */
    Usage usage();

    /**
     * @param files the number of journal files.
     * @param bytes their apparent size in bytes (sparse files count in full).
     */
    record Usage(long files, long bytes)
    {
    }
}
