package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
 * The Paywall dialect against the real server (issue 15): the seed's own request ({@code 004_4debf68d18f6d933.txt}),
 * adjusted only for the wallet id and keys, answered field by field as the seed's example (names, JSON types, envelope),
 * with its effect read back through the Cashful API; a repeated {@code ExternalReference} never debits twice, also after
 * a restart from a snapshot and from the journal alone; hostile input refused in the envelope with a 4xx, changing
 * nothing; API keys created, shown once, listed without the key, revoked; and no key in any log line or journal file.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PaywallDialectTest
{
    private static final String M = "merchant-paywall";
    private static final String PATH = "/api/v1/Wallet/purchase";

    /** The seed's success example, verbatim: the shape every answer must have. */
    private static final String SEED_REPLY = """
        {
            "Value": {
                "Id": "fa78cd93-81cf-43c8-b28f-638c0fd1120b",
                "WalletId": "30bac1c0-ad6b-4c50-a52e-1b34f9b487a7",
                "TransactionType": "Purchase",
                "Amount": 100,
                "GiftAmount": null,
                "Description": "string",
                "ExternalReference": "Johnathan O'Connell I",
                "CreatedAt": "2025-04-28T07:52:53.8666424Z",
                "UpdatedAt": null,
                "BalanceAfterTransaction": 975.00,
                "SourceWalletId": null,
                "DestinationWalletId": null,
                "GiftBalanceId": null,
                "MainTransactionId": null,
                "UniqueCode": "1c956e17-5745-4306-864f-305f44fedd73",
                "UsedGiftBalances": null,
                "CashbackAmount": 100
            },
            "Errors": [],
            "IsSuccess": true,
            "IsFailure": false
        }""";

    /** The seed's request example, with its Postman variables and its comment filled in. */
    private static String seedRequest(final String walletId, final String reference)
    {
        return """
            {
              "Id": "%s",
              "Amount": 100,
              "Description": "string",
              "ExternalReference": "%s",
              "UseGiftBalances": true,
              "CashbackApply": true,
              "CashbackType": "Amount",
              "CashbackValue": 100
            }""".formatted(walletId, reference);
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

    /** A created key: its id ({@code apiclientpublic}) and text ({@code apikeypublic}). */
    record Key(String id, String secret)
    {
    }

    static Key createKey(final TestServer server, final String merchant, final String body)
    {
        final HttpResponse<String> made = server.post("/api/canary/api-keys", merchant, body);
        assertEquals(201, made.statusCode(), made.body());
        final Map<String, Object> key = TestJson.object(made.body());
        assertNotNull(key.get("key"), "the key is shown at its creation");
        return new Key((String)key.get("id"), (String)key.get("key"));
    }

    static HttpResponse<String> paywall(final TestServer server, final Key key, final String body)
    {
        final HttpRequest.Builder request = server.request(PATH, null).header("Content-Type", "application/json");
        if (key != null)
        {
            request.header("apikeypublic", key.secret()).header("apiclientpublic", key.id());
        }
        return server.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** @return the wallet GUID a Paywall client names a customer by, as the merchant reads it. */
    static String walletOf(final TestServer server, final String merchant, final String customerId)
    {
        final HttpResponse<String> response = server.get("/api/canary/customers/" + customerId + "/paywall-wallet", merchant);
        assertEquals(200, response.statusCode(), response.body());
        final Map<String, Object> body = TestJson.object(response.body());
        assertEquals(customerId, body.get("customerId"));
        return (String)body.get("walletId");
    }

    @Test
    void shouldAnswerTheSeedRequestFieldByFieldAsTheSeedExampleAndMoveTheMoney()
    {
        try (TestServer server = new TestServer(dataDir))
        {
            final String customer = server.createCustomer(M, null);
            server.payIn(M, customer, 107_500);
            final Key key = createKey(server, M, "{\"dialect\":\"paywall\",\"currency\":\"ZAR\",\"name\":\"shop till\"}");
            final String wallet = walletOf(server, M, customer);

            final HttpResponse<String> response = paywall(server, key, seedRequest(wallet, "Johnathan O'Connell I"));
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            final Map<String, Object> body = TestJson.object(response.body());
            assertSameShape(TestJson.object(SEED_REPLY), body, "");

            @SuppressWarnings("unchecked")
            final Map<String, Object> value = (Map<String, Object>)body.get("Value");
            assertEquals(wallet, value.get("WalletId"));
            assertEquals("Purchase", value.get("TransactionType"));
            assertEquals(100.0, ((Number)value.get("Amount")).doubleValue());
            assertEquals("Johnathan O'Connell I", value.get("ExternalReference"));
            assertEquals(100.0, ((Number)value.get("CashbackAmount")).doubleValue());
            assertEquals(1075.0, ((Number)value.get("BalanceAfterTransaction")).doubleValue(),
                "1075.00 - 100 + 100 cashback: the wallet's cash after the whole transaction (docs/dialect-paywall.md)");
            assertTrue(((String)value.get("Id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), value.toString());
            assertFalse(value.get("Id").equals(value.get("UniqueCode")));
            assertEquals(List.of(), body.get("Errors"));

            // the effect, through the Cashful API: 1075.00 - 100 + 100 cashback; the merchant got 100 and paid 100 back
            assertEquals(107_500, server.balance(M, customer));
            final String history = server.get("/api/canary/customers/" + customer + "/transactions", M).body();
            assertTrue(history.contains("\"externalReference\":\"Johnathan O'Connell I\"") || history.contains("10000"), history);
            assertEquals(2, countOf(history, "10000"), "the purchase and its cashback, 100.00 ZAR each: " + history);
        }
    }

    @Test
    void shouldNeverDebitARepeatedExternalReferenceTwiceAcrossRestarts() throws IOException
    {
        final String customer;
        final String first;
        final Key key;
        final String wallet;
        try (TestServer server = new TestServer(dataDir))
        {
            customer = server.createCustomer(M, null);
            server.payIn(M, customer, 50_000);
            key = createKey(server, M, "{\"dialect\":\"paywall\",\"currency\":\"ZAR\"}");
            wallet = walletOf(server, M, customer);
            final String body = "{\"Id\":\"" + wallet + "\",\"Amount\":12.5,\"ExternalReference\":\"order-77\"}";
            final HttpResponse<String> once = paywall(server, key, body);
            assertEquals(200, once.statusCode(), once.body());
            first = once.body();
            final HttpResponse<String> again = paywall(server, key, body.replace("12.5", "99"));
            assertEquals(200, again.statusCode(), again.body());
            assertEquals(first, again.body(), "the first purchase, answered again");
            assertEquals(50_000 - 1_250, server.balance(M, customer));
        }
        try (TestServer restarted = new TestServer(dataDir))
        {
            final HttpResponse<String> again = paywall(restarted, key, "{\"Id\":\"" + wallet + "\",\"Amount\":12.5,\"ExternalReference\":\"order-77\"}");
            assertEquals(first, again.body(), "after a restart from the snapshot written at shutdown");
            assertEquals(50_000 - 1_250, restarted.balance(M, customer));
        }
        deleteSnapshots(dataDir);
        try (TestServer replayed = new TestServer(dataDir))
        {
            final HttpResponse<String> again = paywall(replayed, key, "{\"Id\":\"" + wallet + "\",\"Amount\":12.5,\"ExternalReference\":\"order-77\"}");
            assertEquals(first, again.body(), "after a restart from the journal alone");
            assertEquals(50_000 - 1_250, replayed.balance(M, customer));
        }
        assertKeyNowhereInTheDataDirectory(key.secret());
    }

    @Test
    void shouldRefuseHostileInputInTheEnvelopeChangingNothing()
    {
        try (TestServer server = new TestServer(dataDir))
        {
            final String customer = server.createCustomer(M, null);
            server.payIn(M, customer, 10_000);
            final Key key = createKey(server, M, "{\"dialect\":\"paywall\",\"currency\":\"ZAR\"}");
            final String wallet = walletOf(server, M, customer);
            final String ok = "{\"Id\":\"" + wallet + "\",\"Amount\":10,\"ExternalReference\":\"r-1\"}";
            final String before = server.get("/api/canary/customers/" + customer + "/transactions", M).body();

            refused(server, paywall(server, null, ok), 401, "The apikeypublic and apiclientpublic headers are required");
            refused(server, paywall(server, new Key(key.id(), "lk_paywall_wrong"), ok), 401, "Invalid API key");
            refused(server, paywall(server, new Key("key_0000000000", key.secret()), ok), 401, "Invalid API key");
            refused(server, paywall(server, key, ok.replace("10,", "10.001,")), 400, "Amount has more decimals than the wallet's currency allows");
            refused(server, paywall(server, key, ok.replace("10,", "\"10\",")), 400, "Amount must be a number");
            refused(server, paywall(server, key, ok.replace("10,", "-10,")), 400, "Amount must be more than 0");
            refused(server, paywall(server, key, ok.replace("10,", "1e400,")), 400, null);
            refused(server, paywall(server, key, ok.replace("}", ",\"CashbackApply\":true,\"CashbackType\":\"Amount\",\"CashbackValue\":-5}")), 400,
                "CashbackValue must be more than 0");
            refused(server, paywall(server, key, ok.replace("}", ",\"CashbackApply\":true,\"CashbackType\":\"Amount\",\"CashbackValue\":\"x\"}")), 400,
                "CashbackValue must be a number");
            refused(server, paywall(server, key, ok.replace("}", ",\"CashbackApply\":true,\"CashbackType\":\"Bonus\",\"CashbackValue\":5}")), 400,
                "CashbackType must be one of Amount, Percentage");
            refused(server, paywall(server, key, ok.replace("}", ",\"UseGiftBalances\":true,\"UseGiftBalance\":false}")), 400,
                "UseGiftBalances and UseGiftBalance disagree");
            refused(server, paywall(server, key, ok.replace(wallet, "not-a-guid")), 400, "Id must be a wallet id (a GUID)");
            refused(server, paywall(server, key, ok.replace(wallet, "30bac1c0-ad6b-4c50-a52e-1b34f9b487a7")), 400, "Wallet not found");
            refused(server, paywall(server, key, ok.replace(",\"ExternalReference\":\"r-1\"", "")), 400, "ExternalReference should not be empty");
            refused(server, paywall(server, key, ok.replace("10,", "1000,")), 400, "Insufficient wallet balance");
            refused(server, paywall(server, key, "{\"Id\":"), 400, null);
            refused(server, server.send(server.request(PATH, null).header("apikeypublic", key.secret()).header("apiclientpublic", key.id())
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(ok)).build()), 415, null);

            final String other = server.createCustomer("another-merchant", null);
            server.payIn("another-merchant", other, 10_000);
            refused(server, paywall(server, key, ok.replace(wallet, walletOf(server, "another-merchant", other))), 400, "Wallet not found");

            assertEquals(10_000, server.balance(M, customer));
            assertEquals(10_000, server.balance("another-merchant", other));
            assertEquals(before, server.get("/api/canary/customers/" + customer + "/transactions", M).body(), "no history entry");

            assertEquals(200, server.post("/api/canary/api-keys/" + key.id() + "/revoke", M, "{}").statusCode());
            refused(server, paywall(server, key, ok), 401, "The API key is revoked");
            assertEquals(10_000, server.balance(M, customer));
        }
        assertNoKeyInTheLogs();
    }

    @Test
    void shouldAnswerEveryFuzzedBodyInTheEnvelopeMovingMoneyOnlyOnSuccess()
    {
        try (TestServer server = new TestServer(dataDir))
        {
            final String customer = server.createCustomer(M, null);
            server.payIn(M, customer, 1_000_000);
            final Key key = createKey(server, M, "{\"dialect\":\"paywall\",\"currency\":\"ZAR\"}");
            final String wallet = walletOf(server, M, customer);
            final java.util.Random random = new java.util.Random(4);
            final String[] amounts = {"1", "12.5", "0.01", "0.001", "-3", "0", "1e2", "1E-2", "\"10\"", "null", "true", "{}", "[]",
                "99999999999999999999999", "1e400", "0.10", "7.000", "123456.78"};
            final String[] cashbacks = {"1", "0.5", "-1", "0", "\"x\"", "null", "100", "2.345", "1e-9"};
            final String[] types = {"\"Amount\"", "\"Percentage\"", "\"amount\"", "1", "null", "\"\""};
            final String[] bools = {"false", "true", "null", "1", "\"true\""};
            final String[] ids = {"\"" + wallet + "\"", "\"" + wallet.toUpperCase() + "\"", "\"\"", "1", "null", "\"" + customer + "\"",
                "\"4c656467-6572-8001-8000-000000000000\"", "\"" + wallet.replace('-', 'x') + "\""};
            long expected = 1_000_000;
            int succeeded = 0;
            for (int i = 0; i < 200; i++)
            {
                final StringBuilder body = new StringBuilder("{");
                // each field: half the time the valid value (the pool's first), else any of the pool, sometimes absent
                field(body, random, "Id", pick(random, ids));
                field(body, random, "Amount", pick(random, amounts));
                field(body, random, "ExternalReference", "\"fuzz-" + i + "\"");
                field(body, random, "UseGiftBalances", pick(random, bools));
                field(body, random, "CashbackApply", pick(random, bools));
                field(body, random, "CashbackType", pick(random, types));
                field(body, random, "CashbackValue", pick(random, cashbacks));
                if (body.length() > 1)
                {
                    body.setLength(body.length() - 1);
                }
                final String json = random.nextInt(40) == 0 ? body.substring(0, body.length() / 2) : body.append('}').toString();
                final HttpResponse<String> response = paywall(server, key, json);
                final Map<String, Object> envelope = TestJson.object(response.body());
                assertEquals(List.of("Value", "Errors", "IsSuccess", "IsFailure"), new ArrayList<>(envelope.keySet()), json + " -> " + response.body());
                if (response.statusCode() == 200)
                {
                    @SuppressWarnings("unchecked")
                    final Map<String, Object> value = (Map<String, Object>)envelope.get("Value");
                    final long amount = Math.round(((Number)value.get("Amount")).doubleValue() * 100);
                    final long cashback = Math.round(((Number)value.get("CashbackAmount")).doubleValue() * 100);
                    expected += cashback - amount;
                    succeeded++;
                    assertEquals(expected, Math.round(((Number)value.get("BalanceAfterTransaction")).doubleValue() * 100), json);
                }
                else
                {
                    assertEquals(400, response.statusCode(), json + " -> " + response.body());
                    assertEquals(false, envelope.get("IsSuccess"));
                    assertFalse(((List<?>)envelope.get("Errors")).isEmpty(), json);
                }
                assertEquals(expected, server.balance(M, customer), json + " -> " + response.body());
            }
            assertTrue(succeeded >= 10 && succeeded <= 190, "both outcomes were tried: " + succeeded + " of 200 succeeded");
        }
    }

    private static String pick(final java.util.Random random, final String[] pool)
    {
        return random.nextBoolean() ? pool[0] : pool[random.nextInt(pool.length)];
    }

    private static void field(final StringBuilder body, final java.util.Random random, final String name, final String value)
    {
        if (random.nextInt(10) != 0)
        {
            body.append('"').append(name).append("\":").append(value).append(',');
        }
    }

    @Test
    void shouldShowAKeyOnceListItWithoutTheKeyAndRevokeItOnce()
    {
        try (TestServer server = new TestServer(dataDir))
        {
            final String customer = server.createCustomer(M, null);
            final Key paywall = createKey(server, M, "{\"dialect\":\"paywall\",\"currency\":\"ZAR\"}");
            final Key masumi = createKey(server, M, "{\"dialect\":\"masumi\",\"currency\":\"USD\",\"customerId\":\"" + customer + "\"}");
            assertTrue(paywall.secret().matches("lk_paywall_[A-Za-z0-9_-]{43}"), paywall.secret());
            assertTrue(masumi.secret().startsWith("lk_masumi_"));

            final String list = server.get("/api/canary/api-keys", M).body();
            assertFalse(list.contains(paywall.secret()) || list.contains(masumi.secret()), "a listed key never shows the key");
            assertFalse(list.contains("\"key\""), list);
            assertEquals(2L, ((Map<?, ?>)TestJson.object(list).get("pagination")).get("total"));
            assertTrue(list.contains("\"customerId\":\"" + customer + "\""), list);
            assertEquals("{\"data\":[],\"pagination\":{\"limit\":10,\"offset\":0,\"total\":0,\"hasMore\":false}}",
                server.get("/api/canary/api-keys?limit=10", "someone-else").body(), "another merchant sees none");

            assertEquals(404, server.post("/api/canary/api-keys/" + paywall.id() + "/revoke", "someone-else", "{}").statusCode());
            final HttpResponse<String> revoked = server.post("/api/canary/api-keys/" + paywall.id() + "/revoke", M, "{}");
            assertEquals(200, revoked.statusCode(), revoked.body());
            assertTrue(revoked.body().contains("\"status\":\"revoked\""), revoked.body());
            assertEquals(409, server.post("/api/canary/api-keys/" + paywall.id() + "/revoke", M, "{}").statusCode());

            assertEquals(400, server.post("/api/canary/api-keys", M, "{\"dialect\":\"stripe\",\"currency\":\"ZAR\"}").statusCode());
            assertEquals(400, server.post("/api/canary/api-keys", M, "{\"dialect\":\"masumi\",\"currency\":\"ZAR\"}").statusCode(), "no customer");
            assertEquals(400, server.post("/api/canary/api-keys", M, "{\"dialect\":\"paywall\"}").statusCode(), "no currency");
            assertEquals(404, server.post("/api/canary/api-keys", "someone-else",
                "{\"dialect\":\"masumi\",\"currency\":\"ZAR\",\"customerId\":\"" + customer + "\"}").statusCode(), "another merchant's customer");
            assertEquals(401, server.send(server.request("/api/canary/api-keys", null).GET().build()).statusCode());
        }
        assertNoKeyInTheLogs();
    }

    private void refused(final TestServer server, final HttpResponse<String> response, final int status, final String error)
    {
        assertEquals(status, response.statusCode(), response.body());
        final Map<String, Object> body = TestJson.object(response.body());
        assertEquals(List.of("Value", "Errors", "IsSuccess", "IsFailure"), new ArrayList<>(body.keySet()), response.body());
        assertNull(body.get("Value"));
        assertEquals(false, body.get("IsSuccess"));
        assertEquals(true, body.get("IsFailure"));
        final List<?> errors = (List<?>)body.get("Errors");
        assertFalse(errors.isEmpty(), response.body());
        if (error != null)
        {
            assertTrue(errors.contains(error), response.body());
        }
    }

    /** Asserts {@code actual} has exactly {@code seed}'s property names, in its order, each of the same JSON type. */
    @SuppressWarnings("unchecked")
    static void assertSameShape(final Object seed, final Object actual, final String path)
    {
        assertEquals(jsonType(seed), jsonType(actual), path + ": " + actual);
        if (seed instanceof Map<?, ?> seedMap)
        {
            final Map<String, Object> actualMap = (Map<String, Object>)actual;
            assertEquals(new ArrayList<>(seedMap.keySet()), new ArrayList<>(actualMap.keySet()), path);
            for (final Map.Entry<?, ?> entry : seedMap.entrySet())
            {
                assertSameShape(entry.getValue(), actualMap.get(entry.getKey()), path + "." + entry.getKey());
            }
        }
        else if (seed instanceof List<?> seedList && !seedList.isEmpty())
        {
            for (final Object item : (List<?>)actual)
            {
                assertSameShape(seedList.get(0), item, path + "[]");
            }
        }
    }

    static String jsonType(final Object value)
    {
        if (value == null)
        {
            return "null";
        }
        if (value instanceof Number)
        {
            return "number";
        }
        if (value instanceof Map)
        {
            return "object";
        }
        if (value instanceof List)
        {
            return "array";
        }
        return value instanceof Boolean ? "boolean" : "string";
    }

    private static int countOf(final String text, final String part)
    {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1))
        {
            count++;
        }
        return count;
    }

    private void assertNoKeyInTheLogs()
    {
        assertFalse(logs.list.isEmpty(), "the capture saw the server's logs");
        final Map<String, String> offending = new LinkedHashMap<>();
        for (final ILoggingEvent event : logs.list)
        {
            final String line = event.getFormattedMessage();
            if (line.contains("lk_paywall_") || line.contains("lk_masumi_"))
            {
                offending.put(event.getLoggerName(), line);
            }
        }
        assertEquals(Map.of(), offending, "no log line holds an API key");
    }

    private void assertKeyNowhereInTheDataDirectory(final String secret) throws IOException
    {
        final byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dataDir))
        {
            for (final Path file : files.filter(Files::isRegularFile).toList())
            {
                final byte[] bytes = Files.readAllBytes(file);
                assertFalse(indexOf(bytes, needle) >= 0, "the key is in " + file);
            }
        }
    }

    private static int indexOf(final byte[] haystack, final byte[] needle)
    {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static void deleteSnapshots(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir.resolve("snapshots")))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
    }
}
