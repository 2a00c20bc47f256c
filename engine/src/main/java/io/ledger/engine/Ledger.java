package io.ledger.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Locale;

import io.ledger.engine.internal.EntryLog;
import io.ledger.engine.internal.MerchantDirectory;
import io.ledger.engine.internal.StateHash;
import io.ledger.engine.internal.TextArena;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.Object2LongHashMap;

/**
 * The ledger state machine: customers per merchant, and balances per (customer, currency) and per
 * (merchant, currency) in {@code long} minor units.
 *
 * <p>A pure function of the commands applied to it, in order: it reads no clock, no random source and no
 * thread-local, does no I/O and owns no thread. Time and ids arrive stamped in the command. That is what lets
 * the journal rebuild it by replay, and what will let a cluster replicate it.
 *
 * <p>Every command is validated completely before anything changes, so a command is applied whole or not at
 * all. Outcomes are {@link ResultCode}s written to the event; an exception from {@link #apply} is a bug.
 *
 * <p>Invariants kept always on, because they are cheap: no balance below zero, no balance above
 * {@link CommandEvent#AMOUNT_MINOR_MAX}, and per currency the customer plus merchant balances equal the money
 * paid in (checked in full by {@link #checkConservation()}).
 *
 * <p>Queries travel the same ring and are answered here, between commands, so every read is linearizable. List
 * queries copy their page into the event (immutable records by reference, history rows by value), so the reply
 * thread never reads the ledger's mutable structures.
 *
 * <p>Idempotency: a state-changing command that carries {@link CommandEvent#TEXT_IDEMPOTENCY_KEY} is applied at
 * most once per merchant and key; a retry with the same command gets the stored outcome, a different command
 * under the same key {@link ResultCode#IDEMPOTENCY_KEY_REUSED}. Keys expire by ledger time after
 * {@link #IDEMPOTENCY_KEY_TTL_MS}, so expiry too is a function of the journal.
 *
 * <p>Single-threaded: ledger thread only. Allocation-free for pay-ins, purchases and transfers once warm;
 * customers, payment methods, payouts and idempotency keys allocate the records they keep.
 */
public final class Ledger
{
    /** How long an idempotency key is kept, in ledger time: at least a day, as clients are promised. */
    public static final long IDEMPOTENCY_KEY_TTL_MS = 24L * 60 * 60 * 1000;
    /** Most idempotency keys held at once; beyond it a keyed command is refused (503), never silently unkeyed. */
    public static final int IDEMPOTENCY_KEYS_MAX = 4 * 1024 * 1024;
    /** Most saved payment methods per customer. */
    public static final int PAYMENT_METHODS_PER_CUSTOMER_MAX = 50;

    /** History entries allocated up front by default. */
    public static final int HISTORY_ENTRIES_INITIAL_DEFAULT = 1 << 16;
    /** History text bytes allocated up front by default. */
    public static final int HISTORY_TEXT_BYTES_INITIAL_DEFAULT = 1 << 16;

    private static final long MISSING = Long.MIN_VALUE;

    private final int defaultCurrency;
    private final MerchantDirectory merchants = new MerchantDirectory();
    private final ArrayList<MerchantBook> books = new ArrayList<>();
    private final Long2ObjectHashMap<CustomerRecord> customers = new Long2ObjectHashMap<>();
    private final Long2LongHashMap customerMerchant = new Long2LongHashMap(MISSING);
    private final Object2LongHashMap<String> customerByEmail = new Object2LongHashMap<>(MISSING);
    private final Long2LongHashMap customerBalances = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap merchantBalances = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap customerFirstCurrency = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap merchantFirstCurrency = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap customerLastEntry = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap customerEntryCount = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap merchantLastEntry = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap paidInByCurrency = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap paidOutByCurrency = new Long2LongHashMap(MISSING);
    /** Money per currency as it moves, for readers on other threads (derived from the balances: not hashed, not snapshotted). */
    private final MoneyTotals moneyTotals = new MoneyTotals();
    private final Long2ObjectHashMap<PaymentMethodRecord> paymentMethods = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<LongArrayList> customerPaymentMethods = new Long2ObjectHashMap<>();
    private final HashMap<String, IdempotencyRecord> idempotency = new HashMap<>();
    private final ArrayDeque<IdempotencyRecord> idempotencyByAge = new ArrayDeque<>();
    private final EntryLog entries;
    private final TextArena texts;

    private long lastTimestampMs = Long.MIN_VALUE;
    private long lastCommandId = -1;
    private long commandsApplied;

    /** What the ledger keeps per merchant, indexed like {@link MerchantDirectory}. */
    private static final class MerchantBook
    {
        final long createdAtMs;
        final LongArrayList customerKeys = new LongArrayList();
        final LongArrayList paymentMethodKeys = new LongArrayList();
        final IntArrayList transferEntries = new IntArrayList();
        final ArrayList<PayoutRecord> payouts = new ArrayList<>();
        long entryCount;

        MerchantBook(final long createdAtMs)
        {
            this.createdAtMs = createdAtMs;
        }
    }

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
     * @param historyEntriesInitial    history entries to allocate up front. The history grows by doubling past it;
     *                                 sized for the expected history, the ledger thread allocates nothing per
     *                                 payment (a pay-in or purchase writes 1 or 2 entries).
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
        this.defaultCurrency = defaultCurrency;
        this.entries = new EntryLog(historyEntriesInitial);
        this.texts = new TextArena(historyTextBytesInitial);
    }

    /**
     * Applies one command and writes its outcome into the event's result fields.
     *
     * @param event a stamped command; queries are answered, state-changing commands applied.
     */
    public void apply(final CommandEvent event)
    {
        event.clearResult();
        final long time = Math.max(lastTimestampMs, event.timestampMs);
        event.resultTimestampMs = time;
        final CommandType type = event.type;
        if (type.journaled())
        {
            if (event.commandId <= lastCommandId)
            {
                throw new IllegalStateException(
                    "commandId=" + event.commandId + " is not after lastCommandId=" + lastCommandId);
            }
            lastCommandId = event.commandId;
            lastTimestampMs = time;
            commandsApplied++;
            expireIdempotencyKeys(time);
            if (event.hasText(CommandEvent.TEXT_IDEMPOTENCY_KEY))
            {
                applyKeyed(event, time);
                return;
            }
        }
        dispatch(event, time);
    }

    private void dispatch(final CommandEvent event, final long time)
    {
        switch (event.type)
        {
            case CREATE_CUSTOMER -> createCustomer(event, time);
            case UPDATE_CUSTOMER -> updateCustomer(event, time);
            case PAY_IN -> payIn(event, time);
            case PURCHASE -> purchase(event, time);
            case TRANSFER -> transfer(event, time);
            case PAYOUT -> payout(event, time);
            case SAVE_PAYMENT_METHOD -> savePaymentMethod(event, time);
            case DELETE_PAYMENT_METHOD -> deletePaymentMethod(event, time);
            case GET_CUSTOMER -> getCustomer(event);
            case GET_CUSTOMER_BALANCE -> getCustomerBalance(event);
            case GET_MERCHANT_BALANCE -> getMerchantBalance(event);
            case LIST_CUSTOMERS -> listCustomers(event);
            case LIST_CUSTOMER_TRANSACTIONS -> listCustomerTransactions(event);
            case LIST_BALANCE_HISTORY -> listBalanceHistory(event);
            case LIST_TRANSFERS -> listTransfers(event);
            case LIST_PAYOUTS -> listPayouts(event);
            case LIST_CUSTOMER_PAYMENT_METHODS -> listCustomerPaymentMethods(event);
            case LIST_PAYMENT_METHODS -> listPaymentMethods(event);
            case GET_PAYMENT_METHOD -> getPaymentMethod(event);
            case NOOP -> event.result = ResultCode.OK;
            default -> throw new IllegalStateException("type=" + event.type + " has no handler");
        }
    }

    // ---- idempotency

    private void applyKeyed(final CommandEvent event, final long time)
    {
        final String scopedKey = event.textString(CommandEvent.TEXT_MERCHANT_ID) + '\u0000'
            + event.textString(CommandEvent.TEXT_IDEMPOTENCY_KEY);
        final long fingerprint = fingerprint(event);
        final IdempotencyRecord existing = idempotency.get(scopedKey);
        if (existing != null)
        {
            if (existing.fingerprint != fingerprint || existing.type != event.type)
            {
                event.result = ResultCode.IDEMPOTENCY_KEY_REUSED;
                return;
            }
            existing.replayInto(event);
            return;
        }
        if (idempotency.size() >= IDEMPOTENCY_KEYS_MAX)
        {
            event.result = ResultCode.CAPACITY_EXHAUSTED;
            return;
        }
        dispatch(event, time);
        if (event.result == ResultCode.CAPACITY_EXHAUSTED)
        {
            return; // a limit of this server, not an answer about the request: a retry may succeed
        }
        final IdempotencyRecord record = new IdempotencyRecord(scopedKey, fingerprint, time, event);
        idempotency.put(scopedKey, record);
        idempotencyByAge.addLast(record);
    }

    private void expireIdempotencyKeys(final long time)
    {
        IdempotencyRecord oldest;
        while ((oldest = idempotencyByAge.peekFirst()) != null && time - oldest.createdAtMs >= IDEMPOTENCY_KEY_TTL_MS)
        {
            idempotencyByAge.pollFirst();
            idempotency.remove(oldest.scopedKey);
        }
    }

    /** A hash of everything the client sent: two requests with equal fingerprints are the same request. */
    private static long fingerprint(final CommandEvent event)
    {
        long hash = StateHash.mix(event.type.code());
        hash = StateHash.mix(hash ^ event.customerKey) + 1;
        hash = StateHash.mix(hash ^ event.counterpartyKey) + 2;
        hash = StateHash.mix(hash ^ event.amountMinor) + 3;
        hash = StateHash.mix(hash ^ event.currency) + 4;
        hash = StateHash.mix(hash ^ event.quantity) + 5;
        hash = StateHash.mix(hash ^ event.flags) + 6;
        hash = StateHash.mix(hash ^ event.aux) + 7;
        final DirectBuffer buffer = event.textBuffer();
        for (int field = 0; field < CommandEvent.TEXT_FIELDS; field++)
        {
            if (field == CommandEvent.TEXT_IDEMPOTENCY_KEY)
            {
                continue;
            }
            final int length = event.textLength(field);
            hash = StateHash.mix(hash ^ ((long)field << 32 | (length & 0xFFFFFFFFL))) + 11;
            final int offset = event.textOffset(field);
            for (int i = 0; i < length; i++)
            {
                hash = StateHash.mix(hash ^ buffer.getByte(offset + i)) + 13;
            }
        }
        return hash;
    }

    // ---- customers

    private void createCustomer(final CommandEvent event, final long time)
    {
        final int phoneLength = event.textLength(CommandEvent.TEXT_PHONE);
        if (phoneLength <= 0 || !event.hasText(CommandEvent.TEXT_METADATA_JSON) || !event.hasText(CommandEvent.TEXT_MERCHANT_ID))
        {
            event.result = ResultCode.INVALID_FIELD;
            return;
        }
        if (event.commandId >= Ids.KEY_LIMIT)
        {
            event.result = ResultCode.CAPACITY_EXHAUSTED;
            return;
        }
        final int merchant = registerMerchant(event, time);
        final String email = event.textString(CommandEvent.TEXT_EMAIL);
        final String emailKey = email == null ? null : emailKey(merchant, email);
        if (emailKey != null && customerByEmail.containsKey(emailKey))
        {
            event.result = ResultCode.DUPLICATE_EMAIL;
            return;
        }
        final long key = event.commandId;
        final CustomerRecord customer = new CustomerRecord(
            key,
            merchants.id(merchant),
            event.textString(CommandEvent.TEXT_PHONE),
            email,
            event.textString(CommandEvent.TEXT_NAME),
            event.textString(CommandEvent.TEXT_METADATA_JSON),
            time,
            time);
        customers.put(key, customer);
        customerMerchant.put(key, merchant);
        books.get(merchant).customerKeys.addLong(key);
        if (emailKey != null)
        {
            customerByEmail.put(emailKey, key);
        }
        event.customer = customer; // never write command fields here: the journal thread reads them concurrently
        event.resultKey = key;
        event.result = ResultCode.OK;
    }

    /** PATCH semantics: {@code email} and {@code name} change when given; {@code metadata} (required) is replaced. */
    private void updateCustomer(final CommandEvent event, final long time)
    {
        final long key = event.customerKey;
        final int merchant = findMerchant(event);
        if (!ownedBy(key, merchant))
        {
            event.result = ResultCode.CUSTOMER_NOT_FOUND;
            return;
        }
        if (!event.hasText(CommandEvent.TEXT_METADATA_JSON))
        {
            event.result = ResultCode.INVALID_FIELD;
            return;
        }
        final CustomerRecord old = customers.get(key);
        final String email = event.hasText(CommandEvent.TEXT_EMAIL) ? event.textString(CommandEvent.TEXT_EMAIL) : old.email();
        final String newEmailKey = email == null ? null : emailKey(merchant, email);
        final String oldEmailKey = old.email() == null ? null : emailKey(merchant, old.email());
        if (newEmailKey != null && !newEmailKey.equals(oldEmailKey))
        {
            final long holder = customerByEmail.getValue(newEmailKey);
            if (holder != MISSING && holder != key)
            {
                event.result = ResultCode.DUPLICATE_EMAIL;
                return;
            }
        }
        final CustomerRecord customer = new CustomerRecord(
            key,
            old.merchantId(),
            old.phoneNumber(),
            email,
            event.hasText(CommandEvent.TEXT_NAME) ? event.textString(CommandEvent.TEXT_NAME) : old.name(),
            event.textString(CommandEvent.TEXT_METADATA_JSON),
            old.createdAtMs(),
            time);
        if (oldEmailKey != null && !oldEmailKey.equals(newEmailKey))
        {
            customerByEmail.removeKey(oldEmailKey);
        }
        if (newEmailKey != null)
        {
            customerByEmail.put(newEmailKey, key);
        }
        customers.put(key, customer);
        event.customer = customer;
        event.resultKey = key;
        event.result = ResultCode.OK;
    }

    private void getCustomer(final CommandEvent event)
    {
        final int merchant = findMerchant(event);
        if (!ownedBy(event.customerKey, merchant))
        {
            event.result = ResultCode.CUSTOMER_NOT_FOUND;
            return;
        }
        event.customer = customers.get(event.customerKey);
        event.resultKey = event.customerKey;
        event.result = ResultCode.OK;
    }

    /**
     * Customers of the merchant, oldest first. {@link CommandEvent#TEXT_EMAIL} keeps the one whose email equals it
     * (ignoring case); {@link CommandEvent#TEXT_SEARCH} keeps those whose name, email or phone contains it (ignoring
     * case). A search scans the merchant's customers.
     */
    private void listCustomers(final CommandEvent event)
    {
        event.result = ResultCode.OK;
        final int merchant = findMerchant(event);
        if (merchant < 0)
        {
            return;
        }
        final String search = event.textString(CommandEvent.TEXT_SEARCH);
        if (event.hasText(CommandEvent.TEXT_EMAIL))
        {
            final long key = customerByEmail.getValue(emailKey(merchant, event.textString(CommandEvent.TEXT_EMAIL)));
            if (key != MISSING && matches(customers.get(key), search))
            {
                event.rowTotal = 1;
                if (event.pageOffset == 0)
                {
                    event.addRow(customers.get(key));
                }
            }
            return;
        }
        final LongArrayList keys = books.get(merchant).customerKeys;
        final int size = keys.size();
        if (search == null)
        {
            event.rowTotal = size;
            final int end = (int)Math.min(size, (long)event.pageOffset + event.pageLimit);
            for (int i = event.pageOffset; i < end; i++)
            {
                event.addRow(customers.get(keys.getLong(i)));
            }
            return;
        }
        long total = 0;
        for (int i = 0; i < size; i++)
        {
            final CustomerRecord customer = customers.get(keys.getLong(i));
            if (matches(customer, search))
            {
                if (total >= event.pageOffset && event.rowCount < event.pageLimit)
                {
                    event.addRow(customer);
                }
                total++;
            }
        }
        event.rowTotal = total;
    }

    private static boolean matches(final CustomerRecord customer, final String search)
    {
        return search == null || containsIgnoreCase(customer.name(), search) || containsIgnoreCase(customer.email(), search)
            || containsIgnoreCase(customer.phoneNumber(), search);
    }

    private static boolean containsIgnoreCase(final String text, final String part)
    {
        if (text == null)
        {
            return false;
        }
        final int last = text.length() - part.length();
        for (int i = 0; i <= last; i++)
        {
            if (text.regionMatches(true, i, part, 0, part.length()))
            {
                return true;
            }
        }
        return false;
    }

    // ---- money

    private void payIn(final CommandEvent event, final long time)
    {
        if (checkCustomerMovement(event, 1, CommandEvent.TEXT_DESCRIPTION) < 0)
        {
            return;
        }
        final long amount = event.amountMinor;
        final int currency = event.currency;
        final long customerKey = event.customerKey;
        final long balanceKey = balanceKey(customerKey, currency);
        final long before = balance(customerBalances, balanceKey);
        if (before > CommandEvent.AMOUNT_MINOR_MAX - amount)
        {
            event.result = ResultCode.AMOUNT_OVERFLOW;
            return;
        }
        final long paidIn = get(paidInByCurrency, currency);
        if (paidIn > Long.MAX_VALUE - amount)
        {
            event.result = ResultCode.AMOUNT_OVERFLOW;
            return;
        }

        final long after = before + amount;
        customerBalances.put(balanceKey, after);
        paidInByCurrency.put(currency, paidIn + amount);
        moneyTotals.move(currency, MoneyTotals.OUTSIDE, MoneyTotals.CUSTOMERS, amount);
        noteFirstCurrency(customerFirstCurrency, customerKey, currency);
        final long text = appendText(event, CommandEvent.TEXT_DESCRIPTION);
        appendCustomerEntry(customerKey, -1, EntryType.PAY_IN, amount, after, currency, time, event.commandId, text);
        event.balanceBeforeMinor = before;
        event.balanceAfterMinor = after;
        event.resultKey = event.commandId;
        event.result = ResultCode.OK;
    }

    private void purchase(final CommandEvent event, final long time)
    {
        if (event.quantity < 0)
        {
            event.result = ResultCode.INVALID_FIELD;
            return;
        }
        final int merchant = checkCustomerMovement(event, 2, CommandEvent.TEXT_PRODUCT_ID);
        if (merchant < 0)
        {
            return;
        }
        final long amount = event.amountMinor;
        final int currency = event.currency;
        final long customerKey = event.customerKey;
        final long customerBalanceKey = balanceKey(customerKey, currency);
        final long customerBefore = balance(customerBalances, customerBalanceKey);
        if (customerBefore < amount)
        {
            event.balanceBeforeMinor = customerBefore;
            event.balanceAfterMinor = customerBefore;
            event.result = ResultCode.INSUFFICIENT_FUNDS;
            return;
        }
        final long merchantBalanceKey = balanceKey(merchant, currency);
        final long merchantBefore = balance(merchantBalances, merchantBalanceKey);
        if (merchantBefore > CommandEvent.AMOUNT_MINOR_MAX - amount)
        {
            event.result = ResultCode.AMOUNT_OVERFLOW;
            return;
        }

        final long customerAfter = customerBefore - amount;
        final long merchantAfter = merchantBefore + amount;
        customerBalances.put(customerBalanceKey, customerAfter);
        merchantBalances.put(merchantBalanceKey, merchantAfter);
        moneyTotals.move(currency, MoneyTotals.CUSTOMERS, MoneyTotals.MERCHANTS, amount);
        noteFirstCurrency(merchantFirstCurrency, merchant, currency);
        final long text = appendText(event, CommandEvent.TEXT_PRODUCT_ID);
        appendCustomerEntry(customerKey, -1, EntryType.PURCHASE, -amount, customerAfter, currency, time, event.commandId, text);
        appendMerchantEntry(merchant, EntryType.SALE, amount, merchantAfter, currency, time, event.commandId, text);
        event.balanceBeforeMinor = customerBefore;
        event.balanceAfterMinor = customerAfter;
        event.resultKey = event.commandId;
        event.result = ResultCode.OK;
    }

    /** Moves money between two customers of the same merchant: {@code customerKey} pays {@code counterpartyKey}. */
    private void transfer(final CommandEvent event, final long time)
    {
        final int merchant = checkCustomerMovement(event, 2, CommandEvent.TEXT_DESCRIPTION);
        if (merchant < 0)
        {
            return;
        }
        final long fromKey = event.customerKey;
        final long toKey = event.counterpartyKey;
        if (!ownedBy(toKey, merchant))
        {
            event.result = ResultCode.COUNTERPARTY_NOT_FOUND;
            return;
        }
        if (fromKey == toKey)
        {
            event.result = ResultCode.INVALID_FIELD;
            return;
        }
        final long amount = event.amountMinor;
        final int currency = event.currency;
        final long fromBalanceKey = balanceKey(fromKey, currency);
        final long fromBefore = balance(customerBalances, fromBalanceKey);
        if (fromBefore < amount)
        {
            event.balanceBeforeMinor = fromBefore;
            event.balanceAfterMinor = fromBefore;
            event.result = ResultCode.INSUFFICIENT_FUNDS;
            return;
        }
        final long toBalanceKey = balanceKey(toKey, currency);
        final long toBefore = balance(customerBalances, toBalanceKey);
        if (toBefore > CommandEvent.AMOUNT_MINOR_MAX - amount)
        {
            event.result = ResultCode.AMOUNT_OVERFLOW;
            return;
        }

        final long fromAfter = fromBefore - amount;
        final long toAfter = toBefore + amount;
        customerBalances.put(fromBalanceKey, fromAfter);
        customerBalances.put(toBalanceKey, toAfter);
        noteFirstCurrency(customerFirstCurrency, toKey, currency);
        final long text = appendText(event, CommandEvent.TEXT_DESCRIPTION);
        final int outEntry = appendCustomerEntry(
            fromKey, toKey, EntryType.TRANSFER_OUT, -amount, fromAfter, currency, time, event.commandId, text);
        appendCustomerEntry(toKey, fromKey, EntryType.TRANSFER_IN, amount, toAfter, currency, time, event.commandId, text);
        books.get(merchant).transferEntries.addInt(outEntry);
        event.balanceBeforeMinor = fromBefore;
        event.balanceAfterMinor = fromAfter;
        event.resultKey = event.commandId;
        event.result = ResultCode.OK;
    }

    /** Takes money out of the ledger from the merchant's balance, to its bank account. */
    private void payout(final CommandEvent event, final long time)
    {
        if (!validMoney(event, event.amountMinor, event.currency))
        {
            return;
        }
        if (!event.hasText(CommandEvent.TEXT_METADATA_JSON))
        {
            event.result = ResultCode.INVALID_FIELD;
            return;
        }
        final int merchant = findMerchant(event);
        final long amount = event.amountMinor;
        final int currency = event.currency;
        final long balanceKey = merchant < 0 ? -1 : balanceKey(merchant, currency);
        final long before = merchant < 0 ? 0 : balance(merchantBalances, balanceKey);
        if (before < amount)
        {
            event.balanceBeforeMinor = before;
            event.balanceAfterMinor = before;
            event.result = ResultCode.INSUFFICIENT_MERCHANT_FUNDS;
            return;
        }
        if (event.commandId >= Ids.KEY_LIMIT || !entries.hasRoomFor(1)
            || !texts.hasRoomFor(Math.max(0, event.textLength(CommandEvent.TEXT_DESCRIPTION))))
        {
            event.result = ResultCode.CAPACITY_EXHAUSTED;
            return;
        }
        final long paidOut = get(paidOutByCurrency, currency);
        if (paidOut > Long.MAX_VALUE - amount)
        {
            event.result = ResultCode.AMOUNT_OVERFLOW;
            return;
        }

        final long after = before - amount;
        merchantBalances.put(balanceKey, after);
        paidOutByCurrency.put(currency, paidOut + amount);
        moneyTotals.move(currency, MoneyTotals.MERCHANTS, MoneyTotals.OUTSIDE, amount);
        final PayoutRecord payout = new PayoutRecord(
            event.commandId,
            merchants.id(merchant),
            amount,
            currency,
            event.textString(CommandEvent.TEXT_BANK_ACCOUNT),
            event.textString(CommandEvent.TEXT_DESCRIPTION),
            event.textString(CommandEvent.TEXT_METADATA_JSON),
            time);
        books.get(merchant).payouts.add(payout);
        final long text = appendText(event, CommandEvent.TEXT_DESCRIPTION);
        appendMerchantEntry(merchant, EntryType.PAYOUT, -amount, after, currency, time, event.commandId, text);
        event.balanceBeforeMinor = before;
        event.balanceAfterMinor = after;
        event.resultObject = payout;
        event.resultKey = event.commandId;
        event.result = ResultCode.OK;
    }

    private void getCustomerBalance(final CommandEvent event)
    {
        final long customerKey = event.customerKey;
        final int merchant = findMerchant(event);
        if (!ownedBy(customerKey, merchant))
        {
            event.result = ResultCode.CUSTOMER_NOT_FOUND;
            return;
        }
        int currency = event.currency;
        if (currency == Currencies.NONE)
        {
            final long first = customerFirstCurrency.get(customerKey);
            currency = first == MISSING ? defaultCurrency : (int)first;
        }
        final long balance = balance(customerBalances, balanceKey(customerKey, currency));
        final CustomerRecord customer = customers.get(customerKey);
        event.customer = customer;
        event.resultCurrency = currency;
        event.accountUpdatedAtMs = lastMovement(customerLastEntry.get(customerKey), currency, customer.createdAtMs());
        event.balanceBeforeMinor = balance;
        event.balanceAfterMinor = balance;
        event.resultKey = customerKey;
        event.result = ResultCode.OK;
    }

    /**
     * The merchant's balance in the requested currency (else its first, else the default). A merchant the ledger
     * has not seen yet has a zero balance created now: {@code resultKey} is then -1.
     */
    private void getMerchantBalance(final CommandEvent event)
    {
        final int merchant = findMerchant(event);
        int currency = event.currency;
        if (currency == Currencies.NONE)
        {
            final long first = merchant < 0 ? MISSING : merchantFirstCurrency.get(merchant);
            currency = first == MISSING ? defaultCurrency : (int)first;
        }
        event.resultCurrency = currency;
        final long balance = merchant < 0 ? 0 : balance(merchantBalances, balanceKey(merchant, currency));
        if (merchant >= 0)
        {
            final long createdAtMs = books.get(merchant).createdAtMs;
            event.accountUpdatedAtMs = lastMovement(merchantLastEntry.get(merchant), currency, createdAtMs);
            event.accountCreatedAtMs = createdAtMs;
        }
        else
        {
            event.accountUpdatedAtMs = event.resultTimestampMs;
            event.accountCreatedAtMs = event.resultTimestampMs;
        }
        event.resultKey = merchant;
        event.balanceBeforeMinor = balance;
        event.balanceAfterMinor = balance;
        event.result = ResultCode.OK;
    }

    /** The customer's history, newest first. */
    private void listCustomerTransactions(final CommandEvent event)
    {
        final long customerKey = event.customerKey;
        if (!ownedBy(customerKey, findMerchant(event)))
        {
            event.result = ResultCode.CUSTOMER_NOT_FOUND;
            return;
        }
        event.rowTotal = get(customerEntryCount, customerKey);
        final long last = customerLastEntry.get(customerKey);
        int entry = last == MISSING ? -1 : (int)last;
        for (int skipped = 0; entry >= 0 && skipped < event.pageOffset; skipped++)
        {
            entry = entries.previousOfAccount(entry);
        }
        while (entry >= 0 && event.rowCount < event.pageLimit)
        {
            addEntryRow(event, entry);
            entry = entries.previousOfAccount(entry);
        }
        event.resultKey = customerKey;
        event.result = ResultCode.OK;
    }

    /**
     * The merchant's history, newest first, restricted to {@code fromMs..toMs} and the {@link CommandEvent#filter()}.
     * Entries are in time order, so the time range costs only the entries it skips.
     */
    private void listBalanceHistory(final CommandEvent event)
    {
        event.result = ResultCode.OK;
        final int merchant = findMerchant(event);
        if (merchant < 0)
        {
            return;
        }
        final long last = merchantLastEntry.get(merchant);
        int entry = last == MISSING ? -1 : (int)last;
        if (event.filter == CommandEvent.FILTER_ALL && event.fromMs == Long.MIN_VALUE && event.toMs == Long.MAX_VALUE)
        {
            event.rowTotal = books.get(merchant).entryCount;
            for (int skipped = 0; entry >= 0 && skipped < event.pageOffset; skipped++)
            {
                entry = entries.previousOfAccount(entry);
            }
            while (entry >= 0 && event.rowCount < event.pageLimit)
            {
                addEntryRow(event, entry);
                entry = entries.previousOfAccount(entry);
            }
            return;
        }
        long total = 0;
        for (; entry >= 0; entry = entries.previousOfAccount(entry))
        {
            final long timestamp = entries.timestampMs(entry);
            if (timestamp > event.toMs)
            {
                continue;
            }
            if (timestamp < event.fromMs)
            {
                break;
            }
            if (!passes(event.filter, entries.type(entry), entries.amountMinor(entry)))
            {
                continue;
            }
            if (total >= event.pageOffset && event.rowCount < event.pageLimit)
            {
                addEntryRow(event, entry);
            }
            total++;
        }
        event.rowTotal = total;
    }

    private static boolean passes(final int filter, final EntryType type, final long amount)
    {
        return switch (filter)
        {
            case CommandEvent.FILTER_ALL -> true;
            case CommandEvent.FILTER_CREDIT -> amount > 0;
            case CommandEvent.FILTER_DEBIT -> amount < 0;
            case CommandEvent.FILTER_PURCHASE -> type == EntryType.SALE || type == EntryType.PURCHASE;
            case CommandEvent.FILTER_PAYOUT -> type == EntryType.PAYOUT;
            default -> false;
        };
    }

    /** The merchant's transfers, newest first: one row per transfer, from its sender's entry. */
    private void listTransfers(final CommandEvent event)
    {
        event.result = ResultCode.OK;
        final int merchant = findMerchant(event);
        if (merchant < 0)
        {
            return;
        }
        final IntArrayList transfers = books.get(merchant).transferEntries;
        final int size = transfers.size();
        event.rowTotal = size;
        for (int i = size - 1 - event.pageOffset; i >= 0 && event.rowCount < event.pageLimit; i--)
        {
            addEntryRow(event, transfers.getInt(i));
        }
    }

    /** The merchant's payouts, newest first; every payout is {@code completed}, so the status filter is all or none. */
    private void listPayouts(final CommandEvent event)
    {
        event.result = ResultCode.OK;
        final int merchant = findMerchant(event);
        if (merchant < 0 || event.filter == CommandEvent.FILTER_NONE)
        {
            return;
        }
        final ArrayList<PayoutRecord> payouts = books.get(merchant).payouts;
        final int size = payouts.size();
        event.rowTotal = size;
        for (int i = size - 1 - event.pageOffset; i >= 0 && event.rowCount < event.pageLimit; i--)
        {
            event.addRow(payouts.get(i));
        }
    }

    // ---- payment methods

    private void savePaymentMethod(final CommandEvent event, final long time)
    {
        final long customerKey = event.customerKey;
        final int merchant = findMerchant(event);
        if (!ownedBy(customerKey, merchant))
        {
            event.result = ResultCode.CUSTOMER_NOT_FOUND;
            return;
        }
        if (!event.hasText(CommandEvent.TEXT_METHOD_TYPE) || !event.hasText(CommandEvent.TEXT_METHOD_PROVIDER))
        {
            event.result = ResultCode.INVALID_FIELD;
            return;
        }
        LongArrayList saved = customerPaymentMethods.get(customerKey);
        if (saved != null && saved.size() >= PAYMENT_METHODS_PER_CUSTOMER_MAX)
        {
            event.result = ResultCode.LIMIT_EXCEEDED;
            return;
        }
        if (event.commandId >= Ids.KEY_LIMIT)
        {
            event.result = ResultCode.CAPACITY_EXHAUSTED;
            return;
        }
        final boolean makeDefault = (event.flags & CommandEvent.FLAG_DEFAULT_GIVEN) != 0
            ? (event.flags & CommandEvent.FLAG_DEFAULT) != 0
            : saved == null || saved.isEmpty();
        if (saved == null)
        {
            saved = new LongArrayList();
            customerPaymentMethods.put(customerKey, saved);
        }
        if (makeDefault)
        {
            for (int i = 0; i < saved.size(); i++)
            {
                final PaymentMethodRecord other = paymentMethods.get(saved.getLong(i));
                if (other.isDefault())
                {
                    paymentMethods.put(other.key(), other.withDefault(false, time));
                }
            }
        }
        final PaymentMethodRecord method = new PaymentMethodRecord(
            event.commandId,
            customerKey,
            event.textString(CommandEvent.TEXT_METHOD_TYPE),
            event.textString(CommandEvent.TEXT_METHOD_PROVIDER),
            event.textString(CommandEvent.TEXT_METHOD_BRAND),
            event.textString(CommandEvent.TEXT_METHOD_LAST4),
            (int)(event.aux % 100),
            (int)(event.aux / 100),
            event.textString(CommandEvent.TEXT_PHONE),
            makeDefault,
            time,
            time);
        paymentMethods.put(method.key(), method);
        saved.addLong(method.key());
        books.get(merchant).paymentMethodKeys.addLong(method.key());
        event.resultObject = method;
        event.resultKey = method.key();
        event.result = ResultCode.OK;
    }

    /** Deletes the method {@link CommandEvent#aux()} names. No other method becomes the default in its place. */
    private void deletePaymentMethod(final CommandEvent event, final long time)
    {
        final PaymentMethodRecord method = ownedPaymentMethod(event);
        if (method == null)
        {
            event.result = ResultCode.PAYMENT_METHOD_NOT_FOUND;
            return;
        }
        paymentMethods.remove(method.key());
        removeKey(customerPaymentMethods.get(method.customerKey()), method.key());
        removeKey(books.get(findMerchant(event)).paymentMethodKeys, method.key());
        event.resultObject = method;
        event.resultKey = method.key();
        event.result = ResultCode.OK;
    }

    private void getPaymentMethod(final CommandEvent event)
    {
        final PaymentMethodRecord method = ownedPaymentMethod(event);
        if (method == null)
        {
            event.result = ResultCode.PAYMENT_METHOD_NOT_FOUND;
            return;
        }
        event.resultObject = method;
        event.resultKey = method.key();
        event.result = ResultCode.OK;
    }

    private void listCustomerPaymentMethods(final CommandEvent event)
    {
        if (!ownedBy(event.customerKey, findMerchant(event)))
        {
            event.result = ResultCode.CUSTOMER_NOT_FOUND;
            return;
        }
        pageOfPaymentMethods(event, customerPaymentMethods.get(event.customerKey));
        event.result = ResultCode.OK;
    }

    /**
     * The merchant's methods, oldest first; with {@link CommandEvent#FLAG_CUSTOMER_FILTER} only those of
     * {@code customerKey} (none when that is not the merchant's customer: this list answers 200, never 404).
     */
    private void listPaymentMethods(final CommandEvent event)
    {
        event.result = ResultCode.OK;
        final int merchant = findMerchant(event);
        if (merchant < 0)
        {
            return;
        }
        if ((event.flags & CommandEvent.FLAG_CUSTOMER_FILTER) == 0)
        {
            pageOfPaymentMethods(event, books.get(merchant).paymentMethodKeys);
        }
        else if (ownedBy(event.customerKey, merchant))
        {
            pageOfPaymentMethods(event, customerPaymentMethods.get(event.customerKey));
        }
    }

    private void pageOfPaymentMethods(final CommandEvent event, final LongArrayList keys)
    {
        final int size = keys == null ? 0 : keys.size();
        event.rowTotal = size;
        final int end = (int)Math.min(size, (long)event.pageOffset + event.pageLimit);
        for (int i = event.pageOffset; i < end; i++)
        {
            event.addRow(paymentMethods.get(keys.getLong(i)));
        }
    }

    private PaymentMethodRecord ownedPaymentMethod(final CommandEvent event)
    {
        final PaymentMethodRecord method = event.aux < 0 ? null : paymentMethods.get(event.aux);
        return method != null && ownedBy(method.customerKey(), findMerchant(event)) ? method : null;
    }

    private static void removeKey(final LongArrayList keys, final long key)
    {
        final int index = keys.indexOf(key);
        if (index >= 0)
        {
            keys.remove(index);
        }
    }

    /** @return the time of the newest entry in {@code currency} walking back from {@code lastEntry}, else {@code fallbackMs}. */
    private long lastMovement(final long lastEntry, final int currency, final long fallbackMs)
    {
        int entry = lastEntry == MISSING ? -1 : (int)lastEntry;
        while (entry >= 0)
        {
            if (entries.currency(entry) == currency)
            {
                return entries.timestampMs(entry);
            }
            entry = entries.previousOfAccount(entry);
        }
        return fallbackMs;
    }

    private void addEntryRow(final CommandEvent event, final int entry)
    {
        final int row = event.addRow(
            entry,
            entries.type(entry).ordinal(),
            entries.amountMinor(entry),
            entries.balanceAfterMinor(entry),
            entries.currency(entry),
            entries.timestampMs(entry),
            entries.commandId(entry),
            entries.accountKey(entry),
            entries.counterpartyKey(entry));
        final long text = entries.textRef(entry);
        if (text != TextArena.NONE)
        {
            event.commitRowText(row, texts.copyTo(text, event.rowTextSink(), event.rowTextLimit()));
        }
    }

    // ---- reads for tests, tools and the state hash; ledger thread only

    /** @return the customer's balance in {@code currency}, 0 when it never held any; -1 for no such customer. */
    public long customerBalance(final long customerKey, final int currency)
    {
        return customers.containsKey(customerKey) ? balance(customerBalances, balanceKey(customerKey, currency)) : -1;
    }

    /** @return the merchant's balance in {@code currency}, 0 when it never held any. */
    public long merchantBalance(final String merchantId, final int currency)
    {
        for (int i = 0; i < merchants.size(); i++)
        {
            if (merchants.id(i).equals(merchantId))
            {
                return balance(merchantBalances, balanceKey(i, currency));
            }
        }
        return 0;
    }

    /** @return the customer, or {@code null}. */
    public CustomerRecord customer(final long customerKey)
    {
        return customers.get(customerKey);
    }

    public int customerCount()
    {
        return customers.size();
    }

    public int merchantCount()
    {
        return merchants.size();
    }

    /** @return how many idempotency keys are held (younger than {@link #IDEMPOTENCY_KEY_TTL_MS}). */
    public int idempotencyKeyCount()
    {
        return idempotency.size();
    }

    /** @return the id of the last state-changing command applied, or -1. */
    public long lastCommandId()
    {
        return lastCommandId;
    }

    /** @return how many state-changing commands were applied (accepted or refused). */
    public long commandsApplied()
    {
        return commandsApplied;
    }

    /** @return the money paid in, per packed currency: a copy, for tools and tests. */
    public Long2LongHashMap paidInByCurrency()
    {
        final Long2LongHashMap copy = new Long2LongHashMap(MISSING);
        copy.putAll(paidInByCurrency);
        return copy;
    }

    /** @return the money paid out to merchants' banks, per packed currency: a copy, for tools and tests. */
    public Long2LongHashMap paidOutByCurrency()
    {
        final Long2LongHashMap copy = new Long2LongHashMap(MISSING);
        copy.putAll(paidOutByCurrency);
        return copy;
    }

    /**
     * Checks the whole-ledger money invariant: for every currency, customer balances plus merchant balances
     * equal the money paid in minus the money paid out, and no balance is negative.
     *
     * @throws IllegalStateException naming the first currency that does not add up.
     */
    public void checkConservation()
    {
        final Long2LongHashMap held = new Long2LongHashMap(MISSING);
        final Long2LongHashMap.KeyIterator customerKeys = customerBalances.keySet().iterator();
        while (customerKeys.hasNext())
        {
            final long key = customerKeys.nextValue();
            addHeld(held, key, customerBalances.get(key));
        }
        final Long2LongHashMap.KeyIterator merchantKeys = merchantBalances.keySet().iterator();
        while (merchantKeys.hasNext())
        {
            final long key = merchantKeys.nextValue();
            addHeld(held, key, merchantBalances.get(key));
        }
        paidInByCurrency.forEachLong((currency, paidIn) ->
        {
            final long sum = get(held, currency);
            final long expected = paidIn - get(paidOutByCurrency, currency);
            if (sum != expected)
            {
                throw new IllegalStateException("currency=" + Currencies.toString((int)currency) + " held=" + sum
                    + " paidIn=" + paidIn + " paidOut=" + get(paidOutByCurrency, currency));
            }
        });
        held.forEachLong((currency, sum) ->
        {
            if (sum != 0 && get(paidInByCurrency, currency) == 0)
            {
                throw new IllegalStateException("currency=" + Currencies.toString((int)currency) + " held=" + sum + " paidIn=0");
            }
        });
    }

    /**
     * A hash of everything replay rebuilds: customers, balances, history, merchants, payment methods, payouts,
     * idempotency keys and counters. Two ledgers with equal hashes hold the same state. Iterates keys in sorted
     * order, so it does not depend on how a hash map happened to lay out its slots.
     */
    public long stateHash()
    {
        final StateHash hash = new StateHash();
        hash.add(lastCommandId).add(lastTimestampMs).add(commandsApplied).add(merchants.size());
        for (int i = 0; i < merchants.size(); i++)
        {
            final MerchantBook book = books.get(i);
            hash.add(merchants.id(i)).add(book.createdAtMs).add(book.entryCount);
            hashList(hash, book.customerKeys);
            hashList(hash, book.paymentMethodKeys);
            hash.add(book.transferEntries.size());
            for (int t = 0; t < book.transferEntries.size(); t++)
            {
                hash.add(book.transferEntries.getInt(t));
            }
            hash.add(book.payouts.size());
            for (final PayoutRecord p : book.payouts)
            {
                hash.add(p.key()).add(p.merchantId()).add(p.amountMinor()).add(p.currency()).add(p.bankAccount())
                    .add(p.description()).add(p.metadataJson()).add(p.createdAtMs());
            }
        }
        final long[] customerKeys = sortedKeys(customers.keySet().iterator(), customers.size());
        for (final long key : customerKeys)
        {
            final CustomerRecord c = customers.get(key);
            hash.add(key).add(c.merchantId()).add(c.phoneNumber()).add(c.email()).add(c.name())
                .add(c.metadataJson()).add(c.createdAtMs()).add(c.updatedAtMs())
                .add(customerMerchant.get(key)).add(customerFirstCurrency.get(key)).add(customerLastEntry.get(key))
                .add(customerEntryCount.get(key));
            final LongArrayList methods = customerPaymentMethods.get(key);
            hashList(hash, methods == null ? new LongArrayList() : methods);
        }
        final long[] methodKeys = sortedKeys(paymentMethods.keySet().iterator(), paymentMethods.size());
        for (final long key : methodKeys)
        {
            final PaymentMethodRecord m = paymentMethods.get(key);
            hash.add(key).add(m.customerKey()).add(m.type()).add(m.provider()).add(m.brand()).add(m.last4())
                .add(m.expiryMonth()).add(m.expiryYear()).add(m.phoneNumber()).add(m.isDefault() ? 1 : 0)
                .add(m.createdAtMs()).add(m.updatedAtMs());
        }
        hash.add(idempotencyByAge.size());
        for (final IdempotencyRecord r : idempotencyByAge)
        {
            hash.add(r.scopedKey).add(r.fingerprint).add(r.createdAtMs).add(r.type.code()).add(r.result.code())
                .add(r.resultCurrency).add(r.balanceBeforeMinor).add(r.balanceAfterMinor).add(r.resultTimestampMs)
                .add(r.accountUpdatedAtMs).add(r.resultKey);
        }
        hashMap(hash, customerBalances);
        hashMap(hash, merchantBalances);
        hashMap(hash, merchantFirstCurrency);
        hashMap(hash, merchantLastEntry);
        hashMap(hash, paidInByCurrency);
        hashMap(hash, paidOutByCurrency);
        entries.hashInto(hash);
        hash.add(texts.sizeBytes());
        return hash.value();
    }

    // ---- helpers

    private boolean validMoney(final CommandEvent event, final long amount, final int currency)
    {
        if (amount <= 0 || amount > CommandEvent.AMOUNT_MINOR_MAX)
        {
            event.result = ResultCode.INVALID_AMOUNT;
            return false;
        }
        if (!Currencies.isValid(currency))
        {
            event.result = ResultCode.INVALID_CURRENCY;
            return false;
        }
        return true;
    }

    /**
     * The checks every movement of a customer's money shares, in order: a valid amount and currency, a customer
     * of the command's merchant, and room in the history for {@code entryCount} entries and the text in
     * {@code textField} (history is held in memory with {@code int} indexes and offsets: refuse before anything
     * changes rather than fail half-way).
     *
     * @return the merchant's index, or -1 with the event's result set to the refusal.
     */
    private int checkCustomerMovement(final CommandEvent event, final int entryCount, final int textField)
    {
        if (!validMoney(event, event.amountMinor, event.currency))
        {
            return -1;
        }
        final int merchant = findMerchant(event);
        if (!ownedBy(event.customerKey, merchant))
        {
            event.result = ResultCode.CUSTOMER_NOT_FOUND;
            return -1;
        }
        if (event.commandId >= Ids.KEY_LIMIT || !entries.hasRoomFor(entryCount)
            || !texts.hasRoomFor(Math.max(0, event.textLength(textField))))
        {
            event.result = ResultCode.CAPACITY_EXHAUSTED;
            return -1;
        }
        return merchant;
    }

    private boolean ownedBy(final long customerKey, final int merchant)
    {
        return merchant >= 0 && customerKey >= 0 && customerMerchant.get(customerKey) == merchant;
    }

    private int findMerchant(final CommandEvent event)
    {
        final int length = event.textLength(CommandEvent.TEXT_MERCHANT_ID);
        return length < 0 ? -1 : merchants.find(event.textBuffer(), event.textOffset(CommandEvent.TEXT_MERCHANT_ID), length);
    }

    private int registerMerchant(final CommandEvent event, final long time)
    {
        final int merchant = merchants.findOrRegister(
            event.textBuffer(), event.textOffset(CommandEvent.TEXT_MERCHANT_ID), event.textLength(CommandEvent.TEXT_MERCHANT_ID));
        if (merchant == books.size())
        {
            books.add(new MerchantBook(time));
        }
        return merchant;
    }

    private long appendText(final CommandEvent event, final int field)
    {
        final DirectBuffer buffer = event.textBuffer();
        return texts.append(buffer, event.textOffset(field), event.textLength(field));
    }

    private static void noteFirstCurrency(final Long2LongHashMap firstCurrency, final long accountKey, final int currency)
    {
        if (firstCurrency.get(accountKey) == MISSING)
        {
            firstCurrency.put(accountKey, currency);
        }
    }

    private int appendCustomerEntry(
        final long customerKey, final long counterparty, final EntryType type, final long amount, final long after,
        final int currency, final long time, final long commandId, final long text)
    {
        final long previous = customerLastEntry.get(customerKey);
        final int index = entries.append(EntryLog.ACCOUNT_CUSTOMER, customerKey, counterparty, type, amount, after, currency,
            time, commandId, text, previous == MISSING ? -1 : (int)previous);
        customerLastEntry.put(customerKey, index);
        customerEntryCount.put(customerKey, get(customerEntryCount, customerKey) + 1);
        return index;
    }

    private void appendMerchantEntry(
        final int merchant, final EntryType type, final long amount, final long after, final int currency,
        final long time, final long commandId, final long text)
    {
        final long previous = merchantLastEntry.get(merchant);
        final int index = entries.append(EntryLog.ACCOUNT_MERCHANT, merchant, -1, type, amount, after, currency, time,
            commandId, text, previous == MISSING ? -1 : (int)previous);
        merchantLastEntry.put(merchant, index);
        books.get(merchant).entryCount++;
    }

    private static String emailKey(final int merchant, final String email)
    {
        return merchant + "\u0000" + email.toLowerCase(Locale.ROOT);
    }

    private static long balanceKey(final long accountKey, final int currency)
    {
        return (accountKey << Currencies.CODE_BITS) | currency;
    }

    private static long balance(final Long2LongHashMap balances, final long key)
    {
        final long value = balances.get(key);
        return value == MISSING ? 0 : value;
    }

    private static long get(final Long2LongHashMap map, final long key)
    {
        final long value = map.get(key);
        return value == MISSING ? 0 : value;
    }

    private static void addHeld(final Long2LongHashMap held, final long balanceKey, final long amount)
    {
        if (amount < 0)
        {
            throw new IllegalStateException("balanceKey=" + balanceKey + " amount=" + amount + " is negative");
        }
        final long currency = balanceKey & ((1 << Currencies.CODE_BITS) - 1);
        held.put(currency, Math.addExact(get(held, currency), amount));
    }

    private static void hashMap(final StateHash hash, final Long2LongHashMap map)
    {
        final long[] keys = sortedKeys(map.keySet().iterator(), map.size());
        hash.add(keys.length);
        for (final long key : keys)
        {
            hash.add(key).add(map.get(key));
        }
    }

    private static void hashList(final StateHash hash, final LongArrayList list)
    {
        hash.add(list.size());
        for (int i = 0; i < list.size(); i++)
        {
            hash.add(list.getLong(i));
        }
    }

    private static long[] sortedKeys(final Long2LongHashMap.KeyIterator iterator, final int size)
    {
        final long[] keys = new long[size];
        for (int i = 0; i < size; i++)
        {
            keys[i] = iterator.nextValue();
        }
        java.util.Arrays.sort(keys);
        return keys;
    }

    private static <T> long[] sortedKeys(final Long2ObjectHashMap<T>.KeyIterator iterator, final int size)
    {
        final long[] keys = new long[size];
        for (int i = 0; i < size; i++)
        {
            keys[i] = iterator.nextLong();
        }
        java.util.Arrays.sort(keys);
        return keys;
    }

    // ---- snapshot hook (LedgerSnapshot, LedgerTotals). Kept last in the file and apart from the rest: a field added
    // above must also get a section in LedgerSnapshot (LedgerSnapshotTest fails until it has one).

    /** @return the state holders, for LedgerSnapshot to write or, on a fresh ledger, to fill. Ledger thread only. */
    LedgerSnapshot.State snapshotState()
    {
        return new LedgerSnapshot.State(merchants, customers, customerMerchant, customerByEmail, customerBalances,
            merchantBalances, customerFirstCurrency, merchantFirstCurrency, customerLastEntry, customerEntryCount,
            merchantLastEntry, paidInByCurrency, paidOutByCurrency, paymentMethods, customerPaymentMethods, idempotency,
            idempotencyByAge, entries, texts, defaultCurrency, lastTimestampMs, lastCommandId, commandsApplied, books.size());
    }

    /** @return merchant {@code index}'s book, its lists the live ones, for LedgerSnapshot to write. */
    LedgerSnapshot.Book snapshotBook(final int index)
    {
        final MerchantBook book = books.get(index);
        return new LedgerSnapshot.Book(book.createdAtMs, book.entryCount, book.customerKeys, book.paymentMethodKeys,
            book.transferEntries, book.payouts);
    }

    /** Appends the book of the next merchant, restored by LedgerSnapshot. */
    void restoreBook(final LedgerSnapshot.Book restored)
    {
        final MerchantBook book = new MerchantBook(restored.createdAtMs());
        book.entryCount = restored.entryCount();
        book.customerKeys.addAll(restored.customerKeys());
        book.paymentMethodKeys.addAll(restored.paymentMethodKeys());
        book.transferEntries.addAll(restored.transferEntries());
        book.payouts.addAll(restored.payouts());
        books.add(book);
    }

    /** Sets the counters a snapshot holds, after LedgerSnapshot filled a fresh ledger's maps. */
    void restoreCounters(final long lastTimestampMs, final long lastCommandId, final long commandsApplied)
    {
        this.lastTimestampMs = lastTimestampMs;
        this.lastCommandId = lastCommandId;
        this.commandsApplied = commandsApplied;
        moneyTotals.recount(LedgerTotals.of(this));
    }

    /**
     * @return money per currency, kept as it moves: the running totals are this ledger's (its thread only); other
     * threads read what {@link MoneyTotals#publish()} last published (the pipeline publishes at the end of each batch).
     */
    public MoneyTotals moneyTotals()
    {
        return moneyTotals;
    }
}
