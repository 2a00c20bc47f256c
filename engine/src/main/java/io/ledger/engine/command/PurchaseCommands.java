package io.ledger.engine.command;

import static io.ledger.engine.Field.AMOUNT_MINOR;
import static io.ledger.engine.Field.CASHBACK_BASIS_POINTS;
import static io.ledger.engine.Field.CASHBACK_MINOR;
import static io.ledger.engine.Field.CURRENCY;
import static io.ledger.engine.Field.CUSTOMER_KEY;
import static io.ledger.engine.Field.DESCRIPTION;
import static io.ledger.engine.Field.EXTERNAL_REFERENCE;
import static io.ledger.engine.Field.PRODUCT_ID;
import static io.ledger.engine.Field.QUANTITY;
import static io.ledger.engine.Field.REFUNDABLE_UNTIL_MS;
import static io.ledger.engine.Field.RELEASE_AT_MS;
import static io.ledger.engine.Field.USE_GIFT_BALANCE;
import static io.ledger.engine.internal.Money.CUSTOMER;
import static io.ledger.engine.internal.Money.GIFT;
import static io.ledger.engine.internal.Money.HELD;
import static io.ledger.engine.internal.Money.MERCHANT;

import java.util.ArrayList;
import java.util.List;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.EntryType;
import io.ledger.engine.PurchaseRecord;
import io.ledger.engine.PurchaseStatus;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.CustomerBook;
import io.ledger.engine.internal.Deadlines;
import io.ledger.engine.internal.GiftBook;
import io.ledger.engine.internal.LedgerState;
import io.ledger.engine.internal.MerchantBooks;
import io.ledger.engine.internal.Money;
import io.ledger.engine.internal.PurchaseBook;

/**
 * A purchase: a customer pays its merchant, in one movement of {@link Money} with up to three parts, all or nothing:
 *
 * <pre>
 *   [GIFT g -> CUSTOMER]*            gift balances spent first (useGiftBalance), each a customer credit linked to g
 *   CUSTOMER -> MERCHANT | HELD p    the whole amount: to the merchant, or held for it (escrow) under the purchase p
 *   [MERCHANT -> CUSTOMER]           cashback, after the debit (so it cannot pay for the purchase itself)
 * </pre>
 *
 * The order of refusals: quantity, amount and currency, customer; then the features' own rules (an escrow's times, no
 * gift balances with escrow, the cashback, the external reference not used by this customer before); then what
 * {@link Money#post()} refuses (the customer cannot pay, the merchant cannot fund the cashback of a held purchase, a
 * balance would pass the limit, capacity).
 *
 * <p>Decisions: cashback is paid at once, also for an escrowed purchase; a plain purchase's merchant credit covers it (a
 * cashback is at most the amount), a held purchase's does not, so the merchant then funds it from its balance
 * ({@link ResultCode#INSUFFICIENT_MERCHANT_FUNDS} when it cannot), and a cancel takes it back. Gift balances cannot pay
 * for an escrowed purchase (a cancel would have to decide what becomes of promotion money, and no client needs both).
 *
 * <p>A plain purchase (no feature) keeps no record and allocates nothing once warm; one with a feature keeps a
 * {@link PurchaseRecord}, which the reply shows.
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class PurchaseCommands
{
    /** Largest cashback share, in basis points: all of the purchase. */
    public static final int CASHBACK_BASIS_POINTS_MAX = 10_000;

    private static final long INVALID = -2;

    private final MerchantBooks merchants;
    private final CustomerBook customers;
    private final PurchaseBook purchases;
    private final Deadlines deadlines;
    private final GiftCommands gifts;
    private final Money money;
    private final long[] giftKeys = new long[GiftBook.ACTIVE_PER_CUSTOMER_MAX];
    private final long[] giftAmounts = new long[GiftBook.ACTIVE_PER_CUSTOMER_MAX];

    public PurchaseCommands(final LedgerState state, final Money money, final GiftCommands gifts)
    {
        this.merchants = state.merchants();
        this.customers = state.customers();
        this.purchases = state.purchases();
        this.deadlines = state.deadlines();
        this.gifts = gifts;
        this.money = money;
    }

    public void register(final CommandTable table)
    {
        table.register(CommandType.PURCHASE, this::purchase);
    }

    /** Applies a {@link CommandType#PURCHASE}, or a dialect's purchase once its merchant is known (package-private for them). */
    void purchase(final CommandEvent event, final long timeMs)
    {
        if (event.get(QUANTITY) < 0)
        {
            event.result(ResultCode.INVALID_FIELD);
            return;
        }
        final long customer = event.get(CUSTOMER_KEY);
        final int merchant = MoneyCommands.payingMerchant(event, merchants, customers, customer);
        if (merchant < 0 || !featuresValid(event, timeMs))
        {
            return;
        }
        final long amount = event.get(AMOUNT_MINOR);
        final long cashback = cashbackMinor(event, amount);
        String reference = null;
        if (event.has(EXTERNAL_REFERENCE))
        {
            reference = event.textString(EXTERNAL_REFERENCE);
            final long used = purchases.customerPurchaseWithReference(merchant, customer, reference);
            if (used >= 0)
            {
                event.resultKey(used);
                event.result(ResultCode.EXTERNAL_REFERENCE_USED);
                return;
            }
        }
        final long key = event.commandId();
        final int currency = (int)event.get(CURRENCY);
        final boolean escrow = event.has(RELEASE_AT_MS);
        money.begin(event, timeMs, PRODUCT_ID).report(CUSTOMER, customer);
        final int giftsUsed = event.getBoolean(USE_GIFT_BALANCE) ? gifts.choose(customer, currency, amount, timeMs, giftKeys, giftAmounts) : 0;
        for (int i = 0; i < giftsUsed; i++)
        {
            money.leg(GIFT, giftKeys[i], null, CUSTOMER, customer, EntryType.GIFT_SPEND, giftAmounts[i], currency, giftKeys[i]);
        }
        if (escrow)
        {
            money.leg(CUSTOMER, customer, EntryType.PURCHASE, HELD, key, null, amount, currency);
        }
        else
        {
            money.leg(CUSTOMER, customer, EntryType.PURCHASE, MERCHANT, merchant, EntryType.SALE, amount, currency);
        }
        if (cashback > 0)
        {
            money.leg(MERCHANT, merchant, EntryType.MERCHANT_CASHBACK, CUSTOMER, customer, EntryType.CUSTOMER_CASHBACK, cashback, currency, key);
        }
        if (!money.hasCapacity() || !money.post())
        {
            return;
        }
        final int entry = money.debitEntry(giftsUsed); // the purchase's customer debit: its place in the history
        if (!usesFeatures(event))
        {
            purchases.addPlain(merchant, entry);
            return;
        }
        final PurchaseRecord purchase = new PurchaseRecord(key, merchants.id(merchant), customer, amount, currency,
            event.textString(PRODUCT_ID), event.textString(DESCRIPTION), reference, escrow ? PurchaseStatus.HELD : PurchaseStatus.COMPLETED,
            0, List.of(), escrow ? event.get(RELEASE_AT_MS) : PurchaseRecord.NOT_ESCROWED, escrow ? refundableUntil(event) : PurchaseRecord.NOT_ESCROWED,
            event.getBoolean(USE_GIFT_BALANCE) ? giftUses(giftsUsed, timeMs) : null, cashback, event.balanceBeforeMinor(),
            event.balanceAfterMinor(), timeMs, timeMs);
        purchases.add(merchant, entry, purchase);
        if (escrow)
        {
            deadlines.add(purchase.releaseAtMs(), Deadlines.RELEASE_HOLD, key);
        }
        event.resultObject(purchase);
    }

    /**
     * An escrow's times (a release after now and at most {@link GiftCommands#DEADLINE_AHEAD_MS_MAX} ahead, a refundable
     * window from now to at most the release), no refundable window without escrow, no gift balances with escrow, and a
     * cashback that is one positive amount or share of at most the purchase.
     *
     * @return false with the refusal written.
     */
    private static boolean featuresValid(final CommandEvent event, final long timeMs)
    {
        final boolean escrow = event.has(RELEASE_AT_MS);
        if (!escrow && event.has(REFUNDABLE_UNTIL_MS) || escrow && event.getBoolean(USE_GIFT_BALANCE))
        {
            event.result(ResultCode.INVALID_FIELD);
            return false;
        }
        if (escrow)
        {
            final long releaseAt = event.get(RELEASE_AT_MS);
            final long refundableUntil = refundableUntil(event);
            if (!GiftCommands.ahead(releaseAt, timeMs) || refundableUntil < timeMs || refundableUntil > releaseAt)
            {
                event.result(ResultCode.INVALID_DEADLINE);
                return false;
            }
        }
        if (cashbackMinor(event, event.get(AMOUNT_MINOR)) == INVALID)
        {
            event.result(ResultCode.INVALID_CASHBACK);
            return false;
        }
        return true;
    }

    /**
     * @return the cashback of a purchase of {@code amountMinor}: the amount asked for, or the share asked for rounded
     * down to the minor unit (exactly, without overflow: {@code a * bp / 10000} as {@code (a / 10000) * bp +
     * (a % 10000) * bp / 10000}); -1 when none was asked for, {@link #INVALID} when both or an impossible one were.
     */
    static long cashbackMinor(final CommandEvent event, final long amountMinor)
    {
        final boolean byAmount = event.has(CASHBACK_MINOR);
        final boolean byShare = event.has(CASHBACK_BASIS_POINTS);
        if (!byAmount && !byShare)
        {
            return -1;
        }
        if (byAmount && byShare)
        {
            return INVALID;
        }
        if (byAmount)
        {
            final long cashback = event.get(CASHBACK_MINOR);
            return cashback >= 1 && cashback <= amountMinor ? cashback : INVALID;
        }
        final long basisPoints = event.get(CASHBACK_BASIS_POINTS);
        if (basisPoints < 1 || basisPoints > CASHBACK_BASIS_POINTS_MAX)
        {
            return INVALID;
        }
        return amountMinor / CASHBACK_BASIS_POINTS_MAX * basisPoints + amountMinor % CASHBACK_BASIS_POINTS_MAX * basisPoints / CASHBACK_BASIS_POINTS_MAX;
    }

    private static long refundableUntil(final CommandEvent event)
    {
        return event.has(REFUNDABLE_UNTIL_MS) ? event.get(REFUNDABLE_UNTIL_MS) : event.get(RELEASE_AT_MS);
    }

    /** @return true when the purchase used a feature, so that it keeps a record: else it is a plain Cashful purchase. */
    private static boolean usesFeatures(final CommandEvent event)
    {
        return event.has(DESCRIPTION) || event.has(EXTERNAL_REFERENCE) || event.has(RELEASE_AT_MS) || event.getBoolean(USE_GIFT_BALANCE)
            || event.has(CASHBACK_MINOR) || event.has(CASHBACK_BASIS_POINTS);
    }

    /** Records what the chosen gift balances gave, and returns it. */
    private List<PurchaseRecord.GiftUse> giftUses(final int count, final long timeMs)
    {
        final List<PurchaseRecord.GiftUse> uses = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            uses.add(new PurchaseRecord.GiftUse(giftKeys[i], giftAmounts[i]));
            gifts.spent(giftKeys[i], giftAmounts[i], timeMs);
        }
        return List.copyOf(uses);
    }
}
