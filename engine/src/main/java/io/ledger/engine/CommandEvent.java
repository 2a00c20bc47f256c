package io.ledger.engine;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * One preallocated slot of the command ring: the command as the publisher filled it ({@link CommandFields}), the
 * fields the pipeline stamps (id, time), the result the ledger wrote back, and where the reply goes. Mutable and
 * reused; nothing here is allocated per command once its buffers have grown to the largest command seen.
 *
 * <p>Thread-safety: a slot is owned by exactly one thread at a time, handed over by the Disruptor's sequence
 * barriers: the publisher while filling, then the journal and ledger stages (reading; only the ledger writes the
 * result fields, through the setters below), then the reply stage.
 */
public final class CommandEvent extends CommandFields<CommandEvent>
{
    /** Largest amount and balance, in minor units: 2^53 - 1, exact in every JSON client's numbers. */
    public static final long AMOUNT_MINOR_MAX = 9_007_199_254_740_991L;

    /** Most rows one list query returns: the API's largest {@code limit}. */
    public static final int PAGE_ROWS_MAX = 100;
    /** {@link ResultCode#values()} once, for {@link #result()}. */
    private static final ResultCode[] RESULT_CODES = ResultCode.values();

    /** {@link Field#ROW_FILTER} of LIST_BALANCE_HISTORY: every entry. */
    public static final int FILTER_ALL = 0;
    /** Entries that added money. */
    public static final int FILTER_CREDIT = 1;
    /** Entries that took money away. */
    public static final int FILTER_DEBIT = 2;
    /** Entries of purchases: debits, sales, and releases of held purchases. */
    public static final int FILTER_PURCHASE = 3;
    /** Entries of payouts. */
    public static final int FILTER_PAYOUT = 4;
    /** Matches nothing: a filter value the ledger does not know (LIST_PAYOUTS status other than completed). */
    public static final int FILTER_NONE = 5;

    // ---- the long columns of one history row in the result page (see rowLong)
    /** Position of the entry in the history: its {@code txn_} id. */
    public static final int ROW_ENTRY = 0;
    /** {@link EntryType} ordinal. */
    public static final int ROW_TYPE = 1;
    /** Signed: credits positive, debits negative. */
    public static final int ROW_AMOUNT = 2;
    public static final int ROW_BALANCE_AFTER = 3;
    public static final int ROW_CURRENCY = 4;
    public static final int ROW_TIMESTAMP_MS = 5;
    /** The command that made the entry: the key of the related pay-in, purchase, transfer or payout (see EntryType). */
    public static final int ROW_COMMAND_ID = 6;
    /** Customer key, or merchant index, of the account. */
    public static final int ROW_ACCOUNT = 7;
    /**
     * The entry's link: the other customer of a transfer; for an {@link EntryType#relatedByLink()} type the key of its
     * related purchase or gift balance; else -1.
     */
    public static final int ROW_COUNTERPARTY = 8;
    private static final int ROW_TEXT_OFFSET = 9;
    private static final int ROW_TEXT_LENGTH = 10;
    private static final int ROW_LONGS = 11;

    // ---- stamped by the pipeline before the command becomes visible to the journal and ledger stages
    private long commandId;
    private long timestampMs;
    /**
     * {@link System#nanoTime()} when the pipeline published it, for the ledger thread's pause figure; never journaled,
     * never read by the ledger, 0 for replayed commands.
     */
    private long publishedNs;

    // ---- the result, written by the ledger stage (only these: the journal stage reads the command concurrently)
    /**
     * The outcome as an index into {@link #RESULT_CODES}, -1 for none: a primitive, not a {@code ResultCode} reference.
     * The ring's events live in the old generation, so storing a reference in one makes G1 dirty and enqueue its card
     * for every command (a post-write barrier): about 5% of the ledger thread's samples in a profile of the pipeline,
     * and the G1 refinement threads' work on top (another 13% of the process's samples).
     */
    private int resultIndex = -1;
    private int resultCurrency;
    private long balanceBeforeMinor;
    private long balanceAfterMinor;
    private long resultTimestampMs;
    private long accountUpdatedAtMs;
    private long accountCreatedAtMs;
    private long pendingMinor;
    private long giftTotalMinor;
    private CustomerRecord customer;
    private long resultKey;
    private Object resultObject;
    /** The result object is the payout the command made, built from the command's fields when first read. */
    private boolean resultPayout;
    private boolean replayed;
    private int rowCount;
    private long rowTotal;
    /**
     * The page of a list query, created by the first query this slot carries and kept (null until then): about 10 KB,
     * against 1.5 KB for the rest of the slot. Preallocated in every slot it made the default ring 184 MB, whose
     * commands (which never touch a page) were strewn 11.8 KB apart: every claim of a slot missed the caches and the TLB.
     */
    private Object[] rowObjects;
    private long[] rowLongs;
    private ExpandableArrayBuffer rowText;
    private int rowTextLimit;

    // ---- reply routing; never journaled
    private ReplySink replySink;
    private Object replyContext;

    // ---- a BATCH's commands: beside the slot, never in it (see BatchItems)
    private BatchItems batch;
    /** The items this event decodes a journaled batch into (journal readers); created on first use, kept. */
    private BatchItems ownBatch;

    public CommandEvent()
    {
        clear();
    }

    /** Resets every field so that nothing of a previous command leaks into the next one. */
    public void clear()
    {
        commandId = 0;
        timestampMs = 0;
        publishedNs = 0;
        clearFields();
        clearResult();
        replySink = null;
        replyContext = null;
        batch = null;
    }

    /**
     * The same as {@link #clear()} then {@link #copyFrom}, with one pass over the fields instead of two: the copy makes
     * this event's own fields absent before it writes {@code from}'s (a batch's item, filled from the draft its body was
     * parsed into: the clear's pass was 1.9% of the samples at batches of 100).
     */
    public void clearAndCopy(final CommandFields<?> from)
    {
        commandId = 0;
        timestampMs = 0;
        publishedNs = 0;
        clearResult();
        replySink = null;
        replyContext = null;
        batch = null;
        copyFrom(from);
    }

    /** Clears what the ledger writes, so a command can be applied again (replay, tests). */
    public void clearResult()
    {
        resultIndex = -1;
        resultCurrency = Currencies.NONE;
        balanceBeforeMinor = 0;
        balanceAfterMinor = 0;
        resultTimestampMs = 0;
        accountUpdatedAtMs = 0;
        accountCreatedAtMs = 0;
        pendingMinor = 0;
        giftTotalMinor = -1;
        customer = null;
        resultKey = -1;
        resultObject = null;
        resultPayout = false;
        replayed = false;
        if (rowCount > 0)
        {
            java.util.Arrays.fill(rowObjects, 0, rowCount, null);
            rowCount = 0;
        }
        rowTotal = 0;
        rowTextLimit = 0;
    }

    // ---- stamps

    public long commandId()
    {
        return commandId;
    }

    public long timestampMs()
    {
        return timestampMs;
    }

    /** Sets the id and time; the pipeline does this for live commands, the journal reader for replayed ones. */
    public CommandEvent stamp(final long commandId, final long timestampMs)
    {
        this.commandId = commandId;
        this.timestampMs = timestampMs;
        return this;
    }

    /**
     * Makes this slot a {@link CommandType#NOOP} that holds a command id for a batch published with it
     * ({@link LedgerPipeline#tryPublish(LedgerPipeline.CommandFiller, Object, int)}): the type and the stamps only.
     * What a previous command left in the fields stays (each still marked present, so the next {@link #clear()} of the
     * slot resets it), unread: no stage reads a NOOP's fields, and its reply sink was released when its previous
     * command was replied to. At batches of 100, clearing each of the 100 cold slots took 1.6% of the server's samples.
     */
    void reserve(final long commandId, final long timestampMs, final long publishedNs)
    {
        type(CommandType.NOOP);
        this.commandId = commandId;
        this.timestampMs = timestampMs;
        this.publishedNs = publishedNs;
    }

    /** @return when the pipeline published the command ({@link System#nanoTime()}), or 0. */
    long publishedNs()
    {
        return publishedNs;
    }

    void publishedNs(final long nanoTime)
    {
        this.publishedNs = nanoTime;
    }

    /**
     * Sets the page of a list query: at most {@code limit} rows (1..{@link #PAGE_ROWS_MAX}) after {@code offset}.
     *
     * @throws IllegalArgumentException outside those bounds: the adapter checks them first.
     */
    public CommandEvent page(final int limit, final int offset)
    {
        if (limit < 1 || limit > PAGE_ROWS_MAX || offset < 0)
        {
            throw new IllegalArgumentException("limit=" + limit + " offset=" + offset);
        }
        return set(Field.PAGE_LIMIT, limit).set(Field.PAGE_OFFSET, offset);
    }

    // ---- result fields: read by the reply stage, written by the ledger stage only

    /** @return the outcome the ledger wrote, or {@code null} before the ledger stage has run. */
    public ResultCode result()
    {
        final int index = resultIndex;
        return index < 0 ? null : RESULT_CODES[index];
    }

    public void result(final ResultCode result)
    {
        this.resultIndex = result == null ? -1 : result.ordinal();
    }

    /** @return for balance reads: the currency reported, which the ledger picks when the command named none. */
    public int resultCurrency()
    {
        return resultCurrency;
    }

    public void resultCurrency(final int currency)
    {
        this.resultCurrency = currency;
    }

    /** @return the balance of the account the command reports on, before it (for reads: the balance). */
    public long balanceBeforeMinor()
    {
        return balanceBeforeMinor;
    }

    public long balanceAfterMinor()
    {
        return balanceAfterMinor;
    }

    /** Sets the reported account's balance before and after the command. */
    public void balances(final long beforeMinor, final long afterMinor)
    {
        this.balanceBeforeMinor = beforeMinor;
        this.balanceAfterMinor = afterMinor;
    }

    /** @return the ledger's time for this command: never earlier than any command applied before it. */
    public long resultTimestampMs()
    {
        return resultTimestampMs;
    }

    public void resultTimestampMs(final long timeMs)
    {
        this.resultTimestampMs = timeMs;
    }

    /**
     * @return for balance reads: when the balance last moved, or the account's creation time when it never did.
     */
    public long accountUpdatedAtMs()
    {
        return accountUpdatedAtMs;
    }

    public void accountUpdatedAtMs(final long timeMs)
    {
        this.accountUpdatedAtMs = timeMs;
    }

    /** @return for merchant balance reads: when the merchant's account was opened (its first customer). */
    public long accountCreatedAtMs()
    {
        return accountCreatedAtMs;
    }

    public void accountCreatedAtMs(final long timeMs)
    {
        this.accountCreatedAtMs = timeMs;
    }

    /** @return for merchant balance reads: the money held for the merchant by escrowed purchases (not yet its own). */
    public long pendingMinor()
    {
        return pendingMinor;
    }

    public void pendingMinor(final long amountMinor)
    {
        this.pendingMinor = amountMinor;
    }

    /**
     * @return for customer balance reads: what the customer's unexpired gift balances in the currency hold, or -1 when
     * the customer never had a gift balance (its balance then shows no gift figure at all).
     */
    public long giftTotalMinor()
    {
        return giftTotalMinor;
    }

    public void giftTotalMinor(final long amountMinor)
    {
        this.giftTotalMinor = amountMinor;
    }

    /** @return the customer a customer command created or read; immutable, safe to read on any thread. */
    public CustomerRecord customer()
    {
        return customer;
    }

    public void customer(final CustomerRecord customer)
    {
        this.customer = customer;
    }

    /** @return the key of the entity created, changed or read; for an idempotent replay, the original one's. */
    public long resultKey()
    {
        return resultKey;
    }

    public void resultKey(final long key)
    {
        this.resultKey = key;
    }

    /**
     * @return the record the command created, changed or read (payment method, payout, purchase, refund, gift balance),
     * or for some refusals the one it was refused for; immutable, safe on any thread. A payout the command made
     * ({@link #resultPayoutFromCommand()}) is built from the command's fields here, on the reading thread (the reply's),
     * so the ledger thread allocates nothing for it.
     */
    public Object resultObject()
    {
        if (resultObject == null && resultPayout)
        {
            resultObject = new PayoutRecord(resultKey, textString(Field.MERCHANT_ID), get(Field.AMOUNT_MINOR),
                (int)get(Field.CURRENCY), textString(Field.BANK_ACCOUNT), textString(Field.DESCRIPTION),
                textString(Field.METADATA_JSON), resultTimestampMs);
        }
        return resultObject;
    }

    /**
     * Marks the result object as the payout this PAYOUT command made: key {@link #resultKey()}, time
     * {@link #resultTimestampMs()}, and the command's merchant, amount, currency and texts.
     */
    public void resultPayoutFromCommand()
    {
        this.resultPayout = true;
    }

    /** @return true when the result object is the payout this command made ({@link #resultPayoutFromCommand()}). */
    public boolean resultPayoutFromCommandSet()
    {
        return resultPayout;
    }

    public void resultObject(final Object record)
    {
        this.resultObject = record;
    }

    /** @return true when this is the stored outcome of an earlier command with the same idempotency key. */
    public boolean replayed()
    {
        return replayed;
    }

    public void replayed(final boolean replayed)
    {
        this.replayed = replayed;
    }

    // ---- the page of a list query

    /** @return the number of rows of a list query's page. */
    public int rowCount()
    {
        return rowCount;
    }

    /** @return how many rows match the query in all, across pages. */
    public long rowTotal()
    {
        return rowTotal;
    }

    public void rowTotal(final long total)
    {
        this.rowTotal = total;
    }

    /**
     * @return an immutable record of row {@code row} (customer, payment method, payout, purchase, refund, gift balance),
     * or null for history rows.
     */
    public Object rowObject(final int row)
    {
        return rowObjects[row];
    }

    /** @return column {@code column} (a {@code ROW_*} constant) of history row {@code row}. */
    public long rowLong(final int row, final int column)
    {
        return rowLongs[row * ROW_LONGS + column];
    }

    /** @return the text of history row {@code row} (description or product id), or null. Allocates: edges only. */
    public String rowText(final int row)
    {
        final int length = (int)rowLongs[row * ROW_LONGS + ROW_TEXT_LENGTH];
        return length < 0 ? null : rowText.getStringWithoutLengthUtf8((int)rowLongs[row * ROW_LONGS + ROW_TEXT_OFFSET], length);
    }

    /** Appends a row that is an immutable record. */
    public void addRow(final Object record)
    {
        if (rowObjects == null)
        {
            allocatePage();
        }
        rowObjects[rowCount++] = record;
    }

    /** The page's arrays, once per slot: by its first list query (ledger thread), kept for every later one. */
    private void allocatePage()
    {
        rowObjects = new Object[PAGE_ROWS_MAX];
        rowLongs = new long[PAGE_ROWS_MAX * ROW_LONGS];
        rowText = new ExpandableArrayBuffer(1024);
    }

    /** Appends a history row; returns its index so that the row's text can follow with {@link #rowTextSink}. */
    public int addRow(
        final int entry, final int type, final long amount, final long balanceAfter, final int currency, final long timestampMs,
        final long commandId, final long account, final long counterparty)
    {
        if (rowLongs == null)
        {
            allocatePage();
        }
        final int row = rowCount++;
        final int base = row * ROW_LONGS;
        rowLongs[base + ROW_ENTRY] = entry;
        rowLongs[base + ROW_TYPE] = type;
        rowLongs[base + ROW_AMOUNT] = amount;
        rowLongs[base + ROW_BALANCE_AFTER] = balanceAfter;
        rowLongs[base + ROW_CURRENCY] = currency;
        rowLongs[base + ROW_TIMESTAMP_MS] = timestampMs;
        rowLongs[base + ROW_COMMAND_ID] = commandId;
        rowLongs[base + ROW_ACCOUNT] = account;
        rowLongs[base + ROW_COUNTERPARTY] = counterparty;
        rowLongs[base + ROW_TEXT_OFFSET] = rowTextLimit;
        rowLongs[base + ROW_TEXT_LENGTH] = -1;
        return row;
    }

    /** @return the buffer a history row's text is copied into, at {@link #rowTextLimit()}. */
    public MutableDirectBuffer rowTextSink()
    {
        if (rowText == null)
        {
            allocatePage();
        }
        return rowText;
    }

    public int rowTextLimit()
    {
        return rowTextLimit;
    }

    /** Records that row {@code row}'s text is the {@code length} bytes just written at {@link #rowTextLimit()}. */
    public void commitRowText(final int row, final int length)
    {
        rowLongs[row * ROW_LONGS + ROW_TEXT_LENGTH] = length;
        rowTextLimit += length;
    }

    // ---- a batch's commands

    /** @return the commands of a {@link CommandType#BATCH}, or null. */
    public BatchItems batch()
    {
        return batch;
    }

    /** Refers to the commands of this {@link CommandType#BATCH} (the publisher's, owned like this slot). */
    public CommandEvent batch(final BatchItems items)
    {
        this.batch = items;
        return this;
    }

    /** @return this event's own items, emptied and referred to: where a journal reader decodes a batch's commands. */
    BatchItems decodeBatch()
    {
        if (ownBatch == null)
        {
            ownBatch = new BatchItems();
        }
        ownBatch.clear();
        batch = ownBatch;
        return ownBatch;
    }

    // ---- reply routing

    public ReplySink replySink()
    {
        return replySink;
    }

    public Object replyContext()
    {
        return replyContext;
    }

    /** Names where the reply goes; the reply stage calls {@code sink} once the command is applied and journaled. */
    public CommandEvent replyTo(final ReplySink sink, final Object context)
    {
        this.replySink = sink;
        this.replyContext = context;
        return this;
    }

    /** Drops the reply routing and the customer reference once the reply is written (reply stage). */
    void releaseReply()
    {
        replySink = null;
        replyContext = null;
        customer = null;
    }
}
