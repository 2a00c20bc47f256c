package io.ledger.bench.load;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The batch endpoint's wire shapes, kept in this one place so that they follow the endpoint when it lands.
 *
 * <p><b>Request</b> ({@code POST /api/canary/batch} by default, {@code --batch-path}): N purchases, each with the body
 * a single {@code POST /api/canary/purchases} would carry:
 * <pre>{@code {"commands":[{"type":"purchase","body":{"customerId":"cus_...","productId":"...","amount":100,"currency":"ZAR"}}, ...]}}</pre>
 *
 * <p><b>Reply</b>: a 2xx whose JSON object holds an array {@value #RESULTS_FIELD} with one element per command, in
 * order, each an object with a numeric {@value #STATUS_FIELD} (the HTTP status the command alone would have had, e.g.
 * 201 or 402); other fields (body, error) are skipped. A non-2xx reply means that nothing in the batch was applied.
 *
 * <p>Stateless; thread-safe.
 */
final class BatchShape
{
    static final String PATH_DEFAULT = "/api/canary/batch";
    /** Purchases per request at most: about 115 bytes each keeps a batch under the ledger's 64 KiB body limit. */
    static final int ITEMS_MAX = 500;
    static final String RESULTS_FIELD = "results";
    static final String STATUS_FIELD = "status";

    static final byte[] OPEN = RequestWriter.ascii("{\"commands\":[");
    static final byte[] ITEM_OPEN = RequestWriter.ascii("{\"type\":\"purchase\",\"body\":");
    static final byte[] ITEM_CLOSE = RequestWriter.ascii("}");
    static final byte[] SEPARATOR = RequestWriter.ascii(",");
    static final byte[] CLOSE = RequestWriter.ascii("]}");

    private static final JsonFactory JSON = new JsonFactory();

    private BatchShape()
    {
    }

    /** @return an upper bound of a batch body's bytes with {@code items} purchases of at most {@code itemBytesMax} bytes each. */
    static int bodyBytesMax(final int items, final int itemBytesMax)
    {
        return OPEN.length + CLOSE.length + items * (ITEM_OPEN.length + itemBytesMax + ITEM_CLOSE.length + SEPARATOR.length);
    }

    /**
     * Reads the per-command statuses of a batch reply.
     *
     * @param json   the reply body (UTF-8), {@code length} bytes from {@code offset}.
     * @param out    receives the statuses in command order; its length is the number expected.
     * @return how many statuses the reply held (equal to {@code out.length} when the reply has the expected shape), or
     * -1 when it has no {@value #RESULTS_FIELD} array or is not JSON.
     */
    static int itemStatuses(final byte[] json, final int offset, final int length, final int[] out)
    {
        final int scanned = scanStatuses(json, offset, length, out);
        return scanned >= 0 ? scanned : parseStatuses(json, offset, length, out);
    }

    private static final byte[] RESULTS_OPEN = RequestWriter.ascii("{\"" + RESULTS_FIELD + "\":[");
    private static final byte[] STATUS_OPEN = RequestWriter.ascii("{\"" + STATUS_FIELD + "\":");

    /**
     * {@link #itemStatuses} by a scan of the bytes for the ledger's own reply shape: {@code {"results":[} and each result
     * opening with {@code {"status":NNN}, the rest of it skipped by brackets outside strings. About four times cheaper
     * than tokenizing every field of every result's body (the load tool shares the cores with the server it measures).
     *
     * @return the count as {@link #itemStatuses}; -1 when the bytes are not in that shape (then {@link #parseStatuses}
     *         reads them).
     */
    static int scanStatuses(final byte[] json, final int offset, final int length, final int[] out)
    {
        final int end = offset + length;
        int i = offset;
        if (!startsWith(json, i, end, RESULTS_OPEN))
        {
            return -1;
        }
        i += RESULTS_OPEN.length;
        int count = 0;
        if (i < end && json[i] == ']')
        {
            return i + 2 == end && json[i + 1] == '}' ? 0 : -1;
        }
        while (true)
        {
            if (!startsWith(json, i, end, STATUS_OPEN))
            {
                return -1;
            }
            i += STATUS_OPEN.length;
            int status = 0;
            final int digits = i;
            while (i < end && json[i] >= '0' && json[i] <= '9' && i - digits < 4)
            {
                status = status * 10 + json[i++] - '0';
            }
            if (i == digits || i == end || json[i] != ',' && json[i] != '}' || (i = skipObjectRest(json, i, end)) < 0)
            {
                return -1;
            }
            if (count < out.length)
            {
                out[count] = status;
            }
            count++;
            if (i < end && json[i] == ',')
            {
                i++;
                continue;
            }
            return i + 2 == end && json[i] == ']' && json[i + 1] == '}' ? count : -1;
        }
    }

    /** @return the index after the end of the object whose first field's value ends at {@code i}; -1 when it has none. */
    private static int skipObjectRest(final byte[] json, final int from, final int end)
    {
        int depth = 1;
        int i = from;
        while (i < end)
        {
            final byte b = json[i++];
            if (b == '"')
            {
                while (i < end && json[i] != '"')
                {
                    i += json[i] == '\\' ? 2 : 1;
                }
                i++;
            }
            else if (b == '{' || b == '[')
            {
                depth++;
            }
            else if ((b == '}' || b == ']') && --depth == 0)
            {
                return i <= end ? i : -1;
            }
        }
        return -1;
    }

    private static boolean startsWith(final byte[] json, final int at, final int end, final byte[] prefix)
    {
        if (end - at < prefix.length)
        {
            return false;
        }
        for (int k = 0; k < prefix.length; k++)
        {
            if (json[at + k] != prefix[k])
            {
                return false;
            }
        }
        return true;
    }

    /** {@link #itemStatuses} by the JSON parser: any reply shape. */
    static int parseStatuses(final byte[] json, final int offset, final int length, final int[] out)
    {
        try (JsonParser parser = JSON.createParser(json, offset, length))
        {
            if (parser.nextToken() != JsonToken.START_OBJECT)
            {
                return -1;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME)
            {
                final String name = parser.currentName();
                final JsonToken value = parser.nextToken();
                if (RESULTS_FIELD.equals(name) && value == JsonToken.START_ARRAY)
                {
                    return readResults(parser, out);
                }
                parser.skipChildren();
            }
            return -1;
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    private static int readResults(final JsonParser parser, final int[] out) throws IOException
    {
        int count = 0;
        JsonToken element;
        while ((element = parser.nextToken()) != JsonToken.END_ARRAY && element != null)
        {
            if (element != JsonToken.START_OBJECT)
            {
                return -1;
            }
            int status = 0;
            while (parser.nextToken() == JsonToken.FIELD_NAME)
            {
                final String name = parser.currentName();
                final JsonToken value = parser.nextToken();
                if (STATUS_FIELD.equals(name) && value == JsonToken.VALUE_NUMBER_INT)
                {
                    status = parser.getIntValue();
                }
                else
                {
                    parser.skipChildren();
                }
            }
            if (count < out.length)
            {
                out[count] = status;
            }
            count++;
        }
        return element == null ? -1 : count;
    }
}
