package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
