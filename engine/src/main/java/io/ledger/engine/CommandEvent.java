package io.ledger.engine;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * One preallocated slot of the command ring: the command as the publisher filled it, the fields the pipeline
 * stamps (id, time), and the result the ledger wrote back. Mutable and reused; nothing here is allocated per
 * command once the text buffer has grown to the largest command seen.
 *
 * <p>Text fields are sparse: each index has one meaning across all command types (see the {@code TEXT_*}
 * constants), is absent unless set, and is stored as UTF-8 in one shared buffer.
 *
 * <p>Thread-safety: a slot is owned by exactly one thread at a time, handed over by the Disruptor's sequence
 * barriers: the publisher while filling, then the journal and ledger stages (reading; only the ledger writes the
 * result fields), then the reply stage.
 */
public final class CommandEvent
{
    /** The merchant the command acts for: the authenticated token's subject. Present on every command. */
    public static final int TEXT_MERCHANT_ID = 0;
    public static final int TEXT_PHONE = 1;
    public static final int TEXT_EMAIL = 2;
    public static final int TEXT_NAME = 3;
    /** A JSON object, already validated and re-serialized compactly by the adapter. */
    public static final int TEXT_METADATA_JSON = 4;
    public static final int TEXT_DESCRIPTION = 5;
    public static final int TEXT_PRODUCT_ID = 6;
    /** The client's {@code Idempotency-Key}; scoped to the merchant. */
    public static final int TEXT_IDEMPOTENCY_KEY = 7;
    /** List queries: the case-insensitive substring to search for. Never journaled (queries are not). */
    public static final int TEXT_SEARCH = 8;
    public static final int TEXT_BANK_ACCOUNT = 9;
    /** Payment methods: {@code card}, {@code mobile_money}, ... */
    public static final int TEXT_METHOD_TYPE = 10;
    public static final int TEXT_METHOD_PROVIDER = 11;
    public static final int TEXT_METHOD_BRAND = 12;
    public static final int TEXT_METHOD_LAST4 = 13;
    /** Number of text field indexes; a presence mask of this many bits goes into each journal record. */
    public static final int TEXT_FIELDS = 16;
    /** Upper bound of one text field, in UTF-8 bytes: its length is journaled as an unsigned 16-bit value. */
    public static final int TEXT_BYTES_MAX = 65_535;

    /** Largest amount and balance, in minor units: 2^53 - 1, exact in every JSON client's numbers. */
    public static final long AMOUNT_MINOR_MAX = 9_007_199_254_740_991L;

    /** Most rows one list query returns: the API's largest {@code limit}. */
    public static final int PAGE_ROWS_MAX = 100;

    /** {@link #flags()} of SAVE_PAYMENT_METHOD: the request set {@code isDefault}. */
    public static final long FLAG_DEFAULT_GIVEN = 1;
    /** {@link #flags()} of SAVE_PAYMENT_METHOD: {@code isDefault} was {@code true}. */
    public static final long FLAG_DEFAULT = 2;
    /** {@link #flags()} of LIST_PAYMENT_METHODS: list only {@code customerKey}'s methods. */
    public static final long FLAG_CUSTOMER_FILTER = 4;

    /** {@link #filter()} of LIST_BALANCE_HISTORY: every entry. */
    public static final int FILTER_ALL = 0;
    /** Entries that added money. */
    public static final int FILTER_CREDIT = 1;
    /** Entries that took money away. */
    public static final int FILTER_DEBIT = 2;
    /** Entries of purchases. */
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
    /** The command that made the entry: the key of the related pay-in, purchase, transfer or payout. */
    public static final int ROW_COMMAND_ID = 6;
    /** Customer key, or merchant index, of the account. */
    public static final int ROW_ACCOUNT = 7;
    /** The other customer of a transfer, else -1. */
    public static final int ROW_COUNTERPARTY = 8;
    private static final int ROW_TEXT_OFFSET = 9;
    private static final int ROW_TEXT_LENGTH = 10;
    private static final int ROW_LONGS = 11;

    // ---- stamped by the pipeline before the command becomes visible to the journal and ledger stages
    long commandId;
    long timestampMs;
    /**
     * {@link System#nanoTime()} when the pipeline published it, for the ledger thread's pause figure; never journaled,
     * never read by the ledger, 0 for replayed commands.
     */
    long publishedNs;

    // ---- the command, filled by the publisher
    CommandType type = CommandType.NOOP;
    long customerKey;
    long counterpartyKey;
    long amountMinor;
    int currency;
    long quantity;
    /** Per-type flags, e.g. {@link #FLAG_DEFAULT}. */
    long flags;
    /** Per-type value: SAVE_PAYMENT_METHOD {@code expiryYear * 100 + expiryMonth}; DELETE/GET_PAYMENT_METHOD the key. */
    long aux;
    private final ExpandableArrayBuffer text = new ExpandableArrayBuffer(256);
    private int textLimit;
    private final int[] textOffset = new int[TEXT_FIELDS];
    private final int[] textLength = new int[TEXT_FIELDS];

    // ---- list query parameters: never journaled
    int pageLimit;
    int pageOffset;
    long fromMs;
    long toMs;
    int filter;

    // ---- the result, written by the ledger stage (only these: the journal stage reads the command concurrently)
    ResultCode result;
    int resultCurrency;
    long balanceBeforeMinor;
    long balanceAfterMinor;
    long resultTimestampMs;
    long accountUpdatedAtMs;
    long accountCreatedAtMs;
    CustomerRecord customer;
    /** The key of the entity the command created or changed; on an idempotent replay, the original's. */
    long resultKey;
    /** A created or read entity other than a customer (payment method, payout): immutable. */
    Object resultObject;
    /** True when the outcome is the stored one of an earlier command with the same idempotency key. */
    boolean replayed;
    int rowCount;
    long rowTotal;
    private final Object[] rowObjects = new Object[PAGE_ROWS_MAX];
    private final long[] rowLongs = new long[PAGE_ROWS_MAX * ROW_LONGS];
    private final ExpandableArrayBuffer rowText = new ExpandableArrayBuffer(1024);
    private int rowTextLimit;

    // ---- reply routing; never journaled
    ReplySink replySink;
    Object replyContext;

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
        type = CommandType.NOOP;
        customerKey = -1;
        counterpartyKey = -1;
        amountMinor = 0;
        currency = Currencies.NONE;
        quantity = 0;
        flags = 0;
        aux = 0;
        pageLimit = PAGE_ROWS_MAX;
        pageOffset = 0;
        fromMs = Long.MIN_VALUE;
        toMs = Long.MAX_VALUE;
        filter = FILTER_ALL;
        textLimit = 0;
        java.util.Arrays.fill(textLength, -1);
        clearResult();
        replySink = null;
        replyContext = null;
    }

    /** Clears what the ledger writes, so a command can be applied again (replay, tests). */
    public void clearResult()
    {
        result = null;
        resultCurrency = Currencies.NONE;
        balanceBeforeMinor = 0;
        balanceAfterMinor = 0;
        resultTimestampMs = 0;
        accountUpdatedAtMs = 0;
        accountCreatedAtMs = 0;
        customer = null;
        resultKey = -1;
        resultObject = null;
        replayed = false;
        java.util.Arrays.fill(rowObjects, 0, rowCount, null);
        rowCount = 0;
        rowTotal = 0;
        rowTextLimit = 0;
    }

    // ---- command fields

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

    public CommandType type()
    {
        return type;
    }

    public CommandEvent type(final CommandType type)
    {
        this.type = type;
        return this;
    }

    public long customerKey()
    {
        return customerKey;
    }

    public CommandEvent customerKey(final long customerKey)
    {
        this.customerKey = customerKey;
        return this;
    }

    public long counterpartyKey()
    {
        return counterpartyKey;
    }

    public CommandEvent counterpartyKey(final long counterpartyKey)
    {
        this.counterpartyKey = counterpartyKey;
        return this;
    }

    public long amountMinor()
    {
        return amountMinor;
    }

    public CommandEvent amountMinor(final long amountMinor)
    {
        this.amountMinor = amountMinor;
        return this;
    }

    /** @return the packed currency (see {@link Currencies}), or {@link Currencies#NONE}. */
    public int currency()
    {
        return currency;
    }

    public CommandEvent currency(final int currency)
    {
        this.currency = currency;
        return this;
    }

    public long quantity()
    {
        return quantity;
    }

    public CommandEvent quantity(final long quantity)
    {
        this.quantity = quantity;
        return this;
    }

    public long flags()
    {
        return flags;
    }

    public CommandEvent flags(final long flags)
    {
        this.flags = flags;
        return this;
    }

    public long aux()
    {
        return aux;
    }

    public CommandEvent aux(final long aux)
    {
        this.aux = aux;
        return this;
    }

    // ---- list query parameters

    /** Sets the page of a list query: at most {@code limit} rows (1..{@link #PAGE_ROWS_MAX}) after {@code offset}. */
    public CommandEvent page(final int limit, final int offset)
    {
        if (limit < 1 || limit > PAGE_ROWS_MAX || offset < 0)
        {
            throw new IllegalArgumentException("limit=" + limit + " offset=" + offset);
        }
        this.pageLimit = limit;
        this.pageOffset = offset;
        return this;
    }

    public int pageLimit()
    {
        return pageLimit;
    }

    public int pageOffset()
    {
        return pageOffset;
    }

    /** Restricts a history query to entries with {@code fromMs <= timestamp <= toMs}. */
    public CommandEvent timeRange(final long fromMs, final long toMs)
    {
        this.fromMs = fromMs;
        this.toMs = toMs;
        return this;
    }

    public long fromMs()
    {
        return fromMs;
    }

    public long toMs()
    {
        return toMs;
    }

    /** Sets a list filter, one of the {@code FILTER_*} values. */
    public CommandEvent filter(final int filter)
    {
        this.filter = filter;
        return this;
    }

    public int filter()
    {
        return filter;
    }

    // ---- text fields

    /** @return true when text field {@code field} was set. */
    public boolean hasText(final int field)
    {
        return textLength[field] >= 0;
    }

    /** @return the UTF-8 length of text field {@code field}, or -1 when absent. */
    public int textLength(final int field)
    {
        return textLength[field];
    }

    /** @return where text field {@code field} starts in {@link #textBuffer()}. */
    public int textOffset(final int field)
    {
        return textOffset[field];
    }

    /** @return the buffer all text fields live in; read with {@link #textOffset} and {@link #textLength}. */
    public DirectBuffer textBuffer()
    {
        return text;
    }

    /**
     * Sets text field {@code field} to the UTF-8 encoding of {@code value} ({@code null} clears it).
     *
     * @throws IllegalArgumentException when the encoding exceeds {@link #TEXT_BYTES_MAX}; the adapter enforces
     *                                  far smaller limits, so this is a programming error.
     */
    public CommandEvent text(final int field, final CharSequence value)
    {
        if (value == null)
        {
            textLength[field] = -1;
            return this;
        }
        final int start = textLimit;
        int pos = start;
        final int n = value.length();
        for (int i = 0; i < n; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                text.putByte(pos++, (byte)c);
            }
            else if (c < 0x800)
            {
                text.putByte(pos++, (byte)(0xC0 | (c >> 6)));
                text.putByte(pos++, (byte)(0x80 | (c & 0x3F)));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                final int cp = Character.toCodePoint(c, value.charAt(++i));
                text.putByte(pos++, (byte)(0xF0 | (cp >> 18)));
                text.putByte(pos++, (byte)(0x80 | ((cp >> 12) & 0x3F)));
                text.putByte(pos++, (byte)(0x80 | ((cp >> 6) & 0x3F)));
                text.putByte(pos++, (byte)(0x80 | (cp & 0x3F)));
            }
            else if (Character.isSurrogate(c))
            {
                text.putByte(pos++, (byte)'?'); // a lone surrogate has no UTF-8 form
            }
            else
            {
                text.putByte(pos++, (byte)(0xE0 | (c >> 12)));
                text.putByte(pos++, (byte)(0x80 | ((c >> 6) & 0x3F)));
                text.putByte(pos++, (byte)(0x80 | (c & 0x3F)));
            }
        }
        return commitText(field, start, pos - start);
    }

    /** Sets text field {@code field} to {@code length} bytes of {@code src} (already UTF-8). */
    public CommandEvent text(final int field, final DirectBuffer src, final int offset, final int length)
    {
        final int start = textLimit;
        text.putBytes(start, src, offset, length);
        return commitText(field, start, length);
    }

    private CommandEvent commitText(final int field, final int start, final int length)
    {
        if (length > TEXT_BYTES_MAX)
        {
            throw new IllegalArgumentException("field=" + field + " textBytes=" + length + " exceeds " + TEXT_BYTES_MAX);
        }
        textOffset[field] = start;
        textLength[field] = length;
        textLimit = start + length;
        return this;
    }

    /** @return text field {@code field} decoded, or {@code null} when absent. Allocates: for the edges only. */
    public String textString(final int field)
    {
        final int length = textLength[field];
        return length < 0 ? null : text.getStringWithoutLengthUtf8(textOffset[field], length);
    }

    // ---- result fields

    /** @return the outcome the ledger wrote, or {@code null} before the ledger stage has run. */
    public ResultCode result()
    {
        return result;
    }

    /** @return for balance reads: the currency reported, which the ledger picks when the command named none. */
    public int resultCurrency()
    {
        return resultCurrency;
    }

    public long balanceBeforeMinor()
    {
        return balanceBeforeMinor;
    }

    public long balanceAfterMinor()
    {
        return balanceAfterMinor;
    }

    /** @return the ledger's time for this command: never earlier than any command applied before it. */
    public long resultTimestampMs()
    {
        return resultTimestampMs;
    }

    /**
     * @return for balance reads: when the balance last moved, or the account's creation time when it never did.
     */
    public long accountUpdatedAtMs()
    {
        return accountUpdatedAtMs;
    }

    /** @return for merchant balance reads: when the merchant's account was opened (its first customer). */
    public long accountCreatedAtMs()
    {
        return accountCreatedAtMs;
    }

    /** @return the customer a customer command created or read; immutable, safe to read on any thread. */
    public CustomerRecord customer()
    {
        return customer;
    }

    /** @return the key of the entity created, changed or read; for an idempotent replay, the original one's. */
    public long resultKey()
    {
        return resultKey;
    }

    /** @return the payment method or payout the command created or read; immutable, safe on any thread. */
    public Object resultObject()
    {
        return resultObject;
    }

    /** @return true when this is the stored outcome of an earlier command with the same idempotency key. */
    public boolean replayed()
    {
        return replayed;
    }

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

    /** @return an immutable record of row {@code row} (customer, payment method, payout), or null for history rows. */
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

    void addRow(final Object record)
    {
        rowObjects[rowCount++] = record;
    }

    /** Appends a history row; returns its index so the ledger can copy the row's text with {@link #rowTextSink}. */
    int addRow(
        final int entry, final int type, final long amount, final long balanceAfter, final int currency, final long timestampMs,
        final long commandId, final long account, final long counterparty)
    {
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

    org.agrona.MutableDirectBuffer rowTextSink()
    {
        return rowText;
    }

    int rowTextLimit()
    {
        return rowTextLimit;
    }

    /** Records that row {@code row}'s text is the {@code length} bytes just written at {@link #rowTextLimit()}. */
    void commitRowText(final int row, final int length)
    {
        rowLongs[row * ROW_LONGS + ROW_TEXT_LENGTH] = length;
        rowTextLimit += length;
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
}
