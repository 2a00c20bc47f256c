package io.ledger.engine.command;

import static io.ledger.engine.Field.AMOUNT_MINOR;
import static io.ledger.engine.Field.DESCRIPTION;
import static io.ledger.engine.Field.PAGE_LIMIT;
import static io.ledger.engine.Field.PAGE_OFFSET;
import static io.ledger.engine.Field.PURCHASE_KEY;
import static io.ledger.engine.internal.Money.CUSTOMER;
import static io.ledger.engine.internal.Money.MERCHANT;

import java.util.List;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.EntryType;
import io.ledger.engine.PurchaseRecord;
import io.ledger.engine.PurchaseStatus;
import io.ledger.engine.RefundRecord;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.LedgerState;
import io.ledger.engine.internal.MerchantBooks;
import io.ledger.engine.internal.Money;
import io.ledger.engine.internal.PurchaseBook;

/**
 * Refunds: money back from the merchant to the customer of a completed purchase (MERCHANT to CUSTOMER, both entries
 * linked to the purchase), each its own command and record, and a purchase's refunds listed newest first.
 *
 * <p>Rules, in the order they refuse: the purchase must be the merchant's ({@link ResultCode#PURCHASE_NOT_FOUND}); a held
 * purchase is cancelled, not refunded ({@link ResultCode#PURCHASE_HELD}); the amount, when given, is 1 to 2^53 - 1
 * ({@link ResultCode#INVALID_AMOUNT}), and without one the refund is all that is left; the refunds never add up to more
 * than the part of the purchase paid in cash (gift balances were the merchant's promotion: not paid back in cash), so a
 * larger one, or any once the purchase is cancelled or fully refunded, is {@link ResultCode#REFUND_EXCEEDS_PURCHASE}; at
 * most {@link #PER_PURCHASE_MAX} refunds ({@link ResultCode#LIMIT_EXCEEDED}); then the merchant must cover it
 * ({@link ResultCode#INSUFFICIENT_MERCHANT_FUNDS}). A refund does not take back the purchase's cashback.
 *
 * <p>Single-threaded: ledger thread only. A refund allocates its record and the purchase's new one.
 */
public final class RefundCommands
{
    /** Most refunds one purchase may have. */
    public static final int PER_PURCHASE_MAX = 100;

    private final MerchantBooks merchants;
    private final PurchaseBook purchases;
    private final Money money;

    public RefundCommands(final LedgerState state, final Money money)
    {
        this.merchants = state.merchants();
        this.purchases = state.purchases();
        this.money = money;
    }

    public void register(final CommandTable table)
    {
        table.register(CommandType.REFUND_PURCHASE, this::refund)
            .register(CommandType.LIST_PURCHASE_REFUNDS, this::list);
    }

    private void refund(final CommandEvent event, final long timeMs)
    {
        final int merchant = merchants.find(event);
        final PurchaseRecord purchase = purchases.view(event.get(PURCHASE_KEY), merchant);
        if (purchase == null)
        {
            event.result(ResultCode.PURCHASE_NOT_FOUND);
            return;
        }
        if (purchase.status() == PurchaseStatus.HELD)
        {
            event.resultObject(purchase);
            event.result(ResultCode.PURCHASE_HELD);
            return;
        }
        final long left = purchase.refundableMinor();
        final long amount = event.has(AMOUNT_MINOR) ? event.get(AMOUNT_MINOR) : left;
        if (event.has(AMOUNT_MINOR) && (amount < 1 || amount > CommandEvent.AMOUNT_MINOR_MAX))
        {
            event.result(ResultCode.INVALID_AMOUNT);
            return;
        }
        if (left == 0 || amount > left)
        {
            event.resultObject(purchase);
            event.result(ResultCode.REFUND_EXCEEDS_PURCHASE);
            return;
        }
        if (purchase.refunds().size() >= PER_PURCHASE_MAX)
        {
            event.result(ResultCode.LIMIT_EXCEEDED);
            return;
        }
        final long customer = purchase.customerKey();
        money.begin(event, timeMs, DESCRIPTION).report(CUSTOMER, customer)
            .leg(MERCHANT, merchant, EntryType.MERCHANT_REFUND, CUSTOMER, customer, EntryType.CUSTOMER_REFUND, amount, purchase.currency(),
                purchase.key());
        if (!money.hasCapacity() || !money.post())
        {
            return;
        }
        final RefundRecord refund = new RefundRecord(event.commandId(), purchase.key(), purchase.merchantId(), customer, amount,
            purchase.currency(), event.textString(DESCRIPTION), event.balanceAfterMinor(), timeMs);
        purchases.replace(merchant, purchase.withRefund(refund));
        event.resultObject(refund);
    }

    /** A purchase's refunds, newest first. */
    private void list(final CommandEvent event, final long timeMs)
    {
        final PurchaseRecord purchase = purchases.view(event.get(PURCHASE_KEY), merchants.find(event));
        if (purchase == null)
        {
            event.result(ResultCode.PURCHASE_NOT_FOUND);
            return;
        }
        final List<RefundRecord> refunds = purchase.refunds();
        event.rowTotal(refunds.size());
        final int limit = (int)event.get(PAGE_LIMIT);
        for (int i = refunds.size() - 1 - (int)event.get(PAGE_OFFSET); i >= 0 && event.rowCount() < limit; i--)
        {
            event.addRow(refunds.get(i));
        }
        event.resultKey(purchase.key());
        event.result(ResultCode.OK);
    }
}
