package io.ledger.engine;

import java.util.HashMap;
import java.util.Locale;

import io.ledger.engine.internal.EntryLog;
import io.ledger.engine.internal.EntryType;
import io.ledger.engine.internal.MerchantDirectory;
import io.ledger.engine.internal.StateHash;
import io.ledger.engine.internal.TextArena;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;

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
 * <p>Single-threaded: ledger thread only. Allocation-free for money movements once warm; creating a customer
 * allocates the record it keeps.
 */
public final class Ledger
{
    private static final long MISSING = Long.MIN_VALUE;

    private final int defaultCurrency;
    private final MerchantDirectory merchants = new MerchantDirectory();
    private final Long2ObjectHashMap<CustomerRecord> customers = new Long2ObjectHashMap<>();
    private final Long2LongHashMap customerMerchant = new Long2LongHashMap(MISSING);
    private final HashMap<String, CustomerRecord> customerByEmail = new HashMap<>();
    private final Long2LongHashMap customerBalances = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap merchantBalances = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap customerFirstCurrency = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap merchantFirstCurrency = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap customerLastEntry = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap merchantLastEntry = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap paidInByCurrency = new Long2LongHashMap(MISSING);
    private final EntryLog entries = new EntryLog(1 << 16);
    private final TextArena texts = new TextArena();

    private long lastTimestampMs = Long.MIN_VALUE;
    private long lastCommandId = -1;
    private long commandsApplied;

    /**
     * @param defaultCurrency the packed currency a balance read without one reports, when the account has never
     *                        held money (see {@link Currencies}).
     */
    public Ledger(final int defaultCurrency)
    {
        if (!Currencies.isValid(defaultCurrency))
        {
            throw new IllegalArgumentException("defaultCurrency=" + defaultCurrency + " is not a packed currency");
        }
        this.defaultCurrency = defaultCurrency;
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
        }
        switch (type)
        {
            case CREATE_CUSTOMER -> createCustomer(event, time);
            case PAY_IN -> payIn(event, time);
            case PURCHASE -> purchase(event, time);
            case GET_CUSTOMER -> getCustomer(event);
            case GET_CUSTOMER_BALANCE -> getCustomerBalance(event);
            case GET_MERCHANT_BALANCE -> getMerchantBalance(event);
            case NOOP -> event.result = ResultCode.OK;
            default -> throw new IllegalStateException("type=" + type + " has no handler");
        }
    }

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
        final int merchant = registerMerchant(event);
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
        if (emailKey != null)
        {
            customerByEmail.put(emailKey, customer);
        }
        event.customer = customer; // never write command fields here: the journal thread reads them concurrently
        event.result = ResultCode.OK;
    }

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
        if (customerFirstCurrency.get(customerKey) == MISSING)
        {
            customerFirstCurrency.put(customerKey, currency);
        }
        final long text = appendText(event, CommandEvent.TEXT_DESCRIPTION);
        appendCustomerEntry(customerKey, EntryType.PAY_IN, amount, after, currency, time, event.commandId, text);
        event.balanceBeforeMinor = before;
        event.balanceAfterMinor = after;
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
        if (merchantFirstCurrency.get(merchant) == MISSING)
        {
            merchantFirstCurrency.put(merchant, currency);
        }
        final long text = appendText(event, CommandEvent.TEXT_PRODUCT_ID);
        appendCustomerEntry(customerKey, EntryType.PURCHASE, -amount, customerAfter, currency, time, event.commandId, text);
        appendMerchantEntry(merchant, EntryType.SALE, amount, merchantAfter, currency, time, event.commandId, text);
        event.balanceBeforeMinor = customerBefore;
        event.balanceAfterMinor = customerAfter;
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
        event.result = ResultCode.OK;
    }

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
        event.balanceBeforeMinor = balance;
        event.balanceAfterMinor = balance;
        event.result = ResultCode.OK;
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

    /**
     * Checks the whole-ledger money invariant: for every currency, customer balances plus merchant balances
     * equal the money paid in, and no balance is negative.
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
            if (sum != paidIn)
            {
                throw new IllegalStateException("currency=" + Currencies.toString((int)currency) + " held=" + sum + " paidIn=" + paidIn);
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
     * A hash of everything replay rebuilds: customers, balances, history, merchants and counters. Two ledgers
     * with equal hashes hold the same state. Iterates keys in sorted order, so it does not depend on how a hash
     * map happened to lay out its slots.
     */
    public long stateHash()
    {
        final StateHash hash = new StateHash();
        hash.add(lastCommandId).add(lastTimestampMs).add(commandsApplied).add(merchants.size());
        for (int i = 0; i < merchants.size(); i++)
        {
            hash.add(merchants.id(i));
        }
        final long[] customerKeys = sortedKeys(customers.keySet().iterator(), customers.size());
        for (final long key : customerKeys)
        {
            final CustomerRecord c = customers.get(key);
            hash.add(key).add(c.merchantId()).add(c.phoneNumber()).add(c.email()).add(c.name())
                .add(c.metadataJson()).add(c.createdAtMs()).add(c.updatedAtMs())
                .add(customerMerchant.get(key)).add(customerFirstCurrency.get(key)).add(customerLastEntry.get(key));
        }
        hashMap(hash, customerBalances);
        hashMap(hash, merchantBalances);
        hashMap(hash, merchantFirstCurrency);
        hashMap(hash, merchantLastEntry);
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
        if (!entries.hasRoomFor(entryCount) || !texts.hasRoomFor(Math.max(0, event.textLength(textField))))
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

    private int registerMerchant(final CommandEvent event)
    {
        return merchants.findOrRegister(
            event.textBuffer(), event.textOffset(CommandEvent.TEXT_MERCHANT_ID), event.textLength(CommandEvent.TEXT_MERCHANT_ID));
    }

    private long appendText(final CommandEvent event, final int field)
    {
        final DirectBuffer buffer = event.textBuffer();
        return texts.append(buffer, event.textOffset(field), event.textLength(field));
    }

    private void appendCustomerEntry(
        final long customerKey, final EntryType type, final long amount, final long after, final int currency,
        final long time, final long commandId, final long text)
    {
        final long previous = customerLastEntry.get(customerKey);
        final int index = entries.append(EntryLog.ACCOUNT_CUSTOMER, customerKey, type, amount, after, currency, time,
            commandId, text, previous == MISSING ? -1 : (int)previous);
        customerLastEntry.put(customerKey, index);
    }

    private void appendMerchantEntry(
        final int merchant, final EntryType type, final long amount, final long after, final int currency,
        final long time, final long commandId, final long text)
    {
        final long previous = merchantLastEntry.get(merchant);
        final int index = entries.append(EntryLog.ACCOUNT_MERCHANT, merchant, type, amount, after, currency, time,
            commandId, text, previous == MISSING ? -1 : (int)previous);
        merchantLastEntry.put(merchant, index);
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

    private static long[] sortedKeys(final Long2ObjectHashMap<CustomerRecord>.KeyIterator iterator, final int size)
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
            merchantBalances, customerFirstCurrency, merchantFirstCurrency, customerLastEntry, merchantLastEntry,
            paidInByCurrency, entries, texts, defaultCurrency, lastTimestampMs, lastCommandId, commandsApplied);
    }

    /** Sets the counters a snapshot holds, after LedgerSnapshot filled a fresh ledger's maps. */
    void restoreCounters(final long lastTimestampMs, final long lastCommandId, final long commandsApplied)
    {
        this.lastTimestampMs = lastTimestampMs;
        this.lastCommandId = lastCommandId;
        this.commandsApplied = commandsApplied;
    }
}
