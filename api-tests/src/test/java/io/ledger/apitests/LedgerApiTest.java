package io.ledger.apitests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real server per test class, and the fixtures the contract tests share. Each test works as its own merchant
 * ({@link #merchant()}), so tests see only their own customers, balances and lists whatever ran before them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class LedgerApiTest
{
    static final String CUSTOMERS = "/api/canary/customers";
    static final String CUSTOMER = "/api/canary/customers/{id}";
    static final String CUSTOMER_BALANCE = "/api/canary/customers/{id}/balance";
    static final String CUSTOMER_TRANSACTIONS = "/api/canary/customers/{id}/transactions";
    static final String CUSTOMER_PAYMENT_METHODS = "/api/canary/customers/{id}/payment-methods";
    static final String PAY_INS = "/api/canary/customers/{id}/pay-ins";
    static final String PURCHASES = "/api/canary/purchases";
    static final String TRANSFERS = "/api/canary/transfers";
    static final String BALANCE = "/api/canary/balance";
    static final String BALANCE_HISTORY = "/api/canary/balance/history";
    static final String PAYOUTS = "/api/canary/payouts";
    static final String PAYMENT_METHODS = "/api/canary/payment-methods";
    static final String PAYMENT_METHOD = "/api/canary/payment-methods/{id}";

    /** Well-formed ids that no test creates. */
    static final String ABSENT_CUSTOMER = "cus_0000000000";
    static final String ABSENT_PAYMENT_METHOD = "pm_0000000000";

    private static final AtomicInteger MERCHANTS = new AtomicInteger();

    @TempDir
    static Path dataDir;

    static LedgerHarness api;

    @BeforeAll
    static void startServer()
    {
        api = LedgerHarness.start(dataDir);
    }

    @AfterAll
    static void stopServer()
    {
        if (api != null)
        {
            api.close();
            api = null;
        }
    }

    /** @return a merchant id no other test uses. */
    static String merchant()
    {
        return "merchant_" + MERCHANTS.incrementAndGet();
    }

    /** @return a compact JSON object of alternating names and values (a value may be a Map or List). */
    static String json(final Object... namesAndValues)
    {
        final Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2)
        {
            object.put((String)namesAndValues[i], namesAndValues[i + 1]);
        }
        try
        {
            return Contract.MAPPER.writeValueAsString(object);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException(ex);
        }
    }

    static JsonNode createCustomer(final String merchant, final String phoneNumber, final String email, final String name)
    {
        final List<Object> fields = new ArrayList<>(List.of("phoneNumber", phoneNumber));
        if (email != null)
        {
            fields.addAll(List.of("email", email));
        }
        if (name != null)
        {
            fields.addAll(List.of("name", name));
        }
        fields.addAll(List.of("metadata", Map.of("source", "api-tests")));
        final JsonNode customer = api.post(CUSTOMERS).as(merchant).json(json(fields.toArray())).send().expect(201);
        assertId("cus", customer.path("id").asText());
        return customer;
    }

    static String customer(final String merchant)
    {
        return createCustomer(merchant, "+27820000000", null, null).path("id").asText();
    }

    static JsonNode payIn(final String merchant, final String customerId, final long amount, final String currency)
    {
        final JsonNode payIn = api.post(PAY_INS, customerId).as(merchant).json(json("amount", amount, "currency", currency)).send().expect(201);
        assertId("pin", payIn.path("id").asText());
        return payIn;
    }

    static JsonNode purchase(final String merchant, final String customerId, final long amount, final String currency)
    {
        final JsonNode purchase = api.post(PURCHASES).as(merchant)
            .json(json("customerId", customerId, "productId", "airtime-50", "amount", amount, "currency", currency)).send().expect(201);
        assertId("pur", purchase.path("id").asText());
        return purchase;
    }

    static JsonNode transfer(final String merchant, final String from, final String to, final long amount, final String currency)
    {
        final JsonNode transfer = api.post(TRANSFERS).as(merchant)
            .json(json("fromCustomerId", from, "toCustomerId", to, "amount", amount, "currency", currency)).send().expect(201);
        assertId("trf", transfer.path("id").asText());
        return transfer;
    }

    static JsonNode payout(final String merchant, final long amount, final String currency)
    {
        final JsonNode payout = api.post(PAYOUTS).as(merchant)
            .json(json("amount", amount, "currency", currency, "bankAccount", "****5678", "description", "Weekly payout", "metadata", Map.of()))
            .send().expect(201);
        assertId("po", payout.path("id").asText());
        return payout;
    }

    static long customerBalance(final String merchant, final String customerId, final String currency)
    {
        final JsonNode balance = api.get(CUSTOMER_BALANCE, customerId).as(merchant).query("currency", currency).send().expect(200);
        assertEquals(currency, balance.path("currency").asText());
        return balance.path("amount").asLong();
    }

    static void assertId(final String prefix, final String id)
    {
        assertTrue(id.startsWith(prefix + "_") && Contract.ID.matcher(id).matches(), "id " + id + " is not " + prefix + "_ and 10 base-32 chars");
    }

    /** @return the values of {@code field} in {@code body.data}, in order. */
    static List<String> texts(final JsonNode body, final String field)
    {
        final List<String> values = new ArrayList<>();
        body.path("data").forEach(item -> values.add(item.path(field).asText()));
        return values;
    }

    static void assertPagination(final JsonNode body, final long limit, final long offset, final long total, final boolean hasMore)
    {
        final JsonNode pagination = body.path("pagination");
        assertEquals(limit, pagination.path("limit").asLong(), "pagination.limit");
        assertEquals(offset, pagination.path("offset").asLong(), "pagination.offset");
        assertEquals(total, pagination.path("total").asLong(), "pagination.total");
        assertEquals(hasMore, pagination.path("hasMore").asBoolean(), "pagination.hasMore");
    }
}
