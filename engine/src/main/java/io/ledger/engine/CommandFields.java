package io.ledger.engine;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * A command's type and its {@link Field} values, stored by field: one {@code long} slot per field, one presence bit
 * per field, and the UTF-8 bytes of every text in one shared buffer. A field the command does not carry reads as its
 * {@link Field#absentValue()} (texts: length -1). Reused, so nothing is allocated per command once the text buffer has
 * grown to the largest command seen.
 *
 * <p>The ring's {@link CommandEvent} is one; the adapter parses a request into another and copies it into a claimed
 * slot wholesale ({@link #copyFrom}), so no list of fields is written out twice.
 *
 * <p>{@code T} is the concrete class, so that setters chain ({@code event.type(PAY_IN).set(AMOUNT_MINOR, 100)}).
 *
 * <p>Not thread-safe: owned by one thread at a time (for a ring slot, handed over by the Disruptor's barriers).
 */
public class CommandFields<T extends CommandFields<T>>
{
    /** Upper bound of one text field, in UTF-8 bytes: its length is journaled as an unsigned 16-bit value. */
    public static final int TEXT_BYTES_MAX = 65_535;

    private static final CommandType[] TYPES = CommandType.values();

    /**
     * The type, as its ordinal: a long-lived event re-typed per command by a reference store would dirty its G1 card
     * (an old object pointing into another region), and a batch re-types a hundred item events per request (the
     * ledger's and the snapshot follower's): the G1 refinement thread then took 10-15% of a core at batches of 100.
     */
    private int typeOrdinal = CommandType.NOOP.ordinal();
    private final long[] values = new long[Field.COUNT];
    private long present;
    private final ExpandableArrayBuffer text = new ExpandableArrayBuffer(256);
    private int textLimit;
    private final int[] textOffset = new int[Field.COUNT];
    private final int[] textLength = new int[Field.COUNT];

    public CommandFields()
    {
        Field.fillAbsent(values);
    }

    /**
     * Resets the type to {@link CommandType#NOOP} and every field to absent. Only the present fields' slots are
     * written: an absent field's slot always holds its {@link Field#absentValue()} ({@link #set} marks a field present,
     * {@link #remove} writes the absent value back, {@link #copyFrom} copies both), so a decoded command of a few fields
     * is cleared in a few stores rather than one per field there is.
     */
    public void clearFields()
    {
        typeOrdinal = CommandType.NOOP.ordinal();
        Field.fillAbsent(values, present);
        assert allAbsent() : "a field absent from the presence bits holds a value";
        present = 0;
        textLimit = 0;
    }

    private boolean allAbsent()
    {
        for (int i = 0; i < Field.COUNT; i++)
        {
            if ((present & (1L << i)) == 0 && values[i] != Field.absentValue(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Makes this a copy of {@code from}: every field and every text, then the type (last, so that a copy that fails
     * half-way leaves the type it had, e.g. a ring slot's {@link CommandType#NOOP}). Allocates only to grow the text
     * buffer.
     *
     * <p>Copies only the fields {@code from} carries (a purchase six of {@link Field#COUNT}), after making this one's
     * own absent: every other value slot already holds its absent value on both sides (see
     * {@link Field#fillAbsent(long[], long)}), and a text's offset and length are read only when its bit is set. A ring
     * slot is cold when it is claimed, so every line not written is a cache miss saved.
     */
    public void copyFrom(final CommandFields<?> from)
    {
        Field.fillAbsent(values, present);
        present = from.present; // before the values: a copy that stops half-way still has a bit for every value written
        final long[] fromValues = from.values;
        long bits = from.present;
        while (bits != 0)
        {
            final int ordinal = Long.numberOfTrailingZeros(bits);
            values[ordinal] = fromValues[ordinal];
            textOffset[ordinal] = from.textOffset[ordinal];
            textLength[ordinal] = from.textLength[ordinal];
            bits &= bits - 1;
        }
        text.putBytes(0, from.text, 0, from.textLimit);
        textLimit = from.textLimit;
        typeOrdinal = from.typeOrdinal;
    }

    public CommandType type()
    {
        return TYPES[typeOrdinal];
    }

    public T type(final CommandType type)
    {
        this.typeOrdinal = type.ordinal();
        return self();
    }

    // ---- numeric fields

    @SuppressWarnings("unchecked")
    private T self()
    {
        return (T)this;
    }

    /** @return true when the command carries {@code field}. */
    public boolean has(final Field field)
    {
        return (present & field.bit()) != 0;
    }

    /** @return the presence bits ({@link Field#bit()}) of every field the command carries. */
    public long presentBits()
    {
        return present;
    }

    /** @return the value of a numeric field (a currency is its packed code, a boolean 0 or 1), or its absent value. */
    public long get(final Field field)
    {
        assert !field.kind().text() : field + " is a text";
        return values[field.ordinal()];
    }

    /** @return a boolean field's value; false when absent. */
    public boolean getBoolean(final Field field)
    {
        return get(field) != 0;
    }

    /** Sets a numeric field (for a currency, the packed code). */
    public T set(final Field field, final long value)
    {
        assert !field.kind().text() : field + " is a text";
        values[field.ordinal()] = value;
        present |= field.bit();
        return self();
    }

    /** Sets a boolean field. */
    public T set(final Field field, final boolean value)
    {
        return set(field, value ? 1 : 0);
    }

    /** Makes {@code field} absent again (a text too). */
    public T remove(final Field field)
    {
        values[field.ordinal()] = field.absentValue();
        present &= ~field.bit();
        return self();
    }

    // ---- text fields

    /** @return the UTF-8 length of text field {@code field}, or -1 when absent. */
    public int textLength(final Field field)
    {
        return has(field) ? textLength[field.ordinal()] : -1;
    }

    /** @return where text field {@code field} starts in {@link #textBuffer()}. */
    public int textOffset(final Field field)
    {
        return textOffset[field.ordinal()];
    }

    /** @return the buffer all text fields live in; read with {@link #textOffset} and {@link #textLength}. */
    public DirectBuffer textBuffer()
    {
        return text;
    }

    /**
     * Sets text field {@code field} to the UTF-8 encoding of {@code value} ({@code null} makes it absent).
     *
     * @throws IllegalArgumentException when the encoding exceeds {@link #TEXT_BYTES_MAX}; the adapter enforces
     *                                  far smaller limits, so this is a programming error.
     */
    public T text(final Field field, final CharSequence value)
    {
        if (value == null)
        {
            return remove(field);
        }
        final int start = textLimit;
        final int n = value.length();
        // ASCII first, straight into the array (a putByte checks the capacity per byte: a batch sets two texts per item)
        text.checkLimit(start + n);
        final byte[] bytes = text.byteArray();
        int ascii = 0;
        for (char c; ascii < n && (c = value.charAt(ascii)) < 0x80; ascii++)
        {
            bytes[start + ascii] = (byte)c;
        }
        int pos = start + ascii;
        for (int i = ascii; i < n; i++)
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
    public T text(final Field field, final DirectBuffer src, final int offset, final int length)
    {
        final int start = textLimit;
        text.putBytes(start, src, offset, length);
        return commitText(field, start, length);
    }

    private T commitText(final Field field, final int start, final int length)
    {
        assert field.kind().text() : field + " is not a text";
        if (length > TEXT_BYTES_MAX)
        {
            throw new IllegalArgumentException("field=" + field + " textBytes=" + length + " exceeds " + TEXT_BYTES_MAX);
        }
        textOffset[field.ordinal()] = start;
        textLength[field.ordinal()] = length;
        present |= field.bit();
        textLimit = start + length;
        return self();
    }

    /**
     * @return text field {@code field} decoded, or {@code null} when absent. Allocates the String (a customer's texts
     *         are kept as Strings), decoded straight from the buffer's array: no intermediate copy of the bytes, as
     *         {@code getStringWithoutLengthUtf8} makes (it was a third of a customer creation's time in a replay).
     */
    public String textString(final Field field)
    {
        return has(field) ? new String(text.byteArray(), textOffset[field.ordinal()], textLength[field.ordinal()], StandardCharsets.UTF_8)
            : null;
    }

    /** @return true when text field {@code field} is present and equal to the ASCII {@code value}. Allocation-free. */
    public boolean textEquals(final Field field, final String value)
    {
        final int length = textLength(field);
        if (length != value.length())
        {
            return false;
        }
        final int offset = textOffset[field.ordinal()];
        for (int i = 0; i < length; i++)
        {
            if (text.getByte(offset + i) != (byte)value.charAt(i))
            {
                return false;
            }
        }
        return true;
    }
}
