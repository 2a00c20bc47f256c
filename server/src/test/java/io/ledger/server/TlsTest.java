package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import java.util.concurrent.CompletableFuture;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;

import io.ledger.http.HttpOptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.ledger.http.TlsFiles;
import io.ledger.http.auth.Tokens;
import io.ledger.server.LedgerServer.Config;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * HTTPS with {@code --tls-cert}/{@code --tls-key}: served with TLS 1.3 (and 1.2 to a client that asks for it), the
 * certificate checked by a real client (Java's HttpClient, trusting only the test's certificate), refused by a client
 * that does not trust it, plain HTTP on the TLS port never answered, and a connection's last reply ended with TLS
 * close_notify. (4af94da had no TLS: these fail to compile there.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTest
{
    private static final byte[] SECRET = "tls-test-secret-at-least-32-bytes-long".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tempDir;

    private TestCertificates certificates;

    @BeforeEach
    void makeCertificate() throws Exception
    {
        certificates = TestCertificates.create(tempDir);
    }

    private LedgerServer start() throws IOException
    {
        final Path dataDir = Files.createDirectories(tempDir.resolve("data"));
        return LedgerServer.start(new Config(0, dataDir, SECRET, "process", 1024, LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR",
            HttpOptions.DEFAULTS.withTls(new TlsFiles(certificates.certificate, certificates.privateKey))));
    }

    private HttpClient client(final String... protocols) throws Exception
    {
        final SSLParameters parameters = new SSLParameters();
        if (protocols.length > 0)
        {
            parameters.setProtocols(protocols);
        }
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
            .sslContext(certificates.clientContext()).sslParameters(parameters).build();
    }

    @Test
    void shouldServeTheApiOverTls13AndTls12WithACertificateTheClientChecks() throws Exception
    {
        try (LedgerServer server = start())
        {
            assertEquals("https://127.0.0.1:" + server.port(), server.url());
            final URI health = URI.create(server.url() + "/api/canary/health");

            final HttpResponse<String> tls13 = client().send(HttpRequest.newBuilder(health).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, tls13.statusCode(), tls13.body());
            assertEquals("TLSv1.3", tls13.sslSession().orElseThrow().getProtocol());

            final HttpResponse<String> tls12 = client("TLSv1.2").send(HttpRequest.newBuilder(health).GET().build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, tls12.statusCode());
            assertEquals("TLSv1.2", tls12.sslSession().orElseThrow().getProtocol());

            final String token = Tokens.issue(SECRET, "tls_merchant", System.currentTimeMillis(), 3_600_000);
            final HttpResponse<String> created = client().send(HttpRequest.newBuilder(URI.create(server.url() + "/api/canary/customers"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"phoneNumber\":\"+27820000000\",\"metadata\":{}}")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            assertTrue(created.body().contains("\"merchantId\":\"tls_merchant\""), created.body());
        }
    }

    @Test
    void shouldBeRefusedByAClientThatDoesNotTrustTheCertificate() throws Exception
    {
        try (LedgerServer server = start())
        {
            final HttpClient untrusting = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build(); // the JDK's default trust store
            final IOException refused = assertThrows(IOException.class, () -> untrusting.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/api/canary/health")).GET().build(), HttpResponse.BodyHandlers.ofString()));
            assertTrue(refused instanceof SSLHandshakeException || refused.getCause() instanceof SSLHandshakeException, refused.toString());
        }
    }

    @Test
    void shouldNeverAnswerPlainHttpOnTheTlsPort() throws Exception
    {
        try (LedgerServer server = start(); Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write("GET /api/canary/health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            final String answer = readToEnd(socket.getInputStream());
            assertFalse(answer.contains("HTTP/1.1 200"), "plain HTTP is not served on a TLS port: " + answer);
        }
    }

    @Test
    void shouldEndAConnectionsLastReplyWithCloseNotifySoThatTheClientCanTellItFromATruncation() throws Exception
    {
        // Netty's client TLS handler reports whether the peer's close_notify arrived; the JDK's SSLSocket does not say.
        final EventLoopGroup group = new NioEventLoopGroup(1);
        try (LedgerServer server = start())
        {
            final SslContext client = SslContextBuilder.forClient().trustManager(certificates.certificate.toFile()).build();
            final ByteArrayOutputStream received = new ByteArrayOutputStream();
            final CompletableFuture<SslCloseCompletionEvent> closeNotify = new CompletableFuture<>();
            final Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        ch.pipeline().addLast(client.newHandler(ch.alloc(), "127.0.0.1", server.port()),
                            new ChannelInboundHandlerAdapter()
                            {
                                @Override
                                public void channelRead(final ChannelHandlerContext ctx, final Object msg)
                                {
                                    final ByteBuf bytes = (ByteBuf)msg;
                                    received.writeBytes(ByteBufUtil.getBytes(bytes));
                                    bytes.release();
                                }

                                @Override
                                public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
                                {
                                    if (event instanceof SslCloseCompletionEvent completion)
                                    {
                                        closeNotify.complete(completion);
                                    }
                                    ctx.fireUserEventTriggered(event);
                                }
                            });
                    }
                })
                .connect("127.0.0.1", server.port()).sync().channel();
            channel.writeAndFlush(Unpooled.copiedBuffer("GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                StandardCharsets.US_ASCII)).sync();

            final SslCloseCompletionEvent completion = closeNotify.get(10, TimeUnit.SECONDS);
            assertTrue(completion.isSuccess(), "the server's close_notify arrived: " + completion);
            final String answer = received.toString(StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 200 OK") && answer.endsWith("{\"status\":\"ok\"}"), answer);
            channel.close().sync();
        }
        finally
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void shouldRefuseUnusableTlsFilesAsABadOptionBeforeStarting() throws Exception
    {
        final Path garbage = Files.writeString(tempDir.resolve("garbage.pem"), "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = LedgerMain.commandLine();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));

        final int exit = commandLine.execute("serve", "--port", "0", "--data-dir", tempDir.resolve("refused").toString(),
            "--jwt-secret", "text:" + new String(SECRET, StandardCharsets.UTF_8),
            "--tls-cert", certificates.certificate.toString(), "--tls-key", garbage.toString());

        assertEquals(2, exit, err::toString);
        assertTrue(err.toString().contains("--tls-cert=" + certificates.certificate + " tls-key=" + garbage + ": cannot serve TLS"), err::toString);
        assertFalse(Files.exists(tempDir.resolve("refused").resolve("journal")), "nothing started");
    }

    private static String readToEnd(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final byte[] buffer = new byte[4096];
        try
        {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer))
            {
                out.write(buffer, 0, n);
            }
        }
        catch (final java.net.SocketException ex)
        {
            // a reset after a close: what was read before is the answer
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
