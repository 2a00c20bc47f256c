package io.ledger.http.endpoint;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.Ids;

/**
 * A success body written as bytes ({@link Endpoint#replyBytes}, byte for byte what {@link Endpoint#writeReply} writes
 * with a UTF-8 generator) outside a batch: the unbatched reply ({@code Responses.reply}) and the change stream's event
 * data ({@link LedgerEvents#writeBytes}). A generator per reply (jackson's {@code UTF8JsonGenerator}, its context and
 * I/O context) and its per-field checks were most of the reply's encoding on the event loop at 32 connections
 * (async-profiler, session 14). Only a route with a byte form, and only for a body whose every value needs no escaping:
 * for anything else {@link #render} says so and the caller writes it with the generator as before.
 *
 * <p>Single-threaded: one per thread that writes bodies (a pipeline's reply thread, the snapshot follower).
 */
public final class BodyBytes
{
    private final ReplyBytes out = new ReplyBytes();

    /**
     * Writes {@code endpoint}'s success body for {@code event} into {@link #bytes()} from index 0.
     *
     * @return its length in bytes; -1, with nothing to use, when the endpoint has no byte form for this body.
     */
    public int render(final Endpoint endpoint, final CommandEvent event, final Ids ids)
    {
        final int end = endpoint.replyBytes(event, ids, out, 0);
        return end < 0 || end > ReplyBytes.CAPACITY ? -1 : end;
    }

    /** @return the bytes {@link #render} wrote (valid up to the length it returned, until the next call). */
    public byte[] bytes()
    {
        return out.bytes();
    }
}
