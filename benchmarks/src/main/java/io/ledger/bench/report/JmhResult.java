package io.ledger.bench.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** One entry of JMH's JSON results ({@code -rf json}): benchmark, parameters, primary score and secondary metrics. */
final class JmhResult
{
    String benchmark;
    final Map<String, String> params = new LinkedHashMap<>();
    double score;
    double error = Double.NaN;
    String unit;
    /** Secondary metric -> score, e.g. {@code gc.alloc.rate.norm} (B/op) or the {@code records} counter. */
    final Map<String, Double> secondary = new LinkedHashMap<>();

    @SuppressWarnings("unchecked")
    static List<JmhResult> read(final Path file)
    {
        final Object root = JsonTree.parse(file);
        if (!(root instanceof List<?> list))
        {
            throw new IllegalArgumentException(file + " is not JMH's JSON result list");
        }
        final List<JmhResult> results = new ArrayList<>();
        for (final Object item : list)
        {
            final Map<String, Object> node = (Map<String, Object>)item;
            final JmhResult r = new JmhResult();
            r.benchmark = String.valueOf(node.get("benchmark"));
            if (node.get("params") instanceof Map<?, ?> params)
            {
                params.forEach((k, v) -> r.params.put(String.valueOf(k), String.valueOf(v)));
            }
            final Map<String, Object> primary = (Map<String, Object>)node.get("primaryMetric");
            r.score = RunResult.dbl(primary.get("score"));
            r.error = RunResult.dbl(primary.get("scoreError"));
            r.unit = String.valueOf(primary.get("scoreUnit"));
            if (node.get("secondaryMetrics") instanceof Map<?, ?> secondary)
            {
                secondary.forEach((k, v) -> r.secondary.put(String.valueOf(k), RunResult.dbl(((Map<String, Object>)v).get("score"))));
            }
            results.add(r);
        }
        return results;
    }

    String shortName()
    {
        final String[] parts = benchmark.split("\\.");
        return parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : benchmark;
    }

    String paramsText()
    {
        return params.isEmpty() ? "" : params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }
}
