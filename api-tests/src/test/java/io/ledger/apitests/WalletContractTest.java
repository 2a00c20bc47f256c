package io.ledger.apitests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The wallet features over HTTP, every new route and status, each reply checked against the served document: purchases
 * as resources and their filters, external references, refunds, escrowed purchases (release, cancel, the window, the
 * release at its time through a tick), gift balances, cashback, and the Cashful shapes a plain request still gets.
 */
class WalletContractTest extends LedgerApiTest
{
    static final String PURCHASE = "/api/canary/purchases/{id}";
    static final String REFUNDS = "/api/canary/purchases/{id}/refunds";
    static final String RELEASE = "/api/canary/purchases/{id}/release";
    static final String CANCEL = "/api/canary/purchases/{id}/cancel";
    static final String GIFT_BALANCES = "/api/canary/customers/{id}/gift-balances";
    static final String ABSENT_PURCHASE = "pur_0000000000";

    /** The properties of the reference's {@code PurchaseResponseDto}: a plain purchase answers exactly these. */
    private static final Set<String> PURCHASE_RESPONSE_DTO = Set.of("id", "merchantId", "customerId", "productId", "amount", "currency",
        "status", "customerBalanceBefore", "customerBalanceAfter", "createdAt", "updatedAt");
    private static final Set<String> CUSTOMER_BALANCE_DTO = Set.of("id", "createdAt", "updatedAt", "customerId", "merchantId", "amount",
        "currency", "available", "pending");

    private static Set<String> names(final JsonNode node)
    {
        final Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String in(final long ms)
    {
        return Instant.now().plusMillis(ms).truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString(); // the ledger keeps milliseconds
    }

    private static JsonNode buy(final String merchant, final String customer, final long amount, final Object... features)
    {
        final Object[] fields = new Object[8 + features.length];
        System.arraycopy(new Object[] {"customerId", customer, "productId", "coffee", "amount", amount, "currency", "ZAR"}, 0, fields, 0, 8);
        System.arraycopy(features, 0, fields, 8, features.length);
        return api.post(PURCHASES).as(merchant).features().json(json(fields)).send().expect(201);
    }

    /** @return the merchant's balance in {@code currency} ({@code MerchantBalanceDto}). */
    private static JsonNode merchantBalance(final String merchant, final String currency)
    {
        final JsonNode balance = api.get(BALANCE).as(merchant).query("currency", currency).send().expect(200);
        assertEquals(currency, balance.path("currency").asText());
        return balance;
    }

    /** Gives {@code merchant} a balance of {@code amount}: a customer of its buys that much. */
    private static void merchantEarns(final String merchant, final long amount)
    {
        final String other = customer(merchant);
        payIn(merchant, other, amount, "ZAR");
        purchase(merchant, other, amount, "ZAR");
    }

    // ---- compatibility

    @Test
    void shouldAnswerAPlainCashfulPurchaseAndBalanceWithExactlyTheReferenceProperties()
    {
        final String merchant = merchant();
        final String customer = customer(merchant);
        payIn(merchant, customer, 10_000, "ZAR");
        assertEquals(PURCHASE_RESPONSE_DTO, names(purchase(merchant, customer, 100, "ZAR")));
        assertEquals(CUSTOMER_BALANCE_DTO, names(api.get(CUSTOMER_BALANCE, customer).as(merchant).send().expect(200)));
        final JsonNode merchantBalance = merchantBalance(merchant, "ZAR");
        assertEquals(0, merchantBalance.path("pending").asLong());
        assertEquals(merchantBalance.path("available").asLong(), merchantBalance.path("amount").asLong());
    }

    // ---- purchases as resources

    @Test
    void shouldReadAPurchaseBackAndListTheMerchantsPurchasesWithFilters()
    {
        final String merchant = merchant();
        final String ann = customer(merchant);
        final String bob = customer(merchant);
        payIn(merchant, ann, 10_000, "ZAR");
        payIn(merchant, bob, 10_000, "ZAR");
        final String first = purchase(merchant, ann, 1_000, "ZAR").path("id").asText();
        final JsonNode second = buy(merchant, bob, 2_000, "description", "two flat whites", "externalReference", "ord-7");
        assertEquals("two flat whites", second.path("description").asText());
        assertEquals("ord-7", second.path("externalReference").asText());
        final String third = buy(merchant, ann, 300, "escrow", Map.of("releaseAt", in(3_600_000))).path("id").asText();

        final JsonNode read = api.get(PURCHASE, first).as(merchant).send().expect(200);
        assertEquals(first, read.path("id").asText());
        assertEquals(ann, read.path("customerId").asText());
        assertEquals(1_000, read.path("amount").asLong());
        assertEquals("completed", read.path("status").asText());
        assertEquals(0, read.path("refundedAmount").asLong());
        assertEquals(10_000, read.path("customerBalanceBefore").asLong());
        assertEquals(9_000, read.path("customerBalanceAfter").asLong());
        assertFalse(read.has("escrow"), read.toString());
        api.get(PURCHASE, first).as(merchant()).send().expect(404);
        api.get(PURCHASE, ABSENT_PURCHASE).as(merchant).send().expect(404);
        api.get(PURCHASE, "not-an-id").as(merchant).send().expect(404);

        final JsonNode all = api.get(PURCHASES).as(merchant).send().expect(200);
        assertEquals(List.of(third, second.path("id").asText(), first), texts(all, "id"), "newest first");
        assertPagination(all, 50, 0, 3, false);
        assertEquals(List.of(third, first), texts(api.get(PURCHASES).as(merchant).query("customerId", ann).send().expect(200), "id"));
        assertEquals(List.of(third), texts(api.get(PURCHASES).as(merchant).query("status", "held").send().expect(200), "id"));
        assertEquals(List.of(second.path("id").asText()),
            texts(api.get(PURCHASES).as(merchant).query("externalReference", "ord-7").send().expect(200), "id"));
        final JsonNode page = api.get(PURCHASES).as(merchant).query("limit", 1).query("offset", 1).send().expect(200);
        assertPagination(page, 1, 1, 3, true);
        assertEquals(List.of(), texts(api.get(PURCHASES).as(merchant).query("customerId", ABSENT_CUSTOMER).send().expect(200), "id"));
        api.get(PURCHASES).as(merchant).query("status", "lost").send().expect(400);
        api.get(PURCHASES).as(merchant).query("externalReference", "x".repeat(129)).send().expect(400);
        api.get(PURCHASES).as(merchant).query("limit", 0).send().expect(400);
    }

    @Test
    void shouldRefuseASecondPurchaseOfOneCustomerWithTheSameExternalReferenceWith409NamingTheFirst()
    {
        final String merchant = merchant();
        final String ann = customer(merchant);
        final String bob = customer(merchant);
        payIn(merchant, ann, 10_000, "ZAR");
        payIn(merchant, bob, 10_000, "ZAR");
        final String first = buy(merchant, ann, 1_000, "externalReference", "Johnathan O'Connell I").path("id").asText();
        final JsonNode again = api.post(PURCHASES).as(merchant)
            .json(json("customerId", ann, "productId", "coffee", "amount", 1_000, "currency", "ZAR", "externalReference", "Johnathan O'Connell I"))
            .send().expect(409);
        assertTrue(again.path("message").get(0).asText().contains(first), again.toString());
        assertEquals(9_000, customerBalance(merchant, ann, "ZAR"), "never debited twice");
        buy(merchant, bob, 1_000, "externalReference", "Johnathan O'Connell I"); // another customer may
        api.post(PURCHASES).as(merchant).json(json("customerId", ann, "productId", "p", "amount", 1, "currency", "ZAR", "externalReference", ""))
            .send().expect(400);
        api.post(PURCHASES).as(merchant).json(json("customerId", ann, "productId", "p", "amount", 1, "currency", "ZAR",
            "externalReference", "x".repeat(129))).send().expect(400);
        api.post(PURCHASES).as(merchant).json(json("customerId", ann, "productId", "p", "amount", 1, "currency", "ZAR",
            "externalReference", "tab\there")).send().expect(400);
        final JsonNode payIn = api.post(PAY_INS, ann).as(merchant).json(json("amount", 5, "currency", "ZAR", "externalReference", "till-9"))
            .send().expect(201);
        assertEquals("till-9", payIn.path("externalReference").asText());
    }

    // ---- refunds

    @Test
    void shouldRefundPartlyThenTheRestAndListTheRefunds()
    {
        final String merchant = merchant();
        final String ann = customer(merchant);
        payIn(merchant, ann, 10_000, "ZAR");
        final String bought = purchase(merchant, ann, 4_000, "ZAR").path("id").asText();

        final JsonNode refund = api.post(REFUNDS, bought).as(merchant).json(json("amount", 1_500, "description", "one cup was cold"))
            .send().expect(201);
        assertId("rfd", refund.path("id").asText());
        assertEquals(bought, refund.path("purchaseId").asText());
        assertEquals(ann, refund.path("customerId").asText());
        assertEquals(1_500, refund.path("amount").asLong());
        assertEquals("completed", refund.path("status").asText());
        assertEquals(7_500, refund.path("customerBalanceAfter").asLong());
        assertEquals("partially_refunded", api.get(PURCHASE, bought).as(merchant).send().expect(200).path("status").asText());

        final JsonNode rest = api.post(REFUNDS, bought).as(merchant).send().expect(201); // no body: all that is left
        assertEquals(2_500, rest.path("amount").asLong());
        final JsonNode read = api.get(PURCHASE, bought).as(merchant).send().expect(200);
        assertEquals("refunded", read.path("status").asText());
        assertEquals(4_000, read.path("refundedAmount").asLong());
        assertEquals(10_000, customerBalance(merchant, ann, "ZAR"));

        final JsonNode list = api.get(REFUNDS, bought).as(merchant).send().expect(200);
        assertEquals(List.of(rest.path("id").asText(), refund.path("id").asText()), texts(list, "id"), "newest first");
        assertPagination(list, 50, 0, 2, false);

        final JsonNode history = api.get(CUSTOMER_TRANSACTIONS, ann).as(merchant).query("limit", 1).send().expect(200).path("data").get(0);
        assertEquals("refund", history.path("type").asText());
        assertEquals(2_500, history.path("amount").asLong());
        assertEquals(bought, history.path("relatedEntityId").asText(), "the refund's entry names its purchase");
        assertEquals("Purchase", history.path("relatedEntityType").asText());
        final JsonNode merchantSide = api.get(BALANCE_HISTORY).as(merchant).query("limit", 1).send().expect(200).path("data").get(0);
        assertEquals("refund", merchantSide.path("type").asText());
        assertEquals(-2_500, merchantSide.path("amount").asLong());
    }

    @Test
    void shouldRefuseRefundsBeyondThePurchaseOfAHeldOneOrThatTheMerchantCannotCover()
    {
        final String merchant = merchant();
        final String ann = customer(merchant);
        payIn(merchant, ann, 10_000, "ZAR");
        final String bought = purchase(merchant, ann, 4_000, "ZAR").path("id").asText();
        api.post(REFUNDS, bought).as(merchant).json(json("amount", 4_001)).send().expect(409);
        api.post(REFUNDS, bought).as(merchant).json(json("amount", 0)).send().expect(400);
        api.post(REFUNDS, bought).as(merchant).json("[]").send().expect(400);
        api.post(REFUNDS, ABSENT_PURCHASE).as(merchant).json(json("amount", 1)).send().expect(404);
        api.post(REFUNDS, bought).as(merchant()).json(json("amount", 1)).send().expect(404);
        api.get(REFUNDS, ABSENT_PURCHASE).as(merchant).send().expect(404);
        payout(merchant, 3_500, "ZAR");
        api.post(REFUNDS, bought).as(merchant).json(json("amount", 501)).send().expect(402);
        final String held = buy(merchant, ann, 1_000, "escrow", Map.of("releaseAt", in(3_600_000))).path("id").asText();
        final JsonNode refused = api.post(REFUNDS, held).as(merchant).json(json("amount", 1)).send().expect(409);
        assertTrue(refused.path("message").get(0).asText().contains("cancel"), refused.toString());
        assertEquals(5_000, customerBalance(merchant, ann, "ZAR"));
    }

    // ---- escrow

    @Test
    void shouldHoldReleaseAndRefuseASecondReleaseOrACancelAfterIt()
    {
        final String merchant = merchant();
        final String ann = customer(merchant);
        payIn(merchant, ann, 10_000, "ZAR");
        final String releaseAt = in(3_600_000);
        final JsonNode held = buy(merchant, ann, 4_000, "escrow", Map.of("releaseAt", releaseAt, "refundableUntil", in(1_800_000)));
        assertEquals("held", held.path("status").asText());
        assertEquals(Instant.parse(releaseAt), Instant.parse(held.path("escrow").path("releaseAt").asText()));
        assertEquals(6_000, held.path("customerBalanceAfter").asLong());
        final JsonNode balance = merchantBalance(merchant, "ZAR");
        assertEquals(0, balance.path("available").asLong());
        assertEquals(4_000, balance.path("pending").asLong());
        assertEquals(4_000, balance.path("amount").asLong());

        final String id = held.path("id").asText();
        final JsonNode released = api.post(RELEASE, id).as(merchant).send().expect(200);
        assertEquals("completed", released.path("status").asText());
        assertEquals(4_000, merchantBalance(merchant, "ZAR").path("available").asLong());
        final JsonNode twice = api.post(RELEASE, id).as(merchant).send().expect(409);
        assertTrue(twice.path("message").get(0).asText().contains("completed"), twice.toString());
        api.post(CANCEL, id).as(merchant).send().expect(409);
        api.post(RELEASE, ABSENT_PURCHASE).as(merchant).send().expect(404);
        api.post(RELEASE, id).as(merchant()).send().expect(404);
    }

    @Test
    void shouldCancelWhileTheWindowIsOpenAndRefuseAReleaseAfterIt()
    {
        final String merchant = merchant();
        final String ann = customer(merchant);
        payIn(merchant, ann, 10_000, "ZAR");
        final String id = buy(merchant, ann, 4_000, "escrow", Map.of("releaseAt", in(3_600_000))).path("id").asText();
        final JsonNode cancelled = api.post(CANCEL, id).as(merchant).json("{}").send().expect(200);
        assertEquals("cancelled", cancelled.path("status").asText());
        assertEquals(10_000, customerBalance(merchant, ann, "ZAR"));
        final JsonNode release = api.post(RELEASE, id).as(merchant).send().expect(409);
        assertTrue(release.path("message").get(0).asText().contains("cancelled"), release.toString());
        assertEquals("purchase_cancelled",
            api.get(CUSTOMER_TRANSACTIONS, ann).as(merchant).query("limit", 1).send().expect(200).path("data").get(0).path("type").asText());
    }

    @Test
    void shouldRefuseACancelAfterTheWindowAndReleaseByItselfAtItsTime() throws InterruptedException
    {
        final String merchant = merchant();
        final String ann = customer(merchant);
        payIn(merchant, ann, 10_000, "ZAR");
        final String id = buy(merchant, ann, 4_000, "escrow", Map.of("releaseAt", in(1_500), "refundableUntil", in(300))).path("id").asText();
        Thread.sleep(400);
        final JsonNode late = api.post(CANCEL, id).as(merchant).send().expect(409);
        assertTrue(late.path("message").get(0).asText().contains("refundable"), late.toString());
        final long deadline = System.nanoTime() + 10_000_000_000L;
        String status = "held";
        while (status.equals("held") && System.nanoTime() < deadline) // no command of this merchant: the server's tick releases it
        {
            Thread.sleep(50);
            status = api.get(PURCHASE, id).as(merchant).send().expect(200).path("status").asText();
        }
        assertEquals("completed", status);
        assertEquals(4_000, merchantBalance(merchant, "ZAR").path("available").asLong());
    }

    @Test
    void shouldRefuseBadEscrowsWith400()
    {
        final String merchant = merchant();
        final String ann = customer(merchant);
        payIn(merchant, ann, 10_000, "ZAR");
        for (final Object escrow : List.of(Map.of(), Map.of("releaseAt", "tomorrow"), Map.of("releaseAt", 5), "soon",
            Map.of("releaseAt", in(-60_000)), Map.of("releaseAt", in(60_000), "refundableUntil", in(120_000)),
            Map.of("releaseAt", Instant.now().plusSeconds(3_651L * 86_400).toString())))
        {
            api.post(PURCHASES).as(merchant).json(json("customerId", ann, "productId", "p", "amount", 1, "currency", "ZAR", "escrow", escrow))
                .send().expect(400);
        }
        api.post(PURCHASES).as(merchant).json(json("customerId", ann, "productId", "p", "amount", 1, "currency", "ZAR", "escrow",
            Map.of("releaseAt", in(60_000)), "useGiftBalance", true)).send().expect(400);
        assertEquals(10_000, customerBalance(merchant, ann, "ZAR"));
    }

    // ---- gift balances

    @Test
    void shouldFundGiftBalancesSpendThemFirstAndShowThemApartFromCash()
    {
        final String merchant = merchant();
        final String ann = customer(merchant);
        merchantEarns(merchant, 5_000);
        payIn(merchant, ann, 1_000, "ZAR");
        assertFalse(api.get(CUSTOMER_BALANCE, ann).as(merchant).send().expect(200).has("giftAmount"), "none until the customer has one");

        final JsonNode gift = api.post(GIFT_BALANCES, ann).as(merchant)
            .json(json("amount", 700, "currency", "ZAR", "expiresAt", in(86_400_000), "description", "welcome")).send().expect(201);
        assertId("gft", gift.path("id").asText());
        assertEquals(700, gift.path("remainingAmount").asLong());
        assertEquals("active", gift.path("status").asText());
        assertEquals(4_300, merchantBalance(merchant, "ZAR").path("available").asLong());
        final JsonNode balance = api.get(CUSTOMER_BALANCE, ann).as(merchant).features().send().expect(200);
        assertEquals(1_000, balance.path("amount").asLong(), "cash");
        assertEquals(700, balance.path("giftAmount").asLong());

        final JsonNode bought = buy(merchant, ann, 1_000, "useGiftBalance", true);
        assertEquals(700, bought.path("giftAmountUsed").asLong());
        assertEquals(gift.path("id").asText(), bought.path("giftBalancesUsed").get(0).path("id").asText());
        assertEquals(700, bought.path("giftBalancesUsed").get(0).path("amount").asLong());
        assertEquals(700, bought.path("customerBalanceAfter").asLong(), "cash paid the other 300");
        final JsonNode list = api.get(GIFT_BALANCES, ann).as(merchant).send().expect(200);
        assertEquals("spent", list.path("data").get(0).path("status").asText());
        assertEquals(0, list.path("data").get(0).path("remainingAmount").asLong());
        assertEquals(0, api.get(CUSTOMER_BALANCE, ann).as(merchant).features().send().expect(200).path("giftAmount").asLong());
    }

    @Test
    void shouldRefuseGiftBalancesTheMerchantCannotFundOrThatAreBad()
    {
        final String merchant = merchant();
        final String ann = customer(merchant);
        api.post(GIFT_BALANCES, ann).as(merchant).json(json("amount", 1, "currency", "ZAR")).send().expect(402);
        api.post(GIFT_BALANCES, ann).as(merchant).json(json("amount", 0, "currency", "ZAR")).send().expect(400);
        api.post(GIFT_BALANCES, ann).as(merchant).json(json("amount", 1, "currency", "ZAR", "expiresAt", "never")).send().expect(400);
        api.post(GIFT_BALANCES, ann).as(merchant).json(json("amount", 1, "currency", "ZAR", "expiresAt", in(-1_000))).send().expect(400);
        api.post(GIFT_BALANCES, ABSENT_CUSTOMER).as(merchant).json(json("amount", 1, "currency", "ZAR")).send().expect(404);
        api.get(GIFT_BALANCES, ABSENT_CUSTOMER).as(merchant).send().expect(404);
        merchantEarns(merchant, 100);
        for (int i = 0; i < 20; i++)
        {
            api.post(GIFT_BALANCES, ann).as(merchant).json(json("amount", 1, "currency", "ZAR")).send().expect(201);
        }
        api.post(GIFT_BALANCES, ann).as(merchant).json(json("amount", 1, "currency", "ZAR")).send().expect(422);
    }

    @Test
    void shouldReturnAnExpiredGiftBalanceToTheMerchantAtItsTime() throws InterruptedException
    {
        final String merchant = merchant();
        final String ann = customer(merchant);
        merchantEarns(merchant, 1_000);
        final String gift = api.post(GIFT_BALANCES, ann).as(merchant).json(json("amount", 600, "currency", "ZAR", "expiresAt", in(500)))
            .send().expect(201).path("id").asText();
        final long deadline = System.nanoTime() + 10_000_000_000L;
        String status = "active";
        while (!status.equals("expired") && System.nanoTime() < deadline)
        {
            Thread.sleep(50);
            status = api.get(GIFT_BALANCES, ann).as(merchant).send().expect(200).path("data").get(0).path("status").asText();
        }
        assertEquals("expired", status);
        assertEquals(1_000, merchantBalance(merchant, "ZAR").path("available").asLong());
        final JsonNode expiry = api.get(BALANCE_HISTORY).as(merchant).query("limit", 1).send().expect(200).path("data").get(0);
        assertEquals("gift_balance_expired", expiry.path("type").asText());
        assertEquals(gift, expiry.path("relatedEntityId").asText());
        assertEquals(600, expiry.path("amount").asLong());
    }

    // ---- cashback

    @Test
    void shouldPayCashbackAsAnAmountOrAPercentageRoundedDown()
    {
        final String merchant = merchant();
        final String ann = customer(merchant);
        payIn(merchant, ann, 10_000, "ZAR");
        final JsonNode byAmount = buy(merchant, ann, 1_000, "cashback", Map.of("type", "amount", "value", 100));
        assertEquals(100, byAmount.path("cashbackAmount").asLong());
        assertEquals(9_100, byAmount.path("customerBalanceAfter").asLong());
        final JsonNode byShare = buy(merchant, ann, 1_234, "cashback", Map.of("type", "percentage", "value", 2.5));
        assertEquals(30, byShare.path("cashbackAmount").asLong(), "2.5% of 12.34 is 0.3085: rounded down");
        final JsonNode history = api.get(CUSTOMER_TRANSACTIONS, ann).as(merchant).query("limit", 1).send().expect(200).path("data").get(0);
        assertEquals("cashback", history.path("type").asText());
        assertEquals(byShare.path("id").asText(), history.path("relatedEntityId").asText());
    }

    @Test
    void shouldRefuseCashbackAboveThePurchaseOrNotExactlyRepresentableWith400AndUnfundableWith402()
    {
        final String merchant = merchant();
        final String ann = customer(merchant);
        payIn(merchant, ann, 10_000, "ZAR");
        for (final Object cashback : List.of(Map.of("type", "amount", "value", 1_001), Map.of("type", "percentage", "value", 100.01),
            Map.of("type", "percentage", "value", 2.555), Map.of("type", "amount", "value", 1.5), Map.of("type", "amount", "value", 0),
            Map.of("type", "points", "value", 1), Map.of("value", 1), Map.of("type", "amount"), "lots"))
        {
            api.post(PURCHASES).as(merchant).json(json("customerId", ann, "productId", "p", "amount", 1_000, "currency", "ZAR", "cashback", cashback))
                .send().expect(400);
        }
        for (final String value : List.of("1E+2147483647", "1E-2147483647", "-5", "100.5", "0.001"))
        {
            for (final String type : List.of("amount", "percentage"))
            {
                api.post(PURCHASES).as(merchant).json("{\"customerId\":\"" + ann + "\",\"productId\":\"p\",\"amount\":1000,"
                    + "\"currency\":\"ZAR\",\"cashback\":{\"type\":\"" + type + "\",\"value\":" + value + "}}").send()
                    .expect(400);
            }
        }
        final JsonNode unfunded = api.post(PURCHASES).as(merchant).json(json("customerId", ann, "productId", "p", "amount", 1_000, "currency",
            "ZAR", "escrow", Map.of("releaseAt", in(3_600_000)), "cashback", Map.of("type", "amount", "value", 10))).send().expect(402);
        assertTrue(unfunded.path("message").get(0).asText().contains("cashback"), unfunded.toString());
        assertEquals(10_000, customerBalance(merchant, ann, "ZAR"));
    }
}
