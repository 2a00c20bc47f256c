package io.ledger.http.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PrometheusTextTest
{
    @Test
    void shouldEscapeHelpAndLabelValuesSoTheyParseBackUnchanged()
    {
        final StringBuilder sb = new StringBuilder();
        final String nasty = "a \"quoted\" back\\slash\nnew line, {braces}=, and ünïcödé";
        new PrometheusText(sb)
            .family("x_total", "counter", "help with \\ and\nnewline")
            .sample("x_total", 3, "route", nasty, "status", "200");

        final Map<String, PrometheusTextParser.Family> families = PrometheusTextParser.parse(sb.toString());

        assertEquals("help with \\ and\nnewline", families.get("x_total").help());
        assertEquals(nasty, families.get("x_total").samples().get(0).labels().get("route"));
        assertEquals(3, PrometheusTextParser.value(families, "x_total", "route", nasty, "status", "200"));
    }

    @Test
    void shouldWriteValuesAsGoFloats()
    {
        final StringBuilder sb = new StringBuilder();
        new PrometheusText(sb).family("g", "gauge", "h")
            .sample("g", Double.NaN, "k", "nan").sample("g", Double.POSITIVE_INFINITY, "k", "inf")
            .sample("g", Double.NEGATIVE_INFINITY, "k", "-inf").sample("g", 0.000979, "k", "small")
            .sample("g", 12345678901L, "k", "long").sample("g", -1, "k", "negative").sample("g", 1e300, "k", "huge");

        assertTrue(sb.toString().contains("g{k=\"nan\"} NaN\n"), sb::toString);
        assertTrue(sb.toString().contains("g{k=\"inf\"} +Inf\n"), sb::toString);
        assertTrue(sb.toString().contains("g{k=\"-inf\"} -Inf\n"), sb::toString);
        assertTrue(sb.toString().contains("g{k=\"long\"} 12345678901\n"), sb::toString);
        final Map<String, PrometheusTextParser.Family> families = PrometheusTextParser.parse(sb.toString());
        assertEquals(0.000979, PrometheusTextParser.value(families, "g", "k", "small"));
        assertEquals(1e300, PrometheusTextParser.value(families, "g", "k", "huge"));
    }

    @Test
    void shouldHaveAStrictParser()
    {
        assertThrows(IllegalArgumentException.class, () -> PrometheusTextParser.parse("x 1\n"), "sample before TYPE");
        assertThrows(IllegalArgumentException.class, () -> PrometheusTextParser.parse("# TYPE x gauge\nx 1"), "no final newline");
        assertThrows(IllegalArgumentException.class, () -> PrometheusTextParser.parse("# TYPE 1x gauge\n1x 1\n"), "bad name");
        assertThrows(IllegalArgumentException.class, () -> PrometheusTextParser.parse("# TYPE x gauge\nx{a=b} 1\n"), "unquoted");
        assertThrows(IllegalArgumentException.class, () -> PrometheusTextParser.parse("# TYPE x gauge\nx{a=\"\\t\"} 1\n"), "bad escape");
        assertThrows(IllegalArgumentException.class, () -> PrometheusTextParser.parse("# TYPE x gauge\nx 1\nx 2\n"), "duplicate");
        assertThrows(IllegalArgumentException.class, () -> PrometheusTextParser.parse("# TYPE x gauge\nx one\n"), "bad value");
        assertThrows(IllegalArgumentException.class, () -> PrometheusTextParser.parse("# TYPE x counter\nx -1\n"), "negative counter");
        assertThrows(IllegalArgumentException.class,
            () -> PrometheusTextParser.parse("# TYPE x gauge\n# TYPE y gauge\ny 1\nx 1\n"), "interleaved");
        assertThrows(IllegalArgumentException.class, () -> PrometheusTextParser.parse("# TYPE s summary\ns 1\n"), "no quantile");
        assertThrows(IllegalArgumentException.class, () -> PrometheusTextParser.parse("# TYPE x gauge\n\nx 1\n"), "blank line");
    }

    @Test
    void shouldReportWindowedQuantilesAndMax()
    {
        final LatencySummary summary = new LatencySummary("t_seconds", "h");
        for (int i = 1; i <= 1000; i++)
        {
            summary.recordNs(i * 1_000_000L); // 1 ms .. 1 s
        }
        final StringBuilder sb = new StringBuilder();
        summary.write(new PrometheusText(sb), 1_000_000L);
        final Map<String, PrometheusTextParser.Family> families = PrometheusTextParser.parse(sb.toString());

        assertEquals(0.5, PrometheusTextParser.value(families, "t_seconds", "quantile", "0.5"), 0.01);
        assertEquals(0.99, PrometheusTextParser.value(families, "t_seconds", "quantile", "0.99"), 0.02);
        assertEquals(1.0, PrometheusTextParser.value(families, "t_seconds_max"), 0.02);
        assertEquals(1000, PrometheusTextParser.value(families, "t_seconds_count"));
        assertEquals(500.5, PrometheusTextParser.value(families, "t_seconds_sum"), 0.001);

        final StringBuilder later = new StringBuilder();
        summary.write(new PrometheusText(later), 1_000_000L + (LatencySummary.WINDOW_SECONDS + 10) * 1000L);
        final Map<String, PrometheusTextParser.Family> after = PrometheusTextParser.parse(later.toString());
        assertTrue(Double.isNaN(PrometheusTextParser.value(after, "t_seconds", "quantile", "0.5")), "the window has moved on");
        assertEquals(0, PrometheusTextParser.value(after, "t_seconds_max"));
        assertEquals(1000, PrometheusTextParser.value(after, "t_seconds_count"), "count and sum are since start");
    }
}
