package io.ledger.engine;

import static io.ledger.engine.WalletLedger.T0;
import static io.ledger.engine.WalletLedger.ZAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.command.GiftCommands;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Escrowed purchases: the hold, release, cancel, the window, and the release at the deadline through ledger time. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LedgerEscrowTest
{
    private static final long HOUR = 3_600_000;

    private final WalletLedger w = new WalletLedger();
    private final long ann = w.customer("m1");

    private long hold(final long amount, final long releaseAt, final long refundableUntil)
    {
        final CommandEvent event = w.heldPurchase("m1", ann, amount, releaseAt, refundableUntil);
        assertEquals(ResultCode.OK, event.result());
        return event.resultKey();
    }

    @Test
    void shouldDebitTheCustomerAtOnceAndHoldTheMoneyAsTheMerchantsPending()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final CommandEvent event = w.heldPurchase("m1", ann, 4_000, T0 + HOUR, T0 + HOUR / 2);

        assertEquals(ResultCode.OK, event.result());
        assertEquals(10_000, event.balanceBeforeMinor());
        assertEquals(6_000, event.balanceAfterMinor());
        final PurchaseRecord purchase = (PurchaseRecord)event.resultObject();
        assertEquals(PurchaseStatus.HELD, purchase.status());
        assertEquals(T0 + HOUR, purchase.releaseAtMs());
        assertEquals(T0 + HOUR / 2, purchase.refundableUntilMs());
        assertEquals(6_000, w.ledger.customerBalance(ann, ZAR));
        assertEquals(0, w.merchantBalance("m1"), "not the merchant's money yet");
        assertEquals(4_000, w.merchantPending("m1"));
        assertEquals(List.of("PURCHASE -4000", "PAY_IN 10000"), w.history("m1", ann));
        assertEquals(List.of(), w.merchantHistory("m1"), "nothing lands on the merchant's account while held");
        assertEquals(T0 + HOUR, w.ledger.nextDeadlineMs());
        w.ledger.checkConservation();
    }

    @Test
    void shouldPayTheMerchantOnReleaseAndRefuseASecondRelease()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final long key = hold(4_000, T0 + HOUR, T0 + HOUR);

        final CommandEvent released = w.release("m1", key);
        assertEquals(ResultCode.OK, released.result());
        assertEquals(key, released.resultKey());
        assertEquals(PurchaseStatus.COMPLETED, ((PurchaseRecord)released.resultObject()).status());
        assertEquals(4_000, w.merchantBalance("m1"));
        assertEquals(0, w.merchantPending("m1"));
        assertEquals(List.of("ESCROW_RELEASE 4000"), w.merchantHistory("m1"));
        assertEquals(Long.MAX_VALUE, w.ledger.nextDeadlineMs(), "a released hold has no deadline left");

        final CommandEvent again = w.release("m1", key);
        assertEquals(ResultCode.PURCHASE_NOT_HELD, again.result(), "double release");
        assertEquals(PurchaseStatus.COMPLETED, ((PurchaseRecord)again.resultObject()).status());
        w.assertLastChangedNothing("a second release");
        assertEquals(ResultCode.PURCHASE_NOT_HELD, w.cancel("m1", key).result(), "cancel after release");
        w.assertLastChangedNothing("a cancel after the release");
        assertEquals(4_000, w.merchantBalance("m1"));
        assertEquals(6_000, w.ledger.customerBalance(ann, ZAR));
        w.ledger.checkConservation();
    }

    @Test
    void shouldReturnTheMoneyOnCancelAndRefuseAReleaseAfterIt()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final long key = hold(4_000, T0 + HOUR, T0 + HOUR);

        final CommandEvent cancelled = w.cancel("m1", key);
        assertEquals(ResultCode.OK, cancelled.result());
        assertEquals(PurchaseStatus.CANCELLED, ((PurchaseRecord)cancelled.resultObject()).status());
        assertEquals(10_000, w.ledger.customerBalance(ann, ZAR));
        assertEquals(0, w.merchantBalance("m1"));
        assertEquals(0, w.merchantPending("m1"));
        assertEquals(List.of("ESCROW_CANCEL 4000", "PURCHASE -4000", "PAY_IN 10000"), w.history("m1", ann));

        final CommandEvent release = w.release("m1", key);
        assertEquals(ResultCode.PURCHASE_NOT_HELD, release.result(), "release after cancel");
        assertEquals(PurchaseStatus.CANCELLED, ((PurchaseRecord)release.resultObject()).status());
        w.assertLastChangedNothing("a release after the cancel");
        assertEquals(ResultCode.PURCHASE_NOT_HELD, w.cancel("m1", key).result(), "double cancel");
        assertEquals(10_000, w.ledger.customerBalance(ann, ZAR));
        assertEquals(0, w.merchantBalance("m1"));
        w.ledger.checkConservation();
    }

    @Test
    void shouldRefuseACancelAfterTheRefundableWindowAndKeepTheHold()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final long key = hold(4_000, T0 + HOUR, T0 + 10);
        w.nowMs = T0 + 10;
        assertEquals(ResultCode.OK, w.apply(CommandType.GET_PURCHASE, "m1", e -> e.set(Field.PURCHASE_KEY, key)).result());

        w.nowMs = T0 + 11;
        final CommandEvent late = w.cancel("m1", key);
        assertEquals(ResultCode.REFUND_WINDOW_CLOSED, late.result(), "cancel after the window");
        w.assertLastChangedNothing("a cancel after the window");
        assertEquals(PurchaseStatus.HELD, w.get("m1", key).status());
        assertEquals(4_000, w.merchantPending("m1"));
        assertEquals(ResultCode.OK, w.release("m1", key).result(), "the merchant may still release it");
        w.ledger.checkConservation();
    }

    @Test
    void shouldCancelAtTheLastMomentOfTheWindow()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final long key = hold(4_000, T0 + HOUR, T0 + 100);
        w.nowMs = T0 + 100;
        assertEquals(ResultCode.OK, w.cancel("m1", key).result(), "refundableUntil is the last moment a cancel is allowed");
    }

    @Test
    void shouldReleaseAHoldByItselfAtItsDeadlineBeforeTheFirstCommandAfterIt()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final long key = hold(4_000, T0 + HOUR, T0 + HOUR / 2);
        w.nowMs = T0 + HOUR - 1;
        w.payIn("m1", ann, 1, ZAR); // one ms before: still held
        assertEquals(PurchaseStatus.HELD, w.get("m1", key).status());

        w.nowMs = T0 + HOUR + 5_000;
        final CommandEvent cancel = w.cancel("m1", key); // after the deadline: released first, so the cancel sees that
        assertEquals(ResultCode.PURCHASE_NOT_HELD, cancel.result());

        final PurchaseRecord purchase = w.get("m1", key);
        assertEquals(PurchaseStatus.COMPLETED, purchase.status());
        assertEquals(T0 + HOUR, purchase.updatedAtMs(), "released at its deadline, not at the command that came after it");
        assertEquals(4_000, w.merchantBalance("m1"));
        assertEquals(0, w.merchantPending("m1"));
        w.apply(CommandType.LIST_BALANCE_HISTORY, "m1", e -> e.page(10, 0));
        assertEquals(T0 + HOUR, w.event.rowLong(0, CommandEvent.ROW_TIMESTAMP_MS));
        assertEquals(key, w.event.rowLong(0, CommandEvent.ROW_COUNTERPARTY), "the release entry links its purchase");
        assertEquals("sku-1", w.event.rowText(0), "and says what was bought");
        w.ledger.checkConservation();
    }

    @Test
    void shouldReleaseOnATickWhenNoOtherCommandComesAndReleaseEqualDeadlinesInKeyOrder()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final long first = hold(1_000, T0 + HOUR, T0 + HOUR);
        final long second = hold(2_000, T0 + HOUR, T0 + HOUR);
        final long later = hold(3_000, T0 + 2 * HOUR, T0 + HOUR);

        final CommandEvent tick = w.tick(T0 + HOUR);
        assertEquals(ResultCode.OK, tick.result());
        assertEquals(PurchaseStatus.COMPLETED, w.get("m1", first).status());
        assertEquals(PurchaseStatus.COMPLETED, w.get("m1", second).status());
        assertEquals(PurchaseStatus.HELD, w.get("m1", later).status());
        assertEquals(List.of("ESCROW_RELEASE 2000", "ESCROW_RELEASE 1000"), w.merchantHistory("m1"), "first released first");
        assertEquals(T0 + 2 * HOUR, w.ledger.nextDeadlineMs());
        assertEquals(3_000, w.merchantPending("m1"));

        w.tick(T0 + 3 * HOUR);
        assertEquals(PurchaseStatus.COMPLETED, w.get("m1", later).status());
        assertEquals(Long.MAX_VALUE, w.ledger.nextDeadlineMs());
        assertEquals(0, w.ledger.pendingDeadlines());
        w.ledger.checkConservation();
    }

    @Test
    void shouldNotProcessDeadlinesOnQueries()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final long key = hold(4_000, T0 + HOUR, T0 + HOUR);
        w.nowMs = T0 + 2 * HOUR;
        assertEquals(PurchaseStatus.HELD, w.get("m1", key).status(), "a read changes nothing: the next journaled command releases it");
        w.tick(T0 + 2 * HOUR);
        assertEquals(PurchaseStatus.COMPLETED, w.get("m1", key).status());
    }

    @Test
    void shouldRefuseDeadlinesInThePastOrOutOfOrderAndChangeNothing()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        w.nowMs = T0 + 1_000;
        assertEquals(ResultCode.INVALID_DEADLINE, w.heldPurchase("m1", ann, 100, T0 + 1_000, T0 + 1_000).result(), "release now");
        w.assertLastChangedNothing("a release that is not in the future");
        assertEquals(ResultCode.INVALID_DEADLINE, w.heldPurchase("m1", ann, 100, T0 + HOUR, T0).result(), "window closed already");
        w.assertLastChangedNothing("a window that closed already");
        assertEquals(ResultCode.INVALID_DEADLINE, w.heldPurchase("m1", ann, 100, T0 + HOUR, T0 + 2 * HOUR).result(), "window after the release");
        assertEquals(ResultCode.INVALID_DEADLINE,
            w.heldPurchase("m1", ann, 100, T0 + GiftCommands.DEADLINE_AHEAD_MS_MAX + 10_000, T0 + 2_000).result(), "too far ahead");
        assertEquals(ResultCode.OK,
            w.heldPurchase("m1", ann, 100, w.nowMs + GiftCommands.DEADLINE_AHEAD_MS_MAX, w.nowMs).result(), "exactly the furthest");
        assertEquals(ResultCode.INVALID_FIELD,
            w.purchase("m1", ann, 100, e -> e.set(Field.REFUNDABLE_UNTIL_MS, T0 + HOUR)).result(), "a window without escrow");
        assertEquals(ResultCode.INVALID_FIELD, w.purchase("m1", ann, 100, e -> e.set(Field.RELEASE_AT_MS, T0 + HOUR)
            .set(Field.USE_GIFT_BALANCE, true)).result(), "gift balances cannot pay for a held purchase");
        w.assertLastChangedNothing("escrow with gift balances");
        assertEquals(9_900, w.ledger.customerBalance(ann, ZAR));
        assertEquals(1, w.ledger.pendingDeadlines());
    }

    @Test
    void shouldDefaultTheWindowToTheReleaseTime()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final CommandEvent event = w.purchase("m1", ann, 100, e -> e.set(Field.RELEASE_AT_MS, T0 + HOUR));
        assertEquals(T0 + HOUR, ((PurchaseRecord)event.resultObject()).refundableUntilMs());
    }

    @Test
    void shouldRefuseReleaseAndCancelOfAnotherMerchantsOrAPlainOrAnUnknownPurchase()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final long held = hold(1_000, T0 + HOUR, T0 + HOUR);
        final long plain = w.plainPurchase("m1", ann, 1_000).resultKey();
        w.customer("m2");

        assertEquals(ResultCode.PURCHASE_NOT_FOUND, w.release("m2", held).result());
        assertEquals(ResultCode.PURCHASE_NOT_FOUND, w.cancel("m2", held).result());
        assertEquals(ResultCode.PURCHASE_NOT_FOUND, w.release("m1", 999_999).result());
        assertEquals(ResultCode.PURCHASE_NOT_FOUND, w.release("m1", -1).result());
        final CommandEvent notHeld = w.release("m1", plain);
        assertEquals(ResultCode.PURCHASE_NOT_HELD, notHeld.result(), "a plain purchase was never held");
        assertEquals(PurchaseStatus.COMPLETED, ((PurchaseRecord)notHeld.resultObject()).status());
        assertEquals(PurchaseStatus.HELD, w.get("m1", held).status());
    }

    @Test
    void shouldRefundAReleasedPurchaseButNotAHeldOne()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final long key = hold(4_000, T0 + HOUR, T0 + HOUR);
        assertEquals(ResultCode.PURCHASE_HELD, w.refund("m1", key, 0).result(), "refund of a held purchase: cancel it instead");
        assertEquals(ResultCode.PURCHASE_HELD, w.refund("m1", key, 100).result());
        assertEquals(6_000, w.ledger.customerBalance(ann, ZAR));

        w.tick(T0 + HOUR);
        final CommandEvent refund = w.refund("m1", key, 1_000);
        assertEquals(ResultCode.OK, refund.result());
        assertEquals(PurchaseStatus.PARTIALLY_REFUNDED, w.get("m1", key).status());
        assertEquals(7_000, w.ledger.customerBalance(ann, ZAR));
        assertEquals(3_000, w.merchantBalance("m1"));
        w.ledger.checkConservation();
    }

    @Test
    void shouldReplayTheReleasesAtTheSameLogicalTimes()
    {
        w.payIn("m1", ann, 100_000, ZAR);
        for (int i = 0; i < 30; i++)
        {
            hold(100 + i, w.nowMs + (i % 7) * 1_000 + 5_000, w.nowMs + (i % 7) * 1_000 + 1_000);
            if (i % 4 == 0)
            {
                w.nowMs += 1_500;
                w.payIn("m1", ann, 1, ZAR);
            }
        }
        final int releasedByTheWay = count(PurchaseStatus.COMPLETED);
        assertTrue(releasedByTheWay > 0 && w.ledger.pendingDeadlines() > 0, "the pay-ins' times pass some deadlines, not all");
        assertEquals(30, w.ledger.pendingDeadlines() + releasedByTheWay);
        w.tick(w.nowMs + 20_000);
        w.ledger.checkConservation();
        assertEquals(0, w.ledger.pendingDeadlines());

        final WalletLedger replay = new WalletLedger();
        replay.replay(w.journal);
        assertEquals(w.ledger.stateHash(), replay.ledger.stateHash());
        assertEquals(0, replay.ledger.pendingDeadlines());
        for (final CommandEvent command : w.journal)
        {
            if (command.has(Field.RELEASE_AT_MS))
            {
                final PurchaseRecord original = w.ledger.purchaseRecord(command.commandId());
                assertEquals(PurchaseStatus.COMPLETED, original.status());
                assertEquals(command.get(Field.RELEASE_AT_MS), original.updatedAtMs(), "released at its release time");
                assertEquals(original, replay.ledger.purchaseRecord(command.commandId()));
            }
        }
    }

    private int count(final PurchaseStatus status)
    {
        int count = 0;
        for (final CommandEvent command : w.journal)
        {
            final PurchaseRecord purchase = w.ledger.purchaseRecord(command.commandId());
            count += purchase != null && purchase.status() == status ? 1 : 0;
        }
        return count;
    }
}
