package io.ledger.engine;

import java.nio.ByteOrder;

import io.ledger.engine.internal.CommandCodecV2;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes a command into the compact binary body the journal stores (layout version 3), and decodes it back; also
 * decodes the version 2 bodies older journals hold ({@link #decodeVersion2}). The journal frames this body with the
 * layout version, a length and a checksum; this class knows only the command.
 *
 * <p>The body follows from the command's declaration ({@link CommandType}): after a fixed head, a presence mask over
 * the command's own fields, then each present field in declaration order. A field appended to a type's declaration
 * later is simply absent from older records; fields are never removed or reordered.
 *
 * <pre>
 *  Command body, version 3, little-endian
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |          type code (u16)      |                               |  0
 *  +-------------------------------+                               |
 *  |                         commandId (i64)                       |  2
 *  |                               +-------------------------------+
 *  |                               |                               | 10
 *  +-------------------------------+                               |
 *  |                        timestampMs (i64)                      |
 *  |                               +-------------------------------+
 *  |                               |  presence mask (u32): bit i = | 18
 *  +-------------------------------+-------------------------------+
 *  |   the type's i-th declared field is present                   | 20
 *  +-------------------------------+-------------------------------+
 *  | each present field, in declaration order:                     |
 *  |   I64 8 bytes | I32, CURRENCY 4 bytes | BOOL 1 byte (0 or 1)  |
 *  |   TEXT, JSON: length (u16), then that many UTF-8 bytes        |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>A {@link CommandType#BATCH} body goes on after its own fields with its commands ({@link BatchItems}), the whole
 * batch in one record:
 *
 * <pre>
 *  | item count (u16, 0..ITEMS_MAX; the ledger refuses an empty one) |
 *  | per item: flags (u8: bit 0 linked to the next), type code     |
 *  |   (u16), presence mask (u32), each present field as above;    |
 *  |   an item never holds MERCHANT_ID (the batch's) nor           |
 *  |   IDEMPOTENCY_KEY (the batch's key covers it), nor an id or   |
 *  |   time (item i is batchId - count + i, at the batch's time)   |
 * </pre>
 *
 * <p>Only the fields the type declares are written: a value set in another field is not part of the command (the
 * ledger and idempotency fingerprints ignore it too), so it cannot make replay differ from the live run.
 *
 * <p>Decoding is a straight walk over the declared fields, without allocation; a body is well formed only when it
 * names a known type, sets no bit beyond its fields, holds valid booleans and ends exactly where its last field does.
 *
 * <p>Stateless and allocation-free; safe on any thread.
 */
public final class CommandCodec
{
    /** The body layout this class writes; the journal frame carries it. */
    public static final int VERSION = 3;
    /** The layout of journals written before version 3, still read. */
    public static final int VERSION_2 = 2;
    /** Size of the fixed head: type code, commandId, timestampMs. */
    public static final int HEAD_BYTES = 18;
    /**
     * Size of the presence mask after the head: fixed (one bit per declared field, at most
     * {@link CommandType#FIELDS_MAX}), so that a field appended to a type later does not move what follows it.
     */
    public static final int MASK_BYTES = 4;
    /** Smallest well-formed version 3 body: the head and the mask. */
    public static final int BODY_BYTES_MIN = HEAD_BYTES + MASK_BYTES;
    /** Upper bound of a version 3 body. */
    public static final int BODY_BYTES_MAX = bodyBytesMax();

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    /** What a batch's command never holds of its own: the batch's merchant and idempotency key. */
    private static final long ITEM_FIELDS_LEFT_OUT = Field.MERCHANT_ID.bit() | Field.IDEMPOTENCY_KEY.bit();
    /** Upper bound of a batch's body; the adapter refuses a batch whose record would pass it. */
    public static final int BATCH_BODY_BYTES_MAX = 1 << 20;

    private CommandCodec()
    {
    }

    /**
     * @return the number of bytes written at {@code offset}; {@code dst} must have room for
     * {@link #encodedLength(CommandFields)} bytes.
     */
    public static int encode(final CommandEvent event, final MutableDirectBuffer dst, final int offset)
    {
        final CommandType type = event.type();
        dst.putShort(offset, (short)type.code(), ORDER);
        dst.putLong(offset + 2, event.commandId(), ORDER);
        dst.putLong(offset + 10, event.timestampMs(), ORDER);
        int pos = encodeFields(event, 0, dst, offset + HEAD_BYTES);
        if (type == CommandType.BATCH)
        {
            final BatchItems items = event.batch();
            final int count = items == null ? 0 : items.count();
            dst.putShort(pos, (short)count, ORDER);
            pos += 2;
            for (int i = 0; i < count; i++)
            {
                final CommandEvent item = items.item(i);
                dst.putByte(pos, (byte)(items.linked(i) ? 1 : 0));
                dst.putShort(pos + 1, (short)item.type().code(), ORDER);
                pos = encodeFields(item, ITEM_FIELDS_LEFT_OUT, dst, pos + 3);
            }
        }
        return pos - offset;
    }

    /** Writes the presence mask and the present fields of {@code command}'s type but those in {@code leftOut}. */
    private static int encodeFields(final CommandFields<?> command, final long leftOut, final MutableDirectBuffer dst, final int at)
    {
        final CommandType type = command.type();
        final int fields = type.fieldCount();
        int mask = 0;
        for (int i = 0; i < fields; i++)
        {
            if (command.has(type.field(i)) && (leftOut & type.field(i).bit()) == 0)
            {
                mask |= 1 << i;
            }
        }
        dst.putInt(at, mask, ORDER);
        int pos = at + MASK_BYTES;
        final DirectBuffer text = command.textBuffer();
        for (int i = 0; i < fields; i++)
        {
            final Field field = type.field(i);
            if ((mask & (1 << i)) == 0)
            {
                continue;
            }
            switch (field.kind())
            {
                case I64 -> dst.putLong(pos, command.get(field), ORDER);
                case I32, CURRENCY -> dst.putInt(pos, (int)command.get(field), ORDER);
                case BOOL -> dst.putByte(pos, (byte)(command.getBoolean(field) ? 1 : 0));
                case TEXT, JSON ->
                {
                    final int length = command.textLength(field);
                    dst.putShort(pos, (short)length, ORDER);
                    dst.putBytes(pos + 2, text, command.textOffset(field), length);
                    pos += 2 + length;
                    continue;
                }
            }
            pos += field.kind().fixedBytes();
        }
        return pos;
    }

    /** @return how many bytes {@link #encode} will write for {@code command}. */
    public static int encodedLength(final CommandFields<?> command)
    {
        return encodedLength(command, command instanceof CommandEvent event ? event.batch() : null);
    }

    /** @return how many bytes {@link #encode} will write for {@code command} with the batch commands {@code items}. */
    public static int encodedLength(final CommandFields<?> command, final BatchItems items)
    {
        int length = HEAD_BYTES + fieldsLength(command, 0);
        if (command.type() == CommandType.BATCH)
        {
            length += 2;
            for (int i = 0; items != null && i < items.count(); i++)
            {
                length += 3 + fieldsLength(items.item(i), ITEM_FIELDS_LEFT_OUT);
            }
        }
        return length;
    }

    /**
     * The fields {@link #encodeFields} writes are the present ones the type declares and {@code leftOut} does not name:
     * their bits are walked (a purchase's six), not the type's every declared field (a third of a batch's parse-time
     * size check and of its journal encode, twice per item, before).
     */
    private static int fieldsLength(final CommandFields<?> command, final long leftOut)
    {
        int length = MASK_BYTES;
        long bits = command.presentBits() & command.type().fieldBits() & ~leftOut;
        while (bits != 0)
        {
            final Field field = FIELDS[Long.numberOfTrailingZeros(bits)];
            final int fixedBytes = field.kind().fixedBytes();
            length += fixedBytes < 0 ? 2 + command.textLength(field) : fixedBytes;
            bits &= bits - 1;
        }
        return length;
    }

    /** Every field by ordinal: {@link Field#bit()} is {@code 1L << ordinal()}. */
    private static final Field[] FIELDS = Field.values();

    /**
     * Decodes a version 3 body of {@code length} bytes at {@code offset} into {@code event} (cleared first).
     *
     * @return true when the body is well formed (see the class comment). A false return leaves {@code event} cleared.
     */
    public static boolean decode(final DirectBuffer src, final int offset, final int length, final CommandEvent event)
    {
        event.clear();
        if (length < BODY_BYTES_MIN)
        {
            return false;
        }
        final CommandType type = CommandType.fromCode(src.getShort(offset, ORDER) & 0xFFFF);
        if (type == null)
        {
            return false;
        }
        final int fields = type.fieldCount();
        final long mask = src.getInt(offset + HEAD_BYTES, ORDER) & 0xFFFF_FFFFL;
        if ((mask >>> fields) != 0)
        {
            return false;
        }
        final int limit = offset + length;
        int pos = offset + BODY_BYTES_MIN;
        event.type(type).stamp(src.getLong(offset + 2, ORDER), src.getLong(offset + 10, ORDER));
        for (long bits = mask; bits != 0 && pos >= 0; bits &= bits - 1) // the present fields only, in record order
        {
            pos = decodeField(src, pos, limit, type.field(Long.numberOfTrailingZeros(bits)), event);
        }
        if (pos >= 0 && type == CommandType.BATCH)
        {
            pos = decodeItems(src, pos, limit, event);
        }
        if (pos != limit)
        {
            event.clear();
            return false;
        }
        return true;
    }

    /** @return the position after a batch's commands, or -1 when they are malformed (see the class comment). */
    private static int decodeItems(final DirectBuffer src, final int start, final int limit, final CommandEvent event)
    {
        if (start + 2 > limit)
        {
            return -1;
        }
        final int count = src.getShort(start, ORDER) & 0xFFFF;
        if (count > BatchItems.ITEMS_MAX)
        {
            return -1;
        }
        final BatchItems items = event.decodeBatch();
        int pos = start + 2;
        for (int n = 0; n < count; n++)
        {
            if (pos + 3 + MASK_BYTES > limit)
            {
                return -1;
            }
            final int flags = src.getByte(pos) & 0xFF;
            final CommandType type = CommandType.fromCode(src.getShort(pos + 1, ORDER) & 0xFFFF);
            if ((flags & ~1) != 0 || type == null || !BatchItems.batchable(type))
            {
                return -1;
            }
            final long mask = src.getInt(pos + 3, ORDER) & 0xFFFF_FFFFL;
            final int fields = type.fieldCount();
            if ((mask >>> fields) != 0)
            {
                return -1;
            }
            final CommandEvent item = items.add(type, flags == 1);
            pos += 3 + MASK_BYTES;
            for (int i = 0; i < fields && pos >= 0; i++)
            {
                if ((mask & (1L << i)) != 0)
                {
                    if ((type.field(i).bit() & ITEM_FIELDS_LEFT_OUT) != 0)
                    {
                        return -1;
                    }
                    pos = decodeField(src, pos, limit, type.field(i), item);
                }
            }
            if (pos < 0)
            {
                return -1;
            }
            if (event.has(Field.MERCHANT_ID))
            {
                item.text(Field.MERCHANT_ID, event.textBuffer(), event.textOffset(Field.MERCHANT_ID), event.textLength(Field.MERCHANT_ID));
            }
        }
        return pos;
    }

    /** @return the position after the field, or -1 when it does not fit before {@code limit} or is malformed. */
    private static int decodeField(final DirectBuffer src, final int pos, final int limit, final Field field, final CommandEvent event)
    {
        final Field.Kind kind = field.kind();
        if (kind.text())
        {
            if (pos + 2 > limit)
            {
                return -1;
            }
            final int textLength = src.getShort(pos, ORDER) & 0xFFFF;
            if (pos + 2 + textLength > limit)
            {
                return -1;
            }
            event.text(field, src, pos + 2, textLength);
            return pos + 2 + textLength;
        }
        if (pos + kind.fixedBytes() > limit)
        {
            return -1;
        }
        switch (kind)
        {
            case I64 -> event.set(field, src.getLong(pos, ORDER));
            case I32, CURRENCY -> event.set(field, src.getInt(pos, ORDER));
            default ->
            {
                final byte value = src.getByte(pos);
                if (value != 0 && value != 1)
                {
                    return -1;
                }
                event.set(field, value == 1);
            }
        }
        return pos + kind.fixedBytes();
    }

    /**
     * Decodes a version 2 body (the 72-byte fixed layout journals held before version 3) into {@code event}, mapping
     * its fixed slots to the typed fields by command type. See {@link CommandCodecV2} for the layout.
     *
     * @return true when the body is well formed and holds nothing the command does not declare.
     */
    public static boolean decodeVersion2(final DirectBuffer src, final int offset, final int length, final CommandEvent event)
    {
        return CommandCodecV2.decode(src, offset, length, event);
    }

    private static int bodyBytesMax()
    {
        int max = 0;
        for (final CommandType type : CommandType.values())
        {
            int length = BODY_BYTES_MIN;
            for (int i = 0; i < type.fieldCount(); i++)
            {
                final Field.Kind kind = type.field(i).kind();
                length += kind.text() ? 2 + CommandFields.TEXT_BYTES_MAX : kind.fixedBytes();
            }
            max = Math.max(max, length);
        }
        return Math.max(max, BATCH_BODY_BYTES_MAX);
    }
}
