package io.ledger.http.metrics;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import io.ledger.engine.CommandType;
import io.ledger.engine.ResultCode;
import io.ledger.http.Route;

/**
 * What the server counts and measures, served by {@code GET /metrics} in the Prometheus text format 0.0.4.
 *
 * <p>Recording happens on request paths (event loops and the reply thread) and is allocation-free: fixed
 * {@link AtomicLongArray}s indexed by ordinal, HdrHistogram recorders ({@link LatencySummary}) and atomics. Gauges
 * (ring free slots, JVM memory and GC, journal files) are read only when scraped.
 *
 * <p>Families: {@code ledger_commands_total{type,result}} (every command the pipeline replied to, by the outcome the
 * ledger gave it; {@code result="unavailable"} when the pipeline had failed), {@code ledger_http_responses_total{route,
 * status}} (every response written, including refusals before the ring), {@code ledger_http_request_duration_seconds}
 * (a complete request decoded -> its response written to the socket), {@code ledger_pipeline_duration_seconds}
 * (published to the ring -> reply stage: waiting in the ring, journal append and ledger apply), the ring, the
 * journal, the connections, and the JVM (see {@link JvmMetrics}).
 *
 * <p>Thread-safety: every method is thread-safe.
 */
public final class LedgerMetrics
{
    /** The {@code Content-Type} of {@link #scrape()}: the Prometheus text format 0.0.4. */
    public static final String CONTENT_TYPE = PrometheusText.CONTENT_TYPE;

    private static final CommandType[] TYPES = CommandType.values();
    private static final ResultCode[] RESULTS = ResultCode.values();
    private static final Route[] ROUTES = Route.values();
    /** Result column for a command the pipeline did not acknowledge (its result is null). */
    private static final int UNAVAILABLE = RESULTS.length;
    private static final int RESULT_COLUMNS = RESULTS.length + 1;
    /** Route row for a request that matched no route (404, 405, malformed HTTP). */
    private static final int UNMATCHED = ROUTES.length;
    private static final int STATUS_COLUMNS = 600;

    private final LongSupplier ringFreeSlots;
    private final int ringSizeSlots;
    private final BooleanSupplier pipelineFailed;
    private final JournalFiles journalFiles;
    private final long startMs = System.currentTimeMillis();

    private final AtomicLongArray commands = new AtomicLongArray(TYPES.length * RESULT_COLUMNS);
    private final AtomicLongArray responses = new AtomicLongArray((ROUTES.length + 1) * STATUS_COLUMNS);
    private final AtomicLong lastJournaledCommandId = new AtomicLong();
    private final AtomicInteger connectionsOpen = new AtomicInteger();
    private final AtomicLong connectionsAccepted = new AtomicLong();
    private final AtomicLong connectionsRefused = new AtomicLong();
    private final AtomicLong requestTimeouts = new AtomicLong();
    private final AtomicLong pipeliningClosed = new AtomicLong();
    private final AtomicLong idleClosed = new AtomicLong();
    private final AtomicLong readPauses = new AtomicLong();
    private final LatencySummary requestDuration = new LatencySummary("ledger_http_request_duration_seconds",
        "Time from a request decoded whole (headers and body) to its response written to the socket, in seconds; "
            + "includes waiting behind earlier requests of the same connection.");
    private final LatencySummary pipelineDuration = new LatencySummary("ledger_pipeline_duration_seconds",
        "Time from a command published to the ring to its reply handed back by the reply stage, in seconds: "
            + "waiting in the ring, then journal append and ledger apply (in parallel).");

    /**
     * @param ringFreeSlots    the ring's free slots now ({@code LedgerPipeline::remainingCapacity}).
     * @param ringSizeSlots    the ring's size.
     * @param pipelineFailed   true once the pipeline stopped acknowledging ({@code LedgerPipeline::failed}).
     * @param journalFiles     the journal's files, for their count and size; null leaves the journal file gauges out.
     */
    public LedgerMetrics(
        final LongSupplier ringFreeSlots, final int ringSizeSlots, final BooleanSupplier pipelineFailed, final JournalFiles journalFiles)
    {
        this.ringFreeSlots = ringFreeSlots;
        this.ringSizeSlots = ringSizeSlots;
        this.pipelineFailed = pipelineFailed;
        this.journalFiles = journalFiles;
    }

    // ---- recording: hot paths, allocation-free

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
     * A response was written.
     *
     * @param route      the route it answered, or null when the request matched none.
     * @param status     the HTTP status code.
     * @param receivedNs {@link System#nanoTime()} when the request was decoded whole, or 0 when unknown.
     */
    public void responseWritten(final Route route, final int status, final long receivedNs)
    {
        final int row = route == null ? UNMATCHED : route.ordinal();
        responses.incrementAndGet(row * STATUS_COLUMNS + (status >= 0 && status < STATUS_COLUMNS ? status : 0));
        if (receivedNs != 0)
        {
            requestDuration.recordNs(System.nanoTime() - receivedNs);
        }
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

    public void pipeliningExceeded()
    {
        pipeliningClosed.incrementAndGet();
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

    /** @return connections open now, including refused ones not yet closed. */
    public int connectionsOpen()
    {
        return connectionsOpen.get();
    }

    // ---- scraping

    /** @return every family in the text format 0.0.4. */
    public String scrape()
    {
        final StringBuilder sb = new StringBuilder(16 * 1024);
        final PrometheusText text = new PrometheusText(sb);
        final long nowMs = System.currentTimeMillis();

        text.family("ledger_commands_total", "counter",
            "Commands the pipeline replied to, by command type and ledger result (unavailable: not acknowledged "
                + "because the pipeline had failed). Series appear at their first command.");
        for (int t = 0; t < TYPES.length; t++)
        {
            for (int r = 0; r < RESULT_COLUMNS; r++)
            {
                final long n = commands.get(t * RESULT_COLUMNS + r);
                if (n != 0)
                {
                    text.sample("ledger_commands_total", n, "type", lower(TYPES[t].name()),
                        "result", r == UNAVAILABLE ? "unavailable" : lower(RESULTS[r].name()));
                }
            }
        }

        text.family("ledger_http_responses_total", "counter",
            "HTTP responses written, by route (unmatched: no route) and status; refusals before the ring included. "
                + "Series appear at their first response.");
        for (int row = 0; row <= ROUTES.length; row++)
        {
            for (int status = 0; status < STATUS_COLUMNS; status++)
            {
                final long n = responses.get(row * STATUS_COLUMNS + status);
                if (n != 0)
                {
                    text.sample("ledger_http_responses_total", n, "route", row == UNMATCHED ? "unmatched" : lower(ROUTES[row].name()),
                        "status", Integer.toString(status));
                }
            }
        }

        requestDuration.write(text, nowMs);
        pipelineDuration.write(text, nowMs);

        text.family("ledger_ring_free_slots", "gauge",
            "Free slots in the ring now; 0 means new commands are refused with 503 until the ledger catches up.");
        text.sample("ledger_ring_free_slots", ringFreeSlots.getAsLong());
        text.family("ledger_ring_size_slots", "gauge", "The ring's size in slots (--ring-size).");
        text.sample("ledger_ring_size_slots", ringSizeSlots);
        text.family("ledger_pipeline_failed", "gauge",
            "1 once a journal or ledger failure stopped acknowledgements (the process then halts), else 0.");
        text.sample("ledger_pipeline_failed", pipelineFailed.getAsBoolean() ? 1 : 0);

        text.family("ledger_journal_last_command_id", "gauge",
            "The id of the last state-changing command acknowledged by this process (applied and journaled); 0 before any.");
        text.sample("ledger_journal_last_command_id", lastJournaledCommandId.get());
        if (journalFiles != null)
        {
            writeJournalFiles(text);
        }

        text.family("ledger_http_connections_open", "gauge", "Open HTTP connections, including refused ones not yet closed.");
        text.sample("ledger_http_connections_open", connectionsOpen.get());
        text.family("ledger_http_connections_accepted_total", "counter", "HTTP connections accepted.");
        text.sample("ledger_http_connections_accepted_total", connectionsAccepted.get());
        text.family("ledger_http_connections_refused_total", "counter",
            "Connections beyond --connections-max: their first request was answered 503 and they were closed.");
        text.sample("ledger_http_connections_refused_total", connectionsRefused.get());
        text.family("ledger_http_connections_closed_total", "counter",
            "Connections the server closed, by reason: request_timeout (408: a request not whole within "
                + "--request-timeout-ms), idle (--idle-timeout-ms), pipelining (more than --pipelined-requests-max).");
        text.sample("ledger_http_connections_closed_total", requestTimeouts.get(), "reason", "request_timeout");
        text.sample("ledger_http_connections_closed_total", idleClosed.get(), "reason", "idle");
        text.sample("ledger_http_connections_closed_total", pipeliningClosed.get(), "reason", "pipelining");
        text.family("ledger_http_read_pauses_total", "counter",
            "Times reading from a connection paused because its unread replies passed --write-buffer-bytes-max.");
        text.sample("ledger_http_read_pauses_total", readPauses.get());

        JvmMetrics.write(text, startMs);
        return sb.toString();
    }

    private void writeJournalFiles(final PrometheusText text)
    {
        final JournalFiles.Usage usage = journalFiles.usage();
        if (usage == null)
        {
            return;
        }
        text.family("ledger_journal_files", "gauge", "Chronicle queue files (*.cq4) in the journal directory.");
        text.sample("ledger_journal_files", usage.files());
        text.family("ledger_journal_file_bytes", "gauge",
            "Apparent size of the journal's queue files in bytes. Chronicle creates them sparse and grows them in "
                + "chunks, so this is an upper bound of the disk used (du shows the real use).");
        text.sample("ledger_journal_file_bytes", usage.bytes());
    }

    private static String lower(final String name)
    {
        return name.toLowerCase(Locale.ROOT);
    }
}
