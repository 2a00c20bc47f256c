package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ledger.journal.EventLog;
import io.ledger.server.LedgerServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change stream over HTTP (issue 19): {@code GET /api/canary/events} delivers a merchant's committed events of a
 * mixed workload in journal order, each the resource its request was answered with; a reconnect with
 * {@code Last-Event-ID} (or {@code ?lastEventId=}) gets exactly the events it missed, also across restarts (from the
 * shutdown's snapshot, and with the outcome queue deleted and derived again); {@code from=latest}; another merchant's
 * events never appear; a consumer that does not read is cut off with the id to resume from; keep-alives, and no idle
 * timeout while streaming.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EventStreamTest
{
    private static final String M = "m1";
    private static final String OTHER = "m2";
    private static final long QUIET_MS = 400;

    /** An expected event: its type and the reply body its request was answered with. */
    private record Expected(String type, String body)
    {
    }

    @Test
    void shouldDeliverEveryCommittedEventInJournalOrderAndResumeExactlyAfterLastEventIdAcrossRestarts(@TempDir final Path dir)
        throws Exception
    {
        final List<Expected> expected = new ArrayList<>();
        final List<Expected> otherExpected = new ArrayList<>();
        final List<SseClient.Event> received = new ArrayList<>();
        long midId;
        try (TestServer server = new TestServer(dir))
        {
            final String[] customers = workload(server, expected, otherExpected, null);
            try (SseClient all = SseClient.open(server.server.port(), "/api/canary/events", M, null))
            {
                received.addAll(all.take(expected.size()));
                assertSame(expected, received, 0);
                assertNull(all.nextEvent(QUIET_MS), "nothing more");
            }
            try (SseClient other = SseClient.open(server.server.port(), "/api/canary/events", OTHER, null))
            {
                assertSame(otherExpected, other.take(otherExpected.size()), 0);
                assertNull(other.nextEvent(QUIET_MS), "another merchant's events never appear");
            }
            // disconnect in the middle, more traffic, reconnect after the last event read
            final int half = expected.size() / 2;
            try (SseClient first = SseClient.open(server.server.port(), "/api/canary/events", M, null))
            {
                final List<SseClient.Event> firstHalf = first.take(half);
                midId = firstHalf.get(half - 1).id();
            }
            workload(server, expected, otherExpected, customers);
            try (SseClient resumed = SseClient.open(server.server.port(), "/api/canary/events", M, midId))
            {
                final List<SseClient.Event> rest = resumed.take(expected.size() - half);
                assertSame(expected, rest, half);
                assertNull(resumed.nextEvent(QUIET_MS), "none repeated, none extra");
                received.clear();
                received.addAll(rest);
            }
        }
        final long lastBeforeRestart = received.get(received.size() - 1).id();
        final int beforeRestart = expected.size();
        try (TestServer restarted = new TestServer(dir))
        {
            final String[] customers = workload(restarted, expected, otherExpected, null);
            try (SseClient resumed = SseClient.open(restarted.server.port(), "/api/canary/events", M, lastBeforeRestart))
            {
                assertSame(expected, resumed.take(expected.size() - beforeRestart), beforeRestart);
                assertNull(resumed.nextEvent(QUIET_MS), "after a restart: exactly the missed events");
            }
            try (SseClient query = SseClient.open(restarted.server.port(), "/api/canary/events?lastEventId=" + midId, M, null))
            {
                assertSame(expected, query.take(expected.size() - half(expected, midId, restarted)), half(expected, midId, restarted));
            }
            try (SseClient latest = SseClient.open(restarted.server.port(), "/api/canary/events?from=latest", M, null))
            {
                assertNull(latest.nextEvent(QUIET_MS), "from=latest: nothing old");
                final HttpResponse<String> reply = restarted.post("/api/canary/customers/" + customers[0] + "/pay-ins", M,
                    "{\"amount\":7,\"currency\":\"ZAR\"}");
                assertEquals(201, reply.statusCode());
                expected.add(new Expected("pay_in.created", reply.body()));
                assertSame(expected, latest.take(1), expected.size() - 1);
            }
        }
        // the outcome queue is derived: deleted, it is written again from the journal with the same ids
        final List<SseClient.Event> everything;
        try (TestServer again = new TestServer(dir))
        {
            try (SseClient all = SseClient.open(again.server.port(), "/api/canary/events", M, null))
            {
                everything = all.take(expected.size());
                assertSame(expected, everything, 0);
            }
        }
        deleteTree(dir.resolve(EventLog.DIRECTORY_NAME));
        try (TestServer rederived = new TestServer(dir))
        {
            try (SseClient all = SseClient.open(rederived.server.port(), "/api/canary/events", M, null))
            {
                final List<SseClient.Event> again = all.take(expected.size());
                assertEquals(everything, again, "the same events, ids and data after the outcome queue was derived again");
                assertNull(all.nextEvent(QUIET_MS));
            }
        }
    }

    @Test
    void shouldCutOffAConsumerThatDoesNotReadWithTheIdToResumeFromAndKeepStreamsAliveWithoutAnIdleTimeout(@TempDir final Path dir)
        throws Exception
    {
        final HttpOptions http = HttpOptions.DEFAULTS
            .withLimits(new HttpLimits(HttpLimits.BODY_BYTES_MAX_DEFAULT, HttpLimits.HEADER_BYTES_MAX_DEFAULT,
                HttpLimits.INITIAL_LINE_BYTES_MAX_DEFAULT, HttpLimits.PIPELINED_REQUESTS_MAX_DEFAULT, 300))
            .withEvents(new EventStreamOptions(null, 8, 4096, 300, 100));
        try (TestServer server = new TestServer(dir, http))
        {
            // keep-alives, and a stream outlives the 300 ms idle timeout
            try (SseClient quiet = SseClient.open(server.server.port(), "/api/canary/events", OTHER, null))
            {
                assertNull(quiet.nextEvent(1_000), "no events for this merchant");
                assertTrue(quiet.keepAlives() >= 3, "keep-alive comments every 100 ms: " + quiet.keepAlives());
                assertTrue(quiet.open(), "open after three idle timeouts");
            }

            final String customer = server.createCustomer(M, null);
            try (SseClient stuck = SseClient.openUnread(server.server.port(), "/api/canary/events", M))
            {
                final int payIns = 600;
                for (int i = 0; i < payIns; i++)
                {
                    server.payIn(M, customer, 1 + i); // the ledger keeps answering while the consumer reads nothing
                }
                Thread.sleep(1_000); // longer than the 300 ms stall
                stuck.startReading();
                final List<SseClient.Event> got = new ArrayList<>();
                SseClient.Event event;
                while ((event = stuck.nextEvent(2_000)) != null)
                {
                    got.add(event);
                }
                assertTrue(stuck.ended(), "the stream was closed");
                assertTrue(got.size() < payIns + 1, "cut off before the end: " + got.size());
                final String last = stuck.lastComment();
                assertNotNull(last);
                final long resumeId = got.get(got.size() - 1).id();
                assertEquals("too slow, resume from " + resumeId, last.trim());
                try (SseClient resumed = SseClient.open(server.server.port(), "/api/canary/events", M, resumeId))
                {
                    final List<SseClient.Event> rest = resumed.take(payIns + 1 - got.size());
                    assertTrue(rest.get(0).id() > resumeId);
                    assertNull(resumed.nextEvent(QUIET_MS), "exactly the rest");
                }
            }
        }
    }

    @Test
    void shouldRefuseAStreamWithoutAMerchantTokenOrWithABadResumePoint(@TempDir final Path dir)
    {
        try (TestServer server = new TestServer(dir))
        {
            assertEquals(401, server.get("/api/canary/events", null).statusCode());
            assertEquals(400, server.get("/api/canary/events?from=first", M).statusCode());
            assertEquals(400, server.get("/api/canary/events?lastEventId=-3", M).statusCode());
            assertEquals(400, server.send(server.request("/api/canary/events", M).header("Last-Event-ID", "abc").GET().build())
                .statusCode());
            final HttpRequest operator = HttpRequest.newBuilder(server.uri("/api/canary/events"))
                .header("Authorization", "Bearer " + TestServer.operatorToken()).GET().build();
            assertEquals(403, server.send(operator).statusCode());
        }
    }

    /** @return how many expected events come at or before {@code id} (read from a stream from the start). */
    private static int half(final List<Expected> expected, final long id, final TestServer server) throws IOException
    {
        try (SseClient all = SseClient.open(server.server.port(), "/api/canary/events", M, null))
        {
            final List<SseClient.Event> events = all.take(expected.size());
            int n = 0;
            while (n < events.size() && events.get(n).id() <= id)
            {
                n++;
            }
            return n;
        }
    }

    /**
     * A mixed workload of both merchants, interleaved, refusals among them; each accepted change is recorded as the
     * event it must become. @return M's customers.
     */
    private static String[] workload(final TestServer server, final List<Expected> expected, final List<Expected> other,
        final String[] known)
    {
        final String a = known != null ? known[0] : created(server, M, expected);
        final String b = known != null ? known[1] : created(server, M, expected);
        final String x = created(server, OTHER, other);
        accept(server, "POST", "/api/canary/customers/" + a + "/pay-ins", M, "{\"amount\":10000,\"currency\":\"ZAR\"}", 201,
            "pay_in.created", expected);
        accept(server, "POST", "/api/canary/customers/" + x + "/pay-ins", OTHER, "{\"amount\":500,\"currency\":\"ZAR\"}", 201,
            "pay_in.created", other);
        accept(server, "POST", "/api/canary/purchases", M,
            "{\"customerId\":\"" + a + "\",\"productId\":\"airtime\",\"amount\":3000,\"currency\":\"ZAR\"}", 201, "purchase.created", expected);
        accept(server, "POST", "/api/canary/purchases", M,
            "{\"customerId\":\"" + b + "\",\"productId\":\"laptop\",\"amount\":99999,\"currency\":\"ZAR\"}", 402, null, expected);
        accept(server, "POST", "/api/canary/transfers", M, "{\"fromCustomerId\":\"" + a + "\",\"toCustomerId\":\"" + b
            + "\",\"amount\":1500,\"currency\":\"ZAR\"}", 201, "transfer.created", expected);
        accept(server, "POST", "/api/canary/customers/" + a + "/pay-ins", OTHER, "{\"amount\":500,\"currency\":\"ZAR\"}", 404, null,
            other);
        accept(server, "PATCH", "/api/canary/customers/" + b, M, "{\"name\":\"Sipho D.\",\"metadata\":{\"updated\":true}}", 200,
            "customer.updated", expected);
        accept(server, "POST", "/api/canary/payouts", M, "{\"amount\":1000,\"currency\":\"ZAR\",\"metadata\":{}}", 201,
            "payout.created", expected);
        accept(server, "POST", "/api/canary/customers/" + a + "/payment-methods", M,
            "{\"type\":\"card\",\"provider\":\"stripe\",\"brand\":\"visa\",\"last4\":\"4242\",\"expiryMonth\":12,\"expiryYear\":2029}",
            201, "payment_method.saved", expected);
        accept(server, "GET", "/api/canary/customers/" + a + "/balance", M, null, 200, null, expected);
        return new String[] {a, b};
    }

    private static String created(final TestServer server, final String merchant, final List<Expected> expected)
    {
        final HttpResponse<String> reply = server.post("/api/canary/customers", merchant, "{\"phoneNumber\":\"+27820000000\",\"metadata\":{}}");
        assertEquals(201, reply.statusCode(), reply.body());
        expected.add(new Expected("customer.created", reply.body()));
        return (String)TestJson.object(reply.body()).get("id");
    }

    private static void accept(final TestServer server, final String method, final String path, final String merchant,
        final String json, final int status, final String type, final List<Expected> expected)
    {
        final HttpRequest.Builder request = server.request(path, merchant);
        if (json == null)
        {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        else
        {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        final HttpResponse<String> reply = server.send(request.build());
        assertEquals(status, reply.statusCode(), method + " " + path + ": " + reply.body());
        if (type != null)
        {
            expected.add(new Expected(type, reply.body()));
        }
    }

    /** The events are {@code expected} from {@code from} on, in order, ids increasing, data the replies' resources. */
    private static void assertSame(final List<Expected> expected, final List<SseClient.Event> events, final int from)
    {
        long previous = -1;
        for (int i = 0; i < events.size(); i++)
        {
            final Expected want = expected.get(from + i);
            final SseClient.Event got = events.get(i);
            assertEquals(want.type(), got.type(), "event " + (from + i));
            assertEquals(TestJson.object(want.body()), TestJson.object(got.data()), "event " + (from + i) + " data");
            assertTrue(got.id() > previous, "ids increase: " + got.id() + " after " + previous);
            previous = got.id();
        }
    }

    private static void deleteTree(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(path);
            }
        }
    }

    /**
     * A minimal Server-Sent Events client over a raw socket: the response head, then the chunked body decoded by a
     * reader thread into events and comments. Bounded: every wait has a timeout; close stops the thread.
     */
    static final class SseClient implements AutoCloseable
    {
        record Event(long id, String type, String data)
        {
        }

        private static final Object END = new Object();

        private final Socket socket;
        private final InputStream in;
        private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
        private final List<String> comments = new ArrayList<>();
        private volatile boolean ended;
        private Thread reader;

        private SseClient(final Socket socket, final InputStream in)
        {
            this.socket = socket;
            this.in = in;
        }

        static SseClient open(final int port, final String target, final String merchant, final Long lastEventId) throws IOException
        {
            final SseClient client = connect(port, target, merchant, lastEventId, false);
            client.startReading();
            return client;
        }

        /** Connects with a 4 KiB receive buffer and reads nothing after the head until {@link #startReading()}. */
        static SseClient openUnread(final int port, final String target, final String merchant) throws IOException
        {
            return connect(port, target, merchant, null, true);
        }

        private static SseClient connect(final int port, final String target, final String merchant, final Long lastEventId,
            final boolean smallBuffer) throws IOException
        {
            final Socket socket = new Socket();
            if (smallBuffer)
            {
                socket.setReceiveBufferSize(4096);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            final OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: Bearer "
                + TestServer.token(merchant) + "\r\n" + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final InputStream in = new BufferedInputStream(socket.getInputStream(), 1024);
            final String status = line(in);
            String header;
            boolean eventStream = false;
            boolean chunked = false;
            while (!(header = line(in)).isEmpty())
            {
                final String lower = header.toLowerCase();
                eventStream |= lower.startsWith("content-type: text/event-stream");
                chunked |= lower.startsWith("transfer-encoding: chunked");
            }
            if (!status.startsWith("HTTP/1.1 200") || !eventStream || !chunked)
            {
                socket.close();
                throw new AssertionError("not an event stream: " + status);
            }
            return new SseClient(socket, in);
        }

        void startReading()
        {
            reader = new Thread(this::read, "sse-test-client");
            reader.setDaemon(true);
            reader.start();
        }

        private void read()
        {
            try
            {
                final StringBuilder text = new StringBuilder();
                while (true)
                {
                    final int size = Integer.parseInt(line(in).trim(), 16);
                    if (size == 0)
                    {
                        break;
                    }
                    text.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                    line(in);
                    int end;
                    while ((end = text.indexOf("\n\n")) >= 0)
                    {
                        block(text.substring(0, end));
                        text.delete(0, end + 2);
                    }
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                // closed, or the server ended the connection
            }
            finally
            {
                ended = true;
                items.add(END);
            }
        }

        private void block(final String block)
        {
            long id = -1;
            String type = null;
            final StringBuilder data = new StringBuilder();
            for (final String field : block.split("\n"))
            {
                if (field.startsWith(":"))
                {
                    synchronized (comments)
                    {
                        comments.add(field.substring(1));
                    }
                }
                else if (field.startsWith("id: "))
                {
                    id = Long.parseLong(field.substring(4));
                }
                else if (field.startsWith("event: "))
                {
                    type = field.substring(7);
                }
                else if (field.startsWith("data: "))
                {
                    data.append(data.length() == 0 ? "" : "\n").append(field.substring(6));
                }
            }
            if (type != null)
            {
                items.add(new Event(id, type, data.toString()));
            }
        }

        /** @return the next event within {@code timeoutMs}, or null (none, or the stream ended). */
        Event nextEvent(final long timeoutMs) throws InterruptedException
        {
            final Object item = items.poll(timeoutMs, TimeUnit.MILLISECONDS);
            if (item == END)
            {
                items.add(END);
                return null;
            }
            return (Event)item;
        }

        /** @return {@code n} events, each within 10 s. */
        List<Event> take(final int n)
        {
            final List<Event> events = new ArrayList<>(n);
            try
            {
                for (int i = 0; i < n; i++)
                {
                    final Event event = nextEvent(10_000);
                    if (event == null)
                    {
                        throw new AssertionError("only " + i + " of " + n + " events arrived");
                    }
                    events.add(event);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
            return events;
        }

        int keepAlives()
        {
            synchronized (comments)
            {
                return (int)comments.stream().filter(String::isEmpty).count();
            }
        }

        String lastComment()
        {
            synchronized (comments)
            {
                return comments.stream().filter(c -> !c.isEmpty()).reduce((a, b) -> b).orElse(null);
            }
        }

        boolean ended()
        {
            return ended;
        }

        boolean open()
        {
            return !ended && !socket.isClosed();
        }

        @Override
        public void close() throws IOException
        {
            socket.close();
            if (reader != null)
            {
                try
                {
                    reader.join(5_000);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private static String line(final InputStream in) throws IOException
        {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            int b;
            while ((b = in.read()) != '\n')
            {
                if (b < 0)
                {
                    throw new IOException("end of stream");
                }
                if (b != '\r')
                {
                    bytes.write(b);
                }
            }
            return bytes.toString(StandardCharsets.US_ASCII);
        }
    }
}
