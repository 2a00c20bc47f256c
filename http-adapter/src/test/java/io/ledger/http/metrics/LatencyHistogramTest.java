package io.ledger.http.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Prometheus buckets count exactly; the window's percentiles are within HdrHistogram's 1 %. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LatencyHistogramTest
{
    @Test
    void shouldCountEachDurationInItsBucketAndSumThem()
    {
        final LatencyHistogram histogram = new LatencyHistogram("test_duration_seconds", "help");
        histogram.recordNs(50_000);            // 50 us: <= 100 us
        histogram.recordNs(100_000);           // exactly 100 us: still <= 100 us
        histogram.recordNs(100_001);           // just above: <= 250 us
        histogram.recordNs(3_000_000);         // 3 ms: <= 5 ms
        histogram.recordNs(60_000_000_000L);   // a minute: +Inf
        histogram.recordNs(-5);                // a clock step back counts as 0

        final HistogramSnapshot.HistogramDataPointSnapshot point =
            ((HistogramSnapshot)histogram.collect()).getDataPoints().get(0);
        final ClassicHistogramBuckets buckets = point.getClassicBuckets();
        assertEquals(LatencyHistogram.UPPER_BOUNDS_SECONDS.length + 1, buckets.size());
        assertEquals(0.0001, buckets.getUpperBound(0));
        assertEquals(3, buckets.getCount(0), "50 us, 100 us and the negative one");
        assertEquals(1, buckets.getCount(1));
        assertEquals(1, buckets.getCount(5));
        assertEquals(Double.POSITIVE_INFINITY, buckets.getUpperBound(buckets.size() - 1));
        assertEquals(1, buckets.getCount(buckets.size() - 1));
        assertEquals(6, point.getCount());
        assertEquals(6, histogram.count());
        assertEquals((50_000 + 100_000 + 100_001 + 3_000_000 + 60_000_000_000L) / 1e9, point.getSum(), 1e-9);
    }

    @Test
    void shouldGivePercentilesAndMaximumOverTheWindowToAnyNumberOfReaders()
    {
        final LatencyHistogram histogram = new LatencyHistogram("test_duration_seconds", "help");
        final long nowMs = System.currentTimeMillis();
        assertEquals(0, histogram.window(10, nowMs).count());
        assertTrue(Double.isNaN(histogram.window(10, nowMs).p50()));
        for (int i = 1; i <= 1000; i++)
        {
            histogram.recordNs(i * 1_000_000L); // 1 ms .. 1000 ms
        }
        final LatencyWindow first = histogram.window(10, nowMs);
        final LatencyWindow second = histogram.window(10, nowMs);
        assertEquals(first, second, "reading does not consume");
        assertEquals(1000, first.count());
        assertEquals(0.5, first.p50(), 0.5 * 0.01);
        assertEquals(0.99, first.p99(), 0.99 * 0.01);
        assertEquals(1.0, first.max(), 0.01);
        assertEquals(0, histogram.window(10, nowMs + 20_000).count(), "20 s later the window has moved on");
    }
}
