package io.ledger.bench;

import java.nio.file.Path;

import io.ledger.engine.JournalWriter;
import io.ledger.engine.Ledger;
import io.ledger.engine.LedgerPipeline;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.Durability;

/**
 * One epoch of a pipeline benchmark: a fresh populated ledger, a journal ({@code none}, {@code process} or
 * {@code fsync}) in a temporary directory, a reply counter and the pipeline started on them; {@link #finish} closes the
 * pipeline, checks what the epoch did (every command replied to, conservation, every purchase accepted, the journal's
 * last id) and deletes the directory.
 * The benchmarks bound their heap and disk by starting a new epoch every so many commands, outside the measured code.
 */
final class PipelineEpoch
{
    final Ledger ledger;
    final JournalWriter journalWriter;
    final CountingReplySink sink = new CountingReplySink();
    final LedgerPipeline pipeline;
    private final String journal;
    private final Path journalDir;
    private final long firstCommandId;
    private volatile Throwable fatal;

    /**
     * @param context the benchmark's own settings (wait strategy, or consumer loop and ring size); the epoch adds the
     *                first command id and the fatal error handler, then starts the pipeline.
     */
    PipelineEpoch(final String journal, final int customers, final LedgerPipeline.Context context)
    {
        this.journal = journal;
        firstCommandId = Population.firstFreeCommandId(customers);
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
        pipeline = LedgerPipeline.start(
            context.firstCommandId(firstCommandId).fatalErrorHandler((stage, commandId, error) -> fatal = error),
            ledger,
            journalWriter);
    }

    /** @return true once a stage failed: the benchmark stops with {@link #failure}. Any thread. */
    boolean failed()
    {
        return fatal != null || pipeline.failed();
    }

    /** @return what stopped the pipeline, with {@code what} (the benchmark's parameters) in its message. */
    IllegalStateException failure(final String what)
    {
        return new IllegalStateException("pipeline failed " + what, fatal);
    }

    /**
     * Closes the pipeline (from a thread that is not its consumer's: it drains, joins or stops the consumer, so its
     * writes are visible here, and closes the journal), checks the epoch and deletes its journal directory, also when a
     * check fails.
     */
    void finish(final long published)
    {
        try
        {
            pipeline.close();
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
