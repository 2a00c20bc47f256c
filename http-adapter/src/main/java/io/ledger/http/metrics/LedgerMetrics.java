package io.ledger.http.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import io.ledger.engine.CommandType;
import io.ledger.engine.CommandGateway;
import io.ledger.engine.LedgerTotals;
import io.ledger.engine.ResultCode;
import io.ledger.http.endpoint.Endpoints;
import io.ledger.http.endpoint.Route;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * What the server counts and measures. {@code GET /metrics} serves it through the Prometheus Java client: a
 * {@link PrometheusRegistry} of this server's figures plus the client's JVM metrics, written in OpenMetrics when the
 * scraper's {@code Accept} asks for it and in the text format 0.0.4 otherwise. The console reads the same figures.
 *
 * <p>Recording happens where the figure is owned and is lock-free and allocation-free: {@link AtomicLongArray}s
 * indexed by ordinal (commands on the reply thread, responses on the event loops), {@link LatencyHistogram}s
 * ({@link java.util.concurrent.atomic.LongAdder} buckets and a wait-free HdrHistogram recorder), atomics, and the
 * {@link Refusals} ring. The library sees them through callback metrics and collectors that read them at scrape
 * time, so a scrape never makes a request wait. The ledger thread's figures (pauses) are read from
 * {@link CommandGateway}, which publishes them without pausing.
 *
 * <p>Thread-safety: every method is thread-safe.
 */
public final class LedgerMetrics
{
    /**
     * The JVM's own metrics ({@link JvmCollectors}), registered once per process into a registry of their own that each
     * server's registry reads: their callbacks capture the registry they join, so registering them into each server's
     * would keep every server (and its ring) alive for the life of the JVM.
     */
    private static final PrometheusRegistry JVM_METRICS = new PrometheusRegistry();

    static
    {
        JvmCollectors.register(JVM_METRICS);
    }

    /** The content type of the text format 0.0.4, the default. */
    public static final String TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** The window of the {@code _max} gauges and of the console's longest pause, seconds. */
    public static final int MAX_WINDOW_SECONDS = 60;

    private static final CommandType[] TYPES = CommandType.values();
    private static final ResultCode[] RESULTS = ResultCode.values();
    private static final Route[] ROUTES = Endpoints.routes().toArray(new Route[0]);
    /** Result column for a command the pipeline did not acknowledge (its result is null). */
    private static final int UNAVAILABLE = RESULTS.length;
    private static final int RESULT_COLUMNS = RESULTS.length + 1;
    /** Route row for the console's routes. */
    private static final int CONSOLE = ROUTES.length;
    /** Route row for a request that matched no route (404, 405, malformed HTTP). */
    private static final int UNMATCHED = ROUTES.length + 1;
    private static final int STATUS_COLUMNS = 600;
    private static final String[] TYPE_LABELS = new String[TYPES.length];
    private static final String[] RESULT_LABELS = new String[RESULT_COLUMNS];
    private static final String[] ROUTE_LABELS = new String[ROUTES.length + 2];

    static
    {
        for (int t = 0; t < TYPES.length; t++)
        {
            TYPE_LABELS[t] = lower(TYPES[t].name());
        }
        for (int r = 0; r < RESULTS.length; r++)
        {
            RESULT_LABELS[r] = lower(RESULTS[r].name());
        }
        RESULT_LABELS[UNAVAILABLE] = "unavailable";
        for (int r = 0; r < ROUTES.length; r++)
        {
            ROUTE_LABELS[r] = ROUTES[r].name();
        }
        ROUTE_LABELS[CONSOLE] = "console";
        ROUTE_LABELS[UNMATCHED] = "unmatched";
    }

    private final CommandGateway pipeline;
    private final boolean consumerOnLoop;
    private final JournalFiles journalFiles;
    private final JournalSpace journalSpace;
    private final JournalStatus journal;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final long startMs = System.currentTimeMillis();

    private final AtomicLongArray commands = new AtomicLongArray(TYPES.length * RESULT_COLUMNS);
    private final AtomicLongArray responses = new AtomicLongArray((ROUTES.length + 2) * STATUS_COLUMNS);
    private final AtomicLong lastJournaledCommandId = new AtomicLong();
    private final AtomicInteger connectionsOpen = new AtomicInteger();
    private final AtomicLong connectionsAccepted = new AtomicLong();
    private final AtomicLong connectionsRefused = new AtomicLong();
    private final AtomicLong requestTimeouts = new AtomicLong();
    private final AtomicLong idleClosed = new AtomicLong();
    private final AtomicLong readPauses = new AtomicLong();
    private final Refusals refusals = new Refusals();
    private final LatencyHistogram requestDuration = new LatencyHistogram("ledger_http_request_duration_seconds",
        "Time from a request decoded whole (headers and body) to its response written to the socket, in seconds; "
            + "includes waiting behind earlier requests of the same connection.");
    private final LatencyHistogram pipelineDuration = new LatencyHistogram("ledger_pipeline_duration_seconds",
        "Time from a command published to the ring to its reply handed back by the reply stage, in seconds: "
            + "waiting in the ring, then journal append and ledger apply (in parallel).");

    // The ledger thread's longest pause, read from the pipeline by one taker (this object) and kept two ways.
    private long pauseSinceScrapeNs;
    private final long[] pauseSlotNs = new long[MAX_WINDOW_SECONDS];
    private final long[] pauseSlotSecond = new long[MAX_WINDOW_SECONDS];

    /**
     * @param pipeline         the pipeline: the ring gauges and the ledger thread's figures.
     * @param journalFiles     the journal's files, for their count and size; null leaves the journal file gauges out.
     * @param journal          durability, journal position and snapshots; null leaves those figures out.
     * @param journalSpace     the journal directory's writability and free space; null leaves those gauges out.
     * @param consumerOnLoop   the pipeline's consumer runs on the HTTP event loop ({@code --ledger-thread}, resolved).
     */
    public LedgerMetrics(
        final CommandGateway pipeline, final JournalFiles journalFiles, final JournalStatus journal, final JournalSpace journalSpace,
        final boolean consumerOnLoop)
    {
        this.consumerOnLoop = consumerOnLoop;
        this.pipeline = pipeline;
        this.journalFiles = journalFiles;
        this.journal = journal;
        this.journalSpace = journalSpace;
        java.util.Arrays.fill(pauseSlotSecond, Long.MIN_VALUE);
        register();
    }

    // ---- recording: hot paths, lock-free and allocation-free

    /**
     * A command's reply left the pipeline. Reply thread.
     *
     * @param result      the ledger's outcome, or null when the pipeline had failed.
     * @param publishedNs {@link System#nanoTime()} when it was published to the ring.
     */
    public void commandReplied(final CommandType type, final ResultCode result, final long commandId, final long publishedNs)
    {
        commands.incrementAndGet(type.ordinal() * RESULT_COLUMNS + (result == null ? UNAVAILABLE : result.ordinal()));
        pipelineDuration.recordNs(System.nanoTime() - publishedNs);
        if (result != null && type.journaled() && commandId > lastJournaledCommandId.get())
        {
            lastJournaledCommandId.lazySet(commandId); // one writer: the reply thread
        }
    }

    /**
     * A response was written. Event loop.
     *
     * @param route      the route it answered, or null when the request matched none.
     * @param status     the HTTP status code.
     * @param receivedNs {@link System#nanoTime()} when the request was decoded whole, or 0 when unknown.
     */
    public void responseWritten(final Route route, final int status, final long receivedNs)
    {
        responseWritten(route == null ? UNMATCHED : route.index(), status, receivedNs);
    }

    /** A response to one of the console's routes was written. Event loop. */
    public void consoleResponseWritten(final int status, final long receivedNs)
    {
        responseWritten(CONSOLE, status, receivedNs);
    }

    private void responseWritten(final int row, final int status, final long receivedNs)
    {
        responses.incrementAndGet(row * STATUS_COLUMNS + (status >= 0 && status < STATUS_COLUMNS ? status : 0));
        if (receivedNs != 0)
        {
            requestDuration.recordNs(System.nanoTime() - receivedNs);
        }
    }

    /**
     * A request was refused (4xx or 5xx): kept in the console's ring of recent refusals. Event loop.
     *
     * @param route    the route, or null when the request matched none (or was the console's).
     * @param result   the ledger's outcome when the ledger refused it, else null.
     * @param merchant the token's merchant, or null.
     */
    public void refused(final Route route, final boolean console, final int status, final ResultCode result, final String merchant)
    {
        refusals.record(System.currentTimeMillis(),
            ROUTE_LABELS[console ? CONSOLE : route == null ? UNMATCHED : route.index()], status,
            result != null ? RESULT_LABELS[result.ordinal()] : reasonOf(status), merchant);
    }

    /**
     * A connection was accepted.
     *
     * @return false when it is one more than {@code connectionsMax}: refuse it. It counts as open until
     * {@link #connectionClosed()} all the same.
     */
    public boolean connectionOpened(final int connectionsMax)
    {
        connectionsAccepted.incrementAndGet();
        if (connectionsOpen.incrementAndGet() > connectionsMax)
        {
            connectionsRefused.incrementAndGet();
            return false;
        }
        return true;
    }

    public void connectionClosed()
    {
        connectionsOpen.decrementAndGet();
    }

    public void requestTimedOut()
    {
        requestTimeouts.incrementAndGet();
    }

    public void idleClosed()
    {
        idleClosed.incrementAndGet();
    }

    /** Reading from a connection paused because the client does not read its replies. */
    public void readPausedForSlowReader()
    {
        readPauses.incrementAndGet();
    }

    // ---- reading

    /** @return connections open now, including refused ones not yet closed. */
    public int connectionsOpen()
    {
        return connectionsOpen.get();
    }

    /**
     * Writes every metric family to {@code out}, in the format the {@code Accept} header asks for.
     *
     * @param accept the request's {@code Accept} header, or null.
     * @return the response's content type.
     */
    public String scrape(final String accept, final OutputStream out) throws IOException
    {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        if (!writer.isAvailable()) // protobuf asked for: this server ships the text formats only
        {
            writer = formats.getOpenMetricsTextFormatWriter().accepts(accept)
                ? formats.getOpenMetricsTextFormatWriter() : formats.getPrometheusTextFormatWriter();
        }
        writer.write(out, registry.scrape());
        return writer.getContentType();
    }

    /** @return every metric family as the client library's model (what a scrape writes). */
    public MetricSnapshots snapshots()
    {
        return registry.scrape();
    }

    /** @return commands the pipeline replied to since start, by any result. */
    public long commandsReplied()
    {
        long total = 0;
        for (int i = 0; i < commands.length(); i++)
        {
            total += commands.get(i);
        }
        return total;
    }

    /** @return commands the ledger refused (any result but OK, not counting unavailable) since start. */
    public long commandsRefusedByLedger()
    {
        long total = 0;
        for (int t = 0; t < TYPES.length; t++)
        {
            for (int r = 1; r < RESULTS.length; r++)
            {
                total += commands.get(t * RESULT_COLUMNS + r);
            }
        }
        return total;
    }

    /** @return responses written since start with a status from {@code statusMin} to {@code statusMax}. */
    public long responses(final int statusMin, final int statusMax)
    {
        long total = 0;
        for (int row = 0; row < ROUTES.length + 2; row++)
        {
            for (int status = statusMin; status <= statusMax && status < STATUS_COLUMNS; status++)
            {
                total += responses.get(row * STATUS_COLUMNS + status);
            }
        }
        return total;
    }

    /** @return request latency percentiles and maximum over the last {@code seconds}. */
    public LatencyWindow requestLatency(final int seconds)
    {
        return requestDuration.window(seconds, System.currentTimeMillis());
    }

    /** @return pipeline latency percentiles and maximum over the last {@code seconds}. */
    public LatencyWindow pipelineLatency(final int seconds)
    {
        return pipelineDuration.window(seconds, System.currentTimeMillis());
    }

    /** @return the last refusals, newest first. */
    public java.util.List<Refusals.Refusal> refusals()
    {
        return refusals.recent();
    }

    /** @return the id of the last state-changing command acknowledged by this process, 0 before any. */
    public long lastJournaledCommandId()
    {
        return lastJournaledCommandId.get();
    }

    /** @return durability, journal position and snapshots, or null when the server was built without them. */
    public JournalStatus journal()
    {
        return journal;
    }

    public CommandGateway pipeline()
    {
        return pipeline;
    }

    /** @return the ledger thread's longest pause over the last {@code seconds} (1..60), ns. */
    public synchronized long longestPauseNs(final int seconds)
    {
        final long second = foldPauses();
        long longest = 0;
        for (int i = 0; i < MAX_WINDOW_SECONDS; i++)
        {
            if (pauseSlotSecond[i] > second - seconds && pauseSlotSecond[i] <= second)
            {
                longest = Math.max(longest, pauseSlotNs[i]);
            }
        }
        return longest;
    }

    /** For {@code /metrics}: the longest pause since the previous scrape, and starts the next period. */
    private synchronized long takePauseSinceScrapeNs()
    {
        foldPauses();
        final long longest = pauseSinceScrapeNs;
        pauseSinceScrapeNs = 0;
        return longest;
    }

    /** Moves the pipeline's longest pause since the last take into both views; returns the current second. */
    private long foldPauses()
    {
        final long taken = pipeline.takeLongestPauseNs();
        final long second = System.currentTimeMillis() / 1000;
        final int slot = (int)Math.floorMod(second, (long)MAX_WINDOW_SECONDS);
        if (pauseSlotSecond[slot] != second)
        {
            pauseSlotSecond[slot] = second;
            pauseSlotNs[slot] = 0;
        }
        pauseSlotNs[slot] = Math.max(pauseSlotNs[slot], taken);
        pauseSinceScrapeNs = Math.max(pauseSinceScrapeNs, taken);
        return second;
    }

    // ---- the registry

    private void register()
    {
        registry.register((MultiCollector)JVM_METRICS::scrape);
        registerCounts();
        registerPipeline();
        final LedgerStateMetrics state = new LedgerStateMetrics(registry, pipeline, journalFiles, journal, journalSpace);
        state.registerMoney();
        gauge("ledger_journal_last_command_id", "The id of the last state-changing command acknowledged by this process "
            + "(applied and journaled); 0 before any.", null, lastJournaledCommandId::get);
        state.registerJournal();
        registerConnections();
    }

    /** Commands by type and result, responses by route and status. */
    private void registerCounts()
    {

        CounterWithCallback.builder()
            .name("ledger_commands_total")
            .help("Commands the pipeline replied to, by command type and ledger result (unavailable: not acknowledged "
                + "because the pipeline had failed). Series appear at their first command.")
            .labelNames("type", "result")
            .callback(callback ->
            {
                for (int t = 0; t < TYPES.length; t++)
                {
                    for (int r = 0; r < RESULT_COLUMNS; r++)
                    {
                        final long n = commands.get(t * RESULT_COLUMNS + r);
                        if (n != 0)
                        {
                            callback.call(n, TYPE_LABELS[t], RESULT_LABELS[r]);
                        }
                    }
                }
            })
            .register(registry);
        CounterWithCallback.builder()
            .name("ledger_http_responses_total")
            .help("HTTP responses written, by route (console: the console's routes; unmatched: no route) and status; "
                + "refusals before the ring included. Series appear at their first response.")
            .labelNames("route", "status")
            .callback(callback ->
            {
                for (int row = 0; row < ROUTES.length + 2; row++)
                {
                    for (int status = 0; status < STATUS_COLUMNS; status++)
                    {
                        final long n = responses.get(row * STATUS_COLUMNS + status);
                        if (n != 0)
                        {
                            callback.call(n, ROUTE_LABELS[row], Integer.toString(status));
                        }
                    }
                }
            })
            .register(registry);

    }

    /** Latencies, the ring and the ledger thread's pauses. */
    private void registerPipeline()
    {
        registry.register(requestDuration);
        registry.register(pipelineDuration);
        gauge("ledger_http_request_duration_seconds_max", "The longest of ledger_http_request_duration_seconds over the "
            + "last " + MAX_WINDOW_SECONDS + " s, in seconds (0 when empty).", null,
            () -> requestDuration.window(MAX_WINDOW_SECONDS, System.currentTimeMillis()).max());
        gauge("ledger_pipeline_duration_seconds_max", "The longest of ledger_pipeline_duration_seconds over the "
            + "last " + MAX_WINDOW_SECONDS + " s, in seconds (0 when empty).", null,
            () -> pipelineDuration.window(MAX_WINDOW_SECONDS, System.currentTimeMillis()).max());

        gauge("ledger_ring_free_slots", "Free slots in the ring now; 0 means new commands are refused with 503 until the "
            + "ledger catches up.", null, pipeline::remainingCapacity);
        gauge("ledger_ring_used_slots", "Slots of the ring in use now: commands published and not yet replied to.", null,
            () -> pipeline.ringSizeEvents() - pipeline.remainingCapacity());
        gauge("ledger_ring_size_slots", "The ring's size in slots (--ring-size).", null, pipeline::ringSizeEvents);
        Info.builder()
            .name("ledger_thread_mode_info")
            .help("Where commands are journaled, applied and answered (--ledger-thread, auto resolved at start): own (the "
                + "ledger thread) or event-loop (the HTTP event loop).")
            .labelNames("mode")
            .register(registry)
            .setLabelValues(consumerOnLoop ? "event-loop" : "own");
        gauge("ledger_pipeline_failed", "1 once a journal or ledger failure stopped acknowledgements (the process then "
            + "halts), else 0.", null, () -> pipeline.failed() ? 1 : 0);

        gauge("ledger_thread_longest_pause_seconds", "The longest time the ledger thread went without completing a "
            + "command while one was waiting, since the previous scrape of /metrics, in seconds (a GC pause, a slow "
            + "command, a descheduled thread).", Unit.SECONDS, () -> takePauseSinceScrapeNs() / 1e9);
        gauge("ledger_thread_longest_pause_since_start_seconds", "The longest time the ledger thread went without "
            + "completing a command while one was waiting, since start, in seconds.", Unit.SECONDS,
            () -> pipeline.longestPauseNsSinceStart() / 1e9);
        gauge("ledger_thread_stall_seconds", "How long the ledger thread has now gone without completing a command while "
            + "one waits, in seconds; 0 when nothing waits. GET /api/canary/health reports the ledger down from "
            + "--health-stall-ms on.", Unit.SECONDS, () -> pipeline.ledgerStallNs(System.nanoTime()) / 1e9);
        CounterWithCallback.builder()
            .name("ledger_thread_long_pauses_total")
            .help("Pauses of the ledger thread of at least the warning threshold (--pause-warn-ms); each is logged, at "
                + "most once a second.")
            .callback(callback -> callback.call(pipeline.longPauses()))
            .register(registry);
        CounterWithCallback.builder()
            .name("ledger_history_chunks_allocated_on_ledger_thread_total")
            .help("Chunks of history memory the ledger thread had to allocate (and page-fault) itself because the "
                + "ledger-memory thread had none ready: each costs the ledger thread a fraction of a millisecond.")
            .callback(callback -> callback.call(pipeline.historyChunksAllocatedOnLedgerThread()))
            .register(registry);
    }

    /** Connections, Netty's buffers and the process's uptime. */
    private void registerConnections()
    {
        gauge("ledger_http_connections_open", "Open HTTP connections, including refused ones not yet closed.", null,
            connectionsOpen::get);
        counter("ledger_http_connections_accepted_total", "HTTP connections accepted.", connectionsAccepted);
        counter("ledger_http_connections_refused_total", "Connections beyond --connections-max: their first request was "
            + "answered 503 and they were closed.", connectionsRefused);
        CounterWithCallback.builder()
            .name("ledger_http_connections_closed_total")
            .help("Connections the server closed, by reason: request_timeout (408: a request not whole within "
                + "--request-timeout-ms), idle (--idle-timeout-ms). Pipelining never closes a connection: past "
                + "--pipelined-requests-max the server stops decoding until replies leave.")
            .labelNames("reason")
            .callback(callback ->
            {
                callback.call(requestTimeouts.get(), "request_timeout");
                callback.call(idleClosed.get(), "idle");
            })
            .register(registry);
        counter("ledger_http_read_pauses_total", "Times reading from a connection paused because its unread replies "
            + "passed --write-buffer-bytes-max.", readPauses);

        GaugeWithCallback.builder()
            .name("netty_pooled_allocator_used_bytes")
            .help("Bytes held by Netty's pooled allocator, which holds every connection's buffers.")
            .unit(Unit.BYTES)
            .labelNames("memory")
            .callback(callback ->
            {
                final PooledByteBufAllocatorMetric netty = PooledByteBufAllocator.DEFAULT.metric();
                callback.call(netty.usedDirectMemory(), "direct");
                callback.call(netty.usedHeapMemory(), "heap");
            })
            .register(registry);
        gauge("process_uptime_seconds", "JVM uptime in seconds.", Unit.SECONDS,
            () -> ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
    }

    /** @return true when the currency's money adds up: customers + merchants + held + gifts == paid in - paid out. */
    public static boolean conserved(final LedgerTotals.CurrencyTotals totals)
    {
        return totals.conserved();
    }

    /** @param unit the unit, which the name must end with (the client would append it otherwise); null for none. */
    private void gauge(final String name, final String help, final Unit unit, final java.util.function.DoubleSupplier value)
    {
        LedgerStateMetrics.gauge(registry, name, help, unit, value);
    }

    private void counter(final String name, final String help, final AtomicLong value)
    {
        CounterWithCallback.builder().name(name).help(help).callback(callback -> callback.call(value.get())).register(registry);
    }

    /** What the adapter refused a request for, by its status, when the ledger did not refuse it. */
    private static String reasonOf(final int status)
    {
        return switch (status)
        {
            case 400 -> "validation";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 409 -> "in_flight";
            case 413 -> "body_too_large";
            case 414, 431 -> "head_too_large";
            case 415 -> "not_json";
            case 402 -> "insufficient_funds";
            case 422 -> "unprocessable";
            case 500 -> "internal_error";
            case 503 -> "unavailable";
            default -> "status_" + status;
        };
    }

    private static String lower(final String name)
    {
        return name.toLowerCase(Locale.ROOT);
    }
}
