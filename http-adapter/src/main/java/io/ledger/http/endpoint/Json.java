package io.ledger.http.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
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

    /** @return {@code epochMs} as an RFC 3339 UTC timestamp with milliseconds. */
    public static String timestamp(final long epochMs)
    {
        return TIMESTAMP.format(Instant.ofEpochMilli(epochMs));
    }
}
