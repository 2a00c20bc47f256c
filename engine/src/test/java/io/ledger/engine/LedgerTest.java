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
            .text(Field.MERCHANT_ID, merchant)
            .text(Field.PHONE, "+27821234567")
            .text(Field.EMAIL, email)
            .text(Field.METADATA_JSON, "{}")
            .stamp(nextCommandId++, nowMs++);
        ledger.apply(event);
        assertEquals(ResultCode.OK, event.result());
        return event.customer().key();
    }

    private ResultCode payIn(final String merchant, final long customer, final long amount, final int currency)
    {
        event.clear();
        event.type(CommandType.PAY_IN)
            .text(Field.MERCHANT_ID, merchant)
            .set(Field.CUSTOMER_KEY, customer)
            .set(Field.AMOUNT_MINOR, amount)
            .set(Field.CURRENCY, currency)
            .stamp(nextCommandId++, nowMs++);
        ledger.apply(event);
        return event.result();
    }

    private ResultCode purchase(final String merchant, final long customer, final long amount, final int currency)
    {
        event.clear();
        event.type(CommandType.PURCHASE)
            .text(Field.MERCHANT_ID, merchant)
            .text(Field.PRODUCT_ID, "airtime")
            .set(Field.CUSTOMER_KEY, customer)
            .set(Field.AMOUNT_MINOR, amount)
            .set(Field.CURRENCY, currency)
            .set(Field.QUANTITY, 1)
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
        event.type(CommandType.GET_CUSTOMER).text(Field.MERCHANT_ID, "m2").set(Field.CUSTOMER_KEY, customer);
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
            .text(Field.MERCHANT_ID, "m1")
            .text(Field.PHONE, "+1")
            .text(Field.EMAIL, "jane@example.COM")
            .text(Field.METADATA_JSON, "{}")
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
        final Ids ids = Ids.UNSALTED;
        assertEquals(customer, ids.parse(IdKind.CUSTOMER, ids.format(IdKind.CUSTOMER, record.key())));
        assertEquals(-1, ids.parse(IdKind.CUSTOMER, "cus_nothing"));
        assertEquals(-1, ids.parse(IdKind.PURCHASE, ids.format(IdKind.CUSTOMER, record.key())));
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
        copy.type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, "m1").text(Field.PHONE, "+27821234567")
            .text(Field.EMAIL, "x@y.z").text(Field.METADATA_JSON, "{}").stamp(ids[0], 1_700_000_000_000L);
        other.apply(copy);
        copy.clear();
        copy.type(CommandType.PAY_IN).text(Field.MERCHANT_ID, "m1").set(Field.CUSTOMER_KEY, customer).set(Field.AMOUNT_MINOR, 500)
            .set(Field.CURRENCY, ZAR).stamp(ids[1], 1_700_000_000_001L);
        other.apply(copy);
        copy.clear();
        copy.type(CommandType.PURCHASE).text(Field.MERCHANT_ID, "m1").text(Field.PRODUCT_ID, "airtime")
            .set(Field.CUSTOMER_KEY, customer).set(Field.AMOUNT_MINOR, 200).set(Field.CURRENCY, ZAR).set(Field.QUANTITY, 1).stamp(ids[2], 1_700_000_000_002L);
        other.apply(copy);

        assertEquals(ledger.stateHash(), other.stateHash());
        copy.clear();
        copy.type(CommandType.PAY_IN).text(Field.MERCHANT_ID, "m1").set(Field.CUSTOMER_KEY, customer).set(Field.AMOUNT_MINOR, 1)
            .set(Field.CURRENCY, ZAR).stamp(4, 1_700_000_000_003L);
        other.apply(copy);
        assertNotEquals(ledger.stateHash(), other.stateHash());
    }

    @Test
    void shouldRoundTripEveryFieldThroughTheCodec()
    {
        event.clear();
        event.type(CommandType.PURCHASE)
            .text(Field.MERCHANT_ID, "merchant-ü")
            .text(Field.PRODUCT_ID, "prod 😀")
            .set(Field.CUSTOMER_KEY, 77).set(Field.AMOUNT_MINOR, 123).set(Field.CURRENCY, ZAR).set(Field.QUANTITY, 3)
            .stamp(42, 1_700_000_000_123L);
        final org.agrona.ExpandableArrayBuffer buffer = new org.agrona.ExpandableArrayBuffer();
        final int length = CommandCodec.encode(event, buffer, 8);
        assertEquals(CommandCodec.encodedLength(event), length);

        final CommandEvent decoded = new CommandEvent();
        assertTrue(CommandCodec.decode(buffer, 8, length, decoded));
        assertEquals(CommandType.PURCHASE, decoded.type());
        assertEquals(42, decoded.commandId());
        assertEquals(1_700_000_000_123L, decoded.timestampMs());
        assertEquals(77, decoded.get(Field.CUSTOMER_KEY));
        assertEquals(123, decoded.get(Field.AMOUNT_MINOR));
        assertEquals(ZAR, decoded.get(Field.CURRENCY));
        assertEquals(3, decoded.get(Field.QUANTITY));
        assertEquals("merchant-ü", decoded.textString(Field.MERCHANT_ID));
        assertEquals("prod 😀", decoded.textString(Field.PRODUCT_ID));
        assertEquals(null, decoded.textString(Field.EMAIL));
        assertEquals(false, CommandCodec.decode(buffer, 8, length - 1, decoded), "a short body must not decode");
    }
}
