package io.ledger.http.metrics;

/**
 * Latency percentiles and maximum over the last seconds, in seconds: what the console shows.
 *
 * @param seconds the window's length.
 * @param count   durations recorded in it.
 * @param p50     the median, NaN when the window is empty (so are the other percentiles).
 * @param p99     the 99th percentile.
 * @param p999    the 99.9th percentile.
 * @param max     the longest, 0 when empty.
 */
public record LatencyWindow(int seconds, long count, double p50, double p99, double p999, double max)
{
}
