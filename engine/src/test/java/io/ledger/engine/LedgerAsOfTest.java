package io.ledger.engine;

import static io.ledger.engine.WalletLedger.T0;
import static io.ledger.engine.WalletLedger.USD;
import static io.ledger.engine.WalletLedger.ZAR;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reads as of a moment (issue 19): balances and a customer's history answered from the history's {@code balanceAfter},
 * against a scripted sequence with known times, and against every moment of a random workload.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LedgerAsOfTest
{
    private static final String M = "m1";
    private static final String OTHER = "m2";

    private WalletLedger w;
    private long alice;

    /** Alice: created at T0+10, pays in 100.00 at +20, buys for 30.00 and 10.00 both at +30, pays in 5.00 USD at +40. */
    @BeforeEach
    void script()
    {
        w = new WalletLedger();
        w.nowMs = T0 + 10;
        alice = w.customer(M);
        w.nowMs = T0 + 20;
        w.payIn(M, alice, 10_000, ZAR);
        w.nowMs = T0 + 30;
        assertEquals(ResultCode.OK, w.plainPurchase(M, alice, 3_000).result());
        w.nowMs = T0 + 30;
        assertEquals(ResultCode.OK, w.plainPurchase(M, alice, 1_000).result());
        w.nowMs = T0 + 40;
        w.payIn(M, alice, 500, USD);
        w.nowMs = T0 + 50;
        assertEquals(ResultCode.INSUFFICIENT_FUNDS, w.plainPurchase(M, alice, 1_000_000).result()); // not an entry
        w.nowMs = T0 + 100; // queries from here on are stamped at +100 and later
    }

    @Test
    void shouldAnswerTheBalanceAfterTheLastCommandAtOrBeforeTheMoment()
    {
        assertEquals(0, customerAt(T0 + 10, ZAR), "at its creation");
        assertEquals(T0 + 10, w.event.accountUpdatedAtMs());
        assertEquals(0, customerAt(T0 + 19, ZAR));
        assertEquals(10_000, customerAt(T0 + 20, ZAR), "at the pay-in's own millisecond");
        assertEquals(T0 + 20, w.event.accountUpdatedAtMs());
        assertEquals(10_000, customerAt(T0 + 29, ZAR));
        assertEquals(6_000, customerAt(T0 + 30, ZAR), "both purchases of that millisecond");
        assertEquals(6_000, customerAt(T0 + 45, ZAR), "a newer entry in another currency is passed over");
        assertEquals(0, customerAt(T0 + 39, USD));
        assertEquals(500, customerAt(T0 + 45, USD));
        assertEquals(6_000, customerAt(T0 + 60, ZAR), "the refused purchase changed nothing");
        assertEquals(-1, w.event.giftTotalMinor(), "gift balances are not reported as of a moment");
    }

    @Test
    void shouldAnswerTheCurrentBalanceAtTheQuerysOwnTime()
    {
        final long now = w.nowMs;
        assertEquals(6_000, customerAt(now, ZAR));
        assertEquals(w.ledger.customerBalance(alice, ZAR), w.event.balanceAfterMinor());
    }

    @Test
    void shouldRefuseAMomentBeforeTheLedgersHistoryOrAfterTheQuery()
    {
        customerAt(T0 + 9, ZAR);
        assertEquals(ResultCode.AT_BEFORE_HISTORY, w.event.result(), "before the first customer");
        merchantAt(M, T0);
        assertEquals(ResultCode.AT_BEFORE_HISTORY, w.event.result());
        transactionsUntil(T0 + 9);
        assertEquals(ResultCode.AT_BEFORE_HISTORY, w.event.result());
        customerAt(T0 + 10_000, ZAR);
        assertEquals(ResultCode.AT_IN_FUTURE, w.event.result(), "a balance later than now could still change");
        merchantAt(M, T0 + 10_000);
        assertEquals(ResultCode.AT_IN_FUTURE, w.event.result());
        transactionsUntil(T0 + 10_000);
        assertEquals(ResultCode.AT_IN_FUTURE, w.event.result());
    }

    @Test
    void shouldAnswerNotFoundForACustomerCreatedAfterTheMoment()
    {
        w.nowMs = T0 + 200;
        final long bob = w.customer(M);
        w.nowMs = T0 + 300;
        w.apply(CommandType.GET_CUSTOMER_BALANCE, M, e -> e.set(Field.CUSTOMER_KEY, bob).set(Field.TO_MS, T0 + 150));
        assertEquals(ResultCode.CUSTOMER_NOT_FOUND, w.event.result());
        w.apply(CommandType.LIST_CUSTOMER_TRANSACTIONS, M, e -> e.set(Field.CUSTOMER_KEY, bob).set(Field.TO_MS, T0 + 150).page(10, 0));
        assertEquals(ResultCode.CUSTOMER_NOT_FOUND, w.event.result());
        w.apply(CommandType.GET_CUSTOMER_BALANCE, M, e -> e.set(Field.CUSTOMER_KEY, bob).set(Field.TO_MS, T0 + 200));
        assertEquals(ResultCode.OK, w.event.result());
        assertEquals(0, w.event.balanceAfterMinor());
    }

    @Test
    void shouldNotAnswerAnotherMerchantsCustomerAsOfAnyMoment()
    {
        w.nowMs = T0 + 200;
        w.customer(OTHER);
        w.apply(CommandType.GET_CUSTOMER_BALANCE, OTHER, e -> e.set(Field.CUSTOMER_KEY, alice).set(Field.TO_MS, T0 + 30));
        assertEquals(ResultCode.CUSTOMER_NOT_FOUND, w.event.result());
    }

    @Test
    void shouldAnswerTheMerchantsOwnBalanceAsOfAMoment()
    {
        assertEquals(0, merchantAt(M, T0 + 29));
        assertEquals(4_000, merchantAt(M, T0 + 30));
        assertEquals(T0 + 30, w.event.accountUpdatedAtMs());
        assertEquals(T0 + 10, w.event.accountCreatedAtMs());
        assertEquals(0, w.event.pendingMinor());
        assertEquals(0, merchantAt(OTHER, T0 + 30), "a merchant the ledger had not seen");
    }

    @Test
    void shouldAnswerWhatEscrowedPurchasesHeldForTheMerchantAtTheMoment()
    {
        w.nowMs = T0 + 200;
        final long first = w.heldPurchase(M, alice, 1_000, T0 + 100_000, T0 + 50_000).resultKey();
        w.nowMs = T0 + 210;
        final long second = w.heldPurchase(M, alice, 500, T0 + 100_000, T0 + 50_000).resultKey();
        w.nowMs = T0 + 300;
        assertEquals(ResultCode.OK, w.release(M, first).result());
        w.nowMs = T0 + 400;
        assertEquals(ResultCode.OK, w.cancel(M, second).result());
        w.nowMs = T0 + 450;
        assertEquals(ResultCode.OK, w.refund(M, first, 100).result()); // the released purchase's record changes again
        w.nowMs = T0 + 1_000;
        assertEquals(0, pendingAt(T0 + 199));
        assertEquals(1_000, pendingAt(T0 + 200));
        assertEquals(1_500, pendingAt(T0 + 210));
        assertEquals(4_000, w.event.balanceAfterMinor(), "available: held money is not the merchant's yet");
        assertEquals(500, pendingAt(T0 + 300));
        assertEquals(5_000, w.event.balanceAfterMinor());
        assertEquals(0, pendingAt(T0 + 400));
        assertEquals(0, pendingAt(T0 + 450));
        assertEquals(4_900, w.event.balanceAfterMinor());
        assertEquals(w.merchantPending(M), pendingAt(T0 + 999));
    }

    @Test
    void shouldListTheHistoryAsItStoodAtTheMoment()
    {
        assertEquals(List.of(), transactionsUntil(T0 + 19));
        assertEquals(0, w.event.rowTotal());
        assertEquals(List.of(10_000L), transactionsUntil(T0 + 29));
        assertEquals(1, w.event.rowTotal());
        assertEquals(List.of(6_000L, 7_000L, 10_000L), transactionsUntil(T0 + 30));
        assertEquals(3, w.event.rowTotal());
        assertEquals(List.of(500L, 6_000L, 7_000L, 10_000L), transactionsUntil(T0 + 99));
    }

    /** A random workload: after each command, every balance read as of that command's time must be the balance then. */
    @Test
    void shouldAgreeWithTheBalancesReadLiveAtEveryMomentOfARandomWorkload()
    {
        final Random random = new Random(19);
        final long[] customers = {alice, w.customer(M), w.customer(M), w.customer(M)};
        final List<long[]> seen = new ArrayList<>(); // time, then each customer's ZAR balance, then the merchant's
        for (int i = 0; i < 600; i++)
        {
            w.nowMs += random.nextInt(3); // several commands share a millisecond
            final long customer = customers[random.nextInt(customers.length)];
            final long amount = 1 + random.nextInt(3_000);
            switch (random.nextInt(4))
            {
                case 0 -> w.payIn(M, customer, amount, ZAR);
                case 1 -> w.plainPurchase(M, customer, amount);
                case 2 -> w.apply(CommandType.TRANSFER, M, e -> e.set(Field.CUSTOMER_KEY, customer)
                    .set(Field.TO_CUSTOMER_KEY, customers[random.nextInt(customers.length)]).set(Field.AMOUNT_MINOR, amount)
                    .set(Field.CURRENCY, ZAR));
                default -> w.apply(CommandType.PAYOUT, M, e -> e.set(Field.AMOUNT_MINOR, amount).set(Field.CURRENCY, ZAR)
                    .text(Field.BANK_ACCOUNT, "acc").text(Field.METADATA_JSON, "{}"));
            }
            final long[] row = new long[customers.length + 2];
            row[0] = w.nowMs - 1; // the command's time (the clock moved 1 ms after it)
            for (int c = 0; c < customers.length; c++)
            {
                row[c + 1] = w.ledger.customerBalance(customers[c], ZAR);
            }
            row[customers.length + 1] = w.merchantBalance(M);
            if (!seen.isEmpty() && seen.get(seen.size() - 1)[0] == row[0])
            {
                seen.set(seen.size() - 1, row); // the last command of a millisecond is the state at it
            }
            else
            {
                seen.add(row);
            }
        }
        w.nowMs += 10;
        for (final long[] row : seen)
        {
            for (int c = 0; c < customers.length; c++)
            {
                final long customer = customers[c];
                w.apply(CommandType.GET_CUSTOMER_BALANCE, M, e -> e.set(Field.CUSTOMER_KEY, customer).set(Field.TO_MS, row[0]));
                assertEquals(row[c + 1], w.event.balanceAfterMinor(), "customer " + c + " at " + row[0]);
            }
            assertEquals(row[customers.length + 1], merchantAt(M, row[0]), "merchant at " + row[0]);
        }
    }

    private long customerAt(final long atMs, final int currency)
    {
        w.apply(CommandType.GET_CUSTOMER_BALANCE, M, e -> e.set(Field.CUSTOMER_KEY, alice).set(Field.CURRENCY, currency).set(Field.TO_MS, atMs));
        return w.event.result() == ResultCode.OK ? w.event.balanceAfterMinor() : Long.MIN_VALUE;
    }

    private long merchantAt(final String merchant, final long atMs)
    {
        w.apply(CommandType.GET_MERCHANT_BALANCE, merchant, e -> e.set(Field.CURRENCY, ZAR).set(Field.TO_MS, atMs));
        return w.event.result() == ResultCode.OK ? w.event.balanceAfterMinor() : Long.MIN_VALUE;
    }

    private long pendingAt(final long atMs)
    {
        assertEquals(0, merchantAt(M, atMs) == Long.MIN_VALUE ? 1 : 0, "answered");
        return w.event.pendingMinor();
    }

    /** The {@code balanceAfter} of each row of alice's history until {@code untilMs}, newest first. */
    private List<Long> transactionsUntil(final long untilMs)
    {
        w.apply(CommandType.LIST_CUSTOMER_TRANSACTIONS, M, e -> e.set(Field.CUSTOMER_KEY, alice).set(Field.TO_MS, untilMs).page(100, 0));
        final List<Long> rows = new ArrayList<>();
        for (int row = 0; row < w.event.rowCount(); row++)
        {
            rows.add(w.event.rowLong(row, CommandEvent.ROW_BALANCE_AFTER));
        }
        return rows;
    }
}
