package io.ledger.http.endpoint;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.Field;
import io.ledger.engine.Ids;
import io.ledger.engine.ResultCode;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A route of another API dialect (issue 15): authenticated by an API key in the dialect's own headers instead of a
 * merchant's bearer token, and answering every failure (401, 400, 415, a ledger refusal, 503) in the dialect's own error
 * shape with the dialect's statuses. The key is never checked here: the endpoint only hashes it into the command
 * ({@link Field#API_KEY_HASH}); the ledger finds the key by that hash, checks its dialect and revocation in command
 * order, and acts for the key's merchant. So a revoke is in force for every command after it, live and in replay.
 *
 * <p>No {@code Idempotency-Key} handling and no {@code merchantId}: the merchant is the key's. Stateless.
 */
public abstract class DialectEndpoint extends Endpoint
{
    /** What a request's headers say of its key: a refusal (401), or the hash (and the key's id, where sent) to publish. */
    public record Credentials(String refusal, String sha256Hex, long apiKey)
    {
        /** Puts the credentials into the draft, once {@link Request#begin} started it. */
        void fill(final CommandDraft draft)
        {
            draft.text(Field.API_KEY_HASH, sha256Hex);
            if (apiKey >= 0)
            {
                draft.set(Field.API_KEY_KEY, apiKey);
            }
        }
    }

    protected DialectEndpoint(final Route route)
    {
        super(route);
    }

    /** @return the request's credentials from {@code headers}, or a {@link Credentials#refusal()} (401). Event loop. */
    public abstract Credentials authenticate(HttpHeaders headers, Ids ids);

    /** @return the HTTP status of a ledger refusal in this dialect. */
    public abstract HttpResponseStatus refusalStatus(ResultCode result);

    /** Writes the whole error body for {@code status} and {@code messages} in the dialect's shape. */
    public abstract void writeError(JsonGenerator json, HttpResponseStatus status, List<String> messages) throws IOException;

    /**
     * Writes the whole body of a ledger refusal, for a dialect whose refusal carries more than messages (Masumi's 409
     * names the existing purchase). Reply thread.
     *
     * @return false to answer with {@link #writeError} and the refusal's message instead (the default).
     */
    public boolean writeRefusal(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
    {
        return false;
    }

    /** Puts {@code credentials} into the request's draft (for the handler, which is in another package). */
    public static void fill(final Credentials credentials, final Request request)
    {
        credentials.fill(request.draft());
    }
}
