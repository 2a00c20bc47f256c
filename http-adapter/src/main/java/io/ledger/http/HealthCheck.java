package io.ledger.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandGateway;
import io.ledger.http.endpoint.Json;
import io.ledger.http.metrics.JournalSpace;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The two health routes. Neither needs a token, and neither goes through the ring, so both answer while the ledger is
 * saturated, or paused on a thread of its own. When the pipeline's consumer runs on the event loop that reads them
 * ({@code --ledger-thread event-loop}, the server's default), a stalled ledger stalls them too: the probe times out, which
 * an orchestrator reads as a failure (docs/operations.md, "Health while the ledger stalls").
 *
 * <ul>
 *   <li>{@code GET /api/canary/health}, Cashful's health check ("the application and its dependencies", 200 when all
 *       are healthy, 503 when one is not), reports the ledger's real state as three indicators, in the Cashful
 *       reference's shape ({@code status}, {@code info} for those up, {@code error} for those down, {@code details} for
 *       all):
 *       <ul>
 *         <li>{@code ledger}: down once the pipeline failed (nothing is acknowledged any more; the process halts), or
 *             while the ledger thread has gone {@link HttpOptions#healthStallMs()} without completing a command while
 *             one waits ({@link CommandGateway#ledgerStallNs});</li>
 *         <li>{@code ring}: its occupancy; down while it is full (new commands get 503 at once);</li>
 *         <li>{@code journal}: down when its directory is not writable or its file system has less than
 *             {@link #JOURNAL_FREE_BYTES_MIN} left (the next appends would fail and halt the server).</li>
 *       </ul>
 *       It is the readiness check: a load balancer stops sending while it is 503.</li>
 *   <li>{@code GET /health/live}, the liveness check: 200 whenever the server answers HTTP at all, whatever the
 *       ledger's state. A process manager restarts on it; restarting a server whose ledger is merely busy would only
 *       make it replay.</li>
 * </ul>
 *
 * <p>Thread-safe: stateless apart from its inputs, which are readable from any event loop.
 */
final class HealthCheck
{
    /**
     * Free bytes below which the journal's file system counts as full: four of Chronicle's 64 MiB chunks, a margin for
     * the appends in flight and the day file of a new UTC day. Snapshots need more (about their size, see
     * docs/capacity.md): alert on free space well above this.
     */
    static final long JOURNAL_FREE_BYTES_MIN = 256L << 20;

    private final CommandGateway pipeline;
    private final long stallNsMax;
    private final JournalSpace journalSpace;

    HealthCheck(final CommandGateway pipeline, final HttpOptions options)
    {
        this.pipeline = pipeline;
        this.stallNsMax = TimeUnit.MILLISECONDS.toNanos(options.healthStallMs());
        this.journalSpace = options.journalSpace();
    }

    /** One indicator: up or down, why it is down (null when up), and for the ring its slots in use (else -1). */
    record Indicator(String name, boolean up, String message, long usedSlots)
    {
        Indicator(final String name, final boolean up, final String message)
        {
            this(name, up, message, -1);
        }
    }

    /** @return the ledger, ring and journal indicators now, in that order; the journal's only when it is known. */
    Indicator[] indicators()
    {
        final Indicator journal = journal();
        final Indicator[] all = journal == null ? new Indicator[2] : new Indicator[3];
        all[0] = ledger();
        all[1] = ring();
        if (journal != null)
        {
            all[2] = journal;
        }
        return all;
    }

    private Indicator ledger()
    {
        if (pipeline.failed())
        {
            return new Indicator("ledger", false, "the pipeline failed: no command is acknowledged any more, and the server halts "
                + "(exit 70) so that a restart replays the journal");
        }
        final long stallNs = pipeline.ledgerStallNs(System.nanoTime());
        if (stallNs >= stallNsMax)
        {
            return new Indicator("ledger", false, "the ledger thread has completed no command for "
                + TimeUnit.NANOSECONDS.toMillis(stallNs) + " ms while commands wait");
        }
        return new Indicator("ledger", true, null);
    }

    private Indicator ring()
    {
        final long free = pipeline.remainingCapacity();
        final long used = pipeline.ringSizeEvents() - free;
        return free == 0
            ? new Indicator("ring", false, "the ring is full: new commands are refused with 503", used)
            : new Indicator("ring", true, null, used);
    }

    private Indicator journal()
    {
        if (journalSpace == null)
        {
            return null;
        }
        final JournalSpace.State state = journalSpace.state();
        if (!state.writable())
        {
            return new Indicator("journal", false, "the journal directory is not writable");
        }
        if (state.usableBytes() >= 0 && state.usableBytes() < JOURNAL_FREE_BYTES_MIN)
        {
            return new Indicator("journal", false, (state.usableBytes() >> 20) + " MiB free on the journal's file system, below "
                + (JOURNAL_FREE_BYTES_MIN >> 20) + " MiB");
        }
        return new Indicator("journal", true, null);
    }

    /** @return the readiness answer: 200 when every indicator is up, else 503; in the Cashful reference's shape. */
    FullHttpResponse readiness(final ByteBufAllocator alloc)
    {
        final Indicator[] indicators = indicators();
        boolean up = true;
        for (final Indicator indicator : indicators)
        {
            up &= indicator.up();
        }
        final ByteBuf body = alloc.buffer(256);
        try (JsonGenerator json = Json.generator(body))
        {
            json.writeStartObject();
            json.writeStringField("status", up ? "ok" : "error");
            writeGroup(json, "info", indicators, Boolean.TRUE);
            writeGroup(json, "error", indicators, Boolean.FALSE);
            writeGroup(json, "details", indicators, null);
            json.writeEndObject();
        }
        catch (final IOException ex)
        {
            body.release();
            throw new UncheckedIOException(ex);
        }
        return response(up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }

    /** @return the liveness answer: always 200 {@code {"status":"ok"}}. */
    static FullHttpResponse liveness(final ByteBufAllocator alloc)
    {
        final ByteBuf body = alloc.buffer(16);
        body.writeBytes(LIVE);
        return response(HttpResponseStatus.OK, body);
    }

    private static final byte[] LIVE = "{\"status\":\"ok\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** {@code "name": {indicator: {"status", "message"?, ...}}} for the indicators that are up, down, or all (null). */
    private void writeGroup(final JsonGenerator json, final String name, final Indicator[] indicators, final Boolean up)
        throws IOException
    {
        json.writeObjectFieldStart(name);
        for (final Indicator indicator : indicators)
        {
            if (up != null && indicator.up() != up)
            {
                continue;
            }
            json.writeObjectFieldStart(indicator.name());
            json.writeStringField("status", indicator.up() ? "up" : "down");
            if (indicator.message() != null)
            {
                json.writeStringField("message", indicator.message());
            }
            if (indicator.usedSlots() >= 0)
            {
                json.writeNumberField("usedSlots", indicator.usedSlots());
                json.writeNumberField("sizeSlots", pipeline.ringSizeEvents());
            }
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static FullHttpResponse response(final HttpResponseStatus status, final ByteBuf body)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }
}
