package io.ledger.http.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link UniqueNamesParser} gives up on exactly the documents jackson's duplicate detection refuses, whichever way they
 * are read (token by token, skipping children, or mixed), and otherwise reads the same tokens.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UniqueNamesParserTest
{
    /** Few names, so that objects repeat one often, at any depth; two that differ only in case or length. */
    private static final String[] NAMES = {"a", "b", "c", "A", "aa", "amount", "\u00e9"};

    @Test
    void shouldGiveUpOnExactlyTheDocumentsJacksonRefusesForARepeatedName() throws IOException
    {
        final SplittableRandom random = new SplittableRandom(12);
        int refused = 0;
        for (int i = 0; i < 20_000; i++)
        {
            final StringBuilder json = new StringBuilder();
            value(random, json, 0);
            final byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
            final List<String> jackson = strict(bytes);
            final long seed = random.nextLong();
            final List<String> ours = unique(bytes, null, false);
            final List<String> skipping = unique(bytes, new SplittableRandom(seed), false);
            final List<String> root = unique(bytes, null, true);
            final boolean duplicate = jackson.get(jackson.size() - 1).contains("uplicate");
            refused += duplicate ? 1 : 0;
            if (duplicate)
            {
                assertEquals("GIVE UP", ours.get(ours.size() - 1), json.toString());
                assertEquals("GIVE UP", skipping.get(skipping.size() - 1), "skipping some: " + json);
                assertEquals(List.of("GIVE UP"), root, "skipping the root: " + json);
            }
            else
            {
                assertEquals(jackson, ours, json.toString());
                assertTrue(!skipping.contains("GIVE UP") && root.equals(List.of("taken")), json.toString());
            }
        }
        assertTrue(refused > 2_000 && refused < 18_000, "both kinds of document were tried: " + refused + " refused");
    }

    @Test
    void shouldGiveUpOnAnObjectOfMoreNamesThanItChecks() throws IOException
    {
        final StringBuilder json = new StringBuilder("{");
        for (int i = 0; i <= UniqueNamesParser.NAMES_PER_OBJECT_MAX; i++)
        {
            json.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        final byte[] bytes = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
        final List<String> jackson = strict(bytes);
        assertEquals("END_OBJECT", jackson.get(jackson.size() - 1), "jackson takes it");
        assertEquals("GIVE UP", unique(bytes, null, false).get(2 * UniqueNamesParser.NAMES_PER_OBJECT_MAX + 1));
    }

    /** Appends a random value: objects and arrays up to depth 4, names from {@link #NAMES}. */
    private static void value(final SplittableRandom random, final StringBuilder json, final int depth)
    {
        final int kind = depth >= 4 ? 2 + random.nextInt(3) : random.nextInt(depth == 0 ? 2 : 5);
        switch (kind)
        {
            case 0 ->
            {
                json.append('{');
                final int fields = random.nextInt(5);
                for (int i = 0; i < fields; i++)
                {
                    json.append(i == 0 ? "" : ",").append('"').append(NAMES[random.nextInt(NAMES.length)]).append("\":");
                    value(random, json, depth + 1);
                }
                json.append('}');
            }
            case 1 ->
            {
                json.append('[');
                final int values = random.nextInt(4);
                for (int i = 0; i < values; i++)
                {
                    json.append(i == 0 ? "" : ",");
                    value(random, json, depth + 1);
                }
                json.append(']');
            }
            case 2 -> json.append(random.nextInt(100));
            case 3 -> json.append("\"").append(NAMES[random.nextInt(NAMES.length)]).append('"');
            default -> json.append(random.nextBoolean());
        }
    }

    /** @return every token jackson's strict parser reads, then its error's message if it refused. */
    private static List<String> strict(final byte[] bytes) throws IOException
    {
        final List<String> tokens = new ArrayList<>();
        try (JsonParser parser = Json.FACTORY.createParser(bytes))
        {
            JsonToken token;
            while ((token = parser.nextToken()) != null)
            {
                tokens.add(token == JsonToken.FIELD_NAME ? "name " + parser.currentName() : token.name());
            }
        }
        catch (final StreamReadException ex)
        {
            tokens.add(ex.getOriginalMessage());
        }
        return tokens;
    }

    /**
     * @return the tokens {@link UniqueNamesParser} reads by {@code nextToken}, with a random one in four objects or
     *         arrays skipped by {@code skipChildren} when {@code random} is not null (recorded as "skipped"), then
     *         "GIVE UP" if it gave up; with {@code skipRoot}, only whether skipping the whole document gives up.
     */
    private static List<String> unique(final byte[] bytes, final SplittableRandom random, final boolean skipRoot) throws IOException
    {
        final List<String> tokens = new ArrayList<>();
        try (JsonParser parser = new UniqueNamesParser(Json.FACTORY.createParser(bytes)))
        {
            if (skipRoot)
            {
                parser.nextToken();
                parser.skipChildren();
                return List.of("taken");
            }
            JsonToken token;
            while ((token = parser.nextToken()) != null)
            {
                if (token.isStructStart() && random != null && random.nextInt(4) == 0)
                {
                    tokens.add("skipped");
                    parser.skipChildren();
                    tokens.add(parser.currentToken().name());
                    continue;
                }
                tokens.add(token == JsonToken.FIELD_NAME ? "name " + parser.currentName() : token.name());
            }
        }
        catch (final IOException ex)
        {
            assertSame(UniqueNamesParser.GIVE_UP, ex, "it only ever gives up");
            tokens.add("GIVE UP");
        }
        return tokens;
    }
}
