package io.ledger.http.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandGateway;
import io.ledger.engine.LedgerTotals;
import io.ledger.http.metrics.JournalStatus;
import io.ledger.http.metrics.LatencyWindow;
import io.ledger.http.metrics.LedgerMetrics;
import io.ledger.http.metrics.Refusals;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * {@code GET /console/api/stats}: the figures the console page polls every second, as one JSON object read from
 * {@link LedgerMetrics} (the same figures {@code /metrics} serves) and from what the ledger thread publishes. It never
 * touches the ring, so it answers while the ledger is saturated or paused.
 *
 * <p>Counters are totals since start; the page turns them into rates. Latencies are percentiles over the last
 * {@value #LATENCY_WINDOW_SECONDS} s, in milliseconds ({@code null} when nothing was measured).
 *
 * <p>Thread-safety: stateless; call it on any thread.
 */
public final class ConsoleStats
{
    /** The window of the latency percentiles the console shows, seconds. */
    public static final int LATENCY_WINDOW_SECONDS = 10;

    private static final JsonFactory JSON = new JsonFactory();

    private ConsoleStats()
    {
    }

    /** @return the figures as a 200 JSON response. */
    public static FullHttpResponse response(final ByteBufAllocator alloc, final LedgerMetrics metrics)
    {
        final ByteBuf body = alloc.buffer(4096);
        try (JsonGenerator json = JSON.createGenerator((java.io.OutputStream)new ByteBufOutputStream(body)))
        {
            write(json, metrics);
        }
        catch (final IOException | RuntimeException ex)
        {
            body.release();
            throw ex instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException)ex;
        }
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
            .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        ConsoleAssets.secure(response);
        return response;
    }

    static void write(final JsonGenerator json, final LedgerMetrics metrics) throws IOException
    {
        final CommandGateway pipeline = metrics.pipeline();
        final long nowMs = System.currentTimeMillis();
        json.writeStartObject();
        json.writeNumberField("atMs", nowMs);

        json.writeObjectFieldStart("commands");
        json.writeNumberField("replied", metrics.commandsReplied());
        json.writeNumberField("refusedByLedger", metrics.commandsRefusedByLedger());
        json.writeEndObject();

        json.writeObjectFieldStart("responses");
        json.writeNumberField("total", metrics.responses(0, 599));
        json.writeNumberField("ok", metrics.responses(200, 399));
        json.writeNumberField("clientErrors", metrics.responses(400, 499));
        json.writeNumberField("serverErrors", metrics.responses(500, 599));
        json.writeEndObject();

        json.writeNumberField("latencyWindowSeconds", LATENCY_WINDOW_SECONDS);
        latency(json, "requestLatency", metrics.requestLatency(LATENCY_WINDOW_SECONDS));
        latency(json, "pipelineLatency", metrics.pipelineLatency(LATENCY_WINDOW_SECONDS));

        json.writeObjectFieldStart("ring");
        json.writeNumberField("sizeSlots", pipeline.ringSizeEvents());
        json.writeNumberField("usedSlots", pipeline.ringSizeEvents() - pipeline.remainingCapacity());
        json.writeEndObject();
        json.writeBooleanField("pipelineFailed", pipeline.failed());
        json.writeNumberField("connectionsOpen", metrics.connectionsOpen());

        json.writeObjectFieldStart("ledgerThread");
        json.writeNumberField("longestPauseMs", metrics.longestPauseNs(LedgerMetrics.MAX_WINDOW_SECONDS) / 1e6);
        json.writeNumberField("longestPauseWindowSeconds", LedgerMetrics.MAX_WINDOW_SECONDS);
        json.writeNumberField("longestPauseMsSinceStart", pipeline.longestPauseNsSinceStart() / 1e6);
        json.writeNumberField("longPauses", pipeline.longPauses());
        json.writeNumberField("pauseWarnMs", pipeline.pauseWarnNs() / 1e6);
        json.writeEndObject();

        writeJournal(json, metrics.lastJournaledCommandId(), metrics.journal(), nowMs);

        writeMoney(json, pipeline.moneyTotals().read());
        writeRefusals(json, metrics.refusals());
        json.writeEndObject();
    }

    /** The journal's position and durability, the newest snapshot and the snapshot follower. */
    private static void writeJournal(final JsonGenerator json, final long lastCommandId, final JournalStatus journal,
        final long nowMs) throws IOException
    {
        json.writeObjectFieldStart("journal");
        json.writeNumberField("lastCommandId", lastCommandId);
        if (journal != null)
        {
            json.writeStringField("durability", journal.durability());
            final long index = journal.journalIndex();
            json.writeStringField("index", index < 0 ? null : "0x" + Long.toHexString(index));
        }
        json.writeEndObject();

        final JournalStatus.Snapshot snapshot = journal == null ? null : journal.lastSnapshot();
        if (snapshot == null)
        {
            json.writeNullField("snapshot");
        }
        else
        {
            json.writeObjectFieldStart("snapshot");
            json.writeNumberField("atMs", snapshot.atMs());
            json.writeNumberField("ageSeconds", Math.max(0, nowMs - snapshot.atMs()) / 1000.0);
            json.writeNumberField("lastCommandId", snapshot.lastCommandId());
            millisOrNull(json, "totalMs", snapshot.totalNs());
            json.writeEndObject();
        }
        if (journal != null)
        {
            json.writeObjectFieldStart("snapshotFollower");
            json.writeBooleanField("up", journal.followerUp());
            final long behind = journal.followerRecordsBehind();
            if (behind < 0)
            {
                json.writeNullField("behindRecords");
            }
            else
            {
                json.writeNumberField("behindRecords", behind);
            }
            json.writeNumberField("failures", journal.snapshotFailures());
            json.writeEndObject();
        }
    }

    /** Money per currency; amounts as strings, since a total may pass 2^53, where a JSON number loses digits. */
    private static void writeMoney(final JsonGenerator json, final List<LedgerTotals.CurrencyTotals> totals) throws IOException
    {
        boolean conserved = true;
        json.writeObjectFieldStart("money");
        json.writeBooleanField("available", true);
        json.writeBooleanField("heldTracked", true);
        json.writeArrayFieldStart("currencies");
        for (final LedgerTotals.CurrencyTotals t : totals)
        {
            final boolean ok = LedgerMetrics.conserved(t);
            conserved &= ok;
            json.writeStartObject();
            json.writeStringField("currency", t.currency());
            json.writeStringField("customersMinor", Long.toString(t.customersMinor()));
            json.writeStringField("merchantsMinor", Long.toString(t.merchantsMinor()));
            json.writeStringField("heldMinor", Long.toString(t.heldMinor()));
            json.writeStringField("giftsMinor", Long.toString(t.giftsMinor()));
            json.writeStringField("paidInMinor", Long.toString(t.paidInMinor()));
            json.writeStringField("paidOutMinor", Long.toString(t.paidOutMinor()));
            json.writeBooleanField("conserved", ok);
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeBooleanField("conserved", conserved);
        json.writeEndObject();
    }

    private static void writeRefusals(final JsonGenerator json, final List<Refusals.Refusal> recent) throws IOException
    {
        final Map<String, Integer> byReason = new TreeMap<>();
        for (final Refusals.Refusal refusal : recent)
        {
            byReason.merge(refusal.reason(), 1, Integer::sum);
        }
        json.writeObjectFieldStart("refusals");
        json.writeObjectFieldStart("byReason");
        for (final Map.Entry<String, Integer> entry : byReason.entrySet())
        {
            json.writeNumberField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
        json.writeArrayFieldStart("recent");
        for (final Refusals.Refusal refusal : recent)
        {
            json.writeStartObject();
            json.writeNumberField("atMs", refusal.atMs());
            json.writeStringField("route", refusal.route());
            json.writeNumberField("status", refusal.status());
            json.writeStringField("reason", refusal.reason());
            json.writeStringField("merchant", refusal.merchant());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void latency(final JsonGenerator json, final String name, final LatencyWindow window) throws IOException
    {
        json.writeObjectFieldStart(name);
        json.writeNumberField("count", window.count());
        millisOrNull(json, "p50Ms", window.p50());
        millisOrNull(json, "p99Ms", window.p99());
        millisOrNull(json, "p999Ms", window.p999());
        json.writeNumberField("maxMs", window.max() * 1000);
        json.writeEndObject();
    }

    private static void millisOrNull(final JsonGenerator json, final String field, final double seconds) throws IOException
    {
        if (Double.isNaN(seconds))
        {
            json.writeNullField(field);
        }
        else
        {
            json.writeNumberField(field, seconds * 1000);
        }
    }

    private static void millisOrNull(final JsonGenerator json, final String field, final long ns) throws IOException
    {
        if (ns < 0)
        {
            json.writeNullField(field);
        }
        else
        {
            json.writeNumberField(field, ns / 1e6);
        }
    }
}
