package io.ledger.http.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A latency distribution, recorded where it happens and read two ways: as a Prometheus histogram with classic buckets
 * (cumulative since start, for Grafana's {@code histogram_quantile}), and as percentiles and maximum over the last
 * seconds (for the console and the {@code _max} gauge).
 *
 * <p>Why not the client library's {@code Histogram}: while a scrape collects it, its {@code observe} takes a lock and
 * may grow an array, and its native buckets box an {@code Integer} per observation. Here recording is lock-free and
 * allocation-free: one {@link LongAdder} per bucket and one for the sum (the count is the buckets' total, so the two
 * always agree), and an HdrHistogram {@link Recorder} (wait-free; 2 significant digits, so a percentile is within 1 %,
 * from 1 us to {@value #HIGHEST_US} us, longer values clamped). The library sees the figures through a
 * {@link Collector} that builds a {@link HistogramSnapshot} at scrape time.
 *
 * <p>The window: each read folds what the recorder gathered since the previous read into the slot of the current
 * second; a window is the sum of the slots of its last N seconds (N <= {@value #WINDOW_SECONDS_MAX}). Any number of
 * readers see the same figures: reading moves data, it does not consume it.
 *
 * <p>Thread-safety: {@link #recordNs} from any number of threads; the readers are synchronized with each other.
 */
final class LatencyHistogram implements Collector
{
    /** Upper bounds of the classic buckets, seconds; the last bucket, +Inf, is implied. */
    static final double[] UPPER_BOUNDS_SECONDS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    static final long HIGHEST_US = TimeUnit.SECONDS.toMicros(60);
    static final int WINDOW_SECONDS_MAX = 60;

    private final String name;
    private final String help;
    private final long[] upperBoundsNs = new long[UPPER_BOUNDS_SECONDS.length];
    private final double[] upperBoundsWithInf = new double[UPPER_BOUNDS_SECONDS.length + 1];
    private final LongAdder[] buckets = new LongAdder[UPPER_BOUNDS_SECONDS.length + 1];
    private final LongAdder sumNs = new LongAdder();
    private final long createdMs = System.currentTimeMillis();

    private final Recorder recorder = new Recorder(1, HIGHEST_US, 2);
    private final Histogram[] slots = new Histogram[WINDOW_SECONDS_MAX];
    private final long[] slotSeconds = new long[WINDOW_SECONDS_MAX];
    private final Histogram sum = new Histogram(1, HIGHEST_US, 2);
    private Histogram interval;

    /** @param name the histogram's name, ending in {@code _seconds}. */
    LatencyHistogram(final String name, final String help)
    {
        this.name = name;
        this.help = help;
        for (int i = 0; i < UPPER_BOUNDS_SECONDS.length; i++)
        {
            upperBoundsNs[i] = Math.round(UPPER_BOUNDS_SECONDS[i] * 1e9);
            upperBoundsWithInf[i] = UPPER_BOUNDS_SECONDS[i];
        }
        upperBoundsWithInf[UPPER_BOUNDS_SECONDS.length] = Double.POSITIVE_INFINITY;
        for (int i = 0; i < buckets.length; i++)
        {
            buckets[i] = new LongAdder();
        }
        for (int i = 0; i < WINDOW_SECONDS_MAX; i++)
        {
            slots[i] = new Histogram(1, HIGHEST_US, 2);
            slotSeconds[i] = Long.MIN_VALUE;
        }
    }

    /** Records one duration. Any thread; lock-free and allocation-free. */
    void recordNs(final long durationNs)
    {
        final long ns = Math.max(0, durationNs);
        int bucket = 0;
        while (bucket < upperBoundsNs.length && ns > upperBoundsNs[bucket])
        {
            bucket++;
        }
        buckets[bucket].increment();
        sumNs.add(ns);
        recorder.recordValue(Math.max(1, Math.min(ns / 1000, HIGHEST_US)));
    }

    /** @return how many durations were recorded since start. */
    long count()
    {
        long count = 0;
        for (final LongAdder bucket : buckets)
        {
            count += bucket.sum();
        }
        return count;
    }

    /** The Prometheus histogram: classic buckets, count and sum since start. */
    @Override
    public MetricSnapshot collect()
    {
        final long[] counts = new long[buckets.length];
        for (int i = 0; i < counts.length; i++)
        {
            counts[i] = buckets[i].sum();
        }
        return HistogramSnapshot.builder()
            .name(name)
            .help(help)
            .unit(Unit.SECONDS)
            .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBoundsWithInf, counts))
                .sum(sumNs.sum() / 1e9)
                .createdTimestampMillis(createdMs)
                .build())
            .build();
    }

    @Override
    public String getPrometheusName()
    {
        return name;
    }

    /** @return percentiles and maximum over the last {@code seconds} (1..60) seconds before {@code nowMs}. */
    synchronized LatencyWindow window(final int seconds, final long nowMs)
    {
        if (seconds < 1 || seconds > WINDOW_SECONDS_MAX)
        {
            throw new IllegalArgumentException("seconds=" + seconds + " must be in 1.." + WINDOW_SECONDS_MAX);
        }
        final long second = nowMs / 1000;
        interval = recorder.getIntervalHistogram(interval);
        final int slot = (int)Math.floorMod(second, (long)WINDOW_SECONDS_MAX);
        if (slotSeconds[slot] != second)
        {
            slots[slot].reset();
            slotSeconds[slot] = second;
        }
        slots[slot].add(interval);

        sum.reset();
        for (int i = 0; i < WINDOW_SECONDS_MAX; i++)
        {
            if (slotSeconds[i] > second - seconds && slotSeconds[i] <= second)
            {
                sum.add(slots[i]);
            }
        }
        final long count = sum.getTotalCount();
        if (count == 0)
        {
            return new LatencyWindow(seconds, 0, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        return new LatencyWindow(seconds, count, sum.getValueAtPercentile(50) / 1e6, sum.getValueAtPercentile(99) / 1e6,
            sum.getValueAtPercentile(99.9) / 1e6, sum.getMaxValue() / 1e6);
    }
}
