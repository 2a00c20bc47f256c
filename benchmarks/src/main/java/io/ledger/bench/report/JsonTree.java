package io.ledger.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Reads JSON into plain maps, lists, strings, numbers ({@link Long} or {@link Double}), booleans and nulls with
 * jackson-core's streaming parser (the project has no databind). Used for result files and server replies; not on
 * any measured path. Thread-safe.
 */
public final class JsonTree
{
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonTree()
    {
    }

    public static Object parse(final String json)
    {
        try (JsonParser parser = FACTORY.createParser(json))
        {
            parser.nextToken();
            final Object value = read(parser);
            if (parser.nextToken() != null)
            {
                throw new IllegalArgumentException("trailing data after the JSON value");
            }
            return value;
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("not JSON: " + ex.getMessage(), ex);
        }
    }

    public static Object parse(final Path file)
    {
        try
        {
            return parse(Files.readString(file));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file, ex);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(final String json)
    {
        final Object value = parse(json);
        if (!(value instanceof Map))
        {
            throw new IllegalArgumentException("expected a JSON object: " + abbreviate(json));
        }
        return (Map<String, Object>)value;
    }

    /** @return {@code map[key]} as a long, or throws naming the key. */
    public static long longValue(final Map<String, Object> map, final String key)
    {
        final Object value = map.get(key);
        if (value instanceof Long l)
        {
            return l;
        }
        if (value instanceof Integer i)
        {
            return i;
        }
        throw new IllegalArgumentException("field " + key + " is not an integer: " + value);
    }

    public static String abbreviate(final String text)
    {
        return text == null ? "null" : text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private static Object read(final JsonParser parser) throws IOException
    {
        final JsonToken token = parser.currentToken();
        if (token == null)
        {
            throw new IllegalArgumentException("empty JSON");
        }
        switch (token)
        {
            case START_OBJECT:
            {
                final Map<String, Object> map = new LinkedHashMap<>();
                while (parser.nextToken() != JsonToken.END_OBJECT)
                {
                    final String name = parser.currentName();
                    parser.nextToken();
                    map.put(name, read(parser));
                }
                return map;
            }
            case START_ARRAY:
            {
                final List<Object> list = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY)
                {
                    list.add(read(parser));
                }
                return list;
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IllegalArgumentException("unexpected JSON token " + token);
        }
    }
}
