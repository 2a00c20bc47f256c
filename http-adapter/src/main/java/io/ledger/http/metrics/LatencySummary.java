package io.ledger.http.metrics;

import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A latency distribution exported as a Prometheus summary: quantiles 0.5, 0.99 and 0.999 and the maximum over a
 * sliding window of about {@value #WINDOW_SECONDS} s, and the count and sum since start.
 *
 * <p>Recording is wait-free and allocates nothing: an HdrHistogram {@link Recorder} (2 significant digits, so a
 * quantile is within 1 %, from 1 us to {@value #HIGHEST_US} us; longer values are clamped), and two
 * {@link LongAdder}s. A scrape swaps the recorder's interval histogram into the window's current bucket; the window
 * has {@value #BUCKETS} buckets of {@value #BUCKET_SECONDS} s.
 *
 * <p>Thread-safety: {@link #recordNs} from any number of threads; {@link #write} is synchronized.
 */
final class LatencySummary
{
    static final long HIGHEST_US = 3_600_000_000L;
    static final int BUCKETS = 6;
    static final int BUCKET_SECONDS = 10;
    static final int WINDOW_SECONDS = BUCKETS * BUCKET_SECONDS;
    private static final double[] QUANTILES = {0.5, 0.99, 0.999};
    private static final String[] QUANTILE_LABELS = {"0.5", "0.99", "0.999"};

    private final String name;
    private final String help;
    private final Recorder recorder = new Recorder(1, HIGHEST_US, 2);
    private final LongAdder count = new LongAdder();
    private final LongAdder sumUs = new LongAdder();
    private final Histogram[] buckets = new Histogram[BUCKETS];
    private final long[] bucketPeriods = new long[BUCKETS];
    private final Histogram window = new Histogram(1, HIGHEST_US, 2);
    private Histogram interval;

    /**
     * @param name the summary's metric name, ending in {@code _seconds}; the maximum is the gauge
     *             {@code name + "_max"}.
     */
    LatencySummary(final String name, final String help)
    {
        this.name = name;
        this.help = help;
        for (int i = 0; i < BUCKETS; i++)
        {
            buckets[i] = new Histogram(1, HIGHEST_US, 2);
            bucketPeriods[i] = Long.MIN_VALUE;
        }
    }

    /** Records one duration in nanoseconds. Thread-safe, wait-free, allocation-free. */
    void recordNs(final long durationNs)
    {
        final long us = Math.max(0, durationNs / 1000);
        recorder.recordValue(Math.min(us, HIGHEST_US));
        count.increment();
        sumUs.add(us);
    }

    /** Writes the summary family and its {@code _max} gauge family. */
    synchronized void write(final PrometheusText text, final long nowMs)
    {
        interval = recorder.getIntervalHistogram(interval);
        final long period = nowMs / (BUCKET_SECONDS * 1000L);
        final int slot = (int)Math.floorMod(period, (long)BUCKETS);
        if (bucketPeriods[slot] != period)
        {
            buckets[slot].reset();
            bucketPeriods[slot] = period;
        }
        buckets[slot].add(interval);

        window.reset();
        for (int i = 0; i < BUCKETS; i++)
        {
            if (bucketPeriods[i] > period - BUCKETS)
            {
                window.add(buckets[i]);
            }
        }
        final boolean empty = window.getTotalCount() == 0;

        text.family(name, "summary", help + " Quantiles over the last " + WINDOW_SECONDS + " s (NaN when empty).");
        for (int i = 0; i < QUANTILES.length; i++)
        {
            final double seconds = empty ? Double.NaN : window.getValueAtPercentile(QUANTILES[i] * 100.0) / 1e6;
            text.sample(name, seconds, "quantile", QUANTILE_LABELS[i]);
        }
        text.sample(name + "_sum", sumUs.sum() / 1e6);
        text.sample(name + "_count", count.sum());

        text.family(name + "_max", "gauge", "The longest of " + name + " over the last " + WINDOW_SECONDS
            + " s, in seconds (0 when empty).");
        text.sample(name + "_max", empty ? 0 : window.getMaxValue() / 1e6);
    }
}
