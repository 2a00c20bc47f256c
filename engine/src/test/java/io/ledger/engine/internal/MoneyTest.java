package io.ledger.engine.internal;

import static io.ledger.engine.internal.Money.CUSTOMER;
import static io.ledger.engine.internal.Money.EXTERNAL;
import static io.ledger.engine.internal.Money.GIFT;
import static io.ledger.engine.internal.Money.HELD;
import static io.ledger.engine.internal.Money.MERCHANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.EntryType;
import io.ledger.engine.Field;
import io.ledger.engine.Ids;
import io.ledger.engine.LedgerTotals;
import io.ledger.engine.ResultCode;
import org.agrona.collections.Long2LongHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one money primitive: every leg's checks, what it writes, and all or nothing across legs. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MoneyTest
{
    private static final int ZAR = Currencies.pack("ZAR");
    private static final int USD = Currencies.pack("USD");
    private static final long MAX = CommandEvent.AMOUNT_MINOR_MAX;
    private static final long ANN = 1;
    private static final long BOB = 2;

    private final LedgerState state = new LedgerState(ZAR, 16, 64);
    private final Accounts accounts = state.accounts();
    private final Money money = new Money(accounts, state.merchants(), state.entries(), state.texts());
    private final CommandEvent event = new CommandEvent();
    private int merchant;
    private long commandId = 10;

    @BeforeEach
    void registerTheMerchant()
    {
        event.clear();
        event.type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, "m1");
        merchant = state.merchants().register(event, 1);
    }

    @Test
    void shouldMoveMoneyBetweenEveryKindOfAccountWriteItsHistoryAndConserveIt()
    {
        assertTrue(move("cash", EXTERNAL, -1, EntryType.PAY_IN, CUSTOMER, ANN, EntryType.PAY_IN, 1_000, ZAR));
        assertResult(0, 1_000);
        assertTrue(move("sku", CUSTOMER, ANN, EntryType.PURCHASE, MERCHANT, merchant, EntryType.SALE, 300, ZAR));
        assertResult(1_000, 700);
        assertTrue(move("rent", CUSTOMER, ANN, EntryType.TRANSFER_OUT, CUSTOMER, BOB, EntryType.TRANSFER_IN, 200, ZAR));
        assertResult(700, 500);
        assertTrue(move(null, MERCHANT, merchant, EntryType.PAYOUT, EXTERNAL, -1, null, 100, ZAR));
        assertResult(300, 200);

        assertEquals(500, accounts.customerBalance(ANN, ZAR));
        assertEquals(200, accounts.customerBalance(BOB, ZAR));
        assertEquals(200, accounts.merchantBalance(merchant, ZAR));
        assertEquals(1_000, accounts.paidIn(ZAR));
        assertEquals(100, accounts.paidOut(ZAR));
        assertEquals(ZAR, accounts.customerFirstCurrency(BOB), "a credited account notes its first currency");
        assertEquals(ZAR, accounts.merchantFirstCurrency(merchant));
        assertConserved();

        final EntryLog entries = state.entries();
        assertEquals(6, entries.size(), "one entry per account side: 1 + 2 + 2 + 1");
        assertEquals(-200, entries.amountMinor(3), "the transfer's debit");
        assertEquals(BOB, entries.counterpartyKey(3), "a customer-to-customer leg names the other customer");
        assertEquals(ANN, entries.counterpartyKey(4));
        assertEquals(-1, entries.counterpartyKey(1), "a purchase has no counterparty customer");
        assertEquals(200, entries.balanceAfterMinor(5));
        assertEquals(entries.textRef(1), entries.textRef(2), "both sides of a leg refer to the command's one text");
        assertEquals(3, accounts.customerEntryCount(ANN), "Ann's pay-in, purchase and transfer");
        assertEquals(2, state.merchants().book(merchant).entryCount(), "the sale and the payout");
        assertEquals(3, accounts.customerLastEntry(ANN), "Ann's chain starts at her newest entry");
        assertEquals(1, entries.previousOfAccount(3), "and links to her previous one");
    }

    @Test
    void shouldHoldMoneyInHoldsAndGiftBalancesWithoutHistoryOfTheirOwnAndLinkTheEntries()
    {
        final long hold = 500;
        final long gift = 600;
        assertTrue(move("cash", EXTERNAL, -1, EntryType.PAY_IN, CUSTOMER, ANN, EntryType.PAY_IN, 1_000, ZAR));
        assertTrue(begin("sku").leg(CUSTOMER, ANN, EntryType.PURCHASE, HELD, hold, null, 300, ZAR).post());
        assertEquals(300, accounts.heldBalance(hold, ZAR));
        assertEquals(700, accounts.customerBalance(ANN, ZAR));
        assertEquals(2, state.entries().size(), "only the customer's side is an entry");
        assertTrue(begin(null).text(state.entries().textRef(1)).report(MERCHANT, merchant)
            .leg(HELD, hold, null, MERCHANT, merchant, EntryType.ESCROW_RELEASE, 300, ZAR, hold).post());
        assertResult(0, 300);
        assertEquals(0, accounts.heldBalance(hold, ZAR));
        assertEquals(0, accounts.heldAccounts(), "an empty hold is removed");
        assertEquals(hold, state.entries().counterpartyKey(2), "the entry carries the leg's link");
        assertEquals(state.entries().textRef(1), state.entries().textRef(2), "and the text the movement was given");
        assertEquals(EntryType.ESCROW_RELEASE, state.entries().type(2));

        assertTrue(begin("promo").leg(MERCHANT, merchant, EntryType.GIFT_ISSUE, GIFT, gift, null, 200, ZAR, gift).post());
        assertEquals(200, accounts.giftBalance(gift, ZAR));
        assertTrue(begin("sku").report(CUSTOMER, ANN).leg(GIFT, gift, null, CUSTOMER, ANN, EntryType.GIFT_SPEND, 150, ZAR, gift)
            .leg(CUSTOMER, ANN, EntryType.PURCHASE, MERCHANT, merchant, EntryType.SALE, 800, ZAR).post(),
            "the purchase spends what the gift balance credited just before");
        assertResult(700, 50);
        assertEquals(50, accounts.giftBalance(gift, ZAR));
        assertEquals(1, accounts.giftAccounts());
        assertConserved();

        accounts.totals().publish();
        final List<LedgerTotals.CurrencyTotals> totals = accounts.totals().read();
        assertEquals(List.of(new LedgerTotals.CurrencyTotals("ZAR", 50, 900, 1_000, 0, 0, 50)), totals, "held 0, gifts 50");
        assertTrue(totals.get(0).conserved());
    }

    @Test
    void shouldRefuseToTakeMoreFromAHoldOrGiftBalanceThanItHolds()
    {
        assertTrue(move("cash", EXTERNAL, -1, EntryType.PAY_IN, CUSTOMER, ANN, EntryType.PAY_IN, 1_000, ZAR));
        assertTrue(begin("sku").leg(CUSTOMER, ANN, EntryType.PURCHASE, HELD, 7, null, 300, ZAR).post());
        final long before = stateHash();
        assertFalse(begin(null).leg(HELD, 7, null, CUSTOMER, ANN, EntryType.ESCROW_CANCEL, 301, ZAR, 7).post());
        assertEquals(ResultCode.INSUFFICIENT_FUNDS, event.result());
        assertFalse(begin(null).leg(GIFT, 8, null, CUSTOMER, ANN, EntryType.GIFT_SPEND, 1, ZAR, 8).post());
        assertEquals(before, stateHash());
    }

    @Test
    void shouldRefuseAnOverdraftReportingTheBalanceAndChangeNothing()
    {
        move(null, EXTERNAL, -1, EntryType.PAY_IN, CUSTOMER, ANN, EntryType.PAY_IN, 100, ZAR);
        final long before = stateHash();
        assertFalse(move("x", CUSTOMER, ANN, EntryType.PURCHASE, MERCHANT, merchant, EntryType.SALE, 101, ZAR));
        assertEquals(ResultCode.INSUFFICIENT_FUNDS, event.result());
        assertResult(100, 100);
        assertFalse(move("x", MERCHANT, merchant, EntryType.PAYOUT, EXTERNAL, -1, null, 1, ZAR));
        assertEquals(ResultCode.INSUFFICIENT_MERCHANT_FUNDS, event.result());
        assertFalse(move("x", CUSTOMER, ANN, EntryType.PURCHASE, MERCHANT, merchant, EntryType.SALE, 1, USD));
        assertEquals(ResultCode.INSUFFICIENT_FUNDS, event.result(), "balances are per currency");
        assertEquals(before, stateHash());
    }

    @Test
    void shouldRefuseACreditAboveTheMaximumBalanceAndChangeNothing()
    {
        move(null, EXTERNAL, -1, EntryType.PAY_IN, CUSTOMER, ANN, EntryType.PAY_IN, MAX, ZAR);
        move(null, EXTERNAL, -1, EntryType.PAY_IN, CUSTOMER, BOB, EntryType.PAY_IN, 1, ZAR);
        final long before = stateHash();
        assertFalse(move(null, EXTERNAL, -1, EntryType.PAY_IN, CUSTOMER, ANN, EntryType.PAY_IN, 1, ZAR));
        assertEquals(ResultCode.AMOUNT_OVERFLOW, event.result());
        assertResult(0, 0);
        assertFalse(move(null, CUSTOMER, BOB, EntryType.TRANSFER_OUT, CUSTOMER, ANN, EntryType.TRANSFER_IN, 1, ZAR));
        assertEquals(ResultCode.AMOUNT_OVERFLOW, event.result());
        assertEquals(before, stateHash());
    }

    @Test
    void shouldRefuseTotalsPaidInOrOutThatWouldPassALong()
    {
        accounts.paidIn(ZAR, Long.MAX_VALUE - 5);
        accounts.paidOut(ZAR, Long.MAX_VALUE - 5);
        accounts.merchantBalance(merchant, ZAR, 10);
        final long before = stateHash();
        assertFalse(move(null, EXTERNAL, -1, EntryType.PAY_IN, CUSTOMER, ANN, EntryType.PAY_IN, 6, ZAR));
        assertEquals(ResultCode.AMOUNT_OVERFLOW, event.result());
        assertFalse(move(null, MERCHANT, merchant, EntryType.PAYOUT, EXTERNAL, -1, null, 6, ZAR));
        assertEquals(ResultCode.AMOUNT_OVERFLOW, event.result());
        assertEquals(before, stateHash());
        assertTrue(move(null, MERCHANT, merchant, EntryType.PAYOUT, EXTERNAL, -1, null, 5, ZAR), "up to the limit is fine");
    }

    @Test
    void shouldRefuseWhenTheCommandIdIsPastTheKeySpaceCheckingFundsFirst()
    {
        move(null, EXTERNAL, -1, EntryType.PAY_IN, CUSTOMER, ANN, EntryType.PAY_IN, 100, ZAR);
        final long before = stateHash();
        commandId = Ids.KEY_LIMIT - 1;
        assertFalse(move(null, CUSTOMER, ANN, EntryType.PURCHASE, MERCHANT, merchant, EntryType.SALE, 10, ZAR));
        assertEquals(ResultCode.CAPACITY_EXHAUSTED, event.result());
        assertFalse(move(null, CUSTOMER, ANN, EntryType.PURCHASE, MERCHANT, merchant, EntryType.SALE, 101, ZAR));
        assertEquals(ResultCode.INSUFFICIENT_FUNDS, event.result(), "post checks funds before capacity (a payout's order)");
        assertEquals(before, stateHash());
    }

    @Test
    void shouldRefuseAnAmountOutsideOneToTheMaximumOrAnInvalidCurrency()
    {
        for (final long amount : new long[] {0, -1, MAX + 1, Long.MIN_VALUE})
        {
            event.clear();
            event.set(Field.AMOUNT_MINOR, amount).set(Field.CURRENCY, ZAR);
            assertFalse(Money.validAmount(event));
            assertEquals(ResultCode.INVALID_AMOUNT, event.result());
        }
        event.clear();
        event.set(Field.AMOUNT_MINOR, 1);
        assertFalse(Money.validAmount(event), "no currency");
        assertEquals(ResultCode.INVALID_CURRENCY, event.result());
        event.set(Field.CURRENCY, 26 * 26 * 26);
        assertFalse(Money.validAmount(event));
        event.set(Field.CURRENCY, USD).set(Field.AMOUNT_MINOR, MAX);
        assertTrue(Money.validAmount(event));
    }

    @Test
    void shouldLetALaterLegSpendWhatAnEarlierOneCreditedAndApplyAllOrNone()
    {
        move(null, EXTERNAL, -1, EntryType.PAY_IN, CUSTOMER, ANN, EntryType.PAY_IN, 1_000, ZAR);
        // A purchase with cashback: the merchant pays back out of what the first leg paid it
        begin("sku").leg(CUSTOMER, ANN, EntryType.PURCHASE, MERCHANT, merchant, EntryType.SALE, 500, ZAR)
            .leg(MERCHANT, merchant, EntryType.SALE, CUSTOMER, ANN, EntryType.PAY_IN, 50, ZAR);
        assertTrue(money.post());
        assertResult(1_000, 550);
        assertEquals(450, accounts.merchantBalance(merchant, ZAR));
        assertEquals(5, state.entries().size());
        assertConserved();

        final long before = stateHash();
        begin("sku").leg(CUSTOMER, ANN, EntryType.PURCHASE, MERCHANT, merchant, EntryType.SALE, 500, ZAR)
            .leg(MERCHANT, merchant, EntryType.SALE, CUSTOMER, BOB, EntryType.PAY_IN, 951, ZAR);
        assertFalse(money.post(), "the second leg overdraws the merchant: neither leg happens");
        assertEquals(ResultCode.INSUFFICIENT_MERCHANT_FUNDS, event.result());
        assertResult(950, 950);
        assertEquals(before, stateHash());
    }

    @Test
    void shouldConserveMoneyAndNeverGoNegativeUnderARandomStreamOfMovements()
    {
        final Random random = new Random(42);
        final int[] kinds = {EXTERNAL, CUSTOMER, CUSTOMER, CUSTOMER, MERCHANT, HELD, GIFT};
        int refused = 0;
        for (int i = 0; i < 20_000; i++)
        {
            final int debitKind = kinds[random.nextInt(kinds.length)];
            int creditKind = kinds[random.nextInt(kinds.length)];
            if (debitKind == EXTERNAL && creditKind == EXTERNAL)
            {
                creditKind = CUSTOMER;
            }
            final long debitKey = debitKind == MERCHANT ? merchant : 1 + random.nextInt(3);
            long creditKey = creditKind == MERCHANT ? merchant : 1 + random.nextInt(3); // holds and gift balances: keys 1..3 too
            if (creditKind == debitKind && creditKey == debitKey)
            {
                creditKey = creditKind == MERCHANT ? creditKey : 1 + creditKey % 3;
                creditKind = creditKind == MERCHANT ? EXTERNAL : creditKind;
            }
            final long amount = random.nextInt(10) == 0 ? MAX - random.nextInt(100) : 1 + random.nextInt(5_000);
            final long before = stateHash();
            if (!move(random.nextBoolean() ? "t" + i : null, debitKind, debitKey, EntryType.PURCHASE, creditKind, creditKey,
                EntryType.SALE, amount, random.nextBoolean() ? ZAR : USD))
            {
                refused++;
                assertEquals(before, stateHash(), "a refusal changes nothing");
            }
            if (i % 1_000 == 0)
            {
                assertConserved();
            }
        }
        assertConserved();
        assertTrue(refused > 1_000 && refused < 19_000, "the stream both moves and refuses: refused=" + refused);
    }

    @Test
    void shouldPostOneLegExactlyAsTheGeneralPathDoes()
    {
        // the one-leg fast path and the general (simulated) path, side by side on two ledgers fed the same stream
        final LedgerState generalState = new LedgerState(ZAR, 16, 64);
        final Money general = new Money(generalState.accounts(), generalState.merchants(), generalState.entries(),
            generalState.texts());
        final CommandEvent generalEvent = new CommandEvent();
        generalEvent.type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, "m1");
        assertEquals(merchant, generalState.merchants().register(generalEvent, 1));
        final Random random = new Random(7);
        final int[] kinds = {EXTERNAL, CUSTOMER, CUSTOMER, MERCHANT, HELD, GIFT};
        for (int i = 0; i < 20_000; i++)
        {
            final int debitKind = kinds[random.nextInt(kinds.length)];
            final int creditKind = debitKind == EXTERNAL ? CUSTOMER : kinds[random.nextInt(kinds.length)];
            final long debitKey = debitKind == MERCHANT ? merchant : 1 + random.nextInt(3);
            final long creditKey = creditKind == MERCHANT ? merchant : 1 + random.nextInt(3);
            final long amount = random.nextInt(10) == 0 ? MAX - random.nextInt(100) : 1 + random.nextInt(5_000);
            final int currency = random.nextBoolean() ? ZAR : USD;
            final String text = random.nextBoolean() ? "t" + i : null;
            final int reportChoice = random.nextInt(3); // the default, the debited or the credited account reported
            commandId = random.nextInt(500) == 0 ? Ids.KEY_LIMIT : commandId;
            final boolean fast = leg(begin(text), reportChoice, debitKind, debitKey, creditKind, creditKey, amount, currency)
                .post();
            generalEvent.clear();
            generalEvent.type(CommandType.PURCHASE).stamp(commandId, event.timestampMs());
            if (text != null)
            {
                generalEvent.text(Field.PRODUCT_ID, text);
            }
            final boolean slow = leg(general.begin(generalEvent, generalEvent.timestampMs(), Field.PRODUCT_ID), reportChoice,
                debitKind, debitKey, creditKind, creditKey, amount, currency).postLegs();
            final String what = "movement " + i;
            assertEquals(slow, fast, what);
            assertEquals(generalEvent.result(), event.result(), what);
            assertEquals(generalEvent.balanceBeforeMinor(), event.balanceBeforeMinor(), what);
            assertEquals(generalEvent.balanceAfterMinor(), event.balanceAfterMinor(), what);
            assertEquals(generalEvent.resultKey(), event.resultKey(), what);
            assertEquals(general.debitEntry(0), money.debitEntry(0), what);
            commandId = commandId >= Ids.KEY_LIMIT ? 10 + i : commandId;
        }
        assertEquals(stateHash(generalState), stateHash(), "the same balances, totals, history and texts");
        assertEquals(generalState.entries().size(), state.entries().size());
        for (int entry = 0; entry < state.entries().size(); entry++)
        {
            assertEquals(generalState.entries().amountMinor(entry), state.entries().amountMinor(entry));
            assertEquals(generalState.entries().balanceAfterMinor(entry), state.entries().balanceAfterMinor(entry));
            assertEquals(generalState.entries().counterpartyKey(entry), state.entries().counterpartyKey(entry));
            assertEquals(generalState.entries().previousOfAccount(entry), state.entries().previousOfAccount(entry));
        }
        accounts.totals().publish();
        generalState.accounts().totals().publish();
        assertEquals(generalState.accounts().totals().read(), accounts.totals().read());
    }

    private static Money leg(
        final Money money, final int reportChoice, final int debitKind, final long debitKey, final int creditKind,
        final long creditKey, final long amount, final int currency)
    {
        if (reportChoice == 1 && debitKind != EXTERNAL)
        {
            money.report(debitKind, debitKey);
        }
        else if (reportChoice == 2 && creditKind != EXTERNAL)
        {
            money.report(creditKind, creditKey);
        }
        return money.leg(debitKind, debitKey, EntryType.PURCHASE, creditKind, creditKey, EntryType.SALE, amount, currency);
    }

    // ---- helpers

    private Money begin(final String text)
    {
        event.clear();
        event.type(CommandType.PURCHASE).stamp(++commandId, 1_700_000_000_000L + commandId);
        if (text != null)
        {
            event.text(Field.PRODUCT_ID, text);
        }
        return money.begin(event, event.timestampMs(), Field.PRODUCT_ID);
    }

    private boolean move(
        final String text, final int debitKind, final long debitKey, final EntryType debitType, final int creditKind,
        final long creditKey, final EntryType creditType, final long amount, final int currency)
    {
        return begin(text).leg(debitKind, debitKey, debitType, creditKind, creditKey, creditType, amount, currency).post();
    }

    private void assertResult(final long before, final long after)
    {
        assertEquals(before, event.balanceBeforeMinor(), "balance before");
        assertEquals(after, event.balanceAfterMinor(), "balance after");
        if (event.result() == ResultCode.OK)
        {
            assertEquals(commandId, event.resultKey(), "what a movement makes is keyed by its command");
        }
    }

    private long stateHash()
    {
        return stateHash(state);
    }

    private static long stateHash(final LedgerState state)
    {
        final Accounts accounts = state.accounts();
        final StateHash hash = new StateHash();
        accounts.hashInto(hash);
        accounts.hashHoldsInto(hash);
        for (long key = 1; key <= 3; key++)
        {
            accounts.hashCustomer(hash, key);
        }
        state.merchants().hashInto(hash);
        // the history and the texts only grow: their sizes tell whether anything was appended
        return hash.add(state.entries().size()).add(state.texts().sizeBytes()).value();
    }

    private void assertConserved()
    {
        final Long2LongHashMap held = new Long2LongHashMap(Long.MIN_VALUE);
        accounts.sumHeld(held); // throws on a negative balance
        for (final int currency : new int[] {ZAR, USD})
        {
            final long sum = held.containsKey(currency) ? held.get(currency) : 0;
            assertEquals(accounts.paidIn(currency) - accounts.paidOut(currency), sum, Currencies.toString(currency));
        }
    }
}
