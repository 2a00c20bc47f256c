package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traffic in all three dialects against the same merchant (issue 15), mixed at random: pay-ins, purchases plain, with
 * gift balances, with cashback and escrowed, transfers, refunds and payouts through the Cashful API, purchases with gift
 * balances and cashback through Paywall (some refused), escrowed purchases through Masumi released or (refund requested)
 * returned within seconds, some repeated (409). Afterwards money is conserved: what the customers hold (cash and gift
 * balances) plus the merchant's balance (available and held) equals what was paid in less what was paid out, read
 * through the Cashful API, and the server's own conservation metric agrees; the same after a restart.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MixedDialectTrafficTest
{
    private static final String M = "merchant-mixed";
    private static final Pattern MONEY = Pattern.compile("ledger_money_minor\\{currency=\"ZAR\",holder=\"(\\w+)\"} ([0-9.]+)");

    @TempDir
    Path dataDir;

    @Test
    void shouldConserveMoneyUnderMixedCashfulPaywallAndMasumiTraffic()
    {
        final Random random = new Random(15);
        long paidIn = 0;
        long paidOut = 0;
        final List<String> customers = new ArrayList<>();
        final List<String> purchases = new ArrayList<>();
        int paywallOk = 0;
        int paywallRefused = 0;
        int masumiOk = 0;
        try (TestServer server = new TestServer(dataDir))
        {
            final PaywallDialectTest.Key key = PaywallDialectTest.createKey(server, M, "{\"dialect\":\"paywall\",\"currency\":\"ZAR\"}");
            final List<String> wallets = new ArrayList<>();
            final List<String> masumiKeys = new ArrayList<>();
            for (int i = 0; i < 5; i++)
            {
                final String customer = server.createCustomer(M, null);
                customers.add(customer);
                wallets.add(PaywallDialectTest.walletOf(server, M, customer));
                final HttpResponse<String> masumiKey = server.post("/api/canary/api-keys", M,
                    "{\"dialect\":\"masumi\",\"currency\":\"ZAR\",\"customerId\":\"" + customer + "\"}");
                assertEquals(201, masumiKey.statusCode(), masumiKey.body());
                masumiKeys.add((String)TestJson.object(masumiKey.body()).get("key"));
                final long amount = 20_000 + random.nextInt(10_000);
                server.payIn(M, customer, amount);
                paidIn += amount;
            }
            for (int step = 0; step < 300; step++)
            {
                final int c = random.nextInt(customers.size());
                final String customer = customers.get(c);
                final long amount = 1 + random.nextInt(3_000);
                switch (random.nextInt(11))
                {
                    case 0 ->
                    {
                        server.payIn(M, customer, amount);
                        paidIn += amount;
                    }
                    case 1, 2 ->
                    {
                        final String extra = switch (random.nextInt(4))
                        {
                            case 0 -> ",\"useGiftBalance\":true";
                            case 1 -> ",\"cashback\":{\"type\":\"percentage\",\"value\":" + (1 + random.nextInt(20)) + "}";
                            case 2 -> ",\"escrow\":{\"releaseAt\":\"" + java.time.Instant.now().plusSeconds(3_600) + "\"}";
                            default -> "";
                        };
                        final HttpResponse<String> bought = server.post("/api/canary/purchases", M, "{\"customerId\":\"" + customer
                            + "\",\"productId\":\"p\",\"amount\":" + amount + ",\"currency\":\"ZAR\"" + extra + "}");
                        assertTrue(bought.statusCode() == 201 || bought.statusCode() == 402, bought.body());
                        if (bought.statusCode() == 201 && extra.isEmpty())
                        {
                            purchases.add((String)TestJson.object(bought.body()).get("id"));
                        }
                    }
                    case 3, 4 ->
                    {
                        final String cashback = random.nextBoolean() ? ",\"CashbackApply\":true,\"CashbackType\":\"Amount\",\"CashbackValue\":0.5" : "";
                        final HttpResponse<String> bought = PaywallDialectTest.paywall(server, key, "{\"Id\":\"" + wallets.get(c) + "\",\"Amount\":"
                            + amount / 100 + "." + String.format("%02d", amount % 100) + ",\"ExternalReference\":\"mixed-" + step + "\",\"UseGiftBalances\":"
                            + random.nextBoolean() + cashback + "}");
                        assertTrue(bought.statusCode() == 200 || bought.statusCode() == 400, bought.body());
                        if (bought.statusCode() == 200)
                        {
                            paywallOk++;
                        }
                        else
                        {
                            paywallRefused++;
                        }
                    }
                    case 5 ->
                    {
                        final String other = customers.get((c + 1) % customers.size());
                        final HttpResponse<String> moved = server.post("/api/canary/transfers", M, "{\"fromCustomerId\":\"" + customer
                            + "\",\"toCustomerId\":\"" + other + "\",\"amount\":" + amount + ",\"currency\":\"ZAR\"}");
                        assertTrue(moved.statusCode() == 201 || moved.statusCode() == 402, moved.body());
                    }
                    case 6 ->
                    {
                        if (!purchases.isEmpty())
                        {
                            final HttpResponse<String> refunded = server.post("/api/canary/purchases/" + purchases.remove(0) + "/refunds", M, "{}");
                            assertTrue(refunded.statusCode() == 201 || refunded.statusCode() == 402, refunded.body());
                        }
                    }
                    case 7 ->
                    {
                        final HttpResponse<String> gift = server.post("/api/canary/customers/" + customer + "/gift-balances", M,
                            "{\"amount\":" + amount + ",\"currency\":\"ZAR\"}");
                        assertTrue(gift.statusCode() == 201 || gift.statusCode() == 402 || gift.statusCode() == 422, gift.body());
                    }
                    case 9, 10 ->
                    {
                        // Masumi: an escrowed purchase released (or, refund requested, returned) within seconds; a duplicate sometimes
                        final long unlock = System.currentTimeMillis() + 1_000 + random.nextInt(3_000);
                        final String body = "{\"identifierFromPurchaser\":\"aabbaabb11221122aabb\",\"network\":\"Preprod\",\"sellerVkey\":\"v\","
                            + "\"paymentType\":\"Web3CardanoV1\",\"blockchainIdentifier\":\"mixed-" + step + "\",\"payByTime\":\"" + (unlock - 1_200_000)
                            + "\",\"submitResultTime\":\"" + (unlock - 900_000) + "\",\"unlockTime\":\"" + unlock + "\",\"externalDisputeUnlockTime\":\""
                            + (unlock + 900_000) + "\",\"agentIdentifier\":\"a\",\"Amounts\":[{\"amount\":\"" + amount + "\",\"unit\":\"\"}]}";
                        final HttpResponse<String> bought = MasumiDialectTest.masumi(server, masumiKeys.get(c), "/purchase/", body);
                        assertTrue(bought.statusCode() == 200 || bought.statusCode() == 400, bought.body());
                        if (bought.statusCode() == 200)
                        {
                            masumiOk++;
                            if (random.nextBoolean())
                            {
                                final HttpResponse<String> refund = MasumiDialectTest.masumi(server, masumiKeys.get(c), "/purchase/request-refund",
                                    "{\"network\":\"Preprod\",\"blockchainIdentifier\":\"mixed-" + step + "\"}");
                                assertTrue(refund.statusCode() == 200 || refund.statusCode() == 404, refund.body()); // 404: already unlocked
                            }
                            if (random.nextInt(4) == 0)
                            {
                                assertEquals(409, MasumiDialectTest.masumi(server, masumiKeys.get(c), "/purchase/", body).statusCode());
                            }
                        }
                    }
                    default ->
                    {
                        final HttpResponse<String> payout = server.post("/api/canary/payouts", M,
                            "{\"amount\":" + amount + ",\"currency\":\"ZAR\",\"metadata\":{}}");
                        assertTrue(payout.statusCode() == 201 || payout.statusCode() == 402, payout.body());
                        if (payout.statusCode() == 201)
                        {
                            paidOut += amount;
                        }
                    }
                }
            }
            assertTrue(paywallOk > 20 && paywallRefused >= 0, "Paywall purchases made: " + paywallOk);
            assertTrue(masumiOk > 10, "Masumi purchases made: " + masumiOk);
            // every Masumi hold has ended (released or returned) before the balances are read: a deadline ending one between
            // the reads of its customer and of the merchant would count it twice or not at all
            awaitMasumiHoldsEnded(server, masumiKeys.get(0), masumiOk);
            assertConserved(server, customers, paidIn, paidOut);
        }
        try (TestServer restarted = new TestServer(dataDir))
        {
            assertConserved(restarted, customers, paidIn, paidOut);
        }
    }

    private static void awaitMasumiHoldsEnded(final TestServer server, final String key, final int purchases)
    {
        final long deadline = System.currentTimeMillis() + 30_000;
        while (true)
        {
            final HttpResponse<String> listed = MasumiDialectTest.masumi(server, key, "/purchase/?network=Preprod&limit=100", null);
            assertEquals(200, listed.statusCode(), listed.body());
            final List<?> all = (List<?>)((Map<?, ?>)TestJson.object(listed.body()).get("data")).get("Purchases");
            assertTrue(all.size() == purchases && purchases < 100, "every Masumi purchase is listed: " + all.size());
            if (all.stream().allMatch(p -> ((String)((Map<?, ?>)p).get("onChainState")).endsWith("Withdrawn")))
            {
                return;
            }
            assertTrue(System.currentTimeMillis() < deadline, "Masumi holds still held: " + listed.body());
            try
            {
                Thread.sleep(200);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
        }
    }

    private static void assertConserved(final TestServer server, final List<String> customers, final long paidIn, final long paidOut)
    {
        long held = 0;
        for (final String customer : customers)
        {
            final Map<String, Object> balance = TestJson.object(server.get("/api/canary/customers/" + customer + "/balance", M).body());
            held += (Long)balance.get("amount") + (balance.containsKey("giftAmount") ? (Long)balance.get("giftAmount") : 0L);
        }
        final Map<String, Object> merchant = TestJson.object(server.get("/api/canary/balance", M).body());
        held += (Long)merchant.get("amount");
        assertEquals(paidIn - paidOut, held, "customers' cash and gifts + the merchant's available and held = paid in - paid out");

        final String metrics = server.scrape().body();
        assertTrue(metrics.contains("ledger_money_conserved{currency=\"ZAR\"} 1.0"), metrics);
        long sum = 0;
        final Matcher money = MONEY.matcher(metrics);
        while (money.find())
        {
            sum += (long)Double.parseDouble(money.group(2));
        }
        assertEquals(paidIn - paidOut, sum, "the server's own figures: customers + merchants + held + gifts");
    }
}
