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
    /** Number of text field indexes; a presence mask of this many bits goes into each journal record. */
    public static final int TEXT_FIELDS = 16;
    /** Upper bound of one text field, in UTF-8 bytes: its length is journaled as an unsigned 16-bit value. */
    public static final int TEXT_BYTES_MAX = 65_535;

    /** Largest amount and balance, in minor units: 2^53 - 1, exact in every JSON client's numbers. */
    public static final long AMOUNT_MINOR_MAX = 9_007_199_254_740_991L;

    // ---- stamped by the pipeline before the command becomes visible to the journal and ledger stages
    long commandId;
    long timestampMs;

    // ---- the command, filled by the publisher
    CommandType type = CommandType.NOOP;
    long customerKey;
    long counterpartyKey;
    long amountMinor;
    int currency;
    long quantity;
    private final ExpandableArrayBuffer text = new ExpandableArrayBuffer(256);
    private int textLimit;
    private final int[] textOffset = new int[TEXT_FIELDS];
    private final int[] textLength = new int[TEXT_FIELDS];

    // ---- the result, written by the ledger stage (only these: the journal stage reads the command concurrently)
    ResultCode result;
    int resultCurrency;
    long balanceBeforeMinor;
    long balanceAfterMinor;
    long resultTimestampMs;
    long accountUpdatedAtMs;
    CustomerRecord customer;

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
        type = CommandType.NOOP;
        customerKey = -1;
        counterpartyKey = -1;
        amountMinor = 0;
        currency = Currencies.NONE;
        quantity = 0;
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
        customer = null;
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

    /** @return the customer a customer command created or read; immutable, safe to read on any thread. */
    public CustomerRecord customer()
    {
        return customer;
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
