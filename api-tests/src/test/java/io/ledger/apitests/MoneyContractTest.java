package io.ledger.apitests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Money movements and what records them: pay-ins, purchases (Cashful {@code PurchasesApi}), transfers, payouts, the
 * customer's transaction history, and the merchant's balance and balance history, with every status the seeds and
 * the reference list for them.
 */
class MoneyContractTest extends LedgerApiTest
{
    /** Every amount the API refuses (400), as JSON literals. */
    private static final List<String> BAD_AMOUNTS =
        List.of("0", "-1", "1.5", "1e3", "\"100\"", "null", "true", "9007199254740992", "18446744073709551616", "{}");
    private static final List<String> BAD_CURRENCIES = List.of("\"zar\"", "\"XYZ\"", "\"\"", "\"ZARR\"", "840", "null");

    // ---- pay-ins

    @Test
    void shouldPayInAndOmitTheDescriptionWhenNoneWasGiven()
    {
        final String merchant = merchant();
        final String id = customer(merchant);
        final JsonNode first = api.post(PAY_INS, id).as(merchant)
            .json(json("amount", 10_000, "currency", "ZAR", "description", "cash deposit at till 3")).send().expect(201);
        assertId("pin", first.path("id").asText());
        assertEquals(id, first.path("customerId").asText());
        assertEquals(merchant, first.path("merchantId").asText());
        assertEquals(10_000, first.path("amount").asLong());
        assertEquals("ZAR", first.path("currency").asText());
        assertEquals("cash deposit at till 3", first.path("description").asText());
        assertEquals("completed", first.path("status").asText());
        assertEquals(10_000, first.path("balanceAfter").asLong());

        final JsonNode second = payIn(merchant, id, 2_500, "ZAR");
        assertFalse(second.has("description"), second.toString());
        assertEquals(12_500, second.path("balanceAfter").asLong());
        assertEquals(12_500, customerBalance(merchant, id, "ZAR"));
    }

    @Test
    void shouldRefuseBadPayInsWith400403And404AndMoveNoMoney()
    {
        final String merchant = merchant();
        final String id = customer(merchant);
        for (final String amount : BAD_AMOUNTS)
        {
            expect(400, api.post(PAY_INS, id).as(merchant).json("{\"amount\":" + amount + ",\"currency\":\"ZAR\"}").send(), "amount " + amount);
        }
        for (final String currency : BAD_CURRENCIES)
        {
            expect(400, api.post(PAY_INS, id).as(merchant).json("{\"amount\":100,\"currency\":" + currency + "}").send(), "currency " + currency);
        }
        api.post(PAY_INS, id).as(merchant).json("{\"currency\":\"ZAR\"}").send().expect(400);
        api.post(PAY_INS, id).as(merchant).json("{\"amount\":100}").send().expect(400);
        api.post(PAY_INS, id).as(merchant).json(json("amount", 100, "currency", "ZAR", "merchantId", merchant())).send().expect(403);
        api.post(PAY_INS, ABSENT_CUSTOMER).as(merchant).json(json("amount", 100, "currency", "ZAR")).send().expect(404);
        api.post(PAY_INS, id).as(merchant()).json(json("amount", 100, "currency", "ZAR")).send().expect(404);
        assertEquals(0, customerBalance(merchant, id, "ZAR"));
    }

    @Test
    void shouldRefuseAPayInThatWouldPushTheBalancePastTheMaximumWith422()
    {
        final String merchant = merchant();
        final String id = customer(merchant);
        payIn(merchant, id, LedgerHarness.AMOUNT_MAX, "ZAR");
        api.post(PAY_INS, id).as(merchant).json(json("amount", 1, "currency", "ZAR")).send().expect(422);
        assertEquals(LedgerHarness.AMOUNT_MAX, customerBalance(merchant, id, "ZAR"));
        payIn(merchant, id, 1, "USD"); // balances are per currency
    }

    // ---- purchases

    @Test
    void shouldPurchaseDebitingTheCustomerAndCreditingTheMerchant()
    {
        final String merchant = merchant();
        final String id = customer(merchant);
        payIn(merchant, id, 10_000, "ZAR");
        final JsonNode purchase = api.post(PURCHASES).as(merchant)
            .json(json("customerId", id, "productId", "airtime-50", "amount", 5_000, "currency", "ZAR", "quantity", 2)).send().expect(201);
        assertId("pur", purchase.path("id").asText());
        assertEquals(merchant, purchase.path("merchantId").asText());
        assertEquals(id, purchase.path("customerId").asText());
        assertEquals("airtime-50", purchase.path("productId").asText());
        assertEquals(5_000, purchase.path("amount").asLong(), "amount is the total; quantity multiplies nothing");
        assertEquals("completed", purchase.path("status").asText());
        assertEquals(10_000, purchase.path("customerBalanceBefore").asLong());
        assertEquals(5_000, purchase.path("customerBalanceAfter").asLong());
        assertEquals(5_000, customerBalance(merchant, id, "ZAR"));
        assertEquals(5_000, merchantBalance(merchant, "ZAR").path("amount").asLong());
    }

    @Test
    void shouldRefuseAPurchaseTheBalanceCannotCoverWith402AndChangeNothing()
    {
        final String merchant = merchant();
        final String id = customer(merchant);
        payIn(merchant, id, 1_000, "ZAR");
        payIn(merchant, id, 9_000, "USD");
        api.post(PURCHASES).as(merchant).json(json("customerId", id, "productId", "p", "amount", 1_001, "currency", "ZAR")).send().expect(402);
        api.post(PURCHASES).as(merchant).json(json("customerId", id, "productId", "p", "amount", 1, "currency", "EUR")).send().expect(402);
        assertEquals(1_000, customerBalance(merchant, id, "ZAR"));
        assertEquals(9_000, customerBalance(merchant, id, "USD"));
    }

    @Test
    void shouldRefuseBadPurchasesWith400403And404()
    {
        final String merchant = merchant();
        final String id = customer(merchant);
        payIn(merchant, id, 10_000, "ZAR");
        for (final String amount : BAD_AMOUNTS)
        {
            expect(400, api.post(PURCHASES).as(merchant)
                .json("{\"customerId\":\"" + id + "\",\"productId\":\"p\",\"amount\":" + amount + ",\"currency\":\"ZAR\"}").send(), "amount " + amount);
        }
        for (final String currency : BAD_CURRENCIES)
        {
            expect(400, api.post(PURCHASES).as(merchant)
                .json("{\"customerId\":\"" + id + "\",\"productId\":\"p\",\"amount\":1,\"currency\":" + currency + "}").send(), "currency " + currency);
        }
        api.post(PURCHASES).as(merchant).json(json("customerId", id, "amount", 1, "currency", "ZAR")).send().expect(400);
        api.post(PURCHASES).as(merchant).json(json("productId", "p", "amount", 1, "currency", "ZAR")).send().expect(400);
        api.post(PURCHASES).as(merchant).json(json("customerId", id, "productId", "p", "amount", 1, "currency", "ZAR", "quantity", 0)).send().expect(400);
        api.post(PURCHASES).as(merchant).json(json("customerId", id, "productId", "p", "amount", 1, "currency", "ZAR", "merchantId", merchant()))
            .send().expect(403);
        api.post(PURCHASES).as(merchant).json(json("customerId", ABSENT_CUSTOMER, "productId", "p", "amount", 1, "currency", "ZAR")).send().expect(404);
        api.post(PURCHASES).as(merchant()).json(json("customerId", id, "productId", "p", "amount", 1, "currency", "ZAR")).send().expect(404);
        assertEquals(10_000, customerBalance(merchant, id, "ZAR"));
    }

    @Test
    void shouldRefuseAPurchaseThatWouldPushTheMerchantBalancePastTheMaximumWith422()
    {
        final String merchant = merchant();
        final String rich = customer(merchant);
        final String other = customer(merchant);
        payIn(merchant, rich, LedgerHarness.AMOUNT_MAX, "ZAR");
        purchase(merchant, rich, LedgerHarness.AMOUNT_MAX, "ZAR");
        payIn(merchant, other, 1, "ZAR");
        api.post(PURCHASES).as(merchant).json(json("customerId", other, "productId", "p", "amount", 1, "currency", "ZAR")).send().expect(422);
        assertEquals(1, customerBalance(merchant, other, "ZAR"));
    }

    // ---- transfers

    @Test
    void shouldTransferBetweenTwoCustomersOfTheMerchant()
    {
        final String merchant = merchant();
        final String from = customer(merchant);
        final String to = customer(merchant);
        payIn(merchant, from, 10_000, "ZAR");
        final JsonNode transfer = api.post(TRANSFERS).as(merchant)
            .json(json("fromCustomerId", from, "toCustomerId", to, "amount", 4_000, "currency", "ZAR", "description", "Payment for services"))
            .send().expect(201);
        assertId("trf", transfer.path("id").asText());
        assertEquals(merchant, transfer.path("merchantId").asText());
        assertEquals(from, transfer.path("fromCustomerId").asText());
        assertEquals(to, transfer.path("toCustomerId").asText());
        assertEquals(4_000, transfer.path("amount").asLong());
        assertEquals("ZAR", transfer.path("currency").asText());
        assertEquals("Payment for services", transfer.path("description").asText());
        assertEquals("completed", transfer.path("status").asText());
        assertEquals(6_000, customerBalance(merchant, from, "ZAR"));
        assertEquals(4_000, customerBalance(merchant, to, "ZAR"));

        assertFalse(transfer(merchant, to, from, 1_000, "ZAR").has("description"));
    }

    @Test
    void shouldRefuseBadTransfersWith400402403404And422AndMoveNoMoney()
    {
        final String merchant = merchant();
        final String from = customer(merchant);
        final String to = customer(merchant);
        final String foreignMerchant = merchant();
        final String foreign = customer(foreignMerchant);
        payIn(merchant, from, 1_000, "ZAR");

        api.post(TRANSFERS).as(merchant).json(json("fromCustomerId", from, "toCustomerId", from, "amount", 1, "currency", "ZAR")).send().expect(400);
        for (final String amount : BAD_AMOUNTS)
        {
            expect(400, api.post(TRANSFERS).as(merchant).json("{\"fromCustomerId\":\"" + from + "\",\"toCustomerId\":\"" + to
                + "\",\"amount\":" + amount + ",\"currency\":\"ZAR\"}").send(), "amount " + amount);
        }
        api.post(TRANSFERS).as(merchant).json(json("fromCustomerId", from, "toCustomerId", to, "amount", 1, "currency", "zar")).send().expect(400);
        api.post(TRANSFERS).as(merchant).json(json("fromCustomerId", from, "amount", 1, "currency", "ZAR")).send().expect(400);
        api.post(TRANSFERS).as(merchant).json(json("toCustomerId", to, "amount", 1, "currency", "ZAR")).send().expect(400);

        api.post(TRANSFERS).as(merchant).json(json("fromCustomerId", from, "toCustomerId", to, "amount", 1_001, "currency", "ZAR")).send().expect(402);
        api.post(TRANSFERS).as(merchant).json(json("fromCustomerId", from, "toCustomerId", to, "amount", 1, "currency", "USD")).send().expect(402);
        api.post(TRANSFERS).as(merchant).json(json("fromCustomerId", from, "toCustomerId", to, "amount", 1, "currency", "ZAR", "merchantId", merchant()))
            .send().expect(403);
        api.post(TRANSFERS).as(merchant).json(json("fromCustomerId", from, "toCustomerId", ABSENT_CUSTOMER, "amount", 1, "currency", "ZAR")).send().expect(404);
        api.post(TRANSFERS).as(merchant).json(json("fromCustomerId", ABSENT_CUSTOMER, "toCustomerId", to, "amount", 1, "currency", "ZAR")).send().expect(404);
        api.post(TRANSFERS).as(merchant).json(json("fromCustomerId", from, "toCustomerId", foreign, "amount", 1, "currency", "ZAR")).send().expect(404);

        payIn(merchant, to, LedgerHarness.AMOUNT_MAX, "ZAR");
        api.post(TRANSFERS).as(merchant).json(json("fromCustomerId", from, "toCustomerId", to, "amount", 1, "currency", "ZAR")).send().expect(422);

        assertEquals(1_000, customerBalance(merchant, from, "ZAR"));
        assertEquals(LedgerHarness.AMOUNT_MAX, customerBalance(merchant, to, "ZAR"));
        assertEquals(0, customerBalance(foreignMerchant, foreign, "ZAR"));
    }

    @Test
    void shouldListTheMerchantsTransfersNewestFirst()
    {
        final String merchant = merchant();
        final String a = customer(merchant);
        final String b = customer(merchant);
        payIn(merchant, a, 10_000, "ZAR");
        final List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++)
        {
            ids.add(0, transfer(merchant, a, b, 100 * i, "ZAR").path("id").asText());
        }
        final String other = merchant();
        final String c = customer(other);
        payIn(other, c, 100, "ZAR");
        transfer(other, c, customer(other), 100, "ZAR");

        final JsonNode all = api.get(TRANSFERS).as(merchant).send().expect(200);
        assertEquals(ids, texts(all, "id"));
        assertPagination(all, 50, 0, 3, false);
        final JsonNode page = api.get(TRANSFERS).as(merchant).query("limit", 1).query("offset", 1).send().expect(200);
        assertEquals(ids.subList(1, 2), texts(page, "id"));
        assertPagination(page, 1, 1, 3, true);
    }

    // ---- the customer's transactions

    @Test
    void shouldListTheCustomersTransactionsNewestFirstSignedWithTheirEntities()
    {
        final String merchant = merchant();
        final String id = customer(merchant);
        final String peer = customer(merchant);
        payIn(merchant, peer, 1_000, "ZAR");
        final String payIn = payIn(merchant, id, 10_000, "ZAR").path("id").asText();
        final String purchase = purchase(merchant, id, 3_000, "ZAR").path("id").asText();
        final String sent = transfer(merchant, id, peer, 2_000, "ZAR").path("id").asText();
        final String received = transfer(merchant, peer, id, 500, "ZAR").path("id").asText();

        final JsonNode all = api.get(CUSTOMER_TRANSACTIONS, id).as(merchant).send().expect(200);
        assertPagination(all, 50, 0, 4, false);
        assertEquals(List.of("transfer_in", "transfer_out", "purchase", "payin"), texts(all, "type"));
        assertEquals(List.of("500", "-2000", "-3000", "10000"), texts(all, "amount"));
        assertEquals(List.of("5500", "5000", "7000", "10000"), texts(all, "balanceAfter"));
        assertEquals(List.of(received, sent, purchase, payIn), texts(all, "relatedEntityId"));
        assertEquals(List.of("Transfer", "Transfer", "Purchase", "PayIn"), texts(all, "relatedEntityType"));
        for (final JsonNode entry : all.path("data"))
        {
            assertId("txn", entry.path("id").asText());
            assertEquals(id, entry.path("customerId").asText());
            assertEquals("ZAR", entry.path("currency").asText());
        }
        final List<Instant> times = new ArrayList<>();
        all.path("data").forEach(entry -> times.add(Instant.parse(entry.path("createdAt").asText())));
        for (int i = 1; i < times.size(); i++)
        {
            assertFalse(times.get(i).isAfter(times.get(i - 1)), "newest first: " + times);
        }

        final JsonNode page = api.get(CUSTOMER_TRANSACTIONS, id).as(merchant).query("limit", 2).query("offset", 1).send().expect(200);
        assertEquals(List.of("transfer_out", "purchase"), texts(page, "type"));
        assertPagination(page, 2, 1, 4, true);

        api.get(CUSTOMER_TRANSACTIONS, ABSENT_CUSTOMER).as(merchant).send().expect(404);
        api.get(CUSTOMER_TRANSACTIONS, id).as(merchant()).send().expect(404);
    }

    // ---- the merchant's balance, history and payouts

    @Test
    void shouldReadTheMerchantBalanceThatPurchasesCreditAndPayoutsDebit()
    {
        final String merchant = merchant();
        final String id = customer(merchant);
        payIn(merchant, id, 10_000, "ZAR");
        purchase(merchant, id, 3_000, "ZAR");
        purchase(merchant, id, 2_000, "ZAR");
        payout(merchant, 1_500, "ZAR");

        final JsonNode balance = merchantBalance(merchant, "ZAR");
        assertEquals(merchant, balance.path("merchantId").asText());
        assertEquals(3_500, balance.path("amount").asLong());
        assertEquals(3_500, balance.path("available").asLong());
        assertEquals(0, balance.path("pending").asLong());
    }

    @Test
    void shouldListTheBalanceHistoryNewestFirstAndFilterItByTypeAndDate()
    {
        final String merchant = merchant();
        final String id = customer(merchant);
        payIn(merchant, id, 10_000, "ZAR");
        final String first = purchase(merchant, id, 3_000, "ZAR").path("id").asText();
        final JsonNode second = purchase(merchant, id, 2_000, "ZAR");
        final String payout = payout(merchant, 1_500, "ZAR").path("id").asText();

        final JsonNode all = api.get(BALANCE_HISTORY).as(merchant).send().expect(200);
        assertPagination(all, 50, 0, 3, false);
        assertEquals(List.of("payout", "purchase", "purchase"), texts(all, "type"));
        assertEquals(List.of("-1500", "2000", "3000"), texts(all, "amount"));
        assertEquals(List.of("3500", "5000", "3000"), texts(all, "balanceAfter"));
        assertEquals(List.of(payout, second.path("id").asText(), first), texts(all, "relatedEntityId"));
        assertEquals(List.of("Payout", "Purchase", "Purchase"), texts(all, "relatedEntityType"));
        all.path("data").forEach(entry -> assertId("txn", entry.path("id").asText()));

        assertEquals(List.of("purchase", "purchase"), texts(history(merchant, "transactionType", "purchase"), "type"));
        assertEquals(List.of("payout"), texts(history(merchant, "transactionType", "payout"), "type"));
        assertEquals(List.of("2000", "3000"), texts(history(merchant, "transactionType", "credit"), "amount"));
        assertEquals(List.of("-1500"), texts(history(merchant, "transactionType", "debit"), "amount"));

        final String since = second.path("createdAt").asText();
        final JsonNode fromSecond = api.get(BALANCE_HISTORY).as(merchant).query("startDate", since).send().expect(200);
        assertTrue(texts(fromSecond, "relatedEntityId").containsAll(List.of(payout, second.path("id").asText())), "startDate is inclusive");
        assertEquals(List.of(), texts(history(merchant, "startDate", "2999-01-01T00:00:00Z"), "id"));
        assertEquals(List.of(), texts(history(merchant, "endDate", "2000-01-01T00:00:00Z"), "id"));
        final JsonNode window = api.get(BALANCE_HISTORY).as(merchant)
            .query("startDate", "2000-01-01T00:00:00Z").query("endDate", "2999-01-01T00:00:00.000Z").query("limit", 2).send().expect(200);
        assertEquals(List.of(payout, second.path("id").asText()), texts(window, "relatedEntityId"));
        assertPagination(window, 2, 0, 3, true);

        for (final String bad : List.of("yesterday", "2025-13-01T00:00:00Z", "1700000000"))
        {
            expect(400, api.get(BALANCE_HISTORY).as(merchant).query("startDate", bad).send(), "startDate " + bad);
            expect(400, api.get(BALANCE_HISTORY).as(merchant).query("endDate", bad).send(), "endDate " + bad);
        }
    }

    @Test
    void shouldPayOutFromTheMerchantBalanceAndRefuseWhatItCannotCoverWith402()
    {
        final String merchant = merchant();
        final String id = customer(merchant);
        payIn(merchant, id, 10_000, "ZAR");
        purchase(merchant, id, 5_000, "ZAR");

        final JsonNode payout = api.post(PAYOUTS).as(merchant).json(json("amount", 2_000, "currency", "ZAR", "bankAccount", "****5678",
            "description", "Weekly payout", "metadata", Map.of("batch", "2025-W03"))).send().expect(201);
        assertId("po", payout.path("id").asText());
        assertEquals(merchant, payout.path("merchantId").asText());
        assertEquals(2_000, payout.path("amount").asLong());
        assertEquals("ZAR", payout.path("currency").asText());
        assertEquals("completed", payout.path("status").asText());
        assertEquals("****5678", payout.path("bankAccount").asText());
        assertEquals("Weekly payout", payout.path("description").asText());
        assertEquals("2025-W03", payout.path("metadata").path("batch").asText());
        assertEquals(3_000, merchantBalance(merchant, "ZAR").path("amount").asLong());

        api.post(PAYOUTS).as(merchant).json(json("amount", 3_001, "currency", "ZAR", "metadata", Map.of())).send().expect(402);
        api.post(PAYOUTS).as(merchant).json(json("amount", 1, "currency", "USD", "metadata", Map.of())).send().expect(402);
        for (final String amount : BAD_AMOUNTS)
        {
            expect(400, api.post(PAYOUTS).as(merchant).json("{\"amount\":" + amount + ",\"currency\":\"ZAR\",\"metadata\":{}}").send(), "amount " + amount);
        }
        api.post(PAYOUTS).as(merchant).json(json("amount", 1, "currency", "zar", "metadata", Map.of())).send().expect(400);
        api.post(PAYOUTS).as(merchant).json(json("amount", 1, "currency", "ZAR")).send().expect(400);
        api.post(PAYOUTS).as(merchant).json(json("amount", 1, "currency", "ZAR", "metadata", Map.of(), "merchantId", merchant())).send().expect(403);
        assertEquals(3_000, merchantBalance(merchant, "ZAR").path("amount").asLong());

        final JsonNode minimal = payout(merchant, 1_000, "ZAR");
        assertEquals(2_000, merchantBalance(merchant, "ZAR").path("amount").asLong());
        assertTrue(minimal.has("metadata"), "metadata is required in PayoutResponseDto");
    }

    @Test
    void shouldListPayoutsNewestFirstAndFilterThemByStatus()
    {
        final String merchant = merchant();
        final String id = customer(merchant);
        payIn(merchant, id, 10_000, "ZAR");
        purchase(merchant, id, 10_000, "ZAR");
        final List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++)
        {
            ids.add(0, payout(merchant, 1_000 * i, "ZAR").path("id").asText());
        }

        final JsonNode all = api.get(PAYOUTS).as(merchant).send().expect(200);
        assertEquals(ids, texts(all, "id"));
        assertPagination(all, 50, 0, 3, false);
        assertEquals(ids, texts(api.get(PAYOUTS).as(merchant).query("status", "completed").send().expect(200), "id"));
        final JsonNode pending = api.get(PAYOUTS).as(merchant).query("status", "pending").send().expect(200);
        assertEquals(List.of(), texts(pending, "id"));
        assertPagination(pending, 50, 0, 0, false);
        final JsonNode page = api.get(PAYOUTS).as(merchant).query("limit", 2).send().expect(200);
        assertEquals(ids.subList(0, 2), texts(page, "id"));
        assertPagination(page, 2, 0, 3, true);
        assertEquals(List.of(), texts(api.get(PAYOUTS).as(merchant()).send().expect(200), "id"));
    }

    // ---- helpers

    private static JsonNode merchantBalance(final String merchant, final String currency)
    {
        final JsonNode balance = api.get(BALANCE).as(merchant).send().expect(200);
        assertEquals(currency, balance.path("currency").asText());
        return balance;
    }

    private static JsonNode history(final String merchant, final String name, final String value)
    {
        return api.get(BALANCE_HISTORY).as(merchant).query(name, value).send().expect(200);
    }

    static void expect(final int status, final LedgerHarness.Reply reply, final String what)
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
