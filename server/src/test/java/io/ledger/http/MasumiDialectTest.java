package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The Masumi dialect against the real server (issue 15): the calls the public {@code masumi} Python client
 * ({@code masumi-network/pip-masumi}, {@code masumi/purchase.py}) makes, with its paths, headers and payloads, each
 * answered 200 with JSON; the seed's own request ({@code 003_2b37061d2943bf9d.txt}), adjusted only for ids, keys and
 * times, answered field by field as the seed's example, its effect read back through the Cashful API; a duplicate
 * {@code blockchainIdentifier} answered 409 with the seed's error body and never locking twice, also after restarts from a
 * snapshot and from the journal alone; a refund request returning the money at {@code unlockTime}, no request releasing
 * it to the seller; hostile input refused in Masumi's error shape with a 4xx, changing nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MasumiDialectTest
{
    private static final String M = "merchant-masumi";
    private static final String BASE = "/api/v1";
    private static final long MINUTE_MS = 60_000L;

    /** The seed's success example, verbatim. */
    private static final String SEED_REPLY = """
        {
          "status": "success",
          "data": {
            "id": "cuid_v2_auto_generated",
            "createdAt": "1970-01-20T20:00:36.260Z",
            "updatedAt": "1970-01-20T20:00:36.260Z",
            "blockchainIdentifier": "blockchain_identifier",
            "lastCheckedAt": null,
            "submitResultTime": "0",
            "unlockTime": "0",
            "externalDisputeUnlockTime": "0",
            "payByTime": null,
            "requestedById": "requester_id",
            "resultHash": "",
            "onChainState": null,
            "inputHash": "input_hash",
            "NextAction": {
              "requestedAction": "FundsLockingRequested",
              "errorType": null,
              "errorNote": null
            },
            "CurrentTransaction": null,
            "PaidFunds": [
              {
                "amount": "10000000",
                "unit": ""
              }
            ],
            "PaymentSource": {
              "id": "payment_source_id",
              "policyId": "policy_id",
              "network": "Preprod",
              "smartContractAddress": "address",
              "paymentType": "Web3CardanoV1"
            },
            "SellerWallet": null,
            "SmartContractWallet": null,
            "metadata": null,
            "WithdrawnForSeller": [],
            "WithdrawnForBuyer": []
          }
        }""";

    /** The seed's 409 example: its {@code object} is the success example's {@code data}. */
    private static Map<String, Object> seedExists()
    {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "error");
        body.put("error", Map.of("message", "Purchase request already exists"));
        body.put("id", "cuid_v2_auto_generated");
        body.put("object", TestJson.object(SEED_REPLY).get("data"));
        return body;
    }

    /** The seed's request example, with its times replaced by valid milliseconds around {@code unlockMs}. */
    private static String seedRequest(final String blockchainIdentifier, final long unlockMs)
    {
        return """
            {    "identifierFromPurchaser": "aabbaabb11221122aabb",    "network": "Preprod",    "sellerVkey": "seller_vkey",    \
            "paymentType": "Web3CardanoV1",    "blockchainIdentifier": "%s",    "payByTime": "%d",    "submitResultTime": "%d",    \
            "unlockTime": "%d",    "externalDisputeUnlockTime": "%d",    "agentIdentifier": "agent_identifier",    \
            "inputHash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"  }"""
            .formatted(blockchainIdentifier, unlockMs - 20 * MINUTE_MS, unlockMs - 15 * MINUTE_MS, unlockMs, unlockMs + 15 * MINUTE_MS);
    }

    @TempDir
    Path dataDir;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Level savedLevel;

    @BeforeEach
    void captureLogs()
    {
        logs.start();
        final Logger root = (Logger)LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        savedLevel = root.getLevel();
        root.setLevel(Level.DEBUG);
        root.addAppender(logs);
    }

    @AfterEach
    void restoreLogs()
    {
        final Logger root = (Logger)LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAppender(logs);
        root.setLevel(savedLevel);
    }

    /** A Masumi key bound to a new customer of {@link #M} holding {@code balance}; the agent priced at 10000000. */
    private record Buyer(String customer, String key, String keyId)
    {
    }

    private static Buyer buyer(final TestServer server, final long balance)
    {
        final String customer = server.createCustomer(M, null);
        server.payIn(M, customer, balance);
        final HttpResponse<String> made = server.post("/api/canary/api-keys", M,
            "{\"dialect\":\"masumi\",\"currency\":\"ZAR\",\"customerId\":\"" + customer + "\",\"name\":\"agent wallet\"}");
        assertEquals(201, made.statusCode(), made.body());
        final Map<String, Object> key = TestJson.object(made.body());
        assertEquals(201, server.post("/api/canary/masumi-agents", M,
            "{\"agentIdentifier\":\"agent_identifier\",\"amount\":10000000,\"currency\":\"ZAR\"}").statusCode());
        return new Buyer(customer, (String)key.get("key"), (String)key.get("id"));
    }

    /** A request as {@code purchase.py} sends it: {@code token} and {@code Content-Type: application/json}, nothing else. */
    static HttpResponse<String> masumi(final TestServer server, final String token, final String path, final String body)
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(BASE + path)).timeout(java.time.Duration.ofSeconds(30))
            .header("Content-Type", "application/json");
        if (token != null)
        {
            request.header("token", token);
        }
        return server.send(body == null ? request.GET().build() : request.POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(final HttpResponse<String> response)
    {
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), "aiohttp's json() checks it");
        final Map<String, Object> body = TestJson.object(response.body());
        assertEquals("success", body.get("status"), response.body());
        return (Map<String, Object>)body.get("data");
    }

    @Test
    void shouldAnswerThePythonClientsPurchaseRefundRequestAndCancelAsPurchasePyCallsThem() throws NoSuchAlgorithmException
    {
        try (TestServer server = new TestServer(dataDir))
        {
            final Buyer buyer = buyer(server, 30_000_000);
            final long unlock = System.currentTimeMillis() + 60 * MINUTE_MS;
            // Purchase(..., identifier_from_purchaser=None -> "default_purchaser_id", network "Preprod", payment_type "Web3CardanoV1",
            // input_data={"text": "hello"}): the body create_purchase_request() posts, times as str(int)
            final String inputHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(("default_purchaser_id" + ";" + "{\"text\":\"hello\"}").getBytes(StandardCharsets.UTF_8)));
            final Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("identifierFromPurchaser", "default_purchaser_id");
            payload.put("network", "Preprod");
            payload.put("sellerVkey", "addr_vkey_seller");
            payload.put("paymentType", "Web3CardanoV1");
            payload.put("blockchainIdentifier", "bc-python-1");
            payload.put("payByTime", Long.toString(unlock - 30 * MINUTE_MS));
            payload.put("submitResultTime", Long.toString(unlock - 20 * MINUTE_MS));
            payload.put("unlockTime", Long.toString(unlock));
            payload.put("externalDisputeUnlockTime", Long.toString(unlock + 30 * MINUTE_MS));
            payload.put("agentIdentifier", "agent_identifier");
            payload.put("inputHash", inputHash);
            final Map<String, Object> created = data(masumi(server, buyer.key(), "/purchase/", json(payload)));
            assertEquals("bc-python-1", created.get("blockchainIdentifier"));
            assertEquals(inputHash, created.get("inputHash"));
            assertEquals("FundsLockingRequested", ((Map<?, ?>)created.get("NextAction")).get("requestedAction"));
            assertEquals(30_000_000 - 10_000_000, server.balance(M, buyer.customer()), "locked at once");

            // without input_data the client omits inputHash
            payload.remove("inputHash");
            payload.put("blockchainIdentifier", "bc-python-2");
            assertEquals("", data(masumi(server, buyer.key(), "/purchase/", json(payload))).get("inputHash"));

            // request_refund() and cancel_refund_request(): {network, blockchainIdentifier}, no trailing slash
            final String which = "{\"network\":\"Preprod\",\"blockchainIdentifier\":\"bc-python-1\"}";
            final Map<String, Object> requested = data(masumi(server, buyer.key(), "/purchase/request-refund", which));
            assertEquals("RefundRequested", requested.get("onChainState"));
            assertEquals("WaitingForExternalAction", ((Map<?, ?>)requested.get("NextAction")).get("requestedAction"));
            final Map<String, Object> cancelled = data(masumi(server, buyer.key(), "/purchase/cancel-refund-request", which));
            assertEquals("FundsLocked", cancelled.get("onChainState"));
            assertEquals(created.get("id"), cancelled.get("id"));
            assertEquals(30_000_000 - 20_000_000, server.balance(M, buyer.customer()), "a refund request moves no money by itself");

            // the list: GET /purchase/?network=Preprod, newest first
            final Map<String, Object> listed = data(masumi(server, buyer.key(), "/purchase/?network=Preprod&limit=10", null));
            final List<?> purchases = (List<?>)listed.get("Purchases");
            assertEquals(2, purchases.size());
            assertEquals("bc-python-2", ((Map<?, ?>)purchases.get(0)).get("blockchainIdentifier"));
            assertEquals("FundsLocked", ((Map<?, ?>)purchases.get(1)).get("onChainState"));
            final Map<String, Object> page = data(masumi(server, buyer.key(), "/purchase?network=Preprod&limit=1&cursorId=" + created.get("id"), null));
            assertEquals(List.of(created.get("id")), ((List<?>)page.get("Purchases")).stream().map(p -> ((Map<?, ?>)p).get("id")).toList(),
                "the cursor's purchase first, as Masumi pages");
        }
    }

    @Test
    void shouldAnswerTheSeedRequestFieldByFieldAsTheSeedExampleAndLockTheMoney()
    {
        try (TestServer server = new TestServer(dataDir))
        {
            final Buyer buyer = buyer(server, 25_000_000);
            final long unlock = System.currentTimeMillis() + 60 * MINUTE_MS;
            final HttpResponse<String> response = masumi(server, buyer.key(), "/purchase/", seedRequest("blockchain_identifier", unlock));
            final Map<String, Object> data = data(response);
            final Map<String, Object> body = TestJson.object(response.body());
            PaywallDialectTest.assertSameShape(TestJson.object(SEED_REPLY), body, "");

            assertEquals("blockchain_identifier", data.get("blockchainIdentifier"));
            assertTrue(((String)data.get("id")).startsWith("pur_"), data.toString());
            assertEquals(buyer.keyId(), data.get("requestedById"));
            assertEquals(Long.toString(unlock), data.get("unlockTime"));
            assertEquals(Long.toString(unlock - 15 * MINUTE_MS), data.get("submitResultTime"));
            assertEquals(Long.toString(unlock + 15 * MINUTE_MS), data.get("externalDisputeUnlockTime"));
            assertEquals("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", data.get("inputHash"));
            assertEquals(List.of(Map.of("amount", "10000000", "unit", "")), data.get("PaidFunds"));
            assertEquals("Preprod", ((Map<?, ?>)data.get("PaymentSource")).get("network"));
            assertEquals("Web3CardanoV1", ((Map<?, ?>)data.get("PaymentSource")).get("paymentType"));

            // the effect, through the Cashful API: the buyer's money is held for the merchant
            assertEquals(15_000_000, server.balance(M, buyer.customer()));
            final HttpResponse<String> purchase = server.get("/api/canary/purchases/" + data.get("id"), M);
            assertEquals(200, purchase.statusCode(), purchase.body());
            final Map<String, Object> cashful = TestJson.object(purchase.body());
            assertEquals("held", cashful.get("status"), purchase.body());
            assertEquals(buyer.customer(), cashful.get("customerId"));
            final String history = server.get("/api/canary/customers/" + buyer.customer() + "/transactions", M).body();
            assertTrue(history.contains("-10000000") || history.contains("10000000"), history);
        }
    }

    @Test
    void shouldAnswerADuplicateWith409AndTheSeedsBodyNeverLockingTwiceAcrossRestarts() throws IOException
    {
        final long unlock = System.currentTimeMillis() + 60 * MINUTE_MS;
        final Buyer buyer;
        final String firstId;
        try (TestServer server = new TestServer(dataDir))
        {
            buyer = buyer(server, 25_000_000);
            firstId = (String)data(masumi(server, buyer.key(), "/purchase/", seedRequest("bc-dup", unlock))).get("id");
            assertDuplicate(masumi(server, buyer.key(), "/purchase/", seedRequest("bc-dup", unlock)), firstId);
            assertDuplicate(masumi(server, buyer.key(), "/purchase", seedRequest("bc-dup", unlock + MINUTE_MS)), firstId);
            assertEquals(15_000_000, server.balance(M, buyer.customer()), "locked once");
            assertEquals(200, masumi(server, buyer.key(), "/purchase/", seedRequest("bc-dup", unlock).replace("Preprod", "Mainnet")).statusCode(),
                "the same identifier on another network is another purchase");
            assertEquals(5_000_000, server.balance(M, buyer.customer()));
        }
        try (TestServer restarted = new TestServer(dataDir))
        {
            assertDuplicate(masumi(restarted, buyer.key(), "/purchase/", seedRequest("bc-dup", unlock)), firstId);
            assertEquals(5_000_000, restarted.balance(M, buyer.customer()), "after a restart from the snapshot written at shutdown");
        }
        PaywallDialectTest.deleteSnapshots(dataDir);
        try (TestServer replayed = new TestServer(dataDir))
        {
            assertDuplicate(masumi(replayed, buyer.key(), "/purchase/", seedRequest("bc-dup", unlock)), firstId);
            assertEquals(5_000_000, replayed.balance(M, buyer.customer()), "after a restart from the journal alone");
        }
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dataDir))
        {
            for (final Path file : files.filter(java.nio.file.Files::isRegularFile).toList())
            {
                assertTrue(!new String(java.nio.file.Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(buyer.key()),
                    "the key is in " + file);
            }
        }
    }

    /** The seed's 409: same names and types, but {@code object.onChainState}, which shows the hold's current state. */
    @SuppressWarnings("unchecked")
    private static void assertDuplicate(final HttpResponse<String> response, final String firstId)
    {
        assertEquals(409, response.statusCode(), response.body());
        final Map<String, Object> body = TestJson.object(response.body());
        assertEquals(firstId, body.get("id"));
        assertEquals("Purchase request already exists", ((Map<?, ?>)body.get("error")).get("message"));
        final Map<String, Object> object = (Map<String, Object>)body.get("object");
        assertEquals(firstId, object.get("id"));
        assertEquals("FundsLocked", object.get("onChainState"));
        assertEquals("WaitingForExternalAction", ((Map<?, ?>)object.get("NextAction")).get("requestedAction"));
        object.put("onChainState", null); // the seed shows a purchase not yet on chain; the ledger's is locked
        ((Map<String, Object>)object.get("NextAction")).put("requestedAction", "FundsLockingRequested");
        PaywallDialectTest.assertSameShape(seedExists(), body, "");
    }

    @Test
    void shouldReturnTheMoneyAtUnlockTimeWhenARefundWasRequestedAndReleaseItOtherwise() throws InterruptedException
    {
        try (TestServer server = new TestServer(dataDir))
        {
            final Buyer buyer = buyer(server, 25_000_000);
            final long unlock = System.currentTimeMillis() + 3_000;
            data(masumi(server, buyer.key(), "/purchase/", seedRequest("bc-refund", unlock)));
            data(masumi(server, buyer.key(), "/purchase/", seedRequest("bc-release", unlock)));
            assertEquals(5_000_000, server.balance(M, buyer.customer()));
            data(masumi(server, buyer.key(), "/purchase/request-refund", "{\"network\":\"Preprod\",\"blockchainIdentifier\":\"bc-refund\"}"));

            Map<String, String> states = Map.of();
            for (int i = 0; i < 100 && (states.size() < 2 || !states.values().stream().allMatch(s -> s.endsWith("Withdrawn"))); i++)
            {
                Thread.sleep(200);
                states = new LinkedHashMap<>();
                for (final Object p : (List<?>)data(masumi(server, buyer.key(), "/purchase/?network=Preprod", null)).get("Purchases"))
                {
                    states.put((String)((Map<?, ?>)p).get("blockchainIdentifier"), (String)((Map<?, ?>)p).get("onChainState"));
                }
            }
            assertEquals(Map.of("bc-refund", "RefundWithdrawn", "bc-release", "Withdrawn"), states);
            assertEquals(15_000_000, server.balance(M, buyer.customer()), "bc-refund returned to the buyer at unlockTime");
            final Map<?, ?> merchant = TestJson.object(server.get("/api/canary/balance?currency=ZAR", M).body());
            assertEquals(10_000_000L, ((Number)merchant.get("available")).longValue(), merchant.toString());
            final HttpResponse<String> late = masumi(server, buyer.key(), "/purchase/request-refund",
                "{\"network\":\"Preprod\",\"blockchainIdentifier\":\"bc-release\"}");
            refused(late, 404, "Purchase not found or not in valid state");
        }
    }

    @Test
    void shouldRefuseHostileInputInMasumisErrorShapeChangingNothing()
    {
        try (TestServer server = new TestServer(dataDir))
        {
            final Buyer buyer = buyer(server, 25_000_000);
            final long unlock = System.currentTimeMillis() + 60 * MINUTE_MS;
            final String ok = seedRequest("bc-hostile", unlock);
            final String before = server.get("/api/canary/customers/" + buyer.customer() + "/transactions", M).body();

            refused(masumi(server, null, "/purchase/", ok), 401, "Unauthorized, no authentication token provided");
            refused(masumi(server, "lk_masumi_wrong", "/purchase/", ok), 401, "Unauthorized, invalid authentication token provided");
            refused(masumi(server, buyer.key() + "x", "/purchase/", ok), 401, "Unauthorized, invalid authentication token provided");
            final String amounts = ok.replace("\"agentIdentifier\": \"agent_identifier\"", "\"agentIdentifier\": \"other-agent\", \"Amounts\": %s");
            refused(masumi(server, buyer.key(), "/purchase/", amounts.formatted("[{\"amount\":\"12a\",\"unit\":\"\"}]")), 400,
                "Amounts[].amount must be a string of digits (the smallest unit)");
            refused(masumi(server, buyer.key(), "/purchase/", amounts.formatted("[{\"amount\":12,\"unit\":\"\"}]")), 400, null);
            refused(masumi(server, buyer.key(), "/purchase/", amounts.formatted("[{\"amount\":\"-12\",\"unit\":\"\"}]")), 400, null);
            refused(masumi(server, buyer.key(), "/purchase/", amounts.formatted("[{\"amount\":\"99999999999999999999999\",\"unit\":\"\"}]")), 400, null);
            refused(masumi(server, buyer.key(), "/purchase/", amounts.formatted("[{\"amount\":\"12\",\"unit\":\"usdm\"}]")), 400,
                "Amounts unit is not mapped to a currency of the seller");
            refused(masumi(server, buyer.key(), "/purchase/", amounts.formatted("[{\"amount\":\"1\",\"unit\":\"\"},{\"amount\":\"1\",\"unit\":\"x\"}]")),
                400, "Amounts must all have the same unit");
            refused(masumi(server, buyer.key(), "/purchase/", amounts.formatted("[" + "{\"amount\":\"1\",\"unit\":\"\"},".repeat(8) + "{}]")), 400,
                null);
            refused(masumi(server, buyer.key(), "/purchase/", amounts.formatted("\"12\"")), 400, "Amounts must be an array");
            refused(masumi(server, buyer.key(), "/purchase/", amounts.formatted("[{\"amount\":\"99999999\",\"unit\":\"\"}]")), 400,
                "Insufficient funds");
            refused(masumi(server, buyer.key(), "/purchase/", ok.replace("agent_identifier", "unknown-agent")), 404, "Agent identifier not found");
            refused(masumi(server, buyer.key(), "/purchase/", ok.replace("\"" + unlock + "\"", "\"soon\"")), 400,
                "unlockTime must be a string of digits (unix time in milliseconds)");
            refused(masumi(server, buyer.key(), "/purchase/", ok.replace("\"" + unlock + "\"", Long.toString(unlock))), 400, null);
            refused(masumi(server, buyer.key(), "/purchase/", seedRequest("bc-hostile", System.currentTimeMillis() - MINUTE_MS)), 400,
                "Unlock time must be in the future, and at most a year ahead");
            refused(masumi(server, buyer.key(), "/purchase/", ok.replace("Preprod", "Testnet")), 400, "network must be one of Preprod, Mainnet");
            refused(masumi(server, buyer.key(), "/purchase/", ok.replace("9f86d081884c", "not-hex-at-all")), 400, "Input hash is not a valid hex string");
            refused(masumi(server, buyer.key(), "/purchase/", "{\"network\":"), 400, null);
            refused(masumi(server, buyer.key(), "/purchase/request-refund", "{\"network\":\"Preprod\",\"blockchainIdentifier\":\"nothing\"}"), 404,
                "Purchase not found or not in valid state");
            refused(masumi(server, buyer.key(), "/purchase/cancel-refund-request", "{\"network\":\"Preprod\",\"blockchainIdentifier\":\"nothing\"}"), 404,
                "Purchase not found or in invalid state");
            refused(masumi(server, buyer.key(), "/purchase/?network=Preprod&limit=0", null), 400, "limit must be an integer from 1 to 100");
            refused(masumi(server, buyer.key(), "/purchase/?limit=5", null), 400, "network should not be empty");

            assertEquals(25_000_000, server.balance(M, buyer.customer()));
            assertEquals(before, server.get("/api/canary/customers/" + buyer.customer() + "/transactions", M).body(), "no history entry");

            final HttpResponse<String> keys = server.get("/api/canary/api-keys", M);
            final String keyId = buyer.keyId();
            assertTrue(keys.body().contains(keyId), keys.body());
            assertEquals(200, server.post("/api/canary/api-keys/" + keyId + "/revoke", M, "{}").statusCode());
            refused(masumi(server, buyer.key(), "/purchase/", ok), 401, "Unauthorized, API key is revoked");
            assertEquals(25_000_000, server.balance(M, buyer.customer()));
        }
        assertTrue(!logs.list.isEmpty(), "the capture saw the server's logs");
        for (final ILoggingEvent event : logs.list)
        {
            assertTrue(!event.getFormattedMessage().contains("lk_masumi_"), "a log line holds a Masumi key: " + event.getFormattedMessage());
        }
    }

    private static void refused(final HttpResponse<String> response, final int status, final String message)
    {
        assertEquals(status, response.statusCode(), response.body());
        final Map<String, Object> body = TestJson.object(response.body());
        assertEquals(List.of("status", "error"), new ArrayList<>(body.keySet()), response.body());
        assertEquals("error", body.get("status"));
        final Object text = ((Map<?, ?>)body.get("error")).get("message");
        assertNotNull(text, response.body());
        if (message != null)
        {
            assertTrue(((String)text).contains(message), response.body());
        }
    }

    private static String json(final Map<String, Object> payload)
    {
        final StringBuilder out = new StringBuilder("{");
        for (final Map.Entry<String, Object> entry : payload.entrySet())
        {
            out.append(out.length() > 1 ? ", " : "").append('"').append(entry.getKey()).append("\": \"").append(entry.getValue()).append('"');
        }
        return out.append('}').toString();
    }
}
