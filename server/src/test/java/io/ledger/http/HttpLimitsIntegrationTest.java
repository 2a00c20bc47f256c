package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.ledger.http.metrics.MetricValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every configurable HTTP limit, enforced by the real server with non-default values. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpLimitsIntegrationTest
{
    private static final String M = "limits_merchant";

    @TempDir
    Path dataDir;

    private static HttpLimits limits(
        final int bodyBytesMax, final int headerBytesMax, final int lineBytesMax, final int pipelinedMax, final int connectionsMax,
        final int jsonDepthMax, final int jsonStringCharsMax, final int writeBufferBytesMax)
    {
        return new HttpLimits(bodyBytesMax, headerBytesMax, lineBytesMax, pipelinedMax, 60_000, 10_000, connectionsMax, jsonDepthMax,
            jsonStringCharsMax, writeBufferBytesMax).validate();
    }

    /** A server with {@code limits}, whose metrics (a large reply without a token) are public. */
    private HarnessServer start(final HttpLimits limits)
    {
        return new HarnessServer(dataDir, 1024, HttpOptions.DEFAULTS.withLimits(limits).withMetrics(HttpOptions.MetricsAccess.PUBLIC),
            UnaryOperator.identity());
    }

    private static Map<String, String> auth()
    {
        return Map.of("Authorization", "Bearer " + TestServer.token(M), "Content-Type", "application/json");
    }

    @Test
    void shouldAnswer503BeyondTheConnectionLimitAndAdmitAgainWhenOneCloses() throws Exception
    {
        try (HarnessServer server = start(limits(65536, 16384, 8192, 64, 8, 16, 16384, 65536)))
        {
            final List<RawHttp> admitted = new ArrayList<>();
            for (int i = 0; i < 8; i++)
            {
                final RawHttp connection = new RawHttp(server.port());
                assertEquals(200, connection.exchange("GET", "/api/canary/health", Map.of(), null).status());
                admitted.add(connection);
            }

            try (RawHttp ninth = new RawHttp(server.port()))
            {
                final RawHttp.Response refused = ninth.exchange("GET", "/api/canary/health", Map.of(), null);
                assertEquals(503, refused.status(), refused::toString);
                assertEquals("1", refused.header("retry-after"));
                assertTrue(refused.closes());
                assertEquals("The server has too many connections; retry shortly",
                    ((List<?>)TestJson.object(refused.bodyText()).get("message")).get(0));
            }

            admitted.remove(0).close();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.http.metrics().connectionsOpen() > 7 && System.nanoTime() < deadline)
            {
                Thread.sleep(10);
            }
            try (RawHttp again = new RawHttp(server.port()))
            {
                assertEquals(200, again.exchange("GET", "/api/canary/health", Map.of(), null).status(), "room again");
            }
            for (final RawHttp connection : admitted)
            {
                assertEquals(200, connection.exchange("GET", "/api/canary/health", Map.of(), null).status(), "the admitted are unharmed");
                connection.close();
            }
            final var families = server.http.metrics().snapshots();
            assertEquals(1, MetricValues.value(families, "ledger_http_connections_refused_total"));
        }
    }

    @Test
    void shouldEnforceTheConfiguredJsonDepthAndStringLength()
    {
        try (HarnessServer server = start(limits(65536, 16384, 8192, 64, 100, 4, 1024, 65536)))
        {
            // body (1) > metadata (2) > a (3) > b (4)
            assertEquals(201, server.post("/api/canary/customers", M,
                "{\"phoneNumber\":\"+1\",\"metadata\":{\"a\":{\"b\":{}}}}").statusCode());
            final var tooDeep = server.post("/api/canary/customers", M, "{\"phoneNumber\":\"+1\",\"metadata\":{\"a\":{\"b\":{\"c\":{}}}}}");
            assertEquals(400, tooDeep.statusCode());
            assertTrue(tooDeep.body().contains("exceeds a limit"), tooDeep.body());

            assertEquals(201, server.post("/api/canary/customers", M,
                "{\"phoneNumber\":\"+1\",\"metadata\":{\"s\":\"" + "x".repeat(1000) + "\"}}").statusCode());
            final var tooLong = server.post("/api/canary/customers", M,
                "{\"phoneNumber\":\"+1\",\"metadata\":{\"s\":\"" + "x".repeat(2000) + "\"}}");
            assertEquals(400, tooLong.statusCode());
            assertTrue(tooLong.body().contains("exceeds a limit"), tooLong.body());
        }
        try (HarnessServer server = new HarnessServer(dataDir.resolve("defaults")))
        {
            assertEquals(201, server.post("/api/canary/customers", M,
                "{\"phoneNumber\":\"+1\",\"metadata\":{\"s\":\"" + "x".repeat(2000) + "\",\"a\":{\"b\":{\"c\":{}}}}}").statusCode(),
                "the defaults allow both");
        }
    }

    @Test
    void shouldEnforceTheConfiguredBodyHeaderAndRequestLineSizes()
    {
        try (HarnessServer server = start(limits(2048, 1024, 256, 64, 100, 16, 16384, 65536)))
        {
            try (RawHttp raw = new RawHttp(server.port()))
            {
                final RawHttp.Response body = raw.exchange("POST", "/api/canary/customers", auth(),
                    ("{\"phoneNumber\":\"+1\",\"metadata\":{\"pad\":\"" + "x".repeat(3000) + "\"}}").getBytes(StandardCharsets.UTF_8));
                assertEquals(413, body.status(), body::toString);
                assertTrue(body.closes());
                assertTrue(body.bodyText().contains("at most 2048 bytes"), body::toString);

                final RawHttp.Response header = raw.exchange("GET", "/api/canary/health", Map.of("X-Pad", "h".repeat(2000)), null);
                assertEquals(431, header.status(), header::toString);
                assertTrue(header.closes());

                final RawHttp.Response line = raw.exchange("GET", "/api/canary/health?" + "q".repeat(400), Map.of(), null);
                assertEquals(414, line.status(), line::toString);
                assertTrue(line.closes());

                assertEquals(200, raw.exchange("GET", "/api/canary/health", Map.of(), null).status());
            }
        }
    }

    /**
     * The pipelining limit bounds what a connection makes the server hold, not what a client may send: with a limit of
     * four, a burst of a pay-in and twenty more requests in one write is decoded four at a time, as the replies leave,
     * and every request is answered in order on the same connection. Before, the connection was closed, and the reply
     * of the pay-in already in the ledger was lost with it.
     */
    @Test
    void shouldAnswerEveryRequestOfABurstLargerThanThePipeliningLimitInOrder() throws Exception
    {
        try (HarnessServer server = start(limits(65536, 16384, 8192, 4, 100, 16, 16384, 65536)))
        {
            final String customer = server.createCustomer(M, "pipe@example.com");
            final byte[] payIn = RawHttp.request("POST", "/api/canary/customers/" + customer + "/pay-ins", auth(),
                "{\"amount\":5,\"currency\":\"ZAR\"}".getBytes(StandardCharsets.UTF_8));

            try (Socket socket = connect(server))
            {
                final byte[] small = "GET /api/canary/customers/CUSTOMER/balance HTTP/1.1\r\nHost: x\r\nAuthorization: TOKEN\r\n\r\n"
                    .replace("CUSTOMER", customer).replace("TOKEN", auth().get("Authorization")).getBytes(StandardCharsets.US_ASCII);
                final byte[] burst = new byte[2 * payIn.length + 20 * small.length];
                System.arraycopy(payIn, 0, burst, 0, payIn.length);
                System.arraycopy(repeat(small, 20), 0, burst, payIn.length, 20 * small.length);
                System.arraycopy(payIn, 0, burst, payIn.length + 20 * small.length, payIn.length);
                socket.getOutputStream().write(burst);
                final InputStream in = socket.getInputStream();
                final RawHttp.Response first = RawHttp.readResponse(in, false);
                assertEquals(201, first.status(), first::toString);
                assertEquals(5L, TestJson.object(first.bodyText()).get("balanceAfter"));
                for (int i = 0; i < 20; i++)
                {
                    final RawHttp.Response balance = RawHttp.readResponse(in, false);
                    assertEquals(200, balance.status(), balance::toString);
                    assertEquals(5L, TestJson.object(balance.bodyText()).get("amount"), "read after the first pay-in, before the second");
                }
                final RawHttp.Response last = RawHttp.readResponse(in, false);
                assertEquals(201, last.status(), last::toString);
                assertEquals(10L, TestJson.object(last.bodyText()).get("balanceAfter"));
                assertFalse(last.closes(), "the connection stays open");
            }
            final var families = server.http.metrics().snapshots();
            assertEquals(0, MetricValues.value(families, "ledger_http_connections_closed_total", "reason", "request_timeout"),
                "a pipelining burst closes nothing");
        }
    }

    /**
     * A client that pipelines requests and does not read the replies: once more than the write-buffer limit waits,
     * the server stops reading that connection (so it holds at most that much, plus the requests already read)
     * instead of growing its buffers; when the client reads again, every reply arrives, in order.
     */
    @Test
    void shouldStopReadingFromAClientThatDoesNotReadItsReplies() throws Exception
    {
        final int requests = 1500;
        try (HarnessServer server = start(limits(65536, 16384, 8192, 1024, 100, 16, 16384, 8192)))
        {
            try (Socket socket = new Socket())
            {
                socket.setReceiveBufferSize(4096);
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                socket.setSoTimeout(30_000);
                final OutputStream out = socket.getOutputStream();
                final byte[] scrape = RawHttp.request("GET", "/metrics", Map.of(), null);
                final CompletableFuture<Void> writer = CompletableFuture.runAsync(() ->
                {
                    try
                    {
                        for (int i = 0; i < requests; i++)
                        {
                            out.write(scrape);
                        }
                        out.flush();
                    }
                    catch (final IOException ex)
                    {
                        throw new java.io.UncheckedIOException(ex);
                    }
                });

                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                double pauses = 0;
                while (pauses == 0 && System.nanoTime() < deadline)
                {
                    Thread.sleep(50);
                    pauses = MetricValues.value(server.http.metrics().snapshots(),
                        "ledger_http_read_pauses_total");
                }
                assertTrue(pauses > 0, "reading paused while the client did not read");
                assertFalse(writer.isDone() && writer.isCompletedExceptionally(), "not closed for it");

                final InputStream in = socket.getInputStream();
                for (int i = 0; i < requests; i++)
                {
                    final RawHttp.Response response = RawHttp.readResponse(in, false);
                    assertEquals(200, response.status(), "reply " + i);
                }
                writer.get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void shouldAnswerHeadWithoutABodyAndCloseAfterASmugglingAttempt()
    {
        try (HarnessServer server = start(HttpLimits.DEFAULTS))
        {
            try (RawHttp raw = new RawHttp(server.port()))
            {
                final RawHttp.Response head = raw.exchange("HEAD", "/api/canary/health", Map.of(), null);
                assertEquals(405, head.status());
                assertEquals(0, head.body().length);
                assertEquals(200, raw.exchange("GET", "/api/canary/health", Map.of(), null).status(), "framing intact after HEAD");

                final RawHttp.Response smuggle = raw.exchange(RawHttp.request("POST", "/api/canary/customers",
                    Map.of("Authorization", "Bearer " + TestServer.token(M), "Content-Type", "application/json",
                        "Transfer-Encoding", "chunked", "Content-Length", "5"),
                    null), false);
                assertTrue(smuggle.status() >= 400 && smuggle.status() < 500, smuggle::toString);
            }
        }
    }

    private static Socket connect(final HarnessServer server) throws IOException
    {
        final Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static byte[] repeat(final byte[] bytes, final int times)
    {
        final byte[] all = new byte[bytes.length * times];
        for (int i = 0; i < times; i++)
        {
            System.arraycopy(bytes, 0, all, i * bytes.length, bytes.length);
        }
        return all;
    }
}
