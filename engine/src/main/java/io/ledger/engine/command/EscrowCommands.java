package io.ledger.engine.command;

import static io.ledger.engine.Field.PURCHASE_KEY;
import static io.ledger.engine.internal.Money.CUSTOMER;
import static io.ledger.engine.internal.Money.HELD;
import static io.ledger.engine.internal.Money.MERCHANT;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.EntryType;
import io.ledger.engine.MasumiPurchaseRecord;
import io.ledger.engine.PurchaseRecord;
import io.ledger.engine.PurchaseStatus;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.CustomerBook;
import io.ledger.engine.internal.Deadlines;
import io.ledger.engine.internal.EntryLog;
import io.ledger.engine.internal.LedgerState;
import io.ledger.engine.internal.MasumiBook;
import io.ledger.engine.internal.MerchantBooks;
import io.ledger.engine.internal.Money;
import io.ledger.engine.internal.PurchaseBook;
import io.ledger.engine.internal.TextArena;

/**
 * The end of an escrowed purchase's hold: release (HELD to MERCHANT, {@code completed}) by the merchant or by itself at
 * its release time ({@link #onReleaseDeadline}, run by {@link DeadlineCommands}), or cancel (HELD to CUSTOMER,
 * {@code cancelled}, the cashback taken back in the same movement) by the merchant until its refundable window closes.
 * Only a held purchase can be released or cancelled ({@link ResultCode#PURCHASE_NOT_HELD}: released twice, released
 * after a cancel, cancelled after a release); a cancel after the window is {@link ResultCode#REFUND_WINDOW_CLOSED}.
 *
 * <p>The hold's state machine is {@link PurchaseStatus}; what a deadline does is decided here, by the purchase's state
 * ({@link #onReleaseDeadline}), so that a state a dialect adds (a refund requested before the deadline turning the
 * release into a cancel) is one more case in one place.
 *
 * <p>Single-threaded: ledger thread only. Allocates the purchase's new record.
 */
public final class EscrowCommands
{
    private final MerchantBooks merchants;
    private final CustomerBook customers;
    private final PurchaseBook purchases;
    private final Deadlines deadlines;
    private final EntryLog entries;
    private final Money money;
    private final MasumiBook masumi;

    public EscrowCommands(final LedgerState state, final Money money)
    {
        this.masumi = state.masumi();
        this.merchants = state.merchants();
        this.customers = state.customers();
        this.purchases = state.purchases();
        this.deadlines = state.deadlines();
        this.entries = state.entries();
        this.money = money;
    }

    public void register(final CommandTable table)
    {
        table.register(CommandType.RELEASE_PURCHASE, this::release)
            .register(CommandType.CANCEL_PURCHASE, this::cancel);
    }

    private void release(final CommandEvent event, final long timeMs)
    {
        final PurchaseRecord purchase = heldPurchase(event);
        if (purchase != null)
        {
            end(event, timeMs, purchase, PurchaseStatus.COMPLETED);
        }
    }

    private void cancel(final CommandEvent event, final long timeMs)
    {
        final PurchaseRecord purchase = heldPurchase(event);
        if (purchase == null)
        {
            return;
        }
        if (timeMs > purchase.refundableUntilMs())
        {
            event.resultObject(purchase);
            event.result(ResultCode.REFUND_WINDOW_CLOSED);
            return;
        }
        end(event, timeMs, purchase, PurchaseStatus.CANCELLED);
    }

    /**
     * Purchase {@code key}'s release time came at {@code timeMs}: what its state says happens then (a purchase still held
     * is released to its merchant; a Masumi purchase whose buyer requested a refund returns to the buyer instead), in
     * {@code scratch}, a command of the ledger's own. A movement that cannot
     * be posted (a balance would pass the limit, the history is full) leaves the purchase held, for the merchant to
     * release by hand.
     */
    void onReleaseDeadline(final CommandEvent scratch, final long timeMs, final long key)
    {
        final PurchaseRecord purchase = purchases.record(key);
        if (purchase != null && purchase.status() == PurchaseStatus.HELD)
        {
            final MasumiPurchaseRecord dialect = masumi.purchase(key);
            end(scratch, timeMs, purchase, dialect != null && dialect.refundRequested() ? PurchaseStatus.CANCELLED : PurchaseStatus.COMPLETED);
        }
    }

    /**
     * @return the held purchase the command names, or null with the refusal written (not found, or not held: then with
     * the purchase as {@code resultObject}, so that the reply can say what it is).
     */
    private PurchaseRecord heldPurchase(final CommandEvent event)
    {
        final PurchaseRecord purchase = purchases.view(event.get(PURCHASE_KEY), merchants.find(event));
        if (purchase == null)
        {
            event.result(ResultCode.PURCHASE_NOT_FOUND);
            return null;
        }
        if (purchase.status() != PurchaseStatus.HELD)
        {
            event.resultObject(purchase);
            event.result(ResultCode.PURCHASE_NOT_HELD);
            return null;
        }
        return purchase;
    }

    /** Moves the held money to the merchant ({@code COMPLETED}) or back to the customer ({@code CANCELLED}). */
    private void end(final CommandEvent event, final long timeMs, final PurchaseRecord purchase, final PurchaseStatus to)
    {
        final long key = purchase.key();
        final long customer = purchase.customerKey();
        final int merchant = customers.merchantOf(customer);
        money.begin(event, timeMs, null).text(productText(key));
        if (to == PurchaseStatus.COMPLETED)
        {
            money.report(MERCHANT, merchant)
                .leg(HELD, key, null, MERCHANT, merchant, EntryType.ESCROW_RELEASE, purchase.amountMinor(), purchase.currency(), key);
        }
        else
        {
            money.report(CUSTOMER, customer)
                .leg(HELD, key, null, CUSTOMER, customer, EntryType.ESCROW_CANCEL, purchase.amountMinor(), purchase.currency(), key);
            if (purchase.cashbackMinor() > 0)
            {
                money.leg(CUSTOMER, customer, EntryType.CUSTOMER_CASHBACK, MERCHANT, merchant, EntryType.MERCHANT_CASHBACK,
                    purchase.cashbackMinor(), purchase.currency(), key);
            }
        }
        if (!money.hasCapacity() || !money.post())
        {
            return;
        }
        final PurchaseRecord ended = purchase.withStatus(to, timeMs);
        purchases.replace(merchant, ended);
        deadlines.remove(key);
        event.resultKey(key);
        event.resultObject(ended);
    }

    /** @return the purchase's product id as the history holds it (its debit entry's text), for the entries that end it. */
    private long productText(final long key)
    {
        final int entry = purchases.purchaseEntry(key);
        return entry < 0 ? TextArena.NONE : entries.textRef(entry);
    }
}
