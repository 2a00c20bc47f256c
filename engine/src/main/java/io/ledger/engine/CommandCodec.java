package io.ledger.engine;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes a command into the compact binary body the journal stores, and decodes it back. The journal frames
 * this body with a format version, a length and a checksum; this class knows only the command.
 *
 * <pre>
 *  Command body, little-endian
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |          type code            |   text presence mask (bit i)  |  0
 *  +-------------------------------+-------------------------------+
 *  |                         commandId (i64)                       |  4
 *  |                       timestampMs (i64)                       | 12
 *  |                       customerKey (i64)                       | 20
 *  |                     counterpartyKey (i64)                     | 28
 *  |                       amountMinor (i64)                       | 36
 *  +---------------------------------------------------------------+
 *  |                     currency, packed (i32)                    | 44
 *  +---------------------------------------------------------------+
 *  |                         quantity (i64)                        | 48
 *  |                           flags (i64)                         | 56
 *  |                            aux (i64)                          | 64
 *  +-------------------------------+-------------------------------+
 *  | length (u16) | UTF-8 bytes of each present text field, in index order ...   72
 *  +-------------------------------------------------------------------
 * </pre>
 *
 * <p>Stateless and allocation-free; safe on any thread.
 */
public final class CommandCodec
{
    /** Size of the fixed part of the body. */
    public static final int FIXED_BYTES = 72;
    /** Upper bound of an encoded body. */
    public static final int BODY_BYTES_MAX = FIXED_BYTES + CommandEvent.TEXT_FIELDS * (2 + CommandEvent.TEXT_BYTES_MAX);

    private static final java.nio.ByteOrder ORDER = java.nio.ByteOrder.LITTLE_ENDIAN;

    private CommandCodec()
    {
    }

    /**
     * @return the number of bytes written at {@code offset}; {@code dst} must have room for
     * {@link #encodedLength(CommandEvent)} bytes.
     */
    public static int encode(final CommandEvent event, final MutableDirectBuffer dst, final int offset)
    {
        int mask = 0;
        for (int field = 0; field < CommandEvent.TEXT_FIELDS; field++)
        {
            if (event.hasText(field))
            {
                mask |= 1 << field;
            }
        }
        dst.putShort(offset, (short)event.type.code(), ORDER);
        dst.putShort(offset + 2, (short)mask, ORDER);
        dst.putLong(offset + 4, event.commandId, ORDER);
        dst.putLong(offset + 12, event.timestampMs, ORDER);
        dst.putLong(offset + 20, event.customerKey, ORDER);
        dst.putLong(offset + 28, event.counterpartyKey, ORDER);
        dst.putLong(offset + 36, event.amountMinor, ORDER);
        dst.putInt(offset + 44, event.currency, ORDER);
        dst.putLong(offset + 48, event.quantity, ORDER);
        dst.putLong(offset + 56, event.flags, ORDER);
        dst.putLong(offset + 64, event.aux, ORDER);
        int pos = offset + FIXED_BYTES;
        final DirectBuffer text = event.textBuffer();
        for (int field = 0; field < CommandEvent.TEXT_FIELDS; field++)
        {
            final int length = event.textLength(field);
            if (length >= 0)
            {
                dst.putShort(pos, (short)length, ORDER);
                dst.putBytes(pos + 2, text, event.textOffset(field), length);
                pos += 2 + length;
            }
        }
        return pos - offset;
    }

    /** @return how many bytes {@link #encode} will write for {@code event}. */
    public static int encodedLength(final CommandEvent event)
    {
        int length = FIXED_BYTES;
        for (int field = 0; field < CommandEvent.TEXT_FIELDS; field++)
        {
            final int textLength = event.textLength(field);
            if (textLength >= 0)
            {
                length += 2 + textLength;
            }
        }
        return length;
    }

    /**
     * Decodes {@code length} bytes at {@code offset} into {@code event} (cleared first).
     *
     * @return true when the body is well formed: a known type and text fields that fit exactly in
     * {@code length}. A false return leaves {@code event} cleared.
     */
    public static boolean decode(final DirectBuffer src, final int offset, final int length, final CommandEvent event)
    {
        event.clear();
        if (length < FIXED_BYTES)
        {
            return false;
        }
        final CommandType type = CommandType.fromCode(src.getShort(offset, ORDER) & 0xFFFF);
        if (type == null)
        {
            return false;
        }
        final int mask = src.getShort(offset + 2, ORDER) & 0xFFFF;
        event.type = type;
        event.commandId = src.getLong(offset + 4, ORDER);
        event.timestampMs = src.getLong(offset + 12, ORDER);
        event.customerKey = src.getLong(offset + 20, ORDER);
        event.counterpartyKey = src.getLong(offset + 28, ORDER);
        event.amountMinor = src.getLong(offset + 36, ORDER);
        event.currency = src.getInt(offset + 44, ORDER);
        event.quantity = src.getLong(offset + 48, ORDER);
        event.flags = src.getLong(offset + 56, ORDER);
        event.aux = src.getLong(offset + 64, ORDER);
        int pos = offset + FIXED_BYTES;
        final int limit = offset + length;
        for (int field = 0; field < CommandEvent.TEXT_FIELDS; field++)
        {
            if ((mask & (1 << field)) != 0)
            {
                if (pos + 2 > limit)
                {
                    event.clear();
                    return false;
                }
                final int textLength = src.getShort(pos, ORDER) & 0xFFFF;
                if (pos + 2 + textLength > limit)
                {
                    event.clear();
                    return false;
                }
                event.text(field, src, pos + 2, textLength);
                pos += 2 + textLength;
            }
        }
        if (pos != limit)
        {
            event.clear();
            return false;
        }
        return true;
    }
}
