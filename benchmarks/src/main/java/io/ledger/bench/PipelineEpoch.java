package io.ledger.bench;

import java.nio.file.Path;

import io.ledger.engine.JournalWriter;
import io.ledger.engine.Ledger;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.Durability;

/**
 * One epoch of a pipeline benchmark: a fresh populated ledger, a journal ({@code none}, {@code process} or
 * {@code fsync}) in a temporary directory, and a reply counter; {@link #finish} checks what the epoch did
 * (every command replied to, conservation, every purchase accepted, the journal's last id) and deletes the directory.
 * The benchmarks bound their heap and disk by starting a new epoch every so many commands, outside the measured code.
 */
final class PipelineEpoch
{
    final Ledger ledger;
    final JournalWriter journalWriter;
    final CountingReplySink sink = new CountingReplySink();
    private final String journal;
    private final Path journalDir;

    PipelineEpoch(final String journal, final int customers)
    {
        this.journal = journal;
        ledger = Population.build(customers);
        switch (journal)
        {
            case "none" ->
            {
                journalDir = null;
                journalWriter = new NoopJournal();
            }
            case "process", "fsync" ->
            {
                journalDir = TempDirs.create("ledger-bench-pipeline-");
                journalWriter = ChronicleJournal.open(journalDir, "fsync".equals(journal) ? Durability.FSYNC : Durability.PROCESS);
            }
            default -> throw new IllegalArgumentException("journal=" + journal + " must be one of: none, process, fsync");
        }
    }

    /**
     * After the pipeline is closed (its threads joined, so their writes are visible here): checks the epoch and
     * deletes its journal directory, also when a check fails.
     */
    void finish(final Throwable fatal, final long published, final long firstCommandId)
    {
        try
        {
            if (fatal != null)
            {
                throw new IllegalStateException("pipeline failed journal=" + journal, fatal);
            }
            if (sink.replies() != published)
            {
                throw new IllegalStateException("replies=" + sink.replies() + " published=" + published);
            }
            Population.verify(ledger, sink.accepted(), published);
            final long expectedLastId = firstCommandId + published - 1;
            if (journalWriter instanceof ChronicleJournal chronicle && published > 0 && chronicle.lastCommandId() != expectedLastId)
            {
                throw new IllegalStateException("journal lastCommandId=" + chronicle.lastCommandId() + " expected=" + expectedLastId);
            }
            if (journalWriter instanceof NoopJournal noop && noop.appended() != published)
            {
                throw new IllegalStateException("journal appended=" + noop.appended() + " published=" + published);
            }
        }
        finally
        {
            TempDirs.delete(journalDir);
        }
    }
}
