package io.ledger.engine.internal;

import java.nio.ByteOrder;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandFields;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import org.agrona.DirectBuffer;

/**
 * The version 2 command body, frozen: journals written before version 3 hold it, and idempotency fingerprints are
 * defined over its slots (so a key stored before the upgrade still matches its retry after it). Never change this
 * class: add fields to {@link Field} and {@link CommandType} instead, which version 3 carries and fingerprints fold
 * in after these slots.
 *
 * <pre>
 *  Command body, version 2, little-endian
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |          type code            |   text presence mask (bit i)  |  0
 *  +-------------------------------+-------------------------------+
 *  |                         commandId (i64)                       |  4
 *  |                       timestampMs (i64)                       | 12
 *  |                  customerKey (i64)     CUSTOMER_KEY           | 20
 *  |                  counterpartyKey (i64) TO_CUSTOMER_KEY        | 28
 *  |                  amountMinor (i64)     AMOUNT_MINOR           | 36
 *  +---------------------------------------------------------------+
 *  |                  currency (i32)        CURRENCY               | 44
 *  +---------------------------------------------------------------+
 *  |                  quantity (i64)        QUANTITY               | 48
 *  |                  flags (i64)           IS_DEFAULT: bit 0 given, bit 1 value
 *  |                  aux (i64)             EXPIRY_YEAR * 100 + EXPIRY_MONTH, or PAYMENT_METHOD_KEY
 *  +-------------------------------+-------------------------------+
 *  | length (u16) | UTF-8 bytes of each present text slot, in slot order ...       72
 *  +-------------------------------------------------------------------
 *
 *  text slots: 0 MERCHANT_ID, 1 PHONE, 2 EMAIL, 3 NAME, 4 METADATA_JSON, 5 DESCRIPTION, 6 PRODUCT_ID,
 *              7 IDEMPOTENCY_KEY, 8 SEARCH, 9 BANK_ACCOUNT, 10 METHOD_TYPE, 11 METHOD_PROVIDER, 12 METHOD_BRAND,
 *              13 METHOD_LAST4; 14 and 15 never used
 * </pre>
 *
 * <p>A slot the command type does not declare must hold the value version 2 wrote for "absent" (-1 for the keys and
 * the currency, 0 else; no text): every record the pre-version-3 adapter wrote does. Stateless; safe on any thread.
 */
public final class CommandCodecV2
{
    /** Size of the fixed part of a version 2 body. */
    public static final int FIXED_BYTES = 72;
    /** Upper bound of a version 2 body. */
    public static final int BODY_BYTES_MAX = FIXED_BYTES + 16 * (2 + CommandEvent.TEXT_BYTES_MAX);

    /** The numeric slots, in body order; {@link #lane} projects a command onto them. */
    public static final int LANE_CUSTOMER_KEY = 0;
    public static final int LANE_COUNTERPARTY_KEY = 1;
    public static final int LANE_AMOUNT = 2;
    public static final int LANE_CURRENCY = 3;
    public static final int LANE_QUANTITY = 4;
    public static final int LANE_FLAGS = 5;
    public static final int LANE_AUX = 6;
    public static final int LANES = 7;

    /** The text slots: index = slot; null for the two never used. */
    public static final int TEXT_SLOTS = 16;
    private static final Field[] TEXT_FIELDS = {
        Field.MERCHANT_ID, Field.PHONE, Field.EMAIL, Field.NAME, Field.METADATA_JSON, Field.DESCRIPTION, Field.PRODUCT_ID,
        Field.IDEMPOTENCY_KEY, Field.SEARCH, Field.BANK_ACCOUNT, Field.METHOD_TYPE, Field.METHOD_PROVIDER,
        Field.METHOD_BRAND, Field.METHOD_LAST4, null, null};
    private static final Field[] LANE_FIELDS = {
        Field.CUSTOMER_KEY, Field.TO_CUSTOMER_KEY, Field.AMOUNT_MINOR, Field.CURRENCY, Field.QUANTITY};
    private static final int[] LANE_OFFSETS = {20, 28, 36, 44, 48};
    private static final long[] LANE_ABSENT = {-1, -1, 0, Currencies.NONE, 0, 0, 0};
    private static final long FLAG_DEFAULT_GIVEN = 1;
    private static final long FLAG_DEFAULT = 2;
    private static final long FIELDS_HELD;

    static
    {
        long held = Field.IS_DEFAULT.bit() | Field.EXPIRY_MONTH.bit() | Field.EXPIRY_YEAR.bit() | Field.PAYMENT_METHOD_KEY.bit();
        for (final Field field : LANE_FIELDS)
        {
            held |= field.bit();
        }
        for (final Field field : TEXT_FIELDS)
        {
            held |= field == null ? 0 : field.bit();
        }
        FIELDS_HELD = held;
    }

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private CommandCodecV2()
    {
    }

    /** @return true when version 2 has a slot for {@code field}; fingerprints fold the others in after the slots. */
    public static boolean holds(final Field field)
    {
        return (FIELDS_HELD & field.bit()) != 0;
    }

    /** @return the field in text slot {@code slot}, or null. */
    public static Field textField(final int slot)
    {
        return TEXT_FIELDS[slot];
    }

    /**
     * @return the value numeric slot {@code lane} holds for {@code command}: what version 2 wrote there. A field the
     * command's type does not declare counts as absent (it is not part of the command: no record holds it).
     */
    public static long lane(final CommandFields<?> command, final int lane)
    {
        switch (lane)
        {
            case LANE_FLAGS:
                return carries(command, Field.IS_DEFAULT)
                    ? FLAG_DEFAULT_GIVEN | (command.getBoolean(Field.IS_DEFAULT) ? FLAG_DEFAULT : 0) : 0;
            case LANE_AUX:
                return (carries(command, Field.EXPIRY_YEAR) ? command.get(Field.EXPIRY_YEAR) * 100 : 0)
                    + (carries(command, Field.EXPIRY_MONTH) ? command.get(Field.EXPIRY_MONTH) : 0)
                    + (carries(command, Field.PAYMENT_METHOD_KEY) ? command.get(Field.PAYMENT_METHOD_KEY) : 0);
            default:
                final Field field = LANE_FIELDS[lane];
                return carries(command, field) ? command.get(field) : LANE_ABSENT[lane];
        }
    }

    /** @return the UTF-8 length of the text in slot {@code slot}, or -1 when the command does not carry one. */
    public static int textLength(final CommandFields<?> command, final int slot)
    {
        final Field field = TEXT_FIELDS[slot];
        return field != null && carries(command, field) ? command.textLength(field) : -1;
    }

    private static boolean carries(final CommandFields<?> command, final Field field)
    {
        return command.type().declares(field) && command.has(field);
    }

    /**
     * Decodes {@code length} bytes at {@code offset} into {@code event} (cleared first).
     *
     * @return true when the body is well formed: a known type, text fields that fit exactly in {@code length}, and no
     * slot holding a value for a field the type does not declare. A false return leaves {@code event} cleared.
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
        event.type(type).stamp(src.getLong(offset + 4, ORDER), src.getLong(offset + 12, ORDER));
        if (!decodeLanes(src, offset, type, event) || !decodeTexts(src, offset, length, type, event))
        {
            event.clear();
            return false;
        }
        return true;
    }

    private static boolean decodeLanes(final DirectBuffer src, final int offset, final CommandType type, final CommandEvent event)
    {
        for (int lane = 0; lane < LANE_FIELDS.length; lane++)
        {
            final int at = offset + LANE_OFFSETS[lane];
            final long value = lane == LANE_CURRENCY ? src.getInt(at, ORDER) : src.getLong(at, ORDER);
            if (type.declares(LANE_FIELDS[lane]))
            {
                event.set(LANE_FIELDS[lane], value);
            }
            else if (value != LANE_ABSENT[lane])
            {
                return false;
            }
        }
        final long flags = src.getLong(offset + 56, ORDER);
        if (type.declares(Field.IS_DEFAULT) && (flags & ~(FLAG_DEFAULT_GIVEN | FLAG_DEFAULT)) == 0)
        {
            if ((flags & FLAG_DEFAULT_GIVEN) != 0)
            {
                event.set(Field.IS_DEFAULT, (flags & FLAG_DEFAULT) != 0);
            }
        }
        else if (flags != 0)
        {
            return false;
        }
        final long aux = src.getLong(offset + 64, ORDER);
        if (type.declares(Field.PAYMENT_METHOD_KEY))
        {
            event.set(Field.PAYMENT_METHOD_KEY, aux);
        }
        else if (type.declares(Field.EXPIRY_YEAR) && type.declares(Field.EXPIRY_MONTH) && aux >= 0)
        {
            setIfPositive(event, Field.EXPIRY_YEAR, aux / 100);
            setIfPositive(event, Field.EXPIRY_MONTH, aux % 100);
        }
        else if (aux != 0)
        {
            return false;
        }
        return true;
    }

    private static boolean decodeTexts(
        final DirectBuffer src, final int offset, final int length, final CommandType type, final CommandEvent event)
    {
        final int mask = src.getShort(offset + 2, ORDER) & 0xFFFF;
        int pos = offset + FIXED_BYTES;
        final int limit = offset + length;
        for (int slot = 0; slot < TEXT_SLOTS; slot++)
        {
            if ((mask & (1 << slot)) == 0)
            {
                continue;
            }
            final Field field = TEXT_FIELDS[slot];
            if (field == null || !type.declares(field) || pos + 2 > limit)
            {
                return false;
            }
            final int textLength = src.getShort(pos, ORDER) & 0xFFFF;
            if (pos + 2 + textLength > limit)
            {
                return false;
            }
            event.text(field, src, pos + 2, textLength);
            pos += 2 + textLength;
        }
        return pos == limit;
    }

    private static void setIfPositive(final CommandEvent event, final Field field, final long value)
    {
        if (value > 0)
        {
            event.set(field, value);
        }
    }
}
