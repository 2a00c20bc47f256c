package io.ledger.engine;

import static io.ledger.engine.WalletLedger.ZAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Masumi dialect's engine side (issue 15): agents' prices, the escrowed purchase bought through a Masumi key, the
 * duplicate refused without a second lock, the refund request deciding release vs return at the unlock time, and all of
 * it kept by replay and snapshots.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LedgerMasumiTest
{
    private static final String KEY = "d".repeat(64);
    private static final String ECHO = "{\"identifierFromPurchaser\":\"aabbaabb11221122aabb\"}";
    private static final long HOUR = 3_600_000L;

    private final WalletLedger w = new WalletLedger();
    private final long ann = w.customer("m1");

    LedgerMasumiTest()
    {
        w.apply(CommandType.CREATE_API_KEY, "m1", e -> e.set(Field.API_KEY_DIALECT, ApiDialect.MASUMI.code()).text(Field.API_KEY_HASH, KEY)
            .set(Field.CUSTOMER_KEY, ann).set(Field.CURRENCY, ZAR).set(Field.CURRENCY_DIGITS, 2));
        assertEquals(ResultCode.OK, w.event.result());
        w.payIn("m1", ann, 10_000, ZAR);
    }

    private void agent(final String agent, final long price)
    {
        w.apply(CommandType.REGISTER_MASUMI_AGENT, "m1", e -> e.text(Field.AGENT_IDENTIFIER, agent).set(Field.AMOUNT_MINOR, price).set(Field.CURRENCY, ZAR));
        assertEquals(ResultCode.OK, w.event.result());
    }

    private CommandEvent buy(final String key, final String identifier, final String agent, final long amounts, final long unlockMs)
    {
        return w.apply(CommandType.MASUMI_PURCHASE, null, e ->
        {
            e.text(Field.API_KEY_HASH, key).text(Field.NETWORK, "Preprod").text(Field.BLOCKCHAIN_IDENTIFIER, identifier)
                .text(Field.AGENT_IDENTIFIER, agent).set(Field.RELEASE_AT_MS, unlockMs).text(Field.MASUMI_ECHO_JSON, ECHO);
            if (amounts > 0)
            {
                e.set(Field.AMOUNTS_MINOR, amounts).text(Field.MASUMI_UNIT, "");
            }
        });
    }

    private CommandEvent refundRequested(final String identifier, final boolean requested)
    {
        return w.apply(CommandType.MASUMI_SET_REFUND_REQUESTED, null, e -> e.text(Field.API_KEY_HASH, KEY).text(Field.NETWORK, "Preprod")
            .text(Field.BLOCKCHAIN_IDENTIFIER, identifier).set(Field.REFUND_REQUESTED, requested));
    }

    @Test
    void shouldLockTheAgentsPriceAtOnceAndReleaseItToTheSellerAtUnlockTime()
    {
        agent("agent-1", 2_500);
        final long unlock = w.nowMs + HOUR;
        final CommandEvent bought = buy(KEY, "bc-1", "agent-1", 0, unlock);
        assertEquals(ResultCode.OK, bought.result());
        final MasumiPurchaseRecord.View view = (MasumiPurchaseRecord.View)bought.resultObject();
        assertEquals(PurchaseStatus.HELD, view.purchase().status());
        assertEquals(2_500, view.purchase().amountMinor());
        assertEquals(ann, view.purchase().customerKey());
        assertEquals("bc-1", view.masumi().blockchainIdentifier());
        assertEquals(ECHO, view.masumi().echoJson());
        assertEquals(7_500, w.ledger.customerBalance(ann, ZAR), "locked at once");
        assertEquals(0, w.merchantBalance("m1"));
        assertEquals(2_500, w.merchantPending("m1"));

        w.tick(unlock);
        assertEquals(2_500, w.merchantBalance("m1"), "released to the seller at unlockTime");
        assertEquals(PurchaseStatus.COMPLETED, w.get("m1", view.purchase().key()).status());
        w.ledger.checkConservation();
    }

    @Test
    void shouldReturnToTheBuyerAtUnlockTimeWhenARefundIsRequestedAndToTheSellerWhenTheRequestIsCancelled()
    {
        final long unlock = w.nowMs + HOUR;
        assertEquals(ResultCode.OK, buy(KEY, "bc-1", "agent-x", 1_000, unlock).result(), "Amounts need no registered agent");
        assertEquals(ResultCode.OK, buy(KEY, "bc-2", "agent-x", 2_000, unlock).result());
        assertEquals(7_000, w.ledger.customerBalance(ann, ZAR));

        assertEquals(ResultCode.OK, refundRequested("bc-1", true).result());
        assertTrue(((MasumiPurchaseRecord.View)w.event.resultObject()).masumi().refundRequested());
        assertEquals(ResultCode.MASUMI_PURCHASE_NOT_FOUND, refundRequested("bc-1", true).result(), "already requested");
        w.assertLastChangedNothing("a second request");
        assertEquals(ResultCode.OK, refundRequested("bc-2", true).result());
        assertEquals(ResultCode.OK, refundRequested("bc-2", false).result(), "cancelled");
        assertEquals(ResultCode.MASUMI_PURCHASE_NOT_FOUND, refundRequested("bc-9", true).result(), "unknown");

        w.tick(unlock);
        assertEquals(8_000, w.ledger.customerBalance(ann, ZAR), "bc-1 returned to the buyer");
        assertEquals(2_000, w.merchantBalance("m1"), "bc-2 released to the seller");
        assertEquals(0, w.merchantPending("m1"));
        assertEquals(ResultCode.MASUMI_PURCHASE_NOT_FOUND, refundRequested("bc-2", true).result(), "no longer held after unlockTime");
        w.ledger.checkConservation();
    }

    @Test
    void shouldRefuseADuplicateBlockchainIdentifierWithTheFirstPurchaseLockingNothingTwice()
    {
        agent("agent-1", 2_500);
        final long unlock = w.nowMs + HOUR;
        final long first = buy(KEY, "bc-1", "agent-1", 0, unlock).resultKey();
        final CommandEvent again = buy(KEY, "bc-1", "agent-1", 0, unlock);
        assertEquals(ResultCode.MASUMI_PURCHASE_EXISTS, again.result());
        assertEquals(first, ((MasumiPurchaseRecord.View)again.resultObject()).purchase().key());
        w.assertLastChangedNothing("the duplicate");
        assertEquals(7_500, w.ledger.customerBalance(ann, ZAR));
        assertEquals(ResultCode.MASUMI_PURCHASE_EXISTS, buy(KEY, "bc-1", "agent-1", 9_999, unlock).result(), "whatever else it says");
        w.tick(unlock + HOUR);
        assertEquals(ResultCode.MASUMI_PURCHASE_EXISTS, buy(KEY, "bc-1", "agent-1", 0, w.nowMs + HOUR).result(), "also after it ended");
        assertEquals(2_500, w.merchantBalance("m1"));
    }

    @Test
    void shouldRefuseUnknownAgentsUnmappedUnitsBadKeysAndPastUnlockTimesChangingNothing()
    {
        final long unlock = w.nowMs + HOUR;
        assertEquals(ResultCode.MASUMI_AGENT_NOT_FOUND, buy(KEY, "bc-1", "nobody", 0, unlock).result());
        w.assertLastChangedNothing("an unknown agent");
        assertEquals(ResultCode.MASUMI_UNIT_UNKNOWN, w.apply(CommandType.MASUMI_PURCHASE, null, e -> e.text(Field.API_KEY_HASH, KEY)
            .text(Field.NETWORK, "Preprod").text(Field.BLOCKCHAIN_IDENTIFIER, "bc-1").text(Field.AGENT_IDENTIFIER, "a")
            .set(Field.RELEASE_AT_MS, unlock).text(Field.MASUMI_ECHO_JSON, ECHO).set(Field.AMOUNTS_MINOR, 5).text(Field.MASUMI_UNIT, "usdm")).result());
        w.assertLastChangedNothing("an unmapped unit");
        assertEquals(ResultCode.API_KEY_NOT_FOUND, buy("e".repeat(64), "bc-1", "a", 5, unlock).result());
        w.assertLastChangedNothing("an unknown key");
        assertEquals(ResultCode.INVALID_DEADLINE, buy(KEY, "bc-1", "a", 5, w.nowMs - 1).result());
        w.assertLastChangedNothing("an unlock time in the past");
        assertEquals(ResultCode.INSUFFICIENT_FUNDS, buy(KEY, "bc-1", "a", 10_001, unlock).result());
        w.assertLastChangedNothing("more than the buyer has");
        assertEquals(ResultCode.OK, buy(KEY, "bc-1", "a", 10_000, unlock).result(), "the refusals left the identifier free");
    }

    @Test
    void shouldListTheMerchantsMasumiPurchasesNewestFirstFromTheCursorIncluded()
    {
        final long unlock = w.nowMs + HOUR;
        final long a = buy(KEY, "bc-a", "x", 100, unlock).resultKey();
        final long b = buy(KEY, "bc-b", "x", 100, unlock).resultKey();
        final long c = buy(KEY, "bc-c", "x", 100, unlock).resultKey();
        w.apply(CommandType.LIST_MASUMI_PURCHASES, null, e -> e.text(Field.API_KEY_HASH, KEY).text(Field.NETWORK, "Preprod").page(2, 0));
        assertEquals(ResultCode.OK, w.event.result());
        assertEquals(2, w.event.rowCount());
        assertEquals(c, ((MasumiPurchaseRecord.View)w.event.rowObject(0)).purchase().key());
        assertEquals(b, ((MasumiPurchaseRecord.View)w.event.rowObject(1)).purchase().key());
        w.apply(CommandType.LIST_MASUMI_PURCHASES, null, e -> e.text(Field.API_KEY_HASH, KEY).text(Field.NETWORK, "Preprod").set(Field.PURCHASE_KEY, b).page(10, 0));
        assertEquals(2, w.event.rowCount());
        assertEquals(a, ((MasumiPurchaseRecord.View)w.event.rowObject(1)).purchase().key());
        w.apply(CommandType.LIST_MASUMI_PURCHASES, null, e -> e.text(Field.API_KEY_HASH, KEY).text(Field.NETWORK, "Mainnet").page(10, 0));
        assertEquals(0, w.event.rowCount());
    }

    @Test
    void shouldKeepAgentsPurchasesAndRefundRequestsThroughReplayAndSnapshot() throws Exception
    {
        agent("agent-1", 2_500);
        final long unlock = w.nowMs + HOUR;
        buy(KEY, "bc-1", "agent-1", 0, unlock);
        buy(KEY, "bc-2", "agent-1", 0, unlock);
        refundRequested("bc-1", true);

        final WalletLedger replayed = new WalletLedger();
        replayed.replay(w.journal);
        assertEquals(w.ledger.stateHash(), replayed.ledger.stateHash());

        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LedgerSnapshot.write(w.ledger, new DataOutputStream(bytes));
        final Ledger restored = LedgerSnapshot.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), ZAR);
        assertEquals(w.ledger.stateHash(), restored.stateHash());

        final CommandEvent again = new CommandEvent();
        again.type(CommandType.MASUMI_PURCHASE).text(Field.API_KEY_HASH, KEY).text(Field.NETWORK, "Preprod").text(Field.BLOCKCHAIN_IDENTIFIER, "bc-1")
            .text(Field.AGENT_IDENTIFIER, "agent-1").set(Field.RELEASE_AT_MS, unlock).text(Field.MASUMI_ECHO_JSON, ECHO);
        again.stamp(w.journal.size() + 1, w.nowMs);
        restored.apply(again);
        assertEquals(ResultCode.MASUMI_PURCHASE_EXISTS, again.result(), "the duplicate is refused after a snapshot");

        final CommandEvent tick = new CommandEvent();
        tick.type(CommandType.TICK).stamp(w.journal.size() + 2, unlock);
        restored.apply(tick);
        assertEquals(10_000 - 2_500, restored.customerBalance(ann, ZAR), "the requested refund returned after the snapshot");
        assertEquals(2_500, restored.merchantBalance("m1", ZAR));
    }
}
