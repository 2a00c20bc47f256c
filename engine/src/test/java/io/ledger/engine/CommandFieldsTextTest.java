package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link CommandFields#textString} decodes a text straight from the buffer's array: it must give the String the
 * buffer's own UTF-8 decoding gives, for any bytes (a journal or a request may carry any), at any offset.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CommandFieldsTextTest
{
    /** ASCII, two- and three-byte characters, paired and lone surrogates, at any place and length (the buffer grows). */
    @Test
    void shouldEncodeEachTextAsStringGetBytesUtf8Does()
    {
        final char[] alphabet = {'a', 'Z', '0', ' ', '"', '\u007f', '\u0080', '\u00e9', '\u07ff', '\u0800', '\u4e2d', '\uffff',
            '\ud83d', '\ude00'};
        final java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        final CommandEvent event = new CommandEvent();
        for (int round = 0; round < 5_000; round++)
        {
            event.clear();
            final String before = "m".repeat(random.nextInt(300));
            final StringBuilder value = new StringBuilder();
            final int length = random.nextInt(4) == 0 ? random.nextInt(1_000) : random.nextInt(20);
            final int ascii = random.nextInt(length + 1);
            for (int i = 0; i < length; i++)
            {
                value.append(i < ascii ? (char)random.nextInt(0x80) : alphabet[random.nextInt(alphabet.length)]);
            }
            event.text(Field.MERCHANT_ID, before).text(Field.DESCRIPTION, value);
            final byte[] expected = value.toString().getBytes(StandardCharsets.UTF_8); // a lone surrogate: '?'
            assertEquals(expected.length, event.textLength(Field.DESCRIPTION), value.toString());
            final byte[] actual = new byte[expected.length];
            event.textBuffer().getBytes(event.textOffset(Field.DESCRIPTION), actual);
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, value.toString());
            assertEquals(before, event.textString(Field.MERCHANT_ID));
        }
    }

    @Test
    void shouldDecodeEachTextAsTheBuffersOwnUtf8DecodingDoes()
    {
        final CommandEvent event = new CommandEvent();
        event.clear();
        event.text(Field.MERCHANT_ID, "mer_a").text(Field.PHONE, "+27 82 000 0001").text(Field.NAME, "Zoë Ñandú 李 \uD83D\uDE00")
            .text(Field.EMAIL, "");
        assertEquals("mer_a", event.textString(Field.MERCHANT_ID));
        assertEquals("+27 82 000 0001", event.textString(Field.PHONE));
        assertEquals("Zoë Ñandú 李 \uD83D\uDE00", event.textString(Field.NAME));
        assertEquals("", event.textString(Field.EMAIL));
        assertNull(event.textString(Field.METADATA_JSON), "absent");

        final byte[] odd = {'a', (byte)0xC3, 'b', (byte)0xFF, (byte)0xE2, (byte)0x82, 'c', (byte)0xF0, (byte)0x9F, (byte)0x98};
        final UnsafeBuffer source = new UnsafeBuffer(odd);
        for (int from = 0; from < odd.length; from++)
        {
            for (int length = 0; from + length <= odd.length; length++)
            {
                event.clear();
                event.text(Field.MERCHANT_ID, "m").text(Field.DESCRIPTION, source, from, length);
                assertEquals(source.getStringWithoutLengthUtf8(from, length), event.textString(Field.DESCRIPTION),
                    "bytes " + from + ".." + (from + length));
                assertEquals("m", event.textString(Field.MERCHANT_ID));
            }
        }
    }
}
