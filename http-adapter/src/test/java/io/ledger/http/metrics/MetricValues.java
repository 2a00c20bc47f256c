package io.ledger.http.metrics;

import java.util.ArrayList;
import java.util.List;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * Reads one value out of the Prometheus client's own model of a scrape ({@link LedgerMetrics#snapshots()}), for
 * tests that check a figure in-process; the HTTP exposition itself is checked by {@code MetricsScrapeTest} with a
 * real parser.
 */
public final class MetricValues
{
    private MetricValues()
    {
    }

    /**
     * @param name   the exposed name: a counter's with {@code _total}, a histogram's {@code _count} or {@code _sum}.
     * @param labels name, value, name, value...: the series must carry exactly these labels.
     * @throws AssertionError when there is no such series.
     */
    public static double value(final MetricSnapshots snapshots, final String name, final String... labels)
    {
        final Labels wanted = Labels.of(labels);
        final List<String> seen = new ArrayList<>();
        for (final MetricSnapshot snapshot : snapshots)
        {
            final String family = snapshot.getMetadata().getPrometheusName();
            for (final DataPointSnapshot point : snapshot.getDataPoints())
            {
                seen.add(family + point.getLabels());
                if (!point.getLabels().equals(wanted))
                {
                    continue;
                }
                if (snapshot instanceof CounterSnapshot && name.equals(family + "_total"))
                {
                    return ((CounterSnapshot.CounterDataPointSnapshot)point).getValue();
                }
                if (snapshot instanceof GaugeSnapshot && name.equals(family))
                {
                    return ((GaugeSnapshot.GaugeDataPointSnapshot)point).getValue();
                }
                if (snapshot instanceof HistogramSnapshot && name.equals(family + "_count"))
                {
                    return ((HistogramSnapshot.HistogramDataPointSnapshot)point).getCount();
                }
                if (snapshot instanceof HistogramSnapshot && name.equals(family + "_sum"))
                {
                    return ((HistogramSnapshot.HistogramDataPointSnapshot)point).getSum();
                }
            }
        }
        throw new AssertionError("no series " + name + wanted + " among " + seen);
    }
}
