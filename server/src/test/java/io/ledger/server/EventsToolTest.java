package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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

import io.ledger.http.auth.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ledger events} (issue 19): a mixed workload against the real server, then the tool over its data directory: every
 * accepted command is one event, in journal order, its data the very body the API answered; refusals and idempotent
 * retries are not events; another merchant's events never appear; {@code --from} resumes exactly after an id.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EventsToolTest
{
    private static final byte[] SECRET = "events-tool-test-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final Pattern ID = Pattern.compile("\"id\":\"([a-z]+_[0-9a-z]+)\"");

    @TempDir
    Path dataDir;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> expectedM1 = new ArrayList<>();
    private final List<String> expectedTypesM1 = new ArrayList<>();
    private final List<String> expectedM2 = new ArrayList<>();
    private LedgerServer server;

    @Test
    void shouldPrintEveryAcceptedCommandOfAMixedWorkloadAsItsEventInJournalOrder() throws Exception
    {
        server = LedgerServer.start(new LedgerServer.Config(0, dataDir, SECRET, "process", 1024, LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR"));
        try (LedgerServer running = server)
        {
            final String alice = id(expect("m1", "customer.created", "POST", "/api/canary/customers",
                "{\"phoneNumber\":\"+27820000001\",\"email\":\"a@example.com\",\"metadata\":{\"tier\":\"gold\"}}"));
            final String bob = id(expect("m1", "customer.created", "POST", "/api/canary/customers",
                "{\"phoneNumber\":\"+27820000002\",\"metadata\":{}}"));
            final String other = id(expect("m2", "customer.created", "POST", "/api/canary/customers",
                "{\"phoneNumber\":\"+27820000003\",\"metadata\":{}}"));
            expect("m2", "pay_in.created", "POST", "/api/canary/customers/" + other + "/pay-ins", "{\"amount\":900,\"currency\":\"ZAR\"}");
            expect("m1", "pay_in.created", "POST", "/api/canary/customers/" + alice + "/pay-ins", "{\"amount\":10000,\"currency\":\"ZAR\"}");
            final HttpRequest.Builder keyed = request("m1", "/api/canary/customers/" + bob + "/pay-ins").header("Idempotency-Key", "k-1")
                .header("Content-Type", "application/json");
            final String bobPayIn = send(keyed.POST(HttpRequest.BodyPublishers.ofString("{\"amount\":700,\"currency\":\"ZAR\"}")).build(), 201);
            expectedM1.add(bobPayIn);
            expectedTypesM1.add("pay_in.created");
            assertEquals(bobPayIn, send(keyed.POST(HttpRequest.BodyPublishers.ofString("{\"amount\":700,\"currency\":\"ZAR\"}")).build(), 201),
                "the retry is answered from the stored outcome: not a second event");
            final String purchase = id(expect("m1", "purchase.created", "POST", "/api/canary/purchases",
                "{\"customerId\":\"" + alice + "\",\"productId\":\"coffee\",\"amount\":3000,\"currency\":\"ZAR\"}"));
            refuse("m1", "POST", "/api/canary/purchases",
                "{\"customerId\":\"" + bob + "\",\"productId\":\"car\",\"amount\":9999999,\"currency\":\"ZAR\"}", 402);
            refuse("m1", "POST", "/api/canary/customers", "{\"phoneNumber\":\"+27820000009\",\"email\":\"A@example.com\",\"metadata\":{}}", 409);
            expect("m1", "transfer.created", "POST", "/api/canary/transfers",
                "{\"fromCustomerId\":\"" + alice + "\",\"toCustomerId\":\"" + bob + "\",\"amount\":500,\"currency\":\"ZAR\"}");
            expect("m1", "customer.updated", "PATCH", "/api/canary/customers/" + bob, "{\"name\":\"Bob\",\"metadata\":{\"k\":1}}");
            final String card = id(expect("m1", "payment_method.saved", "POST", "/api/canary/customers/" + bob + "/payment-methods",
                "{\"type\":\"card\",\"provider\":\"iveri\",\"last4\":\"4242\"}"));
            expect("m1", "payment_method.default_set", "POST", "/api/canary/payment-methods/" + card + "/default", "{}");
            expect("m1", "refund.created", "POST", "/api/canary/purchases/" + purchase + "/refunds", "{\"amount\":1000}");
            expect("m1", "payout.created", "POST", "/api/canary/payouts",
                "{\"amount\":1000,\"currency\":\"ZAR\",\"bankAccount\":\"****5678\",\"metadata\":{}}");
            final String later = java.time.Instant.now().plusSeconds(3600).toString();
            final String held = id(expect("m1", "purchase.created", "POST", "/api/canary/purchases",
                "{\"customerId\":\"" + alice + "\",\"productId\":\"x\",\"amount\":100,\"currency\":\"ZAR\",\"escrow\":{\"releaseAt\":\"" + later + "\"}}"));
            expect("m1", "purchase.released", "POST", "/api/canary/purchases/" + held + "/release", "{}");
            final String held2 = id(expect("m1", "purchase.created", "POST", "/api/canary/purchases",
                "{\"customerId\":\"" + alice + "\",\"productId\":\"y\",\"amount\":100,\"currency\":\"ZAR\",\"escrow\":{\"releaseAt\":\"" + later + "\"}}"));
            expect("m1", "purchase.cancelled", "POST", "/api/canary/purchases/" + held2 + "/cancel", "{}");
            expect("m1", "gift_balance.created", "POST", "/api/canary/customers/" + bob + "/gift-balances",
                "{\"amount\":200,\"currency\":\"ZAR\"}");
            expect("m1", "payment_method.deleted", "DELETE", "/api/canary/payment-methods/" + card, null);
        }

        final List<String[]> m1 = events("--merchant", "m1");
        assertEquals(expectedTypesM1, m1.stream().map(e -> e[1]).toList(), "every accepted command of m1, in order");
        assertEquals(expectedM1, m1.stream().map(e -> e[2]).toList(), "each event's data is the body the API answered");
        final List<String[]> m2 = events("--merchant", "m2");
        assertEquals(expectedM2, m2.stream().map(e -> e[2]).toList());
        for (final String[] event : m1)
        {
            assertFalse(event[2].contains("\"merchantId\":\"m2\""), "another merchant's event: " + event[2]);
        }
        final List<Long> ids = new ArrayList<>();
        for (final String[] event : events())
        {
            ids.add(Long.parseLong(event[0]));
        }
        assertEquals(ids.stream().sorted().toList(), ids, "journal order");
        assertEquals(expectedM1.size() + expectedM2.size(), ids.size(), "both merchants' events without --merchant");

        final List<String[]> resumed = events("--merchant", "m1", "--from", m1.get(4)[0]);
        assertEquals(m1.subList(5, m1.size()).stream().map(e -> e[0]).toList(), resumed.stream().map(e -> e[0]).toList(),
            "exactly the events after the id resumed from");
    }

    @Test
    void shouldFollowARunningServersJournalUntilInterrupted() throws Exception
    {
        server = LedgerServer.start(new LedgerServer.Config(0, dataDir, SECRET, "process", 1024, LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR"));
        try (LedgerServer running = server)
        {
            final String alice = id(expect("m1", "customer.created", "POST", "/api/canary/customers",
                "{\"phoneNumber\":\"+27820000001\",\"metadata\":{}}"));
            final StringWriter out = new StringWriter();
            final StringWriter err = new StringWriter();
            final CommandLine commandLine = LedgerMain.commandLine();
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            final int[] exit = {-1};
            final Thread follower = new Thread(() -> exit[0] = commandLine.execute("events", "--data-dir", dataDir.toString(),
                "--merchant", "m1", "--follow", "--format", "jsonl"), "events-follow-test");
            follower.start();
            waitFor(out, 1);
            expect("m1", "pay_in.created", "POST", "/api/canary/customers/" + alice + "/pay-ins", "{\"amount\":700,\"currency\":\"ZAR\"}");
            expect("m2", "customer.created", "POST", "/api/canary/customers", "{\"phoneNumber\":\"+27820000002\",\"metadata\":{}}");
            expect("m1", "customer.updated", "PATCH", "/api/canary/customers/" + alice, "{\"name\":\"Alice\",\"metadata\":{}}");
            waitFor(out, 3);
            follower.interrupt();
            follower.join(10_000);
            assertFalse(follower.isAlive());
            assertEquals(0, exit[0], err.toString());
            final List<String> lines = List.of(out.toString().split("\n"));
            assertEquals(3, lines.size(), out.toString());
            for (int i = 0; i < 3; i++)
            {
                assertTrue(lines.get(i).contains("\"event\":\"" + expectedTypesM1.get(i) + "\""), lines.get(i));
                assertTrue(lines.get(i).endsWith(",\"data\":" + expectedM1.get(i) + "}"), lines.get(i));
            }
        }
    }

    private static void waitFor(final StringWriter out, final int lines) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (out.toString().split("\n").length < lines || out.toString().isEmpty())
        {
            assertTrue(System.nanoTime() < deadline, "waited for " + lines + " events: " + out);
            Thread.sleep(20);
        }
    }

    /** @return the events the tool prints as SSE, each {id, event, data}. */
    private List<String[]> events(final String... filters) throws IOException
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = LedgerMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        final List<String> args = new ArrayList<>(List.of("events", "--data-dir", dataDir.toString()));
        args.addAll(List.of(filters));
        assertEquals(0, commandLine.execute(args.toArray(String[]::new)), err.toString());
        final List<String[]> events = new ArrayList<>();
        for (final String block : out.toString().split("\n\n"))
        {
            if (block.isBlank())
            {
                continue;
            }
            final String[] lines = block.split("\n");
            assertEquals(3, lines.length, block);
            assertTrue(lines[0].startsWith("id: ") && lines[1].startsWith("event: ") && lines[2].startsWith("data: "), block);
            events.add(new String[] {lines[0].substring(4), lines[1].substring(7), lines[2].substring(6)});
        }
        return events;
    }

    private String expect(final String merchant, final String type, final String method, final String path, final String json)
        throws Exception
    {
        final HttpRequest.Builder builder = request(merchant, path);
        final HttpRequest request = json == null ? builder.method(method, HttpRequest.BodyPublishers.noBody()).build()
            : builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json)).build();
        final String body = send(request, -1);
        (merchant.equals("m1") ? expectedM1 : expectedM2).add(body);
        if (merchant.equals("m1"))
        {
            expectedTypesM1.add(type);
        }
        return body;
    }

    private void refuse(final String merchant, final String method, final String path, final String json, final int status) throws Exception
    {
        send(request(merchant, path).header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json))
            .build(), status);
    }

    private HttpRequest.Builder request(final String merchant, final String path)
    {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + Tokens.issue(SECRET, merchant, System.currentTimeMillis(), 3_600_000));
    }

    /** @return the body; the status must be {@code status}, or any 2xx when it is -1. */
    private String send(final HttpRequest request, final int status) throws Exception
    {
        final HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (status < 0)
        {
            assertTrue(response.statusCode() / 100 == 2, request + ": " + response.statusCode() + " " + response.body());
        }
        else
        {
            assertEquals(status, response.statusCode(), response.body());
        }
        return response.body();
    }

    private static String id(final String body)
    {
        final Matcher matcher = ID.matcher(body);
        assertTrue(matcher.find(), body);
        return matcher.group(1);
    }
}
