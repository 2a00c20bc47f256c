package io.ledger.engine;

import static io.ledger.engine.WalletLedger.T0;
import static io.ledger.engine.WalletLedger.ZAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.command.RefundCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Purchases as resources (read, listed, filtered, external references) and refunds. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LedgerPurchaseTest
{
    private final WalletLedger w = new WalletLedger();
    private final long ann = w.customer("m1");
    private final long bob = w.customer("m1");

    @Test
    void shouldReadAPlainPurchaseBackFromItsHistoryWithoutKeepingARecord()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final CommandEvent made = w.plainPurchase("m1", ann, 2_500);
        final long key = made.resultKey();
        final long createdAt = made.resultTimestampMs();
        assertNull(made.resultObject(), "a plain purchase answers as before, from the event");
        assertNull(w.ledger.purchaseRecord(key), "and keeps no record");

        final PurchaseRecord read = w.get("m1", key);
        assertEquals(key, read.key());
        assertEquals("m1", read.merchantId());
        assertEquals(ann, read.customerKey());
        assertEquals(2_500, read.amountMinor());
        assertEquals(ZAR, read.currency());
        assertEquals("sku-1", read.productId());
        assertEquals(PurchaseStatus.COMPLETED, read.status());
        assertEquals(10_000, read.customerBalanceBeforeMinor());
        assertEquals(7_500, read.customerBalanceAfterMinor());
        assertEquals(createdAt, read.createdAtMs());
        assertEquals(createdAt, read.updatedAtMs());
        assertEquals(-1, read.cashbackMinor());
        assertNull(read.giftUses());
        assertEquals(List.of(), read.refunds());
    }

    @Test
    void shouldNotFindAnotherMerchantsOrAnUnknownPurchaseOrAnotherCommand()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final long key = w.plainPurchase("m1", ann, 100).resultKey();
        w.customer("m2");
        assertNull(w.get("m2", key));
        assertEquals(ResultCode.PURCHASE_NOT_FOUND, w.event.result());
        assertNull(w.get("m1", key + 1_000));
        assertNull(w.get("m1", -1));
        assertNull(w.get("m1", 1), "the id of a command that is no purchase (the first customer's)");
    }

    @Test
    void shouldKeepARecordForAPurchaseWithADescriptionOrReference()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final CommandEvent made = w.purchase("m1", ann, 1_000, e -> e.text(Field.DESCRIPTION, "two coffees").text(Field.EXTERNAL_REFERENCE, "ord-1"));
        assertEquals(ResultCode.OK, made.result());
        final PurchaseRecord record = (PurchaseRecord)made.resultObject();
        assertEquals("two coffees", record.description());
        assertEquals("ord-1", record.externalReference());
        assertEquals(10_000, record.customerBalanceBeforeMinor());
        assertEquals(9_000, record.customerBalanceAfterMinor());
        assertEquals(record, w.get("m1", record.key()));
    }

    @Test
    void shouldRefuseASecondPurchaseOfOneCustomerWithTheSameReferenceAndNameTheFirst()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        w.payIn("m1", bob, 10_000, ZAR);
        final long first = w.purchase("m1", ann, 1_000, e -> e.text(Field.EXTERNAL_REFERENCE, "ord-1")).resultKey();

        final CommandEvent again = w.purchase("m1", ann, 1_000, e -> e.text(Field.EXTERNAL_REFERENCE, "ord-1"));
        assertEquals(ResultCode.EXTERNAL_REFERENCE_USED, again.result());
        assertEquals(first, again.resultKey(), "the refusal names the purchase that has the reference");
        w.assertLastChangedNothing("a purchase with a reference the customer used");
        assertEquals(9_000, w.ledger.customerBalance(ann, ZAR), "never debited twice");

        assertEquals(ResultCode.OK, w.purchase("m1", ann, 1_000, e -> e.text(Field.EXTERNAL_REFERENCE, "ord-2")).result());
        final long bobs = w.purchase("m1", bob, 1_000, e -> e.text(Field.EXTERNAL_REFERENCE, "ord-1")).resultKey();
        assertEquals(ResultCode.OK, w.event.result(), "another customer may use the same reference");
        assertEquals(List.of(bobs, first, 2L), w.listPurchases("m1", e -> e.text(Field.EXTERNAL_REFERENCE, "ord-1"), 10, 0));
        assertEquals(List.of(first, 1L), w.listPurchases("m1", e -> e.text(Field.EXTERNAL_REFERENCE, "ord-1").set(Field.CUSTOMER_KEY, ann), 10, 0));
        assertEquals(List.of(0L), w.listPurchases("m1", e -> e.text(Field.EXTERNAL_REFERENCE, "ord-9"), 10, 0));
    }

    @Test
    void shouldListTheMerchantsPurchasesNewestFirstWithFiltersAndPages()
    {
        w.payIn("m1", ann, 100_000, ZAR);
        w.payIn("m1", bob, 100_000, ZAR);
        final long a1 = w.plainPurchase("m1", ann, 100).resultKey();
        final long b1 = w.plainPurchase("m1", bob, 200).resultKey();
        final long a2 = w.heldPurchase("m1", ann, 300, T0 + 3_600_000, T0 + 3_600_000).resultKey();
        final long b2 = w.plainPurchase("m1", bob, 400).resultKey();
        final long a3 = w.plainPurchase("m1", ann, 500).resultKey();
        w.refund("m1", a1, 50);
        final long other = w.customer("m2");
        w.payIn("m2", other, 1_000, ZAR);
        w.plainPurchase("m2", other, 1);

        assertEquals(List.of(a3, b2, a2, b1, a1, 5L), w.listPurchases("m1", e -> { }, 10, 0));
        assertEquals(List.of(a2, b1, 5L), w.listPurchases("m1", e -> { }, 2, 2));
        assertEquals(List.of(5L), w.listPurchases("m1", e -> { }, 10, 5));
        assertEquals(List.of(a3, a2, a1, 3L), w.listPurchases("m1", e -> e.set(Field.CUSTOMER_KEY, ann), 10, 0));
        assertEquals(List.of(a2, a1, 3L), w.listPurchases("m1", e -> e.set(Field.CUSTOMER_KEY, ann), 10, 1));
        assertEquals(List.of(a2, 1L), w.listPurchases("m1", e -> e.set(Field.PURCHASE_STATUS, PurchaseStatus.HELD.ordinal()), 10, 0));
        assertEquals(List.of(a1, 1L),
            w.listPurchases("m1", e -> e.set(Field.PURCHASE_STATUS, PurchaseStatus.PARTIALLY_REFUNDED.ordinal()), 10, 0));
        assertEquals(List.of(a3, b2, b1, 3L), w.listPurchases("m1", e -> e.set(Field.PURCHASE_STATUS, PurchaseStatus.COMPLETED.ordinal()), 10, 0));
        assertEquals(List.of(a3, 1L), w.listPurchases("m1", e -> e.set(Field.PURCHASE_STATUS, PurchaseStatus.COMPLETED.ordinal())
            .set(Field.CUSTOMER_KEY, ann), 10, 0));
        assertEquals(List.of(0L), w.listPurchases("m1", e -> e.set(Field.PURCHASE_STATUS, PurchaseStatus.REFUNDED.ordinal()), 10, 0));
        assertEquals(List.of(0L), w.listPurchases("m1", e -> e.set(Field.CUSTOMER_KEY, other), 10, 0), "another merchant's customer");
        assertEquals(List.of(0L), w.listPurchases("m1", e -> e.set(Field.CUSTOMER_KEY, -1), 10, 0), "an id that names no customer");
        assertEquals(List.of(0L), w.listPurchases("m3", e -> { }, 10, 0), "a merchant the ledger has not seen");
    }

    @Test
    void shouldRefundPartlyThenWhatIsLeftLinkedToThePurchaseInBothHistories()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final long key = w.plainPurchase("m1", ann, 4_000).resultKey();

        final CommandEvent first = w.refund("m1", key, 1_500);
        assertEquals(ResultCode.OK, first.result());
        final RefundRecord refund = (RefundRecord)first.resultObject();
        assertEquals(first.commandId(), refund.key());
        assertEquals(key, refund.purchaseKey());
        assertEquals(1_500, refund.amountMinor());
        assertEquals(7_500, refund.customerBalanceAfterMinor());
        assertEquals(7_500, w.ledger.customerBalance(ann, ZAR));
        assertEquals(2_500, w.merchantBalance("m1"));
        assertEquals(PurchaseStatus.PARTIALLY_REFUNDED, w.get("m1", key).status());
        assertEquals(1_500, w.get("m1", key).refundedMinor());

        final CommandEvent rest = w.refund("m1", key, 0); // no amount: all that is left
        assertEquals(ResultCode.OK, rest.result());
        final long restKey = rest.commandId();
        final long restTime = rest.resultTimestampMs();
        assertEquals(2_500, ((RefundRecord)rest.resultObject()).amountMinor());
        final PurchaseRecord refunded = w.get("m1", key);
        assertEquals(PurchaseStatus.REFUNDED, refunded.status());
        assertEquals(4_000, refunded.refundedMinor());
        assertEquals(2, refunded.refunds().size());
        assertEquals(restTime, refunded.updatedAtMs());
        assertEquals(10_000, w.ledger.customerBalance(ann, ZAR));
        assertEquals(0, w.merchantBalance("m1"));

        assertEquals(List.of("CUSTOMER_REFUND 2500", "CUSTOMER_REFUND 1500", "PURCHASE -4000", "PAY_IN 10000"), w.history("m1", ann));
        w.apply(CommandType.LIST_CUSTOMER_TRANSACTIONS, "m1", e -> e.set(Field.CUSTOMER_KEY, ann).page(1, 0));
        assertEquals(key, w.event.rowLong(0, CommandEvent.ROW_COUNTERPARTY), "the refund entry links its purchase");
        assertEquals(restKey, w.event.rowLong(0, CommandEvent.ROW_COMMAND_ID));
        assertEquals(List.of("MERCHANT_REFUND -2500", "MERCHANT_REFUND -1500", "SALE 4000"), w.merchantHistory("m1"));
        w.ledger.checkConservation();

        w.apply(CommandType.LIST_PURCHASE_REFUNDS, "m1", e -> e.set(Field.PURCHASE_KEY, key).page(10, 0));
        assertEquals(2, w.event.rowTotal());
        assertEquals(restKey, ((RefundRecord)w.event.rowObject(0)).key(), "newest first");
        assertEquals(refund, w.event.rowObject(1));
    }

    @Test
    void shouldRefuseARefundBeyondThePurchaseAndChangeNothing()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final long key = w.plainPurchase("m1", ann, 4_000).resultKey();

        assertEquals(ResultCode.REFUND_EXCEEDS_PURCHASE, w.refund("m1", key, 4_001).result());
        w.assertLastChangedNothing("a refund beyond the purchase");
        assertNull(w.ledger.purchaseRecord(key), "a refused refund does not give a plain purchase a record");
        assertEquals(ResultCode.OK, w.refund("m1", key, 4_000).result());
        assertEquals(ResultCode.REFUND_EXCEEDS_PURCHASE, w.refund("m1", key, 1).result(), "nothing is left");
        w.assertLastChangedNothing("a refund of a refunded purchase");
        assertEquals(ResultCode.REFUND_EXCEEDS_PURCHASE, w.refund("m1", key, 0).result(), "all that is left is nothing");
        assertEquals(ResultCode.INVALID_AMOUNT, w.refund("m1", key, -5).result());
        assertEquals(ResultCode.PURCHASE_NOT_FOUND, w.refund("m1", 99_999, 1).result());
        assertEquals(10_000, w.ledger.customerBalance(ann, ZAR));
    }

    @Test
    void shouldRefuseARefundTheMerchantCannotCoverWith402()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final long key = w.plainPurchase("m1", ann, 4_000).resultKey();
        assertEquals(ResultCode.OK, w.apply(CommandType.PAYOUT, "m1", e -> e.set(Field.AMOUNT_MINOR, 3_000).set(Field.CURRENCY, ZAR)
            .text(Field.METADATA_JSON, "{}")).result());

        assertEquals(ResultCode.INSUFFICIENT_MERCHANT_FUNDS, w.refund("m1", key, 1_001).result());
        w.assertLastChangedNothing("a refund the merchant cannot cover");
        assertEquals(ResultCode.OK, w.refund("m1", key, 1_000).result());
        assertEquals(0, w.merchantBalance("m1"));
        w.ledger.checkConservation();
    }

    @Test
    void shouldRefuseARefundOfACancelledPurchase()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final long key = w.heldPurchase("m1", ann, 4_000, T0 + 3_600_000, T0 + 3_600_000).resultKey();
        w.cancel("m1", key);
        assertEquals(ResultCode.REFUND_EXCEEDS_PURCHASE, w.refund("m1", key, 0).result(), "its money came back already");
        assertEquals(10_000, w.ledger.customerBalance(ann, ZAR));
    }

    @Test
    void shouldAllowAtMostAHundredRefundsOfAPurchase()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final long key = w.plainPurchase("m1", ann, 4_000).resultKey();
        for (int i = 0; i < RefundCommands.PER_PURCHASE_MAX; i++)
        {
            assertEquals(ResultCode.OK, w.refund("m1", key, 1).result());
        }
        assertEquals(ResultCode.LIMIT_EXCEEDED, w.refund("m1", key, 1).result());
        assertEquals(RefundCommands.PER_PURCHASE_MAX, w.get("m1", key).refunds().size());
        w.apply(CommandType.LIST_PURCHASE_REFUNDS, "m1", e -> e.set(Field.PURCHASE_KEY, key).page(100, 95));
        assertEquals(5, w.event.rowCount());
        assertEquals(100, w.event.rowTotal());
    }

    @Test
    void shouldReplayPurchasesRefundsAndReferencesToTheSameState()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        w.payIn("m1", bob, 10_000, ZAR);
        final long key = w.plainPurchase("m1", ann, 4_000).resultKey();
        w.purchase("m1", bob, 100, e -> e.text(Field.EXTERNAL_REFERENCE, "r"));
        w.purchase("m1", bob, 100, e -> e.text(Field.EXTERNAL_REFERENCE, "r"));
        w.refund("m1", key, 1_000);
        final WalletLedger replay = new WalletLedger();
        replay.replay(w.journal);
        assertEquals(w.ledger.stateHash(), replay.ledger.stateHash());
        assertEquals(w.get("m1", key), replay.get("m1", key));
        assertTrue(replay.listPurchases("m1", e -> e.text(Field.EXTERNAL_REFERENCE, "r"), 10, 0).size() == 2);
    }
}
