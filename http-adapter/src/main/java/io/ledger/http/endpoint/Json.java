package io.ledger.http.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;

/** The one jackson-core factory the adapter uses, with the input limits every parse gets. Thread-safe. */
public final class Json
{
    /** Deepest nesting a request body may have by default (metadata objects included); see {@link HttpLimits}. */
    public static final int NESTING_DEPTH_MAX = 16;
    /** Longest string value or field name by default, in chars; see {@link HttpLimits}. */
    public static final int STRING_CHARS_MAX = 16 * 1024;
    /** Longest number literal, in chars: bounds the cost of parsing {@code 1e999999}-style input. */
    public static final int NUMBER_CHARS_MAX = 32;

    public static final JsonFactory FACTORY = factory(NESTING_DEPTH_MAX, STRING_CHARS_MAX);

    /**
     * @param nestingDepthMax deepest nesting a parse accepts (the outermost object is level 1).
     * @param stringCharsMax  longest string value or field name a parse accepts, in chars.
     * @return a factory whose parsers refuse duplicate keys and enforce these limits (and {@link #NUMBER_CHARS_MAX}).
     */
    public static JsonFactory factory(final int nestingDepthMax, final int stringCharsMax)
    {
        return JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(nestingDepthMax)
                .maxStringLength(stringCharsMax)
                .maxNumberLength(NUMBER_CHARS_MAX)
                .maxNameLength(stringCharsMax)
                .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build()
            .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    private static final DateTimeFormatter TIMESTAMP =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Json()
    {
    }

    /** @return a generator appending UTF-8 JSON to {@code out}; close it to flush. */
    public static JsonGenerator generator(final ByteBuf out)
    {
        try
        {
            return FACTORY.createGenerator((java.io.OutputStream)new ByteBufOutputStream(out));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** The first instant {@link #timestamp} writes by hand: 1970-01-01T00:00:00.000Z. */
    static final long TIMESTAMP_FAST_MS_MIN = 0;
    /** The last instant {@link #timestamp} writes by hand: 9999-12-31T23:59:59.999Z (four-digit years). */
    static final long TIMESTAMP_FAST_MS_MAX = 253_402_300_799_999L;

    /**
     * @return {@code epochMs} as an RFC 3339 UTC timestamp with milliseconds, {@code yyyy-MM-ddTHH:mm:ss.SSSZ}: every
     *         reply and change-stream event of a purchase has two, so the years 1970 to 9999 are written by hand (the
     *         civil date from the day number, Hinnant's {@code civil_from_days}) rather than by {@code DateTimeFormatter},
     *         which allocated a {@code BigDecimal} and a dozen objects per call and took a fifth of the reply's encoding;
     *         other instants go through the formatter. Same characters either way ({@code JsonTest} compares them).
     */
    public static String timestamp(final long epochMs)
    {
        if (epochMs < TIMESTAMP_FAST_MS_MIN || epochMs > TIMESTAMP_FAST_MS_MAX)
        {
            return TIMESTAMP.format(Instant.ofEpochMilli(epochMs));
        }
        final byte[] text = new byte[TIMESTAMP_BYTES];
        timestampInto(epochMs, text, 0);
        return new String(text, 0, TIMESTAMP_BYTES, StandardCharsets.US_ASCII);
    }

    /** Bytes of a {@link #timestamp} from {@link #TIMESTAMP_FAST_MS_MIN} to {@link #TIMESTAMP_FAST_MS_MAX}. */
    static final int TIMESTAMP_BYTES = 24;

    /**
     * Writes {@link #timestamp}'s characters as ASCII bytes into {@code text} from {@code at}, when {@code epochMs} is
     * one it writes by hand ({@link #TIMESTAMP_FAST_MS_MIN} to {@link #TIMESTAMP_FAST_MS_MAX}).
     *
     * @return the index after the last byte; -1, writing nothing, for another instant.
     */
    static int timestampInto(final long epochMs, final byte[] text, final int at)
    {
        if (epochMs < TIMESTAMP_FAST_MS_MIN || epochMs > TIMESTAMP_FAST_MS_MAX)
        {
            return -1;
        }
        final long days = epochMs / 86_400_000L;
        final int msOfDay = (int)(epochMs - days * 86_400_000L);
        // civil_from_days (howardhinnant.github.io/date_algorithms.html), days >= 0 here
        final long z = days + 719_468;
        final long era = z / 146_097;
        final int doe = (int)(z - era * 146_097);
        final int yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        final int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        final int mp = (5 * doy + 2) / 153;
        final int day = doy - (153 * mp + 2) / 5 + 1;
        final int month = mp < 10 ? mp + 3 : mp - 9;
        final int year = (int)(yoe + era * 400) + (month <= 2 ? 1 : 0);
        digits(text, at, year, 4);
        text[at + 4] = '-';
        digits(text, at + 5, month, 2);
        text[at + 7] = '-';
        digits(text, at + 8, day, 2);
        text[at + 10] = 'T';
        digits(text, at + 11, msOfDay / 3_600_000, 2);
        text[at + 13] = ':';
        digits(text, at + 14, msOfDay / 60_000 % 60, 2);
        text[at + 16] = ':';
        digits(text, at + 17, msOfDay / 1_000 % 60, 2);
        text[at + 19] = '.';
        digits(text, at + 20, msOfDay % 1_000, 3);
        text[at + 23] = 'Z';
        return at + TIMESTAMP_BYTES;
    }

    /** Writes {@code value} (non-negative, fewer than 10^count) as {@code count} decimal digits, zero-padded, at {@code at}. */
    private static void digits(final byte[] text, final int at, final int value, final int count)
    {
        int rest = value;
        for (int i = at + count - 1; i >= at; i--)
        {
            text[i] = (byte)('0' + rest % 10);
            rest /= 10;
        }
    }
}
