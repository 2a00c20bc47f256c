package io.ledger.engine;

import static io.ledger.engine.WalletLedger.ZAR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A batch ({@link CommandType#BATCH}): order, outcomes and ids per command, linked chains, idempotency, replay. */
@Timeout(20)
final class LedgerBatchTest
{
    private final WalletLedger w = new WalletLedger();
    private final long ann = w.customer("m1");
    private final long bob = w.customer("m1");

    static CommandEvent purchase(final BatchItems batch, final long customer, final long amount, final boolean linked)
    {
        return batch.add(CommandType.PURCHASE, linked).set(Field.CUSTOMER_KEY, customer).set(Field.AMOUNT_MINOR, amount)
            .set(Field.CURRENCY, ZAR).set(Field.QUANTITY, 1).text(Field.PRODUCT_ID, "sku-1");
    }

    static CommandEvent payIn(final BatchItems batch, final long customer, final long amount, final boolean linked)
    {
        return batch.add(CommandType.PAY_IN, linked).set(Field.CUSTOMER_KEY, customer).set(Field.AMOUNT_MINOR, amount)
            .set(Field.CURRENCY, ZAR);
    }

    static CommandEvent transfer(final BatchItems batch, final long from, final long to, final long amount, final boolean linked)
    {
        return batch.add(CommandType.TRANSFER, linked).set(Field.CUSTOMER_KEY, from).set(Field.TO_CUSTOMER_KEY, to)
            .set(Field.AMOUNT_MINOR, amount).set(Field.CURRENCY, ZAR);
    }

    static CommandEvent payout(final BatchItems batch, final long amount, final boolean linked)
    {
        return batch.add(CommandType.PAYOUT, linked).set(Field.AMOUNT_MINOR, amount).set(Field.CURRENCY, ZAR)
            .text(Field.BANK_ACCOUNT, "ACC-1").text(Field.METADATA_JSON, "{}");
    }

    private static ResultCode[] results(final CommandEvent batch)
    {
        final ResultCode[] results = new ResultCode[batch.batch().count()];
        for (int i = 0; i < results.length; i++)
        {
            results[i] = batch.batch().item(i).result();
        }
        return results;
    }

    @Test
    void shouldApplyEachCommandInOrderWithItsOwnOutcomeAndTheIdsBeforeTheBatchs()
    {
        final CommandEvent batch = w.batch("m1", null, b ->
        {
            payIn(b, ann, 1_000, false);
            purchase(b, ann, 600, false);
            purchase(b, ann, 600, false);      // 400 left: refused alone
            transfer(b, ann, bob, 300, false);
            purchase(b, bob, 300, false);      // spends what the transfer before it gave
            payout(b, 500, false);             // of the merchant's 900
        });
        assertEquals(ResultCode.OK, batch.result());
        assertArrayEquals(new ResultCode[] {ResultCode.OK, ResultCode.OK, ResultCode.INSUFFICIENT_FUNDS, ResultCode.OK, ResultCode.OK,
            ResultCode.OK}, results(batch));
        final long batchId = batch.commandId();
        for (int i = 0; i < 6; i++)
        {
            assertEquals(batchId - 6 + i, batch.batch().item(i).commandId(), "command " + i + "'s id: the ids just below the batch's");
        }
        assertEquals(batchId - 5, batch.batch().item(1).resultKey(), "the purchase's key is its own command id");
        assertEquals(1_000, batch.batch().item(1).balanceBeforeMinor());
        assertEquals(400, batch.batch().item(1).balanceAfterMinor());
        assertEquals(100, w.ledger.customerBalance(ann, ZAR));
        assertEquals(0, w.ledger.customerBalance(bob, ZAR));
        assertEquals(400, w.merchantBalance("m1"));
        assertEquals(batchId, w.ledger.lastCommandId(), "the batch's id is the last taken");
        w.ledger.checkConservation();
        assertReplaysToTheSameState();
    }

    @Test
    void shouldApplyALinkedChainWhoseLaterCommandSpendsWhatAnEarlierOneCredits()
    {
        final CommandEvent batch = w.batch("m1", null, b ->
        {
            payIn(b, ann, 500, true);
            transfer(b, ann, bob, 200, true);
            purchase(b, bob, 200, true);
            purchase(b, ann, 300, false);
        });
        assertArrayEquals(new ResultCode[] {ResultCode.OK, ResultCode.OK, ResultCode.OK, ResultCode.OK}, results(batch));
        assertEquals(500, batch.batch().item(0).balanceAfterMinor());
        assertEquals(300, batch.batch().item(3).balanceBeforeMinor(), "each command reports its own balances, not the dry run's");
        assertEquals(0, w.ledger.customerBalance(ann, ZAR));
        assertEquals(0, w.ledger.customerBalance(bob, ZAR));
        assertEquals(500, w.merchantBalance("m1"));
        w.ledger.checkConservation();
        assertReplaysToTheSameState();
    }

    @Test
    void shouldRollBackALinkedChainAsAWholeLeavingTheStateHashAsBefore()
    {
        w.payIn("m1", ann, 1_000, ZAR);
        final CommandEvent batch = w.batch("m1", null, b ->
        {
            payIn(b, bob, 500, true);
            transfer(b, bob, ann, 200, true);
            purchase(b, ann, 900, true);
            payout(b, 900, true);               // the merchant would have 900 from the purchase before it
            purchase(b, bob, 400, false);       // bob would have 300: refused, and so the whole chain
        });
        assertEquals(ResultCode.OK, batch.result());
        assertArrayEquals(new ResultCode[] {ResultCode.LINKED_EVENT_FAILED, ResultCode.LINKED_EVENT_FAILED, ResultCode.LINKED_EVENT_FAILED,
            ResultCode.LINKED_EVENT_FAILED, ResultCode.INSUFFICIENT_FUNDS}, results(batch));
        assertEquals(1_000, w.ledger.customerBalance(ann, ZAR));
        assertEquals(0, w.ledger.customerBalance(bob, ZAR));
        assertEquals(0, w.merchantBalance("m1"));
        assertEquals(hashAsIfTheBatchWereATick(batch), w.ledger.stateHash(), "a refused chain changes nothing but the clock and the ids");
        w.ledger.checkConservation();
        assertReplaysToTheSameState();
    }

    @Test
    void shouldApplyTheCommandsAroundARefusedChain()
    {
        w.payIn("m1", ann, 1_000, ZAR);
        final CommandEvent batch = w.batch("m1", null, b ->
        {
            purchase(b, ann, 100, false);
            transfer(b, ann, bob, 100, true);
            purchase(b, bob, 100, true);
            payout(b, 10_000, false);           // the merchant cannot: the chain of three fails
            purchase(b, ann, 100, false);
        });
        assertArrayEquals(new ResultCode[] {ResultCode.OK, ResultCode.LINKED_EVENT_FAILED, ResultCode.LINKED_EVENT_FAILED,
            ResultCode.INSUFFICIENT_MERCHANT_FUNDS, ResultCode.OK}, results(batch));
        assertEquals(800, w.ledger.customerBalance(ann, ZAR));
        assertEquals(0, w.ledger.customerBalance(bob, ZAR));
        assertEquals(200, w.merchantBalance("m1"));
        w.ledger.checkConservation();
        assertReplaysToTheSameState();
    }

    @Test
    void shouldRefuseAChainLeftOpenByTheLastCommandAndApplyNothingOfIt()
    {
        w.payIn("m1", ann, 1_000, ZAR);
        final CommandEvent batch = w.batch("m1", null, b ->
        {
            purchase(b, ann, 100, true);
            purchase(b, ann, 100, true);
        });
        assertArrayEquals(new ResultCode[] {ResultCode.LINKED_EVENT_CHAIN_OPEN, ResultCode.LINKED_EVENT_CHAIN_OPEN}, results(batch));
        assertEquals(1_000, w.ledger.customerBalance(ann, ZAR));
        assertEquals(hashAsIfTheBatchWereATick(batch), w.ledger.stateHash());
    }

    @Test
    void shouldRefuseALinkedCommandThatUsesAnExternalReferenceOrGiftBalances()
    {
        w.payIn("m1", ann, 1_000, ZAR);
        final CommandEvent batch = w.batch("m1", null, b ->
        {
            purchase(b, ann, 100, true).text(Field.EXTERNAL_REFERENCE, "order-1");
            purchase(b, ann, 100, false);
            purchase(b, ann, 100, false).text(Field.EXTERNAL_REFERENCE, "order-1"); // alone: allowed
        });
        assertArrayEquals(new ResultCode[] {ResultCode.INVALID_FIELD, ResultCode.LINKED_EVENT_FAILED, ResultCode.OK}, results(batch));
        assertEquals(900, w.ledger.customerBalance(ann, ZAR));
    }

    @Test
    void shouldAnswerARetryOfAKeyedBatchWithTheFirstOutcomesAndApplyNothing()
    {
        w.payIn("m1", ann, 1_000, ZAR);
        final CommandEvent first = w.batch("m1", "key-1", b ->
        {
            purchase(b, ann, 300, false);
            purchase(b, ann, 900, false);
            payout(b, 100, false);
        });
        final ResultCode[] results = results(first);
        final long purchaseKey = first.batch().item(0).resultKey();
        assertArrayEquals(new ResultCode[] {ResultCode.OK, ResultCode.INSUFFICIENT_FUNDS, ResultCode.OK}, results);
        assertFalse(first.replayed());
        final long hash = w.ledger.stateHash();

        final CommandEvent retry = w.batch("m1", "key-1", b ->
        {
            purchase(b, ann, 300, false);
            purchase(b, ann, 900, false);
            payout(b, 100, false);
        });
        assertEquals(ResultCode.OK, retry.result());
        assertTrue(retry.replayed());
        assertArrayEquals(results, results(retry));
        assertEquals(purchaseKey, retry.batch().item(0).resultKey(), "the first purchase's id, not the retry's");
        assertEquals(1_000, retry.batch().item(0).balanceBeforeMinor());
        assertEquals(700, retry.batch().item(0).balanceAfterMinor());
        assertEquals(100, ((PayoutRecord)retry.batch().item(2).resultObject()).amountMinor());
        assertEquals(700, w.ledger.customerBalance(ann, ZAR));
        assertEquals(200, w.merchantBalance("m1"));

        final CommandEvent other = w.batch("m1", "key-1", b -> purchase(b, ann, 300, false));
        assertEquals(ResultCode.IDEMPOTENCY_KEY_REUSED, other.result());
        assertEquals(700, w.ledger.customerBalance(ann, ZAR));
        assertTrue(hash != 0);
        w.ledger.checkConservation();
        assertReplaysToTheSameState();
    }

    @Test
    void shouldKeepAKeyedBatchsOutcomesInASnapshot() throws IOException
    {
        w.payIn("m1", ann, 1_000, ZAR);
        w.batch("m1", "key-1", b ->
        {
            purchase(b, ann, 300, false);
            payout(b, 100, false);
        });
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LedgerSnapshot.write(w.ledger, new DataOutputStream(bytes));
        final Ledger restored = LedgerSnapshot.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), ZAR);
        assertEquals(w.ledger.stateHash(), restored.stateHash());

        final WalletLedger after = new WalletLedger(restored);
        after.nowMs = w.nowMs;
        final CommandEvent retry = new CommandEvent();
        final BatchItems items = new BatchItems();
        purchase(items, ann, 300, false).text(Field.MERCHANT_ID, "m1");
        payout(items, 100, false).text(Field.MERCHANT_ID, "m1");
        retry.type(CommandType.BATCH).text(Field.MERCHANT_ID, "m1").text(Field.IDEMPOTENCY_KEY, "key-1").batch(items)
            .stamp(restored.lastCommandId() + 1, w.nowMs);
        restored.apply(retry);
        assertTrue(retry.replayed());
        assertEquals(ResultCode.OK, items.item(0).result());
        assertEquals(700, items.item(0).balanceAfterMinor());
        assertEquals(100, ((PayoutRecord)items.item(1).resultObject()).amountMinor());
        assertEquals(700, restored.customerBalance(ann, ZAR));
    }

    /**
     * An escrow hold is released while a batch is applied (the batch is the first command after its time): the release's
     * history entries come first and carry the batch's first id, so the history's command ids never go back. They
     * carried the batch's own id, the highest of its range, and the batch's commands then wrote lower ones: an assert in
     * the history, and a snapshot that could not be read back ("commandId ... comes after commandId ...").
     */
    @Test
    void shouldKeepTheHistoryInCommandIdOrderWhenADeadlinePassesDuringABatch() throws IOException
    {
        w.payIn("m1", ann, 1_000, ZAR);
        w.payIn("m1", bob, 400, ZAR);
        assertEquals(ResultCode.OK, w.heldPurchase("m1", bob, 400, w.nowMs + 2_000, w.nowMs + 1_500).result());
        assertEquals(1, w.ledger.pendingDeadlines());
        w.nowMs += 5_000; // the hold is released before the batch's time: while the batch is applied
        final CommandEvent batch = w.batch("m1", null, b ->
        {
            purchase(b, ann, 300, false);
            purchase(b, ann, 200, false);
            payIn(b, bob, 50, false);
        });
        assertArrayEquals(new ResultCode[] {ResultCode.OK, ResultCode.OK, ResultCode.OK}, results(batch));
        assertEquals(500, w.ledger.customerBalance(ann, ZAR));
        assertEquals(900, w.merchantBalance("m1"), "the released hold (400) is the merchant's, with the batch's two purchases (500)");
        assertEquals(0, w.ledger.pendingDeadlines());

        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LedgerSnapshot.write(w.ledger, new DataOutputStream(bytes));
        final Ledger restored = LedgerSnapshot.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), ZAR);
        assertEquals(w.ledger.stateHash(), restored.stateHash(), "the snapshot reads back");
        w.ledger.checkConservation();
        assertReplaysToTheSameState();
    }

    @Test
    void shouldRoundTripABatchThroughTheJournalCodec()
    {
        final CommandEvent batch = new CommandEvent();
        final BatchItems items = new BatchItems();
        payIn(items, ann, 500, true).text(Field.MERCHANT_ID, "m1").text(Field.DESCRIPTION, "till 3");
        transfer(items, ann, bob, 200, false).text(Field.MERCHANT_ID, "m1");
        batch.type(CommandType.BATCH).text(Field.MERCHANT_ID, "m1").text(Field.IDEMPOTENCY_KEY, "k").batch(items).stamp(41, 1234);
        final org.agrona.ExpandableArrayBuffer buffer = new org.agrona.ExpandableArrayBuffer(256);
        final int length = CommandCodec.encode(batch, buffer, 0);
        assertEquals(CommandCodec.encodedLength(batch), length);
        final CommandEvent decoded = new CommandEvent();
        assertTrue(CommandCodec.decode(buffer, 0, length, decoded));
        assertEquals(CommandType.BATCH, decoded.type());
        assertEquals(41, decoded.commandId());
        assertEquals("k", decoded.textString(Field.IDEMPOTENCY_KEY));
        assertEquals(2, decoded.batch().count());
        assertTrue(decoded.batch().linked(0));
        assertFalse(decoded.batch().linked(1));
        final CommandEvent payIn = decoded.batch().item(0);
        assertEquals(CommandType.PAY_IN, payIn.type());
        assertEquals("m1", payIn.textString(Field.MERCHANT_ID), "a command is the batch's merchant's");
        assertEquals("till 3", payIn.textString(Field.DESCRIPTION));
        assertEquals(500, payIn.get(Field.AMOUNT_MINOR));
        assertFalse(payIn.has(Field.IDEMPOTENCY_KEY));
        assertEquals(bob, decoded.batch().item(1).get(Field.TO_CUSTOMER_KEY));
        for (int cut = 1; cut < length - CommandCodec.BODY_BYTES_MIN; cut++)
        {
            assertFalse(CommandCodec.decode(buffer, 0, length - cut, new CommandEvent()), "cut=" + cut);
        }
    }

    /** The state hash the ledger would have if the last batch had been a TICK with the same id, at the same time. */
    private long hashAsIfTheBatchWereATick(final CommandEvent batch)
    {
        final List<CommandEvent> commands = new ArrayList<>(w.journal);
        final CommandEvent last = commands.remove(commands.size() - 1);
        final CommandEvent tick = new CommandEvent();
        tick.type(CommandType.TICK).stamp(last.commandId(), last.timestampMs());
        commands.add(tick);
        final WalletLedger other = new WalletLedger();
        other.replay(commands);
        return other.ledger.stateHash();
    }

    private void assertReplaysToTheSameState()
    {
        final WalletLedger replayed = new WalletLedger();
        replayed.replay(w.journal);
        assertEquals(w.ledger.stateHash(), replayed.ledger.stateHash(), "a replay of the journal gives the same state");
        assertEquals(w.ledger.lastCommandId(), replayed.ledger.lastCommandId());
        replayed.ledger.checkConservation();
    }
}
