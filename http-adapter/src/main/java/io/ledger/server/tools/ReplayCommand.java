package io.ledger.server.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.Currencies;
import io.ledger.engine.Ledger;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.JournalCorruptException;
import io.ledger.server.tools.JournalTool.ToolException;
import org.agrona.collections.Long2LongHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ledger replay}: rebuilds the ledger from the journal, as the server does at start-up, and prints what it
 * holds. Read-only.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Replay the journal in DIR/journal into a fresh ledger (read-only: nothing is written) and print a summary: "
            + "commands replayed, customers, merchants, money paid in per currency, last command id, state hash, "
            + "time taken, and the money-conservation check.",
        "Progress is shown on stderr when it is a terminal. Exit 0 OK, 1 corrupt journal or conservation violated, "
            + "2 bad usage or no journal."})
public final class ReplayCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    JournalTool.DataDirOption dataDir = new JournalTool.DataDirOption();

    @Option(
        names = "--to-index",
        paramLabel = "INDEX",
        converter = JournalTool.LongConverter.class,
        description = "Stop after the record at this Chronicle index (decimal or 0x hex, as 'ledger journal' prints it); "
            + "records after it are not applied.")
    Long toIndex;

    @Option(
        names = "--to-command-id",
        paramLabel = "ID",
        description = "Stop after the command with this id; commands with a greater id are not applied.")
    Long toCommandId;

    @Mixin
    JournalTool.DefaultCurrencyOption defaultCurrency = new JournalTool.DefaultCurrencyOption();

    /** What one replay rebuilt. */
    record Replayed(Ledger ledger, ChronicleJournal.ReplayResult result, long applied, long lastIndex, long elapsedNs)
    {
    }

    @Override
    public Integer call()
    {
        try
        {
            if (toIndex != null && toCommandId != null)
            {
                throw new ToolException(JournalTool.EXIT_USAGE, "give --to-index or --to-command-id, not both");
            }
            final int currency = JournalTool.currency(defaultCurrency.code);
            final Path journalDir = JournalTool.journalDir(dataDir.dataDir);
            final PrintWriter out = spec.commandLine().getOut();
            final Replayed replayed;
            try (ChronicleJournal journal = JournalTool.open(journalDir))
            {
                final Progress progress = new Progress(spec.commandLine().getErr(), Progress.stderrIsTerminal());
                replayed = replay(journal, currency, toIndex == null ? Long.MAX_VALUE : toIndex,
                    toCommandId == null ? Long.MAX_VALUE : toCommandId, progress);
            }
            catch (final JournalCorruptException ex)
            {
                throw new ToolException(JournalTool.EXIT_PROBLEM, ex.getMessage());
            }
            printSummary(out, journalDir, replayed);
            final String violation = conservationViolation(replayed.ledger());
            out.println("conservation:      " + (violation == null ? "OK" : "VIOLATED: " + violation));
            out.flush();
            return violation == null ? 0 : JournalTool.EXIT_PROBLEM;
        }
        catch (final ToolException ex)
        {
            return JournalTool.fail(spec, ex);
        }
    }

    /**
     * Replays commands with {@code index <= toIndex} and {@code commandId <= toCommandId} into a fresh ledger.
     *
     * @throws JournalCorruptException when a record it reaches is corrupt.
     */
    static Replayed replay(
        final ChronicleJournal journal, final int defaultCurrency, final long toIndex, final long toCommandId,
        final Progress progress)
    {
        final Ledger ledger = new Ledger(defaultCurrency);
        final long[] appliedAndIndex = {0, -1};
        final ChronicleJournal.ReplayResult result = journal.replay((index, event) ->
        {
            if (index > toIndex || event.commandId() > toCommandId)
            {
                return false;
            }
            ledger.apply(event);
            appliedAndIndex[0]++;
            appliedAndIndex[1] = index;
            progress.tick(appliedAndIndex[0]);
            return index < toIndex && event.commandId() < toCommandId;
        });
        progress.done();
        return new Replayed(ledger, result, appliedAndIndex[0], appliedAndIndex[1], progress.elapsedNs());
    }

    /** @return null when money is conserved, else what does not add up. */
    static String conservationViolation(final Ledger ledger)
    {
        try
        {
            ledger.checkConservation();
            return null;
        }
        catch (final IllegalStateException ex)
        {
            return ex.getMessage();
        }
    }

    private void printSummary(final PrintWriter out, final Path journalDir, final Replayed replayed)
    {
        final Ledger ledger = replayed.ledger();
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(replayed.elapsedNs());
        out.println("journal:           " + journalDir);
        out.println("commands replayed: " + replayed.applied() + stoppedAt());
        out.println("last index:        " + (replayed.lastIndex() < 0 ? "none" : JournalTool.index(replayed.lastIndex())));
        if (replayed.result().tornTailIndex() >= 0)
        {
            out.println("warning:           torn last record at index " + JournalTool.index(replayed.result().tornTailIndex())
                + " skipped (it was never acknowledged)");
        }
        out.println("customers:         " + ledger.customerCount());
        out.println("merchants:         " + ledger.merchantCount());
        out.println("paid in:           " + paidIn(ledger));
        out.println("last command id:   " + Math.max(0, ledger.lastCommandId()));
        out.println("state hash:        " + JournalTool.hex(ledger.stateHash()));
        out.println("elapsed:           " + elapsedMs + " ms (" + Progress.rate(replayed.applied(), replayed.elapsedNs())
            + " commands/s)");
    }

    private String stoppedAt()
    {
        if (toIndex != null)
        {
            return " (up to index " + JournalTool.index(toIndex) + ")";
        }
        return toCommandId != null ? " (up to command id " + toCommandId + ")" : "";
    }

    /** @return e.g. {@code "USD 250, ZAR 1500 (minor units)"}, sorted by currency, or {@code "none"}. */
    static String paidIn(final Ledger ledger)
    {
        final Long2LongHashMap paidIn = ledger.paidInByCurrency();
        if (paidIn.isEmpty())
        {
            return "none";
        }
        final java.util.TreeMap<String, Long> sorted = new java.util.TreeMap<>();
        paidIn.forEachLong((currency, amountMinor) -> sorted.put(Currencies.toString((int)currency), amountMinor));
        final StringBuilder sb = new StringBuilder();
        sorted.forEach((currency, amountMinor) -> sb.append(sb.length() == 0 ? "" : ", ").append(currency).append(' ').append(amountMinor));
        return sb.append(" (minor units)").toString();
    }
}
