package io.ledger.http.endpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandFields;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.Ids;

/**
 * One result of a batch's reply, {@code {"status":N,"body":{...}}}, written as the bytes a UTF-8 generator writes for it
 * and handed to the generator whole ({@link JsonGenerator#writeRawValue(SerializableString)}: the generator still puts
 * the comma between results). At batches of 100 the reply was 17% of the server's samples, most of it the generator's
 * per-field work (a name's context check and copy, a value's separator check) for a dozen fields per result. Only an
 * endpoint that writes its success body as bytes ({@link Endpoint#replyBytes}) is written this way, and only when every
 * value needs no escaping; anything else goes through the generator as before.
 *
 * <p>Consecutive results are gathered into one run, {@code r1,r2,...}, handed to the generator as one raw value
 * ({@link #add}): the generator then writes the comma before the run and counts it as one element, so the reply's bytes
 * are the same as one raw value per result, without the generator's per-value checks and copy for each (1.8% of the
 * samples at batches of 100).
 *
 * <p>As a {@link SerializableString} it is only what {@code UTF8JsonGenerator.writeRawValue} reads: its unquoted UTF-8
 * bytes. Reply thread; one per thread that writes replies, reused reply after reply.
 */
final class ReplyBytes implements SerializableString
{
    /**
     * Room for a run of results: a purchase's fixed part and two ids, numbers and timestamps take under 512 bytes, so
     * about ten plain ones; half a UTF-8 generator's 8000-byte buffer, so that a run fits in it whole after a flush.
     */
    static final int CAPACITY = 4000;
    /** A UTF-8 generator's output buffer (jackson's {@code BufferRecycler}): a run longer than its room is copied first. */
    static final int GENERATOR_BUFFER_BYTES = 8000;
    private static final byte[] STATUS = ascii("{\"status\":");
    private static final byte[] BODY = ascii(",\"body\":");

    private final byte[] bytes = new byte[CAPACITY];
    private int length;
    /** The last instant {@link #putTimestamp} wrote, and its bytes: a batch's results share one. */
    private long timestampMs = -1;
    private final byte[] timestamp = new byte[Json.TIMESTAMP_BYTES];

    /**
     * Makes this {@code {"status":status,"body":...}} with {@code endpoint}'s success body for {@code event}.
     *
     * @return false, with nothing to write, when the endpoint has no byte form for this body.
     */
    boolean result(final Endpoint endpoint, final int status, final CommandEvent event, final Ids ids)
    {
        length = 0;
        return add(endpoint, status, event, ids);
    }

    /**
     * Appends {@code {"status":status,"body":...}} with {@code endpoint}'s success body for {@code event} to the run,
     * after a comma unless the run is empty.
     *
     * @return false, the run unchanged, when the endpoint has no byte form for this body or the run has no room for it.
     */
    boolean add(final Endpoint endpoint, final int status, final CommandEvent event, final Ids ids)
    {
        final int from = length == 0 ? 0 : length + 1;
        if (from + STATUS.length + 20 + BODY.length >= bytes.length)
        {
            return false;
        }
        int at = put(bytes, from, STATUS);
        at = putLong(bytes, at, status);
        at = put(bytes, at, BODY);
        at = endpoint.replyBytes(event, ids, this, at);
        if (at < 0 || at == bytes.length)
        {
            return false;
        }
        bytes[at++] = '}';
        if (length > 0)
        {
            bytes[length] = ',';
        }
        length = at;
        return true;
    }

    /** Empties the run (a reply that threw half-way may have left one). @return this. */
    ReplyBytes clear()
    {
        length = 0;
        return this;
    }

    /** @return how many bytes the run holds (0: none). */
    int length()
    {
        return length;
    }

    /**
     * Writes the run as one raw value of {@code json} and empties it; first flushes the generator's buffer into its
     * stream when the run would not fit in what is left of it (else the generator copies the run into a new array).
     */
    void writeTo(final JsonGenerator json) throws IOException
    {
        if (json.getOutputBuffered() + 1 + length > GENERATOR_BUFFER_BYTES)
        {
            json.flush();
        }
        json.writeRawValue(this);
        length = 0;
    }

    /** @return the array results are written into (of {@link #CAPACITY} bytes). */
    byte[] bytes()
    {
        return bytes;
    }

    /**
     * Writes {@code epochMs} into {@code out} at {@code at} as {@link Json#timestampInto} does, from the bytes of the
     * previous call when it was the same instant.
     *
     * @return the index after it; -1, writing nothing, for an instant {@link Json#timestampInto} does not write.
     */
    int putTimestamp(final byte[] out, final int at, final long epochMs)
    {
        if (epochMs != timestampMs || epochMs < 0)
        {
            if (Json.timestampInto(epochMs, timestamp, 0) < 0)
            {
                return -1;
            }
            timestampMs = epochMs;
        }
        System.arraycopy(timestamp, 0, out, at, Json.TIMESTAMP_BYTES);
        return at + Json.TIMESTAMP_BYTES;
    }

    /** @return the index after {@code constant} copied into {@code out} at {@code at}. */
    static int put(final byte[] out, final int at, final byte[] constant)
    {
        System.arraycopy(constant, 0, out, at, constant.length);
        return at + constant.length;
    }

    /** @return the index after {@code value} written into {@code out} at {@code at} as {@code writeNumber(long)} writes it. */
    static int putLong(final byte[] out, final int at, final long value)
    {
        if (value == Long.MIN_VALUE)
        {
            return put(out, at, ascii(Long.toString(value)));
        }
        int start = at;
        long rest = value;
        if (rest < 0)
        {
            out[start++] = '-';
            rest = -rest;
        }
        int digits = 1;
        for (long bound = 10; digits < 19 && rest >= bound; bound *= 10)
        {
            digits++;
        }
        for (int i = start + digits - 1; i >= start; i--)
        {
            out[i] = (byte)('0' + rest % 10);
            rest /= 10;
        }
        return start + digits;
    }

    /**
     * Copies text field {@code field} of {@code fields} into {@code out} at {@code at} when every byte of it is printable
     * ASCII other than a quote or backslash (what a generator writes as it is, {@link AsciiValues#text}).
     *
     * @return the index after it; -1 when it is absent or has a byte that would be written otherwise.
     */
    static int putPlainText(final byte[] out, final int at, final CommandFields<?> fields, final Field field)
    {
        final int textLength = fields.textLength(field);
        final byte[] text = fields.textBuffer().byteArray();
        if (textLength < 0 || text == null || at + textLength > out.length)
        {
            return -1;
        }
        final int offset = fields.textOffset(field);
        for (int i = 0; i < textLength; i++)
        {
            final byte b = text[offset + i];
            if (!plain((char)b)) // a byte of a multi-byte character is negative: a char past 127
            {
                return -1;
            }
            out[at + i] = b;
        }
        return at + textLength;
    }

    /** @return the index after the packed currency {@code code}'s letters; -1 when one would be escaped. */
    static int putCurrency(final byte[] out, final int at, final int code)
    {
        final char[] letters = new char[3];
        Currencies.unpack(code, letters, 0);
        for (int i = 0; i < 3; i++)
        {
            if (!plain(letters[i]))
            {
                return -1;
            }
            out[at + i] = (byte)letters[i];
        }
        return at + 3;
    }

    /** @return true for a character JSON writes as itself: ASCII, not a control character, quote or backslash. */
    private static boolean plain(final char c)
    {
        return c >= ' ' && c < 127 && c != '"' && c != '\\';
    }

    static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    // ---- SerializableString: what UTF8JsonGenerator.writeRawValue reads

    @Override
    public int appendUnquotedUTF8(final byte[] buffer, final int offset)
    {
        if (buffer.length - offset < length)
        {
            return -1; // the generator then writes asUnquotedUTF8()
        }
        System.arraycopy(bytes, 0, buffer, offset, length);
        return length;
    }

    @Override
    public byte[] asUnquotedUTF8()
    {
        return Arrays.copyOf(bytes, length);
    }

    @Override
    public String getValue()
    {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    @Override
    public int charLength()
    {
        return getValue().length();
    }

    @Override
    public char[] asQuotedChars()
    {
        throw new UnsupportedOperationException("a raw value is never quoted");
    }

    @Override
    public byte[] asQuotedUTF8()
    {
        throw new UnsupportedOperationException("a raw value is never quoted");
    }

    @Override
    public int appendQuotedUTF8(final byte[] buffer, final int offset)
    {
        throw new UnsupportedOperationException("a raw value is never quoted");
    }

    @Override
    public int appendQuoted(final char[] buffer, final int offset)
    {
        throw new UnsupportedOperationException("a raw value is never quoted");
    }

    @Override
    public int appendUnquoted(final char[] buffer, final int offset)
    {
        final String value = getValue();
        if (buffer.length - offset < value.length())
        {
            return -1;
        }
        value.getChars(0, value.length(), buffer, offset);
        return value.length();
    }

    @Override
    public int writeQuotedUTF8(final OutputStream out)
    {
        throw new UnsupportedOperationException("a raw value is never quoted");
    }

    @Override
    public int writeUnquotedUTF8(final OutputStream out) throws IOException
    {
        out.write(bytes, 0, length);
        return length;
    }

    @Override
    public int putQuotedUTF8(final ByteBuffer buffer)
    {
        throw new UnsupportedOperationException("a raw value is never quoted");
    }

    @Override
    public int putUnquotedUTF8(final ByteBuffer buffer)
    {
        if (buffer.remaining() < length)
        {
            return -1;
        }
        buffer.put(bytes, 0, length);
        return length;
    }
}
