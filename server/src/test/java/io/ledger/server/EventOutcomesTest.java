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
import java.util.ArrayList;
import java.util.List;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outcome queue the snapshot follower writes (one reused generator, no string per event) holds, event after event,
 * exactly the text a fresh generator per event renders from the journal (what it held before): types, merchants and
 * data equal as strings, for text that needs escaping (quotes, backslashes, line breaks, tabs), characters outside ASCII and outside the BMP.
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
    void shouldHoldForEveryEventTheTextAFreshGeneratorRendersFromTheJournal() throws Exception
    {
        server = LedgerServer.start(new LedgerServer.Config(0, dataDir, SECRET, "process", 1024, LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR"));
        int accepted = 0;
        try (LedgerServer running = server)
        {
            for (int i = 0; i < TEXTS.length; i++)
            {
                final String merchant = i % 2 == 0 ? "m1" : "m2";
                final String text = json(TEXTS[i]);
                final String customer = id(send(merchant, "POST", "/api/canary/customers",
                    "{\"phoneNumber\":\"+2782000000" + i + "\",\"name\":\"N " + i + "\",\"metadata\":{\"note\":" + text + ",\"n\":" + i + "}}"));
                send(merchant, "POST", "/api/canary/customers/" + customer + "/pay-ins", "{\"amount\":10000,\"currency\":\"ZAR\"}");
                send(merchant, "POST", "/api/canary/purchases", "{\"customerId\":\"" + customer + "\",\"productId\":\"p" + i
                    + "\",\"amount\":" + (100 + i) + ",\"currency\":\"ZAR\",\"metadata\":{\"k\":" + text + "}}");
                send(merchant, "PATCH", "/api/canary/customers/" + customer, "{\"name\":\"M " + i + "\",\"metadata\":{\"again\":" + text + "}}");
                send(merchant, "POST", "/api/canary/payouts", "{\"amount\":10,\"currency\":\"ZAR\",\"bankAccount\":\"****5678\",\"metadata\":{\"d\":"
                    + text + "}}");
                accepted += 5;
            }
        }

        final List<String> expected = freshlyRendered(dataDir);
        assertEquals(accepted, expected.size(), "every accepted command is an event: " + expected);
        final List<String> held = new ArrayList<>();
        try (EventLog log = EventLog.open(dataDir.resolve(EventLog.DIRECTORY_NAME)); EventLog.Reader reader = log.reader(false))
        {
            while (reader.next(Long.MAX_VALUE, null))
            {
                if (!reader.type().isEmpty())
                {
                    held.add(reader.journalIndex() + " " + reader.merchantId() + " " + reader.type() + " " + reader.data());
                }
            }
        }
        assertEquals(expected, held);
        assertTrue(held.stream().anyMatch(e -> e.contains("\ud83d\ude00")), "characters outside the BMP are in the data as they are");
    }

    /** @return each event of the journal's commands as {@code index merchant type data}, one generator per event. */
    static List<String> freshlyRendered(final Path dataDir)
    {
        final JsonFactory factory = new JsonFactory();
        final List<String> events = new ArrayList<>();
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
                    events.add(index + " " + LedgerEvents.merchantOf(event) + " " + name + " " + text);
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
            .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json)).build();
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
