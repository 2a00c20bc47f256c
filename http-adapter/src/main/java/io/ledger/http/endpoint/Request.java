package io.ledger.http.endpoint;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.Ids;
import io.netty.buffer.ByteBuf;

/**
 * What an {@link Endpoint} parses: the request's body and query, the authenticated merchant, and the draft and problem
 * list it fills. One per connection, reused for each request (a connection parses one request at a time).
 *
 * <p>Event loop only.
 */
public final class Request
{
    private final CommandDraft draft = new CommandDraft();
    private final Problem problem = new Problem();
    private final BodyReader body;
    private final Ids ids;
    private final JsonFactory factory;
    /** A batch's commands and the request each is parsed with: created on a connection's first batch, then reused. */
    private io.ledger.engine.BatchItems batchItems;
    private Request itemRequest;
    private String merchantId;
    private ByteBuf content;
    /** A batch's parser, on this command's body object, when the body is read within the batch ({@link #beginWithin}). */
    private JsonParser within;
    private Map<String, List<String>> params;

    /**
     * @param factory the factory whose {@code StreamReadConstraints} bound a body's nesting depth and string lengths.
     * @param ids     the deployment's ids, to read the ids a body or query names.
     */
    public Request(final JsonFactory factory, final Ids ids)
    {
        this.body = new BodyReader(factory);
        this.ids = ids;
        this.factory = factory;
    }

    /**
     * Starts the draft of {@code route}'s command for {@code merchantId}: its type, the merchant and the path's key (when
     * the route has an {@code {id}}), and checks a {@code merchantId} query parameter. Then {@link Endpoint#parse}.
     */
    public void begin(final Route route, final String merchantId, final long pathKey, final ByteBuf content,
        final Map<String, List<String>> params)
    {
        draft.clear();
        problem.clear();
        this.merchantId = merchantId;
        this.content = content;
        this.within = null;
        this.params = params;
        draft.type(route.command());
        if (merchantId != null) // null: a dialect's route, whose merchant the ledger finds by the API key
        {
            draft.text(Field.MERCHANT_ID, merchantId);
            QueryParser.merchant(params, merchantId, problem);
        }
        if (route.pathField() != null)
        {
            draft.set(route.pathField(), pathKey);
        }
    }

    /**
     * As {@link #begin}, for a batch's command whose body is the object {@code within} (the batch's parser) is on: the
     * endpoint's body walk reads it with that parser and stops at its end ({@link #bodyWalkedToEnd()}).
     */
    void beginWithin(final Route route, final String merchantId, final long pathKey, final JsonParser within)
    {
        begin(route, merchantId, pathKey, null, Map.of());
        this.within = within;
    }

    /** @return true when the body walk of a {@link #beginWithin} request reached the body's end. */
    boolean bodyWalkedToEnd()
    {
        return body.walkedToEnd();
    }

    /** Ends the request's body walk, if one is still open (an endpoint that threw). */
    public void end()
    {
        body.close();
    }

    /** @return the body as it came, or null. */
    ByteBuf content()
    {
        return content;
    }

    JsonFactory factory()
    {
        return factory;
    }

    /** @return this connection's batch items, emptied. */
    io.ledger.engine.BatchItems batchItems()
    {
        if (batchItems == null)
        {
            batchItems = new io.ledger.engine.BatchItems();
        }
        batchItems.clear();
        return batchItems;
    }

    /** @return the request a batch's commands are parsed with, one after the other. */
    Request itemRequest()
    {
        if (itemRequest == null)
        {
            itemRequest = new Request(factory, ids);
        }
        return itemRequest;
    }

    public CommandDraft draft()
    {
        return draft;
    }

    public Problem problem()
    {
        return problem;
    }

    /** @return the deployment's ids. */
    public Ids ids()
    {
        return ids;
    }

    public String merchantId()
    {
        return merchantId;
    }

    /** @return the query's parameters (decoded). */
    public Map<String, List<String>> params()
    {
        return params;
    }

    /** @return the first value of query parameter {@code name}, or null. */
    public String query(final String name)
    {
        return QueryParser.first(params, name);
    }

    /** @return the {@code currency} query parameter packed, {@link Currencies#NONE} when absent (or wrong: a problem). */
    public int queryCurrency()
    {
        return QueryParser.currency(params, problem);
    }

    /** @return the body, to walk field by field; a missing or empty body is a problem. */
    public BodyReader body()
    {
        if (within != null)
        {
            body.startWithin(within, merchantId, problem);
            return body;
        }
        body.start(content, merchantId, problem, false);
        return body;
    }

    /** @return the body, to walk field by field; a missing or empty body walks as no fields. */
    public BodyReader optionalBody()
    {
        if (within != null)
        {
            body.startWithin(within, merchantId, problem);
            return body;
        }
        body.start(content, merchantId, problem, true);
        return body;
    }

    /** Reads a body that has only fields every route names alike ({@link BodyReader#field}); a missing body is a problem. */
    public void readBody()
    {
        for (final BodyReader reader = body(); reader.next(); )
        {
            reader.field(draft);
        }
    }

    /** As {@link #readBody()}, but a missing or empty body reads as no fields. */
    public void readOptionalBody()
    {
        for (final BodyReader reader = optionalBody(); reader.next(); )
        {
            reader.field(draft);
        }
    }

    /** Adds "{@code name} should not be empty" when {@code field} is absent and nothing was said of it yet. */
    public void required(final Field field, final String name)
    {
        if (!draft.has(field) && !mentions(name))
        {
            problem.add(name + " should not be empty");
        }
    }

    /** The rules of a money movement's amount and currency, when absent and nothing was said of them yet. */
    public void requiredMoney()
    {
        if (draft.get(Field.AMOUNT_MINOR) == 0 && !mentions("amount"))
        {
            problem.add(Rules.AMOUNT);
        }
        if (draft.get(Field.CURRENCY) == Currencies.NONE && !mentions("currency"))
        {
            problem.add(Rules.CURRENCY);
        }
    }

    /** @return true when a problem already names {@code field}. */
    public boolean mentions(final String field)
    {
        for (final String message : problem.messages())
        {
            if (message.startsWith(field + " "))
            {
                return true;
            }
        }
        return false;
    }
}
