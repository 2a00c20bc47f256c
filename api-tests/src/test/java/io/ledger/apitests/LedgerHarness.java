package io.ledger.apitests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledger.http.auth.Tokens;
import io.ledger.server.LedgerServer;

/**
 * The real server, started in-process the way {@code ./ledger serve} starts it (Netty on an ephemeral port, the
 * Chronicle journal in a temp directory), and a black-box HTTP client for it. Every request names the operation's
 * path template, so that its reply can be checked against the document ({@link Reply#expect}).
 */
final class LedgerHarness implements AutoCloseable
{
    /** The HS256 key; a restart on the same data dir must use it again for tokens to keep verifying. */
    static final byte[] SECRET = "api-tests-hs256-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    static final long AMOUNT_MAX = 9_007_199_254_740_991L;

    final Path dataDir;
    private final LedgerServer server;
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final HttpClient client = newClient();

    private LedgerHarness(final Path dataDir, final int ringSizeEvents, final JournalGate gate, final String ledgerThread)
    {
        this.dataDir = dataDir;
        this.server = LedgerServer.start(
            new LedgerServer.Config(0, dataDir, SECRET, "process", ringSizeEvents, LedgerServer.Config.WAIT_STRATEGY_DEFAULT, 1, "ZAR")
                .withLedgerThread(ledgerThread),
            (stage, commandId, error) -> fatal.compareAndSet(null, error), gate);
    }

    /** The server as {@code ./ledger serve} runs by default ({@code --ledger-thread auto}: the ledger on the event loop). */
    static LedgerHarness start(final Path dataDir)
    {
        return new LedgerHarness(dataDir, 1024, new JournalGate(), "auto");
    }

    /**
     * A server whose journal {@code gate} can hold: what is published then is neither journaled nor acknowledged. The
     * ledger runs on a thread of its own ({@code --ledger-thread own}), so that the event loop goes on reading and
     * answering (409 for a key in flight, 503 for a full ring) while the journal is held; on the event loop a held
     * journal would hold the loop too.
     */
    static LedgerHarness start(final Path dataDir, final int ringSizeEvents, final JournalGate gate)
    {
        return new LedgerHarness(dataDir, ringSizeEvents, gate, "own");
    }

    /**
     * Holds the journal's appends while {@link #hold()}'s handle is open: a published command is then neither journaled
     * nor acknowledged, so its request stays in flight, and the ring fills behind it, for exactly as long as the test
     * wants. A wrapper the server's pipeline writes through ({@link LedgerServer#start(LedgerServer.Config,
     * io.ledger.engine.LedgerPipeline.FatalErrorHandler, java.util.function.UnaryOperator)}); no thread is suspended, so
     * it works on every JDK.
     */
    static final class JournalGate implements java.util.function.UnaryOperator<io.ledger.engine.JournalWriter>
    {
        private volatile boolean open = true;

        @Override
        public io.ledger.engine.JournalWriter apply(final io.ledger.engine.JournalWriter journal)
        {
            return new io.ledger.engine.JournalWriter()
            {
                @Override
                public void append(final io.ledger.engine.CommandEvent event)
                {
                    while (!open)
                    {
                        java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                    }
                    journal.append(event);
                }

                @Override
                public void endOfBatch()
                {
                    journal.endOfBatch();
                }

                @Override
                public void close()
                {
                    open = true;
                    journal.close();
                }
            };
        }

        /** @return the hold: appends wait until it is closed. */
        AutoCloseable hold()
        {
            open = false;
            return () -> open = true;
        }
    }

    static HttpClient newClient()
    {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static String token(final String merchantId)
    {
        return Tokens.issue(SECRET, merchantId, System.currentTimeMillis(), 3_600_000);
    }

    URI baseUri()
    {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /**
     * @param template an operation's path template from the document, e.g. {@code /api/canary/customers/{id}}.
     * @param id       the value for {@code {id}}, percent-encoded here; null when the template has none.
     */
    Request request(final String method, final String template, final String id)
    {
        return new Request(method, template, id);
    }

    Request get(final String template)
    {
        return request("GET", template, null);
    }

    Request get(final String template, final String id)
    {
        return request("GET", template, id);
    }

    Request post(final String template)
    {
        return request("POST", template, null);
    }

    Request post(final String template, final String id)
    {
        return request("POST", template, id);
    }

    /** @throws AssertionError if the pipeline reported a fatal error while the server ran. */
    @Override
    public void close()
    {
        server.close();
        if (fatal.get() != null)
        {
            throw new AssertionError("pipeline reported a fatal error", fatal.get());
        }
    }

    /** One request, built fluently. Not thread-safe; send it once. */
    final class Request
    {
        private final String method;
        private final String template;
        private final String path;
        private final List<String> query = new ArrayList<>();
        private final HttpRequest.Builder builder;
        private HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        private HttpClient via = client;
        private boolean features;

        private Request(final String method, final String template, final String id)
        {
            this.method = method;
            this.template = template;
            this.path = id == null ? template : template.replace("{id}", URLEncoder.encode(id, StandardCharsets.UTF_8));
            this.builder = HttpRequest.newBuilder().timeout(Duration.ofSeconds(20));
        }

        /** Authenticates as {@code merchantId} with a valid token. */
        Request as(final String merchantId)
        {
            return bearer(token(merchantId));
        }

        Request bearer(final String token)
        {
            return header("Authorization", "Bearer " + token);
        }

        Request header(final String name, final String value)
        {
            builder.header(name, value);
            return this;
        }

        Request idempotencyKey(final String key)
        {
            return header("Idempotency-Key", key);
        }

        Request query(final String name, final Object value)
        {
            query.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
            return this;
        }

        /** A JSON body with {@code Content-Type: application/json}. */
        Request json(final String json)
        {
            return body("application/json", json);
        }

        Request body(final String contentType, final String text)
        {
            if (contentType != null)
            {
                builder.header("Content-Type", contentType);
            }
            body = HttpRequest.BodyPublishers.ofString(text);
            return this;
        }

        /**
         * Marks a request that uses one of this project's wallet features (or reads what one made: a customer with gift
         * balances, a history with refunds): its reply is checked against the served document only, not also against the
         * Cashful reference's schema (see {@link Contract#check}).
         */
        Request features()
        {
            features = true;
            return this;
        }

        /** Sends it on {@code other}'s connections instead of the harness's own (several clients in parallel). */
        Request via(final HttpClient other)
        {
            via = other;
            return this;
        }

        Reply send()
        {
            try
            {
                return reply(via.send(build(), HttpResponse.BodyHandlers.ofByteArray()));
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(method + " " + path, ex);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        }

        CompletableFuture<Reply> sendAsync()
        {
            return via.sendAsync(build(), HttpResponse.BodyHandlers.ofByteArray()).thenApply(this::reply);
        }

        private HttpRequest build()
        {
            final String uri = baseUri() + path + (query.isEmpty() ? "" : "?" + String.join("&", query));
            return builder.uri(URI.create(uri)).method(method, body).build();
        }

        private Reply reply(final HttpResponse<byte[]> response)
        {
            return new Reply(method, template, response.statusCode(), response.headers(), response.body(), features);
        }
    }

    /** A response, with the operation it answers and whether its request used a wallet feature ({@link Request#features()}). */
    record Reply(String method, String template, int status, HttpHeaders headers, byte[] bytes, boolean features)
    {
        String body()
        {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /**
         * Asserts the status and that the reply conforms to the served document (see {@link Contract#check}).
         *
         * @return the parsed body.
         */
        JsonNode expect(final int expectedStatus)
        {
            if (status != expectedStatus)
            {
                throw new AssertionError(method + " " + template + ": expected status " + expectedStatus + " but was " + status + " " + body());
            }
            return Contract.check(this);
        }

        String header(final String name)
        {
            return headers.firstValue(name).orElse(null);
        }
    }
}
