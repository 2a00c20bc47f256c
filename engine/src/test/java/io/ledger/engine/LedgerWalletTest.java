package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Transfers, payouts, customer updates and lists, history, payment methods and idempotency keys. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LedgerWalletTest
{
    private static final int ZAR = Currencies.pack("ZAR");

    private final Ledger ledger = new Ledger(ZAR);
    private final CommandEvent event = new CommandEvent();
    private long nextCommandId = 1;
    private long nowMs = 1_700_000_000_000L;

    private CommandEvent apply(final CommandType type, final String merchant, final Consumer<CommandEvent> fill)
    {
        event.clear();
        event.type(type).text(Field.MERCHANT_ID, merchant);
        fill.accept(event);
        event.stamp(type.journaled() ? nextCommandId++ : 0, nowMs++);
        ledger.apply(event);
        return event;
    }

    private long customer(final String merchant, final String name, final String email)
    {
        apply(CommandType.CREATE_CUSTOMER, merchant, e -> e.text(Field.PHONE, "+2782" + name.length())
            .text(Field.NAME, name).text(Field.EMAIL, email).text(Field.METADATA_JSON, "{}"));
        assertEquals(ResultCode.OK, event.result());
        return event.customer().key();
    }

    private ResultCode payIn(final String merchant, final long customer, final long amount)
    {
        return apply(CommandType.PAY_IN, merchant, e -> e.set(Field.CUSTOMER_KEY, customer).set(Field.AMOUNT_MINOR, amount).set(Field.CURRENCY, ZAR)).result();
    }

    private ResultCode transfer(final String merchant, final long from, final long to, final long amount)
    {
        return apply(CommandType.TRANSFER, merchant, e -> e.set(Field.CUSTOMER_KEY, from).set(Field.TO_CUSTOMER_KEY, to).set(Field.AMOUNT_MINOR, amount).set(Field.CURRENCY, ZAR)
            .text(Field.DESCRIPTION, "rent")).result();
    }

    private ResultCode purchase(final String merchant, final long customer, final long amount)
    {
        return apply(CommandType.PURCHASE, merchant, e -> e.set(Field.CUSTOMER_KEY, customer).set(Field.AMOUNT_MINOR, amount).set(Field.CURRENCY, ZAR).set(Field.QUANTITY, 1)
            .text(Field.PRODUCT_ID, "airtime")).result();
    }

    private ResultCode payout(final String merchant, final long amount)
    {
        return apply(CommandType.PAYOUT, merchant, e -> e.set(Field.AMOUNT_MINOR, amount).set(Field.CURRENCY, ZAR)
            .text(Field.METADATA_JSON, "{}").text(Field.BANK_ACCOUNT, "****5678")).result();
    }

    private List<Long> historyAmounts(final String merchant, final long customer, final int limit, final int offset)
    {
        apply(CommandType.LIST_CUSTOMER_TRANSACTIONS, merchant, e -> e.set(Field.CUSTOMER_KEY, customer).page(limit, offset));
        assertEquals(ResultCode.OK, event.result());
        final List<Long> amounts = new ArrayList<>();
        for (int row = 0; row < event.rowCount(); row++)
        {
            amounts.add(event.rowLong(row, CommandEvent.ROW_AMOUNT));
        }
        return amounts;
    }

    @Test
    void shouldMoveMoneyBetweenTwoCustomersOfOneMerchant()
    {
        final long ann = customer("m1", "ann", null);
        final long bob = customer("m1", "bob", null);
        payIn("m1", ann, 10_000);

        assertEquals(ResultCode.OK, transfer("m1", ann, bob, 4_000));
        assertEquals(10_000, event.balanceBeforeMinor());
        assertEquals(6_000, event.balanceAfterMinor());
        assertEquals(6_000, ledger.customerBalance(ann, ZAR));
        assertEquals(4_000, ledger.customerBalance(bob, ZAR));
        ledger.checkConservation();

        assertEquals(List.of(-4_000L, 10_000L), historyAmounts("m1", ann, 10, 0));
        assertEquals(List.of(4_000L), historyAmounts("m1", bob, 10, 0));
        assertEquals(EntryType.TRANSFER_IN.ordinal(), event.rowLong(0, CommandEvent.ROW_TYPE));
        assertEquals(ann, event.rowLong(0, CommandEvent.ROW_COUNTERPARTY));
        assertEquals("rent", event.rowText(0));
    }

    @Test
    void shouldRefuseTransfersThatCannotBeCoveredOrCrossMerchantsAndChangeNothing()
    {
        final long ann = customer("m1", "ann", null);
        final long bob = customer("m1", "bob", null);
        final long eve = customer("m2", "eve", null);
        payIn("m1", ann, 1_000);
        final long hash = ledger.stateHash();
        final long before = ledger.commandsApplied();

        assertEquals(ResultCode.INSUFFICIENT_FUNDS, transfer("m1", ann, bob, 1_001));
        assertEquals(ResultCode.COUNTERPARTY_NOT_FOUND, transfer("m1", ann, eve, 1));
        assertEquals(ResultCode.CUSTOMER_NOT_FOUND, transfer("m2", ann, eve, 1));
        assertEquals(ResultCode.INVALID_FIELD, transfer("m1", ann, ann, 1));
        assertEquals(ResultCode.INVALID_AMOUNT, transfer("m1", ann, bob, 0));

        assertEquals(1_000, ledger.customerBalance(ann, ZAR));
        assertEquals(0, ledger.customerBalance(bob, ZAR));
        assertEquals(before + 5, ledger.commandsApplied());
        assertNotEquals(hash, ledger.stateHash(), "refused commands still count as applied");
        apply(CommandType.LIST_TRANSFERS, "m1", e -> { });
        assertEquals(0, event.rowTotal());
    }

    @Test
    void shouldRefuseATransferThatWouldOverflowTheReceiver()
    {
        final long ann = customer("m1", "ann", null);
        final long bob = customer("m1", "bob", null);
        payIn("m1", ann, 10);
        payIn("m1", bob, CommandEvent.AMOUNT_MINOR_MAX);
        assertEquals(ResultCode.AMOUNT_OVERFLOW, transfer("m1", ann, bob, 1));
        assertEquals(10, ledger.customerBalance(ann, ZAR));
    }

    @Test
    void shouldPayOutFromTheMerchantBalanceAndKeepMoneyConserved()
    {
        final long ann = customer("m1", "ann", null);
        payIn("m1", ann, 10_000);
        purchase("m1", ann, 3_000);

        assertEquals(ResultCode.INSUFFICIENT_MERCHANT_FUNDS, payout("m1", 3_001));
        assertEquals(ResultCode.INSUFFICIENT_MERCHANT_FUNDS, payout("unknown-merchant", 1));
        assertEquals(ResultCode.OK, payout("m1", 2_000));
        final PayoutRecord payout = (PayoutRecord)event.resultObject();
        assertEquals(2_000, payout.amountMinor());
        assertEquals("****5678", payout.bankAccount());
        assertEquals(1_000, ledger.merchantBalance("m1", ZAR));
        assertEquals(2_000, ledger.paidOutByCurrency().get(ZAR));
        ledger.checkConservation();

        apply(CommandType.LIST_BALANCE_HISTORY, "m1", e -> { });
        assertEquals(2, event.rowTotal());
        assertEquals(-2_000, event.rowLong(0, CommandEvent.ROW_AMOUNT));
        assertEquals(1_000, event.rowLong(0, CommandEvent.ROW_BALANCE_AFTER));
        apply(CommandType.LIST_BALANCE_HISTORY, "m1", e -> e.set(Field.ROW_FILTER, CommandEvent.FILTER_CREDIT));
        assertEquals(1, event.rowTotal());
        assertEquals(3_000, event.rowLong(0, CommandEvent.ROW_AMOUNT));
        apply(CommandType.LIST_PAYOUTS, "m1", e -> { });
        assertEquals(payout, event.rowObject(0), "the page holds the same payout (a record made for the page)");
        apply(CommandType.LIST_PAYOUTS, "m1", e -> e.set(Field.ROW_FILTER, CommandEvent.FILTER_NONE));
        assertEquals(0, event.rowTotal());
    }

    @Test
    void shouldFilterTheMerchantHistoryByTime()
    {
        final long ann = customer("m1", "ann", null);
        payIn("m1", ann, 10_000);
        final long firstSaleMs = nowMs;
        purchase("m1", ann, 1);
        purchase("m1", ann, 2);
        final long lastSaleMs = nowMs;
        purchase("m1", ann, 3);

        apply(CommandType.LIST_BALANCE_HISTORY, "m1", e -> e.set(Field.FROM_MS, firstSaleMs).set(Field.TO_MS, lastSaleMs - 1));
        assertEquals(2, event.rowTotal());
        assertEquals(2, event.rowLong(0, CommandEvent.ROW_AMOUNT));
        assertEquals(1, event.rowLong(1, CommandEvent.ROW_AMOUNT));
    }

    @Test
    void shouldChainEachCustomersHistoryNewestFirstWithPages()
    {
        final long ann = customer("m1", "ann", null);
        final long bob = customer("m1", "bob", null);
        long expected = 0;
        for (int i = 1; i <= 30; i++)
        {
            payIn("m1", ann, i * 10L);
            expected += i * 10L;
            if (i % 3 == 0)
            {
                transfer("m1", ann, bob, 5);
                expected -= 5;
            }
        }
        final List<Long> all = new ArrayList<>();
        for (int offset = 0; offset < 100; offset += 7)
        {
            final List<Long> page = historyAmounts("m1", ann, 7, offset);
            assertEquals(40, event.rowTotal());
            all.addAll(page);
        }
        assertEquals(40, all.size());
        long balance = expected;
        apply(CommandType.LIST_CUSTOMER_TRANSACTIONS, "m1", e -> e.set(Field.CUSTOMER_KEY, ann).page(100, 0));
        for (int row = 0; row < event.rowCount(); row++)
        {
            assertEquals(balance, event.rowLong(row, CommandEvent.ROW_BALANCE_AFTER), "row " + row);
            assertEquals(all.get(row), event.rowLong(row, CommandEvent.ROW_AMOUNT));
            balance -= event.rowLong(row, CommandEvent.ROW_AMOUNT);
        }
        assertEquals(0, balance);
        assertEquals(expected, ledger.customerBalance(ann, ZAR));
    }

    @Test
    void shouldUpdateCustomerAndRefuseAnEmailTakenByAnother()
    {
        final long ann = customer("m1", "ann", "ann@example.com");
        final long bob = customer("m1", "bob", "bob@example.com");
        final CustomerRecord original = ledger.customer(bob);

        apply(CommandType.UPDATE_CUSTOMER, "m1", e -> e.set(Field.CUSTOMER_KEY, bob).text(Field.EMAIL, "ANN@example.com")
            .text(Field.METADATA_JSON, "{}"));
        assertEquals(ResultCode.DUPLICATE_EMAIL, event.result());
        assertSame(original, ledger.customer(bob));

        apply(CommandType.UPDATE_CUSTOMER, "m1", e -> e.set(Field.CUSTOMER_KEY, ann).text(Field.EMAIL, "ANN@example.com")
            .text(Field.METADATA_JSON, "{\"tier\":\"gold\"}"));
        assertEquals(ResultCode.OK, event.result(), "a customer may change the case of its own email");
        assertEquals("ann", event.customer().name());
        assertEquals("{\"tier\":\"gold\"}", event.customer().metadataJson());

        apply(CommandType.UPDATE_CUSTOMER, "m1", e -> e.set(Field.CUSTOMER_KEY, bob).text(Field.EMAIL, "robert@example.com")
            .text(Field.NAME, "Robert").text(Field.METADATA_JSON, "{}"));
        assertEquals(ResultCode.OK, event.result());
        assertEquals(original.createdAtMs(), event.customer().createdAtMs());
        assertTrue(event.customer().updatedAtMs() > original.updatedAtMs());
        customer("m1", "bobby", "bob@example.com"); // the old email is free again

        apply(CommandType.UPDATE_CUSTOMER, "m2", e -> e.set(Field.CUSTOMER_KEY, bob).text(Field.METADATA_JSON, "{}"));
        assertEquals(ResultCode.CUSTOMER_NOT_FOUND, event.result());
    }

    @Test
    void shouldListCustomersWithPagesEmailAndSearch()
    {
        for (int i = 0; i < 12; i++)
        {
            customer("m1", "Customer " + i, "c" + i + "@example.com");
        }
        customer("m2", "Customer x", "cx@example.com");

        apply(CommandType.LIST_CUSTOMERS, "m1", e -> e.page(5, 10));
        assertEquals(12, event.rowTotal());
        assertEquals(2, event.rowCount());
        assertEquals("Customer 10", ((CustomerRecord)event.rowObject(0)).name());

        apply(CommandType.LIST_CUSTOMERS, "m1", e -> e.text(Field.EMAIL, "C7@EXAMPLE.com"));
        assertEquals(1, event.rowTotal());
        assertEquals("Customer 7", ((CustomerRecord)event.rowObject(0)).name());

        apply(CommandType.LIST_CUSTOMERS, "m1", e -> e.text(Field.SEARCH, "customer 1").page(2, 1));
        assertEquals(3, event.rowTotal(), "Customer 1, 10, 11");
        assertEquals(2, event.rowCount());
        assertEquals("Customer 10", ((CustomerRecord)event.rowObject(0)).name());

        apply(CommandType.LIST_CUSTOMERS, "m3", e -> { });
        assertEquals(ResultCode.OK, event.result());
        assertEquals(0, event.rowTotal());
    }

    @Test
    void shouldKeepOneDefaultPaymentMethodAndDeleteOnlyTheMerchantsOwn()
    {
        final long ann = customer("m1", "ann", null);
        apply(CommandType.SAVE_PAYMENT_METHOD, "m1", e -> e.set(Field.CUSTOMER_KEY, ann).set(Field.EXPIRY_YEAR, 2027).set(Field.EXPIRY_MONTH, 12)
            .text(Field.METHOD_TYPE, "card").text(Field.METHOD_PROVIDER, "iveri")
            .text(Field.METHOD_LAST4, "4242"));
        final PaymentMethodRecord card = (PaymentMethodRecord)event.resultObject();
        assertTrue(card.isDefault(), "the first method is the default");
        assertEquals(12, card.expiryMonth());
        assertEquals(2027, card.expiryYear());

        apply(CommandType.SAVE_PAYMENT_METHOD, "m1", e -> e.set(Field.CUSTOMER_KEY, ann)
            .set(Field.IS_DEFAULT, true)
            .text(Field.METHOD_TYPE, "mobile_money").text(Field.METHOD_PROVIDER, "mpesa")
            .text(Field.PHONE, "+27821234567"));
        final PaymentMethodRecord wallet = (PaymentMethodRecord)event.resultObject();
        assertTrue(wallet.isDefault());

        apply(CommandType.LIST_CUSTOMER_PAYMENT_METHODS, "m1", e -> e.set(Field.CUSTOMER_KEY, ann));
        assertEquals(2, event.rowTotal());
        assertFalse(((PaymentMethodRecord)event.rowObject(0)).isDefault(), "the card is no longer the default");
        assertTrue(((PaymentMethodRecord)event.rowObject(1)).isDefault());

        apply(CommandType.DELETE_PAYMENT_METHOD, "m2", e -> e.set(Field.PAYMENT_METHOD_KEY, card.key()));
        assertEquals(ResultCode.PAYMENT_METHOD_NOT_FOUND, event.result());
        apply(CommandType.DELETE_PAYMENT_METHOD, "m1", e -> e.set(Field.PAYMENT_METHOD_KEY, card.key()));
        assertEquals(ResultCode.OK, event.result());
        apply(CommandType.GET_PAYMENT_METHOD, "m1", e -> e.set(Field.PAYMENT_METHOD_KEY, card.key()));
        assertEquals(ResultCode.PAYMENT_METHOD_NOT_FOUND, event.result());
        apply(CommandType.LIST_PAYMENT_METHODS, "m1", e -> { });
        assertEquals(1, event.rowTotal());
        assertEquals(wallet.key(), ((PaymentMethodRecord)event.rowObject(0)).key());
        apply(CommandType.LIST_PAYMENT_METHODS, "m1", e -> e.set(Field.CUSTOMER_KEY, 12345));
        assertEquals(0, event.rowTotal());
    }

    @Test
    void shouldMakeAMethodTheDefaultAndThePreviousDefaultNot()
    {
        final long ann = customer("m1", "ann", null);
        final long bob = customer("m1", "bob", null);
        apply(CommandType.SAVE_PAYMENT_METHOD, "m1", e -> e.set(Field.CUSTOMER_KEY, ann)
            .text(Field.METHOD_TYPE, "card").text(Field.METHOD_PROVIDER, "iveri").text(Field.METHOD_LAST4, "4242"));
        final PaymentMethodRecord card = (PaymentMethodRecord)event.resultObject();
        apply(CommandType.SAVE_PAYMENT_METHOD, "m1", e -> e.set(Field.CUSTOMER_KEY, ann).set(Field.IS_DEFAULT, false)
            .text(Field.METHOD_TYPE, "mobile_money").text(Field.METHOD_PROVIDER, "mpesa").text(Field.PHONE, "+27821234567"));
        final PaymentMethodRecord wallet = (PaymentMethodRecord)event.resultObject();
        apply(CommandType.SAVE_PAYMENT_METHOD, "m1", e -> e.set(Field.CUSTOMER_KEY, bob)
            .text(Field.METHOD_TYPE, "card").text(Field.METHOD_PROVIDER, "iveri").text(Field.METHOD_LAST4, "1111"));
        final PaymentMethodRecord bobsCard = (PaymentMethodRecord)event.resultObject();
        assertTrue(card.isDefault());
        assertFalse(wallet.isDefault());

        nowMs += 1_000;
        apply(CommandType.SET_DEFAULT_PAYMENT_METHOD, "m2", e -> e.set(Field.PAYMENT_METHOD_KEY, wallet.key()));
        assertEquals(ResultCode.PAYMENT_METHOD_NOT_FOUND, event.result(), "another merchant's method");
        apply(CommandType.SET_DEFAULT_PAYMENT_METHOD, "m1", e -> e.set(Field.PAYMENT_METHOD_KEY, 999_999));
        assertEquals(ResultCode.PAYMENT_METHOD_NOT_FOUND, event.result(), "no such method");
        apply(CommandType.GET_PAYMENT_METHOD, "m1", e -> e.set(Field.PAYMENT_METHOD_KEY, wallet.key()));
        assertSame(wallet, event.resultObject(), "a refusal changes nothing");

        final long setAtMs = nowMs;
        apply(CommandType.SET_DEFAULT_PAYMENT_METHOD, "m1", e -> e.set(Field.PAYMENT_METHOD_KEY, wallet.key()));
        assertEquals(ResultCode.OK, event.result());
        final PaymentMethodRecord nowDefault = (PaymentMethodRecord)event.resultObject();
        assertEquals(wallet.key(), nowDefault.key());
        assertTrue(nowDefault.isDefault());
        assertEquals(setAtMs, nowDefault.updatedAtMs(), "changed by this command");
        assertEquals(wallet.createdAtMs(), nowDefault.createdAtMs());

        apply(CommandType.GET_PAYMENT_METHOD, "m1", e -> e.set(Field.PAYMENT_METHOD_KEY, card.key()));
        final PaymentMethodRecord oldDefault = (PaymentMethodRecord)event.resultObject();
        assertFalse(oldDefault.isDefault(), "the previous default no longer is");
        assertEquals(setAtMs, oldDefault.updatedAtMs());
        apply(CommandType.GET_PAYMENT_METHOD, "m1", e -> e.set(Field.PAYMENT_METHOD_KEY, bobsCard.key()));
        assertSame(bobsCard, event.resultObject(), "another customer's default is untouched");

        nowMs += 1_000;
        apply(CommandType.SET_DEFAULT_PAYMENT_METHOD, "m1", e -> e.set(Field.PAYMENT_METHOD_KEY, wallet.key()));
        assertEquals(ResultCode.OK, event.result());
        assertSame(nowDefault, event.resultObject(), "already the default: unchanged");
    }

    @Test
    void shouldLimitSavedPaymentMethodsPerCustomer()
    {
        final long ann = customer("m1", "ann", null);
        for (int i = 0; i < Ledger.PAYMENT_METHODS_PER_CUSTOMER_MAX; i++)
        {
            apply(CommandType.SAVE_PAYMENT_METHOD, "m1", e -> e.set(Field.CUSTOMER_KEY, ann)
                .text(Field.METHOD_TYPE, "card").text(Field.METHOD_PROVIDER, "iveri"));
            assertEquals(ResultCode.OK, event.result());
        }
        apply(CommandType.SAVE_PAYMENT_METHOD, "m1", e -> e.set(Field.CUSTOMER_KEY, ann)
            .text(Field.METHOD_TYPE, "card").text(Field.METHOD_PROVIDER, "iveri"));
        assertEquals(ResultCode.LIMIT_EXCEEDED, event.result());
    }

    @Test
    void shouldApplyAKeyedCommandOnceAndReplayItsOutcome()
    {
        final long ann = customer("m1", "ann", null);
        payIn("m1", ann, 1_000);
        final Consumer<CommandEvent> purchase = e -> e.set(Field.CUSTOMER_KEY, ann).set(Field.AMOUNT_MINOR, 300).set(Field.CURRENCY, ZAR).set(Field.QUANTITY, 1)
            .text(Field.PRODUCT_ID, "airtime").text(Field.IDEMPOTENCY_KEY, "order-1");

        apply(CommandType.PURCHASE, "m1", purchase);
        assertEquals(ResultCode.OK, event.result());
        assertFalse(event.replayed());
        final long firstKey = event.resultKey();
        final long firstTime = event.resultTimestampMs();

        apply(CommandType.PURCHASE, "m1", purchase);
        assertEquals(ResultCode.OK, event.result());
        assertTrue(event.replayed());
        assertEquals(firstKey, event.resultKey());
        assertEquals(firstTime, event.resultTimestampMs());
        assertEquals(1_000, event.balanceBeforeMinor());
        assertEquals(700, event.balanceAfterMinor());
        assertEquals(700, ledger.customerBalance(ann, ZAR), "applied once");

        apply(CommandType.PURCHASE, "m1", purchase.andThen(e -> e.set(Field.AMOUNT_MINOR, 301)));
        assertEquals(ResultCode.IDEMPOTENCY_KEY_REUSED, event.result());
        assertEquals(700, ledger.customerBalance(ann, ZAR));

        apply(CommandType.PURCHASE, "m2", purchase);
        assertEquals(ResultCode.CUSTOMER_NOT_FOUND, event.result(), "keys are scoped to the merchant");
        assertFalse(event.replayed());
    }

    @Test
    void shouldReplayARefusalToo()
    {
        final long ann = customer("m1", "ann", null);
        final Consumer<CommandEvent> purchase = e -> e.set(Field.CUSTOMER_KEY, ann).set(Field.AMOUNT_MINOR, 300).set(Field.CURRENCY, ZAR).set(Field.QUANTITY, 1)
            .text(Field.PRODUCT_ID, "airtime").text(Field.IDEMPOTENCY_KEY, "order-2");
        apply(CommandType.PURCHASE, "m1", purchase);
        assertEquals(ResultCode.INSUFFICIENT_FUNDS, event.result());
        payIn("m1", ann, 1_000);
        apply(CommandType.PURCHASE, "m1", purchase);
        assertEquals(ResultCode.INSUFFICIENT_FUNDS, event.result(), "the first outcome stands for the key's lifetime");
        assertTrue(event.replayed());
        assertEquals(1_000, ledger.customerBalance(ann, ZAR));
    }

    @Test
    void shouldForgetKeysAfterADayOfLedgerTime()
    {
        final long ann = customer("m1", "ann", null);
        payIn("m1", ann, 1_000);
        final Consumer<CommandEvent> payIn = e -> e.set(Field.CUSTOMER_KEY, ann).set(Field.AMOUNT_MINOR, 5).set(Field.CURRENCY, ZAR)
            .text(Field.IDEMPOTENCY_KEY, "topup");
        apply(CommandType.PAY_IN, "m1", payIn);
        assertEquals(1, ledger.idempotencyKeyCount());

        nowMs += Ledger.IDEMPOTENCY_KEY_TTL_MS - 10;
        apply(CommandType.PAY_IN, "m1", payIn);
        assertTrue(event.replayed(), "still held just under a day later");

        nowMs += 10;
        apply(CommandType.PAY_IN, "m1", payIn);
        assertFalse(event.replayed(), "a day later the key is free again");
        assertEquals(1_010, ledger.customerBalance(ann, ZAR));
        assertEquals(1, ledger.idempotencyKeyCount());
    }

    @Test
    void shouldAnswerMerchantBalanceForAMerchantWithNoCustomersYet()
    {
        apply(CommandType.GET_MERCHANT_BALANCE, "nobody", e -> { });
        assertEquals(ResultCode.OK, event.result());
        assertEquals(0, event.balanceAfterMinor());
        assertEquals(ZAR, event.resultCurrency());
        assertNull(event.customer());
    }
}
