package io.ledger.http.endpoint;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import io.ledger.engine.CommandFields;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;

/**
 * Values of a reply whose characters need no JSON escaping (ids: a prefix, {@code _} and base-32 letters and digits;
 * RFC 3339 timestamps; ISO 4217 codes), written as their ASCII bytes through a caller's scratch array of at least
 * {@link #SCRATCH_BYTES}: no {@code String} made per value and no escape scan per character (a fifth of a batch's reply
 * in the profile). The bytes written are those {@code writeString} writes for the same text; a generator that does not
 * write UTF-8 bytes (one writing to a {@code Writer}) gets {@code writeString}.
 *
 * <p>Stateless; the scratch array is the caller's (one per reply being written).
 */
final class AsciiValues
{
    /** Size of the scratch array the methods take. */
    static final int SCRATCH_BYTES = 32;

    private AsciiValues()
    {
    }

    /** Writes {@code kind}'s id of {@code key}, as {@code writeString(ids.format(kind, key))} would. */
    static void id(final JsonGenerator json, final Ids ids, final IdKind kind, final long key, final byte[] scratch) throws IOException
    {
        if (json instanceof UTF8JsonGenerator)
        {
            json.writeRawUTF8String(scratch, 0, ids.encode(kind, key, scratch, 0));
        }
        else
        {
            json.writeString(ids.format(kind, key));
        }
    }

    /**
     * Writes {@code epochMs} as {@code writeString(Json.timestamp(epochMs))} would.
     *
     * @return the length of its bytes left in {@code scratch} for {@link #again}, or -1 when none are.
     */
    static int timestamp(final JsonGenerator json, final long epochMs, final byte[] scratch) throws IOException
    {
        final int end = json instanceof UTF8JsonGenerator ? Json.timestampInto(epochMs, scratch, 0) : -1;
        again(json, scratch, end, epochMs);
        return end;
    }

    /** Writes the timestamp {@link #timestamp} left in {@code scratch} ({@code length} bytes; -1: none) once more. */
    static void again(final JsonGenerator json, final byte[] scratch, final int length, final long epochMs) throws IOException
    {
        if (length < 0)
        {
            json.writeString(Json.timestamp(epochMs));
        }
        else
        {
            json.writeRawUTF8String(scratch, 0, length);
        }
    }

    /**
     * Writes text field {@code field} of {@code event} as {@code writeString(event.textString(field))} would: its UTF-8
     * bytes as they are when every one is printable ASCII other than a quote or backslash (a product id, a merchant id),
     * else through {@code writeString}.
     */
    static void text(final JsonGenerator json, final CommandFields<?> event, final Field field) throws IOException
    {
        final int length = event.textLength(field);
        final byte[] bytes = event.textBuffer().byteArray();
        if (length >= 0 && bytes != null && json instanceof UTF8JsonGenerator)
        {
            final int offset = event.textOffset(field);
            boolean plain = true;
            for (int i = offset; i < offset + length && plain; i++)
            {
                plain = plain((char)bytes[i]); // a byte of a multi-byte character is negative: a char past 127
            }
            if (plain)
            {
                json.writeRawUTF8String(bytes, offset, length);
                return;
            }
        }
        json.writeString(event.textString(field));
    }

    /** Writes a packed currency as {@code writeString(Currencies.toString(code))} would. */
    static void currency(final JsonGenerator json, final int code, final byte[] scratch) throws IOException
    {
        final char[] letters = new char[3];
        Currencies.unpack(code, letters, 0);
        if (json instanceof UTF8JsonGenerator && plain(letters[0]) && plain(letters[1]) && plain(letters[2]))
        {
            scratch[0] = (byte)letters[0];
            scratch[1] = (byte)letters[1];
            scratch[2] = (byte)letters[2];
            json.writeRawUTF8String(scratch, 0, 3);
        }
        else
        {
            json.writeString(letters, 0, 3);
        }
    }

    /** @return true for a character JSON writes as itself: ASCII, not a control character, quote or backslash. */
    private static boolean plain(final char c)
    {
        return c >= ' ' && c < 127 && c != '"' && c != '\\';
    }
}
