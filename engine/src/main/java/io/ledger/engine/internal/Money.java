package io.ledger.engine.internal;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.Currencies;
import io.ledger.engine.EntryType;
import io.ledger.engine.Field;
import io.ledger.engine.Ids;
import io.ledger.engine.MoneyTotals;
import io.ledger.engine.ResultCode;

/**
 * The one place money moves. A movement is one or more legs; each leg debits one account and credits another by an
 * amount of minor units in one currency. An account is a (kind, key, currency): a {@link #CUSTOMER} (key: customer
 * key), a {@link #MERCHANT} (key: merchant index), a {@link #HELD} escrow hold (key: the purchase's key), a
 * {@link #GIFT} balance (key: the gift balance's key), or {@link #EXTERNAL}, the world outside the ledger (debited by a
 * pay-in, credited by a payout; tracked as the totals paid in and paid out per currency). So pay-in is EXTERNAL to
 * CUSTOMER, purchase CUSTOMER to MERCHANT, transfer CUSTOMER to CUSTOMER, payout MERCHANT to EXTERNAL, refund MERCHANT
 * to CUSTOMER; cashback is a second leg MERCHANT to CUSTOMER of the same purchase; an escrowed purchase is CUSTOMER to
 * HELD, then HELD to MERCHANT (release) or HELD to CUSTOMER (cancel); a gift balance is MERCHANT to GIFT, spent GIFT to
 * CUSTOMER just before the purchase's debit, and its remainder GIFT to MERCHANT when it expires.
 *
 * <pre>
 *   money.begin(event, timeMs, Field.PRODUCT_ID)                                   the text every entry refers to
 *        .leg(CUSTOMER, customer, EntryType.PURCHASE, MERCHANT, merchant, EntryType.SALE, amount, currency);
 *   if (money.hasCapacity() &amp;&amp; money.post()) { ...the family's own bookkeeping... }
 * </pre>
 *
 * <p>HELD and GIFT accounts have balances but no history of their own: their movements show in the customer's and
 * merchant's histories. A leg may carry a link, the key of the purchase or gift balance its entries belong to (see
 * {@link EntryType#relatedByLink()}); a customer-to-customer leg's entries link the other customer instead.
 *
 * <p>{@link #post()} validates every leg before it applies any, on a simulation of the balances the earlier legs leave
 * (so leg 2 may spend what leg 1 credits), in this order: the debited account covers the amount (not checked for
 * EXTERNAL), there is room in the history ({@link #hasCapacity()}), no credited balance passes
 * {@link CommandEvent#AMOUNT_MINOR_MAX}, the totals paid in and out do not overflow a {@code long}. Only then does it
 * write: balances, totals (and the running {@link MoneyTotals}), one text for the command, one history entry per customer
 * or merchant side (debit negative, credit positive, each chained to its account's previous entry, with the leg's link),
 * each credited customer or merchant account's first currency, and the result fields: the balance before and after of
 * the {@linkplain #report reported} account (by default leg 0's paying account, its credited one when the payer is
 * EXTERNAL), the command id as {@code resultKey}, {@link ResultCode#OK}. A refusal
 * writes its code (and, for missing funds, the paying account's balance as before and after) and changes nothing.
 *
 * <p>All or nothing across commands (a linked chain of a batch) is a dry run first: between {@link #beginDryRun()} and
 * {@link #endDryRun()}, {@link #post()} validates as always but writes nothing to the ledger: it keeps the balances
 * and totals its legs leave in an overlay that later movements of the dry run read instead of the ledger's, counts the
 * history entries and text bytes they would need (so capacity is checked for the run as a whole), writes
 * {@link ResultCode#OK} and returns false, so that the family stops before its own bookkeeping. Only when every command
 * of the chain passed is it applied for real, in the same order, over the same state: it then passes again. Nothing
 * is undone because nothing was written.
 *
 * <p>Single-threaded: ledger thread only. Allocation-free once the maps and history are warm.
 */
public final class Money
{
    /** A customer's account; key: the customer key. Same value as {@link EntryLog#ACCOUNT_CUSTOMER}. */
    public static final int CUSTOMER = EntryLog.ACCOUNT_CUSTOMER;
    /** A merchant's account; key: the merchant index. Same value as {@link EntryLog#ACCOUNT_MERCHANT}. */
    public static final int MERCHANT = EntryLog.ACCOUNT_MERCHANT;
    /** The world outside the ledger: no balance, no history; the totals paid in (debits) and out (credits). */
    public static final int EXTERNAL = 3;
    /** An escrowed purchase's hold; key: the purchase's key. A balance, no history. */
    public static final int HELD = 4;
    /** A gift balance; key: the gift balance's key. A balance, no history. */
    public static final int GIFT = 5;
    /** Most legs one movement has: a purchase spending every gift balance a customer may have, its debit and cashback. */
    public static final int LEGS_MAX = 24;

    /** Each leg loads at most two accounts (a leg from EXTERNAL to EXTERNAL is not a movement). */
    private static final int SIDES_MAX = 2 * LEGS_MAX;
    private static final long PAID_IN = 0;
    private static final long PAID_OUT = 1;

    private final Accounts accounts;
    private final MerchantBooks merchants;
    private final EntryLog entries;
    private final TextArena texts;

    private CommandEvent event;
    private long timeMs;
    private Field textField;
    private long existingText;
    private int reportKind;
    private long reportKey;
    private int legs;
    private final int[] debitKind = new int[LEGS_MAX];
    private final long[] debitKey = new long[LEGS_MAX];
    private final EntryType[] debitType = new EntryType[LEGS_MAX];
    private final int[] creditKind = new int[LEGS_MAX];
    private final long[] creditKey = new long[LEGS_MAX];
    private final EntryType[] creditType = new EntryType[LEGS_MAX];
    private final long[] amount = new long[LEGS_MAX];
    private final int[] currency = new int[LEGS_MAX];
    private final long[] link = new long[LEGS_MAX];
    private final int[] debitEntry = new int[LEGS_MAX];

    // The simulation's accounts: the balances (or totals) the legs validated so far leave.
    private int sides;
    private final int[] sideKind = new int[SIDES_MAX];
    private final long[] sideKey = new long[SIDES_MAX];
    private final int[] sideCurrency = new int[SIDES_MAX];
    private final long[] sideBefore = new long[SIDES_MAX];
    private final long[] sideValue = new long[SIDES_MAX];

    // The dry run (see the class comment): the accounts its movements touched, with the balance or total they left.
    private boolean dryRun;
    private int overlays;
    private int[] overlayKind;
    private long[] overlayKey;
    private int[] overlayCurrency;
    private long[] overlayValue;
    private int dryRunEntries;
    private long dryRunTextBytes;

    public Money(final Accounts accounts, final MerchantBooks merchants, final EntryLog entries, final TextArena texts)
    {
        this.accounts = accounts;
        this.merchants = merchants;
        this.entries = entries;
        this.texts = texts;
    }

    /**
     * The first check of every movement: the command's {@link Field#AMOUNT_MINOR} is 1..{@link CommandEvent#AMOUNT_MINOR_MAX}
     * and its {@link Field#CURRENCY} a packed code.
     *
     * @return false, with {@link ResultCode#INVALID_AMOUNT} or {@link ResultCode#INVALID_CURRENCY} written, when not.
     */
    public static boolean validAmount(final CommandEvent event)
    {
        final long amountMinor = event.get(Field.AMOUNT_MINOR);
        if (amountMinor <= 0 || amountMinor > CommandEvent.AMOUNT_MINOR_MAX)
        {
            event.result(ResultCode.INVALID_AMOUNT);
            return false;
        }
        if (!Currencies.isValid((int)event.get(Field.CURRENCY)))
        {
            event.result(ResultCode.INVALID_CURRENCY);
            return false;
        }
        return true;
    }

    /**
     * Starts a movement for {@code event}; the legs added next are posted all or none.
     *
     * @param textField the command's text every history entry of the movement refers to, or null for none.
     */
    public Money begin(final CommandEvent event, final long timeMs, final Field textField)
    {
        this.event = event;
        this.timeMs = timeMs;
        this.textField = textField;
        this.existingText = TextArena.NONE;
        this.reportKind = -1;
        this.legs = 0;
        return this;
    }

    /**
     * Makes every entry of the movement refer to a text the ledger already holds (a purchase's product id, when its
     * hold is released), instead of a text of the command.
     */
    public Money text(final long textRef)
    {
        this.textField = null;
        this.existingText = textRef;
        return this;
    }

    /** Reports the balance before and after of account ({@code kind}, {@code key}) instead of leg 0's payer's. */
    public Money report(final int kind, final long key)
    {
        this.reportKind = kind;
        this.reportKey = key;
        return this;
    }

    /** Adds a leg: {@code amountMinor} of {@code currency} from the debit account to the credit account. */
    public Money leg(
        final int debitKind, final long debitKey, final EntryType debitType,
        final int creditKind, final long creditKey, final EntryType creditType,
        final long amountMinor, final int currency)
    {
        return leg(debitKind, debitKey, debitType, creditKind, creditKey, creditType, amountMinor, currency, -1);
    }

    /**
     * Adds a leg whose entries carry {@code linkKey}: the purchase or gift balance they belong to (see
     * {@link EntryType#relatedByLink()}).
     */
    public Money leg(
        final int debitKind, final long debitKey, final EntryType debitType,
        final int creditKind, final long creditKey, final EntryType creditType,
        final long amountMinor, final int currency, final long linkKey)
    {
        if (legs == LEGS_MAX)
        {
            throw new IllegalStateException("legs=" + legs + " is the most one movement has");
        }
        final int leg = legs++;
        this.debitKind[leg] = debitKind;
        this.debitKey[leg] = debitKey;
        this.debitType[leg] = debitType;
        this.creditKind[leg] = creditKind;
        this.creditKey[leg] = creditKey;
        this.creditType[leg] = creditType;
        this.amount[leg] = amountMinor;
        this.currency[leg] = currency;
        this.link[leg] = linkKey;
        this.debitEntry[leg] = -1;
        return this;
    }

    /**
     * Whether the movement can be recorded: the command's id is below {@link Ids#KEY_LIMIT} (it becomes the public key
     * of what it made), and the history has room for its entries and its text (held in memory with {@code int}
     * indexes and offsets: refuse before anything changes rather than fail half-way). {@link #post()} checks it too;
     * a family calls it earlier where its own checks must come after it.
     *
     * @return false, with {@link ResultCode#CAPACITY_EXHAUSTED} written, when not.
     */
    public boolean hasCapacity()
    {
        int entriesNeeded = 0;
        for (int leg = 0; leg < legs; leg++)
        {
            entriesNeeded += (hasHistory(debitKind[leg]) ? 1 : 0) + (hasHistory(creditKind[leg]) ? 1 : 0);
        }
        final int textBytes = textField == null ? 0 : Math.max(0, event.textLength(textField));
        if (event.commandId() >= Ids.KEY_LIMIT || !entries.hasRoomFor(entriesNeeded + dryRunEntries)
            || dryRunTextBytes + textBytes > Integer.MAX_VALUE || !texts.hasRoomFor(textBytes + (int)dryRunTextBytes))
        {
            event.result(ResultCode.CAPACITY_EXHAUSTED);
            return false;
        }
        return true;
    }

    /**
     * Validates every leg, then applies them all (see the class comment).
     *
     * @return true when posted; false with the refusal written into the event, nothing changed.
     */
    public boolean post()
    {
        return legs == 1 && !dryRun && oneLegFastPathApplies() ? postOneLeg() : postLegs();
    }

    /** {@link #post()} for any number of legs, on the simulation; package-private so a test can hold the paths equal. */
    boolean postLegs()
    {
        if (!validate())
        {
            return false;
        }
        if (dryRun)
        {
            return passDryRun();
        }
        final long text = textField == null ? existingText
            : texts.append(event.textBuffer(), event.textOffset(textField), event.textLength(textField));
        System.arraycopy(sideBefore, 0, sideValue, 0, sides); // the simulation again, now writing as it goes
        for (int leg = 0; leg < legs; leg++)
        {
            final boolean betweenCustomers = debitKind[leg] == CUSTOMER && creditKind[leg] == CUSTOMER;
            final int debit = debitKind[leg] == EXTERNAL ? findSide(EXTERNAL, PAID_IN, currency[leg])
                : findSide(debitKind[leg], debitKey[leg], currency[leg]);
            debitEntry[leg] = moveSide(debit, debitType[leg], betweenCustomers ? creditKey[leg] : link[leg], -amount[leg], text);
            final int credit = creditKind[leg] == EXTERNAL ? findSide(EXTERNAL, PAID_OUT, currency[leg])
                : findSide(creditKind[leg], creditKey[leg], currency[leg]);
            moveSide(credit, creditType[leg], betweenCustomers ? debitKey[leg] : link[leg], amount[leg], text);
            accounts.totals().move(currency[leg], place(debitKind[leg]), place(creditKind[leg]), amount[leg]);
        }
        final int reported = reportKind < 0 ? findSide(payerKind(), payerKey(), currency[0]) : findSide(reportKind, reportKey, currency[0]);
        event.balances(sideBefore[reported], sideValue[reported]);
        event.resultKey(event.commandId());
        event.result(ResultCode.OK);
        return true;
    }

    /**
     * Whether the one leg can take {@link #postOneLeg()}: its two accounts differ, and the reported account is one of
     * them. (Every one-leg movement the families make qualifies; the general path handles the rest the same way.)
     */
    private boolean oneLegFastPathApplies()
    {
        final boolean sameAccount = debitKind[0] == creditKind[0] && debitKey[0] == creditKey[0];
        return !sameAccount && (reportKind < 0
            || (reportKind == debitKind[0] && reportKey == debitKey[0])
            || (reportKind == creditKind[0] && reportKey == creditKey[0]));
    }

    /**
     * {@link #post()} for one leg, the common case (pay-in, plain purchase, transfer, payout, release, refund): the same
     * checks in the same order with the same outcomes as the general path, but each account is looked up once and
     * written once, with no simulation table between.
     */
    private boolean postOneLeg()
    {
        final int dKind = debitKind[0];
        final long dKey = debitKey[0];
        final int cKind = creditKind[0];
        final long cKey = creditKey[0];
        final int currencyCode = currency[0];
        final long amountMinor = amount[0];
        final long debitBefore = dKind == EXTERNAL ? accounts.paidIn(currencyCode) : balanceOf(dKind, dKey, currencyCode);
        if (dKind != EXTERNAL && debitBefore < amountMinor)
        {
            event.balances(debitBefore, debitBefore);
            event.result(dKind == MERCHANT ? ResultCode.INSUFFICIENT_MERCHANT_FUNDS : ResultCode.INSUFFICIENT_FUNDS);
            return false;
        }
        final long creditBefore = cKind == EXTERNAL ? accounts.paidOut(currencyCode) : balanceOf(cKind, cKey, currencyCode);
        if (!hasCapacity())
        {
            return false;
        }
        final long overflowLimit = cKind == EXTERNAL ? Long.MAX_VALUE : CommandEvent.AMOUNT_MINOR_MAX;
        if (creditBefore > overflowLimit - amountMinor || (dKind == EXTERNAL && debitBefore > Long.MAX_VALUE - amountMinor))
        {
            event.result(ResultCode.AMOUNT_OVERFLOW);
            return false;
        }
        final long text = textField == null ? existingText
            : texts.append(event.textBuffer(), event.textOffset(textField), event.textLength(textField));
        final boolean betweenCustomers = dKind == CUSTOMER && cKind == CUSTOMER;
        final long debitAfter = dKind == EXTERNAL ? debitBefore + amountMinor : debitBefore - amountMinor;
        final long creditAfter = creditBefore + amountMinor;
        debitEntry[0] = move(dKind, dKind == EXTERNAL ? PAID_IN : dKey, currencyCode, debitAfter, debitType[0], betweenCustomers ? cKey : link[0],
            -amountMinor, text);
        move(cKind, cKind == EXTERNAL ? PAID_OUT : cKey, currencyCode, creditAfter, creditType[0], betweenCustomers ? dKey : link[0], amountMinor, text);
        accounts.totals().move(currencyCode, place(dKind), place(cKind), amountMinor);
        final boolean reportsCredit = reportKind < 0 ? dKind == EXTERNAL : reportKind == cKind && reportKey == cKey;
        if (reportsCredit)
        {
            event.balances(creditBefore, creditAfter);
        }
        else
        {
            event.balances(debitBefore, debitAfter);
        }
        event.resultKey(event.commandId());
        event.result(ResultCode.OK);
        return true;
    }

    /**
     * Starts a dry run: until {@link #endDryRun()}, movements are validated against the ledger as the earlier movements
     * of the run would leave it, and nothing is written (see the class comment).
     *
     * @param movementsMax the most movements the run will post: its overlay is sized for them (once, then kept).
     */
    public void beginDryRun(final int movementsMax)
    {
        final int sidesMax = movementsMax * SIDES_MAX;
        if (overlayKind == null || overlayKind.length < sidesMax)
        {
            overlayKind = new int[sidesMax];
            overlayKey = new long[sidesMax];
            overlayCurrency = new int[sidesMax];
            overlayValue = new long[sidesMax];
        }
        dryRun = true;
        overlays = 0;
        dryRunEntries = 0;
        dryRunTextBytes = 0;
    }

    /** Ends the dry run: movements write again, and read the ledger's own balances. */
    public void endDryRun()
    {
        dryRun = false;
        overlays = 0;
        dryRunEntries = 0;
        dryRunTextBytes = 0;
    }

    /**
     * A validated movement of a dry run: keeps what it leaves in the overlay and what it needs of the history, and
     * writes {@link ResultCode#OK} with the balances it would report.
     *
     * @return false: nothing was posted, so the family does none of its own bookkeeping.
     */
    private boolean passDryRun()
    {
        for (int side = 0; side < sides; side++)
        {
            int slot = findOverlay(sideKind[side], sideKey[side], sideCurrency[side]);
            if (slot < 0)
            {
                if (overlays == overlayKind.length)
                {
                    throw new IllegalStateException("overlays=" + overlays + ": the dry run posts more movements than it was sized for");
                }
                slot = overlays++;
                overlayKind[slot] = sideKind[side];
                overlayKey[slot] = sideKey[side];
                overlayCurrency[slot] = sideCurrency[side];
            }
            overlayValue[slot] = sideValue[side];
        }
        for (int leg = 0; leg < legs; leg++)
        {
            dryRunEntries += (hasHistory(debitKind[leg]) ? 1 : 0) + (hasHistory(creditKind[leg]) ? 1 : 0);
        }
        dryRunTextBytes += textField == null ? 0 : Math.max(0, event.textLength(textField));
        final int reported = reportKind < 0 ? findSide(payerKind(), payerKey(), currency[0]) : findSide(reportKind, reportKey, currency[0]);
        event.balances(sideBefore[reported], sideValue[reported]);
        event.result(ResultCode.OK);
        return false;
    }

    private int findOverlay(final int kind, final long key, final int currencyCode)
    {
        for (int slot = 0; slot < overlays; slot++)
        {
            if (overlayKind[slot] == kind && overlayKey[slot] == key && overlayCurrency[slot] == currencyCode)
            {
                return slot;
            }
        }
        return -1;
    }

    /** @return the history index of leg {@code leg}'s debit entry once posted, or -1 (EXTERNAL, or not posted). */
    public int debitEntry(final int leg)
    {
        return debitEntry[leg];
    }

    /** Runs the legs on the simulation; writes the first refusal (see the class comment for the order). */
    private boolean validate()
    {
        sides = 0;
        boolean overflow = false;
        for (int leg = 0; leg < legs && !overflow; leg++)
        {
            if (debitKind[leg] != EXTERNAL)
            {
                final int debit = side(debitKind[leg], debitKey[leg], currency[leg]);
                if (sideValue[debit] < amount[leg])
                {
                    event.balances(sideValue[debit], sideValue[debit]);
                    event.result(debitKind[leg] == MERCHANT ? ResultCode.INSUFFICIENT_MERCHANT_FUNDS : ResultCode.INSUFFICIENT_FUNDS);
                    return false;
                }
                sideValue[debit] -= amount[leg];
            }
            if (creditKind[leg] != EXTERNAL)
            {
                final int credit = side(creditKind[leg], creditKey[leg], currency[leg]);
                overflow = sideValue[credit] > CommandEvent.AMOUNT_MINOR_MAX - amount[leg];
                sideValue[credit] += overflow ? 0 : amount[leg];
            }
        }
        if (!hasCapacity())
        {
            return false;
        }
        if (overflow || totalsOverflow())
        {
            event.result(ResultCode.AMOUNT_OVERFLOW);
            return false;
        }
        return true;
    }

    /** @return true when the money paid in or out in some currency would pass {@link Long#MAX_VALUE}. */
    private boolean totalsOverflow()
    {
        for (int leg = 0; leg < legs; leg++)
        {
            final int external = debitKind[leg] == EXTERNAL ? side(EXTERNAL, PAID_IN, currency[leg])
                : creditKind[leg] == EXTERNAL ? side(EXTERNAL, PAID_OUT, currency[leg]) : -1;
            if (external >= 0)
            {
                if (sideValue[external] > Long.MAX_VALUE - amount[leg])
                {
                    return true;
                }
                sideValue[external] += amount[leg];
            }
        }
        return false;
    }

    /** @return the simulation's slot for an account (EXTERNAL: key PAID_IN or PAID_OUT), loaded on first use. */
    private int side(final int kind, final long key, final int currencyCode)
    {
        final int found = findSide(kind, key, currencyCode);
        if (found >= 0)
        {
            return found;
        }
        final int side = sides++;
        sideKind[side] = kind;
        sideKey[side] = key;
        sideCurrency[side] = currencyCode;
        sideBefore[side] = balanceOf(kind, key, currencyCode);
        sideValue[side] = sideBefore[side];
        return side;
    }

    private int findSide(final int kind, final long key, final int currencyCode)
    {
        for (int side = 0; side < sides; side++)
        {
            if (sideKind[side] == kind && sideKey[side] == key && sideCurrency[side] == currencyCode)
            {
                return side;
            }
        }
        return -1;
    }

    /** @return where an account's money sits, for the running totals. */
    private static int place(final int kind)
    {
        return switch (kind)
        {
            case CUSTOMER -> MoneyTotals.CUSTOMERS;
            case MERCHANT -> MoneyTotals.MERCHANTS;
            case HELD -> MoneyTotals.HELD;
            case GIFT -> MoneyTotals.GIFTS;
            default -> MoneyTotals.OUTSIDE;
        };
    }

    /** @return true for the kinds whose movements are history entries: customers and merchants. */
    private static boolean hasHistory(final int kind)
    {
        return kind == CUSTOMER || kind == MERCHANT;
    }

    private int payerKind()
    {
        return debitKind[0] == EXTERNAL ? creditKind[0] : debitKind[0];
    }

    private long payerKey()
    {
        return debitKind[0] == EXTERNAL ? creditKey[0] : debitKey[0];
    }

    /** @return an account's balance now; for EXTERNAL (key PAID_IN or PAID_OUT) the total paid in or out. */
    private long balanceOf(final int kind, final long key, final int currencyCode)
    {
        if (dryRun)
        {
            final int slot = findOverlay(kind, key, currencyCode);
            if (slot >= 0)
            {
                return overlayValue[slot];
            }
        }
        return switch (kind)
        {
            case CUSTOMER -> accounts.customerBalance(key, currencyCode);
            case MERCHANT -> accounts.merchantBalance((int)key, currencyCode);
            case HELD -> accounts.heldBalance(key, currencyCode);
            case GIFT -> accounts.giftBalance(key, currencyCode);
            default -> key == PAID_IN ? accounts.paidIn(currencyCode) : accounts.paidOut(currencyCode);
        };
    }

    /**
     * Moves {@code signedAmount} on one account of a leg, the simulation's {@code side}: advances the simulation and
     * writes the account (see {@link #move}): its balance (or, for EXTERNAL,
     * the total paid in or out), and for a customer or merchant its first currency (credits) and a history entry.
     *
     * @param counterparty the entry's link: the other customer of a customer-to-customer leg, else the leg's link.
     * @return the entry's history index, or -1 for an account without history.
     */
    private int moveSide(final int side, final EntryType type, final long counterparty, final long signedAmount, final long text)
    {
        final long after = sideValue[side] + (sideKind[side] == EXTERNAL ? Math.abs(signedAmount) : signedAmount);
        sideValue[side] = after;
        return move(sideKind[side], sideKey[side], sideCurrency[side], after, type, counterparty, signedAmount, text);
    }

    /**
     * Writes one account's side of a leg: its balance {@code after} (for EXTERNAL, the total paid in or out), and for a
     * customer or merchant its first currency (credits) and a history entry of {@code signedAmount}.
     *
     * @return the entry's history index, or -1 for an account without history.
     */
    private int move(
        final int kind, final long key, final int currencyCode, final long after,
        final EntryType type, final long counterparty, final long signedAmount, final long text)
    {
        switch (kind)
        {
            case CUSTOMER ->
            {
                accounts.customerBalance(key, currencyCode, after);
                if (signedAmount > 0)
                {
                    accounts.noteCustomerCurrency(key, currencyCode);
                }
                final long links = accounts.customerLinks(key);
                final int entry = entries.append(EntryLog.ACCOUNT_CUSTOMER, key, counterparty, type, signedAmount, after,
                    currencyCode, timeMs, event.commandId(), text, Accounts.lastEntryOf(links));
                accounts.customerEntry(key, entry, links);
                return entry;
            }
            case MERCHANT ->
            {
                final int merchant = (int)key;
                accounts.merchantBalance(merchant, currencyCode, after);
                if (signedAmount > 0)
                {
                    accounts.noteMerchantCurrency(merchant, currencyCode);
                }
                final int entry = entries.append(EntryLog.ACCOUNT_MERCHANT, merchant, counterparty, type, signedAmount, after,
                    currencyCode, timeMs, event.commandId(), text, accounts.merchantLastEntry(merchant));
                accounts.merchantEntry(merchant, entry);
                merchants.book(merchant).addEntry();
                return entry;
            }
            case HELD ->
            {
                accounts.heldBalance(key, currencyCode, after);
                return -1;
            }
            case GIFT ->
            {
                accounts.giftBalance(key, currencyCode, after);
                return -1;
            }
            default ->
            {
                if (key == PAID_IN)
                {
                    accounts.paidIn(currencyCode, after);
                }
                else
                {
                    accounts.paidOut(currencyCode, after);
                }
                return -1;
            }
        }
    }
}
