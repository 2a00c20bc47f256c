package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.ledger.http.auth.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's routes through the production wiring: who may open what (an operator token for every figure and
 * lookup; a merchant token gets 403 from every console route; an operator token gets 403 from the merchant API),
 * what the stats say after real traffic, and that a lookup answers exactly what the merchant's own API answers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsoleRoutesTest
{
    private static final String M = "console_merchant";

    @TempDir
    Path dataDir;

    private static String operatorToken()
    {
        return Tokens.issueOperator(TestServer.SECRET, "ops", System.currentTimeMillis(), 3_600_000);
    }

    private static HttpResponse<String> get(final TestServer server, final String path, final String bearer)
    {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(server.uri(path)).timeout(java.time.Duration.ofSeconds(10));
        if (bearer != null)
        {
            builder.header("Authorization", "Bearer " + bearer);
        }
        return server.send(builder.GET().build());
    }

    @Test
    void shouldServeThePageToAnyoneAndItsFiguresToOperatorsOnly()
    {
        try (TestServer server = new TestServer(dataDir))
        {
            final String merchant = TestServer.token(M);
            final String operator = operatorToken();

            final HttpResponse<String> page = get(server, "/console", null);
            assertEquals(200, page.statusCode());
            assertEquals("text/html; charset=utf-8", page.headers().firstValue("content-type").orElseThrow());
            assertTrue(page.body().contains("<script src=\"/console/console.js\""), page.body());
            assertTrue(page.headers().firstValue("content-security-policy").orElseThrow().contains("script-src 'self'"));
            assertEquals("nosniff", page.headers().firstValue("x-content-type-options").orElseThrow());
            assertEquals(200, get(server, "/console/console.js", null).statusCode());
            assertEquals(200, get(server, "/console/console.css", operator).statusCode());

            for (final String path : List.of("/console", "/console/console.js", "/console/api/stats",
                "/console/api/merchants/" + M + "/customers/cus_0000000000"))
            {
                final HttpResponse<String> asMerchant = get(server, path, merchant);
                assertEquals(403, asMerchant.statusCode(), path + " " + asMerchant.body());
                assertEquals("The console needs an operator token", TestJson.object(asMerchant.body()).get("message") instanceof List<?> l
                    ? l.get(0) : null);
                assertEquals(401, get(server, path, "not-a-token").statusCode(), path);
            }
            assertEquals(401, get(server, "/console/api/stats", null).statusCode());
            assertEquals(200, get(server, "/console/api/stats", operator).statusCode());

            final HttpResponse<String> operatorOnApi = get(server, "/api/canary/customers", operator);
            assertEquals(403, operatorOnApi.statusCode(), "an operator token opens no merchant's API");
            assertEquals(403, server.send(HttpRequest.newBuilder(server.uri("/api/canary/customers"))
                .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"phoneNumber\":\"+1\",\"metadata\":{}}")).build()).statusCode());

            assertEquals(404, get(server, "/console/nothing", operator).statusCode());
            final HttpResponse<String> post = server.send(HttpRequest.newBuilder(server.uri("/console/api/stats"))
                .header("Authorization", "Bearer " + operator).POST(HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(405, post.statusCode());
            assertEquals("GET", post.headers().firstValue("allow").orElseThrow());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldReportTrafficJournalPausesAndRefusalsInTheStats()
    {
        try (TestServer server = new TestServer(dataDir))
        {
            final String customer = server.createCustomer(M, "c@example.com");
            server.payIn(M, customer, 1000);
            assertEquals(402, server.post("/api/canary/purchases", M,
                "{\"customerId\":\"" + customer + "\",\"productId\":\"p\",\"amount\":5000,\"currency\":\"ZAR\"}").statusCode());
            assertEquals(401, get(server, "/api/canary/customers", null).statusCode());

            final HttpResponse<String> response = get(server, "/console/api/stats", operatorToken());
            assertEquals(200, response.statusCode());
            assertEquals("no-store", response.headers().firstValue("cache-control").orElseThrow());
            final Map<String, Object> stats = TestJson.object(response.body());

            final Map<String, Object> commands = (Map<String, Object>)stats.get("commands");
            assertEquals(3L, commands.get("replied"));
            assertEquals(1L, commands.get("refusedByLedger"));
            final Map<String, Object> latency = (Map<String, Object>)stats.get("requestLatency");
            assertTrue((Long)latency.get("count") >= 4, latency.toString());
            assertTrue(((Number)latency.get("p99Ms")).doubleValue() > 0, latency.toString());
            final Map<String, Object> journal = (Map<String, Object>)stats.get("journal");
            assertEquals("process", journal.get("durability"));
            assertTrue(((String)journal.get("index")).startsWith("0x"), journal.toString());
            assertTrue((Long)journal.get("lastCommandId") >= 3);
            assertNull(stats.get("snapshot"), "no snapshot yet");
            final Map<String, Object> thread = (Map<String, Object>)stats.get("ledgerThread");
            assertTrue(((Number)thread.get("longestPauseMsSinceStart")).doubleValue() > 0, thread.toString());
            assertEquals(50.0, ((Number)thread.get("pauseWarnMs")).doubleValue());
            assertEquals(1024L, ((Map<String, Object>)stats.get("ring")).get("sizeSlots"));
            final Map<String, Object> money = (Map<String, Object>)stats.get("money");
            assertEquals(true, money.get("conserved"));
            assertEquals(List.of(Map.of("currency", "ZAR", "customersMinor", "1000", "merchantsMinor", "0", "paidInMinor", "1000",
                "paidOutMinor", "0", "conserved", true, "heldMinor", "0", "giftsMinor", "0")), money.get("currencies"));
            assertEquals(true, money.get("heldTracked"));

            final Map<String, Object> refusals = (Map<String, Object>)stats.get("refusals");
            final List<Map<String, Object>> recent = (List<Map<String, Object>>)refusals.get("recent");
            assertEquals(2, recent.size(), recent.toString());
            assertEquals("unauthorized", recent.get(0).get("reason"));
            assertEquals(401L, recent.get(0).get("status"));
            assertNull(recent.get(0).get("merchant"));
            assertEquals("insufficient_funds", recent.get(1).get("reason"));
            assertEquals("create_purchase", recent.get(1).get("route"));
            assertEquals(402L, recent.get(1).get("status"));
            assertEquals(M, recent.get(1).get("merchant"));
            assertEquals(Map.of("insufficient_funds", 1L, "unauthorized", 1L), refusals.get("byReason"));
        }
    }

    @Test
    void shouldLookUpACustomerForTheMerchantTheOperatorNamesExactlyAsTheMerchantsApiAnswers()
    {
        try (TestServer server = new TestServer(dataDir))
        {
            final String customer = server.createCustomer(M, "d@example.com");
            server.payIn(M, customer, 1500);
            server.payIn(M, customer, 500);
            final String operator = operatorToken();
            final String console = "/console/api/merchants/" + M + "/customers/" + customer;
            final String api = "/api/canary/customers/" + customer;

            for (final String[] pair : new String[][] {{"", ""}, {"/balance", "/balance"}, {"/balance?currency=USD", "/balance?currency=USD"},
                {"/transactions?limit=1&offset=1", "/transactions?limit=1&offset=1"}})
            {
                final HttpResponse<String> asOperator = get(server, console + pair[0], operator);
                final HttpResponse<String> asMerchant = server.get(api + pair[1], M);
                assertEquals(200, asOperator.statusCode(), asOperator.body());
                assertEquals(asMerchant.body(), asOperator.body(), pair[0]);
            }
            final HttpResponse<String> otherMerchant = get(server, "/console/api/merchants/someone_else/customers/" + customer, operator);
            assertEquals(404, otherMerchant.statusCode(), "the customer belongs to " + M);
            assertEquals(404, get(server, "/console/api/merchants/" + M + "/customers/cus_nope", operator).statusCode());
            assertEquals(400, get(server, console + "/transactions?limit=0", operator).statusCode());
            assertEquals(404, get(server, "/console/api/merchants/two%20words/customers/" + customer, operator).statusCode());
            assertFalse(get(server, console, operator).body().contains("statusCode"));
        }
    }
}
