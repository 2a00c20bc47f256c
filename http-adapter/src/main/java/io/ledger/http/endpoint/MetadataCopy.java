package io.ledger.http.endpoint;

import java.io.IOException;
import java.io.StringWriter;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * A {@code metadata} object copied compactly as it was sent, for {@link BodyReader#metadata()}: every number written as
 * the text it was sent as, every key and string checked by {@link Rules#textRule}. One per {@link BodyReader}; event loop
 * only.
 */
final class MetadataCopy
{
    /** Top-level keys of the object copied last. */
    private int keys;

    /** @return the top-level keys of the object copied last. */
    int keys()
    {
        return keys;
    }

    /**
     * Copies the object the parser is on to {@code out}, token by token (not {@code copyCurrentStructure}, which
     * rewrites numbers through double), counting its top-level keys ({@link #keys()}).
     *
     * @return null, or the text rule a key or string value breaks (after "keys" or "values").
     */
    String copy(final JsonParser parser, final StringWriter out) throws IOException
    {
        String rule = null;
        keys = 0;
        try (JsonGenerator generator = Json.FACTORY.createGenerator(out))
        {
            int depth = 0;
            JsonToken token = parser.currentToken();
            while (true)
            {
                switch (token)
                {
                    case START_OBJECT ->
                    {
                        generator.writeStartObject();
                        depth++;
                    }
                    case END_OBJECT ->
                    {
                        generator.writeEndObject();
                        depth--;
                    }
                    case START_ARRAY ->
                    {
                        generator.writeStartArray();
                        depth++;
                    }
                    case END_ARRAY ->
                    {
                        generator.writeEndArray();
                        depth--;
                    }
                    case FIELD_NAME ->
                    {
                        keys += depth == 1 ? 1 : 0;
                        final String key = parser.currentName();
                        final String keyRule = rule == null ? Rules.textRule(key, false) : null;
                        rule = keyRule == null ? rule : " keys" + keyRule;
                        generator.writeFieldName(key);
                    }
                    case VALUE_STRING ->
                    {
                        final String value = parser.getText();
                        final String valueRule = rule == null ? Rules.textRule(value, true) : null;
                        rule = valueRule == null ? rule : " values" + valueRule;
                        generator.writeString(value);
                    }
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> generator.writeNumber(parser.getText()); // as sent
                    case VALUE_TRUE -> generator.writeBoolean(true);
                    case VALUE_FALSE -> generator.writeBoolean(false);
                    case VALUE_NULL -> generator.writeNull();
                    default -> throw new IOException("token=" + token + " cannot be in a JSON text");
                }
                if (depth == 0)
                {
                    return rule;
                }
                token = parser.nextToken();
                if (token == null)
                {
                    throw new IOException("metadata ends inside a structure");
                }
            }
        }
    }
}
