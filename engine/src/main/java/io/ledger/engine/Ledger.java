package io.ledger.engine;

import io.ledger.engine.command.ApiKeyCommands;
import io.ledger.engine.command.BalanceQueries;
import io.ledger.engine.command.BatchCommands;
import io.ledger.engine.command.CommandTable;
import io.ledger.engine.command.CustomerCommands;
import io.ledger.engine.command.DeadlineCommands;
import io.ledger.engine.command.DeploymentCommands;
import io.ledger.engine.command.EscrowCommands;
import io.ledger.engine.command.GiftCommands;
import io.ledger.engine.command.HistoryQueries;
import io.ledger.engine.command.MasumiCommands;
import io.ledger.engine.command.MoneyCommands;
import io.ledger.engine.command.PaymentMethodCommands;
import io.ledger.engine.command.PaywallCommands;
import io.ledger.engine.command.PurchaseCommands;
import io.ledger.engine.command.PurchaseQueries;
import io.ledger.engine.command.RefundCommands;
import io.ledger.engine.internal.Accounts;
import io.ledger.engine.internal.CommandHandler;
import io.ledger.engine.internal.Counters;
import io.ledger.engine.internal.EntryLog;
import io.ledger.engine.internal.IdempotencyStore;
import io.ledger.engine.internal.LedgerState;
import io.ledger.engine.internal.MerchantBooks;
import io.ledger.engine.internal.Money;
import io.ledger.engine.internal.SnapshotRecords;
import io.ledger.engine.internal.StateHash;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;

/**
 * The ledger state machine: customers per merchant, and balances per (customer, currency) and per
 * (merchant, currency) in {@code long} minor units.
 *
 * <p>A pure function of the commands applied to it, in order: it reads no clock, no random source and no
 * thread-local, does no I/O and owns no thread. Time and ids arrive stamped in the command. That is what lets
 * the journal rebuild it by replay, and what will let a cluster replicate it.
 *
 * <p>It owns the state ({@link LedgerState}: parts that each keep their own maps and snapshot sections) and applies a
 * command with the handler its family registered for the command's type ({@link CommandTable}); every movement of
 * money goes through {@link Money}. Every command is validated completely before anything changes, so a command is
 * applied whole or not at all. Outcomes are {@link ResultCode}s written to the event; an exception from {@link #apply}
 * is a bug.
 *
 * <p>Invariants kept always on, because they are cheap: no balance below zero, no balance above
 * {@link CommandEvent#AMOUNT_MINOR_MAX}, and per currency the customer and merchant balances, escrow holds and gift
 * balances together equal the money paid in minus the money paid out (checked in full by {@link #checkConservation()}).
 *
 * <p>Time: the ledger's time is the time of the journaled command it applies (never earlier than the previous one's).
 * Before applying a journaled command it processes every deadline up to that time (escrow holds released, gift balances
 * expired: see {@code DeadlineCommands}), so deadlines pass in the journal's order and replay passes them alike;
 * {@link #nextDeadlineMs()} tells the wiring when to journal a {@link CommandType#TICK} if no command comes by.
 *
 * <p>Queries travel the same ring and are answered here, between commands, so every read is linearizable. List
 * queries copy their page into the event (immutable records by reference, history rows by value), so the reply
 * thread never reads the ledger's mutable structures.
 *
 * <p>Idempotency: a state-changing command that carries {@link Field#IDEMPOTENCY_KEY} is applied at most once per
 * merchant and key ({@link IdempotencyStore}); keys expire by ledger time after {@link #IDEMPOTENCY_KEY_TTL_MS}.
 *
 * <p>Single-threaded: ledger thread only. Allocation-free for pay-ins, purchases and transfers once warm;
 * customers, payment methods, payouts and idempotency keys allocate the records they keep.
 */
public final class Ledger
{
    /** How long an idempotency key is kept, in ledger time: at least a day, as clients are promised. */
    public static final long IDEMPOTENCY_KEY_TTL_MS = IdempotencyStore.KEY_TTL_MS;
    /** Most idempotency keys held at once; beyond it a keyed command is refused (503), never silently unkeyed. */
    public static final int IDEMPOTENCY_KEYS_MAX = IdempotencyStore.KEYS_MAX;
    /** Most saved payment methods per customer. */
    public static final int PAYMENT_METHODS_PER_CUSTOMER_MAX = PaymentMethodCommands.PER_CUSTOMER_MAX;
    /** Most gift balances with money left per customer. */
    public static final int GIFT_BALANCES_ACTIVE_PER_CUSTOMER_MAX = io.ledger.engine.internal.GiftBook.ACTIVE_PER_CUSTOMER_MAX;
    /** Most refunds per purchase. */
    public static final int REFUNDS_PER_PURCHASE_MAX = RefundCommands.PER_PURCHASE_MAX;
    /** The furthest ahead of the ledger's time an escrow release or a gift balance's expiry may be: about ten years. */
    public static final long DEADLINE_AHEAD_MS_MAX = GiftCommands.DEADLINE_AHEAD_MS_MAX;

    /** History entries allocated up front by default: one chunk (the history grows by chunks, never by copying). */
    public static final int HISTORY_ENTRIES_INITIAL_DEFAULT = 1 << 12;
    /** History text bytes allocated up front by default: one chunk. */
    public static final int HISTORY_TEXT_BYTES_INITIAL_DEFAULT = 1 << 16;

    private final LedgerState state;
    private final Counters counters;
    private final IdempotencyStore idempotency;
    private final CommandTable handlers = new CommandTable();
    private final CommandHandler dispatch = handlers::apply;
    /** Processes the deadlines due by a journaled command's time, before it: not state, the deadlines are. */
    private final CommandHandler dueDeadlines;

    /**
     * @param defaultCurrency the packed currency a balance read without one reports, when the account has never
     *                        held money (see {@link Currencies}).
     */
    public Ledger(final int defaultCurrency)
    {
        this(defaultCurrency, HISTORY_ENTRIES_INITIAL_DEFAULT, HISTORY_TEXT_BYTES_INITIAL_DEFAULT);
    }

    /**
     * @param defaultCurrency          as above.
     * @param historyEntriesInitial    history entries to allocate up front. The history grows by chunks past it
     *                                 (never copying); sized for the expected history, the ledger thread allocates
     *                                 nothing per payment (a pay-in or purchase writes 1 or 2 entries).
     * @param historyTextBytesInitial  bytes of history text (descriptions, product ids) to allocate up front.
     */
    public Ledger(final int defaultCurrency, final int historyEntriesInitial, final int historyTextBytesInitial)
    {
        if (!Currencies.isValid(defaultCurrency))
        {
            throw new IllegalArgumentException("defaultCurrency=" + defaultCurrency + " is not a packed currency");
        }
        if (historyEntriesInitial < 0 || historyTextBytesInitial < 0)
        {
            throw new IllegalArgumentException(
                "historyEntriesInitial=" + historyEntriesInitial + " historyTextBytesInitial=" + historyTextBytesInitial);
        }
        state = new LedgerState(defaultCurrency, historyEntriesInitial, historyTextBytesInitial);
        counters = state.counters();
        idempotency = state.idempotency();
        final Money money = new Money(state.accounts(), state.merchants(), state.entries(), state.texts());
        handlers.register(CommandType.NOOP, (event, timeMs) -> event.result(ResultCode.OK));
        new CustomerCommands(state).register(handlers);
        new MoneyCommands(state, money).register(handlers);
        final GiftCommands gifts = new GiftCommands(state, money);
        gifts.register(handlers);
        final PurchaseCommands purchases = new PurchaseCommands(state, money, gifts);
        purchases.register(handlers);
        new ApiKeyCommands(state).register(handlers);
        new PaywallCommands(state, purchases).register(handlers);
        new MasumiCommands(state, purchases).register(handlers);
        new PurchaseQueries(state).register(handlers);
        new RefundCommands(state, money).register(handlers);
        final EscrowCommands escrow = new EscrowCommands(state, money);
        escrow.register(handlers);
        final DeadlineCommands deadlines = new DeadlineCommands(state, escrow, gifts);
        deadlines.register(handlers);
        dueDeadlines = deadlines::runDue;
        new BalanceQueries(state, defaultCurrency, gifts).register(handlers);
        new HistoryQueries(state).register(handlers);
        new PaymentMethodCommands(state).register(handlers);
        new DeploymentCommands(state).register(handlers);
        new BatchCommands(handlers, money).register(handlers);
        handlers.requireComplete();
    }

    /**
     * Applies one command and writes its outcome into the event's result fields.
     *
     * @param event a stamped command; queries are answered, state-changing commands applied.
     */
    public void apply(final CommandEvent event)
    {
        event.clearResult();
        final long timeMs = counters.timeOf(event.timestampMs());
        event.resultTimestampMs(timeMs);
        if (event.type().journaled())
        {
            counters.journaled(event.commandId(), timeMs);
            idempotency.expire(timeMs);
            dueDeadlines.apply(event, timeMs);
            if (event.has(Field.IDEMPOTENCY_KEY))
            {
                idempotency.apply(event, timeMs, dispatch);
                return;
            }
        }
        handlers.apply(event, timeMs);
    }

    // ---- reads for tests, tools and the wiring; ledger thread only (or after it stopped)

    /** @return the customer's balance in {@code currency}, 0 when it never held any; -1 for no such customer. */
    public long customerBalance(final long customerKey, final int currency)
    {
        return state.customers().contains(customerKey) ? state.accounts().customerBalance(customerKey, currency) : -1;
    }

    /** @return the merchant's balance in {@code currency}, 0 when it never held any. */
    public long merchantBalance(final String merchantId, final int currency)
    {
        return state.accounts().merchantBalance(state.merchants().find(merchantId), currency);
    }

    /** An account with a balance as of a moment, as {@link #accountsAt} finds it. */
    @FunctionalInterface
    public interface AccountSink
    {
        /**
         * @param merchantId  the merchant of the account (a customer's merchant, or the merchant itself).
         * @param customerKey the customer, or -1 for the merchant's own balance.
         * @param currency    packed, or {@link Currencies#NONE} for a customer that had no movement by then.
         */
        void account(String merchantId, long customerKey, int currency);
    }

    /**
     * Every account that existed at {@code atMs} (issue 19's export): each (customer or merchant, currency) with a history
     * entry at or before it, in the order of their first entry, then each customer created by then without one. Read
     * their balances then with a balance query carrying {@link Field#TO_MS}, as the API's {@code ?at=} does. Walks the
     * history once, up to {@code atMs} (entries are in time order); allocates (for tools, not the ledger thread).
     *
     * @param merchantId only this merchant's accounts, or {@code null} for every merchant's.
     */
    public void accountsAt(final long atMs, final String merchantId, final AccountSink sink)
    {
        final EntryLog entries = state.entries();
        final MerchantBooks merchants = state.merchants();
        final int only = merchantId == null ? -1 : merchants.find(merchantId);
        if (merchantId != null && only < 0)
        {
            return;
        }
        final LongHashSet seen = new LongHashSet();
        final LongHashSet customersSeen = new LongHashSet();
        for (int i = 0, size = entries.size(); i < size && entries.timestampMs(i) <= atMs; i++)
        {
            final boolean merchant = entries.accountKind(i) == EntryLog.ACCOUNT_MERCHANT;
            final long key = entries.accountKey(i);
            final int owner = merchant ? (int)key : state.customers().merchantOf(key);
            if (only >= 0 && owner != only)
            {
                continue;
            }
            if (seen.add(Accounts.balanceKey(key, entries.currency(i)) << 1 | (merchant ? 1 : 0)))
            {
                sink.account(merchants.id(owner), merchant ? -1 : key, entries.currency(i));
            }
            if (!merchant)
            {
                customersSeen.add(key);
            }
        }
        for (int m = only >= 0 ? only : 0, last = only >= 0 ? only : merchants.size() - 1; m <= last; m++)
        {
            final LongArrayList keys = merchants.book(m).customerKeys();
            for (int c = 0; c < keys.size(); c++)
            {
                final long key = keys.getLong(c);
                if (!customersSeen.contains(key) && state.customers().get(key).createdAtMs() <= atMs)
                {
                    sink.account(merchants.id(m), key, Currencies.NONE);
                }
            }
        }
    }

    /**
     * @return where the history, and so a read as of a moment, begins: the creation of the ledger's first customer
     * ({@link Long#MAX_VALUE} before it).
     */
    public long historyStartMs()
    {
        return state.merchants().size() == 0 ? Long.MAX_VALUE : state.merchants().book(0).createdAtMs();
    }

    /** @return the customer, or {@code null}. */
    public CustomerRecord customer(final long customerKey)
    {
        return state.customers().get(customerKey);
    }

    public int customerCount()
    {
        return state.customers().size();
    }

    public int merchantCount()
    {
        return state.merchants().size();
    }

    /** @return how many idempotency keys are held (younger than {@link #IDEMPOTENCY_KEY_TTL_MS}). */
    public int idempotencyKeyCount()
    {
        return idempotency.size();
    }

    /** @return the id of the last state-changing command applied, or -1. */
    public long lastCommandId()
    {
        return counters.lastCommandId();
    }

    /** @return how many state-changing commands were applied (accepted or refused). */
    public long commandsApplied()
    {
        return counters.commandsApplied();
    }

    /**
     * @return the ledger time of its next deadline (an escrow hold's release, a gift balance's expiry), or
     * {@link Long#MAX_VALUE} when none is pending. The next journaled command at or after it processes it; the pipeline
     * publishes this for the wiring's tick timer.
     */
    public long nextDeadlineMs()
    {
        return state.deadlines().nextMs();
    }

    /** @return how many deadlines are pending. */
    public int pendingDeadlines()
    {
        return state.deadlines().size();
    }

    /** @return the purchase's record, or null for a plain purchase or none (tests and tools). */
    public PurchaseRecord purchaseRecord(final long purchaseKey)
    {
        return state.purchases().record(purchaseKey);
    }

    /** @return the gift balance, or null (tests and tools). */
    public GiftBalanceRecord giftBalance(final long giftKey)
    {
        return state.gifts().get(giftKey);
    }

    /** @return the deployment's id salt (see {@link Ids}), or 0 when it has none (a data directory from before). */
    public long deploymentSalt()
    {
        return state.deployment().salt();
    }

    /**
     * @return money per currency, kept as it moves: the running totals are this ledger's (its thread only); other
     * threads read what {@link MoneyTotals#publish()} last published (the pipeline publishes at the end of each batch).
     */
    public MoneyTotals moneyTotals()
    {
        return state.accounts().totals();
    }

    /** @return the money paid in, per packed currency: a copy, for tools and tests. */
    public Long2LongHashMap paidInByCurrency()
    {
        return state.accounts().paidInByCurrency();
    }

    /** @return the money paid out to merchants' banks, per packed currency: a copy, for tools and tests. */
    public Long2LongHashMap paidOutByCurrency()
    {
        return state.accounts().paidOutByCurrency();
    }

    /**
     * Checks the whole-ledger money invariant: for every currency, customer balances, merchant balances, escrow holds and
     * gift balances together equal the money paid in minus the money paid out, and no balance is negative; and the
     * records agree with the money: every held purchase's hold holds its amount and no other hold holds anything, every
     * gift balance's account holds its remainder.
     *
     * @throws IllegalStateException naming the first currency, purchase or gift balance that does not add up.
     */
    public void checkConservation()
    {
        checkRecordsAgreeWithTheMoney();
        final Accounts accounts = state.accounts();
        final Long2LongHashMap held = new Long2LongHashMap(SnapshotRecords.MISSING);
        accounts.sumHeld(held);
        final Long2LongHashMap paidIn = accounts.paidInByCurrency();
        paidIn.forEachLong((currency, paid) ->
        {
            final long sum = held.containsKey(currency) ? held.get(currency) : 0;
            final long expected = paid - accounts.paidOut((int)currency);
            if (sum != expected)
            {
                throw new IllegalStateException("currency=" + Currencies.toString((int)currency) + " held=" + sum
                    + " paidIn=" + paid + " paidOut=" + accounts.paidOut((int)currency));
            }
        });
        held.forEachLong((currency, sum) ->
        {
            if (sum != 0 && accounts.paidIn((int)currency) == 0)
            {
                throw new IllegalStateException("currency=" + Currencies.toString((int)currency) + " held=" + sum + " paidIn=0");
            }
        });
    }

    private void checkRecordsAgreeWithTheMoney()
    {
        final Accounts accounts = state.accounts();
        final long[] held = new long[2]; // held purchases, gift balances with money left
        state.purchases().forEachRecord(purchase ->
        {
            final long expected = purchase.status() == PurchaseStatus.HELD ? purchase.amountMinor() : 0;
            final long actual = accounts.heldBalance(purchase.key(), purchase.currency());
            if (actual != expected)
            {
                throw new IllegalStateException("purchase key=" + purchase.key() + " status=" + purchase.status() + " holds " + actual +
                    ", expected " + expected);
            }
            held[0] += expected > 0 ? 1 : 0;
        });
        state.gifts().forEachRecord(gift ->
        {
            final long actual = accounts.giftBalance(gift.key(), gift.currency());
            if (actual != gift.remainingMinor())
            {
                throw new IllegalStateException("gift balance key=" + gift.key() + " holds " + actual + ", its record says " +
                    gift.remainingMinor());
            }
            held[1] += actual > 0 ? 1 : 0;
        });
        if (held[0] != accounts.heldAccounts() || held[1] != accounts.giftAccounts())
        {
            throw new IllegalStateException("holds=" + accounts.heldAccounts() + " for " + held[0] + " held purchases, gift accounts=" +
                accounts.giftAccounts() + " for " + held[1] + " gift balances with money left");
        }
    }

    /**
     * A hash of everything replay rebuilds: two ledgers with equal hashes hold the same state. Folds the parts in the
     * order the hash has always had, so a ledger rebuilt from an older data directory hashes as it did: counters,
     * merchants and their books, per customer (by key) its record, account links and payment method keys, the payment
     * methods, the idempotency keys, the balances and totals, the history, the text size, the deployment salt when there
     * is one, and then each only when not empty: escrow holds and gift balances' money, purchase records, gift balance
     * records. What is derived (indexes, the deadline queue, money totals) is not folded: it follows from these. Iterates keys in sorted order, so it does not depend on how a hash map laid out its slots.
     * Allocates; only reads, so another thread may compute it while the owner waits (see {@code LedgerSnapshot}).
     */
    public long stateHash()
    {
        final StateHash hash = new StateHash();
        state.counters().hashInto(hash);
        state.merchants().hashInto(hash);
        for (final long key : state.customers().sortedKeys())
        {
            state.customers().hashCustomer(hash, key);
            state.accounts().hashCustomer(hash, key);
            state.paymentMethods().hashCustomer(hash, key);
        }
        state.paymentMethods().hashInto(hash);
        state.idempotency().hashInto(hash);
        state.accounts().hashInto(hash);
        state.entries().hashInto(hash);
        hash.add(state.texts().sizeBytes());
        state.deployment().hashInto(hash);
        state.accounts().hashHoldsInto(hash);
        state.purchases().hashInto(hash);
        state.gifts().hashInto(hash);
        state.apiKeys().hashInto(hash);
        state.masumi().hashInto(hash);
        return hash.value();
    }

    /** @return the state, for {@code LedgerSnapshot} (to write, or to fill a fresh ledger) and {@code LedgerTotals}. */
    LedgerState state()
    {
        return state;
    }
}
