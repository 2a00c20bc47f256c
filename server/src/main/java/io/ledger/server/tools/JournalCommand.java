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
import io.ledger.engine.BatchItems;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.Ids;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.JournalCorruptException;
import io.ledger.journal.NewerFormatException;
import io.ledger.journal.snapshot.JournalRetention;
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
            + "commandId, timestampMs, time, type (by its name), then every field the command carries, by the name its "
            + "declaration gives it (merchantId, customerId, amountMinor, currency, quantity, phoneNumber, metadata as JSON, "
            + "...). Keys print as the deployment's public ids (cus_..., pm_...); when journal retention removed the record "
            + "that set the deployment's id salt, as numbers instead (customerKey, ...).",
        "Every record up to the last one printed is verified as 'replay' does. Exit 0 OK, 1 corrupt journal, "
            + "2 bad usage or no journal."})
public final class JournalCommand implements Callable<Integer>
{
    private static final JsonFactory JSON = new com.fasterxml.jackson.core.JsonFactoryBuilder()
        .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET)
        .rootValueSeparator("\n")
        .build();
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
                // The id salt is the first record of a salted deployment; without retention, no such record means salt 0
                final Ids[] ids = {JournalRetention.journalWasTrimmed(dataDir.dataDir) ? null : Ids.UNSALTED};
                final boolean[] first = {true};
                journal.replay((index, event) ->
                {
                    if (first[0] && event.type() == CommandType.INITIALIZE_DEPLOYMENT && event.get(Field.DEPLOYMENT_SALT) != 0)
                    {
                        ids[0] = new Ids(event.get(Field.DEPLOYMENT_SALT));
                    }
                    first[0] = false;
                    if (event.commandId() < fromCommandId)
                    {
                        return true;
                    }
                    write(json, index, event, ids[0]);
                    return ++printed[0] < limit;
                });
                if (printed[0] > 0)
                {
                    json.writeRaw('\n');
                }
                json.flush();
            }
            catch (final JournalCorruptException | NewerFormatException ex)
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

    /** One JSON line: the record's place and stamps, then each field the command carries, as its declaration says. */
    private static void write(final JsonGenerator json, final long index, final CommandEvent event, final Ids ids)
    {
        try
        {
            json.writeStartObject();
            json.writeNumberField("index", index);
            json.writeNumberField("commandId", event.commandId());
            json.writeNumberField("timestampMs", event.timestampMs());
            json.writeStringField("time", Instant.ofEpochMilli(event.timestampMs()).toString());
            json.writeStringField("type", event.type().name());
            final CommandType type = event.type();
            for (int i = 0; i < type.fieldCount(); i++)
            {
                final Field field = type.field(i);
                if (event.has(field))
                {
                    writeField(json, event, field, ids);
                }
            }
            final BatchItems items = event.batch();
            if (type == CommandType.BATCH && items != null)
            {
                json.writeArrayFieldStart("commands"); // each as its own record prints: its id, type, linked, fields
                for (int n = 0; n < items.count(); n++)
                {
                    final CommandEvent item = items.item(n);
                    json.writeStartObject();
                    json.writeNumberField("commandId", event.commandId() - items.count() + n);
                    json.writeStringField("type", item.type().name());
                    json.writeBooleanField("linked", items.linked(n));
                    for (int i = 0; i < item.type().fieldCount(); i++)
                    {
                        final Field field = item.type().field(i);
                        if (item.has(field) && field != Field.MERCHANT_ID)
                        {
                            writeField(json, item, field, ids);
                        }
                    }
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void writeField(final JsonGenerator json, final CommandEvent event, final Field field, final Ids ids)
        throws IOException
    {
        final String name = field.printedName();
        switch (field.kind())
        {
            case TEXT -> json.writeStringField(name, event.textString(field));
            case JSON -> writeJson(json, name, event.textString(field));
            case BOOL -> json.writeBooleanField(name, event.getBoolean(field));
            case CURRENCY ->
            {
                final int currency = (int)event.get(field);
                if (Currencies.isValid(currency))
                {
                    json.writeStringField(name, Currencies.toString(currency));
                }
                else
                {
                    json.writeNumberField(name, currency);
                }
            }
            default ->
            {
                final long value = event.get(field);
                if (field.idKind() == null || value < 0 || value >= Ids.KEY_LIMIT)
                {
                    json.writeNumberField(name, value);
                }
                else if (ids == null)
                {
                    json.writeNumberField(name.replaceFirst("Id$", "Key"), value); // the salt is unknown: the key itself
                }
                else
                {
                    json.writeStringField(name, ids.format(field.idKind(), value));
                }
            }
        }
    }

    /** Copies a JSON field as JSON (re-serialized, so one line whatever it held); as {@code nameText} if it is not JSON. */
    private static void writeJson(final JsonGenerator json, final String name, final String metadata) throws IOException
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
            json.writeStringField(name + "Text", metadata);
            return;
        }
        json.writeFieldName(name);
        json.writeRawValue(copy.toString());
    }
}
