package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.Ledger;
import io.ledger.engine.ResultCode;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.Durability;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The operator tools {@code replay}, {@code verify} and {@code journal}, run through the real command line. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalToolsTest
{
    private static final int ZAR = Currencies.pack("ZAR");
    private static final int USD = Currencies.pack("USD");
    private static final long T0 = 1_763_600_000_000L;
    private static final int COMMANDS = 8;

    @TempDir
    Path dataDir;

    private Path journalDir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /**
     * Journals: customers 1 and 2 (merchant mer_a), 3 (mer_b); pay-ins; a purchase; a purchase refused for funds.
     */
    @BeforeEach
    void writeJournal()
    {
        journalDir = dataDir.resolve("journal");
        final CommandEvent e = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.PROCESS))
        {
            journal.append(customer(e, 1, "mer_a", "+27820000001", "one@example.com", "{\"tier\":\"gold\"}"));
            journal.append(customer(e, 2, "mer_a", "+27820000002", "two@example.com", "{}"));
            journal.append(customer(e, 3, "mer_b", "+27820000003", null, "{\"k\":[1,2]}"));
            journal.append(payIn(e, 4, "mer_a", 1, 10_000, ZAR, "marker-pay-in-0004"));
            journal.append(payIn(e, 5, "mer_b", 3, 2_500, USD, "marker-pay-in-0005"));
            journal.append(purchase(e, 6, "mer_a", 1, 3_000, ZAR, 2, "prod-coffee"));
            journal.append(purchase(e, 7, "mer_a", 2, 1_000, ZAR, 1, "prod-refused"));
            journal.append(payIn(e, 8, "mer_a", 2, 500, ZAR, "marker-pay-in-0008"));
        }
    }

    @Test
    void shouldReplayAndPrintTheSummaryWithTheSameStateHashAsALedgerReplayedInTheTest() throws IOException
    {
        final Ledger expected = replayInTest(Long.MAX_VALUE);
        final Map<String, String> before = snapshot(journalDir);

        assertEquals(0, execute("replay", "--data-dir", dataDir.toString()), err::toString);

        final String summary = out.toString();
        assertTrue(summary.contains("commands replayed: " + COMMANDS + "\n"), summary);
        assertTrue(summary.contains("customers:         3\n"), summary);
        assertTrue(summary.contains("merchants:         2\n"), summary);
        assertTrue(summary.contains("paid in:           USD 2500, ZAR 10500 (minor units)\n"), summary);
        assertTrue(summary.contains("last command id:   " + COMMANDS + "\n"), summary);
        assertTrue(summary.contains("state hash:        " + String.format("%016x", expected.stateHash()) + "\n"), summary);
        assertTrue(summary.contains("commands/s)"), summary);
        assertTrue(summary.contains("conservation:      OK"), summary);
        assertEquals(before, snapshot(journalDir), "replay must not write to the journal directory");
    }

    @Test
    void shouldStopReplayAtTheGivenCommandIdOrIndex()
    {
        final Ledger toFive = replayInTest(5);

        assertEquals(0, execute("replay", "--data-dir", dataDir.toString(), "--to-command-id", "5"), err::toString);
        assertTrue(out.toString().contains("commands replayed: 5 (up to command id 5)"), out::toString);
        assertTrue(out.toString().contains("state hash:        " + String.format("%016x", toFive.stateHash())), out::toString);

        final long fifthIndex = indexes().get(4);
        out.getBuffer().setLength(0);
        assertEquals(0, execute("replay", "--data-dir", dataDir.toString(), "--to-index", "0x" + Long.toHexString(fifthIndex)),
            err::toString);
        assertTrue(out.toString().contains("commands replayed: 5 (up to index"), out::toString);
        assertTrue(out.toString().contains("state hash:        " + String.format("%016x", toFive.stateHash())), out::toString);
    }

    @Test
    void shouldRefuseBothStopOptionsTogether()
    {
        assertEquals(2, execute("replay", "--data-dir", dataDir.toString(), "--to-command-id", "5", "--to-index", "1"));
        assertTrue(err.toString().contains("not both"), err::toString);
    }

    @Test
    void shouldVerifyAnIntactJournalAsOk() throws IOException
    {
        final long expectedHash = replayInTest(Long.MAX_VALUE).stateHash();
        final Map<String, String> before = snapshot(journalDir);

        assertEquals(0, execute("verify", "--data-dir", dataDir.toString()), err::toString);

        assertEquals("journal OK: " + COMMANDS + " records, last command id " + COMMANDS + ", state hash "
            + String.format("%016x", expectedHash), out.toString().strip());
        assertEquals(before, snapshot(journalDir), "verify must not write to the journal directory");
    }

    @Test
    void shouldFailVerifyNamingTheIndexOfACorruptMidJournalRecord() throws IOException
    {
        final long damagedIndex = indexes().get(4); // commandId 5
        flipByteInside(journalDir, "marker-pay-in-0005");

        assertEquals(1, execute("verify", "--data-dir", dataDir.toString()), out::toString);

        final String verdict = out.toString();
        assertTrue(verdict.startsWith("journal CORRUPT: file="), verdict);
        assertTrue(verdict.contains("index=0x" + Long.toHexString(damagedIndex) + " (" + damagedIndex + ")"), verdict);
        assertTrue(verdict.contains(".cq4"), verdict);
        assertTrue(verdict.contains("crc32c mismatch"), verdict);
    }

    @Test
    void shouldWarnButPassVerifyWhenOnlyTheLastRecordIsTorn() throws IOException
    {
        flipByteInside(journalDir, "marker-pay-in-0008");

        assertEquals(0, execute("verify", "--data-dir", dataDir.toString()), out::toString);

        assertTrue(out.toString().startsWith("journal OK: 7 records, last command id 7"), out::toString);
        assertTrue(out.toString().contains("warning: torn last record"), out::toString);
        assertTrue(err.toString().contains("warning: torn last record"), err::toString);
    }

    @Test
    void shouldPrintExactlyLimitJsonLinesWithTypesAndFields() throws IOException
    {
        assertEquals(0, execute("journal", "--data-dir", dataDir.toString(), "--limit", "2"), err::toString);

        final List<String> lines = out.toString().lines().toList();
        assertEquals(2, lines.size(), out::toString);
        final Map<String, Object> first = parse(lines.get(0));
        assertEquals(indexes().get(0), first.get("index"));
        assertEquals(1L, first.get("commandId"));
        assertEquals(T0 + 1, first.get("timestampMs"));
        assertEquals("2025-11-20T00:53:20.001Z", first.get("time"));
        assertEquals("CREATE_CUSTOMER", first.get("type"));
        assertEquals("mer_a", first.get("merchantId"));
        assertEquals("+27820000001", first.get("phoneNumber"));
        assertEquals("one@example.com", first.get("email"));
        assertEquals("{\"tier\":\"gold\"}", first.get("metadata"), "metadata is embedded as JSON, not a string");
        assertEquals(2L, parse(lines.get(1)).get("commandId"));
    }

    @Test
    void shouldPrintCommandsFromTheGivenCommandIdWithCustomerIdsAndMoney() throws IOException
    {
        assertEquals(0, execute("journal", "--data-dir", dataDir.toString(), "--from", "6", "--limit", "100"), err::toString);

        final List<String> lines = out.toString().lines().toList();
        assertEquals(3, lines.size(), out::toString);
        final Map<String, Object> purchase = parse(lines.get(0));
        assertEquals(6L, purchase.get("commandId"));
        assertEquals("PURCHASE", purchase.get("type"));
        assertEquals(io.ledger.engine.Ids.UNSALTED.format(io.ledger.engine.IdKind.CUSTOMER, 1), purchase.get("customerId"));
        assertEquals(3_000L, purchase.get("amountMinor"));
        assertEquals("ZAR", purchase.get("currency"));
        assertEquals(2L, purchase.get("quantity"));
        assertEquals("prod-coffee", purchase.get("productId"));
        assertEquals("PAY_IN", parse(lines.get(2)).get("type"));
    }

    @Test
    void shouldPrintTheIdsOfTheDeploymentWhoseSaltTheJournalStartsWith(@TempDir final Path salted) throws IOException
    {
        final long salt = 0x5A17_5A17_0000_0001L;
        final CommandEvent e = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(salted.resolve("journal"), Durability.PROCESS))
        {
            e.clear();
            journal.append(e.stamp(1, T0).type(CommandType.INITIALIZE_DEPLOYMENT).set(Field.DEPLOYMENT_SALT, salt));
            journal.append(customer(e, 2, "mer_a", "+27820000001", null, "{}"));
            journal.append(payIn(e, 3, "mer_a", 2, 100, ZAR, null));
        }
        assertEquals(0, execute("journal", "--data-dir", salted.toString(), "--from", "3"), err::toString);
        final Map<String, Object> payIn = parse(out.toString().lines().toList().get(0));
        assertEquals(new io.ledger.engine.Ids(salt).format(io.ledger.engine.IdKind.CUSTOMER, 2), payIn.get("customerId"));
        assertNotEquals(io.ledger.engine.Ids.UNSALTED.format(io.ledger.engine.IdKind.CUSTOMER, 2), payIn.get("customerId"));
    }

    @Test
    void shouldPrintABatchWithEachOfItsCommandsAndTheirIds(@TempDir final Path other) throws IOException
    {
        final CommandEvent e = new CommandEvent();
        final io.ledger.engine.BatchItems items = new io.ledger.engine.BatchItems();
        items.add(CommandType.PAY_IN, true).set(Field.CUSTOMER_KEY, 2).set(Field.AMOUNT_MINOR, 500).set(Field.CURRENCY, ZAR);
        items.add(CommandType.PURCHASE, false).set(Field.CUSTOMER_KEY, 2).set(Field.AMOUNT_MINOR, 300).set(Field.CURRENCY, ZAR)
            .text(Field.PRODUCT_ID, "airtime-50");
        try (ChronicleJournal journal = ChronicleJournal.open(other.resolve("journal"), Durability.PROCESS))
        {
            e.clear();
            journal.append(customer(e, 2, "mer_a", "+27820000001", null, "{}"));
            e.clear();
            journal.append(e.stamp(5, T0).type(CommandType.BATCH).text(Field.MERCHANT_ID, "mer_a").text(Field.IDEMPOTENCY_KEY, "b-1")
                .batch(items));
        }
        assertEquals(0, execute("journal", "--data-dir", other.toString(), "--from", "5"), err::toString);
        final Map<String, Object> line = parse(out.toString().lines().toList().get(0));
        assertEquals("BATCH", line.get("type"));
        assertEquals(5L, line.get("commandId"));
        assertEquals("b-1", line.get("idempotencyKey"));
        final List<Map<String, Object>> commands = objects((String)line.get("commands"));
        assertEquals(2, commands.size());
        assertEquals(3L, commands.get(0).get("commandId"), "the commands take the ids below the batch's");
        assertEquals("PAY_IN", commands.get(0).get("type"));
        assertEquals(Boolean.TRUE, commands.get(0).get("linked"));
        assertEquals(io.ledger.engine.Ids.UNSALTED.format(io.ledger.engine.IdKind.CUSTOMER, 2), commands.get(0).get("customerId"));
        assertEquals(4L, commands.get(1).get("commandId"));
        assertEquals("airtime-50", commands.get(1).get("productId"));
        assertEquals(Boolean.FALSE, commands.get(1).get("linked"));
    }

    @Test
    void shouldPrintASetDefaultPaymentMethodWithThePaymentMethodsPublicId(@TempDir final Path other) throws IOException
    {
        final CommandEvent e = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(other.resolve("journal"), Durability.PROCESS))
        {
            e.clear();
            journal.append(e.stamp(1, T0).type(CommandType.SET_DEFAULT_PAYMENT_METHOD).text(Field.MERCHANT_ID, "mer_a")
                .set(Field.PAYMENT_METHOD_KEY, 7).text(Field.IDEMPOTENCY_KEY, "default-7"));
        }
        assertEquals(0, execute("journal", "--data-dir", other.toString()), err::toString);
        final Map<String, Object> line = parse(out.toString().lines().toList().get(0));
        assertEquals("SET_DEFAULT_PAYMENT_METHOD", line.get("type"));
        assertEquals("mer_a", line.get("merchantId"));
        assertEquals(io.ledger.engine.Ids.UNSALTED.format(io.ledger.engine.IdKind.PAYMENT_METHOD, 7), line.get("paymentMethodId"));
        assertEquals("default-7", line.get("idempotencyKey"));
    }

    @Test
    void shouldRefuseADataDirWithoutAJournalWithExitTwoAndCreateNothing()
    {
        final Path empty = dataDir.resolve("no-such-dir");
        for (final String tool : new String[] {"replay", "verify", "journal"})
        {
            err.getBuffer().setLength(0);
            assertEquals(2, execute(tool, "--data-dir", empty.toString()), tool);
            assertTrue(err.toString().contains("no journal"), err::toString);
            assertEquals("", out.toString());
            assertFalse(Files.exists(empty), tool + " must not create the data dir");
        }
    }

    // ---- helpers

    private Ledger replayInTest(final long toCommandId)
    {
        final Ledger ledger = new Ledger(ZAR);
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.PROCESS))
        {
            journal.replay(event ->
            {
                if (event.commandId() <= toCommandId)
                {
                    ledger.apply(event);
                    if (event.commandId() == 7)
                    {
                        assertEquals(ResultCode.INSUFFICIENT_FUNDS, event.result(), "the journal holds a refused purchase");
                    }
                }
            });
        }
        return ledger;
    }

    private List<Long> indexes()
    {
        final List<Long> indexes = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(journalDir))
        {
            journal.replay((index, event) -> indexes.add(index));
        }
        return indexes;
    }

    private int execute(final String... args)
    {
        final CommandLine commandLine = LedgerMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    /** @return the objects of a JSON array of flat objects: numbers as Long, booleans as Boolean, the rest as text. */
    private static List<Map<String, Object>> objects(final String array) throws IOException
    {
        final List<Map<String, Object>> objects = new java.util.ArrayList<>();
        try (JsonParser parser = new JsonFactory().createParser(array))
        {
            assertEquals(JsonToken.START_ARRAY, parser.nextToken(), array);
            while (parser.nextToken() == JsonToken.START_OBJECT)
            {
                final Map<String, Object> fields = new TreeMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME)
                {
                    final String name = parser.currentName();
                    final JsonToken value = parser.nextToken();
                    fields.put(name, value.isNumeric() ? (Object)parser.getLongValue() : value.isBoolean() ? (Object)parser.getBooleanValue()
                        : parser.getText());
                }
                objects.add(fields);
            }
        }
        return objects;
    }

    private static Map<String, Object> parse(final String line) throws IOException
    {
        final Map<String, Object> fields = new TreeMap<>();
        try (JsonParser parser = new JsonFactory().createParser(line))
        {
            assertEquals(JsonToken.START_OBJECT, parser.nextToken(), line);
            while (parser.nextToken() == JsonToken.FIELD_NAME)
            {
                final String name = parser.currentName();
                final JsonToken value = parser.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY)
                {
                    final StringWriter raw = new StringWriter();
                    try (var generator = new JsonFactory().createGenerator(raw))
                    {
                        generator.copyCurrentStructure(parser);
                    }
                    fields.put(name, raw.toString());
                }
                else
                {
                    fields.put(name, value.isNumeric() ? (Object)parser.getLongValue() : parser.getText());
                }
            }
            assertEquals(null, parser.nextToken(), "one JSON object per line: " + line);
        }
        return fields;
    }

    private static CommandEvent customer(
        final CommandEvent e, final long id, final String merchant, final String phone, final String email, final String metadata)
    {
        e.clear();
        return e.stamp(id, T0 + id).type(CommandType.CREATE_CUSTOMER)
            .text(Field.MERCHANT_ID, merchant)
            .text(Field.PHONE, phone)
            .text(Field.EMAIL, email)
            .text(Field.NAME, "Name " + id)
            .text(Field.METADATA_JSON, metadata);
    }

    private static CommandEvent payIn(
        final CommandEvent e, final long id, final String merchant, final long customerKey, final long amountMinor,
        final int currency, final String description)
    {
        e.clear();
        return e.stamp(id, T0 + id).type(CommandType.PAY_IN)
            .text(Field.MERCHANT_ID, merchant)
            .set(Field.CUSTOMER_KEY, customerKey).set(Field.AMOUNT_MINOR, amountMinor).set(Field.CURRENCY, currency)
            .text(Field.DESCRIPTION, description);
    }

    private static CommandEvent purchase(
        final CommandEvent e, final long id, final String merchant, final long customerKey, final long amountMinor,
        final int currency, final long quantity, final String productId)
    {
        e.clear();
        return e.stamp(id, T0 + id).type(CommandType.PURCHASE)
            .text(Field.MERCHANT_ID, merchant)
            .set(Field.CUSTOMER_KEY, customerKey).set(Field.AMOUNT_MINOR, amountMinor).set(Field.CURRENCY, currency).set(Field.QUANTITY, quantity)
            .text(Field.PRODUCT_ID, productId);
    }

    private static Map<String, String> snapshot(final Path dir) throws IOException
    {
        final Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path p : (Iterable<Path>)paths.filter(Files::isRegularFile)::iterator)
            {
                files.put(dir.relativize(p).toString(),
                    Files.getLastModifiedTime(p).toMillis() + " " + Arrays.hashCode(Files.readAllBytes(p)));
            }
        }
        return files;
    }

    /** Flips one byte in the middle of the only occurrence of {@code marker} in the queue files (as the journal tests do). */
    private static void flipByteInside(final Path journalDir, final String marker) throws IOException
    {
        final byte[] pattern = marker.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.list(journalDir))
        {
            for (final Path file : (Iterable<Path>)files.filter(p -> p.toString().endsWith(".cq4"))::iterator)
            {
                final byte[] bytes = Files.readAllBytes(file);
                for (int at = 0; at <= bytes.length - pattern.length; at++)
                {
                    if (Arrays.equals(bytes, at, at + pattern.length, pattern, 0, pattern.length))
                    {
                        final int position = at + pattern.length / 2;
                        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
                        {
                            channel.write(ByteBuffer.wrap(new byte[] {(byte)(bytes[position] ^ 0x5A)}), position);
                            channel.force(true);
                        }
                        return;
                    }
                }
            }
        }
        throw new AssertionError("marker=" + marker + " not found");
    }
}
