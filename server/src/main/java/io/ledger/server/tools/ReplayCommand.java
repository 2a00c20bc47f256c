package io.ledger.server.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.Currencies;
import io.ledger.engine.Ledger;
import io.ledger.engine.LedgerTotals;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.JournalCorruptException;
import io.ledger.journal.NewerFormatException;
import io.ledger.journal.snapshot.JournalRetention;
import io.ledger.journal.snapshot.LedgerRecovery;
import io.ledger.journal.snapshot.SnapshotStore;
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
            + "commands replayed, customers, merchants, money paid in, paid out and held per currency, last command id, state hash, "
            + "time taken and commands/s, and the money-conservation check. By default the whole journal is replayed; "
            + "--from-snapshot starts from the newest usable snapshot, as 'serve' does.",
        "A progress bar is shown on stderr when it is a terminal. Exit 0 OK, 1 corrupt journal or conservation violated, "
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

    @Option(
        names = "--to-time",
        paramLabel = "INSTANT",
        description = "Stop at the last command whose time is at or before this ISO-8601 instant, e.g. "
            + "2026-11-22T00:52:00Z (a command's time is the one its createdAt shows: never earlier than the previous one's).")
    String toTime;

    @Option(
        names = "--from-snapshot",
        description = "Start from the newest usable snapshot in DIR/snapshots and replay only the journal after it "
            + "(the state 'serve' starts with). Not with the --to-* options.")
    boolean fromSnapshot;

    @Mixin
    JournalTool.DefaultCurrencyOption defaultCurrency = new JournalTool.DefaultCurrencyOption();

    /**
     * What one replay rebuilt.
     *
     * @param snapshot the snapshot it started from, or {@code null}.
     */
    record Replayed(
        Ledger ledger, ChronicleJournal.ReplayResult result, long applied, long lastIndex, long elapsedNs, SnapshotStore.Loaded snapshot)
    {
    }

    @Override
    public Integer call()
    {
        try
        {
            final int stops = (toIndex != null ? 1 : 0) + (toCommandId != null ? 1 : 0) + (toTime != null ? 1 : 0);
            if (stops > 1)
            {
                throw new ToolException(JournalTool.EXIT_USAGE, "give one of --to-index, --to-command-id and --to-time, not both");
            }
            if (fromSnapshot && stops > 0)
            {
                throw new ToolException(JournalTool.EXIT_USAGE, "--from-snapshot replays to the end: not with --to-index, "
                    + "--to-command-id or --to-time");
            }
            final long toTimeMs = toTime == null ? Long.MAX_VALUE : parseInstant(toTime);
            final int currency = JournalTool.currency(defaultCurrency.code);
            final Path journalDir = JournalTool.journalDir(dataDir.dataDir);
            final PrintWriter out = spec.commandLine().getOut();
            final Replayed replayed;
            try (ChronicleJournal journal = JournalTool.open(journalDir))
            {
                final Progress progress = new Progress(spec.commandLine().getErr(), Progress.stderrIsTerminal());
                if (fromSnapshot)
                {
                    replayed = fromSnapshot(journal, dataDir.dataDir, currency, progress);
                }
                else
                {
                    refuseIfTrimmed(dataDir.dataDir);
                    replayed = replay(journal, currency, toIndex == null ? Long.MAX_VALUE : toIndex,
                        toCommandId == null ? Long.MAX_VALUE : toCommandId, toTimeMs, progress);
                }
            }
            catch (final JournalCorruptException | NewerFormatException ex)
            {
                throw new ToolException(JournalTool.EXIT_PROBLEM, ex.getMessage());
            }
            catch (final IllegalStateException ex)
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

    /** @throws ToolException (exit 2) naming the option when {@code text} is not an ISO-8601 instant. */
    static long parseInstant(final String text)
    {
        try
        {
            return Instant.parse(text).toEpochMilli();
        }
        catch (final DateTimeParseException | ArithmeticException ex)
        {
            throw new ToolException(JournalTool.EXIT_USAGE, "--to-time=" + text + " must be an ISO-8601 instant such as "
                + "2026-11-22T00:52:00Z");
        }
    }

    /** @throws ToolException (exit 1) when retention removed journal cycles, so that a full replay would be wrong. */
    static void refuseIfTrimmed(final Path dataDir)
    {
        if (JournalRetention.journalWasTrimmed(dataDir))
        {
            throw new ToolException(JournalTool.EXIT_PROBLEM, "journal retention archived or deleted journal cycles (see "
                + dataDir.resolve(JournalRetention.LOG_FILE_NAME) + "): a full replay would rebuild a wrong state; use --from-snapshot");
        }
    }

    /**
     * Replays commands with {@code index <= toIndex}, {@code commandId <= toCommandId} and time {@code <= toTimeMs}
     * into a fresh ledger. A command's time is the ledger's: the greatest stamp so far, so it never goes back, and
     * the first command past {@code toTimeMs} ends the replay.
     *
     * @throws JournalCorruptException when a record it reaches is corrupt.
     */
    static Replayed replay(
        final ChronicleJournal journal, final int defaultCurrency, final long toIndex, final long toCommandId,
        final long toTimeMs, final Progress progress)
    {
        final Ledger ledger = new Ledger(defaultCurrency);
        final long[] appliedIndexTime = {0, -1, Long.MIN_VALUE};
        progress.total(journal.recordCount());
        final ChronicleJournal.ReplayResult result = journal.replay((index, event) ->
        {
            final long time = Math.max(appliedIndexTime[2], event.timestampMs());
            if (index > toIndex || event.commandId() > toCommandId || time > toTimeMs)
            {
                return false;
            }
            ledger.apply(event);
            appliedIndexTime[0]++;
            appliedIndexTime[1] = index;
            appliedIndexTime[2] = time;
            progress.tick(appliedIndexTime[0]);
            return index < toIndex && event.commandId() < toCommandId;
        });
        progress.done();
        return new Replayed(ledger, result, appliedIndexTime[0], appliedIndexTime[1], progress.elapsedNs(), null);
    }

    /** The newest usable snapshot and the journal after it, as the server starts. */
    static Replayed fromSnapshot(final ChronicleJournal journal, final Path dataDir, final int defaultCurrency, final Progress progress)
    {
        final LedgerRecovery.Result recovered = LedgerRecovery.recover(journal,
            SnapshotStore.openReadOnly(dataDir.resolve(SnapshotStore.DIRECTORY_NAME)), dataDir, defaultCurrency, progress::tick);
        progress.done();
        return new Replayed(recovered.ledger(), recovered.replay(), recovered.replayedRecords(), recovered.replay().lastIndex(),
            recovered.elapsedNs(), recovered.snapshot());
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
        if (replayed.snapshot() != null)
        {
            out.println("snapshot:          " + replayed.snapshot().file() + " (command id " + replayed.snapshot().header().lastCommandId()
                + ", journal index " + JournalTool.index(replayed.snapshot().header().journalIndex()) + ", loaded in "
                + TimeUnit.NANOSECONDS.toMillis(replayed.snapshot().loadNs()) + " ms)");
        }
        else if (fromSnapshot)
        {
            out.println("snapshot:          none usable: the whole journal was replayed");
        }
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
        final List<LedgerTotals.CurrencyTotals> totals = LedgerTotals.of(ledger);
        for (int i = 0; i < totals.size(); i++)
        {
            final LedgerTotals.CurrencyTotals t = totals.get(i);
            out.println((i == 0 ? "money held:        " : "                   ") + t.currency() + " customers " + t.customersMinor()
                + " + merchants " + t.merchantsMinor() + (t.heldMinor() == 0 ? "" : " + escrow holds " + t.heldMinor())
                + (t.giftsMinor() == 0 ? "" : " + gift balances " + t.giftsMinor()) + " = " + t.insideMinor() + " (paid in "
                + t.paidInMinor() + " - paid out " + t.paidOutMinor() + ")");
        }
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
        if (toTime != null)
        {
            return " (up to time " + toTime + ")";
        }
        if (fromSnapshot)
        {
            return " (after the snapshot)";
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
