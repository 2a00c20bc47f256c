package io.ledger.bench.bare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.ledger.http.auth.Tokens;
import io.ledger.server.LedgerServer;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The bare Netty server (the transport floor) answers what it should: a constant 201 of a purchase reply's size to
 * every POST, keep-alive and close as asked, and it stops on request. Nothing is timed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BareServerSmokeTest
{
    private static final byte[] SECRET = "bare-server-smoke-test-secret-0123456789".getBytes(StandardCharsets.UTF_8);

    /** Runs {@code bare-server} with {@code args} in a thread, hands its command to {@code body}, then stops it. */
    private static void withServer(final ServerBody body, final String... args) throws Exception
    {
        final BareServerCommand command = new BareServerCommand();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        command.stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        command.stderr = command.stdout;
        final ExecutorService thread = Executors.newSingleThreadExecutor();
        try
        {
            final Future<Integer> exit = thread.submit(() -> new CommandLine(command).execute(args));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (command.boundPort() < 0 && !exit.isDone() && System.nanoTime() < deadline)
            {
                Thread.sleep(10);
            }
            assertTrue(command.boundPort() > 0, () -> "not listening; output: " + out);
            assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("bare-netty listening on http://127.0.0.1:" + command.boundPort()), out::toString);
            body.run(command.boundPort());
            command.stop();
            assertEquals(0, exit.get(10, TimeUnit.SECONDS), out::toString);
        }
        finally
        {
            command.stop();
            thread.shutdownNow();
        }
    }

    interface ServerBody
    {
        void run(int port) throws Exception;
    }

    @Test
    void shouldAnswerEveryPostWithTheSamePurchaseSized201OnOneKeepAliveConnection() throws Exception
    {
        withServer(port ->
        {
            final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            for (final String path : new String[] {"/api/canary/purchases", "/api/canary/batch", "/anything"})
            {
                final HttpResponse<String> reply = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":100}")).header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
                assertEquals(201, reply.statusCode());
                assertEquals(BareServerCommand.PURCHASE_REPLY, reply.body());
                assertEquals("application/json", reply.headers().firstValue("content-type").orElse(null));
                assertEquals(String.valueOf(BareServerCommand.PURCHASE_REPLY.length()), reply.headers().firstValue("content-length").orElse(null));
            }
            final HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(405, get.statusCode());
        }, "--port", "0", "--max-seconds", "30");
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrderAndCloseWhenAsked() throws Exception
    {
        withServer(port ->
        {
            try (Socket socket = new Socket("127.0.0.1", port))
            {
                socket.setSoTimeout(10_000);
                final String post = "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";
                final String close = "POST /p HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}";
                final OutputStream out = socket.getOutputStream();
                out.write((post + post + close).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                final String replies = new String(readAll(socket.getInputStream()), StandardCharsets.US_ASCII);
                assertEquals(3, replies.split("HTTP/1.1 201 Created", -1).length - 1, replies);
                assertTrue(replies.endsWith(BareServerCommand.PURCHASE_REPLY), replies);
                assertTrue(replies.toLowerCase().contains("connection: close"), replies);
            }
        }, "--max-seconds", "30");
    }

    @Test
    void shouldServeOverNativeEpollWhenAsked() throws Exception
    {
        Assumptions.assumeTrue(Epoll.isAvailable(), "Netty's epoll transport does not load on this machine");
        withServer(port ->
        {
            try (BareHttpServer second = BareHttpServer.start("127.0.0.1", 0, BareHttpServer.Transport.EPOLL, new byte[] {'{', '}'}))
            {
                assertEquals(BareHttpServer.Transport.EPOLL, second.transport());
                final HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + second.port() + "/")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertEquals(201, reply.statusCode());
                assertEquals("{}", reply.body());
            }
        }, "--transport", "epoll", "--max-seconds", "30");
    }

    @Test
    void shouldStopByItselfAfterMaxSeconds()
    {
        final BareServerCommand command = new BareServerCommand();
        command.stdout = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        command.stderr = command.stdout;
        assertEquals(0, new CommandLine(command).execute("--max-seconds", "1"));
    }

    @Test
    void shouldRefuseUnknownTransport()
    {
        final BareServerCommand command = new BareServerCommand();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        command.stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, new CommandLine(command).execute("--transport", "io_uring"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("must be nio or epoll"), err::toString);
    }

    /**
     * The constant body has the size of the ledger's own reply to the load tool's purchase (a merchant named like the
     * load tool's, amount 100 from 100000000), so the floor moves as many bytes as the ledger does.
     */
    @Test
    void shouldReplyWithTheSizeOfTheLedgersPurchaseReply(@TempDir final Path dir) throws Exception
    {
        final LedgerServer server = LedgerServer.start(new LedgerServer.Config(0, dir.resolve("data"), SECRET, "process", 1024, LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR"),
            (stage, commandId, error) -> { });
        try
        {
            final String api = "http://127.0.0.1:" + server.port() + "/api/canary";
            final String token = Tokens.issue(SECRET, "bench_mk2x9a1b", System.currentTimeMillis(), 600_000);
            final HttpClient client = HttpClient.newHttpClient();
            final String customer = post(client, api + "/customers", token, "{\"phoneNumber\":\"+27821000001\",\"metadata\":{\"source\":\"ledger-load\"}}");
            final String id = customer.replaceFirst("^\\{\"id\":\"([^\"]+)\".*$", "$1");
            assertFalse(id.equals(customer), customer);
            post(client, api + "/customers/" + id + "/pay-ins", token, "{\"amount\":100000000,\"currency\":\"ZAR\"}");
            final String purchase = post(client, api + "/purchases", token,
                "{\"customerId\":\"" + id + "\",\"productId\":\"bench-product\",\"amount\":100,\"currency\":\"ZAR\"}");
            assertNotNull(purchase);
            assertEquals(purchase.length(), BareServerCommand.PURCHASE_REPLY.length(), purchase);
        }
        finally
        {
            server.close();
        }
    }

    private static String post(final HttpClient client, final String uri, final String token, final String json) throws IOException, InterruptedException
    {
        final HttpResponse<String> reply = client.send(HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, reply.statusCode(), reply::body);
        return reply.body();
    }

    private static byte[] readAll(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) >= 0)
        {
            bytes.write(buffer, 0, n);
        }
        return bytes.toByteArray();
    }
}
