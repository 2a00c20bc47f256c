package io.ledger.server.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.Ledger;
import io.ledger.engine.ResultCode;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.JournalCorruptException;
import io.ledger.journal.NewerFormatException;
import io.ledger.server.tools.JournalTool.ToolException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ledger export --at T}: every balance as of a moment, for reconciliation (issue 19). It rebuilds the ledger as
 * {@code serve} starts (the newest usable snapshot and the journal after it, so it works after journal retention), finds
 * every account that existed at {@code T} ({@link Ledger#accountsAt}) and reads each balance with the same query the
 * API's {@code ?at=} answers, so the export and the API agree to the minor unit. Read-only.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Print every balance as of a moment (read-only): one row per customer and currency, and per merchant and currency, "
            + "that existed then, with the balance after the last command at or before it, as GET .../balance?at= answers it; "
            + "a customer created by then that had no movement is one row of 0 in its first (else the default) currency.",
        "Rows: kind (customer or merchant), merchantId, customerId (empty for a merchant), currency, amount, available, "
            + "pending (what escrowed purchases held for a merchant), updatedAt (the last movement at or before the moment). "
            + "A progress bar is shown on stderr when it is a terminal, while the ledger is rebuilt.",
        "Exit 0 OK, 1 corrupt journal, 2 bad usage, no journal, or a moment before the ledger's first customer."})
public final class ExportCommand implements Callable<Integer>
{
    /** The output formats. */
    enum Format
    {
        csv,
        jsonl
    }

    private static final JsonFactory JSON = new JsonFactory();

    @Spec
    CommandSpec spec;

    @Mixin
    JournalTool.DataDirOption dataDir = new JournalTool.DataDirOption();

    @Option(
        names = "--at",
        required = true,
        paramLabel = "TIME",
        description = "The moment: an ISO-8601 date-time with Z or an offset (2026-12-31T23:59:59.999Z), or a date alone, "
            + "which is the end of that UTC day (its closing balances).")
    String at;

    @Option(names = "--merchant", paramLabel = "ID", description = "Only this merchant's balances (its own and its customers').")
    String merchant;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "csv", description = "csv (with a header line) or jsonl. "
        + "Default: ${DEFAULT-VALUE}.")
    Format format;

    @Mixin
    JournalTool.DefaultCurrencyOption defaultCurrency = new JournalTool.DefaultCurrencyOption();

    @Override
    public Integer call()
    {
        try
        {
            final long atMs = parseMoment(at);
            final int currency = JournalTool.currency(defaultCurrency.code);
            final Ledger ledger;
            try (ChronicleJournal journal = JournalTool.open(JournalTool.journalDir(dataDir.dataDir)))
            {
                final Progress progress = new Progress(spec.commandLine().getErr(), Progress.stderrIsTerminal());
                ledger = ReplayCommand.fromSnapshot(journal, dataDir.dataDir, currency, progress).ledger();
            }
            catch (final JournalCorruptException | NewerFormatException | IllegalStateException ex)
            {
                throw new ToolException(JournalTool.EXIT_PROBLEM, ex.getMessage());
            }
            if (atMs < ledger.historyStartMs())
            {
                throw new ToolException(JournalTool.EXIT_USAGE, "--at=" + at + " is before the ledger's history begins ("
                    + (ledger.historyStartMs() == Long.MAX_VALUE ? "it has no customer yet"
                    : "its first customer was created at " + Instant.ofEpochMilli(ledger.historyStartMs())) + ")");
            }
            final PrintWriter out = spec.commandLine().getOut();
            if (format == Format.csv)
            {
                out.println("kind,merchantId,customerId,currency,amount,available,pending,updatedAt");
            }
            final Ids ids = new Ids(ledger.deploymentSalt());
            final CommandEvent query = new CommandEvent();
            final long[] rows = {0};
            ledger.accountsAt(atMs, merchant, (merchantId, customerKey, accountCurrency) ->
            {
                readBalance(ledger, query, atMs, merchantId, customerKey, accountCurrency);
                final String customerId = customerKey < 0 ? "" : ids.format(IdKind.CUSTOMER, customerKey);
                out.println(format == Format.csv ? csvRow(query, merchantId, customerId) : jsonRow(query, merchantId, customerId, atMs));
                rows[0]++;
            });
            out.flush();
            spec.commandLine().getErr().println("export: " + rows[0] + " balances as of " + Instant.ofEpochMilli(atMs));
            spec.commandLine().getErr().flush();
            return 0;
        }
        catch (final ToolException ex)
        {
            return JournalTool.fail(spec, ex);
        }
    }

    /** The balance query the API's {@code ?at=} sends, answered by the rebuilt ledger into {@code query}. */
    private static void readBalance(
        final Ledger ledger, final CommandEvent query, final long atMs, final String merchantId, final long customerKey, final int currency)
    {
        query.clear();
        query.type(customerKey < 0 ? CommandType.GET_MERCHANT_BALANCE : CommandType.GET_CUSTOMER_BALANCE)
            .text(Field.MERCHANT_ID, merchantId).set(Field.TO_MS, atMs);
        if (customerKey >= 0)
        {
            query.set(Field.CUSTOMER_KEY, customerKey);
        }
        if (currency != Currencies.NONE)
        {
            query.set(Field.CURRENCY, currency);
        }
        query.stamp(0, atMs); // the query's time: never before the ledger's own, so the moment is never "in the future"
        ledger.apply(query);
        if (query.result() != ResultCode.OK)
        {
            throw new IllegalStateException("result=" + query.result() + " reading merchant=" + merchantId + " customer=" + customerKey
                + " as of " + atMs);
        }
    }

    private static String csvRow(final CommandEvent query, final String merchantId, final String customerId)
    {
        return (customerId.isEmpty() ? "merchant" : "customer") + ',' + csv(merchantId) + ',' + customerId + ','
            + Currencies.toString(query.resultCurrency()) + ',' + (query.balanceAfterMinor() + query.pendingMinor()) + ','
            + query.balanceAfterMinor() + ',' + query.pendingMinor() + ',' + Instant.ofEpochMilli(query.accountUpdatedAtMs());
    }

    private static String jsonRow(final CommandEvent query, final String merchantId, final String customerId, final long atMs)
    {
        final StringWriter text = new StringWriter(160);
        try (JsonGenerator json = JSON.createGenerator(text))
        {
            json.writeStartObject();
            json.writeStringField("kind", customerId.isEmpty() ? "merchant" : "customer");
            json.writeStringField("merchantId", merchantId);
            if (!customerId.isEmpty())
            {
                json.writeStringField("customerId", customerId);
            }
            json.writeStringField("currency", Currencies.toString(query.resultCurrency()));
            json.writeNumberField("amount", query.balanceAfterMinor() + query.pendingMinor());
            json.writeNumberField("available", query.balanceAfterMinor());
            json.writeNumberField("pending", query.pendingMinor());
            json.writeStringField("updatedAt", Instant.ofEpochMilli(query.accountUpdatedAtMs()).toString());
            json.writeStringField("at", Instant.ofEpochMilli(atMs).toString());
            json.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return text.toString();
    }

    /** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
    static String csv(final String field)
    {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0)
        {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }

    /** @return {@code text} as epoch milliseconds: a date-time, or a date's last millisecond (UTC). */
    static long parseMoment(final String text)
    {
        try
        {
            if (text.length() == 10)
            {
                return LocalDate.parse(text).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() - 1;
            }
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        }
        catch (final DateTimeException | ArithmeticException ex)
        {
            throw new ToolException(JournalTool.EXIT_USAGE, "--at=" + text + " must be an ISO-8601 date-time with Z or an offset "
                + "(2026-12-31T23:59:59.999Z) or a date (2026-12-31)");
        }
    }
}
