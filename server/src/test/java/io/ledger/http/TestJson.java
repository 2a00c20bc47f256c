package io.ledger.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ledger.http.endpoint.Json;

/** Parses a response body into maps and lists with jackson-core, for assertions. */
final class TestJson
{
    private TestJson()
    {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(final String json)
    {
        return (Map<String, Object>)parse(json);
    }

    static Object parse(final String json)
    {
        try (JsonParser parser = Json.FACTORY.createParser(json))
        {
            parser.nextToken();
            final Object value = read(parser);
            if (parser.nextToken() != null)
            {
                throw new IllegalArgumentException("trailing data in " + json);
            }
            return value;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("not JSON: " + json, ex);
        }
    }

    private static Object read(final JsonParser parser) throws IOException
    {
        final JsonToken token = parser.currentToken();
        switch (token)
        {
            case START_OBJECT ->
            {
                final Map<String, Object> map = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME)
                {
                    final String name = parser.currentName();
                    parser.nextToken();
                    map.put(name, read(parser));
                }
                return map;
            }
            case START_ARRAY ->
            {
                final List<Object> list = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY)
                {
                    list.add(read(parser));
                }
                return list;
            }
            case VALUE_STRING ->
            {
                return parser.getText();
            }
            case VALUE_NUMBER_INT ->
            {
                return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? parser.getBigIntegerValue() : parser.getLongValue();
            }
            case VALUE_NUMBER_FLOAT ->
            {
                return parser.getDoubleValue();
            }
            case VALUE_TRUE, VALUE_FALSE ->
            {
                return parser.getBooleanValue();
            }
            case VALUE_NULL ->
            {
                return null;
            }
            default -> throw new IllegalArgumentException("unexpected token " + token);
        }
    }
}
