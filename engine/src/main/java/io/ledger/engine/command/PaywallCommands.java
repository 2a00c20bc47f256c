package io.ledger.engine.command;

import static io.ledger.engine.Field.AMOUNT_MINOR;
import static io.ledger.engine.Field.AMOUNT_UNSCALED;
import static io.ledger.engine.Field.API_KEY_KEY;
import static io.ledger.engine.Field.CASHBACK_MINOR;
import static io.ledger.engine.Field.CASHBACK_UNSCALED;
import static io.ledger.engine.Field.CURRENCY;
import static io.ledger.engine.Field.DECIMAL_SCALE;
import static io.ledger.engine.Field.EXTERNAL_REFERENCE;

import io.ledger.engine.ApiDialect;
import io.ledger.engine.ApiKeyRecord;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.PurchaseRecord;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.ApiKeyBook;
import io.ledger.engine.internal.LedgerState;
import io.ledger.engine.internal.PurchaseBook;

/**
 * The Paywall dialect's wallet purchase (issue 15): the key first ({@link ApiKeyCommands#authenticate}, and it must be
 * the key {@code apiclientpublic} names), then exactly a {@link CommandType#PURCHASE} of the key's merchant, with every
 * rule of {@link PurchaseCommands}. The external reference is required (the adapter checks) so the purchase always keeps
 * a record; a repeat of it by the same customer answers that first purchase ({@code resultObject}, result OK,
 * {@link CommandEvent#replayed()} set) and moves no money, whatever else the repeat says.
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class PaywallCommands
{
    private final ApiKeyBook keys;
    private final PurchaseBook purchases;
    private final PurchaseCommands purchase;

    public PaywallCommands(final LedgerState state, final PurchaseCommands purchase)
    {
        this.keys = state.apiKeys();
        this.purchases = state.purchases();
        this.purchase = purchase;
    }

    public void register(final CommandTable table)
    {
        table.register(CommandType.PAYWALL_PURCHASE, this::purchase);
    }

    private void purchase(final CommandEvent event, final long timeMs)
    {
        final ApiKeyRecord key = ApiKeyCommands.authenticate(event, keys, ApiDialect.PAYWALL);
        if (key == null)
        {
            return;
        }
        if (event.get(API_KEY_KEY) != key.key())
        {
            event.result(ResultCode.API_KEY_NOT_FOUND);
            return;
        }
        if (!event.has(EXTERNAL_REFERENCE))
        {
            event.result(ResultCode.INVALID_FIELD);
            return;
        }
        if (!toMinorUnits(event, key))
        {
            return;
        }
        purchase.purchase(event, timeMs);
        if (event.result() == ResultCode.EXTERNAL_REFERENCE_USED)
        {
            final PurchaseRecord first = purchases.record(event.resultKey());
            if (first != null)
            {
                event.resultObject(first);
                event.replayed(true);
                event.result(ResultCode.OK);
            }
        }
    }

    /**
     * Writes the purchase's amount (and cashback amount) in minor units of the key's currency, and the currency, into the
     * event (fields the command does not declare: derived again by replay from the same journaled fields and key).
     *
     * @return false with the refusal written: {@link ResultCode#AMOUNT_TOO_PRECISE} for more decimals than the currency
     *         has, {@link ResultCode#INVALID_AMOUNT} / {@link ResultCode#INVALID_CASHBACK} for a value that is not positive
     *         or passes {@link CommandEvent#AMOUNT_MINOR_MAX}.
     */
    private static boolean toMinorUnits(final CommandEvent event, final ApiKeyRecord key)
    {
        final int scale = (int)event.get(DECIMAL_SCALE);
        if (scale < 0 || scale > SCALE_MAX)
        {
            event.result(ResultCode.INVALID_AMOUNT);
            return false;
        }
        if (scale > key.currencyDigits())
        {
            event.result(ResultCode.AMOUNT_TOO_PRECISE);
            return false;
        }
        final long factor = POWERS_OF_TEN[key.currencyDigits() - scale];
        final long amount = minor(event.get(AMOUNT_UNSCALED), factor);
        if (amount < 1)
        {
            event.result(ResultCode.INVALID_AMOUNT);
            return false;
        }
        event.set(AMOUNT_MINOR, amount).set(CURRENCY, key.currency());
        if (event.has(CASHBACK_UNSCALED))
        {
            final long cashback = minor(event.get(CASHBACK_UNSCALED), factor);
            if (cashback < 1)
            {
                event.result(ResultCode.INVALID_CASHBACK);
                return false;
            }
            event.set(CASHBACK_MINOR, cashback);
        }
        return true;
    }

    /** @return {@code unscaled * factor} when it is 1..{@link CommandEvent#AMOUNT_MINOR_MAX}, else -1. */
    private static long minor(final long unscaled, final long factor)
    {
        if (unscaled < 1 || unscaled > CommandEvent.AMOUNT_MINOR_MAX / factor)
        {
            return -1;
        }
        return unscaled * factor;
    }

    /** Largest {@code DECIMAL_SCALE}. */
    private static final int SCALE_MAX = 18;
    private static final long[] POWERS_OF_TEN = new long[SCALE_MAX + 1];

    static
    {
        long power = 1;
        for (int i = 0; i <= SCALE_MAX; i++)
        {
            POWERS_OF_TEN[i] = power;
            power *= 10;
        }
    }
}
