package io.ledger.http.endpoint;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.Ids;
import io.ledger.engine.ResultCode;

/**
 * One route of the API: how its request becomes its command, and how the command's outcome becomes its reply body.
 * Everything every request shares (limits, authentication, content type, the path's id, the {@code merchantId} query
 * check, the idempotency gate, ordering per connection, the error shape and the ResultCode to status mapping) is done
 * around it by {@code LedgerRequestHandler} and {@code Responses}, so an endpoint holds only what is its own.
 *
 * <p>Before {@link #parse} the draft already holds the route's command type, the merchant's id and the path's key
 * ({@link Route#pathField()}); a route that needs nothing more (a read by id) parses nothing.
 *
 * <p>Stateless: one instance serves every connection; {@link #parse} runs on event loops, {@link #writeReply} on the
 * reply thread.
 */
public abstract class Endpoint
{
    private final Route route;

    protected Endpoint(final Route route)
    {
        this.route = route;
    }

    public final Route route()
    {
        return route;
    }

    /**
     * Reads the body and query into the command's typed fields ({@link Request#draft()}), adding to
     * {@link Request#problem()} whatever is wrong. The default reads nothing.
     */
    public void parse(final Request request)
    {
    }

    /** Writes the body of a success ({@link ResultCode#OK}) from the applied command in {@code event}. Reply thread. */
    public abstract void writeReply(JsonGenerator json, CommandEvent event, Ids ids) throws IOException;

    /**
     * Writes the body of a success as {@link #writeReply} writes it with a UTF-8 generator (byte for byte), into
     * {@code out}'s bytes from {@code at}, for a batch's reply ({@link ReplyBytes}). Reply thread.
     *
     * @return the index after the body; -1 (what this route does) when it has no byte form for it: a value that needs
     *         escaping, or not room enough in {@code out}. {@link #writeReply} then writes it.
     */
    int replyBytes(final CommandEvent event, final Ids ids, final ReplyBytes out, final int at)
    {
        return -1;
    }

    /** @return this route's wording of a refusal, or null for the general one ({@code Responses.messageOf}). */
    public String refusalMessage(final ResultCode result)
    {
        return null;
    }

    /**
     * @return this route's wording of a refusal that names what the ledger wrote into {@code event} with it (the purchase
     * an external reference belongs to, the state of the purchase a release was refused for), or null for
     * {@link #refusalMessage(ResultCode)}. Reply thread.
     */
    public String refusalMessage(final ResultCode result, final CommandEvent event, final Ids ids)
    {
        return refusalMessage(result);
    }

    /** @return the buffer to start a success body with, in bytes. */
    public int replyBytesHint()
    {
        return 256;
    }
}
