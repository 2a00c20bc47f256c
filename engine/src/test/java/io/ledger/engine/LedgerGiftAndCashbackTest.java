package io.ledger.engine;

import static io.ledger.engine.WalletLedger.T0;
import static io.ledger.engine.WalletLedger.USD;
import static io.ledger.engine.WalletLedger.ZAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.internal.GiftBook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Gift balances (funded, spent first, expiring through ledger time) and cashback (amounts, shares, who funds it). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LedgerGiftAndCashbackTest
{
    private static final long DAY = 86_400_000;

    private final WalletLedger w = new WalletLedger();
    private final long ann = w.customer("m1");

    /** Gives merchant m1 a balance: another customer buys from it. */
    private void merchantEarns(final long amount)
    {
        final long other = w.customer("m1");
        w.payIn("m1", other, amount, ZAR);
        assertEquals(ResultCode.OK, w.plainPurchase("m1", other, amount).result());
    }

    private long gift(final long amount, final int currency, final long expiresAtMs)
    {
        final CommandEvent event = w.gift("m1", ann, amount, currency, expiresAtMs);
        assertEquals(ResultCode.OK, event.result());
        return event.resultKey();
    }

    private PurchaseRecord buyWithGifts(final long amount)
    {
        final CommandEvent event = w.purchase("m1", ann, amount, e -> e.set(Field.USE_GIFT_BALANCE, true));
        assertEquals(ResultCode.OK, event.result());
        return (PurchaseRecord)event.resultObject();
    }

    @Test
    void shouldFundAGiftBalanceFromTheMerchantAndShowItApartFromCash()
    {
        assertEquals(-1, w.giftTotal("m1", ann, ZAR), "a customer who never had a gift balance shows none");
        merchantEarns(5_000);
        final CommandEvent made = w.gift("m1", ann, 2_000, ZAR, T0 + DAY);
        assertEquals(ResultCode.OK, made.result());
        final GiftBalanceRecord gift = (GiftBalanceRecord)made.resultObject();
        assertEquals(2_000, gift.amountMinor());
        assertEquals(2_000, gift.remainingMinor());
        assertEquals(T0 + DAY, gift.expiresAtMs());
        assertEquals("welcome", gift.description());
        assertEquals("active", gift.status());

        assertEquals(3_000, w.merchantBalance("m1"));
        assertEquals(0, w.ledger.customerBalance(ann, ZAR), "gift money is not cash");
        assertEquals(2_000, w.giftTotal("m1", ann, ZAR));
        assertEquals(0, w.giftTotal("m1", ann, USD));
        assertEquals("GIFT_ISSUE -2000", w.merchantHistory("m1").get(0));
        assertEquals(List.of(), w.history("m1", ann));
        w.ledger.checkConservation();
    }

    @Test
    void shouldRefuseAGiftBalanceTheMerchantCannotFund()
    {
        merchantEarns(1_000);
        assertEquals(ResultCode.INSUFFICIENT_MERCHANT_FUNDS, w.gift("m1", ann, 1_001, ZAR, 0).result());
        w.assertLastChangedNothing("a gift balance the merchant cannot fund");
        assertEquals(-1, w.giftTotal("m1", ann, ZAR));
        assertEquals(ResultCode.CUSTOMER_NOT_FOUND, w.gift("m2", ann, 1, ZAR, 0).result());
        assertEquals(ResultCode.INVALID_DEADLINE, w.gift("m1", ann, 1, ZAR, T0).result(), "an expiry in the past");
        assertEquals(ResultCode.INVALID_AMOUNT, w.gift("m1", ann, 0, ZAR, 0).result());
    }

    @Test
    void shouldSpendGiftBalancesSoonestExpiryFirstThenThoseWithoutThenOldestAndCashLast()
    {
        merchantEarns(10_000);
        w.payIn("m1", ann, 5_000, ZAR);
        final long noExpiryOld = gift(500, ZAR, 0);
        final long late = gift(1_000, ZAR, T0 + 2 * DAY);
        final long soon = gift(700, ZAR, T0 + DAY);
        final long noExpiryNew = gift(300, ZAR, 0);
        final long newest = gift(900, ZAR, 0);

        final PurchaseRecord first = buyWithGifts(1_500);
        assertEquals(List.of(new PurchaseRecord.GiftUse(soon, 700), new PurchaseRecord.GiftUse(late, 800)), first.giftUses());
        assertEquals(1_500, first.giftUsedMinor());
        assertEquals(5_000, first.customerBalanceBeforeMinor());
        assertEquals(5_000, first.customerBalanceAfterMinor(), "gift balances paid it all");
        assertEquals(List.of("PURCHASE -1500", "GIFT_SPEND 800", "GIFT_SPEND 700", "PAY_IN 5000"), w.history("m1", ann));

        final PurchaseRecord second = buyWithGifts(2_000);
        assertEquals(List.of(new PurchaseRecord.GiftUse(late, 200), new PurchaseRecord.GiftUse(noExpiryOld, 500),
            new PurchaseRecord.GiftUse(noExpiryNew, 300), new PurchaseRecord.GiftUse(newest, 900)), second.giftUses());
        assertEquals(4_900, second.customerBalanceAfterMinor(), "the gift balances paid 1900, cash the last 100");

        final PurchaseRecord third = buyWithGifts(1_000);
        assertEquals(List.of(), third.giftUses(), "none left: cash pays");
        assertEquals(3_900, third.customerBalanceAfterMinor());
        assertEquals(0, w.giftTotal("m1", ann, ZAR));
        assertEquals("spent", w.ledger.giftBalance(soon).status());
        assertEquals(0, w.ledger.pendingDeadlines(), "spent gift balances have no expiry left to run");
        w.ledger.checkConservation();
    }

    @Test
    void shouldNotSpendAGiftBalanceInAnotherCurrency()
    {
        merchantEarns(10_000);
        w.payIn("m1", ann, 100, ZAR);
        final long ownCurrency = gift(500, ZAR, 0);
        final CommandEvent payIn = w.apply(CommandType.PAY_IN, "m1", e -> e.set(Field.CUSTOMER_KEY, ann).set(Field.AMOUNT_MINOR, 1)
            .set(Field.CURRENCY, USD));
        assertEquals(ResultCode.OK, payIn.result());
        final CommandEvent dollars = w.apply(CommandType.CREATE_GIFT_BALANCE, "m1", e -> e.set(Field.CUSTOMER_KEY, ann)
            .set(Field.AMOUNT_MINOR, 1).set(Field.CURRENCY, USD));
        assertEquals(ResultCode.INSUFFICIENT_MERCHANT_FUNDS, dollars.result(), "the merchant has no dollars");

        final CommandEvent tooMuch = w.apply(CommandType.PURCHASE, "m1", e -> e.set(Field.CUSTOMER_KEY, ann).set(Field.AMOUNT_MINOR, 50)
            .set(Field.CURRENCY, USD).text(Field.PRODUCT_ID, "x").set(Field.USE_GIFT_BALANCE, true));
        assertEquals(ResultCode.INSUFFICIENT_FUNDS, tooMuch.result(), "the rand gift balance cannot pay a dollar purchase");
        w.assertLastChangedNothing("a dollar purchase the rand gift balance cannot pay");
        assertEquals(500, w.ledger.giftBalance(ownCurrency).remainingMinor());
        assertEquals(0, w.giftTotal("m1", ann, USD));
        assertEquals(500, w.giftTotal("m1", ann, ZAR));
    }

    @Test
    void shouldReturnAnExpiredGiftBalancesRemainderToTheMerchantAtItsExpiry()
    {
        merchantEarns(10_000);
        w.payIn("m1", ann, 1_000, ZAR);
        final long gift = gift(2_000, ZAR, T0 + DAY);
        buyWithGifts(500);
        assertEquals(1_500, w.giftTotal("m1", ann, ZAR));
        assertEquals(T0 + DAY, w.ledger.nextDeadlineMs());

        w.nowMs = T0 + DAY + 60_000;
        final PurchaseRecord after = buyWithGifts(400); // the expiry runs first, at its own time
        assertEquals(List.of(), after.giftUses(), "an expired gift balance pays nothing");
        assertEquals(600, w.ledger.customerBalance(ann, ZAR));
        final GiftBalanceRecord expired = w.ledger.giftBalance(gift);
        assertEquals("expired", expired.status());
        assertEquals(1_500, expired.expiredMinor());
        assertEquals(0, expired.remainingMinor());
        assertEquals(T0 + DAY, expired.updatedAtMs());
        assertEquals(0, w.giftTotal("m1", ann, ZAR), "an expired gift balance stops counting");
        assertEquals(List.of("SALE 400", "GIFT_EXPIRY 1500", "SALE 500"), w.merchantHistory("m1").subList(0, 3));
        w.apply(CommandType.LIST_BALANCE_HISTORY, "m1", e -> e.page(3, 0));
        assertEquals(T0 + DAY, w.event.rowLong(1, CommandEvent.ROW_TIMESTAMP_MS));
        assertEquals(gift, w.event.rowLong(1, CommandEvent.ROW_COUNTERPARTY));
        assertEquals("welcome", w.event.rowText(1), "the expiry entry carries the gift balance's description");
        assertEquals(10_000 - 2_000 + 500 + 1_500 + 400, w.merchantBalance("m1"));
        w.ledger.checkConservation();
    }

    @Test
    void shouldExpireOnATickAndStopCountingAGiftBalanceAtItsExpiryEvenBeforeTheTick()
    {
        merchantEarns(10_000);
        final long gift = gift(2_000, ZAR, T0 + DAY);
        w.nowMs = T0 + DAY;
        assertEquals(0, w.giftTotal("m1", ann, ZAR), "a read at the expiry time does not count it any more");
        assertEquals("active", w.ledger.giftBalance(gift).status(), "though only a journaled command expires it");
        w.tick(T0 + DAY);
        assertEquals("expired", w.ledger.giftBalance(gift).status());
        assertEquals(10_000, w.merchantBalance("m1"));
        w.ledger.checkConservation();
    }

    @Test
    void shouldLimitTheActiveGiftBalancesOfACustomerAndListThemAll()
    {
        merchantEarns(100_000);
        final List<Long> keys = new ArrayList<>();
        for (int i = 0; i < GiftBook.ACTIVE_PER_CUSTOMER_MAX; i++)
        {
            keys.add(gift(10, ZAR, 0));
        }
        assertEquals(ResultCode.LIMIT_EXCEEDED, w.gift("m1", ann, 10, ZAR, 0).result());
        w.payIn("m1", ann, 1_000, ZAR);
        final PurchaseRecord all = buyWithGifts(GiftBook.ACTIVE_PER_CUSTOMER_MAX * 10 + 5);
        assertEquals(GiftBook.ACTIVE_PER_CUSTOMER_MAX, all.giftUses().size(), "one purchase spends from every one of them");
        assertEquals(995, all.customerBalanceAfterMinor());
        keys.add(gift(10, ZAR, 0)); // spent ones do not count

        w.apply(CommandType.LIST_GIFT_BALANCES, "m1", e -> e.set(Field.CUSTOMER_KEY, ann).page(100, 0));
        assertEquals(keys.size(), w.event.rowTotal());
        for (int row = 0; row < w.event.rowCount(); row++)
        {
            assertEquals(keys.get(row), ((GiftBalanceRecord)w.event.rowObject(row)).key(), "oldest first");
        }
        assertEquals("spent", ((GiftBalanceRecord)w.event.rowObject(0)).status());
        assertEquals("active", ((GiftBalanceRecord)w.event.rowObject(keys.size() - 1)).status());
        assertEquals(ResultCode.CUSTOMER_NOT_FOUND,
            w.apply(CommandType.LIST_GIFT_BALANCES, "m2", e -> e.set(Field.CUSTOMER_KEY, ann).page(10, 0)).result());
        w.ledger.checkConservation();
    }

    @Test
    void shouldKeepAPurchaseThatDoesNotAskForGiftBalancesPlain()
    {
        merchantEarns(10_000);
        w.payIn("m1", ann, 1_000, ZAR);
        gift(500, ZAR, 0);
        final CommandEvent plain = w.purchase("m1", ann, 100, e -> e.set(Field.USE_GIFT_BALANCE, false));
        assertEquals(ResultCode.OK, plain.result());
        assertNull(plain.resultObject());
        assertEquals(900, w.ledger.customerBalance(ann, ZAR));
        assertEquals(500, w.giftTotal("m1", ann, ZAR));
    }

    // ---- cashback

    @Test
    void shouldPayCashbackAfterTheDebitFromTheSalesProceeds()
    {
        w.payIn("m1", ann, 1_000, ZAR);
        final CommandEvent event = w.purchase("m1", ann, 1_000, e -> e.set(Field.CASHBACK_MINOR, 1_000));
        assertEquals(ResultCode.OK, event.result(), "all of it back: the merchant had nothing before, the sale funds it");
        final PurchaseRecord purchase = (PurchaseRecord)event.resultObject();
        assertEquals(1_000, purchase.cashbackMinor());
        assertEquals(1_000, purchase.customerBalanceBeforeMinor());
        assertEquals(1_000, purchase.customerBalanceAfterMinor(), "after the debit and the cashback");
        assertEquals(List.of("CUSTOMER_CASHBACK 1000", "PURCHASE -1000", "PAY_IN 1000"), w.history("m1", ann));
        assertEquals(List.of("MERCHANT_CASHBACK -1000", "SALE 1000"), w.merchantHistory("m1"));
        assertEquals(0, w.merchantBalance("m1"));
        w.ledger.checkConservation();

        assertEquals(ResultCode.INSUFFICIENT_FUNDS, w.purchase("m1", ann, 1_001, e -> e.set(Field.CASHBACK_MINOR, 1_000)).result(),
            "the cashback cannot pay for its own purchase");
        w.assertLastChangedNothing("a purchase its cashback would have to pay for");
    }

    @Test
    void shouldRoundPercentagesDownToTheMinorUnitExactly()
    {
        w.payIn("m1", ann, CommandEvent.AMOUNT_MINOR_MAX, ZAR);
        assertEquals(30, cashbackOf(1_234, 250), "2.5% of 12.34 is 0.3085");
        assertEquals(1, cashbackOf(1, 10_000), "all of it");
        assertEquals(0, cashbackOf(99, 1), "0.01% of 99 rounds to nothing: no entries");
        assertEquals(List.of("PURCHASE -99"), w.history("m1", ann).subList(0, 1));
        assertEquals(4_999, cashbackOf(9_999, 5_000));
        final long max = CommandEvent.AMOUNT_MINOR_MAX / 2;
        final long expected = BigInteger.valueOf(max).multiply(BigInteger.valueOf(9_999)).divide(BigInteger.valueOf(10_000)).longValueExact();
        assertEquals(expected, cashbackOf(max, 9_999), "no overflow on the largest amounts");
        w.ledger.checkConservation();
    }

    private long cashbackOf(final long amount, final int basisPoints)
    {
        final CommandEvent event = w.purchase("m1", ann, amount, e -> e.set(Field.CASHBACK_BASIS_POINTS, basisPoints));
        assertEquals(ResultCode.OK, event.result());
        return ((PurchaseRecord)event.resultObject()).cashbackMinor();
    }

    @Test
    void shouldRefuseImpossibleCashbackAndChangeNothing()
    {
        w.payIn("m1", ann, 1_000, ZAR);
        assertEquals(ResultCode.INVALID_CASHBACK, w.purchase("m1", ann, 100, e -> e.set(Field.CASHBACK_MINOR, 101)).result(),
            "above the purchase");
        w.assertLastChangedNothing("a cashback above the purchase");
        assertEquals(ResultCode.INVALID_CASHBACK, w.purchase("m1", ann, 100, e -> e.set(Field.CASHBACK_MINOR, 0)).result());
        assertEquals(ResultCode.INVALID_CASHBACK, w.purchase("m1", ann, 100, e -> e.set(Field.CASHBACK_BASIS_POINTS, 10_001)).result());
        assertEquals(ResultCode.INVALID_CASHBACK, w.purchase("m1", ann, 100, e -> e.set(Field.CASHBACK_BASIS_POINTS, 0)).result());
        assertEquals(ResultCode.INVALID_CASHBACK,
            w.purchase("m1", ann, 100, e -> e.set(Field.CASHBACK_BASIS_POINTS, 10).set(Field.CASHBACK_MINOR, 1)).result(), "both");
        assertEquals(1_000, w.ledger.customerBalance(ann, ZAR));
    }

    @Test
    void shouldRefuseTheCashbackOfAHeldPurchaseTheMerchantCannotFundAndTakeItBackOnCancel()
    {
        w.payIn("m1", ann, 10_000, ZAR);
        final CommandEvent refused = w.purchase("m1", ann, 4_000, e -> e.set(Field.RELEASE_AT_MS, T0 + DAY).set(Field.CASHBACK_MINOR, 400));
        assertEquals(ResultCode.INSUFFICIENT_MERCHANT_FUNDS, refused.result(), "the held money is not the merchant's: it cannot fund the cashback");
        w.assertLastChangedNothing("a held purchase with cashback the merchant cannot fund");
        assertEquals(10_000, w.ledger.customerBalance(ann, ZAR));

        merchantEarns(400);
        final CommandEvent held = w.purchase("m1", ann, 4_000, e -> e.set(Field.RELEASE_AT_MS, T0 + DAY).set(Field.CASHBACK_MINOR, 400));
        assertEquals(ResultCode.OK, held.result());
        final long key = held.resultKey();
        assertEquals(6_400, w.ledger.customerBalance(ann, ZAR));
        assertEquals(0, w.merchantBalance("m1"));
        assertEquals(4_000, w.merchantPending("m1"));

        assertEquals(ResultCode.OK, w.cancel("m1", key).result());
        assertEquals(10_000, w.ledger.customerBalance(ann, ZAR), "the hold comes back, the cashback goes");
        assertEquals(400, w.merchantBalance("m1"));
        assertEquals(List.of("CUSTOMER_CASHBACK -400", "ESCROW_CANCEL 4000"), w.history("m1", ann).subList(0, 2));
        w.ledger.checkConservation();
    }

    @Test
    void shouldPayCashbackOnWhatGiftBalancesPaidToo()
    {
        merchantEarns(1_000);
        w.payIn("m1", ann, 1_000, ZAR);
        gift(600, ZAR, 0);
        final CommandEvent event = w.purchase("m1", ann, 1_000, e -> e.set(Field.USE_GIFT_BALANCE, true).set(Field.CASHBACK_BASIS_POINTS, 1_000));
        assertEquals(ResultCode.OK, event.result());
        final PurchaseRecord purchase = (PurchaseRecord)event.resultObject();
        assertEquals(600, purchase.giftUsedMinor());
        assertEquals(100, purchase.cashbackMinor());
        assertEquals(700, purchase.customerBalanceAfterMinor(), "1000 - 400 cash + 100 cashback");
        assertEquals(1_000 - 600 + 1_000 - 100, w.merchantBalance("m1"));
        w.ledger.checkConservation();

        final long key = purchase.key();
        assertEquals(ResultCode.REFUND_EXCEEDS_PURCHASE, w.refund("m1", key, 401).result(), "only the cash part is refundable");
        assertEquals(ResultCode.OK, w.refund("m1", key, 0).result());
        assertEquals(PurchaseStatus.REFUNDED, w.get("m1", key).status());
        assertEquals(1_100, w.ledger.customerBalance(ann, ZAR), "the cash back, the cashback kept");
        w.ledger.checkConservation();
    }
}
