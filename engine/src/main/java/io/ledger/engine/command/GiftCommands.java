package io.ledger.engine.command;

import static io.ledger.engine.Field.AMOUNT_MINOR;
import static io.ledger.engine.Field.CURRENCY;
import static io.ledger.engine.Field.CUSTOMER_KEY;
import static io.ledger.engine.Field.DESCRIPTION;
import static io.ledger.engine.Field.EXPIRES_AT_MS;
import static io.ledger.engine.internal.Money.GIFT;
import static io.ledger.engine.internal.Money.MERCHANT;

import java.util.function.LongFunction;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.EntryType;
import io.ledger.engine.GiftBalanceRecord;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.CustomerBook;
import io.ledger.engine.internal.Deadlines;
import io.ledger.engine.internal.EntryLog;
import io.ledger.engine.internal.GiftBook;
import io.ledger.engine.internal.LedgerState;
import io.ledger.engine.internal.MerchantBooks;
import io.ledger.engine.internal.Money;
import io.ledger.engine.internal.TextArena;
import org.agrona.collections.LongArrayList;

/**
 * Gift balances: create one (the merchant funds it: MERCHANT to GIFT), list a customer's, choose which ones a purchase
 * spends ({@link #choose}), and return an expired one's remainder to its merchant ({@link #expire}, run at its deadline
 * by {@link DeadlineCommands}).
 *
 * <p>Spending order: the soonest expiry first, then the ones that never expire, each group oldest first; only unexpired
 * balances of the purchase's currency with money left. A customer has at most {@link GiftBook#ACTIVE_PER_CUSTOMER_MAX}
 * with money left at once, so a purchase spends from at most that many (and {@link Money#LEGS_MAX} has room for them).
 *
 * <p>Single-threaded: ledger thread only. Creating, spending and expiring allocate the records they keep.
 */
public final class GiftCommands
{
    /** The furthest ahead a deadline may be (a gift balance's expiry, an escrow hold's release): about ten years. */
    public static final long DEADLINE_AHEAD_MS_MAX = 3_650L * 24 * 60 * 60 * 1000;

    private final MerchantBooks merchants;
    private final CustomerBook customers;
    private final GiftBook gifts;
    private final Deadlines deadlines;
    private final EntryLog entries;
    private final Money money;
    private final LongFunction<GiftBalanceRecord> giftByKey;
    private final long[] candidates = new long[GiftBook.ACTIVE_PER_CUSTOMER_MAX];

    public GiftCommands(final LedgerState state, final Money money)
    {
        this.merchants = state.merchants();
        this.customers = state.customers();
        this.gifts = state.gifts();
        this.deadlines = state.deadlines();
        this.entries = state.entries();
        this.money = money;
        this.giftByKey = gifts::get;
    }

    public void register(final CommandTable table)
    {
        table.register(CommandType.CREATE_GIFT_BALANCE, this::create)
            .register(CommandType.LIST_GIFT_BALANCES, this::list);
    }

    private void create(final CommandEvent event, final long timeMs)
    {
        final long customer = event.get(CUSTOMER_KEY);
        final int merchant = MoneyCommands.payingMerchant(event, merchants, customers, customer);
        if (merchant < 0)
        {
            return;
        }
        final long expiresAtMs = event.has(EXPIRES_AT_MS) ? event.get(EXPIRES_AT_MS) : GiftBalanceRecord.NO_EXPIRY;
        if (event.has(EXPIRES_AT_MS) && !ahead(expiresAtMs, timeMs))
        {
            event.result(ResultCode.INVALID_DEADLINE);
            return;
        }
        if (gifts.activeCount(customer) >= GiftBook.ACTIVE_PER_CUSTOMER_MAX)
        {
            event.result(ResultCode.LIMIT_EXCEEDED);
            return;
        }
        final long key = event.commandId();
        final long amount = event.get(AMOUNT_MINOR);
        final int currency = (int)event.get(CURRENCY);
        money.begin(event, timeMs, DESCRIPTION).leg(MERCHANT, merchant, EntryType.GIFT_ISSUE, GIFT, key, null, amount, currency, key);
        if (!money.hasCapacity() || !money.post())
        {
            return;
        }
        final GiftBalanceRecord gift = new GiftBalanceRecord(key, merchants.id(merchant), customer, amount, currency, amount,
            expiresAtMs, event.textString(DESCRIPTION), -1, timeMs, timeMs);
        gifts.add(gift);
        if (expiresAtMs != GiftBalanceRecord.NO_EXPIRY)
        {
            deadlines.add(expiresAtMs, Deadlines.EXPIRE_GIFT, key);
        }
        event.resultObject(gift);
    }

    /** A customer's gift balances, oldest first, spent and expired ones included. */
    private void list(final CommandEvent event, final long timeMs)
    {
        final long customer = event.get(CUSTOMER_KEY);
        if (!customers.ownedBy(customer, merchants.find(event)))
        {
            event.result(ResultCode.CUSTOMER_NOT_FOUND);
            return;
        }
        Pages.ofKeys(event, gifts.customerKeys(customer), giftByKey);
        event.result(ResultCode.OK);
    }

    /**
     * Chooses the gift balances a purchase of {@code amountMinor} spends, in spending order (see the class comment), and
     * how much of each, until the amount is covered or none is left.
     *
     * @param keys    receives the gift balances' keys; at least {@link GiftBook#ACTIVE_PER_CUSTOMER_MAX} long.
     * @param amounts receives how much of each.
     * @return how many were chosen.
     */
    int choose(final long customer, final int currency, final long amountMinor, final long timeMs, final long[] keys, final long[] amounts)
    {
        final LongArrayList active = gifts.activeKeys(customer);
        int count = 0;
        for (int i = 0; active != null && i < active.size(); i++)
        {
            final GiftBalanceRecord gift = gifts.get(active.getLong(i));
            if (gift.currency() == currency && gift.expiresAtMs() > timeMs && gift.remainingMinor() > 0)
            {
                candidates[count++] = gift.key();
            }
        }
        for (int i = 1; i < count; i++) // insertion sort of at most ACTIVE_PER_CUSTOMER_MAX keys: soonest expiry, then oldest
        {
            final long key = candidates[i];
            int j = i - 1;
            while (j >= 0 && spendsAfter(candidates[j], key))
            {
                candidates[j + 1] = candidates[j];
                j--;
            }
            candidates[j + 1] = key;
        }
        long left = amountMinor;
        int chosen = 0;
        for (int i = 0; i < count && left > 0; i++)
        {
            final long take = Math.min(left, gifts.get(candidates[i]).remainingMinor());
            keys[chosen] = candidates[i];
            amounts[chosen++] = take;
            left -= take;
        }
        return chosen;
    }

    /** Records that a purchase at {@code timeMs} spent {@code amountMinor} of gift balance {@code key} (already moved). */
    void spent(final long key, final long amountMinor, final long timeMs)
    {
        final GiftBalanceRecord gift = gifts.get(key).spend(amountMinor, timeMs);
        gifts.replace(gift);
        if (gift.remainingMinor() == 0)
        {
            deadlines.remove(key);
        }
    }

    /**
     * @return what the customer's unexpired gift balances in {@code currency} hold at {@code timeMs}, or -1 when the
     * customer never had a gift balance.
     */
    long total(final long customer, final int currency, final long timeMs)
    {
        if (gifts.customerKeys(customer) == null)
        {
            return -1;
        }
        final LongArrayList active = gifts.activeKeys(customer);
        long total = 0;
        for (int i = 0; active != null && i < active.size(); i++)
        {
            final GiftBalanceRecord gift = gifts.get(active.getLong(i));
            if (gift.currency() == currency && gift.expiresAtMs() > timeMs)
            {
                total += gift.remainingMinor();
            }
        }
        return total;
    }

    /**
     * Expires gift balance {@code key} at its deadline {@code timeMs}: what is left goes back to its merchant (GIFT to
     * MERCHANT, the merchant's entry linked to the gift balance), in {@code scratch}, a command of the ledger's own. A
     * movement that cannot be posted (the merchant's balance would pass the limit) leaves the gift balance as it is,
     * past its expiry and so never spent.
     */
    void expire(final CommandEvent scratch, final long timeMs, final long key)
    {
        final GiftBalanceRecord gift = gifts.get(key);
        if (gift == null || gift.expired())
        {
            return;
        }
        if (gift.remainingMinor() > 0)
        {
            final int merchant = customers.merchantOf(gift.customerKey());
            money.begin(scratch, timeMs, null).text(issueText(key))
                .leg(GIFT, key, null, MERCHANT, merchant, EntryType.GIFT_EXPIRY, gift.remainingMinor(), gift.currency(), key);
            if (!money.post())
            {
                return;
            }
        }
        gifts.replace(gift.expire(timeMs));
    }

    /** @return true when {@code deadlineMs} is after {@code timeMs} and at most {@link #DEADLINE_AHEAD_MS_MAX} after it. */
    static boolean ahead(final long deadlineMs, final long timeMs)
    {
        return deadlineMs > timeMs && Long.compareUnsigned(deadlineMs - timeMs, DEADLINE_AHEAD_MS_MAX) <= 0; // exact, even past 2^63
    }

    /** @return the text of gift balance {@code key}'s funding entry (its description), for the entries that follow it. */
    private long issueText(final long key)
    {
        for (int entry = entries.firstOfCommand(key); entry >= 0 && entry < entries.size() && entries.commandId(entry) == key; entry++)
        {
            if (entries.type(entry) == EntryType.GIFT_ISSUE)
            {
                return entries.textRef(entry);
            }
        }
        return TextArena.NONE;
    }

    private boolean spendsAfter(final long a, final long b)
    {
        final long expiresA = gifts.get(a).expiresAtMs();
        final long expiresB = gifts.get(b).expiresAtMs();
        return expiresA > expiresB || (expiresA == expiresB && a > b);
    }
}
