package io.ledger.server.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.Currencies;
import io.ledger.engine.Ids;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.JournalCorruptException;
import io.ledger.server.tools.JournalTool.ToolException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ledger journal}: prints journaled commands as JSON lines, for audit. Read-only. */
@Command(
    name = "journal",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Print the commands in DIR/journal as JSON lines on stdout, one per record, oldest first (read-only): index, "
            + "commandId, timestampMs, time, type, merchantId, customerId, counterpartyKey (when set), amountMinor, currency, "
            + "quantity and every text field the command carries (phoneNumber, email, name, metadata, description, productId; "
            + "a field this version has no name for prints as textN). Every command type prints, by its name.",
        "Every record up to the last one printed is verified as 'replay' does. Exit 0 OK, 1 corrupt journal, "
            + "2 bad usage or no journal."})
public final class JournalCommand implements Callable<Integer>
{
    private static final JsonFactory JSON = new com.fasterxml.jackson.core.JsonFactoryBuilder()
        .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET)
        .rootValueSeparator("\n")
        .build();
    private static final String[] TEXT_NAMES = new String[CommandEvent.TEXT_FIELDS];

    static
    {
        TEXT_NAMES[CommandEvent.TEXT_PHONE] = "phoneNumber";
        TEXT_NAMES[CommandEvent.TEXT_EMAIL] = "email";
        TEXT_NAMES[CommandEvent.TEXT_NAME] = "name";
        TEXT_NAMES[CommandEvent.TEXT_DESCRIPTION] = "description";
        TEXT_NAMES[CommandEvent.TEXT_PRODUCT_ID] = "productId";
    }

    @Spec
    CommandSpec spec;

    @Mixin
    JournalTool.DataDirOption dataDir = new JournalTool.DataDirOption();

    @Option(
        names = "--from",
        paramLabel = "COMMAND_ID",
        defaultValue = "1",
        description = "First command id to print (command ids, not Chronicle indexes; the records before it are "
            + "read and verified but not printed). Default: ${DEFAULT-VALUE}.")
    long fromCommandId;

    @Option(
        names = "--limit",
        paramLabel = "RECORDS",
        defaultValue = "100",
        description = "Most records to print, >= 1. Default: ${DEFAULT-VALUE}.")
    long limit;

    @Override
    public Integer call()
    {
        try
        {
            if (limit < 1)
            {
                throw new ToolException(JournalTool.EXIT_USAGE, "--limit=" + limit + " must be >= 1");
            }
            final Path journalDir = JournalTool.journalDir(dataDir.dataDir);
            final PrintWriter out = spec.commandLine().getOut();
            try (ChronicleJournal journal = JournalTool.open(journalDir);
                 JsonGenerator json = JSON.createGenerator(out))
            {
                final long[] printed = {0};
                journal.replay((index, event) ->
                {
                    if (event.commandId() < fromCommandId)
                    {
                        return true;
                    }
                    write(json, index, event);
                    return ++printed[0] < limit;
                });
                if (printed[0] > 0)
                {
                    json.writeRaw('\n');
                }
                json.flush();
            }
            catch (final JournalCorruptException ex)
            {
                out.flush();
                throw new ToolException(JournalTool.EXIT_PROBLEM, ex.getMessage());
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            return 0;
        }
        catch (final ToolException ex)
        {
            return JournalTool.fail(spec, ex);
        }
    }

    private static void write(final JsonGenerator json, final long index, final CommandEvent event)
    {
        try
        {
            json.writeStartObject();
            json.writeNumberField("index", index);
            json.writeNumberField("commandId", event.commandId());
            json.writeNumberField("timestampMs", event.timestampMs());
            json.writeStringField("time", Instant.ofEpochMilli(event.timestampMs()).toString());
            json.writeStringField("type", event.type().name());
            if (event.hasText(CommandEvent.TEXT_MERCHANT_ID))
            {
                json.writeStringField("merchantId", event.textString(CommandEvent.TEXT_MERCHANT_ID));
            }
            if (event.customerKey() >= 0)
            {
                json.writeStringField("customerId", Ids.format(Ids.CUSTOMER, event.customerKey()));
            }
            if (event.counterpartyKey() >= 0)
            {
                json.writeNumberField("counterpartyKey", event.counterpartyKey()); // its meaning depends on the type
            }
            json.writeNumberField("amountMinor", event.amountMinor());
            if (Currencies.isValid(event.currency()))
            {
                json.writeStringField("currency", Currencies.toString(event.currency()));
            }
            json.writeNumberField("quantity", event.quantity());
            for (int field = 0; field < CommandEvent.TEXT_FIELDS; field++)
            {
                if (field != CommandEvent.TEXT_MERCHANT_ID && field != CommandEvent.TEXT_METADATA_JSON && event.hasText(field))
                {
                    // A field added after this tool was written still prints, under its index
                    json.writeStringField(TEXT_NAMES[field] != null ? TEXT_NAMES[field] : "text" + field, event.textString(field));
                }
            }
            if (event.hasText(CommandEvent.TEXT_METADATA_JSON))
            {
                writeMetadata(json, event.textString(CommandEvent.TEXT_METADATA_JSON));
            }
            json.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Copies the metadata as JSON (re-serialized, so one line whatever it held); as a string if it is not JSON. */
    private static void writeMetadata(final JsonGenerator json, final String metadata) throws IOException
    {
        final java.io.StringWriter copy = new java.io.StringWriter(metadata.length());
        try (JsonParser parser = JSON.createParser(metadata);
             JsonGenerator copier = JSON.createGenerator(copy))
        {
            parser.nextToken();
            copier.copyCurrentStructure(parser);
            if (parser.nextToken() != null)
            {
                throw new IOException("trailing content");
            }
        }
        catch (final IOException ex)
        {
            json.writeStringField("metadataText", metadata);
            return;
        }
        json.writeFieldName("metadata");
        json.writeRawValue(copy.toString());
    }
}
