package io.ledger.http.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.ledger.http.Fuzz;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Utf8Test
{
    @Test
    void shouldRefuseOverlongSurrogateAndOutOfRangeForms()
    {
        assertEquals(-1, invalidAt("plain ascii"));
        assertEquals(-1, invalidAt("r\u00e9sum\u00e9 \u20ac \uD83D\uDE00"));
        assertEquals(1, invalidAt((byte)'a', (byte)0xC0, (byte)0xAF)); // overlong '/'
        assertEquals(0, invalidAt((byte)0xE0, (byte)0x80, (byte)0xAF)); // overlong, 3 bytes
        assertEquals(0, invalidAt((byte)0xED, (byte)0xA0, (byte)0x80)); // the surrogate D800
        assertEquals(0, invalidAt((byte)0xF4, (byte)0x90, (byte)0x80, (byte)0x80)); // past U+10FFFF
        assertEquals(0, invalidAt((byte)0x80)); // a continuation byte first
        assertEquals(2, invalidAt((byte)'a', (byte)'b', (byte)0xE2, (byte)0x82)); // truncated
        assertEquals(0, invalidAt((byte)0xFF));
    }

    /** Property: on any bytes, the validator agrees with the JDK's strict decoder. */
    @Test
    void shouldAgreeWithTheJdkDecoderOnRandomBytes()
    {
        Fuzz.forAll("utf-8 validator", 20_000, r ->
        {
            final byte[] bytes = new byte[r.nextInt(12)];
            for (int i = 0; i < bytes.length; i++)
            {
                // bias to the interesting bytes: leads and continuations
                bytes[i] = (byte)(r.nextInt(3) == 0 ? r.nextInt(256) : 0x80 + r.nextInt(0x80));
            }
            return bytes;
        }, bytes -> assertEquals(jdkValid(bytes), invalidAt(bytes) < 0, () -> java.util.HexFormat.of().formatHex(bytes)));
    }

    /** Property: in ASCII text of any length, read from any offset, a NUL or a bad byte is found exactly where it is. */
    @Test
    void shouldFindABadByteOrNulAnywhereInLongAsciiText()
    {
        Fuzz.forAll("ascii with one bad byte", 20_000, r ->
        {
            final byte[] bytes = new byte[1 + r.nextInt(40)];
            for (int i = 0; i < bytes.length; i++)
            {
                bytes[i] = (byte)(1 + r.nextInt(127));
            }
            final int at = r.nextInt(bytes.length + 1); // bytes.length: none
            if (at < bytes.length)
            {
                bytes[at] = (byte)(r.nextBoolean() ? 0 : 0x80 + r.nextInt(0x80));
            }
            return bytes;
        }, bytes ->
        {
            int bad = -1;
            int nul = -1;
            for (int i = bytes.length - 1; i >= 0; i--)
            {
                bad = bytes[i] < 0 ? i : bad;
                nul = bytes[i] == 0 ? i : nul;
            }
            final int skip = bytes.length > 3 ? 3 : 0;
            final io.netty.buffer.ByteBuf buffer = Unpooled.wrappedBuffer(bytes).skipBytes(skip);
            final int badFromSkip = bad >= skip ? bad - skip : bad < 0 ? -1 : Integer.MIN_VALUE;
            final int nulFromSkip = nul >= skip ? nul - skip : nul < 0 ? -1 : Integer.MIN_VALUE;
            if (badFromSkip != Integer.MIN_VALUE && nulFromSkip != Integer.MIN_VALUE)
            {
                final String hex = java.util.HexFormat.of().formatHex(bytes);
                assertEquals(badFromSkip, Utf8.firstInvalid(buffer), hex);
                assertEquals(nulFromSkip >= 0 ? nulFromSkip : badFromSkip, Utf8.firstInvalidOrNul(buffer), hex);
            }
        });
    }

    private static int invalidAt(final String text)
    {
        return invalidAt(text.getBytes(StandardCharsets.UTF_8));
    }

    private static int invalidAt(final byte... bytes)
    {
        return Utf8.firstInvalid(Unpooled.wrappedBuffer(bytes));
    }

    private static boolean jdkValid(final byte[] bytes)
    {
        try
        {
            StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes));
            return true;
        }
        catch (final CharacterCodingException ex)
        {
            return false;
        }
    }
}
