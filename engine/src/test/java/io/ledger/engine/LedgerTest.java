package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LedgerTest
{
    private static final int ZAR = Currencies.pack("ZAR");
    private static final int USD = Currencies.pack("USD");

    private final Ledger ledger = new Ledger(ZAR);
    private final CommandEvent event = new CommandEvent();
    private long nextCommandId = 1;
    private long nowMs = 1_700_000_000_000L;

    private long createCustomer(final String merchant, final String email)
    {
        event.clear();
        event.type(CommandType.CREATE_CUSTOMER)
            .text(CommandEvent.TEXT_MERCHANT_ID, merchant)
            .text(CommandEvent.TEXT_PHONE, "+27821234567")
            .text(CommandEvent.TEXT_EMAIL, email)
            .text(CommandEvent.TEXT_METADATA_JSON, "{}")
            .stamp(nextCommandId++, nowMs++);
        ledger.apply(event);
        assertEquals(ResultCode.OK, event.result());
        return event.customer().key();
    }

    private ResultCode payIn(final String merchant, final long customer, final long amount, final int currency)
    {
        event.clear();
        event.type(CommandType.PAY_IN)
            .text(CommandEvent.TEXT_MERCHANT_ID, merchant)
            .customerKey(customer)
            .amountMinor(amount)
            .currency(currency)
            .stamp(nextCommandId++, nowMs++);
        ledger.apply(event);
        return event.result();
    }

    private ResultCode purchase(final String merchant, final long customer, final long amount, final int currency)
    {
        event.clear();
        event.type(CommandType.PURCHASE)
            .text(CommandEvent.TEXT_MERCHANT_ID, merchant)
            .text(CommandEvent.TEXT_PRODUCT_ID, "airtime")
            .customerKey(customer)
            .amountMinor(amount)
            .currency(currency)
            .quantity(1)
            .stamp(nextCommandId++, nowMs++);
        ledger.apply(event);
        return event.result();
    }

    @Test
    void shouldDebitCustomerAndCreditMerchantOnPurchase()
    {
        final long customer = createCustomer("m1", "a@example.com");
        assertEquals(ResultCode.OK, payIn("m1", customer, 10_000, ZAR));

        assertEquals(ResultCode.OK, purchase("m1", customer, 2_500, ZAR));

        assertEquals(10_000, event.balanceBeforeMinor());
        assertEquals(7_500, event.balanceAfterMinor());
        assertEquals(7_500, ledger.customerBalance(customer, ZAR));
        assertEquals(2_500, ledger.merchantBalance("m1", ZAR));
        ledger.checkConservation();
    }

    @Test
    void shouldRejectPurchaseWhenBalanceInsufficientAndChangeNothing()
    {
        final long customer = createCustomer("m1", null);
        payIn("m1", customer, 1_000, ZAR);
        final long before = ledger.stateHash();

        assertEquals(ResultCode.INSUFFICIENT_FUNDS, purchase("m1", customer, 1_001, ZAR));

        assertEquals(1_000, ledger.customerBalance(customer, ZAR));
        assertEquals(0, ledger.merchantBalance("m1", ZAR));
        assertNotEquals(before, ledger.stateHash(), "the refused command is still counted, so the hash moves");
        ledger.checkConservation();
    }

    @Test
    void shouldKeepBalancesPerCurrency()
    {
        final long customer = createCustomer("m1", null);
        payIn("m1", customer, 5_000, USD);

        assertEquals(ResultCode.INSUFFICIENT_FUNDS, purchase("m1", customer, 1, ZAR));
        assertEquals(ResultCode.OK, purchase("m1", customer, 5_000, USD));
        assertEquals(0, ledger.customerBalance(customer, USD));
    }

    @Test
    void shouldReportUnknownCustomer()
    {
        createCustomer("m1", null);
        assertEquals(ResultCode.CUSTOMER_NOT_FOUND, purchase("m1", 424242, 1, ZAR));
        assertEquals(ResultCode.CUSTOMER_NOT_FOUND, payIn("m1", -1, 1, ZAR));
    }

    @Test
    void shouldHideAnotherMerchantsCustomer()
    {
        final long customer = createCustomer("m1", null);
        payIn("m1", customer, 1_000, ZAR);

        assertEquals(ResultCode.CUSTOMER_NOT_FOUND, purchase("m2", customer, 100, ZAR));
        assertEquals(ResultCode.CUSTOMER_NOT_FOUND, payIn("m2", customer, 100, ZAR));

        event.clear();
        event.type(CommandType.GET_CUSTOMER).text(CommandEvent.TEXT_MERCHANT_ID, "m2").customerKey(customer);
        ledger.apply(event);
        assertEquals(ResultCode.CUSTOMER_NOT_FOUND, event.result());
        assertEquals(1_000, ledger.customerBalance(customer, ZAR));
    }

    @Test
    void shouldRefuseAmountsOutsideOneToTwoToTheFiftyThreeMinusOne()
    {
        final long customer = createCustomer("m1", null);
        assertEquals(ResultCode.INVALID_AMOUNT, payIn("m1", customer, 0, ZAR));
        assertEquals(ResultCode.INVALID_AMOUNT, payIn("m1", customer, -5, ZAR));
        assertEquals(ResultCode.INVALID_AMOUNT, payIn("m1", customer, CommandEvent.AMOUNT_MINOR_MAX + 1, ZAR));
        assertEquals(ResultCode.INVALID_CURRENCY, payIn("m1", customer, 1, Currencies.NONE));
        assertEquals(0, ledger.customerBalance(customer, ZAR));
    }

    @Test
    void shouldRefuseCreditThatWouldOverflowTheBalance()
    {
        final long customer = createCustomer("m1", null);
        assertEquals(ResultCode.OK, payIn("m1", customer, CommandEvent.AMOUNT_MINOR_MAX, ZAR));

        assertEquals(ResultCode.AMOUNT_OVERFLOW, payIn("m1", customer, 1, ZAR));

        assertEquals(CommandEvent.AMOUNT_MINOR_MAX, ledger.customerBalance(customer, ZAR));
        ledger.checkConservation();
    }

    @Test
    void shouldRefuseSaleThatWouldOverflowTheMerchantBalance()
    {
        final long first = createCustomer("m1", null);
        final long second = createCustomer("m1", null);
        payIn("m1", first, CommandEvent.AMOUNT_MINOR_MAX, ZAR);
        payIn("m1", second, 10, ZAR);
        assertEquals(ResultCode.OK, purchase("m1", first, CommandEvent.AMOUNT_MINOR_MAX, ZAR));

        assertEquals(ResultCode.AMOUNT_OVERFLOW, purchase("m1", second, 1, ZAR));

        assertEquals(10, ledger.customerBalance(second, ZAR));
        assertEquals(CommandEvent.AMOUNT_MINOR_MAX, ledger.merchantBalance("m1", ZAR));
        ledger.checkConservation();
    }

    @Test
    void shouldRejectDuplicateEmailCaseInsensitivelyWithinOneMerchantOnly()
    {
        createCustomer("m1", "Jane@Example.com");

        event.clear();
        event.type(CommandType.CREATE_CUSTOMER)
            .text(CommandEvent.TEXT_MERCHANT_ID, "m1")
            .text(CommandEvent.TEXT_PHONE, "+1")
            .text(CommandEvent.TEXT_EMAIL, "jane@example.COM")
            .text(CommandEvent.TEXT_METADATA_JSON, "{}")
            .stamp(nextCommandId++, nowMs++);
        ledger.apply(event);
        assertEquals(ResultCode.DUPLICATE_EMAIL, event.result());
        assertEquals(1, ledger.customerCount());

        createCustomer("m2", "jane@example.com");
        assertEquals(2, ledger.customerCount());
    }

    @Test
    void shouldDeriveCustomerIdFromCommandIdAndRoundTripIt()
    {
        final long customer = createCustomer("m1", null);
        final CustomerRecord record = ledger.customer(customer);
        assertNotNull(record);
        assertEquals(customer, Ids.parse(Ids.CUSTOMER, record.id()));
        assertEquals(-1, Ids.parse(Ids.CUSTOMER, "cus_nothing"));
        assertEquals(-1, Ids.parse(Ids.PURCHASE, record.id()));
    }

    @Test
    void shouldNeverMoveTimeBackwardsEvenWhenStampsDo()
    {
        final long customer = createCustomer("m1", null);
        final long createdAt = ledger.customer(customer).createdAtMs();
        nowMs -= 10_000;
        payIn("m1", customer, 1, ZAR);
        assertTrue(event.resultTimestampMs() >= createdAt);
    }

    @Test
    void shouldReachTheSameStateHashFromTheSameCommands()
    {
        final Ledger other = new Ledger(ZAR);
        final CommandEvent copy = new CommandEvent();
        final long customer = createCustomer("m1", "x@y.z");
        payIn("m1", customer, 500, ZAR);
        purchase("m1", customer, 200, ZAR);

        // apply the same three commands to a second ledger
        final long[] ids = {1, 2, 3};
        copy.clear();
        copy.type(CommandType.CREATE_CUSTOMER).text(CommandEvent.TEXT_MERCHANT_ID, "m1").text(CommandEvent.TEXT_PHONE, "+27821234567")
            .text(CommandEvent.TEXT_EMAIL, "x@y.z").text(CommandEvent.TEXT_METADATA_JSON, "{}").stamp(ids[0], 1_700_000_000_000L);
        other.apply(copy);
        copy.clear();
        copy.type(CommandType.PAY_IN).text(CommandEvent.TEXT_MERCHANT_ID, "m1").customerKey(customer).amountMinor(500)
            .currency(ZAR).stamp(ids[1], 1_700_000_000_001L);
        other.apply(copy);
        copy.clear();
        copy.type(CommandType.PURCHASE).text(CommandEvent.TEXT_MERCHANT_ID, "m1").text(CommandEvent.TEXT_PRODUCT_ID, "airtime")
            .customerKey(customer).amountMinor(200).currency(ZAR).quantity(1).stamp(ids[2], 1_700_000_000_002L);
        other.apply(copy);

        assertEquals(ledger.stateHash(), other.stateHash());
        copy.clear();
        copy.type(CommandType.PAY_IN).text(CommandEvent.TEXT_MERCHANT_ID, "m1").customerKey(customer).amountMinor(1)
            .currency(ZAR).stamp(4, 1_700_000_000_003L);
        other.apply(copy);
        assertNotEquals(ledger.stateHash(), other.stateHash());
    }

    @Test
    void shouldRoundTripEveryFieldThroughTheCodec()
    {
        event.clear();
        event.type(CommandType.PURCHASE)
            .text(CommandEvent.TEXT_MERCHANT_ID, "merchant-ü")
            .text(CommandEvent.TEXT_PRODUCT_ID, "prod 😀")
            .customerKey(77).counterpartyKey(-1).amountMinor(123).currency(ZAR).quantity(3)
            .stamp(42, 1_700_000_000_123L);
        final org.agrona.ExpandableArrayBuffer buffer = new org.agrona.ExpandableArrayBuffer();
        final int length = CommandCodec.encode(event, buffer, 8);
        assertEquals(CommandCodec.encodedLength(event), length);

        final CommandEvent decoded = new CommandEvent();
        assertTrue(CommandCodec.decode(buffer, 8, length, decoded));
        assertEquals(CommandType.PURCHASE, decoded.type());
        assertEquals(42, decoded.commandId());
        assertEquals(1_700_000_000_123L, decoded.timestampMs());
        assertEquals(77, decoded.customerKey());
        assertEquals(123, decoded.amountMinor());
        assertEquals(ZAR, decoded.currency());
        assertEquals(3, decoded.quantity());
        assertEquals("merchant-ü", decoded.textString(CommandEvent.TEXT_MERCHANT_ID));
        assertEquals("prod 😀", decoded.textString(CommandEvent.TEXT_PRODUCT_ID));
        assertEquals(null, decoded.textString(CommandEvent.TEXT_EMAIL));
        assertEquals(false, CommandCodec.decode(buffer, 8, length - 1, decoded), "a short body must not decode");
    }
}
