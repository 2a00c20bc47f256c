package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.ledger.http.metrics.MetricValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hundreds of connections hang mid-request (half a request line, headers without their end, a body shorter than
 * its Content-Length, or a request trickled in a byte at a time so the idle timer never fires) while normal
 * requests keep succeeding; then every hanging request is answered 408 and its connection closed by the request
 * timeout, and silent connections by the idle timeout.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlowClientTest
{
    private static final String M = "slow_merchant";
    private static final long REQUEST_TIMEOUT_MS = 4_000;
    private static final long IDLE_TIMEOUT_MS = 6_000;
    private static final int PER_KIND = 100;
    private static final int TRICKLERS = 20;
    private static final int SILENT = 30;

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepServingWhileHundredsOfRequestsHangThenCutThem() throws Exception
    {
        final HttpLimits limits = new HttpLimits(HttpLimits.BODY_BYTES_MAX_DEFAULT, HttpLimits.HEADER_BYTES_MAX_DEFAULT,
            HttpLimits.INITIAL_LINE_BYTES_MAX_DEFAULT, HttpLimits.PIPELINED_REQUESTS_MAX_DEFAULT, IDLE_TIMEOUT_MS, REQUEST_TIMEOUT_MS,
            HttpLimits.CONNECTIONS_MAX_DEFAULT, HttpLimits.JSON_DEPTH_MAX_DEFAULT, HttpLimits.JSON_STRING_CHARS_MAX_DEFAULT,
            HttpLimits.WRITE_BUFFER_BYTES_MAX_DEFAULT);
        final ExecutorService tricklerThreads = Executors.newFixedThreadPool(TRICKLERS);
        try (HarnessServer server = new HarnessServer(dataDir, 1024, HttpOptions.DEFAULTS.withLimits(limits), UnaryOperator.identity()))
        {
            final String customer = server.createCustomer(M, "slow@example.com");
            final long startNs = System.nanoTime();

            final List<Socket> hanging = new ArrayList<>();
            for (int i = 0; i < PER_KIND; i++)
            {
                hanging.add(open(server, "POST /api/canary/cust"));                                        // half a request line
                hanging.add(open(server, "POST /api/canary/customers HTTP/1.1\r\nHost: x\r\nContent-Type: app")); // no end of headers
                hanging.add(open(server, "POST /api/canary/customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"phoneNumber\":"));                                     // a short body
            }
            final List<Socket> silent = new ArrayList<>();
            for (int i = 0; i < SILENT; i++)
            {
                silent.add(open(server, ""));
            }
            final List<Future<String>> tricklers = new ArrayList<>();
            for (int i = 0; i < TRICKLERS; i++)
            {
                tricklers.add(tricklerThreads.submit(() -> trickle(server)));
            }

            // Normal traffic while they hang: every request succeeds.
            long served = 0;
            for (int i = 0; i < 30; i++)
            {
                final var response = server.post("/api/canary/customers/" + customer + "/pay-ins", M, "{\"amount\":10,\"currency\":\"ZAR\"}");
                assertEquals(201, response.statusCode(), response.body());
                served++;
            }
            assertEquals(200, server.get("/api/canary/customers/" + customer + "/balance", M).statusCode());
            final long servedWithinMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            if (servedWithinMs < REQUEST_TIMEOUT_MS - 500)
            {
                assertTrue(server.http.metrics().connectionsOpen() >= 3 * PER_KIND + SILENT,
                    "the normal requests were served while the slow ones were still open");
            }
            assertEquals(30, served);

            // Then every hanging request is answered 408 and closed, by the request timeout.
            for (final Socket socket : hanging)
            {
                final InputStream in = socket.getInputStream();
                final RawHttp.Response response = RawHttp.readResponse(in, false);
                assertEquals(408, response.status(), response::toString);
                assertTrue(response.closes(), response::toString);
                assertEquals(-1, in.read(), "closed after the 408");
                socket.close();
            }
            for (final Future<String> trickler : tricklers)
            {
                assertTrue(trickler.get(30, TimeUnit.SECONDS).startsWith("HTTP/1.1 408"), "a request trickled in is cut too");
            }
            final long cutWithinMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertTrue(cutWithinMs < REQUEST_TIMEOUT_MS + 20_000, "cut after " + cutWithinMs + " ms");

            // Connections that never sent a byte owe no answer: the idle timeout closes them.
            for (final Socket socket : silent)
            {
                assertEquals(-1, socket.getInputStream().read(), "an idle connection is closed without an answer");
                socket.close();
            }

            final var families = server.http.metrics().snapshots();
            assertEquals(3 * PER_KIND + TRICKLERS, MetricValues.value(families,
                "ledger_http_connections_closed_total", "reason", "request_timeout"));
            assertTrue(MetricValues.value(families, "ledger_http_connections_closed_total", "reason", "idle") >= SILENT);
            assertEquals(3 * PER_KIND + TRICKLERS, MetricValues.value(families,
                "ledger_http_responses_total", "route", "unmatched", "status", "408"));
        }
        finally
        {
            tricklerThreads.shutdownNow();
        }
    }

    /**
     * A whole request and the start of another in one write, while the first is held in the pipeline: the deadline
     * runs for the second from its first byte (left over behind the first in the same read), and its 408 leaves only
     * after the first one's reply, so replies stay in request order.
     */
    @Test
    void shouldAnswerTheRequestInFlightBeforeThe408OfAPartialOneBehindIt() throws Exception
    {
        final HttpLimits limits = new HttpLimits(HttpLimits.BODY_BYTES_MAX_DEFAULT, HttpLimits.HEADER_BYTES_MAX_DEFAULT,
            HttpLimits.INITIAL_LINE_BYTES_MAX_DEFAULT, HttpLimits.PIPELINED_REQUESTS_MAX_DEFAULT, 60_000, 1_000,
            HttpLimits.CONNECTIONS_MAX_DEFAULT, HttpLimits.JSON_DEPTH_MAX_DEFAULT, HttpLimits.JSON_STRING_CHARS_MAX_DEFAULT,
            HttpLimits.WRITE_BUFFER_BYTES_MAX_DEFAULT);
        final OverloadTest.GatedJournal[] gate = new OverloadTest.GatedJournal[1];
        try (HarnessServer server = HarnessServer.onLedgerThread(dataDir, 64, HttpOptions.DEFAULTS.withLimits(limits),
            journal -> gate[0] = new OverloadTest.GatedJournal(journal), UnaryOperator.identity()))
        {
            final String customer = server.createCustomer(M, "inflight@example.com");
            gate[0].open = false;
            try (Socket socket = open(server, ""))
            {
                final byte[] payIn = RawHttp.request("POST", "/api/canary/customers/" + customer + "/pay-ins",
                    java.util.Map.of("Authorization", "Bearer " + TestServer.token(M), "Content-Type", "application/json"),
                    "{\"amount\":5,\"currency\":\"ZAR\"}".getBytes(StandardCharsets.UTF_8));
                final byte[] partial = "GET /api/canary/health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII);
                final byte[] both = new byte[payIn.length + partial.length];
                System.arraycopy(payIn, 0, both, 0, payIn.length);
                System.arraycopy(partial, 0, both, payIn.length, partial.length);
                socket.getOutputStream().write(both);

                Thread.sleep(1_500); // the second request's deadline passes while the first is still in the pipeline
                final var timeouts = server.http.metrics().snapshots();
                assertEquals(1, MetricValues.value(timeouts, "ledger_http_connections_closed_total", "reason", "request_timeout"));
                gate[0].open = true;

                final InputStream in = socket.getInputStream();
                final RawHttp.Response first = RawHttp.readResponse(in, false);
                assertEquals(201, first.status(), first::toString);
                final RawHttp.Response second = RawHttp.readResponse(in, false);
                assertEquals(408, second.status(), second::toString);
                assertTrue(second.closes());
                assertEquals(-1, in.read());
            }
        }
    }

    private static Socket open(final HarnessServer server, final String partial) throws IOException
    {
        final Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        socket.setSoTimeout((int)(IDLE_TIMEOUT_MS + 20_000));
        if (!partial.isEmpty())
        {
            socket.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        }
        return socket;
    }

    /** Sends a long request one byte every 100 ms, never finishing it, until the server answers; returns the answer. */
    private static String trickle(final HarnessServer server) throws IOException
    {
        try (Socket socket = open(server, ""))
        {
            socket.setSoTimeout(1);
            final byte[] request = ("POST /api/canary/customers HTTP/1.1\r\nHost: x\r\nX-Pad: " + "p".repeat(4000) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
            final InputStream in = socket.getInputStream();
            for (final byte b : request)
            {
                try
                {
                    socket.getOutputStream().write(b);
                }
                catch (final IOException ex)
                {
                    break; // closed by the server: read what it said
                }
                try
                {
                    final int first = in.read();
                    if (first >= 0)
                    {
                        socket.setSoTimeout(10_000);
                        final byte[] rest = in.readAllBytes();
                        return (char)first + new String(rest, StandardCharsets.US_ASCII);
                    }
                }
                catch (final SocketTimeoutException ex)
                {
                    // nothing yet
                }
                try
                {
                    Thread.sleep(100);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return "interrupted";
                }
            }
            socket.setSoTimeout(10_000);
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
