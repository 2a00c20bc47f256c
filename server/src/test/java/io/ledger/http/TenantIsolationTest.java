package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.ledger.http.endpoint.Endpoints;
import io.ledger.http.endpoint.Route;
import io.ledger.http.endpoint.Router;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Merchant B, with a valid token of its own, tries every route against merchant A's ids and data: it must get 404,
 * a 4xx, or a list that holds only its own data, never a byte of A's; and A's view of everything must be exactly
 * the same afterwards.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TenantIsolationTest
{
    private static final String A = "tenant_a";
    private static final String B = "tenant_b";
    private static final String SHARED_KEY = "shared-idempotency-key";

    @TempDir
    Path dataDir;

    private TestServer server;
    private final Set<Route> exercised = new HashSet<>();
    private final List<String> secretsOfA = new ArrayList<>();

    @Test
    void shouldNeverLetOneMerchantReadOrChangeAnothersData()
    {
        try (TestServer s = new TestServer(dataDir))
        {
            server = s;
            final String a1 = server.createCustomer(A, "a1@example.com");
            final String a2 = server.createCustomer(A, "a2@example.com");
            server.payIn(A, a1, 10_000);
            final String purchase = idOf(created(server.send(server.request("/api/canary/purchases", A)
                .header("Content-Type", "application/json").header("Idempotency-Key", SHARED_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(
                    "{\"customerId\":\"" + a1 + "\",\"productId\":\"secret-product\",\"amount\":1000,\"currency\":\"ZAR\"}")).build())));
            final String transfer = idOf(created(server.post("/api/canary/transfers", A,
                "{\"fromCustomerId\":\"" + a1 + "\",\"toCustomerId\":\"" + a2 + "\",\"amount\":500,\"currency\":\"ZAR\"}")));
            final String payout = idOf(created(server.post("/api/canary/payouts", A,
                "{\"amount\":200,\"currency\":\"ZAR\",\"metadata\":{\"ref\":\"secret-payout\"}}")));
            final String method = idOf(created(server.post("/api/canary/customers/" + a1 + "/payment-methods", A,
                "{\"type\":\"card\",\"provider\":\"visa\",\"last4\":\"4242\"}")));
            final String refund = idOf(created(server.post("/api/canary/purchases/" + purchase + "/refunds", A, "{\"amount\":100}")));
            final String held = idOf(created(server.post("/api/canary/purchases", A, "{\"customerId\":\"" + a1 + "\",\"productId\":\"secret-held\","
                + "\"amount\":300,\"currency\":\"ZAR\",\"externalReference\":\"secret-reference\",\"escrow\":{\"releaseAt\":\""
                + java.time.Instant.now().plusSeconds(3_600) + "\"}}")));
            final String gift = idOf(created(server.post("/api/canary/customers/" + a1 + "/gift-balances", A,
                "{\"amount\":50,\"currency\":\"ZAR\",\"description\":\"secret-gift\"}")));
            final Map<String, Object> keyOfA = TestJson.object(created(server.post("/api/canary/api-keys", A,
                "{\"dialect\":\"paywall\",\"currency\":\"ZAR\",\"name\":\"secret-key-name\"}")).body());
            final String walletOfA = PaywallDialectTest.walletOf(server, A, a1);
            // A's Masumi key, agent and purchase (issue 15)
            final String masumiKeyOfA = (String)TestJson.object(created(server.post("/api/canary/api-keys", A,
                "{\"dialect\":\"masumi\",\"currency\":\"ZAR\",\"customerId\":\"" + a1 + "\"}")).body()).get("key");
            created(server.post("/api/canary/masumi-agents", A, "{\"agentIdentifier\":\"secret-agent\",\"amount\":100,\"currency\":\"ZAR\"}"));
            final long unlock = System.currentTimeMillis() + 3_600_000;
            final String masumiBody = "{\"identifierFromPurchaser\":\"aabbaabb11221122aabb\",\"network\":\"Preprod\",\"sellerVkey\":\"v\","
                + "\"paymentType\":\"Web3CardanoV1\",\"blockchainIdentifier\":\"secret-bc\",\"payByTime\":\"" + (unlock - 1_200_000)
                + "\",\"submitResultTime\":\"" + (unlock - 900_000) + "\",\"unlockTime\":\"" + unlock + "\",\"externalDisputeUnlockTime\":\""
                + (unlock + 900_000) + "\",\"agentIdentifier\":\"secret-agent\"}";
            final HttpResponse<String> masumiOfA = MasumiDialectTest.masumi(server, masumiKeyOfA, "/purchase/", masumiBody);
            assertEquals(200, masumiOfA.statusCode(), masumiOfA.body());
            secretsOfA.addAll(List.of(a1, a2, purchase, transfer, payout, method, refund, held, gift, "a1@example.com", "a2@example.com",
                "secret-product", "secret-payout", "4242", "secret-held", "secret-reference", "secret-gift", (String)keyOfA.get("id"),
                (String)keyOfA.get("key"), "secret-key-name", walletOfA, masumiKeyOfA,
                (String)((Map<?, ?>)TestJson.object(masumiOfA.body()).get("data")).get("requestedById")));

            final String b1 = server.createCustomer(B, "b1@example.com");
            server.payIn(B, b1, 5_000);

            final List<String> viewsOfA = List.of("/api/canary/customers", "/api/canary/customers/" + a1, "/api/canary/customers/" + a2,
                "/api/canary/customers/" + a1 + "/balance", "/api/canary/customers/" + a2 + "/balance",
                "/api/canary/customers/" + a1 + "/transactions", "/api/canary/customers/" + a2 + "/transactions",
                "/api/canary/customers/" + a1 + "/payment-methods", "/api/canary/payment-methods", "/api/canary/payment-methods/" + method,
                "/api/canary/transfers", "/api/canary/balance", "/api/canary/balance/history", "/api/canary/payouts",
                "/api/canary/customers?email=a1@example.com", "/api/canary/customers?search=a1", "/api/canary/purchases",
                "/api/canary/purchases/" + purchase, "/api/canary/purchases/" + held, "/api/canary/purchases/" + purchase + "/refunds",
                "/api/canary/customers/" + a1 + "/gift-balances", "/api/canary/api-keys");
            final Map<String, String> before = view(viewsOfA);

            // Reads of A's entities: 404.
            notFound(attempt("GET", "/api/canary/customers/" + a1, null));
            notFound(attempt("GET", "/api/canary/customers/" + a1 + "/balance", null));
            notFound(attempt("GET", "/api/canary/customers/" + a1 + "/balance?currency=ZAR", null));
            notFoundOrEmpty(attempt("GET", "/api/canary/customers/" + a1 + "/transactions", null));
            notFoundOrEmpty(attempt("GET", "/api/canary/customers/" + a1 + "/payment-methods", null));
            notFound(attempt("GET", "/api/canary/payment-methods/" + method, null));
            notFoundOrEmpty(attempt("GET", "/api/canary/payment-methods?customerId=" + a1, null));
            notFound(attempt("GET", "/api/canary/purchases/" + purchase, null));
            notFound(attempt("GET", "/api/canary/purchases/" + held, null));
            notFound(attempt("GET", "/api/canary/purchases/" + purchase + "/refunds", null));
            notFound(attempt("GET", "/api/canary/customers/" + a1 + "/gift-balances", null));
            notFound(attempt("GET", "/api/canary/customers/" + a1 + "/paywall-wallet", null));
            assertTrue(data(attempt("GET", "/api/canary/api-keys", null)).isEmpty(), "B lists none of A's API keys");
            assertTrue(data(attempt("GET", "/api/canary/purchases?customerId=" + a1, null)).isEmpty());
            assertTrue(data(attempt("GET", "/api/canary/purchases?externalReference=secret-reference", null)).isEmpty());

            // B's own lists hold only B's data.
            final List<?> customers = data(attempt("GET", "/api/canary/customers?limit=100", null));
            assertEquals(1, customers.size());
            assertEquals(b1, ((Map<?, ?>)customers.get(0)).get("id"));
            assertTrue(data(attempt("GET", "/api/canary/customers?email=a1@example.com", null)).isEmpty());
            assertTrue(data(attempt("GET", "/api/canary/customers?search=a1", null)).isEmpty());
            assertTrue(data(attempt("GET", "/api/canary/payment-methods", null)).isEmpty());
            assertTrue(data(attempt("GET", "/api/canary/transfers", null)).isEmpty());
            assertTrue(data(attempt("GET", "/api/canary/balance/history", null)).isEmpty());
            assertTrue(data(attempt("GET", "/api/canary/payouts", null)).isEmpty());
            assertTrue(data(attempt("GET", "/api/canary/purchases", null)).isEmpty());
            final HttpResponse<String> balance = attempt("GET", "/api/canary/balance", null);
            assertEquals(200, balance.statusCode());
            assertEquals(0L, TestJson.object(balance.body()).get("amount"), "B's merchant balance, not A's");
            assertEquals(200, attempt("GET", "/api/canary/customers/" + b1 + "/transactions", null).statusCode());
            assertEquals(200, attempt("GET", "/api/canary/customers/" + b1 + "/payment-methods", null).statusCode());

            // Naming A in a query or a body: 403.
            assertEquals(403, attempt("GET", "/api/canary/payouts?merchantId=" + A, null).statusCode());
            assertEquals(403, attempt("POST", "/api/canary/purchases",
                "{\"merchantId\":\"" + A + "\",\"customerId\":\"" + b1 + "\",\"productId\":\"p\",\"amount\":1,\"currency\":\"ZAR\"}").statusCode());

            // Changes to A's entities: 404, and nothing moves.
            notFound(attempt("PATCH", "/api/canary/customers/" + a1, "{\"email\":\"evil@example.com\",\"metadata\":{\"owned\":true}}"));
            notFound(attempt("POST", "/api/canary/customers/" + a1 + "/pay-ins", "{\"amount\":1,\"currency\":\"ZAR\"}"));
            notFound(attempt("POST", "/api/canary/customers/" + a1 + "/payment-methods",
                "{\"type\":\"card\",\"provider\":\"visa\",\"last4\":\"1111\",\"isDefault\":true}"));
            notFound(attempt("POST", "/api/canary/payment-methods/" + method + "/default", "{}"));
            notFound(attempt("DELETE", "/api/canary/payment-methods/" + method, null));
            notFound(attempt("POST", "/api/canary/purchases",
                "{\"customerId\":\"" + a1 + "\",\"productId\":\"p\",\"amount\":1,\"currency\":\"ZAR\"}"));
            notFound(attempt("POST", "/api/canary/transfers",
                "{\"fromCustomerId\":\"" + a1 + "\",\"toCustomerId\":\"" + b1 + "\",\"amount\":1,\"currency\":\"ZAR\"}"));
            notFound(attempt("POST", "/api/canary/purchases/" + purchase + "/refunds", "{\"amount\":1}"));
            notFound(attempt("POST", "/api/canary/purchases/" + held + "/release", "{}"));
            notFound(attempt("POST", "/api/canary/purchases/" + held + "/cancel", "{}"));
            notFound(attempt("POST", "/api/canary/customers/" + a1 + "/gift-balances", "{\"amount\":1,\"currency\":\"ZAR\"}"));
            notFound(attempt("POST", "/api/canary/api-keys/" + keyOfA.get("id") + "/revoke", "{}"));
            notFound(attempt("POST", "/api/canary/api-keys", "{\"dialect\":\"masumi\",\"currency\":\"ZAR\",\"customerId\":\"" + a1 + "\"}"));
            // B's own Paywall key cannot buy from A's wallet, and A's key id with B's key text is no key at all
            final Map<String, Object> keyOfB = TestJson.object(created(server.post("/api/canary/api-keys", B,
                "{\"dialect\":\"paywall\",\"currency\":\"ZAR\"}")).body());
            final String paywallBody = "{\"Id\":\"" + walletOfA + "\",\"Amount\":1,\"ExternalReference\":\"secret-reference\"}";
            exercised.add(Endpoints.route("paywall_purchase"));
            final HttpResponse<String> foreignWallet = PaywallDialectTest.paywall(server,
                new PaywallDialectTest.Key((String)keyOfB.get("id"), (String)keyOfB.get("key")), paywallBody);
            assertEquals(400, foreignWallet.statusCode(), foreignWallet.body());
            assertTrue(foreignWallet.body().contains("Wallet not found"), foreignWallet.body());
            assertNoSecretOfA(foreignWallet);
            assertEquals(401, PaywallDialectTest.paywall(server, new PaywallDialectTest.Key((String)keyOfA.get("id"), (String)keyOfB.get("key")),
                paywallBody).statusCode());
            // B's Masumi key sees none of A's Masumi purchases, cannot flag them, and A's blockchainIdentifier is free for B
            final String masumiKeyOfB = (String)TestJson.object(created(server.post("/api/canary/api-keys", B,
                "{\"dialect\":\"masumi\",\"currency\":\"ZAR\",\"customerId\":\"" + b1 + "\"}")).body()).get("key");
            final String which = "{\"network\":\"Preprod\",\"blockchainIdentifier\":\"secret-bc\"}";
            for (final String route : List.of("masumi_request_refund", "masumi_cancel_refund_request"))
            {
                exercised.add(Endpoints.route(route));
                final HttpResponse<String> flag = MasumiDialectTest.masumi(server, masumiKeyOfB,
                    route.equals("masumi_request_refund") ? "/purchase/request-refund" : "/purchase/cancel-refund-request", which);
                assertEquals(404, flag.statusCode(), flag.body());
                assertNoSecretOfA(flag);
            }
            exercised.add(Endpoints.route("masumi_list_purchases"));
            final HttpResponse<String> listOfB = MasumiDialectTest.masumi(server, masumiKeyOfB, "/purchase/?network=Preprod", null);
            assertEquals("{\"status\":\"success\",\"data\":{\"Purchases\":[]}}", listOfB.body());
            exercised.add(Endpoints.route("register_masumi_agent"));
            created(attempt("POST", "/api/canary/masumi-agents", "{\"agentIdentifier\":\"secret-agent\",\"amount\":1,\"currency\":\"ZAR\"}"));
            exercised.add(Endpoints.route("masumi_create_purchase"));
            final HttpResponse<String> ownOfB = MasumiDialectTest.masumi(server, masumiKeyOfB, "/purchase/", masumiBody);
            assertEquals(200, ownOfB.statusCode(), "B's own purchase with A's identifier, at B's price: " + ownOfB.body());
            assertTrue(ownOfB.body().contains("\"PaidFunds\":[{\"amount\":\"1\",\"unit\":\"\"}]"), ownOfB.body());
            assertNoSecretOfA(ownOfB);
            notFound(attempt("POST", "/api/canary/transfers",
                "{\"fromCustomerId\":\"" + b1 + "\",\"toCustomerId\":\"" + a1 + "\",\"amount\":1,\"currency\":\"ZAR\"}"));
            assertEquals(402, attempt("POST", "/api/canary/payouts", "{\"amount\":100,\"currency\":\"ZAR\",\"metadata\":{}}").statusCode(),
                "a payout spends B's own (empty) balance, never A's");
            final HttpResponse<String> batch = attempt("POST", "/api/canary/batch", "{\"commands\":["
                + "{\"type\":\"purchase\",\"body\":{\"customerId\":\"" + a1 + "\",\"productId\":\"p\",\"amount\":1,\"currency\":\"ZAR\"}},"
                + "{\"type\":\"payIn\",\"customerId\":\"" + a1 + "\",\"body\":{\"amount\":1,\"currency\":\"ZAR\"}},"
                + "{\"type\":\"transfer\",\"body\":{\"fromCustomerId\":\"" + b1 + "\",\"toCustomerId\":\"" + a1
                + "\",\"amount\":1,\"currency\":\"ZAR\"}}]}");
            assertEquals(200, batch.statusCode(), batch.body());
            assertEquals(3, batch.body().split("\"status\":404", -1).length - 1, "each command of a batch naming A's customers: 404");
            assertEquals(403, attempt("POST", "/api/canary/batch", "{\"merchantId\":\"" + A + "\",\"commands\":[{\"type\":\"payout\","
                + "\"body\":{\"amount\":1,\"currency\":\"ZAR\",\"metadata\":{}}}]}").statusCode());

            // A's email and idempotency key mean nothing to B: no 409 that would reveal A's customer, no replay of A's answer.
            final HttpResponse<String> sameEmail = server.post("/api/canary/customers", B,
                "{\"phoneNumber\":\"+1\",\"email\":\"a1@example.com\",\"metadata\":{}}"); // echoes B's own input
            exercised.add(Endpoints.route("create_customer"));
            assertEquals(201, sameEmail.statusCode(), "emails are unique per merchant");
            assertEquals(B, TestJson.object(sameEmail.body()).get("merchantId"));
            final HttpResponse<String> sameKey = server.send(server.request("/api/canary/customers/" + b1 + "/pay-ins", B)
                .header("Content-Type", "application/json").header("Idempotency-Key", SHARED_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":3,\"currency\":\"ZAR\"}")).build());
            exercised.add(Endpoints.route("create_pay_in"));
            assertEquals(201, sameKey.statusCode(), sameKey.body());
            assertTrue(sameKey.headers().firstValue(Responses.IDEMPOTENT_REPLAYED).isEmpty(), "not A's stored answer");
            assertNoSecretOfA(sameKey);

            final Set<Route> tenantRoutes = new HashSet<>(Endpoints.routes());
            // the change stream never ends: EventStreamTest shows that another merchant's events never appear in it
            tenantRoutes.removeAll(Set.of(Route.HEALTH, Route.LIVENESS, Route.OPENAPI, Route.METRICS, Route.EVENTS));
            assertEquals(tenantRoutes, exercised, "every merchant route was tried across tenants");

            assertEquals(before, view(viewsOfA), "A's data is exactly as it was");
        }
    }

    /** B's request; checks that the answer holds nothing of A's. */
    private HttpResponse<String> attempt(final String method, final String path, final String json)
    {
        final Router.Match match = Router.match(HttpMethod.valueOf(method), new QueryStringDecoder(path).rawPath());
        assertTrue(match.found(), path);
        exercised.add(match.route());
        final HttpRequest.Builder builder = server.request(path, B);
        final HttpRequest request = switch (method)
        {
            case "GET" -> builder.GET().build();
            case "DELETE" -> builder.DELETE().build();
            default -> builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json)).build();
        };
        final HttpResponse<String> response = server.send(request);
        assertTrue(response.statusCode() < 500, response::body);
        assertNoSecretOfA(response);
        return response;
    }

    private void assertNoSecretOfA(final HttpResponse<String> response)
    {
        for (final String secret : secretsOfA)
        {
            assertFalse(response.body().contains(secret), () -> "B saw A's " + secret + ": " + response.body());
        }
    }

    private Map<String, String> view(final List<String> paths)
    {
        final Map<String, String> bodies = new LinkedHashMap<>();
        for (final String path : paths)
        {
            final HttpResponse<String> response = server.get(path, A);
            assertEquals(200, response.statusCode(), path + " " + response.body());
            bodies.put(path, response.body());
        }
        return bodies;
    }

    private static void notFound(final HttpResponse<String> response)
    {
        assertEquals(404, response.statusCode(), response.body());
    }

    private static void notFoundOrEmpty(final HttpResponse<String> response)
    {
        if (response.statusCode() != 404)
        {
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(data(response).isEmpty(), response.body());
        }
    }

    private static List<?> data(final HttpResponse<String> response)
    {
        assertEquals(200, response.statusCode(), response.body());
        return (List<?>)TestJson.object(response.body()).get("data");
    }

    private static HttpResponse<String> created(final HttpResponse<String> response)
    {
        assertEquals(201, response.statusCode(), response.body());
        return response;
    }

    private static String idOf(final HttpResponse<String> response)
    {
        return (String)TestJson.object(response.body()).get("id");
    }
}
