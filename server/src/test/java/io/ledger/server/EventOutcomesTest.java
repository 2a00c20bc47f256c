package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.Currencies;
import io.ledger.engine.Ids;
import io.ledger.engine.Ledger;
import io.ledger.http.auth.Tokens;
import io.ledger.http.endpoint.LedgerEvents;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.EventLog;
import io.ledger.journal.JournalTail;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outcome queue the snapshot follower writes (one reused byte generator, no string per event) holds, event after
 * event, exactly the record a fresh char generator per event renders from the journal and {@link EventLog#append(long,
 * long, String, String, String)} writes (what the log held before the follower rendered bytes): the same record bytes,
 * for every event type, for text that needs escaping (quotes, backslashes, line breaks, tabs), characters outside ASCII
 * and outside the BMP, in strings the generator writes and in raw metadata.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EventOutcomesTest
{
    private static final byte[] SECRET = "event-outcomes-test-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final Pattern ID = Pattern.compile("\"id\":\"([a-z]+_[0-9a-z]+)\"");
    private static final String[] TEXTS = {
        "plain", "caf\u00e9 \u20ac5", "emoji \ud83d\ude00 and \ud834\udd1e", "quote \" backslash \\ slash /", "line\nbreak\ttab\r",
        "separators \u2028\u2029", ""};

    @TempDir
    Path dataDir;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private LedgerServer server;

    @Test
    void shouldHoldForEveryEventTypeTheRecordBytesAFreshCharGeneratorRendersFromTheJournal() throws Exception
    {
        server = LedgerServer.start(new LedgerServer.Config(0, dataDir, SECRET, "process", 1024, LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR"));
        int accepted = 0;
        try (LedgerServer running = server)
        {
            for (int i = 0; i < TEXTS.length; i++)
            {
                final String merchant = i % 2 == 0 ? "m1" : "m2";
                final String text = json(TEXTS[i]);
                final String printable = json("Zo\u00eb \ud83d\ude00 \"q\" \\ " + i); // a text the API takes in a description
                final String customer = id(send(merchant, "POST", "/api/canary/customers",
                    "{\"phoneNumber\":\"+2782000000" + i + "\",\"name\":\"N " + i + "\",\"metadata\":{\"note\":" + text + ",\"n\":" + i + "}}"));
                final String other = id(send(merchant, "POST", "/api/canary/customers",
                    "{\"phoneNumber\":\"+2783000000" + i + "\",\"name\":" + printable + ",\"metadata\":{}}"));
                send(merchant, "POST", "/api/canary/customers/" + customer + "/pay-ins", "{\"amount\":10000,\"currency\":\"ZAR\"}");
                final String purchase = id(send(merchant, "POST", "/api/canary/purchases", "{\"customerId\":\"" + customer + "\",\"productId\":\"p" + i
                    + "\",\"amount\":" + (100 + i) + ",\"currency\":\"ZAR\",\"description\":" + printable + ",\"metadata\":{\"k\":" + text + "}}"));
                send(merchant, "POST", "/api/canary/purchases/" + purchase + "/refunds", "{\"amount\":10,\"description\":" + printable + "}");
                final String escrow = ",\"escrow\":{\"releaseAt\":\"" + Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS) + "\"}}";
                final String released = id(send(merchant, "POST", "/api/canary/purchases", "{\"customerId\":\"" + customer
                    + "\",\"productId\":\"held\",\"amount\":20,\"currency\":\"ZAR\"" + escrow));
                send(merchant, "POST", "/api/canary/purchases/" + released + "/release", null);
                final String cancelled = id(send(merchant, "POST", "/api/canary/purchases", "{\"customerId\":\"" + customer
                    + "\",\"productId\":\"held\",\"amount\":30,\"currency\":\"ZAR\"" + escrow));
                send(merchant, "POST", "/api/canary/purchases/" + cancelled + "/cancel", null);
                send(merchant, "POST", "/api/canary/transfers", "{\"fromCustomerId\":\"" + customer + "\",\"toCustomerId\":\"" + other
                    + "\",\"amount\":40,\"currency\":\"ZAR\",\"description\":" + printable + "}");
                send(merchant, "POST", "/api/canary/customers/" + other + "/gift-balances", "{\"amount\":50,\"currency\":\"ZAR\",\"description\":"
                    + printable + "}");
                final String card = id(send(merchant, "POST", "/api/canary/customers/" + customer + "/payment-methods",
                    "{\"type\":\"card\",\"provider\":\"stripe\",\"brand\":\"visa\",\"last4\":\"424" + i + "\",\"expiryMonth\":12,\"expiryYear\":2029}"));
                final String second = id(send(merchant, "POST", "/api/canary/customers/" + customer + "/payment-methods",
                    "{\"type\":\"card\",\"provider\":\"stripe\",\"brand\":\"visa\",\"last4\":\"525" + i + "\",\"expiryMonth\":11,\"expiryYear\":2030}"));
                send(merchant, "POST", "/api/canary/payment-methods/" + second + "/default", null);
                send(merchant, "DELETE", "/api/canary/payment-methods/" + card, null);
                send(merchant, "PATCH", "/api/canary/customers/" + customer, "{\"name\":\"M " + i + "\",\"metadata\":{\"again\":" + text + "}}");
                send(merchant, "POST", "/api/canary/payouts", "{\"amount\":10,\"currency\":\"ZAR\",\"bankAccount\":\"****5678\",\"description\":"
                    + printable + ",\"metadata\":{\"d\":" + text + "}}");
                accepted += 17;
            }
        }

        final Path reference = dataDir.resolve("reference-events");
        final Set<String> types = new TreeSet<>();
        try (EventLog log = EventLog.open(reference))
        {
            for (final String[] event : renderedEvents(dataDir))
            {
                types.add(event[3]);
                log.append(Long.parseLong(event[0]), Long.parseLong(event[1]), event[2], event[3], event[4]);
            }
        }
        assertEquals(new TreeSet<>((Collection<String>)toList(LedgerEvents.names())), types, "every event type is rendered");
        final List<String> expected = eventRecords(reference);
        assertEquals(accepted, expected.size(), "every accepted command is an event");
        final List<String> held = eventRecords(dataDir.resolve(EventLog.DIRECTORY_NAME));
        assertEquals(expected.size(), held.size(), "events held");
        for (int i = 0; i < expected.size(); i++)
        {
            assertEquals(expected.get(i), held.get(i), "event " + i + ": the same record bytes as the char generator and the string append wrote");
        }
        try (EventLog log = EventLog.open(dataDir.resolve(EventLog.DIRECTORY_NAME)); EventLog.Reader reader = log.reader(false))
        {
            boolean outsideTheBmp = false;
            while (reader.next(Long.MAX_VALUE, null))
            {
                outsideTheBmp |= reader.data().contains("\ud83d\ude00");
            }
            assertTrue(outsideTheBmp, "characters outside the BMP are in the data as they are, not escaped");
        }
    }

    private static List<String> toList(final Iterable<String> names)
    {
        final List<String> list = new ArrayList<>();
        names.forEach(list::add);
        return list;
    }

    /** @return each record's bytes but the marks' (the follower's snapshots write those, the reference has none). */
    private static List<String> eventRecords(final Path dir)
    {
        final List<String> records = new ArrayList<>();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(dir.toFile()).readOnly(true).build();
            ExcerptTailer tailer = queue.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return records;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    final byte[] record = new byte[(int)bytes.readRemaining()];
                    bytes.read(record);
                    final boolean mark = record.length == 19 && record[16] == 0 && record[17] == 0 && record[18] == 0;
                    if (!mark)
                    {
                        records.add(Arrays.toString(record));
                    }
                }
            }
        }
    }

    /** @return each event of the journal's commands as {@code index merchant type data}, as {@link #renderedEvents}. */
    static List<String> freshlyRendered(final Path dataDir)
    {
        final List<String> events = new ArrayList<>();
        for (final String[] event : renderedEvents(dataDir))
        {
            events.add(event[0] + " " + event[2] + " " + event[3] + " " + event[4]);
        }
        return events;
    }

    /**
     * @return each event of the journal's commands as {@code {index, commandId, merchant, type, data}}, rendered by a
     *         fresh char generator per event (how the follower rendered them before it rendered bytes).
     */
    private static List<String[]> renderedEvents(final Path dataDir)
    {
        final JsonFactory factory = new JsonFactory();
        final List<String[]> events = new ArrayList<>();
        final Ledger ledger = new Ledger(Currencies.pack("ZAR"));
        final Ids[] ids = {new Ids(0)};
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(dataDir.resolve("journal")); JournalTail tail = journal.tail(-1, 0))
        {
            final ChronicleJournal.RecordVisitor visitor = (index, event) ->
            {
                ledger.apply(event);
                if (ids[0].salt() != ledger.deploymentSalt())
                {
                    ids[0] = new Ids(ledger.deploymentSalt());
                }
                final String name = LedgerEvents.nameIfEvent(event);
                if (name != null)
                {
                    final StringWriter text = new StringWriter();
                    try (JsonGenerator json = factory.createGenerator(text))
                    {
                        LedgerEvents.write(json, event, ids[0]);
                    }
                    catch (final IOException ex)
                    {
                        throw new UncheckedIOException(ex);
                    }
                    events.add(new String[] {Long.toString(index), Long.toString(event.commandId()), LedgerEvents.merchantOf(event), name,
                        text.toString()});
                }
                return true;
            };
            while (tail.poll(visitor, 1_000) > 0)
            {
                // to the journal's end
            }
        }
        return events;
    }

    private static String json(final String text)
    {
        final StringWriter out = new StringWriter();
        try (JsonGenerator json = new JsonFactory().createGenerator(out))
        {
            json.writeString(text);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out.toString();
    }

    private String send(final String merchant, final String method, final String path, final String json) throws Exception
    {
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + Tokens.issue(SECRET, merchant, System.currentTimeMillis(), 3_600_000))
            .header("Content-Type", "application/json")
            .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build();
        final HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() / 100 == 2, method + " " + path + " " + json + ": " + response.statusCode() + " " + response.body());
        return response.body();
    }

    private static String id(final String body)
    {
        final Matcher matcher = ID.matcher(body);
        assertTrue(matcher.find(), body);
        return matcher.group(1);
    }
}
