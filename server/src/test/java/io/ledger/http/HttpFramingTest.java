package io.ledger.http;

import static io.ledger.http.Wire.ascii;
import static io.ledger.http.Wire.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How the server frames requests, through the real server over raw sockets: a declared body is never run as a
 * request, a reply is never lost or overtaken before a close, and every refusal is a JSON error in request order.
 * The money side is checked after every hostile exchange: a pay-in hidden in a body ({@link #SMUGGLED} minor units)
 * must never be applied, and the balance must be the sum of the pay-ins answered 201.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpFramingTest
{
    private static final String M = "framing_merchant";
    private static final int BODY_BYTES_MAX = 4096;
    /**
     * The amount of every pay-in hidden inside another request's body: it must never reach the ledger. ({@code {SMUGGLE}}
     * in a case stands for such a pay-in, a whole request.)
     */
    private static final long SMUGGLED = 7;

    @TempDir
    Path dataDir;

    private HarnessServer server;
    private OverloadTest.GatedJournal gate;
    private String customer;
    private String token;

    @BeforeEach
    void start()
    {
        final HttpLimits limits = new HttpLimits(BODY_BYTES_MAX, HttpLimits.HEADER_BYTES_MAX_DEFAULT,
            HttpLimits.INITIAL_LINE_BYTES_MAX_DEFAULT, HttpLimits.PIPELINED_REQUESTS_MAX_DEFAULT, 60_000, 10_000,
            HttpLimits.CONNECTIONS_MAX_DEFAULT, HttpLimits.JSON_DEPTH_MAX_DEFAULT, HttpLimits.JSON_STRING_CHARS_MAX_DEFAULT,
            HttpLimits.WRITE_BUFFER_BYTES_MAX_DEFAULT).validate();
        server = HarnessServer.onLedgerThread(dataDir, 64, HttpOptions.DEFAULTS.withLimits(limits),
            journal -> gate = new OverloadTest.GatedJournal(journal), UnaryOperator.identity());
        customer = server.createCustomer(M, "framing@example.com");
        token = "Bearer " + TestServer.token(M);
    }

    @AfterEach
    void stop()
    {
        server.close();
    }

    // ---- a declared body never runs as a request

    @Test
    void shouldNotRunTheBodyOfARequestRefusedWith417AsARequest()
    {
        final byte[] smuggled = payIn(SMUGGLED);
        try (Wire wire = new Wire(server.port()))
        {
            wire.send(ascii(payInHead("Expect: teapot", "Content-Length: " + smuggled.length)), smuggled);
            final RawHttp.Response refused = wire.next();
            wire.assertClosed();
            assertEquals(0, balance(), "the body of a refused request was run as a request");
            assertError(417, refused);
            assertTrue(refused.closes(), refused::toString);
        }
    }

    @Test
    void shouldCloseWithoutReadingTheBodyOfAnOversizedExpectContinueRequest()
    {
        try (Wire wire = new Wire(server.port()))
        {
            wire.send(payInHead("Expect: 100-continue", "Content-Length: " + (BODY_BYTES_MAX + 1)));
            final RawHttp.Response first = wire.nextOrInterim();
            assertError(413, first);
            assertTrue(first.bodyText().contains("at most " + BODY_BYTES_MAX + " bytes"), first::toString);
            assertTrue(first.closes(), first::toString);
            wire.send(payIn(SMUGGLED)); // a client that sends its "body" anyway
            wire.assertClosed();
        }
        assertEquals(0, balance(), "the body of an oversized request was run as a request");
        assertEquals(0, payIns());
    }

    // ---- a reply is never lost or overtaken

    @Test
    void shouldAnswerAPipelinedPayInBeforeTheOversizedRequestBehindItThenClose() throws Exception
    {
        gate.open = false;
        try (Wire wire = new Wire(server.port()))
        {
            wire.send(payIn(5), ascii(payInHead("Content-Length: " + (BODY_BYTES_MAX * 4))), new byte[BODY_BYTES_MAX]);
            Thread.sleep(300); // the oversized request is decoded while the pay-in is still in the pipeline
            gate.open = true;
            final RawHttp.Response first = wire.next();
            assertEquals(201, first.status(), () -> "the pay-in's reply must come first: " + first);
            assertError(413, wire.next());
            wire.assertClosed();
        }
        assertEquals(5, balance());
    }

    @Test
    void shouldAnswerAPipelinedPayInBeforeThe417BehindIt() throws Exception
    {
        gate.open = false;
        final byte[] smuggled = payIn(SMUGGLED);
        try (Wire wire = new Wire(server.port()))
        {
            wire.send(payIn(5), ascii(payInHead("Expect: teapot", "Content-Length: " + smuggled.length)), smuggled);
            Thread.sleep(300);
            gate.open = true;
            final RawHttp.Response first = wire.next();
            assertEquals(201, first.status(), () -> "the pay-in's reply must come first: " + first);
            assertError(417, wire.next());
            wire.assertClosed();
        }
        assertEquals(5, balance());
    }

    @Test
    void shouldAnswerAPipelinedPayInBeforeAChunkedBodyThatGrowsPastTheLimit() throws Exception
    {
        gate.open = false;
        final String chunk = Integer.toHexString(1024) + "\r\n" + " ".repeat(1024) + "\r\n";
        try (Wire wire = new Wire(server.port()))
        {
            wire.send(payIn(5), ascii(payInHead("Transfer-Encoding: chunked") + chunk.repeat(5) + "0\r\n\r\n"));
            Thread.sleep(300);
            gate.open = true;
            final RawHttp.Response first = wire.next();
            assertEquals(201, first.status(), () -> "the pay-in's reply must come first: " + first);
            assertError(413, wire.next());
            wire.assertClosed();
        }
        assertEquals(5, balance());
    }

    /** 10,000 requests in one write: all answered, in order, on the one connection; none lost, none closed. */
    @Test
    void shouldAnswerTenThousandPipelinedRequestsInOrder() throws Exception
    {
        final int requests = 10_000;
        final byte[] health = ascii("GET /api/canary/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        final byte[] payIn = payIn(1);
        final byte[][] all = new byte[requests][];
        for (int i = 0; i < requests; i++)
        {
            all[i] = i % 5 == 0 ? payIn : health;
        }
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            socket.setSoTimeout(20_000);
            final OutputStream out = socket.getOutputStream();
            final byte[] burst = concat(all);
            final CompletableFuture<Void> writer = CompletableFuture.runAsync(() ->
            {
                try
                {
                    out.write(burst);
                    out.flush();
                }
                catch (final IOException ex)
                {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            final java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            long created = 0;
            int answered = 0;
            try
            {
                for (; answered < requests; answered++)
                {
                    final RawHttp.Response response = RawHttp.readResponse(in, false);
                    if (answered % 5 == 0)
                    {
                        assertEquals(201, response.status(), response::toString);
                        created++;
                        assertEquals(created, (Long)TestJson.object(response.bodyText()).get("balanceAfter"), "replies in request order");
                    }
                    else
                    {
                        assertEquals(200, response.status(), response::toString);
                    }
                }
            }
            catch (final IOException ex)
            {
                // closed early: the money check below says whether a reply was lost
            }
            assertEquals(created, balance(), "every pay-in applied was answered 201");
            assertEquals(requests, answered, "every pipelined request was answered");
            writer.get(20, TimeUnit.SECONDS);
        }
    }

    // ---- Expect

    @Test
    void shouldSend100ContinueAndThenReadTheBody()
    {
        final byte[] body = ascii("{\"amount\":11,\"currency\":\"ZAR\"}");
        try (Wire wire = new Wire(server.port()))
        {
            wire.send(payInHead("Expect: 100-Continue", "Content-Length: " + body.length));
            assertEquals(100, wire.nextOrInterim().status());
            wire.send(body);
            assertEquals(201, wire.next().status());
        }
        assertEquals(11, balance());
    }

    @Test
    void shouldSend100ContinueOnlyAfterTheRepliesDueBeforeIt() throws Exception
    {
        gate.open = false;
        final byte[] body = ascii("{\"amount\":11,\"currency\":\"ZAR\"}");
        try (Wire wire = new Wire(server.port()))
        {
            wire.send(payIn(5), ascii(payInHead("Expect: 100-continue", "Content-Length: " + body.length)));
            Thread.sleep(300);
            gate.open = true;
            final RawHttp.Response first = wire.nextOrInterim();
            assertEquals(201, first.status(), () -> "the earlier request's reply comes before the 100: " + first);
            assertEquals(100, wire.nextOrInterim().status());
            wire.send(body);
            assertEquals(201, wire.next().status());
        }
        assertEquals(16, balance());
    }

    @Test
    void shouldNotSend100ContinueForARequestWithoutABody()
    {
        try (Wire wire = new Wire(server.port()))
        {
            wire.send("GET /api/canary/health HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(200, wire.nextOrInterim().status(), "no 100 Continue when there is no body to wait for");
        }
    }

    @Test
    void shouldIgnoreAn100ContinueExpectationInHttp10()
    {
        final byte[] body = ascii("{\"amount\":3,\"currency\":\"ZAR\"}");
        try (Wire wire = new Wire(server.port()))
        {
            wire.send(ascii(payInHead("HTTP/1.0", List.of("Expect: 100-continue", "Content-Length: " + body.length))), body);
            final RawHttp.Response response = wire.nextOrInterim();
            assertEquals(201, response.status(), response::toString);
            wire.assertClosed();
        }
        assertEquals(3, balance());
    }

    @Test
    void shouldRefuseAnExpectationListWith417()
    {
        final byte[] body = ascii("{\"amount\":3,\"currency\":\"ZAR\"}");
        for (final List<String> expect : List.of(List.of("Expect: 100-continue, foo"), List.of("Expect: 100-continue", "Expect: 100-continue"),
            List.of("Expect: "), List.of("Expect: 100-continued")))
        {
            try (Wire wire = new Wire(server.port()))
            {
                final java.util.ArrayList<String> lines = new java.util.ArrayList<>(expect);
                lines.add("Content-Length: " + body.length);
                wire.send(ascii(payInHead("HTTP/1.1", lines)), body);
                assertError(417, wire.nextOrInterim());
                wire.assertClosed();
            }
        }
        assertEquals(0, balance());
    }

    // ---- Transfer-Encoding and Content-Length

    static Stream<Arguments> framingsThatMustBeRefused()
    {
        final String json = "{\"amount\":" + SMUGGLED + ",\"currency\":\"ZAR\"}";
        final String chunked = Integer.toHexString(json.length()) + "\r\n" + json + "\r\n0\r\n\r\n";
        final String cl = "Content-Length: " + json.length();
        final String clChunked = "Content-Length: " + chunked.length();
        return Stream.of(
            Arguments.of("Transfer-Encoding xchunked with Content-Length", List.of("Transfer-Encoding: xchunked", cl), json),
            Arguments.of("Transfer-Encoding gzip with Content-Length", List.of("Transfer-Encoding: gzip", cl), json),
            Arguments.of("Transfer-Encoding identity with Content-Length", List.of("Transfer-Encoding: identity", cl), json),
            Arguments.of("Transfer-Encoding chunked with Content-Length", List.of("Transfer-Encoding: chunked", clChunked), chunked),
            Arguments.of("Transfer-Encoding gzip, chunked", List.of("Transfer-Encoding: gzip, chunked"), chunked),
            Arguments.of("Transfer-Encoding chunked, gzip", List.of("Transfer-Encoding: chunked, gzip"), chunked),
            Arguments.of("Transfer-Encoding chunked twice", List.of("Transfer-Encoding: chunked", "Transfer-Encoding: chunked"), chunked),
            Arguments.of("Transfer-Encoding chunked, chunked", List.of("Transfer-Encoding: chunked, chunked"), chunked),
            Arguments.of("Transfer-Encoding chunked in HTTP/1.0", List.of("HTTP/1.0", "Connection: keep-alive", "Transfer-Encoding: chunked"), chunked),
            Arguments.of("Transfer-Encoding gzip without a length, then a request", List.of("Transfer-Encoding: gzip"), "{SMUGGLE}"),
            Arguments.of("Transfer-Encoding folded onto an empty value", List.of("Transfer-Encoding:", " chunked"), chunked),
            Arguments.of("Content-Length twice, equal", List.of(cl, cl), json),
            Arguments.of("Content-Length twice in HTTP/1.0, the second covering a request",
                List.of("HTTP/1.0", "Connection: keep-alive", "Content-Length: 2", "Content-Length: {2+SMUGGLE}"), "{}{SMUGGLE}"),
            Arguments.of("Content-Length 5, 5", List.of("Content-Length: " + json.length() + ", " + json.length()), json),
            Arguments.of("Content-Length with a sign", List.of("Content-Length: +" + json.length()), json),
            Arguments.of("Transfer_Encoding, which a proxy may read as Transfer-Encoding", List.of("Transfer_Encoding: chunked", cl), json),
            Arguments.of("Content_Length, which a proxy may read as Content-Length",
                List.of("Content_Length: {2+SMUGGLE}", "Content-Length: 2"), "{}{SMUGGLE}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("framingsThatMustBeRefused")
    void shouldRefuseAmbiguousFramingWith400AndClose(final String label, final List<String> template, final String bodyTemplate)
    {
        final String smuggle = new String(payIn(SMUGGLED), StandardCharsets.ISO_8859_1);
        final List<String> lines = template.stream().map(l -> l.replace("{2+SMUGGLE}", Integer.toString(2 + smuggle.length()))).toList();
        final String body = bodyTemplate.replace("{SMUGGLE}", smuggle);
        final String version = lines.get(0).startsWith("HTTP/") ? lines.get(0) : "HTTP/1.1";
        final List<String> headers = lines.get(0).startsWith("HTTP/") ? lines.subList(1, lines.size()) : lines;
        try (Wire wire = new Wire(server.port()))
        {
            wire.send(ascii(payInHead(version, headers) + body));
            final RawHttp.Response response = wire.next();
            wire.assertClosed();
            assertEquals(0, balance(), "a pay-in hidden in an ambiguously framed body was applied");
            assertError(400, response);
            assertTrue(response.closes(), response::toString);
        }
    }

    // ---- header fields that must appear at most once

    static Stream<Arguments> repeatedFieldsThatMustBeRefused()
    {
        final String other = "Bearer " + TestServer.token("framing_other");
        return Stream.of(
            Arguments.of("two Authorization", List.of("Authorization: " + other), Set.of()),
            Arguments.of("two Host", List.of("Host: other.example"), Set.of()),
            Arguments.of("no Host in HTTP/1.1", List.of(), Set.of("Host")),
            Arguments.of("a Host with a space", List.of("Host: a b"), Set.of("Host")),
            Arguments.of("a Host with a path", List.of("Host: a/b"), Set.of("Host")),
            Arguments.of("two Idempotency-Key", List.of("Idempotency-Key: a", "Idempotency-Key: b"), Set.of()),
            Arguments.of("two Content-Type", List.of("Content-Type: text/plain"), Set.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("repeatedFieldsThatMustBeRefused")
    void shouldRefuseAnAmbiguousHeaderWith400(final String label, final List<String> extra, final Set<String> dropped)
    {
        final byte[] body = ascii("{\"amount\":" + SMUGGLED + ",\"currency\":\"ZAR\"}");
        final StringBuilder head = new StringBuilder("POST /api/canary/customers/" + customer + "/pay-ins HTTP/1.1\r\n");
        if (!dropped.contains("Host"))
        {
            head.append("Host: localhost\r\n");
        }
        head.append("Authorization: ").append(token).append("\r\nContent-Type: application/json\r\n");
        for (final String line : extra)
        {
            head.append(line).append("\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        try (Wire wire = new Wire(server.port()))
        {
            wire.send(ascii(head.toString()), body);
            final RawHttp.Response response = wire.next();
            wire.assertClosed();
            assertEquals(0, balance(), "a request with an ambiguous header was applied");
            assertError(400, response);
        }
    }

    // ---- the request line and the header block

    static Stream<Arguments> malformedHeadsThatMustBeRefused()
    {
        return Stream.of(
            Arguments.of("HTTP/1.2", "GET /api/canary/health HTTP/1.2\r\nHost: localhost\r\n\r\n"),
            Arguments.of("HTTP/2.0", "GET /api/canary/health HTTP/2.0\r\nHost: localhost\r\n\r\n"),
            Arguments.of("HTTP/0.9", "GET /api/canary/health HTTP/0.9\r\nHost: localhost\r\n\r\n"),
            Arguments.of("http/1.1 in lower case", "GET /api/canary/health http/1.1\r\nHost: localhost\r\n\r\n"),
            Arguments.of("two spaces in the request line", "GET  /api/canary/health HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            Arguments.of("a tab in the request line", "GET\t/api/canary/health HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            Arguments.of("a vertical tab in the request line", "GET /api/canary/health\u000bHTTP/1.1\r\nHost: localhost\r\n\r\n"),
            Arguments.of("a space before the request line", " GET /api/canary/health HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            Arguments.of("a NUL before the request line", "\u0000GET /api/canary/health HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            Arguments.of("a space at the end of the request line", "GET /api/canary/health HTTP/1.1 \r\nHost: localhost\r\n\r\n"),
            Arguments.of("a CR inside the request line", "GET /api/canary/health\rHTTP/1.1\r\nHost: localhost\r\n\r\n"),
            Arguments.of("a space before the first field", "GET /api/canary/health HTTP/1.1\r\n Host: localhost\r\n\r\n"),
            Arguments.of("obsolete line folding", "GET /api/canary/health HTTP/1.1\r\nHost: localhost\r\nX-Note: a\r\n b\r\n\r\n"),
            Arguments.of("folding with a tab", "GET /api/canary/health HTTP/1.1\r\nHost: localhost\r\nX-Note: a\r\n\tb\r\n\r\n"),
            Arguments.of("whitespace before the colon", "GET /api/canary/health HTTP/1.1\r\nHost: localhost\r\nX-Note : a\r\n\r\n"),
            Arguments.of("a bare LF", "GET /api/canary/health HTTP/1.1\nHost: localhost\n\n"),
            Arguments.of("a NUL in a header value", "GET /api/canary/health HTTP/1.1\r\nHost: localhost\r\nX-Note: a\u0000b\r\n\r\n"),
            Arguments.of("a NUL in the target", "GET /api/canary/health\u0000 HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            Arguments.of("a control character in the target", "GET /api/canary/he\u0001alth HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            Arguments.of("a raw non-ASCII byte in the target", "GET /api/canary/h\u00e9alth HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            Arguments.of("a fragment in the target", "GET /api/canary/health#x HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            Arguments.of("a target that is not a path", "GET api/canary/health HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            Arguments.of("an asterisk target", "OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            Arguments.of("an authority target", "CONNECT localhost:443 HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            Arguments.of("an absolute target of another scheme", "GET ftp://localhost/api/canary/health HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeadsThatMustBeRefused")
    void shouldRefuseAMalformedRequestHeadWith400AndClose(final String label, final String request)
    {
        try (Wire wire = new Wire(server.port()))
        {
            wire.send(ascii(request + "GET /api/canary/health HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            final RawHttp.Response response = wire.next();
            assertError(400, response);
            assertTrue(response.closes(), response::toString);
            wire.assertClosed();
        }
    }

    @Test
    void shouldAnswer414And431ForTooLongHeadsWhateverElseIsWrongWithThem()
    {
        try (Wire wire = new Wire(server.port()))
        {
            wire.send("GET /api/canary/health?q=" + "a  b".repeat(3000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertError(414, wire.next());
            wire.assertClosed();
        }
        try (Wire wire = new Wire(server.port()))
        {
            wire.send("GET /api/canary/health HTTP/1.1\r\nHost: localhost\r\n" + "X-Pad: p\r\n folded\r\n".repeat(1500) + "\r\n");
            assertError(431, wire.next());
            wire.assertClosed();
        }
    }

    @Test
    void shouldIgnoreEmptyLinesBeforeARequestLine()
    {
        try (Wire wire = new Wire(server.port()))
        {
            wire.send("\r\n\r\nGET /api/canary/health HTTP/1.1\r\nHost: localhost\r\n\r\n\r\nGET /api/canary/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(200, wire.next().status());
            assertEquals(200, wire.next().status());
        }
    }

    @Test
    void shouldServeAnAbsoluteFormTarget()
    {
        try (Wire wire = new Wire(server.port()))
        {
            wire.send("GET http://localhost:9000/api/canary/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(200, wire.next().status());
            wire.send("GET HTTP://localhost/api/canary/customers/" + customer + "/balance?currency=ZAR HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: " + token + "\r\n\r\n");
            assertEquals(200, wire.next().status());
        }
    }

    @Test
    void shouldNeverNormalizeDotSegmentsOrEncodedSlashesInThePath()
    {
        try (RawHttp raw = new RawHttp(server.port()))
        {
            for (final String path : List.of("/api/canary/../canary/health", "/api/canary/./health", "/api/canary/%2e%2e/canary/health",
                "/api/canary/%68ealth", "/api/canary%2Fhealth", "/api/canary/health/.", "/api//canary/health"))
            {
                assertEquals(404, raw.exchange("GET", path, Map.of(), null).status(), path);
            }
            final RawHttp.Response encoded = raw.exchange("POST", "/api/canary/customers/" + customer + "%2Fpay-ins",
                Map.of("Authorization", token, "Content-Type", "application/json"), ascii("{\"amount\":7,\"currency\":\"ZAR\"}"));
            assertTrue(encoded.status() == 404 || encoded.status() == 405, encoded::toString);
        }
        assertEquals(0, balance());
    }

    @Test
    void shouldNeitherEchoATraceNorServeOtherMethodsThanTheRoutes()
    {
        try (Wire wire = new Wire(server.port()))
        {
            wire.send("TRACE /api/canary/health HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + token + "\r\n\r\n"
                + "OPTIONS /api/canary/health HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "HEAD /api/canary/health HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "GET /api/canary/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
            final RawHttp.Response trace = wire.next();
            assertError(405, trace);
            assertTrue(!trace.bodyText().contains(token.substring(7)), "a TRACE never echoes the request: " + trace);
            final RawHttp.Response options = wire.next();
            assertError(405, options);
            assertEquals("GET", options.header("allow"));
            final RawHttp.Response head = wire.next(true);
            assertEquals(405, head.status());
            assertEquals(200, wire.next().status(), "the HEAD reply had no body, so the next reply is framed right");
        }
    }

    // ---- the last request of a connection

    @Test
    void shouldNotRunARequestSentAfterConnectionClose()
    {
        for (final String last : List.of("GET /api/canary/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            "GET /api/canary/health HTTP/1.0\r\nHost: localhost\r\n\r\n"))
        {
            try (Wire wire = new Wire(server.port()))
            {
                wire.send(ascii(last), payIn(SMUGGLED));
                final RawHttp.Response response = wire.next();
                assertEquals(200, response.status());
                assertTrue(response.closes(), response::toString);
                wire.assertClosed();
            }
        }
        assertEquals(0, balance(), "a request after the connection's last one was run");
    }

    // ---- chunked bodies

    @Test
    void shouldAcceptChunkExtensionsAndIgnoreTrailers()
    {
        final String json = "{\"amount\":13,\"currency\":\"ZAR\"}";
        try (Wire wire = new Wire(server.port()))
        {
            wire.send(payInHead("Transfer-Encoding: chunked") + "5;name=value\r\n" + json.substring(0, 5) + "\r\n"
                + Integer.toHexString(json.length() - 5) + "\r\n" + json.substring(5) + "\r\n0\r\nX-Trailer: t\r\n\r\n");
            assertEquals(201, wire.next().status());
        }
        assertEquals(13, balance());
    }

    @Test
    void shouldNotAuthenticateFromATrailer()
    {
        final String json = "{\"amount\":" + SMUGGLED + ",\"currency\":\"ZAR\"}";
        try (Wire wire = new Wire(server.port()))
        {
            wire.send("POST /api/canary/customers/" + customer + "/pay-ins HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(json.length()) + "\r\n" + json + "\r\n0\r\n"
                + "Authorization: " + token + "\r\n\r\n");
            assertEquals(401, wire.next().status());
        }
        assertEquals(0, balance());
    }

    @Test
    void shouldRefuseAVeryLongChunkSizeLineWith400()
    {
        try (Wire wire = new Wire(server.port()))
        {
            wire.send(payInHead("Transfer-Encoding: chunked") + "1" + "0".repeat(10_000) + "\r\n");
            assertError(400, wire.next());
            wire.assertClosed();
        }
    }

    /** RFC 9112 section 7.1: {@code 1*HEXDIG [ BWS ";" extension ] CRLF}. Netty alone reads all of these as a size. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("lenientChunkSizeLines")
    void shouldRefuseAChunkSizeLineThatIsNotRfc9112s(final String label, final String firstLine, final String lastLine)
    {
        final String json = "{\"amount\":" + SMUGGLED + ",\"currency\":\"ZAR\"}";
        try (Wire wire = new Wire(server.port()))
        {
            wire.send(payInHead("Transfer-Encoding: chunked") + firstLine.replace("N", Integer.toHexString(json.length())) + "\r\n" + json
                + "\r\n" + lastLine + "\r\n\r\n");
            final RawHttp.Response response = wire.next();
            wire.assertClosed();
            assertEquals(0, balance());
            assertError(400, response);
        }
    }

    static Stream<Arguments> lenientChunkSizeLines()
    {
        return Stream.of(
            Arguments.of("a space first", " N", "0"),
            Arguments.of("a space after", "N ", "0"),
            Arguments.of("a word after a space", "N x", "0"),
            Arguments.of("a word after a tab", "N\tx", "0"),
            Arguments.of("a NUL after", "N\u0000", "0"),
            Arguments.of("a plus sign", "+N", "0"),
            Arguments.of("0x", "0xN", "0"),
            Arguments.of("a control in the extension", "N;a=\u0001", "0"),
            Arguments.of("a word after the last size", "N", "0 x"),
            Arguments.of("a space before the last size", "N", " 0"),
            Arguments.of("more than 15 hex digits", "000000000000000N", "0"));
    }

    @Test
    void shouldAcceptChunkSizeLinesThatAreRfc9112s()
    {
        final String json = "{\"amount\":2,\"currency\":\"ZAR\"}";
        final String size = Integer.toHexString(json.length());
        for (final String line : List.of(size, size.toUpperCase(java.util.Locale.ROOT), "0" + size, size + ";a", size + ";a=b;c=\"d e\"",
            size + " ;a", size + "\t; a = b"))
        {
            try (Wire wire = new Wire(server.port()))
            {
                wire.send(payInHead("Transfer-Encoding: chunked") + line + "\r\n" + json + "\r\n0;end\r\n\r\n");
                assertEquals(201, wire.next().status(), line);
            }
        }
        assertEquals(14, balance());
    }

    @Test
    void shouldRefuseAMalformedChunkWith400()
    {
        for (final String chunks : List.of("zz\r\nabc\r\n0\r\n\r\n", "3\r\nabcX\r\n0\r\n\r\n", "-3\r\nabc\r\n0\r\n\r\n", "ffffffffff\r\n"))
        {
            try (Wire wire = new Wire(server.port()))
            {
                wire.send(payInHead("Transfer-Encoding: chunked") + chunks);
                assertError(400, wire.next());
                wire.assertClosed();
            }
        }
    }

    // ---- helpers

    private String payInHead(final String... lines)
    {
        return payInHead("HTTP/1.1", List.of(lines));
    }

    private String payInHead(final String version, final List<String> lines)
    {
        final StringBuilder head = new StringBuilder("POST /api/canary/customers/" + customer + "/pay-ins " + version + "\r\n"
            + "Host: localhost\r\nAuthorization: " + token + "\r\nContent-Type: application/json\r\n");
        for (final String line : lines)
        {
            head.append(line).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    private byte[] payIn(final long amount)
    {
        return RawHttp.request("POST", "/api/canary/customers/" + customer + "/pay-ins",
            Map.of("Authorization", token, "Content-Type", "application/json"),
            ("{\"amount\":" + amount + ",\"currency\":\"ZAR\"}").getBytes(StandardCharsets.UTF_8));
    }

    private long balance()
    {
        return (Long)TestJson.object(server.get("/api/canary/customers/" + customer + "/balance", M).body()).get("amount");
    }

    private long payIns()
    {
        final Map<String, Object> page = TestJson.object(server.get("/api/canary/customers/" + customer + "/transactions?limit=1", M).body());
        @SuppressWarnings("unchecked")
        final Map<String, Object> pagination = (Map<String, Object>)page.get("pagination");
        return (Long)pagination.get("total");
    }

    /** Asserts a final response with {@code status} in the Cashful JSON error shape. */
    static void assertError(final int status, final RawHttp.Response response)
    {
        assertEquals(status, response.status(), response::toString);
        assertTrue(String.valueOf(response.header("content-type")).startsWith("application/json"), response::toString);
        final Map<String, Object> error = TestJson.object(response.bodyText());
        assertEquals(Set.of("statusCode", "message", "error"), error.keySet(), response::toString);
        assertEquals((long)status, error.get("statusCode"), response::toString);
        assertTrue(error.get("message") instanceof List<?> list && !list.isEmpty(), response::toString);
    }
}
