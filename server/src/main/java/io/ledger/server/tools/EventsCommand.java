package io.ledger.server.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.Ids;
import io.ledger.engine.Ledger;
import io.ledger.http.endpoint.LedgerEvents;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.JournalCorruptException;
import io.ledger.journal.JournalTail;
import io.ledger.journal.NewerFormatException;
import io.ledger.server.tools.JournalTool.ToolException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ledger events}: the ledger's committed events from a data directory, for operators (issue 19). It replays the
 * journal into a fresh ledger, as {@code replay} does, learns each command's outcome, and prints each accepted one as an
 * event ({@link LedgerEvents}): {@code id} its journal index, {@code event} its type, {@code data} the resource as the
 * API answered the command. Read-only.
 */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Print the ledger's committed events from DIR/journal in journal order (read-only): every command the ledger accepted "
            + "(refused commands and idempotent retries are not events), as Server-Sent Events (id: the journal index, "
            + "event: the type, data: the resource in the API's JSON shape, then a blank line) or as JSON lines.",
        "Types: customer.created, customer.updated, pay_in.created, purchase.created, transfer.created, payout.created, "
            + "payment_method.saved, payment_method.deleted, payment_method.default_set, refund.created, purchase.released, "
            + "purchase.cancelled, gift_balance.created.",
        "The whole journal is replayed (outcomes need the state), so a journal that retention trimmed is refused. "
            + "A progress bar is shown on stderr when it is a terminal. Exit 0 OK, 1 corrupt or trimmed journal, 2 bad usage or "
            + "no journal."})
public final class EventsCommand implements Callable<Integer>
{
    /** The output formats. */
    enum Format
    {
        sse,
        jsonl
    }

    private static final JsonFactory JSON = new JsonFactory();
    private static final long POLL_COMMANDS_MAX = 4096;
    private static final long FOLLOW_POLL_MS = 100;

    @Spec
    CommandSpec spec;

    @Mixin
    JournalTool.DataDirOption dataDir = new JournalTool.DataDirOption();

    @Option(names = "--merchant", paramLabel = "ID", description = "Only this merchant's events. Default: every merchant's.")
    String merchant;

    @Option(
        names = "--from",
        paramLabel = "ID",
        converter = JournalTool.LongConverter.class,
        description = "Resume after the event with this id (a journal index, decimal or 0x hex): only later events are printed, "
            + "as a stream resumes after Last-Event-ID. Default: from the first.")
    Long from;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "sse", description = "sse or jsonl. Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(
        names = "--follow",
        description = "After the journal's end, keep reading as a running server appends, printing each event once its record is "
            + "in the journal (in fsync mode possibly before its sync), until interrupted (Ctrl-C).")
    boolean follow;

    @Mixin
    JournalTool.DefaultCurrencyOption defaultCurrency = new JournalTool.DefaultCurrencyOption();

    @Override
    public Integer call()
    {
        try
        {
            final int currency = JournalTool.currency(defaultCurrency.code);
            final long afterIndex = from == null ? Long.MIN_VALUE : from;
            final PrintWriter out = spec.commandLine().getOut();
            final long[] printed = {0};
            try (ChronicleJournal journal = JournalTool.open(JournalTool.journalDir(dataDir.dataDir)))
            {
                ReplayCommand.refuseIfTrimmed(dataDir.dataDir);
                final Ledger ledger = new Ledger(currency);
                final Ids[] ids = {new Ids(0)};
                final Progress progress = new Progress(spec.commandLine().getErr(), Progress.stderrIsTerminal());
                progress.total(journal.recordCount());
                final long[] applied = {0};
                final ChronicleJournal.RecordVisitor visitor = (index, event) ->
                {
                    ledger.apply(event);
                    progress.tick(++applied[0]);
                    if (ids[0].salt() != ledger.deploymentSalt())
                    {
                        ids[0] = new Ids(ledger.deploymentSalt());
                    }
                    final String name = LedgerEvents.nameIfEvent(event);
                    if (name != null && index > afterIndex && (merchant == null || merchant.equals(LedgerEvents.merchantOf(event))))
                    {
                        out.print(render(index, name, event, ids[0]));
                        printed[0]++;
                    }
                    return true;
                };
                try (JournalTail tail = journal.tail(-1, 0))
                {
                    readAll(tail, visitor, out);
                    if (!follow)
                    {
                        tail.finish();
                    }
                }
                progress.done();
            }
            catch (final JournalCorruptException | NewerFormatException | IllegalStateException ex)
            {
                throw new ToolException(JournalTool.EXIT_PROBLEM, ex.getMessage());
            }
            out.flush();
            spec.commandLine().getErr().println("events: " + printed[0] + " events");
            spec.commandLine().getErr().flush();
            return 0;
        }
        catch (final ToolException ex)
        {
            return JournalTool.fail(spec, ex);
        }
    }

    /** Reads to the journal's end; with {@code --follow}, then waits for more every 100 ms until interrupted. */
    private void readAll(final JournalTail tail, final ChronicleJournal.RecordVisitor visitor, final PrintWriter out)
    {
        while (true)
        {
            if (tail.poll(visitor, POLL_COMMANDS_MAX) > 0)
            {
                continue;
            }
            if (!follow)
            {
                return;
            }
            out.flush();
            try
            {
                Thread.sleep(FOLLOW_POLL_MS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private String render(final long index, final String name, final CommandEvent event, final Ids ids)
    {
        final StringWriter text = new StringWriter(512);
        try (JsonGenerator json = JSON.createGenerator(text))
        {
            if (format == Format.jsonl)
            {
                json.writeStartObject();
                json.writeStringField("id", Long.toString(index));
                json.writeStringField("event", name);
                json.writeStringField("merchantId", LedgerEvents.merchantOf(event));
                json.writeFieldName("data");
                LedgerEvents.write(json, event, ids);
                json.writeEndObject();
            }
            else
            {
                LedgerEvents.write(json, event, ids);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        if (format == Format.jsonl)
        {
            return text + "\n";
        }
        // SSE: a line break inside the data (a metadata value kept as the client wrote it) starts another data: line
        return "id: " + index + "\nevent: " + name + "\ndata: " + text.toString().replaceAll("\r\n|\r|\n", "\ndata: ") + "\n\n";
    }
}
