package io.ledger.apitests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Idempotency-Key} on every POST (IETF httpapi idempotency-key draft, as Stripe does it): the same key and body
 * replay the first response (status, body, ids) with {@code Idempotent-Replayed: true} and apply nothing again; the
 * same key with another body is 422; the same key while the first request is still in flight is 409; keys are
 * journaled, so a restart honours them.
 *
 * <p>"In flight" is made deterministic by holding the server's journal ({@link LedgerHarness.JournalGate}): a command
 * that is published but not yet journaled cannot be acknowledged, so its request stays in flight for exactly as long
 * as the test holds the journal. The same hold fills a two-slot ring to show the 503 the ring answers when full. It
 * suspends no thread, so these tests run on every JDK (they skipped themselves from JDK 20 on, where
 * {@code Thread.suspend} throws).
 */
class IdempotencyTest extends LedgerApiTest
{
    private static final String REPLAYED = "Idempotent-Replayed";

    @Test
    void shouldReplayACreatedCustomerForTheSameKeyAndBody()
    {
        final String merchant = merchant();
        final String body = json("phoneNumber", "+27821234567", "email", "once@example.com", "metadata", Map.of());
        final JsonNode customer = assertReplayed(201, () -> api.post(CUSTOMERS).as(merchant).idempotencyKey("create-once").json(body));
        assertEquals(customer, api.get(CUSTOMER, customer.path("id").asText()).as(merchant).send().expect(200));
    }

    @Test
    void shouldReplayAPayInAndApplyItOnce()
    {
        final String merchant = merchant();
        final String customer = customer(merchant);
        final String body = json("amount", 1_000, "currency", "ZAR", "description", "till 3");
        assertReplayed(201, () -> api.post(PAY_INS, customer).as(merchant).idempotencyKey("payin-1").json(body));
        assertEquals(1_000, customerBalance(merchant, customer, "ZAR"));
    }

    @Test
    void shouldReplayAPurchaseAndApplyItOnce()
    {
        final String merchant = merchant();
        final String customer = customer(merchant);
        payIn(merchant, customer, 10_000, "ZAR");
        final String body = json("customerId", customer, "productId", "airtime-50", "amount", 5_000, "currency", "ZAR");
        assertReplayed(201, () -> api.post(PURCHASES).as(merchant).idempotencyKey("purchase-1").json(body));
        assertEquals(5_000, customerBalance(merchant, customer, "ZAR"));
    }

    @Test
    void shouldReplayATransferAndApplyItOnce()
    {
        final String merchant = merchant();
        final String from = customer(merchant);
        final String to = customer(merchant);
        payIn(merchant, from, 10_000, "ZAR");
        final String body = json("fromCustomerId", from, "toCustomerId", to, "amount", 3_000, "currency", "ZAR");
        assertReplayed(201, () -> api.post(TRANSFERS).as(merchant).idempotencyKey("transfer-1").json(body));
        assertEquals(7_000, customerBalance(merchant, from, "ZAR"));
        assertEquals(3_000, customerBalance(merchant, to, "ZAR"));
    }

    @Test
    void shouldReplayAPayoutAndApplyItOnce()
    {
        final String merchant = merchant();
        final String customer = customer(merchant);
        payIn(merchant, customer, 10_000, "ZAR");
        purchase(merchant, customer, 10_000, "ZAR");
        final String body = json("amount", 4_000, "currency", "ZAR", "metadata", Map.of());
        assertReplayed(201, () -> api.post(PAYOUTS).as(merchant).idempotencyKey("payout-1").json(body));
        assertEquals(6_000, api.get(BALANCE).as(merchant).send().expect(200).path("amount").asLong());
    }

    @Test
    void shouldReplayASavedPaymentMethodAndSaveItOnce()
    {
        final String merchant = merchant();
        final String customer = customer(merchant);
        final String body = json("type", "card", "provider", "iveri", "last4", "4242");
        assertReplayed(201, () -> api.post(CUSTOMER_PAYMENT_METHODS, customer).as(merchant).idempotencyKey("pm-1").json(body));
        assertEquals(1, api.get(CUSTOMER_PAYMENT_METHODS, customer).as(merchant).send().expect(200).path("pagination").path("total").asLong());
    }

    @Test
    void shouldReplayTheWalletCommandsAndApplyEachOnce()
    {
        final String merchant = merchant();
        final String customer = customer(merchant);
        payIn(merchant, customer, 10_000, "ZAR");
        final String bought = purchase(merchant, customer, 4_000, "ZAR").path("id").asText();
        assertReplayed(201, () -> api.post("/api/canary/purchases/{id}/refunds", bought).as(merchant).idempotencyKey("refund-1")
            .json(json("amount", 1_000)));
        assertEquals(7_000, customerBalance(merchant, customer, "ZAR"), "refunded once");
        assertReplayed(201, () -> api.post("/api/canary/customers/{id}/gift-balances", customer).as(merchant).features()
            .idempotencyKey("gift-1").json(json("amount", 500, "currency", "ZAR")));
        final JsonNode gifts = api.get("/api/canary/customers/{id}/gift-balances", customer).as(merchant).send().expect(200);
        assertEquals(1, gifts.path("data").size(), "one gift balance");
        final String held = api.post(PURCHASES).as(merchant).features().json(json("customerId", customer, "productId", "p", "amount", 1_000,
            "currency", "ZAR", "escrow", java.util.Map.of("releaseAt", java.time.Instant.now().plusSeconds(3_600).toString())))
            .send().expect(201).path("id").asText();
        assertReplayed(200, () -> api.post("/api/canary/purchases/{id}/release", held).as(merchant).idempotencyKey("release-1"));
        final String cancelled = api.post(PURCHASES).as(merchant).features().json(json("customerId", customer, "productId", "p", "amount", 1_000,
            "currency", "ZAR", "escrow", java.util.Map.of("releaseAt", java.time.Instant.now().plusSeconds(3_600).toString())))
            .send().expect(201).path("id").asText();
        assertReplayed(200, () -> api.post("/api/canary/purchases/{id}/cancel", cancelled).as(merchant).idempotencyKey("cancel-1"));
        assertEquals(6_000, api.get(CUSTOMER_BALANCE, customer).as(merchant).features().send().expect(200).path("amount").asLong(),
            "7000, less the released purchase; the cancelled one came back"); // a customer with a gift balance: giftAmount too
    }

    @Test
    void shouldReplayARefusalAsTheFirstResponseEvenOnceItWouldSucceed()
    {
        final String merchant = merchant();
        final String customer = customer(merchant);
        final String body = json("customerId", customer, "productId", "p", "amount", 500, "currency", "ZAR");
        final LedgerHarness.Reply refused = api.post(PURCHASES).as(merchant).idempotencyKey("refused-1").json(body).send();
        refused.expect(402);
        payIn(merchant, customer, 1_000, "ZAR");
        final LedgerHarness.Reply again = api.post(PURCHASES).as(merchant).idempotencyKey("refused-1").json(body).send();
        again.expect(402);
        assertArrayEquals(refused.bytes(), again.bytes());
        assertEquals("true", again.header(REPLAYED));
        assertEquals(1_000, customerBalance(merchant, customer, "ZAR"));
    }

    @Test
    void shouldRefuseTheSameKeyWithAnotherBodyWith422AndApplyNothing()
    {
        final String merchant = merchant();
        final String customer = customer(merchant);
        api.post(PAY_INS, customer).as(merchant).idempotencyKey("changed").json(json("amount", 100, "currency", "ZAR")).send().expect(201);
        api.post(PAY_INS, customer).as(merchant).idempotencyKey("changed").json(json("amount", 200, "currency", "ZAR")).send().expect(422);
        api.post(PAY_INS, customer).as(merchant).idempotencyKey("changed").json(json("amount", 100, "currency", "USD")).send().expect(422);
        assertEquals(100, customerBalance(merchant, customer, "ZAR"));
        assertEquals(0, customerBalance(merchant, customer, "USD"));
    }

    @Test
    void shouldKeepEachMerchantsKeysApart()
    {
        final String first = merchant();
        final String second = merchant();
        final String a = customer(first);
        final String b = customer(second);
        final LedgerHarness.Reply mine = api.post(PAY_INS, a).as(first).idempotencyKey("shared-key").json(json("amount", 100, "currency", "ZAR")).send();
        mine.expect(201);
        final LedgerHarness.Reply theirs = api.post(PAY_INS, b).as(second).idempotencyKey("shared-key").json(json("amount", 100, "currency", "ZAR")).send();
        theirs.expect(201);
        assertNotEquals("true", theirs.header(REPLAYED), "another merchant's response must never be replayed");
        assertNotEquals(mine.body(), theirs.body());
        assertEquals(100, customerBalance(second, b, "ZAR"));
    }

    @Test
    void shouldAcceptKeysOf1To255PrintableAsciiCharactersAndRefuseLongerOnesWith400()
    {
        final String merchant = merchant();
        final String customer = customer(merchant);
        final String longest = "k".repeat(254) + "~";
        api.post(PAY_INS, customer).as(merchant).idempotencyKey("k").json(json("amount", 1, "currency", "ZAR")).send().expect(201);
        api.post(PAY_INS, customer).as(merchant).idempotencyKey("a b:c/d=e").json(json("amount", 1, "currency", "ZAR")).send().expect(201);
        api.post(PAY_INS, customer).as(merchant).idempotencyKey(longest).json(json("amount", 1, "currency", "ZAR")).send().expect(201);
        api.post(PAY_INS, customer).as(merchant).idempotencyKey(longest + "x").json(json("amount", 1, "currency", "ZAR")).send().expect(400);
        assertEquals(3, customerBalance(merchant, customer, "ZAR"));
    }

    @Test
    void shouldHonourAKeyAfterARestart(@TempDir final Path restartDir)
    {
        final String merchant = merchant();
        final String body = json("amount", 2_500, "currency", "ZAR");
        final String customer;
        final LedgerHarness.Reply first;
        try (LedgerHarness before = LedgerHarness.start(restartDir))
        {
            customer = before.post(CUSTOMERS).as(merchant).json(json("phoneNumber", "+27821234567", "metadata", Map.of())).send().expect(201)
                .path("id").asText();
            first = before.post(PAY_INS, customer).as(merchant).idempotencyKey("survives-restart").json(body).send();
            first.expect(201);
        }
        try (LedgerHarness after = LedgerHarness.start(restartDir))
        {
            final LedgerHarness.Reply replay = after.post(PAY_INS, customer).as(merchant).idempotencyKey("survives-restart").json(body).send();
            replay.expect(201);
            assertArrayEquals(first.bytes(), replay.bytes(), "the journaled response, byte for byte");
            assertEquals("true", replay.header(REPLAYED));
            after.post(PAY_INS, customer).as(merchant).idempotencyKey("survives-restart").json(json("amount", 1, "currency", "ZAR")).send().expect(422);
            assertEquals(2_500, after.get(CUSTOMER_BALANCE, customer).as(merchant).query("currency", "ZAR").send().expect(200).path("amount").asLong());
        }
    }

    @Test
    @SuppressWarnings("try") // the hold is the point of its try block
    void shouldAnswer409ForTheSameKeyWhileTheFirstRequestIsStillInFlight(@TempDir final Path heldDir) throws Exception
    {
        final LedgerHarness.JournalGate gate = new LedgerHarness.JournalGate();
        try (LedgerHarness held = LedgerHarness.start(heldDir, 1024, gate))
        {
            final String merchant = merchant();
            final String customer = held.post(CUSTOMERS).as(merchant).json(json("phoneNumber", "+27821234567", "metadata", Map.of())).send()
                .expect(201).path("id").asText();
            final String body = json("amount", 700, "currency", "ZAR");
            final Function<LedgerHarness, CompletableFuture<LedgerHarness.Reply>> send = h -> h.post(PAY_INS, customer).as(merchant)
                .idempotencyKey("in-flight").json(body).via(LedgerHarness.newClient()).sendAsync();

            final CompletableFuture<LedgerHarness.Reply> first;
            final CompletableFuture<LedgerHarness.Reply> second;
            final LedgerHarness.Reply early;
            try (AutoCloseable hold = gate.hold())
            {
                first = send.apply(held);
                second = send.apply(held);
                // Whichever reached the server second finds the key in flight and is answered at once.
                try
                {
                    early = (LedgerHarness.Reply)CompletableFuture.anyOf(first, second).get(5, TimeUnit.SECONDS);
                }
                catch (final TimeoutException ex)
                {
                    throw new AssertionError("no answer within 5 s while another request with the same key was in flight; expected 409", ex);
                }
                early.expect(409);
                assertTrue(!first.isDone() || !second.isDone(), "the first request must still be in flight");
            }
            final LedgerHarness.Reply late = (first.getNow(null) == early ? second : first).get(10, TimeUnit.SECONDS);
            late.expect(201);
            assertNotEquals("true", late.header(REPLAYED));

            final LedgerHarness.Reply replay = send.apply(held).get(10, TimeUnit.SECONDS);
            replay.expect(201);
            assertArrayEquals(late.bytes(), replay.bytes());
            assertEquals("true", replay.header(REPLAYED));
            assertEquals(700, held.get(CUSTOMER_BALANCE, customer).as(merchant).query("currency", "ZAR").send().expect(200).path("amount").asLong());
        }
    }

    @Test
    @SuppressWarnings("try") // the hold is the point of its try block
    void shouldAnswer503WithRetryAfterWhenTheRingIsFull(@TempDir final Path heldDir) throws Exception
    {
        final LedgerHarness.JournalGate gate = new LedgerHarness.JournalGate();
        try (LedgerHarness held = LedgerHarness.start(heldDir, 2, gate))
        {
            final String merchant = merchant();
            final String customer = held.post(CUSTOMERS).as(merchant).json(json("phoneNumber", "+27821234567", "metadata", Map.of())).send()
                .expect(201).path("id").asText();
            final List<CompletableFuture<LedgerHarness.Reply>> sent = new ArrayList<>();
            try (AutoCloseable hold = gate.hold())
            {
                for (int i = 0; i < 3; i++)
                {
                    sent.add(held.post(PAY_INS, customer).as(merchant).json(json("amount", 100, "currency", "ZAR")).via(LedgerHarness.newClient()).sendAsync());
                }
                // Two commands fill a two-slot ring while the journal is held; the third is refused at once.
                final LedgerHarness.Reply refused = (LedgerHarness.Reply)CompletableFuture.anyOf(sent.toArray(CompletableFuture[]::new))
                    .get(10, TimeUnit.SECONDS);
                refused.expect(503);
                assertEquals("1", refused.header("retry-after"));
            }
            int accepted = 0;
            for (final CompletableFuture<LedgerHarness.Reply> future : sent)
            {
                final LedgerHarness.Reply reply = future.get(10, TimeUnit.SECONDS);
                if (reply.status() == 201)
                {
                    reply.expect(201);
                    accepted++;
                }
                else
                {
                    reply.expect(503);
                }
            }
            assertTrue(accepted >= 1, "the commands already in the ring are applied once the journal moves");
            assertEquals(100L * accepted, held.get(CUSTOMER_BALANCE, customer).as(merchant).query("currency", "ZAR").send().expect(200).path("amount").asLong());
        }
    }

    /** Sends the request twice; asserts an identical replay flagged {@code Idempotent-Replayed: true}. @return the body. */
    private static JsonNode assertReplayed(final int status, final java.util.function.Supplier<LedgerHarness.Request> request)
    {
        final LedgerHarness.Reply first = request.get().send();
        final JsonNode body = first.expect(status);
        assertNotEquals("true", first.header(REPLAYED), "the first response is not a replay");
        final LedgerHarness.Reply second = request.get().send();
        second.expect(status);
        assertArrayEquals(first.bytes(), second.bytes(), "a replay has the first response's body, ids included: " + second.body());
        assertEquals("true", second.header(REPLAYED));
        return body;
    }
}
