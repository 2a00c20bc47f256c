package io.ledger.server.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.ledger.engine.Ledger;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.JournalCorruptException;
import io.ledger.journal.snapshot.InvalidSnapshotException;
import io.ledger.journal.snapshot.JournalRetention;
import io.ledger.journal.snapshot.LedgerRecovery;
import io.ledger.journal.snapshot.SnapshotHeader;
import io.ledger.journal.snapshot.SnapshotStore;
import io.ledger.server.tools.JournalTool.ToolException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ledger verify}: checks every journal record, that replay is deterministic, that money is conserved, and
 * every snapshot: its checksums, that it holds the state a replay reaches at its command id, and that the newest
 * usable one plus the journal tail reaches the same state as a full replay. Read-only.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Check the journal in DIR/journal and the snapshots in DIR/snapshots (read-only): every record's CRC32C, format "
            + "version and decoding, and command ids in order; replay it twice into two fresh ledgers and require equal state "
            + "hashes (determinism); check money conservation. For each snapshot: its header and payload CRC32C, and that the "
            + "full replay reaches its state hash at its command id and journal index. Then load the newest usable snapshot, "
            + "replay the journal after it, and require the full replay's state hash.",
        "Prints the journal verdict first, then one line per snapshot check. A torn last record (a write that was never "
            + "acknowledged) is a warning, not a failure. After journal retention removed cycles, the full replays are "
            + "skipped (they cannot rebuild the state) and records are only checked.",
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
            final Run run = new Run(currency);
            run.checkSnapshotFiles();
            try (ChronicleJournal journal = JournalTool.open(journalDir))
            {
                final Integer failed = run.replay(journal);
                if (failed != null)
                {
                    return failed;
                }
                run.printJournalVerdict();
                run.compareSnapshots();
                run.checkSnapshotPlusTail(journal);
            }
            catch (final JournalCorruptException ex)
            {
                run.out.println("journal CORRUPT: file=" + ex.file() + " index=" + JournalTool.index(ex.index()) + ": " + ex.getMessage());
                return run.finish(true);
            }
            return run.finish(run.problem);
        }
        catch (final ToolException ex)
        {
            return JournalTool.fail(spec, ex);
        }
    }

    /** One verification: what it found so far, printed at the end (the journal's verdict first, then the snapshots'). */
    private final class Run
    {
        final PrintWriter out = spec.commandLine().getOut();
        final int currency;
        final SnapshotStore store;
        final boolean trimmed;
        final List<String> snapshotLines = new ArrayList<>();
        /** Snapshots whose checksums hold, by their last command id, and their files. */
        final Map<Long, SnapshotHeader> intact = new HashMap<>();
        final Map<Long, Path> files = new HashMap<>();
        /** By command id, for each intact snapshot the replay reached: null when it agrees, else what differs. */
        final Map<Long, String> seen = new HashMap<>();
        boolean problem;
        /** The full replay's ledger, null when retention trimmed the journal (then records are only checked). */
        Ledger full;
        long fullHash;
        long applied;
        ChronicleJournal.ReplayResult result;

        Run(final int currency)
        {
            this.currency = currency;
            this.store = SnapshotStore.openReadOnly(dataDir.dataDir.resolve(SnapshotStore.DIRECTORY_NAME));
            this.trimmed = JournalRetention.journalWasTrimmed(dataDir.dataDir);
        }

        void checkSnapshotFiles()
        {
            for (final Path file : store.list())
            {
                try
                {
                    final SnapshotHeader header = store.verifyChecksums(file);
                    intact.put(header.lastCommandId(), header);
                    files.put(header.lastCommandId(), file);
                }
                catch (final InvalidSnapshotException ex)
                {
                    snapshotLines.add("snapshot CORRUPT: " + ex.getMessage());
                    problem = true;
                }
            }
        }

        /** Replays the journal (twice, unless trimmed); @return an exit code when it is not deterministic or money is not conserved. */
        Integer replay(final ChronicleJournal journal)
        {
            final Progress progress = new Progress(spec.commandLine().getErr(), Progress.stderrIsTerminal());
            final long[] records = {0};
            progress.total(journal.recordCount());
            final Ledger ledger = trimmed ? null : new Ledger(currency);
            result = journal.replay((index, event) ->
            {
                progress.tick(++records[0]);
                if (ledger != null)
                {
                    ledger.apply(event);
                    compareAt(ledger, index, event.commandId());
                }
                return true;
            });
            progress.done();
            applied = records[0];
            full = ledger;
            fullHash = full == null ? 0 : full.stateHash();
            if (full == null)
            {
                return null;
            }
            final Ledger again = ReplayCommand.replay(journal, currency, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
                new Progress(spec.commandLine().getErr(), false)).ledger();
            if (full.stateHash() != again.stateHash() || full.commandsApplied() != again.commandsApplied())
            {
                return problem(out, "journal NOT DETERMINISTIC: replay 1 gave " + full.commandsApplied()
                    + " commands, state hash " + JournalTool.hex(full.stateHash()) + "; replay 2 gave "
                    + again.commandsApplied() + " commands, state hash " + JournalTool.hex(again.stateHash()));
            }
            final String violation = ReplayCommand.conservationViolation(full);
            return violation == null ? null : problem(out, "journal CONSERVATION VIOLATED after " + applied + " records: " + violation);
        }

        /** When an intact snapshot covers {@code commandId}: does the replay reach its state hash at its journal index? */
        private void compareAt(final Ledger ledger, final long index, final long commandId)
        {
            final SnapshotHeader header = intact.get(commandId);
            if (header != null)
            {
                final long hash = ledger.stateHash();
                seen.put(commandId, header.stateHash() == hash && header.journalIndex() == index ? null
                    : "replay reaches state hash " + JournalTool.hex(hash) + " at journal index " + JournalTool.index(index)
                        + ", the snapshot says " + JournalTool.hex(header.stateHash()) + " at "
                        + JournalTool.index(header.journalIndex()));
            }
        }

        void printJournalVerdict()
        {
            final long tornIndex = result.tornTailIndex();
            if (tornIndex >= 0)
            {
                final PrintWriter err = spec.commandLine().getErr();
                err.println(spec.qualifiedName() + ": warning: torn last record at index " + JournalTool.index(tornIndex)
                    + " skipped; it was never acknowledged");
                err.flush();
            }
            final String torn = tornIndex >= 0 ? " (warning: torn last record at index " + JournalTool.index(tornIndex) + " skipped)" : "";
            if (trimmed)
            {
                out.println("journal OK: " + applied + " records checked, last command id " + result.lastCommandId()
                    + "; full replay skipped: journal retention removed earlier cycles (" + JournalRetention.LOG_FILE_NAME + ")" + torn);
            }
            else
            {
                out.println("journal OK: " + applied + " records, last command id " + Math.max(0, full.lastCommandId())
                    + ", state hash " + JournalTool.hex(fullHash) + torn);
            }
        }

        /** Each intact snapshot against the state the full replay reached at its command id. */
        void compareSnapshots()
        {
            for (final Map.Entry<Long, SnapshotHeader> entry : new java.util.TreeMap<>(intact).entrySet())
            {
                final Path file = files.get(entry.getKey());
                if (trimmed)
                {
                    snapshotLines.add("snapshot checksums OK: " + file + " (command id " + entry.getKey() + ")");
                }
                else if (!seen.containsKey(entry.getKey()))
                {
                    snapshotLines.add("snapshot MISMATCH: " + file + " covers command id " + entry.getKey()
                        + ", which the journal does not hold");
                    problem = true;
                }
                else if (seen.get(entry.getKey()) != null)
                {
                    snapshotLines.add("snapshot MISMATCH: " + file + ": " + seen.get(entry.getKey()));
                    problem = true;
                }
                else
                {
                    snapshotLines.add("snapshot OK: " + file + " (command id " + entry.getKey() + ", state hash "
                        + JournalTool.hex(entry.getValue().stateHash()) + ", checksums and replay agree)");
                }
            }
        }

        /** What a start would do: the newest usable snapshot plus the journal after it, against the full replay. */
        void checkSnapshotPlusTail(final ChronicleJournal journal)
        {
            if (store.list().isEmpty() && !trimmed)
            {
                return;
            }
            try
            {
                final LedgerRecovery.Result recovered = LedgerRecovery.recover(journal, store, dataDir.dataDir, currency, null);
                final long hash = recovered.ledger().stateHash();
                if (recovered.snapshot() == null)
                {
                    snapshotLines.add("snapshot + tail: no usable snapshot; a start replays the whole journal");
                    problem = true;
                }
                else if (!trimmed && hash != fullHash)
                {
                    snapshotLines.add("snapshot + tail MISMATCH: " + recovered.snapshot().file() + " + "
                        + recovered.replayedRecords() + " journal records give state hash " + JournalTool.hex(hash)
                        + ", the full replay " + JournalTool.hex(fullHash));
                    problem = true;
                }
                else
                {
                    final String conservation = ReplayCommand.conservationViolation(recovered.ledger());
                    problem |= conservation != null;
                    snapshotLines.add("snapshot + tail " + (conservation != null ? "CONSERVATION VIOLATED (" + conservation + ")" : "OK")
                        + ": " + recovered.snapshot().file() + " + " + recovered.replayedRecords()
                        + " journal records give state hash " + JournalTool.hex(hash)
                        + (trimmed ? "" : ", as the full replay does"));
                }
            }
            catch (final IllegalStateException ex)
            {
                snapshotLines.add("snapshot + tail FAILED: " + ex.getMessage());
                problem = true;
            }
        }

        /** Prints the snapshots' lines; @return the exit code. */
        int finish(final boolean failed)
        {
            snapshotLines.forEach(out::println);
            out.flush();
            return failed ? JournalTool.EXIT_PROBLEM : 0;
        }
    }

    private static int problem(final PrintWriter out, final String verdict)
    {
        out.println(verdict);
        out.flush();
        return JournalTool.EXIT_PROBLEM;
    }
}
