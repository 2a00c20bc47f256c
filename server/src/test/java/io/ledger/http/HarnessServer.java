package io.ledger.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import io.ledger.engine.ConsumerLoop;
import io.ledger.engine.Currencies;
import io.ledger.engine.Ids;
import io.ledger.engine.JournalWriter;
import io.ledger.engine.Ledger;
import io.ledger.engine.LedgerPipeline;
import io.ledger.http.auth.JwtAuthenticator;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.Durability;
import io.ledger.server.LedgerServer;
import org.agrona.concurrent.SystemEpochClock;

/**
 * The real server, assembled in the order {@code LedgerServer.start} uses (Chronicle journal in a temp directory,
 * replay into a fresh {@link Ledger}, the Disruptor pipeline, Netty on an ephemeral port), with three things a test
 * needs and the production entry point does not offer:
 *
 * <ul>
 *   <li>the ledger's {@link Ledger#stateHash()}, read after {@link #closeAndStateHash()} has joined the pipeline's
 *       threads (so the read is safe: nothing touches the ledger any more);</li>
 *   <li>a wrapper around the journal writer, to slow the pipeline down on purpose (the ledger thread appends each
 *       command before it applies it, so a slow journal fills the ring just as a slow ledger does);</li>
 *   <li>any ring size, any {@link HttpOptions} and any number of event loops.</li>
 * </ul>
 *
 * If {@code LedgerServer.start} changes its wiring, this must follow.
 */
final class HarnessServer implements AutoCloseable
{
    final Path dataDir;
    final Ledger ledger;
    final LedgerPipeline pipeline;
    /** The deployment's ids: a new data directory gets a salt, as {@code LedgerServer.start} gives it. */
    final Ids ids;
    final LedgerHttpServer http;
    final AtomicReference<Throwable> fatal = new AtomicReference<>();
    final HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    private boolean closed;

    HarnessServer(final Path dataDir)
    {
        this(dataDir, 1024, HttpOptions.DEFAULTS, UnaryOperator.identity());
    }

    HarnessServer(final Path dataDir, final int ringSizeEvents, final HttpOptions options, final UnaryOperator<JournalWriter> journalWrapper)
    {
        this(dataDir, ringSizeEvents, options, journalWrapper, UnaryOperator.identity(), 1);
    }

    /** @param pipelineOptions applied last to the pipeline's context (a long-pause handler, say). */
    HarnessServer(
        final Path dataDir, final int ringSizeEvents, final HttpOptions options, final UnaryOperator<JournalWriter> journalWrapper,
        final UnaryOperator<LedgerPipeline.Context> pipelineOptions)
    {
        this(dataDir, ringSizeEvents, options, journalWrapper, pipelineOptions, 1);
    }

    /** @param ioThreads Netty event loops. */
    HarnessServer(
        final Path dataDir, final int ringSizeEvents, final HttpOptions options, final UnaryOperator<JournalWriter> journalWrapper,
        final int ioThreads)
    {
        this(dataDir, ringSizeEvents, options, journalWrapper, UnaryOperator.identity(), ioThreads);
    }

    /**
     * With the pipeline's consumer where {@code ./ledger serve} would run it by default ({@code --ledger-thread auto}):
     * on the event loop with one loop, on a ledger thread of its own with several; on its own thread whatever the number
     * of loops in the run that sets {@value TestServer#LEDGER_THREAD_PROPERTY} to {@code own}.
     *
     * @param pipelineOptions applied last to the pipeline's context (a long-pause handler, say).
     * @param ioThreads       Netty event loops.
     */
    HarnessServer(
        final Path dataDir, final int ringSizeEvents, final HttpOptions options, final UnaryOperator<JournalWriter> journalWrapper,
        final UnaryOperator<LedgerPipeline.Context> pipelineOptions, final int ioThreads)
    {
        this(dataDir, ringSizeEvents, options, journalWrapper, pipelineOptions, ioThreads,
            ioThreads == 1 && !"own".equals(TestServer.ledgerThread()) ? UnaryOperator.identity() : null);
    }

    /**
     * With a {@code ledger} thread of its own whatever the run's mode: for tests that hold the journal or the ledger
     * thread back and expect the event loop to go on answering meanwhile (a full ring, a stall reported as 503), which is
     * what a thread of its own gives. On the event loop a held journal holds the loop (see StalledLedgerHealthTest).
     */
    static HarnessServer onLedgerThread(
        final Path dataDir, final int ringSizeEvents, final HttpOptions options, final UnaryOperator<JournalWriter> journalWrapper,
        final UnaryOperator<LedgerPipeline.Context> pipelineOptions)
    {
        return new HarnessServer(dataDir, ringSizeEvents, options, journalWrapper, pipelineOptions, 1, null);
    }

    /**
     * With the pipeline's consumer on the one event loop ({@code --ledger-thread event-loop}), as {@code consumerLoop}
     * sees it (a test may wrap it to hold the loop's drains); null for a ledger thread of its own.
     */
    HarnessServer(
        final Path dataDir, final int ringSizeEvents, final HttpOptions options, final UnaryOperator<JournalWriter> journalWrapper,
        final UnaryOperator<LedgerPipeline.Context> pipelineOptions, final int ioThreads, final UnaryOperator<ConsumerLoop> consumerLoop)
    {
        this.dataDir = dataDir;
        final HttpEventLoops loops = HttpEventLoops.create(options.transport(), ioThreads);
        final Path journalDir = dataDir.resolve("journal");
        final ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.PROCESS);
        ledger = new Ledger(Currencies.pack("ZAR"));
        journal.replay(ledger::apply);
        ledger.checkConservation();
        final boolean fresh = ledger.lastCommandId() < 0;
        final long recoveredSalt = ledger.deploymentSalt();
        pipeline = LedgerPipeline.start(
            pipelineOptions.apply(new LedgerPipeline.Context()
                .ringSizeEvents(ringSizeEvents)
                .waitStrategy(LedgerPipeline.Context.WAIT_STRATEGY_DEFAULT)
                .clock(SystemEpochClock.INSTANCE)
                .firstCommandId(Math.max(journal.lastCommandId(), ledger.lastCommandId()) + 1)
                .fatalErrorHandler((stage, commandId, error) -> fatal.compareAndSet(null, error))
                .consumerLoop(consumerLoop == null ? null : consumerLoop.apply(loops.consumerLoop()))),
            ledger,
            journalWrapper.apply(journal));
        final JwtAuthenticator authenticator =
            new JwtAuthenticator(TestServer.SECRET, SystemEpochClock.INSTANCE, LedgerServer.JWT_CLOCK_SKEW_MS);
        ids = LedgerServer.deploymentIds(pipeline, fresh, recoveredSalt, new java.security.SecureRandom()::nextLong);
        http = LedgerHttpServer.start(0, loops, pipeline, ids, authenticator, options.withJournalFiles(LedgerServer.journalFiles(journalDir)));
    }

    int port()
    {
        return http.port();
    }

    URI uri(final String path)
    {
        return URI.create("http://127.0.0.1:" + port() + path);
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
        return merchant == null ? builder : builder.header("Authorization", "Bearer " + TestServer.token(merchant));
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

    /** Creates a customer and returns its id. */
    String createCustomer(final String merchant, final String email)
    {
        final HttpResponse<String> response = post("/api/canary/customers", merchant,
            "{\"phoneNumber\":\"+27820000000\",\"email\":\"" + email + "\",\"metadata\":{\"k\":\"v\"}}");
        if (response.statusCode() != 201)
        {
            throw new AssertionError("create customer: " + response.statusCode() + " " + response.body());
        }
        return (String)TestJson.object(response.body()).get("id");
    }

    /** Stops the server, waits for the pipeline's threads to finish, and returns the ledger's state hash. */
    long closeAndStateHash()
    {
        close();
        return ledger.stateHash();
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        http.stopAccepting();
        pipeline.close(); // joins the pipeline's threads, then closes the journal
        http.close();
        if (fatal.get() != null)
        {
            throw new AssertionError("pipeline reported a fatal error", fatal.get());
        }
    }
}
