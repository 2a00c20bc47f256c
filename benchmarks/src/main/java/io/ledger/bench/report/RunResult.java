package io.ledger.bench.report;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.HdrHistogram.Histogram;

/**
 * One measured run of one system, in the one schema every tool's results are converted to: the HTTP load tool
 * ({@code ledger}), pgbench ({@code postgresql}) and redis-benchmark ({@code redis}). The report generator reads a
 * directory of these ({@code *.result.json}) and knows nothing about the tools.
 *
 * <p>Latencies are microseconds. A percentile the tool does not report is {@code null} (NaN here). Mutable value
 * object; not thread-safe.
 */
public final class RunResult
{
    public static final int SCHEMA = 1;

    /** Percentiles of one latency distribution, microseconds; NaN where unknown. */
    public static final class Latency
    {
        public double p50 = Double.NaN;
        public double p90 = Double.NaN;
        public double p99 = Double.NaN;
        public double p999 = Double.NaN;
        public double max = Double.NaN;
        public double mean = Double.NaN;

        /** @return the percentiles of a histogram of nanoseconds. */
        public static Latency ofNanos(final Histogram histogram)
        {
            final Latency latency = new Latency();
            if (histogram.getTotalCount() == 0)
            {
                return latency;
            }
            latency.p50 = histogram.getValueAtPercentile(50) / 1e3;
            latency.p90 = histogram.getValueAtPercentile(90) / 1e3;
            latency.p99 = histogram.getValueAtPercentile(99) / 1e3;
            latency.p999 = histogram.getValueAtPercentile(99.9) / 1e3;
            latency.max = histogram.getMaxValue() / 1e3;
            latency.mean = histogram.getMean() / 1e3;
            return latency;
        }

        void write(final JsonGenerator json) throws IOException
        {
            json.writeStartObject();
            number(json, "p50", p50);
            number(json, "p90", p90);
            number(json, "p99", p99);
            number(json, "p999", p999);
            number(json, "max", max);
            number(json, "mean", mean);
            json.writeEndObject();
        }

        static Latency read(final Object node)
        {
            final Latency latency = new Latency();
            if (node instanceof Map<?, ?> map)
            {
                latency.p50 = dbl(map.get("p50"));
                latency.p90 = dbl(map.get("p90"));
                latency.p99 = dbl(map.get("p99"));
                latency.p999 = dbl(map.get("p999"));
                latency.max = dbl(map.get("max"));
                latency.mean = dbl(map.get("mean"));
            }
            return latency;
        }
    }

    /** Replies of one operation of a mixed workload. */
    public static final class OperationResult
    {
        public long count;
        public Map<String, Long> statuses = new TreeMap<>();
        public Latency latencyUs = new Latency();
    }

    /** {@code ledger}, {@code bare-netty} (the transport floor), {@code postgresql} or {@code redis}. */
    public String system;
    /** The configuration that matters for the comparison, e.g. {@code process}, {@code synchronous_commit=on}. */
    public String variant;
    /** {@code process} (survives a crash of the server process) or {@code fsync} (survives power loss). */
    public String durabilityClass;
    /** e.g. {@code purchase=100}. */
    public String workload;
    /** {@code closed} (max throughput at a fixed concurrency) or {@code open} (fixed offered rate). */
    public String mode;
    /** Arrival process of an open loop: {@code uniform} or {@code poisson}. */
    public String arrival;
    public int connections;
    public int pipeline = 1;
    /** Purchases per request: 1, or N for the ledger's batch endpoint. {@link #throughput} counts purchases either way. */
    public int batch = 1;
    /** Which repeat of a comparison run this is (1, 2...); 0 when the run was not one of several. */
    public int repeat;
    /** Requests per second offered in an open loop, 0 in a closed loop. */
    public double offeredRate;
    public double durationS;
    /** Replies (or transactions; purchases of a batch run) per second achieved in the measurement window. */
    public double throughput;
    /** Replies whose latency was recorded. */
    public long requests;
    public Latency latencyUs = new Latency();
    /** What latency is measured from: {@code intended send time} (open loop) or {@code send time}. */
    public String latencyFrom;
    public Map<String, Long> statuses = new TreeMap<>();
    /** Batch runs: the per-purchase statuses inside the batch replies (read from the replies), by status. */
    public Map<String, Long> itemStatuses = new TreeMap<>();
    public Map<String, OperationResult> byOperation = new LinkedHashMap<>();
    /** Checks of the answers (money conservation...): name -> {@code ok}, {@code FAILED: ...} or {@code skipped: ...}. */
    public Map<String, String> checks = new LinkedHashMap<>();
    public List<String> notes = new ArrayList<>();
    /** The tool that measured it, with its version. */
    public String tool;
    /** The command that produced it, to reproduce. */
    public String command;
    /** CPU used by the load generator in the window, % of one core; NaN when unknown. */
    public double clientCpuPct = Double.NaN;
    /** CPU used by the server process in the window, % of one core; NaN when unknown. */
    public double serverCpuPct = Double.NaN;
    /**
     * The ledger's journal syncs to the disk in the window ({@code fsync} runs; from its {@code /metrics}), and the
     * seconds they took; NaN when not read.
     */
    public double journalSyncs = Double.NaN;
    public double journalSyncSeconds = Double.NaN;
    public String startedAt;

    /** @return the mean time of one journal sync in the window, milliseconds; NaN when unknown or none. */
    public double journalSyncMeanMs()
    {
        return journalSyncs > 0 ? journalSyncSeconds * 1000 / journalSyncs : Double.NaN;
    }

    /**
     * @return the server's CPU time per operation (per purchase for the purchase workload, batched or not), in
     * microseconds: {@link #serverCpuPct} of a core spread over {@link #throughput}; NaN when either is unknown.
     */
    public double serverCpuUsPerOp()
    {
        return throughput > 0 && !Double.isNaN(serverCpuPct) ? serverCpuPct / 100.0 * 1e6 / throughput : Double.NaN;
    }

    /** @return true unless a check failed. */
    public boolean checksPassed()
    {
        return checks.values().stream().noneMatch(v -> v.startsWith("FAILED"));
    }

    public String toJson()
    {
        final StringWriter out = new StringWriter();
        try (JsonGenerator json = new JsonFactory().createGenerator(out))
        {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeNumberField("schema", SCHEMA);
            string(json, "system", system);
            string(json, "variant", variant);
            string(json, "durabilityClass", durabilityClass);
            string(json, "workload", workload);
            string(json, "mode", mode);
            string(json, "arrival", arrival);
            json.writeNumberField("connections", connections);
            json.writeNumberField("pipeline", pipeline);
            json.writeNumberField("batch", batch);
            json.writeNumberField("repeat", repeat);
            number(json, "offeredRate", offeredRate);
            number(json, "durationS", durationS);
            number(json, "throughput", throughput);
            json.writeNumberField("requests", requests);
            json.writeFieldName("latencyUs");
            latencyUs.write(json);
            string(json, "latencyFrom", latencyFrom);
            json.writeObjectFieldStart("statuses");
            for (final Map.Entry<String, Long> e : statuses.entrySet())
            {
                json.writeNumberField(e.getKey(), e.getValue());
            }
            json.writeEndObject();
            json.writeObjectFieldStart("itemStatuses");
            for (final Map.Entry<String, Long> e : itemStatuses.entrySet())
            {
                json.writeNumberField(e.getKey(), e.getValue());
            }
            json.writeEndObject();
            json.writeObjectFieldStart("byOperation");
            for (final Map.Entry<String, OperationResult> e : byOperation.entrySet())
            {
                json.writeObjectFieldStart(e.getKey());
                json.writeNumberField("count", e.getValue().count);
                json.writeObjectFieldStart("statuses");
                for (final Map.Entry<String, Long> s : e.getValue().statuses.entrySet())
                {
                    json.writeNumberField(s.getKey(), s.getValue());
                }
                json.writeEndObject();
                json.writeFieldName("latencyUs");
                e.getValue().latencyUs.write(json);
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeObjectFieldStart("checks");
            for (final Map.Entry<String, String> e : checks.entrySet())
            {
                json.writeStringField(e.getKey(), e.getValue());
            }
            json.writeEndObject();
            json.writeArrayFieldStart("notes");
            for (final String note : notes)
            {
                json.writeString(note);
            }
            json.writeEndArray();
            string(json, "tool", tool);
            string(json, "command", command);
            number(json, "clientCpuPct", clientCpuPct);
            number(json, "serverCpuPct", serverCpuPct);
            number(json, "journalSyncs", journalSyncs);
            number(json, "journalSyncSeconds", journalSyncSeconds);
            string(json, "startedAt", startedAt);
            json.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out + "\n";
    }

    public void write(final Path file)
    {
        try
        {
            final Path parent = file.toAbsolutePath().getParent();
            if (parent != null)
            {
                Files.createDirectories(parent);
            }
            Files.writeString(file, toJson());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
    }

    @SuppressWarnings("unchecked")
    public static RunResult read(final Path file)
    {
        final Object root = JsonTree.parse(file);
        if (!(root instanceof Map<?, ?> map) || !Long.valueOf(SCHEMA).equals(map.get("schema")))
        {
            throw new IllegalArgumentException(file + " is not a result file of schema " + SCHEMA);
        }
        final RunResult r = new RunResult();
        r.system = str(map.get("system"));
        r.variant = str(map.get("variant"));
        r.durabilityClass = str(map.get("durabilityClass"));
        r.workload = str(map.get("workload"));
        r.mode = str(map.get("mode"));
        r.arrival = str(map.get("arrival"));
        r.connections = (int)dbl(map.get("connections"));
        r.pipeline = (int)dbl(map.get("pipeline"));
        r.batch = map.get("batch") instanceof Number n ? n.intValue() : 1;
        r.repeat = map.get("repeat") instanceof Number n ? n.intValue() : 0;
        r.offeredRate = zeroIfNaN(dbl(map.get("offeredRate")));
        r.durationS = dbl(map.get("durationS"));
        r.throughput = dbl(map.get("throughput"));
        r.requests = (long)zeroIfNaN(dbl(map.get("requests")));
        r.latencyUs = Latency.read(map.get("latencyUs"));
        r.latencyFrom = str(map.get("latencyFrom"));
        if (map.get("statuses") instanceof Map<?, ?> statuses)
        {
            statuses.forEach((k, v) -> r.statuses.put(String.valueOf(k), (long)dbl(v)));
        }
        if (map.get("itemStatuses") instanceof Map<?, ?> items)
        {
            items.forEach((k, v) -> r.itemStatuses.put(String.valueOf(k), (long)dbl(v)));
        }
        if (map.get("byOperation") instanceof Map<?, ?> ops)
        {
            ops.forEach((k, v) ->
            {
                final OperationResult op = new OperationResult();
                final Map<String, Object> node = (Map<String, Object>)v;
                op.count = (long)dbl(node.get("count"));
                if (node.get("statuses") instanceof Map<?, ?> s)
                {
                    s.forEach((sk, sv) -> op.statuses.put(String.valueOf(sk), (long)dbl(sv)));
                }
                op.latencyUs = Latency.read(node.get("latencyUs"));
                r.byOperation.put(String.valueOf(k), op);
            });
        }
        if (map.get("checks") instanceof Map<?, ?> checks)
        {
            checks.forEach((k, v) -> r.checks.put(String.valueOf(k), String.valueOf(v)));
        }
        if (map.get("notes") instanceof List<?> notes)
        {
            notes.forEach(n -> r.notes.add(String.valueOf(n)));
        }
        r.tool = str(map.get("tool"));
        r.command = str(map.get("command"));
        r.clientCpuPct = dbl(map.get("clientCpuPct"));
        r.serverCpuPct = dbl(map.get("serverCpuPct"));
        r.journalSyncs = dbl(map.get("journalSyncs"));
        r.journalSyncSeconds = dbl(map.get("journalSyncSeconds"));
        r.startedAt = str(map.get("startedAt"));
        return r;
    }

    private static void string(final JsonGenerator json, final String name, final String value) throws IOException
    {
        if (value == null)
        {
            json.writeNullField(name);
        }
        else
        {
            json.writeStringField(name, value);
        }
    }

    private static void number(final JsonGenerator json, final String name, final double value) throws IOException
    {
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            json.writeNullField(name);
        }
        else
        {
            json.writeNumberField(name, Math.round(value * 1000) / 1000.0);
        }
    }

    private static String str(final Object value)
    {
        return value == null ? null : String.valueOf(value);
    }

    static double dbl(final Object value)
    {
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static double zeroIfNaN(final double value)
    {
        return Double.isNaN(value) ? 0 : value;
    }
}
