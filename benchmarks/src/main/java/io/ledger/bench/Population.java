package io.ledger.bench;

import java.util.function.Consumer;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.Ledger;
import io.ledger.engine.ResultCode;

/**
 * Builds the ledger every benchmark starts from: one merchant, {@code customers} customers, each paid in
 * {@link #PAY_IN_MINOR} in {@link #CURRENCY}. Customer {@code i} (0-based) gets commandId and key {@code i + 1};
 * the pay-ins follow, so the first free commandId is {@code 2 * customers + 1}.
 *
 * <p>Also fills purchase commands the same way for every benchmark. Not thread-safe: one thread at a time.
 */
public final class Population
{
    public static final String MERCHANT_ID = "merchant_bench";
    public static final String PRODUCT_ID = "prod_bench";
    public static final int CURRENCY = Currencies.pack("USD");
    public static final long PAY_IN_MINOR = 1_000_000_000L;
    public static final long PURCHASE_MINOR = 1;
    public static final long TIMESTAMP_MS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z: time enters through the command

    private Population()
    {
    }

    /** @return a ledger holding {@code customers} funded customers; throws if any set-up command was refused. */
    public static Ledger build(final int customers)
    {
        final Ledger ledger = new Ledger(CURRENCY);
        setUpCommands(customers, event -> applyOk(ledger, event));
        return ledger;
    }

    /**
     * As {@link #build(int)}, with the history sized up front: {@code historyEntries} entries and {@code textBytes} bytes
     * of texts allocated at construction, so that appending them allocates nothing.
     */
    public static Ledger build(final int customers, final int historyEntries, final int textBytes)
    {
        final Ledger ledger = new Ledger(CURRENCY, historyEntries, textBytes);
        setUpCommands(customers, event -> applyOk(ledger, event));
        return ledger;
    }

    /** @return the history entries the population's own commands made (one per pay-in). */
    public static long setUpEntries(final int customers)
    {
        return customers;
    }

    /**
     * Hands {@code sink} the population's commands in order, stamped: {@code customers} CREATE_CUSTOMERs, then a
     * PAY_IN of {@link #PAY_IN_MINOR} for each. The same event is reused for every call: the sink must not keep it.
     */
    public static void setUpCommands(final int customers, final Consumer<CommandEvent> sink)
    {
        final CommandEvent event = new CommandEvent();
        long commandId = 1;
        for (int i = 0; i < customers; i++)
        {
            event.clear();
            event.type(CommandType.CREATE_CUSTOMER)
                .text(Field.MERCHANT_ID, MERCHANT_ID)
                .text(Field.PHONE, "+1555" + i)
                .text(Field.METADATA_JSON, "{}")
                .stamp(commandId++, TIMESTAMP_MS);
            sink.accept(event);
        }
        for (int i = 0; i < customers; i++)
        {
            event.clear();
            event.type(CommandType.PAY_IN)
                .set(Field.CUSTOMER_KEY, customerKey(i))
                .set(Field.AMOUNT_MINOR, PAY_IN_MINOR)
                .set(Field.CURRENCY, CURRENCY)
                .text(Field.MERCHANT_ID, MERCHANT_ID)
                .stamp(commandId++, TIMESTAMP_MS);
            sink.accept(event);
        }
    }

    /** @return the first commandId after the population's own commands. */
    public static long firstFreeCommandId(final int customers)
    {
        return 2L * customers + 1;
    }

    /** @return the key of customer {@code i} (0-based). */
    public static long customerKey(final int i)
    {
        return i + 1;
    }

    /** Fills {@code event} (already cleared) with a purchase by customer {@code i}; the caller stamps it. */
    public static CommandEvent purchase(final CommandEvent event, final int i, final long amountMinor)
    {
        return event.type(CommandType.PURCHASE)
            .set(Field.CUSTOMER_KEY, customerKey(i))
            .set(Field.AMOUNT_MINOR, amountMinor)
            .set(Field.CURRENCY, CURRENCY)
            .set(Field.QUANTITY, 1)
            .text(Field.MERCHANT_ID, MERCHANT_ID)
            .text(Field.PRODUCT_ID, PRODUCT_ID);
    }

    /**
     * The checks every benchmark ends with: money is conserved, and the merchant holds exactly what
     * {@code purchasesOk} purchases of {@link #PURCHASE_MINOR} paid.
     */
    public static void verify(final Ledger ledger, final long purchasesOk, final long purchasesExpected)
    {
        ledger.checkConservation();
        if (purchasesOk != purchasesExpected)
        {
            throw new IllegalStateException("purchasesOk=" + purchasesOk + " purchasesExpected=" + purchasesExpected);
        }
        final long merchantMinor = ledger.merchantBalance(MERCHANT_ID, CURRENCY);
        if (merchantMinor != purchasesOk * PURCHASE_MINOR)
        {
            throw new IllegalStateException("merchantBalanceMinor=" + merchantMinor + " purchasesOk=" + purchasesOk);
        }
    }

    private static void applyOk(final Ledger ledger, final CommandEvent event)
    {
        ledger.apply(event);
        if (event.result() != ResultCode.OK)
        {
            throw new IllegalStateException("setUp commandId=" + event.commandId() + " type=" + event.type() + " result=" + event.result());
        }
    }
}
