package io.ledger.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.ledger.http.auth.Tokens;
import io.ledger.server.LedgerServer;

/** A real server (Netty on an ephemeral port, Chronicle journal in a temp dir) and a client for it. */
final class TestServer implements AutoCloseable
{
    static final byte[] SECRET = "integration-test-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    final Path dataDir;
    final LedgerServer server;
    final HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    final AtomicReference<Throwable> fatal = new AtomicReference<>();

    TestServer(final Path dataDir)
    {
        this(dataDir, HttpOptions.DEFAULTS);
    }

    /**
     * With the HTTP options a test chooses (limits, the change stream's bounds). The pipeline's consumer runs where the
     * system property {@value #LEDGER_THREAD_PROPERTY} says: by default {@code auto}, as {@code ./ledger serve} runs
     * (with these options: on the event loop); the server module's surefire execution {@code own} runs a set of these
     * tests again with {@code own} (and the {@code blocking} wait strategy, which only a ledger thread has).
     */
    TestServer(final Path dataDir, final HttpOptions http)
    {
        this(dataDir, http, "process");
    }

    /** As {@link #TestServer(Path, HttpOptions)}, in the given durability ({@code process} or {@code fsync}). */
    TestServer(final Path dataDir, final HttpOptions http, final String durability)
    {
        this.dataDir = dataDir;
        final String ledgerThread = ledgerThread();
        final LedgerServer.Config config = "own".equals(ledgerThread)
            ? new LedgerServer.Config(0, dataDir, SECRET, durability, 1024, "blocking", 1, "ZAR", http).withLedgerThread("own")
            : new LedgerServer.Config(0, dataDir, SECRET, durability, 1024, LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR", http)
                .withLedgerThread(ledgerThread);
        this.server = LedgerServer.start(config, (stage, commandId, error) -> fatal.compareAndSet(null, error));
    }

    /** The system property that says where the test servers' pipeline consumer runs: {@code auto} (unset), {@code own}, {@code event-loop}. */
    static final String LEDGER_THREAD_PROPERTY = "ledger.test.ledgerThread";

    /** @return {@code --ledger-thread} for the servers of this test run. */
    static String ledgerThread()
    {
        return System.getProperty(LEDGER_THREAD_PROPERTY, "auto");
    }

    static String token(final String merchantId)
    {
        return Tokens.issue(SECRET, merchantId, System.currentTimeMillis(), 3_600_000);
    }

    /** @return an operator token: what {@code /metrics} and the console want by default. */
    static String operatorToken()
    {
        return Tokens.issueOperator(SECRET, "ops", System.currentTimeMillis(), 3_600_000);
    }

    /** @return {@code GET /metrics} with an operator token. */
    HttpResponse<String> scrape()
    {
        return send(HttpRequest.newBuilder(uri("/metrics")).timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + operatorToken()).GET().build());
    }

    URI uri(final String path)
    {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    HttpResponse<String> send(final HttpRequest request)
    {
        try
        {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    HttpRequest.Builder request(final String path, final String merchant)
    {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
        return merchant == null ? builder : builder.header("Authorization", "Bearer " + token(merchant));
    }

    HttpResponse<String> get(final String path, final String merchant)
    {
        return send(request(path, merchant).GET().build());
    }

    HttpResponse<String> post(final String path, final String merchant, final String json)
    {
        return send(request(path, merchant).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    CompletableFuture<HttpResponse<String>> postAsync(final String path, final String merchant, final String json)
    {
        return client.sendAsync(request(path, merchant).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Creates a customer and returns its id. */
    String createCustomer(final String merchant, final String email)
    {
        final String body = email == null
            ? "{\"phoneNumber\":\"+27820000000\",\"metadata\":{}}"
            : "{\"phoneNumber\":\"+27820000000\",\"email\":\"" + email + "\",\"metadata\":{}}";
        final HttpResponse<String> response = post("/api/canary/customers", merchant, body);
        if (response.statusCode() != 201)
        {
            throw new AssertionError("create customer: " + response.statusCode() + " " + response.body());
        }
        return (String)TestJson.object(response.body()).get("id");
    }

    void payIn(final String merchant, final String customerId, final long amount)
    {
        final HttpResponse<String> response = post("/api/canary/customers/" + customerId + "/pay-ins", merchant,
            "{\"amount\":" + amount + ",\"currency\":\"ZAR\"}");
        if (response.statusCode() != 201)
        {
            throw new AssertionError("pay-in: " + response.statusCode() + " " + response.body());
        }
    }

    long balance(final String merchant, final String customerId)
    {
        final Map<String, Object> body = TestJson.object(get("/api/canary/customers/" + customerId + "/balance", merchant).body());
        return (Long)body.get("amount");
    }

    @Override
    public void close()
    {
        server.close();
        if (fatal.get() != null)
        {
            throw new AssertionError("pipeline reported a fatal error", fatal.get());
        }
    }
}
