package io.ledger.http.endpoint;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.Field;
import io.ledger.engine.Ids;

/**
 * A route that answers a page, {@code {data: [...], pagination: {limit, offset, total, hasMore}}}: it reads
 * {@code limit} and {@code offset} ({@link QueryParser#page}) and its own filters, and writes each row.
 */
public abstract class ListEndpoint extends Endpoint
{
    protected ListEndpoint(final Route route)
    {
        super(route);
    }

    @Override
    public final void parse(final Request request)
    {
        QueryParser.page(request.params(), request.draft(), request.problem());
        parseFilters(request);
    }

    /** Reads the list's own query parameters; the default reads none. */
    protected void parseFilters(final Request request)
    {
    }

    @Override
    public final void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
    {
        final String merchantId = event.textString(Field.MERCHANT_ID);
        json.writeStartObject();
        json.writeArrayFieldStart("data");
        for (int row = 0; row < event.rowCount(); row++)
        {
            writeRow(json, event, row, ids, merchantId);
        }
        json.writeEndArray();
        json.writeObjectFieldStart("pagination");
        json.writeNumberField("limit", event.get(Field.PAGE_LIMIT));
        json.writeNumberField("offset", event.get(Field.PAGE_OFFSET));
        json.writeNumberField("total", event.rowTotal());
        json.writeBooleanField("hasMore", event.get(Field.PAGE_OFFSET) + event.rowCount() < event.rowTotal());
        json.writeEndObject();
        json.writeEndObject();
    }

    /** Writes row {@code row} of the page the ledger copied into {@code event}, for {@code merchantId}'s request. */
    protected abstract void writeRow(JsonGenerator json, CommandEvent event, int row, Ids ids, String merchantId) throws IOException;

    @Override
    public int replyBytesHint()
    {
        return 4096;
    }
}
