package io.ledger.server.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.JournalCorruptException;
import io.ledger.server.tools.JournalTool.ToolException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ledger verify}: checks every journal record, that replay is deterministic and that money is conserved.
 * Read-only.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Check the journal in DIR/journal (read-only): every record's CRC32C, format version and decoding, and "
            + "command ids in order; then replay it twice into two fresh ledgers and require equal state hashes "
            + "(determinism), and check money conservation. Prints one verdict line on stdout.",
        "A torn last record (a write that was never acknowledged) is a warning, not a failure. "
            + "Snapshots do not exist yet; snapshot checks will come with them.",
        "Exit 0 OK, 1 a problem found, 2 bad usage or no journal."})
public final class VerifyCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    JournalTool.DataDirOption dataDir = new JournalTool.DataDirOption();

    @Mixin
    JournalTool.DefaultCurrencyOption defaultCurrency = new JournalTool.DefaultCurrencyOption();

    @Override
    public Integer call()
    {
        try
        {
            final int currency = JournalTool.currency(defaultCurrency.code);
            final Path journalDir = JournalTool.journalDir(dataDir.dataDir);
            final PrintWriter out = spec.commandLine().getOut();
            final ReplayCommand.Replayed first;
            final ReplayCommand.Replayed second;
            try (ChronicleJournal journal = JournalTool.open(journalDir))
            {
                final Progress progress = new Progress(spec.commandLine().getErr(), Progress.stderrIsTerminal());
                first = ReplayCommand.replay(journal, currency, Long.MAX_VALUE, Long.MAX_VALUE, progress);
                second = ReplayCommand.replay(journal, currency, Long.MAX_VALUE, Long.MAX_VALUE,
                    new Progress(spec.commandLine().getErr(), false));
            }
            catch (final JournalCorruptException ex)
            {
                return problem(out, "journal CORRUPT: file=" + ex.file() + " index=" + JournalTool.index(ex.index()) + ": "
                    + ex.getMessage());
            }
            final long hash = first.ledger().stateHash();
            final long hashAgain = second.ledger().stateHash();
            if (hash != hashAgain || first.applied() != second.applied())
            {
                return problem(out, "journal NOT DETERMINISTIC: replay 1 gave " + first.applied() + " records, state hash "
                    + JournalTool.hex(hash) + "; replay 2 gave " + second.applied() + " records, state hash "
                    + JournalTool.hex(hashAgain));
            }
            final String violation = ReplayCommand.conservationViolation(first.ledger());
            if (violation != null)
            {
                return problem(out, "journal CONSERVATION VIOLATED after " + first.applied() + " records: " + violation);
            }
            final long tornIndex = first.result().tornTailIndex();
            if (tornIndex >= 0)
            {
                final PrintWriter err = spec.commandLine().getErr();
                err.println(spec.qualifiedName() + ": warning: torn last record at index " + JournalTool.index(tornIndex)
                    + " skipped; it was never acknowledged");
                err.flush();
            }
            out.println("journal OK: " + first.applied() + " records, last command id " + Math.max(0, first.ledger().lastCommandId())
                + ", state hash " + JournalTool.hex(hash)
                + (tornIndex >= 0 ? " (warning: torn last record at index " + JournalTool.index(tornIndex) + " skipped)" : ""));
            out.flush();
            return 0;
        }
        catch (final ToolException ex)
        {
            return JournalTool.fail(spec, ex);
        }
    }

    private static int problem(final PrintWriter out, final String verdict)
    {
        out.println(verdict);
        out.flush();
        return JournalTool.EXIT_PROBLEM;
    }
}
