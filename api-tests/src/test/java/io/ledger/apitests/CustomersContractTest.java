package io.ledger.apitests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Customers (Cashful {@code CustomersApi}): create, retrieve, update, list with pagination and filters, and the
 * customer's balance, with every status the seed and the reference list for them.
 */
class CustomersContractTest extends LedgerApiTest
{
    @Test
    void shouldCreateACustomerAndOmitOptionalPropertiesItWasNotGiven()
    {
        final String merchant = merchant();
        final JsonNode full = api.post(CUSTOMERS).as(merchant).json(
            "{\"phoneNumber\":\"+27821234567\",\"email\":\"thandi@example.com\",\"name\":\"Thandi Mokoena\","
                + "\"metadata\":{\"source\":\"web\",\"referralCode\":\"FRIEND123\"},\"unknownField\":[1,2]}").send().expect(201);
        assertId("cus", full.path("id").asText());
        assertEquals(merchant, full.path("merchantId").asText());
        assertEquals("thandi@example.com", full.path("email").asText());
        assertEquals("Thandi Mokoena", full.path("name").asText());
        assertEquals(Map.of("source", "web", "referralCode", "FRIEND123"), Contract.MAPPER.convertValue(full.path("metadata"), Map.class));
        assertEquals(full.path("createdAt"), full.path("updatedAt"));

        final JsonNode minimal = api.post(CUSTOMERS).as(merchant).json("{\"phoneNumber\":\"+27821234568\",\"metadata\":{}}").send().expect(201);
        assertFalse(minimal.has("email") || minimal.has("name") || minimal.has("deletedAt"), minimal.toString());
    }

    @Test
    void shouldRefuseInvalidCustomerBodiesWith400()
    {
        final String merchant = merchant();
        for (final String body : List.of(
            "{\"metadata\":{}}",
            "{\"phoneNumber\":\"+27821234567\"}",
            "{\"phoneNumber\":\"+27821234567\",\"metadata\":[]}",
            "{\"phoneNumber\":\"+27821234567\",\"metadata\":null}",
            "{\"phoneNumber\":null,\"metadata\":{}}",
            "{\"phoneNumber\":27821234567,\"metadata\":{}}",
            "{\"phoneNumber\":\"\",\"metadata\":{}}",
            "{\"phoneNumber\":\"" + "1".repeat(33) + "\",\"metadata\":{}}",
            "{\"phoneNumber\":\"+27821234567\",\"email\":\"not-an-email\",\"metadata\":{}}",
            "{\"phoneNumber\":\"+27821234567\",\"email\":\"a b@example.com\",\"metadata\":{}}",
            "{\"phoneNumber\":\"+27821234567\",\"name\":\"" + "n".repeat(257) + "\",\"metadata\":{}}",
            "{\"phoneNumber\":\"+27821234567\",\"metadata\":{}} trailing",
            "[]",
            ""))
        {
            assertStatus(400, api.post(CUSTOMERS).as(merchant).json(body).send(), body);
        }
    }

    @Test
    void shouldRefuseAnEmailAlreadyUsedByTheMerchantWith409IgnoringCase()
    {
        final String merchant = merchant();
        createCustomer(merchant, "+27821230001", "dup@example.com", null);
        api.post(CUSTOMERS).as(merchant).json(json("phoneNumber", "+27821230002", "email", "DUP@Example.COM", "metadata", Map.of())).send().expect(409);
        // Emails are unique per merchant only.
        createCustomer(merchant(), "+27821230003", "dup@example.com", null);
    }

    @Test
    void shouldRefuseAnotherMerchantsIdInTheBodyWith403()
    {
        final String merchant = merchant();
        api.post(CUSTOMERS).as(merchant).json(json("merchantId", merchant(), "phoneNumber", "+27821234567", "metadata", Map.of())).send().expect(403);
        final JsonNode own = api.post(CUSTOMERS).as(merchant).json(json("merchantId", merchant, "phoneNumber", "+27821234567", "metadata", Map.of()))
            .send().expect(201);
        assertEquals(merchant, own.path("merchantId").asText());
    }

    @Test
    void shouldRetrieveACustomerAndAnswer404ForUnknownMalformedAndOtherMerchantsIds()
    {
        final String merchant = merchant();
        final JsonNode created = createCustomer(merchant, "+27821234567", "get@example.com", "Get Me");
        final String id = created.path("id").asText();
        assertEquals(created, api.get(CUSTOMER, id).as(merchant).send().expect(200));

        api.get(CUSTOMER, ABSENT_CUSTOMER).as(merchant).send().expect(404);
        api.get(CUSTOMER, "not-an-id").as(merchant).send().expect(404);
        api.get(CUSTOMER, "pur_0000000000").as(merchant).send().expect(404);
        api.get(CUSTOMER, id).as(merchant()).send().expect(404);
    }

    @Test
    void shouldUpdateACustomerAndKeepItsOwnEmailAvailableToIt()
    {
        final String merchant = merchant();
        final JsonNode created = createCustomer(merchant, "+27821234567", "old@example.com", "Old Name");
        final String id = created.path("id").asText();

        final JsonNode updated = api.request("PATCH", CUSTOMER, id).as(merchant)
            .json(json("email", "new@example.com", "name", "New Name", "metadata", Map.of("tier", "gold"))).send().expect(200);
        assertEquals(id, updated.path("id").asText());
        assertEquals("new@example.com", updated.path("email").asText());
        assertEquals("New Name", updated.path("name").asText());
        assertEquals("gold", updated.path("metadata").path("tier").asText());
        assertEquals("+27821234567", updated.path("phoneNumber").asText());
        assertEquals(created.path("createdAt"), updated.path("createdAt"));
        assertFalse(Instant.parse(updated.path("updatedAt").asText()).isBefore(Instant.parse(created.path("updatedAt").asText())));
        assertEquals(updated, api.get(CUSTOMER, id).as(merchant).send().expect(200));

        // Its own email, in another case, is not a conflict; and the old email is free again.
        api.request("PATCH", CUSTOMER, id).as(merchant).json(json("email", "NEW@example.com", "metadata", Map.of())).send().expect(200);
        createCustomer(merchant, "+27821234599", "old@example.com", null);
    }

    @Test
    void shouldRefuseUpdatesWith400404And409AsTheSeedLists()
    {
        final String merchant = merchant();
        final String first = createCustomer(merchant, "+27821234567", "taken@example.com", null).path("id").asText();
        final String second = customer(merchant);

        api.request("PATCH", CUSTOMER, second).as(merchant).json(json("email", "TAKEN@example.com", "metadata", Map.of())).send().expect(409);
        api.request("PATCH", CUSTOMER, second).as(merchant).json(json("email", "taken", "metadata", Map.of())).send().expect(400);
        api.request("PATCH", CUSTOMER, second).as(merchant).json(json("name", "No Metadata")).send().expect(400);
        api.request("PATCH", CUSTOMER, second).as(merchant).json(json("email", "bad email@x.com", "metadata", Map.of())).send().expect(400);
        api.request("PATCH", CUSTOMER, ABSENT_CUSTOMER).as(merchant).json(json("metadata", Map.of())).send().expect(404);
        api.request("PATCH", CUSTOMER, first).as(merchant()).json(json("metadata", Map.of())).send().expect(404);
        assertEquals("taken@example.com", api.get(CUSTOMER, first).as(merchant).send().expect(200).path("email").asText());
    }

    @Test
    void shouldListCustomersOldestFirstWithLimitOffsetTotalAndHasMore()
    {
        final String merchant = merchant();
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            ids.add(createCustomer(merchant, "+2782000000" + i, null, null).path("id").asText());
        }
        customer(merchant()); // another merchant's customer is never listed

        final JsonNode all = api.get(CUSTOMERS).as(merchant).send().expect(200);
        assertEquals(ids, texts(all, "id"));
        assertPagination(all, 50, 0, 5, false);

        final JsonNode firstPage = api.get(CUSTOMERS).as(merchant).query("limit", 2).send().expect(200);
        assertEquals(ids.subList(0, 2), texts(firstPage, "id"));
        assertPagination(firstPage, 2, 0, 5, true);

        final JsonNode middle = api.get(CUSTOMERS).as(merchant).query("limit", 2).query("offset", 2).send().expect(200);
        assertEquals(ids.subList(2, 4), texts(middle, "id"));
        assertPagination(middle, 2, 2, 5, true);

        final JsonNode last = api.get(CUSTOMERS).as(merchant).query("limit", 2).query("offset", 4).send().expect(200);
        assertEquals(ids.subList(4, 5), texts(last, "id"));
        assertPagination(last, 2, 4, 5, false);

        final JsonNode beyond = api.get(CUSTOMERS).as(merchant).query("offset", 9).send().expect(200);
        assertEquals(List.of(), texts(beyond, "id"));
        assertPagination(beyond, 50, 9, 5, false);

        final JsonNode none = api.get(CUSTOMERS).as(merchant()).send().expect(200);
        assertPagination(none, 50, 0, 0, false);
    }

    @Test
    void shouldFilterCustomersByExactEmailAndSearchNamesEmailsAndPhonesIgnoringCase()
    {
        final String merchant = merchant();
        final String thandi = createCustomer(merchant, "+27821234567", "thandi@example.com", "Thandi Mokoena").path("id").asText();
        final String john = createCustomer(merchant, "+27829876543", "john.doe@example.org", "John Doe").path("id").asText();
        final String anon = createCustomer(merchant, "+15550001111", null, null).path("id").asText();

        assertEquals(List.of(thandi), texts(api.get(CUSTOMERS).as(merchant).query("email", "THANDI@example.com").send().expect(200), "id"));
        assertEquals(List.of(), texts(api.get(CUSTOMERS).as(merchant).query("email", "thandi@example").send().expect(200), "id"));

        assertEquals(List.of(thandi), texts(api.get(CUSTOMERS).as(merchant).query("search", "mOKO").send().expect(200), "id"));
        assertEquals(List.of(john), texts(api.get(CUSTOMERS).as(merchant).query("search", "EXAMPLE.ORG").send().expect(200), "id"));
        assertEquals(List.of(anon), texts(api.get(CUSTOMERS).as(merchant).query("search", "5550001").send().expect(200), "id"));
        assertEquals(List.of(thandi, john), texts(api.get(CUSTOMERS).as(merchant).query("search", "+2782").send().expect(200), "id"));
        final JsonNode paged = api.get(CUSTOMERS).as(merchant).query("search", "+2782").query("limit", 1).send().expect(200);
        assertEquals(List.of(thandi), texts(paged, "id"));
        assertPagination(paged, 1, 0, 2, true);
        assertEquals(List.of(), texts(api.get(CUSTOMERS).as(merchant()).query("search", "thandi").send().expect(200), "id"));
    }

    @Test
    void shouldReadTheCustomerBalancePerCurrency()
    {
        final String merchant = merchant();
        final String id = customer(merchant);

        final JsonNode empty = api.get(CUSTOMER_BALANCE, id).as(merchant).send().expect(200);
        assertEquals("ZAR", empty.path("currency").asText(), "the default currency before any money arrives");
        assertEquals(0, empty.path("amount").asLong());
        assertEquals(0, empty.path("available").asLong());
        assertEquals(0, empty.path("pending").asLong());
        assertEquals(id, empty.path("customerId").asText());

        payIn(merchant, id, 2500, "USD");
        final JsonNode usd = api.get(CUSTOMER_BALANCE, id).as(merchant).send().expect(200);
        assertEquals("USD", usd.path("currency").asText(), "the first currency the customer received money in");
        assertEquals(2500, usd.path("amount").asLong());
        assertEquals(2500, usd.path("available").asLong());
        assertEquals(0, customerBalance(merchant, id, "EUR"));

        api.get(CUSTOMER_BALANCE, id).as(merchant).query("currency", "usd").send().expect(400);
        api.get(CUSTOMER_BALANCE, id).as(merchant).query("currency", "XYZ").send().expect(400);
        api.get(CUSTOMER_BALANCE, ABSENT_CUSTOMER).as(merchant).send().expect(404);
        api.get(CUSTOMER_BALANCE, id).as(merchant()).send().expect(404);
    }

    private static void assertStatus(final int status, final LedgerHarness.Reply reply, final String what)
    {
        try
        {
            reply.expect(status);
        }
        catch (final AssertionError e)
        {
            throw new AssertionError(what + ": " + e.getMessage(), e);
        }
    }
}
