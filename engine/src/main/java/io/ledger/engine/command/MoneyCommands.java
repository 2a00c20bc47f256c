package io.ledger.engine.command;

import static io.ledger.engine.Field.AMOUNT_MINOR;
import static io.ledger.engine.Field.CURRENCY;
import static io.ledger.engine.Field.CUSTOMER_KEY;
import static io.ledger.engine.Field.DESCRIPTION;
import static io.ledger.engine.Field.METADATA_JSON;
import static io.ledger.engine.Field.TO_CUSTOMER_KEY;
import static io.ledger.engine.internal.Money.CUSTOMER;
import static io.ledger.engine.internal.Money.EXTERNAL;
import static io.ledger.engine.internal.Money.MERCHANT;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.EntryType;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.CustomerBook;
import io.ledger.engine.internal.LedgerState;
import io.ledger.engine.internal.MerchantBooks;
import io.ledger.engine.internal.Money;

/**
 * Money movement: pay-in (the world to a customer), transfer (a customer to another of the same merchant) and payout (a
 * merchant to the world); purchases have their own family ({@link PurchaseCommands}). Each checks who may move what,
 * then leaves the movement itself to {@link Money}; the order of the checks is the order of the refusals clients see.
 *
 * <p>Single-threaded: ledger thread only. Pay-ins, purchases, transfers and payouts allocate nothing once warm.
 */
public final class MoneyCommands
{
    private final MerchantBooks merchants;
    private final CustomerBook customers;
    private final Money money;

    public MoneyCommands(final LedgerState state, final Money money)
    {
        this.merchants = state.merchants();
        this.customers = state.customers();
        this.money = money;
    }

    public void register(final CommandTable table)
    {
        table.register(CommandType.PAY_IN, this::payIn)
            .register(CommandType.TRANSFER, this::transfer)
            .register(CommandType.PAYOUT, this::payout);
    }

    private void payIn(final CommandEvent event, final long timeMs)
    {
        final long customer = event.get(CUSTOMER_KEY);
        if (payingMerchant(event, merchants, customers, customer) < 0)
        {
            return;
        }
        money.begin(event, timeMs, DESCRIPTION)
            .leg(EXTERNAL, -1, null, CUSTOMER, customer, EntryType.PAY_IN, event.get(AMOUNT_MINOR), (int)event.get(CURRENCY));
        if (money.hasCapacity())
        {
            money.post();
        }
    }

    /** {@code CUSTOMER_KEY} pays {@code TO_CUSTOMER_KEY}, another customer of the same merchant. */
    private void transfer(final CommandEvent event, final long timeMs)
    {
        final long from = event.get(CUSTOMER_KEY);
        final int merchant = payingMerchant(event, merchants, customers, from);
        if (merchant < 0)
        {
            return;
        }
        final long to = event.get(TO_CUSTOMER_KEY);
        money.begin(event, timeMs, DESCRIPTION).leg(CUSTOMER, from, EntryType.TRANSFER_OUT, CUSTOMER, to, EntryType.TRANSFER_IN,
            event.get(AMOUNT_MINOR), (int)event.get(CURRENCY));
        if (!money.hasCapacity())
        {
            return;
        }
        if (!customers.ownedBy(to, merchant))
        {
            event.result(ResultCode.COUNTERPARTY_NOT_FOUND);
            return;
        }
        if (from == to)
        {
            event.result(ResultCode.INVALID_FIELD);
            return;
        }
        if (money.post())
        {
            merchants.book(merchant).transferEntries().addInt(money.debitEntry(0));
        }
    }

    /** Takes money out of the ledger from the merchant's balance, to its bank account. */
    private void payout(final CommandEvent event, final long timeMs)
    {
        if (!Money.validAmount(event))
        {
            return;
        }
        if (!event.has(METADATA_JSON))
        {
            event.result(ResultCode.INVALID_FIELD);
            return;
        }
        final int merchant = merchants.find(event);
        final long amount = event.get(AMOUNT_MINOR);
        final int currency = (int)event.get(CURRENCY);
        if (!money.begin(event, timeMs, DESCRIPTION).leg(MERCHANT, merchant, EntryType.PAYOUT, EXTERNAL, -1, null, amount, currency)
            .post())
        {
            return;
        }
        merchants.addPayout(merchant, event, event.commandId(), timeMs);
        event.resultPayoutFromCommand(); // the reply's PayoutRecord is made from the command where it is read, off this thread
    }

    /**
     * The checks every movement of a customer's money starts with: a valid amount and currency, and a customer of the
     * command's merchant.
     *
     * @return the merchant's index, or -1 with the refusal written.
     */
    static int payingMerchant(final CommandEvent event, final MerchantBooks merchants, final CustomerBook customers, final long customer)
    {
        if (!Money.validAmount(event))
        {
            return -1;
        }
        final int merchant = merchants.find(event);
        if (!customers.ownedBy(customer, merchant))
        {
            event.result(ResultCode.CUSTOMER_NOT_FOUND);
            return -1;
        }
        return merchant;
    }
}
