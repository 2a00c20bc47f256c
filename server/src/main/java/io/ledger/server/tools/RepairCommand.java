package io.ledger.server.tools;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.ledger.journal.JournalRepair;
import io.ledger.server.tools.JournalTool.ToolException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ledger repair}: cuts a damaged journal at a record, keeping everything before it. The only tool that
 * writes; it needs the server stopped (it takes the journal's writer lock) and moves what it removes aside.
 */
@Command(
    name = "repair",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Cut the journal in DIR/journal at a damaged record: the records before INDEX are copied, at the same indexes, into "
            + "a fresh journal, which must replay; then the damaged journal moves to DIR/damaged/<UTC time>/journal (never "
            + "deleted), with any snapshot covering commands at or after INDEX. The server must be stopped.",
        "Commands journaled at or after INDEX are lost from the ledger: some may have been acknowledged. Use the index "
            + "'ledger serve' or 'ledger verify' names. Exit 0 repaired, 1 refused (nothing changed), 2 bad usage or no journal."})
public final class RepairCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    JournalTool.DataDirOption dataDir = new JournalTool.DataDirOption();

    @Option(
        names = "--truncate-at",
        required = true,
        paramLabel = "INDEX",
        converter = JournalTool.LongConverter.class,
        description = "The Chronicle index of the first record to cut (decimal or 0x hex, as the error message prints it).")
    long truncateAt;

    @Override
    public Integer call()
    {
        try
        {
            JournalTool.journalDir(dataDir.dataDir);
            final PrintWriter out = spec.commandLine().getOut();
            final JournalRepair.Result result;
            try
            {
                result = JournalRepair.truncateAt(dataDir.dataDir.toAbsolutePath().normalize(), truncateAt);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ToolException(JournalTool.EXIT_USAGE, ex.getMessage());
            }
            catch (final IllegalStateException ex)
            {
                throw new ToolException(JournalTool.EXIT_PROBLEM, "refused, nothing changed: " + ex.getMessage());
            }
            out.println("journal cut at index " + JournalTool.index(truncateAt) + ": kept " + result.recordsKept()
                + " records up to command id " + result.lastCommandIdKept() + ", cut " + result.recordsCut() + " records");
            out.println("damaged journal moved to " + result.damagedDirectory().resolve("journal"));
            for (final Path snapshot : result.snapshotsMoved())
            {
                out.println("snapshot moved aside (it covers cut commands): " + snapshot);
            }
            out.println("next: 'ledger verify --data-dir " + dataDir.dataDir + "', then 'ledger serve'");
            out.flush();
            return Files.isDirectory(result.damagedDirectory()) ? 0 : JournalTool.EXIT_PROBLEM;
        }
        catch (final ToolException ex)
        {
            return JournalTool.fail(spec, ex);
        }
    }
}
