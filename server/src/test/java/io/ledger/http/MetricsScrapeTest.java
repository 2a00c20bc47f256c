package io.ledger.http;

import static io.ledger.http.metrics.PrometheusTextParser.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.ledger.http.metrics.PrometheusTextParser;
import io.ledger.http.metrics.PrometheusTextParser.Family;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} through the production wiring ({@code LedgerServer}), parsed strictly as Prometheus text
 * 0.0.4 by {@link PrometheusTextParser}, and its values checked against the traffic that made them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsScrapeTest
{
    private static final String M = "metrics_merchant";

    @TempDir
    Path dataDir;

    @Test
    void shouldServeStrictPrometheusTextCountingWhatHappened()
    {
        try (TestServer server = new TestServer(dataDir))
        {
            final String customer = server.createCustomer(M, "a@example.com");
            server.payIn(M, customer, 1000);
            assertEquals(402, server.post("/api/canary/purchases", M,
                "{\"customerId\":\"" + customer + "\",\"productId\":\"p\",\"amount\":5000,\"currency\":\"ZAR\"}").statusCode());
            assertEquals(400, server.post("/api/canary/purchases", M, "{\"amount\":-1}").statusCode());
            assertEquals(404, server.get("/api/canary/nope", M).statusCode());
            assertEquals(200, server.get("/api/canary/customers/" + customer + "/balance", M).statusCode());

            final HttpResponse<String> scrape = server.get("/metrics", null);

            assertEquals(200, scrape.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", scrape.headers().firstValue("content-type").orElseThrow());
            final Map<String, Family> families = PrometheusTextParser.parse(scrape.body());

            assertEquals("counter", families.get("ledger_commands_total").type());
            assertEquals(1, value(families, "ledger_commands_total", "type", "create_customer", "result", "ok"));
            assertEquals(1, value(families, "ledger_commands_total", "type", "pay_in", "result", "ok"));
            assertEquals(1, value(families, "ledger_commands_total", "type", "purchase", "result", "insufficient_funds"));
            assertEquals(1, value(families, "ledger_commands_total", "type", "get_customer_balance", "result", "ok"));
            assertEquals(1, value(families, "ledger_http_responses_total", "route", "create_customer", "status", "201"));
            assertEquals(1, value(families, "ledger_http_responses_total", "route", "create_purchase", "status", "402"));
            assertEquals(1, value(families, "ledger_http_responses_total", "route", "create_purchase", "status", "400"));
            assertEquals(1, value(families, "ledger_http_responses_total", "route", "unmatched", "status", "404"));

            assertEquals("summary", families.get("ledger_http_request_duration_seconds").type());
            assertTrue(value(families, "ledger_http_request_duration_seconds_count") >= 6);
            for (final String quantile : new String[] {"0.5", "0.99", "0.999"})
            {
                final double seconds = value(families, "ledger_http_request_duration_seconds", "quantile", quantile);
                assertTrue(seconds > 0 && seconds < 60, quantile + " " + seconds);
                assertTrue(value(families, "ledger_pipeline_duration_seconds", "quantile", quantile) > 0, quantile);
            }
            assertTrue(value(families, "ledger_http_request_duration_seconds_max")
                >= value(families, "ledger_http_request_duration_seconds", "quantile", "0.5"));
            assertEquals(4, value(families, "ledger_pipeline_duration_seconds_count"), "three commands and one read");

            assertEquals(1024, value(families, "ledger_ring_size_slots"));
            // The reply stage hands a reply over before it advances its sequence, so the slot of the last command
            // may still count as taken for an instant after its reply has arrived.
            assertTrue(value(families, "ledger_ring_free_slots") >= 1023, "nothing in the ring between requests");
            assertEquals(0, value(families, "ledger_pipeline_failed"));
            assertTrue(value(families, "ledger_journal_last_command_id") >= 3);
            assertTrue(value(families, "ledger_journal_files") >= 1);
            assertTrue(value(families, "ledger_journal_file_bytes") > 0);
            assertTrue(value(families, "ledger_http_connections_open") >= 1);

            assertTrue(value(families, "jvm_memory_bytes_used", "area", "heap") > 0);
            assertTrue(families.containsKey("jvm_gc_collection_seconds"));
            assertTrue(families.containsKey("jvm_buffer_pool_used_bytes"));
            assertTrue(families.containsKey("netty_pooled_allocator_used_bytes"));
            for (final Family family : families.values())
            {
                assertFalse(family.help() == null || family.help().isEmpty(), family.name() + " has HELP");
            }
        }
    }

    @Test
    void shouldAskForATokenWhenMetricsAreTokenOnlyAndHideThemWhenOff()
    {
        try (HarnessServer server = new HarnessServer(dataDir.resolve("token"), 64,
            HttpOptions.DEFAULTS.withMetrics(HttpOptions.MetricsAccess.TOKEN), UnaryOperator.identity()))
        {
            final HttpResponse<String> anonymous = server.get("/metrics", null);
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            assertEquals("Bearer", anonymous.headers().firstValue("www-authenticate").orElseThrow());
            final HttpResponse<String> withToken = server.get("/metrics", "any_merchant");
            assertEquals(200, withToken.statusCode());
            PrometheusTextParser.parse(withToken.body());
        }
        try (HarnessServer server = new HarnessServer(dataDir.resolve("off"), 64,
            HttpOptions.DEFAULTS.withMetrics(HttpOptions.MetricsAccess.OFF), UnaryOperator.identity()))
        {
            assertEquals(404, server.get("/metrics", "any_merchant").statusCode());
            assertEquals(404, server.get("/metrics", null).statusCode());
        }
    }

    @Test
    void shouldServeMetricsWithoutUsingTheRing()
    {
        try (HarnessServer server = new HarnessServer(dataDir.resolve("ring"), 2, HttpOptions.DEFAULTS, UnaryOperator.identity()))
        {
            final HttpResponse<String> scrape = server.get("/metrics", null);
            assertEquals(200, scrape.statusCode());
            final Map<String, Family> families = PrometheusTextParser.parse(scrape.body());
            assertEquals(2, value(families, "ledger_ring_free_slots"));
            assertEquals(0, value(families, "ledger_journal_last_command_id"));
            assertEquals(0, value(families, "ledger_pipeline_duration_seconds_count"), "a scrape is not a command");
        }
    }
}
