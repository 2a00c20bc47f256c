package io.ledger.http;

import static io.ledger.http.ExpositionParser.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.ledger.http.ExpositionParser.Family;
import io.ledger.http.auth.Tokens;
import io.ledger.http.metrics.MetricValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} through the production wiring ({@code LedgerServer}), written by the Prometheus Java client
 * and parsed by the Prometheus project's own parsers ({@link ExpositionParser}): strict OpenMetrics when the
 * {@code Accept} header asks for it, the text format 0.0.4 otherwise; its values checked against the traffic that
 * made them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsScrapeTest
{
    private static final String M = "metrics_merchant";
    private static final String OPENMETRICS_ACCEPT =
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    /**
     * The families operators had before the Prometheus client took over, under the names they keep. The client's JVM
     * metrics renamed four ({@code jvm_memory_bytes_used} is now {@code jvm_memory_used_bytes}, and so on: see
     * docs/operations.md).
     */
    private static final List<String> KEPT_SAMPLES = List.of(
        "ledger_commands_total", "ledger_http_responses_total", "ledger_http_request_duration_seconds_count",
        "ledger_http_request_duration_seconds_sum", "ledger_http_request_duration_seconds_max",
        "ledger_pipeline_duration_seconds_count", "ledger_pipeline_duration_seconds_sum", "ledger_pipeline_duration_seconds_max",
        "ledger_ring_free_slots", "ledger_ring_size_slots", "ledger_pipeline_failed", "ledger_journal_last_command_id",
        "ledger_journal_files", "ledger_journal_file_bytes", "ledger_http_connections_open",
        "ledger_http_connections_accepted_total", "ledger_http_connections_refused_total",
        "ledger_http_connections_closed_total", "ledger_http_read_pauses_total",
        "jvm_memory_used_bytes", "jvm_memory_committed_bytes", "jvm_memory_max_bytes", "jvm_memory_pool_used_bytes",
        "jvm_buffer_pool_used_bytes", "jvm_buffer_pool_used_buffers", "netty_pooled_allocator_used_bytes",
        "jvm_gc_collection_seconds_count", "jvm_gc_collection_seconds_sum", "jvm_threads_current", "jvm_threads_peak",
        "process_start_time_seconds", "process_uptime_seconds", "process_open_fds", "process_max_fds");

    @TempDir
    Path dataDir;

    @Test
    void shouldServeOpenMetricsWhenAskedAndTheTextFormatOtherwiseCountingWhatHappened() throws Exception
    {
        ExpositionParser.assumeAvailable();
        try (TestServer server = new TestServer(dataDir))
        {
            final String customer = server.createCustomer(M, "a@example.com");
            server.payIn(M, customer, 1000);
            assertEquals(402, server.post("/api/canary/purchases", M,
                "{\"customerId\":\"" + customer + "\",\"productId\":\"p\",\"amount\":5000,\"currency\":\"ZAR\"}").statusCode());
            assertEquals(400, server.post("/api/canary/purchases", M, "{\"amount\":-1}").statusCode());
            assertEquals(404, server.get("/api/canary/nope", M).statusCode());
            assertEquals(200, server.get("/api/canary/customers/" + customer + "/balance", M).statusCode());

            final HttpResponse<String> openMetrics = server.send(HttpRequest.newBuilder(server.uri("/metrics"))
                .header("Accept", OPENMETRICS_ACCEPT).header("Authorization", "Bearer " + TestServer.operatorToken()).GET().build());
            assertEquals(200, openMetrics.statusCode());
            assertEquals("application/openmetrics-text; version=1.0.0; charset=utf-8",
                openMetrics.headers().firstValue("content-type").orElseThrow());
            assertTrue(openMetrics.body().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
            checkCounts(ExpositionParser.parse(openMetrics.body(), true), true);

            final HttpResponse<String> text = server.scrape();
            assertEquals(200, text.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", text.headers().firstValue("content-type").orElseThrow());
            assertFalse(text.body().contains("# EOF"));
            checkCounts(ExpositionParser.parse(text.body(), false), false);
        }
    }

    /**
     * In {@code fsync} durability every acknowledged command was synced to the disk first: the journal's sync counters
     * count at least one sync per acknowledged command batch, and the time they took.
     */
    @Test
    void shouldCountTheJournalsSyncsToTheDiskInFsyncDurability() throws Exception
    {
        ExpositionParser.assumeAvailable();
        try (TestServer server = new TestServer(dataDir, HttpOptions.DEFAULTS, "fsync"))
        {
            final double before = value(ExpositionParser.parse(server.scrape().body(), false), "ledger_journal_syncs_total");
            final String customer = server.createCustomer(M, "a@example.com");
            server.payIn(M, customer, 1000);
            final Map<String, Family> families = ExpositionParser.parse(server.scrape().body(), false);
            assertEquals(1, value(families, "ledger_journal_durability_info", "mode", "fsync"));
            final double syncs = value(families, "ledger_journal_syncs_total");
            assertTrue(syncs >= before + 2, "two commands answered one after the other, each synced before its reply: "
                + before + " -> " + syncs);
            final double seconds = value(families, "ledger_journal_sync_seconds_total");
            assertTrue(seconds > 0 && seconds < 60, "the syncs took time: " + seconds);
        }
    }

    /**
     * The server's threads' CPU and CPU wait (Linux: /proc/self/task/TID/schedstat): the event loop that served the
     * requests ran, and every thread with a CPU figure has a wait figure too.
     */
    private static void checkThreadSchedule(final Map<String, Family> families)
    {
        if (!Files.isReadable(Path.of("/proc/thread-self/schedstat")))
        {
            return; // not Linux: the counters are absent by design
        }
        final Family cpu = families.getOrDefault("ledger_process_thread_cpu_seconds", families.get("ledger_process_thread_cpu_seconds_total"));
        final Family cpuWait = families.getOrDefault("ledger_process_thread_cpu_wait_seconds",
            families.get("ledger_process_thread_cpu_wait_seconds_total"));
        assertTrue(cpu != null && cpuWait != null, "thread CPU and CPU wait counters are served: " + families.keySet());
        assertEquals("counter", cpu.type());
        assertTrue(cpu.samples().stream().anyMatch(s -> s.labels().getOrDefault("thread", "").startsWith("http-io") && s.value() > 0),
            "the event loop that served the requests ran: " + cpu.samples());
        for (final ExpositionParser.Sample sample : cpu.samples())
        {
            final String thread = sample.labels().get("thread");
            assertTrue(thread.startsWith("ledger") || thread.startsWith("http-"), "only the server's threads: " + thread);
            assertTrue(cpuWait.samples().stream().anyMatch(s -> s.labels().equals(sample.labels()) && s.value() >= 0),
                "a CPU wait figure for " + thread);
        }
    }

    private static void checkCounts(final Map<String, Family> families, final boolean openMetrics)
    {
        assertEquals(1, value(families, "ledger_commands_total", "type", "create_customer", "result", "ok"));
        assertEquals(1, value(families, "ledger_commands_total", "type", "pay_in", "result", "ok"));
        assertEquals(1, value(families, "ledger_commands_total", "type", "purchase", "result", "insufficient_funds"));
        assertEquals(1, value(families, "ledger_commands_total", "type", "get_customer_balance", "result", "ok"));
        assertEquals(1, value(families, "ledger_http_responses_total", "route", "create_customer", "status", "201"));
        assertEquals(1, value(families, "ledger_http_responses_total", "route", "create_purchase", "status", "402"));
        assertEquals(1, value(families, "ledger_http_responses_total", "route", "create_purchase", "status", "400"));
        assertEquals(1, value(families, "ledger_http_responses_total", "route", "unmatched", "status", "404"));
        assertEquals("counter", families.get("ledger_commands").type());

        assertEquals("histogram", families.get("ledger_http_request_duration_seconds").type());
        final double requests = value(families, "ledger_http_request_duration_seconds_count");
        assertTrue(requests >= 6, "six requests before this scrape: " + requests);
        assertEquals(requests, value(families, "ledger_http_request_duration_seconds_bucket", "le", "+Inf"));
        assertTrue(value(families, "ledger_http_request_duration_seconds_bucket", "le", "10.0")
            >= value(families, "ledger_http_request_duration_seconds_bucket", "le", "0.001"), "cumulative buckets");
        assertTrue(value(families, "ledger_http_request_duration_seconds_sum") > 0);
        assertTrue(value(families, "ledger_http_request_duration_seconds_max") > 0);
        assertEquals(4, value(families, "ledger_pipeline_duration_seconds_count"), "three commands and one read");
        assertEquals(4, value(families, "ledger_pipeline_duration_seconds_bucket", "le", "+Inf"));
        if (openMetrics)
        {
            assertEquals("seconds", families.get("ledger_http_request_duration_seconds").unit());
        }

        assertEquals(1024, value(families, "ledger_ring_size_slots"));
        // The reply stage hands a reply over before it advances its sequence, so the slot of the last command
        // may still count as taken for an instant after its reply has arrived.
        assertTrue(value(families, "ledger_ring_free_slots") >= 1023, "nothing in the ring between requests");
        assertTrue(value(families, "ledger_ring_used_slots") <= 1);
        assertEquals(0, value(families, "ledger_pipeline_failed"));
        assertTrue(value(families, "ledger_journal_last_command_id") >= 3);
        assertTrue(value(families, "ledger_journal_index") > 0, "three records appended");
        assertEquals(1, value(families, "ledger_journal_durability_info", "mode", "process"));
        assertEquals(0, value(families, "ledger_journal_syncs_total"), "process durability leaves the syncs to the kernel");
        assertEquals(0, value(families, "ledger_journal_sync_seconds_total"));
        assertEquals(1, value(families, "ledger_thread_mode_info", "mode", "own".equals(TestServer.ledgerThread()) ? "own" : "event-loop"),
            "auto runs on the event loop with one loop and process durability");
        assertTrue(value(families, "ledger_journal_files") >= 1);
        assertTrue(value(families, "ledger_journal_file_bytes") > 0);
        assertTrue(value(families, "ledger_http_connections_open") >= 1);
        assertEquals(0, value(families, "ledger_snapshots_written_total"));
        assertFalse(families.containsKey("ledger_snapshot_age_seconds") && !families.get("ledger_snapshot_age_seconds").samples().isEmpty(),
            "no snapshot yet: no age");
        final double pause = value(families, "ledger_thread_longest_pause_since_start_seconds");
        assertTrue(pause > 0 && pause < 60, "the ledger thread's longest pause " + pause);
        value(families, "ledger_thread_longest_pause_seconds");
        value(families, "ledger_thread_long_pauses_total");
        checkThreadSchedule(families);
        assertEquals(0, value(families, "ledger_history_chunks_allocated_on_ledger_thread_total"),
            "a few commands fit in the history's first chunk: the ledger thread allocated none");

        assertEquals(1000, value(families, "ledger_money_minor", "currency", "ZAR", "holder", "customers"));
        assertEquals(0, value(families, "ledger_money_minor", "currency", "ZAR", "holder", "merchants"));
        assertEquals(1000, value(families, "ledger_money_paid_in_minor", "currency", "ZAR"));
        assertEquals(0, value(families, "ledger_money_paid_out_minor", "currency", "ZAR"));
        assertEquals(1, value(families, "ledger_money_conserved", "currency", "ZAR"));
        assertTrue(value(families, "jvm_memory_used_bytes", "area", "heap") > 0);
        for (final String sample : KEPT_SAMPLES)
        {
            assertTrue(families.values().stream().anyMatch(f -> f.samples().stream().anyMatch(s -> s.name().equals(sample))),
                sample + " is still served");
        }
        for (final Family family : families.values())
        {
            assertFalse(family.help() == null || family.help().isEmpty(), family.name() + " has HELP");
        }
    }

    @Test
    void shouldServeEveryMetricTheGrafanaDashboardQueries() throws Exception
    {
        final String dashboard = Files.readString(Path.of("..", "docs", "grafana", "ledger-dashboard.json"));
        try (TestServer server = new TestServer(dataDir))
        {
            final java.util.Set<String> families = new java.util.TreeSet<>();
            for (final var snapshot : server.server.metrics().snapshots())
            {
                families.add(snapshot.getMetadata().getPrometheusName());
            }
            final java.util.regex.Matcher names = java.util.regex.Pattern.compile("\\b(?:ledger|jvm|process|netty)_[a-z_]+").matcher(dashboard);
            int checked = 0;
            while (names.find())
            {
                final String name = names.group();
                final boolean served = families.stream().anyMatch(family -> name.equals(family)
                    || List.of("_total", "_bucket", "_count", "_sum", "_info").stream().anyMatch(suffix -> name.equals(family + suffix)));
                assertTrue(served, "the dashboard queries " + name + ", which /metrics does not serve; served: " + families);
                checked++;
            }
            assertTrue(checked > 20, "the dashboard's queries were found: " + checked);
        }
    }

    @Test
    void shouldServeMetricsToAnOperatorTokenOnlyByDefaultPublicWhenAskedAndHideThemWhenOff() throws Exception
    {
        assertEquals(HttpOptions.MetricsAccess.TOKEN, HttpOptions.DEFAULTS.metrics(), "restricted unless asked otherwise");
        try (HarnessServer server = new HarnessServer(dataDir.resolve("token"), 64, HttpOptions.DEFAULTS, UnaryOperator.identity()))
        {
            final HttpResponse<String> anonymous = server.get("/metrics", null);
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            assertEquals("Bearer", anonymous.headers().firstValue("www-authenticate").orElseThrow());
            final HttpResponse<String> merchant = server.get("/metrics", "any_merchant");
            assertEquals(403, merchant.statusCode(), "every merchant's money totals are in there: " + merchant.body());
            assertFalse(merchant.body().contains("ledger_"), merchant.body());
            final String operator = Tokens.issueOperator(TestServer.SECRET, "ops", System.currentTimeMillis(), 60_000);
            final HttpResponse<String> withOperatorToken = server.send(HttpRequest.newBuilder(server.uri("/metrics"))
                .header("Authorization", "Bearer " + operator).GET().build());
            assertEquals(200, withOperatorToken.statusCode());
            assertTrue(withOperatorToken.body().contains("# TYPE ledger_ring_size_slots gauge"), withOperatorToken.body());
        }
        try (HarnessServer server = new HarnessServer(dataDir.resolve("public"), 64,
            HttpOptions.DEFAULTS.withMetrics(HttpOptions.MetricsAccess.PUBLIC), UnaryOperator.identity()))
        {
            assertEquals(200, server.get("/metrics", null).statusCode(), "--metrics public: no token needed");
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
        try (HarnessServer server = new HarnessServer(dataDir.resolve("ring"), 2,
            HttpOptions.DEFAULTS.withMetrics(HttpOptions.MetricsAccess.PUBLIC), UnaryOperator.identity()))
        {
            final HttpResponse<String> scrape = server.get("/metrics", null);
            assertEquals(200, scrape.statusCode());
            final var snapshots = server.http.metrics().snapshots();
            assertEquals(2, MetricValues.value(snapshots, "ledger_ring_free_slots"));
            assertEquals(0, MetricValues.value(snapshots, "ledger_journal_last_command_id"));
            assertEquals(0, MetricValues.value(snapshots, "ledger_pipeline_duration_seconds_count"), "a scrape is not a command");
        }
    }

    /**
     * A scrape is rendered on its own thread ({@link MetricsScrape}), not on the event loop: the connection's replies
     * still leave in request order when a scrape is pipelined between two other requests, and the scrape's thread is one
     * of the server threads the next scrape reports.
     */
    @Test
    void shouldRenderTheScrapeOffTheEventLoopAndKeepTheConnectionsReplyOrder() throws Exception
    {
        try (TestServer server = new TestServer(dataDir);
            java.net.Socket socket = new java.net.Socket("127.0.0.1", server.server.port()))
        {
            socket.setSoTimeout(20_000);
            final Map<String, String> operator = Map.of("Authorization", "Bearer " + TestServer.operatorToken());
            final Map<String, String> merchant = Map.of("Authorization", "Bearer " + TestServer.token(M));
            final java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
            burst.write(RawHttp.request("GET", "/api/canary/nope", merchant, null));
            burst.write(RawHttp.request("GET", "/metrics", operator, null));
            burst.write(RawHttp.request("GET", "/api/canary/nope", merchant, null));
            burst.write(RawHttp.request("GET", "/metrics", operator, null));
            socket.getOutputStream().write(burst.toByteArray());
            final java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            assertEquals(404, RawHttp.readResponse(in, false).status());
            final RawHttp.Response first = RawHttp.readResponse(in, false);
            assertEquals(200, first.status());
            assertTrue(first.bodyText().contains("ledger_ring_size_slots"), "the first scrape is the second reply");
            assertEquals(404, RawHttp.readResponse(in, false).status());
            final RawHttp.Response second = RawHttp.readResponse(in, false);
            assertEquals(200, second.status());
            assertTrue(second.bodyText().contains("ledger_process_thread_cpu_seconds_total{thread=\"ledger-metrics\"}"),
                "the scrapes ran on ledger-metrics");
        }
    }
}
