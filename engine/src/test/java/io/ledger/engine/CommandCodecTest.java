package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.internal.IdempotencyStore;
import io.ledger.engine.internal.StateHash;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The journal body: version 3 carries every declared field of every command type exactly, and refuses what it did
 * not write; version 2 bodies (as the build before version 3 wrote them) decode to the same command, and
 * idempotency fingerprints are what that build computed, so keys stored before an upgrade still match their retries.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandCodecTest
{
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final String TEXT_CHARS = "aZ09 _-@.+{}\":,äöü€李雷😀\t";

    private final Random random = new Random(0xC0DEC);
    private final CommandEvent event = new CommandEvent();
    private final CommandEvent decoded = new CommandEvent();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);

    @Test
    void shouldRoundTripEveryFieldOfEveryCommandType()
    {
        for (final CommandType type : CommandType.values())
        {
            for (int round = 0; round < 200; round++)
            {
                fillRandomly(type, round == 0 ? 1.0 : round == 1 ? 0.0 : 0.5);
                final int length = CommandCodec.encode(event, buffer, 3);
                assertEquals(CommandCodec.encodedLength(event), length, type.toString());
                assertTrue(length <= CommandCodec.BODY_BYTES_MAX, type.toString());
                assertTrue(CommandCodec.decode(buffer, 3, length, decoded), type.toString());
                assertSameCommand(event, decoded);
            }
        }
    }

    @Test
    void shouldWriteOnlyTheFieldsTheTypeDeclares()
    {
        event.clear();
        event.type(CommandType.PAY_IN).text(Field.MERCHANT_ID, "m").set(Field.AMOUNT_MINOR, 5).set(Field.QUANTITY, 7)
            .text(Field.PRODUCT_ID, "not a pay-in's").stamp(9, 10);
        final int length = CommandCodec.encode(event, buffer, 0);
        assertEquals(CommandCodec.encodedLength(event), length, "the length counts only the declared fields too");
        assertTrue(CommandCodec.decode(buffer, 0, length, decoded));
        assertFalse(decoded.has(Field.QUANTITY));
        assertFalse(decoded.has(Field.PRODUCT_ID));
        assertEquals(5, decoded.get(Field.AMOUNT_MINOR));
        assertEquals(IdempotencyStore.fingerprint(event), IdempotencyStore.fingerprint(decoded),
            "what a record cannot hold is not part of the command, for fingerprints neither");
    }

    @Test
    void shouldRefuseTruncatedPaddedAndMalformedBodies()
    {
        fillRandomly(CommandType.SAVE_PAYMENT_METHOD, 1.0);
        final int length = CommandCodec.encode(event, buffer, 0);
        for (int cut = 0; cut < length; cut++)
        {
            assertFalse(CommandCodec.decode(buffer, 0, cut, decoded), "cut=" + cut);
            assertEquals(CommandType.NOOP, decoded.type(), "a refused body leaves the event cleared");
        }
        assertFalse(CommandCodec.decode(buffer, 0, length + 1, decoded), "a byte after the last field");

        final ExpandableArrayBuffer copy = new ExpandableArrayBuffer(length);
        copy.putBytes(0, buffer, 0, length);
        copy.putShort(0, (short)99, LE);
        assertFalse(CommandCodec.decode(copy, 0, length, decoded), "an unknown type");

        event.clear();
        event.type(CommandType.DELETE_PAYMENT_METHOD).set(Field.PAYMENT_METHOD_KEY, 4).stamp(1, 2);
        final int deleteLength = CommandCodec.encode(event, buffer, 0);
        buffer.putByte(CommandCodec.HEAD_BYTES, (byte)(buffer.getByte(CommandCodec.HEAD_BYTES) | 0x10));
        assertFalse(CommandCodec.decode(buffer, 0, deleteLength, decoded), "a presence bit beyond the type's 3 fields");

        event.clear();
        event.type(CommandType.SAVE_PAYMENT_METHOD).set(Field.IS_DEFAULT, true).stamp(1, 2);
        final int boolLength = CommandCodec.encode(event, buffer, 0);
        buffer.putByte(boolLength - 1, (byte)2);
        assertFalse(CommandCodec.decode(buffer, 0, boolLength, decoded), "a boolean that is neither 0 nor 1");
    }

    @Test
    void shouldDecodeVersion2BodiesToTheSameCommandAndFingerprint()
    {
        final MutableDirectBuffer v2 = new ExpandableArrayBuffer(2048);
        for (final CommandType type : CommandType.values())
        {
            if (!type.journaled() || type.code() >= CommandType.INITIALIZE_DEPLOYMENT.code())
            {
                continue; // INITIALIZE_DEPLOYMENT and every type after it came with version 3
            }
            for (int round = 0; round < 300; round++)
            {
                final OldCommand old = OldCommand.random(type, random);
                final int length = old.encode(v2);
                assertTrue(CommandCodec.decodeVersion2(v2, 0, length, decoded), type + " " + round);
                assertEquals(old.fingerprint(), IdempotencyStore.fingerprint(decoded), type + " fingerprint " + round);
                old.assertSame(decoded);

                final int v3 = CommandCodec.encode(decoded, buffer, 0);
                assertTrue(CommandCodec.decode(buffer, 0, v3, event));
                assertSameCommand(decoded, event);
                assertEquals(old.fingerprint(), IdempotencyStore.fingerprint(event));
            }
        }
    }

    @Test
    void shouldRefuseAVersion2BodyThatHoldsAFieldItsTypeDoesNotDeclare()
    {
        final MutableDirectBuffer v2 = new ExpandableArrayBuffer(2048);
        final OldCommand payIn = OldCommand.random(CommandType.PAY_IN, random);
        payIn.quantity = 3;
        assertFalse(CommandCodec.decodeVersion2(v2, 0, payIn.encode(v2), decoded), "a pay-in has no quantity");
        final OldCommand purchase = OldCommand.random(CommandType.PURCHASE, random);
        purchase.texts[9] = "bank account";
        assertFalse(CommandCodec.decodeVersion2(v2, 0, purchase.encode(v2), decoded), "a purchase has no bank account");
        final OldCommand delete = OldCommand.random(CommandType.DELETE_PAYMENT_METHOD, random);
        delete.flags = 1;
        assertFalse(CommandCodec.decodeVersion2(v2, 0, delete.encode(v2), decoded), "a delete has no isDefault");
    }

    // ---- helpers

    private void fillRandomly(final CommandType type, final double presence)
    {
        event.clear();
        event.type(type).stamp(random.nextLong(), random.nextLong());
        for (int i = 0; i < type.fieldCount(); i++)
        {
            final Field field = type.field(i);
            if (random.nextDouble() >= presence)
            {
                continue;
            }
            switch (field.kind())
            {
                case TEXT, JSON -> event.text(field, randomText(random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(300)));
                case BOOL -> event.set(field, random.nextBoolean());
                case I32, CURRENCY -> event.set(field, random.nextInt());
                default -> event.set(field, random.nextLong());
            }
        }
    }

    private String randomText(final int length)
    {
        final StringBuilder text = new StringBuilder(length);
        while (text.length() < length)
        {
            text.appendCodePoint(TEXT_CHARS.codePointAt(TEXT_CHARS.offsetByCodePoints(0, random.nextInt(TEXT_CHARS.codePointCount(0,
                TEXT_CHARS.length())))));
        }
        return text.toString();
    }

    private static void assertSameCommand(final CommandEvent expected, final CommandEvent actual)
    {
        final CommandType type = expected.type();
        assertEquals(type, actual.type());
        assertEquals(expected.commandId(), actual.commandId());
        assertEquals(expected.timestampMs(), actual.timestampMs());
        for (int i = 0; i < type.fieldCount(); i++)
        {
            final Field field = type.field(i);
            assertEquals(expected.has(field), actual.has(field), type + "." + field);
            if (field.kind().text())
            {
                assertEquals(expected.textString(field), actual.textString(field), type + "." + field);
            }
            else
            {
                assertEquals(expected.get(field), actual.get(field), type + "." + field);
            }
        }
    }

    /**
     * A command as the build before version 3 held it: fixed slots and 16 text slots, encoded and fingerprinted exactly
     * as that build's CommandCodec and Ledger.fingerprint did (copied here as the oracle). {@link #random} fills only
     * what that build's adapter set for the type.
     */
    private static final class OldCommand
    {
        final CommandType type;
        long commandId;
        long timestampMs;
        long customerKey = -1;
        long counterpartyKey = -1;
        long amountMinor;
        int currency = Currencies.NONE;
        long quantity;
        long flags;
        long aux;
        final String[] texts = new String[16];

        OldCommand(final CommandType type)
        {
            this.type = type;
        }

        static OldCommand random(final CommandType type, final Random random)
        {
            final OldCommand c = new OldCommand(type);
            c.commandId = 1 + random.nextInt(1_000_000);
            c.timestampMs = 1_700_000_000_000L + random.nextInt(1_000_000);
            c.texts[0] = "mer_" + random.nextInt(5);
            if (random.nextInt(3) == 0)
            {
                c.texts[7] = "key-" + random.nextInt(100);
            }
            switch (type)
            {
                case CREATE_CUSTOMER, UPDATE_CUSTOMER ->
                {
                    if (type == CommandType.UPDATE_CUSTOMER)
                    {
                        c.customerKey = random.nextInt(100) - 1;
                    }
                    else
                    {
                        c.texts[1] = "+2782" + random.nextInt(10_000_000);
                    }
                    c.texts[2] = random.nextBoolean() ? "ü" + random.nextInt(99) + "@example.com" : null;
                    c.texts[3] = random.nextBoolean() ? "Näme " + random.nextInt(99) : null;
                    c.texts[4] = "{\"n\":" + random.nextInt(9) + "}";
                }
                case PAY_IN, PURCHASE, TRANSFER, PAYOUT ->
                {
                    c.customerKey = type == CommandType.PAYOUT ? -1 : random.nextInt(100) - 1;
                    c.counterpartyKey = type == CommandType.TRANSFER ? random.nextInt(100) - 1 : -1;
                    c.amountMinor = random.nextBoolean() ? 1 + random.nextInt(1_000_000) : random.nextLong();
                    c.currency = random.nextInt(10) == 0 ? Currencies.NONE : random.nextInt(26 * 26 * 26);
                    c.quantity = type == CommandType.PURCHASE ? 1 + random.nextInt(5) : 0;
                    c.texts[6] = type == CommandType.PURCHASE ? "sku-" + random.nextInt(99) : null;
                    c.texts[5] = type != CommandType.PURCHASE && random.nextBoolean() ? "désc " + random.nextInt(99) : null;
                    c.texts[9] = type == CommandType.PAYOUT && random.nextBoolean() ? "****" + random.nextInt(9999) : null;
                    c.texts[4] = type == CommandType.PAYOUT ? "{}" : null;
                }
                case SAVE_PAYMENT_METHOD ->
                {
                    c.customerKey = random.nextInt(100);
                    c.texts[10] = random.nextBoolean() ? "card" : "mobile_money";
                    c.texts[11] = "prov" + random.nextInt(3);
                    c.texts[12] = random.nextBoolean() ? "visa" : null;
                    c.texts[13] = random.nextBoolean() ? "4242" : null;
                    c.texts[1] = random.nextBoolean() ? "+2782" + random.nextInt(1000) : null;
                    final int month = random.nextBoolean() ? 1 + random.nextInt(12) : 0;
                    final int year = random.nextBoolean() ? 2000 + random.nextInt(101) : 0;
                    c.aux = year * 100L + month;
                    c.flags = random.nextBoolean() ? 0 : 1 | (random.nextBoolean() ? 2 : 0);
                }
                case DELETE_PAYMENT_METHOD -> c.aux = random.nextInt(1000);
                default -> throw new AssertionError(type);
            }
            return c;
        }

        int encode(final MutableDirectBuffer dst)
        {
            int mask = 0;
            for (int slot = 0; slot < texts.length; slot++)
            {
                mask |= texts[slot] == null ? 0 : 1 << slot;
            }
            dst.putShort(0, (short)type.code(), LE);
            dst.putShort(2, (short)mask, LE);
            dst.putLong(4, commandId, LE);
            dst.putLong(12, timestampMs, LE);
            dst.putLong(20, customerKey, LE);
            dst.putLong(28, counterpartyKey, LE);
            dst.putLong(36, amountMinor, LE);
            dst.putInt(44, currency, LE);
            dst.putLong(48, quantity, LE);
            dst.putLong(56, flags, LE);
            dst.putLong(64, aux, LE);
            int pos = 72;
            for (final String text : texts)
            {
                if (text != null)
                {
                    final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                    dst.putShort(pos, (short)bytes.length, LE);
                    dst.putBytes(pos + 2, bytes);
                    pos += 2 + bytes.length;
                }
            }
            return pos;
        }

        long fingerprint()
        {
            long hash = StateHash.mix(type.code());
            hash = StateHash.mix(hash ^ customerKey) + 1;
            hash = StateHash.mix(hash ^ counterpartyKey) + 2;
            hash = StateHash.mix(hash ^ amountMinor) + 3;
            hash = StateHash.mix(hash ^ currency) + 4;
            hash = StateHash.mix(hash ^ quantity) + 5;
            hash = StateHash.mix(hash ^ flags) + 6;
            hash = StateHash.mix(hash ^ aux) + 7;
            for (int field = 0; field < 16; field++)
            {
                if (field == 7)
                {
                    continue;
                }
                final byte[] bytes = texts[field] == null ? null : texts[field].getBytes(StandardCharsets.UTF_8);
                final int length = bytes == null ? -1 : bytes.length;
                hash = StateHash.mix(hash ^ ((long)field << 32 | (length & 0xFFFFFFFFL))) + 11;
                for (int i = 0; i < length; i++)
                {
                    hash = StateHash.mix(hash ^ bytes[i]) + 13;
                }
            }
            return hash;
        }

        void assertSame(final CommandEvent decoded)
        {
            assertEquals(type, decoded.type());
            assertEquals(commandId, decoded.commandId());
            assertEquals(timestampMs, decoded.timestampMs());
            if (type.declares(Field.CUSTOMER_KEY))
            {
                assertEquals(customerKey, decoded.get(Field.CUSTOMER_KEY));
            }
            if (type.declares(Field.AMOUNT_MINOR))
            {
                assertEquals(amountMinor, decoded.get(Field.AMOUNT_MINOR));
                assertEquals(currency, decoded.get(Field.CURRENCY));
            }
            assertEquals(type == CommandType.TRANSFER ? counterpartyKey : -1, decoded.get(Field.TO_CUSTOMER_KEY));
            assertEquals(quantity, decoded.get(Field.QUANTITY));
            if (type == CommandType.SAVE_PAYMENT_METHOD)
            {
                assertEquals((flags & 1) != 0, decoded.has(Field.IS_DEFAULT));
                assertEquals((flags & 2) != 0, decoded.getBoolean(Field.IS_DEFAULT));
                assertEquals(aux % 100, decoded.get(Field.EXPIRY_MONTH));
                assertEquals(aux / 100, decoded.get(Field.EXPIRY_YEAR));
            }
            if (type == CommandType.DELETE_PAYMENT_METHOD)
            {
                assertEquals(aux, decoded.get(Field.PAYMENT_METHOD_KEY));
            }
            final Field[] slots = {Field.MERCHANT_ID, Field.PHONE, Field.EMAIL, Field.NAME, Field.METADATA_JSON, Field.DESCRIPTION,
                Field.PRODUCT_ID, Field.IDEMPOTENCY_KEY, Field.SEARCH, Field.BANK_ACCOUNT, Field.METHOD_TYPE, Field.METHOD_PROVIDER,
                Field.METHOD_BRAND, Field.METHOD_LAST4};
            for (int slot = 0; slot < slots.length; slot++)
            {
                assertEquals(texts[slot], decoded.textString(slots[slot]), slots[slot].toString());
            }
        }
    }
}
