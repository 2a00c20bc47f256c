package io.ledger.http.endpoint;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonParserDelegate;

/**
 * A parser that gives up (throws {@link #GIVE_UP}) at the first name an object repeats, in place of jackson's
 * duplicate-key detection ({@link StreamReadFeature#STRICT_DUPLICATE_DETECTION}), which it switches off on the parser
 * it wraps. Jackson's detection keeps a {@code HashSet} per object of three or more names, allocated anew for every
 * object: at batches of 100 it was 3.9% of the server's samples and a third of its allocations. Here the names of the
 * objects open along the current path sit in one array, and a new name is compared with those of its own object
 * ({@link String#equals}, as jackson's detector compares them, where the hashes match), from the first.
 *
 * <p>Exactly the objects jackson would refuse make it give up: every token goes through {@link #nextToken()} (the
 * parser's other advancing calls are written on it, {@link #skipChildren()} included, so a skipped object is checked
 * too). It also gives up on an object of more than {@value #NAMES_PER_OBJECT_MAX} names, or on more than
 * {@value #NAMES_MAX} names open at once, so the comparisons stay bounded. Giving up is the only answer it has: the
 * caller ({@link BatchWalk}) then reads the batch the other way, with jackson's detection, which says what is wrong.
 *
 * <p>Event loop only; one per batch walk.
 */
final class UniqueNamesParser extends JsonParserDelegate
{
    /** Most names one object may have here (a metadata object has at most {@link Rules#METADATA_KEYS_MAX}). */
    static final int NAMES_PER_OBJECT_MAX = 64;
    /** Most names of the objects open at once. */
    static final int NAMES_MAX = 256;

    /** Thrown, without a stack, where the walk must give up: a repeated name, or more names than checked here. */
    static final IOException GIVE_UP = new IOException("a repeated name, or more names than checked: read the other way")
    {
        @Override
        public synchronized Throwable fillInStackTrace()
        {
            return this;
        }
    };

    private final String[] names = new String[NAMES_MAX];
    private final int[] hashes = new int[NAMES_MAX];
    /** Where each open object's (or array's) names start in {@link #names}; index = nesting depth - 1. */
    private final int[] starts;
    private int depth;
    private int count;

    /** @param parser a parser on nothing yet; from now on read only through this one. */
    UniqueNamesParser(final JsonParser parser)
    {
        super(parser);
        parser.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        // its constraints refuse deeper input before this array is full
        starts = new int[parser.streamReadConstraints().getMaxNestingDepth() + 1];
    }

    @Override
    public JsonToken nextToken() throws IOException
    {
        final JsonToken token = delegate.nextToken();
        if (token != null)
        {
            switch (token)
            {
                case FIELD_NAME -> name(delegate.currentName());
                case START_OBJECT, START_ARRAY ->
                {
                    if (depth == starts.length)
                    {
                        throw GIVE_UP;
                    }
                    starts[depth++] = count;
                }
                case END_OBJECT, END_ARRAY -> count = starts[--depth];
                default ->
                {
                }
            }
        }
        return token;
    }

    private void name(final String name) throws IOException
    {
        final int start = starts[depth - 1];
        if (count - start == NAMES_PER_OBJECT_MAX || count == NAMES_MAX)
        {
            throw GIVE_UP;
        }
        final int hash = name.hashCode(); // kept in the String: the parser hands out one instance per name it knows
        for (int i = start; i < count; i++)
        {
            if (hashes[i] == hash && name.equals(names[i])) // equal names have equal hashes: exact, and no text read
            {
                throw GIVE_UP;
            }
        }
        hashes[count] = hash;
        names[count++] = name;
    }

    @Override
    public JsonToken nextValue() throws IOException
    {
        final JsonToken token = nextToken();
        return token == JsonToken.FIELD_NAME ? nextToken() : token;
    }

    /** As jackson's own: to the end of the object or array the parser is on, every token read by {@link #nextToken()}. */
    @Override
    public JsonParser skipChildren() throws IOException
    {
        final JsonToken current = delegate.currentToken();
        if (current != JsonToken.START_OBJECT && current != JsonToken.START_ARRAY)
        {
            return this;
        }
        int open = 1;
        while (open > 0)
        {
            final JsonToken token = nextToken();
            if (token == null)
            {
                throw GIVE_UP; // the end of the input inside an object: the parser reports it first; this is a fence
            }
            if (token.isStructStart())
            {
                open++;
            }
            else if (token.isStructEnd())
            {
                open--;
            }
        }
        return this;
    }

    @Override
    public String nextFieldName() throws IOException
    {
        return nextToken() == JsonToken.FIELD_NAME ? delegate.currentName() : null;
    }

    @Override
    public boolean nextFieldName(final com.fasterxml.jackson.core.SerializableString name) throws IOException
    {
        return nextToken() == JsonToken.FIELD_NAME && name.getValue().equals(delegate.currentName());
    }

    @Override
    public String nextTextValue() throws IOException
    {
        return nextToken() == JsonToken.VALUE_STRING ? delegate.getText() : null;
    }

    @Override
    public int nextIntValue(final int defaultValue) throws IOException
    {
        return nextToken() == JsonToken.VALUE_NUMBER_INT ? delegate.getIntValue() : defaultValue;
    }

    @Override
    public long nextLongValue(final long defaultValue) throws IOException
    {
        return nextToken() == JsonToken.VALUE_NUMBER_INT ? delegate.getLongValue() : defaultValue;
    }

    @Override
    public Boolean nextBooleanValue() throws IOException
    {
        final JsonToken token = nextToken();
        return token == JsonToken.VALUE_TRUE ? Boolean.TRUE : token == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
    }
}
