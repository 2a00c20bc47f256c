package io.ledger.apitests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Saved payment methods: saving one (this project's addition), the customer's list (Cashful
 * {@code CustomerPaymentMethodDto}, which has no provider or phone number), the merchant's list, retrieve, delete and
 * making one the default (this project's addition).
 * A card number is never accepted or stored.
 */
class PaymentMethodsContractTest extends LedgerApiTest
{
    private static final String CARD_NUMBER = "4242424242424242";

    @Test
    void shouldSaveACardWithoutEverKeepingTheCardNumberAndMakeTheFirstMethodTheDefault()
    {
        final String merchant = merchant();
        final String customer = customer(merchant);
        final LedgerHarness.Reply reply = api.post(CUSTOMER_PAYMENT_METHODS, customer).as(merchant).json(json(
            "type", "card", "provider", "iveri", "brand", "visa", "last4", "4242", "expiryMonth", 12, "expiryYear", 2027,
            "cardNumber", CARD_NUMBER, "number", CARD_NUMBER, "pan", CARD_NUMBER, "cvv", "123")).send();
        final JsonNode card = reply.expect(201);
        assertId("pm", card.path("id").asText());
        assertEquals(customer, card.path("customerId").asText());
        assertEquals("card", card.path("type").asText());
        assertEquals("iveri", card.path("provider").asText());
        assertEquals("visa", card.path("brand").asText());
        assertEquals("4242", card.path("last4").asText());
        assertEquals(12, card.path("expiryMonth").asLong());
        assertEquals(2027, card.path("expiryYear").asLong());
        assertTrue(card.path("isDefault").asBoolean(), "the first saved method is the default");
        assertFalse(card.has("phoneNumber"), card.toString());
        assertFalse(reply.body().contains(CARD_NUMBER));

        final LedgerHarness.Reply read = api.get(PAYMENT_METHOD, card.path("id").asText()).as(merchant).send();
        assertEquals(card, read.expect(200));
        assertFalse(read.body().contains(CARD_NUMBER));
    }

    @Test
    void shouldSaveAMobileMoneyWalletThatIsNotTheDefaultWhenAnotherMethodCameFirst()
    {
        final String merchant = merchant();
        final String customer = customer(merchant);
        saveCard(merchant, customer);
        final JsonNode wallet = api.post(CUSTOMER_PAYMENT_METHODS, customer).as(merchant)
            .json(json("type", "mobile_money", "provider", "mpesa", "phoneNumber", "+27821234567")).send().expect(201);
        assertEquals("mobile_money", wallet.path("type").asText());
        assertEquals("mpesa", wallet.path("provider").asText());
        assertEquals("+27821234567", wallet.path("phoneNumber").asText());
        assertFalse(wallet.path("isDefault").asBoolean());
        assertFalse(wallet.has("last4") || wallet.has("brand") || wallet.has("expiryMonth") || wallet.has("expiryYear"), wallet.toString());
    }

    @Test
    void shouldRefuseInvalidPaymentMethodsWith400And404()
    {
        final String merchant = merchant();
        final String customer = customer(merchant);
        for (final String body : List.of(
            json("provider", "iveri", "last4", "4242"),
            json("type", "bank", "provider", "iveri", "last4", "4242"),
            json("type", "card", "last4", "4242"),
            json("type", "card", "provider", "iveri"),
            json("type", "card", "provider", "iveri", "last4", "42"),
            json("type", "card", "provider", "iveri", "last4", "42424"),
            json("type", "card", "provider", "iveri", "last4", "abcd"),
            json("type", "card", "provider", "iveri", "last4", "4242", "expiryMonth", 13),
            json("type", "card", "provider", "iveri", "last4", "4242", "expiryMonth", 0),
            json("type", "card", "provider", "iveri", "last4", "4242", "expiryYear", 1999),
            json("type", "card", "provider", "iveri", "last4", "4242", "expiryYear", 2101),
            json("type", "card", "provider", "iveri", "last4", "4242", "isDefault", "yes"),
            json("type", "mobile_money", "provider", "mpesa")))
        {
            MoneyContractTest.expect(400, api.post(CUSTOMER_PAYMENT_METHODS, customer).as(merchant).json(body).send(), body);
        }
        api.post(CUSTOMER_PAYMENT_METHODS, ABSENT_CUSTOMER).as(merchant).json(json("type", "card", "provider", "iveri", "last4", "4242"))
            .send().expect(404);
        api.post(CUSTOMER_PAYMENT_METHODS, customer).as(merchant()).json(json("type", "card", "provider", "iveri", "last4", "4242"))
            .send().expect(404);
        assertEquals(0, api.get(CUSTOMER_PAYMENT_METHODS, customer).as(merchant).send().expect(200).path("pagination").path("total").asLong());
    }

    @Test
    void shouldListACustomersMethodsAsCustomerPaymentMethodDtos()
    {
        final String merchant = merchant();
        final String customer = customer(merchant);
        final String card = saveCard(merchant, customer);
        final String wallet = saveWallet(merchant, customer);
        saveCard(merchant, customer(merchant));

        final JsonNode all = api.get(CUSTOMER_PAYMENT_METHODS, customer).as(merchant).send().expect(200);
        assertEquals(Set.of(card, wallet), new TreeSet<>(texts(all, "id")));
        assertPagination(all, 50, 0, 2, false);
        for (final JsonNode method : all.path("data"))
        {
            assertEquals(customer, method.path("customerId").asText());
        }
        final JsonNode page = api.get(CUSTOMER_PAYMENT_METHODS, customer).as(merchant).query("limit", 1).send().expect(200);
        assertEquals(1, page.path("data").size());
        assertPagination(page, 1, 0, 2, true);

        api.get(CUSTOMER_PAYMENT_METHODS, ABSENT_CUSTOMER).as(merchant).send().expect(404);
        api.get(CUSTOMER_PAYMENT_METHODS, customer).as(merchant()).send().expect(404);
    }

    @Test
    void shouldListTheMerchantsMethodsAndFilterThemByCustomer()
    {
        final String merchant = merchant();
        final String first = customer(merchant);
        final String second = customer(merchant);
        final String a = saveCard(merchant, first);
        final String b = saveWallet(merchant, first);
        final String c = saveCard(merchant, second);
        final String foreignMerchant = merchant();
        saveCard(foreignMerchant, customer(foreignMerchant));

        final JsonNode all = api.get(PAYMENT_METHODS).as(merchant).send().expect(200);
        assertEquals(Set.of(a, b, c), new TreeSet<>(texts(all, "id")));
        assertPagination(all, 50, 0, 3, false);
        final JsonNode mine = api.get(PAYMENT_METHODS).as(merchant).query("customerId", first).send().expect(200);
        assertEquals(Set.of(a, b), new TreeSet<>(texts(mine, "id")));
        assertPagination(mine, 50, 0, 2, false);
        final JsonNode page = api.get(PAYMENT_METHODS).as(merchant).query("limit", 2).query("offset", 2).send().expect(200);
        assertEquals(1, page.path("data").size());
        assertPagination(page, 2, 2, 3, false);
    }

    @Test
    void shouldRetrieveAndDeleteAMethodAndAnswer404AfterwardsAndForOtherMerchants()
    {
        final String merchant = merchant();
        final String customer = customer(merchant);
        final String id = saveCard(merchant, customer);
        final String kept = saveWallet(merchant, customer);

        api.get(PAYMENT_METHOD, ABSENT_PAYMENT_METHOD).as(merchant).send().expect(404);
        api.get(PAYMENT_METHOD, "not-an-id").as(merchant).send().expect(404);
        api.get(PAYMENT_METHOD, id).as(merchant()).send().expect(404);
        api.request("DELETE", PAYMENT_METHOD, id).as(merchant()).send().expect(404);
        api.request("DELETE", PAYMENT_METHOD, ABSENT_PAYMENT_METHOD).as(merchant).send().expect(404);

        final Instant before = Instant.now().minusSeconds(5);
        final JsonNode deleted = api.request("DELETE", PAYMENT_METHOD, id).as(merchant).send().expect(200);
        assertEquals(id, deleted.path("id").asText());
        assertTrue(deleted.path("deleted").asBoolean());
        assertFalse(Instant.parse(deleted.path("deletedAt").asText()).isBefore(before));

        api.get(PAYMENT_METHOD, id).as(merchant).send().expect(404);
        api.request("DELETE", PAYMENT_METHOD, id).as(merchant).send().expect(404);
        assertEquals(List.of(kept), texts(api.get(CUSTOMER_PAYMENT_METHODS, customer).as(merchant).send().expect(200), "id"));
        assertEquals(List.of(kept), texts(api.get(PAYMENT_METHODS).as(merchant).send().expect(200), "id"));
    }

    @Test
    void shouldMakeAMethodTheDefaultAndAnswerItAsARetrieveDoes()
    {
        final String merchant = merchant();
        final String customer = customer(merchant);
        final String card = saveCard(merchant, customer);
        final String wallet = saveWallet(merchant, customer);

        final JsonNode made = api.post(PAYMENT_METHOD + "/default", wallet).as(merchant).send().expect(200);
        assertTrue(made.path("isDefault").asBoolean());
        assertEquals(made, api.get(PAYMENT_METHOD, wallet).as(merchant).send().expect(200));
        assertFalse(api.get(PAYMENT_METHOD, card).as(merchant).send().expect(200).path("isDefault").asBoolean(),
            "the previous default is no longer the default");

        final JsonNode back = api.post(PAYMENT_METHOD + "/default", card).as(merchant).json("{}").send().expect(200);
        assertTrue(back.path("isDefault").asBoolean());
        assertFalse(api.get(PAYMENT_METHOD, wallet).as(merchant).send().expect(200).path("isDefault").asBoolean());

        api.post(PAYMENT_METHOD + "/default", ABSENT_PAYMENT_METHOD).as(merchant).send().expect(404);
        api.post(PAYMENT_METHOD + "/default", card).as(merchant()).send().expect(404);
    }

    private static String saveCard(final String merchant, final String customer)
    {
        return api.post(CUSTOMER_PAYMENT_METHODS, customer).as(merchant)
            .json(json("type", "card", "provider", "iveri", "brand", "visa", "last4", "4242", "expiryMonth", 12, "expiryYear", 2027))
            .send().expect(201).path("id").asText();
    }

    private static String saveWallet(final String merchant, final String customer)
    {
        return api.post(CUSTOMER_PAYMENT_METHODS, customer).as(merchant)
            .json(json("type", "mobile_money", "provider", "mpesa", "phoneNumber", "+27821234567"))
            .send().expect(201).path("id").asText();
    }
}
