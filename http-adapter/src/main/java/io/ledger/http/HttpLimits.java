package io.ledger.http;

/**
 * Bounds on what one connection can make the server hold. Validated once by {@link #validate()}.
 *
 * @param bodyBytesMax          largest request body; larger is 413.
 * @param headerBytesMax        largest header block; larger is 431.
 * @param initialLineBytesMax   longest request line; longer is 414.
 * @param pipelinedRequestsMax  requests a connection may send ahead of its replies; more closes the connection.
 * @param idleTimeoutMs         a connection silent this long is closed (slow or half-open clients).
 */
public record HttpLimits(
    int bodyBytesMax,
    int headerBytesMax,
    int initialLineBytesMax,
    int pipelinedRequestsMax,
    long idleTimeoutMs)
{
    public static final HttpLimits DEFAULTS = new HttpLimits(64 * 1024, 16 * 1024, 8 * 1024, 64, 60_000);

    public HttpLimits validate()
    {
        if (bodyBytesMax < 1024 || headerBytesMax < 1024 || initialLineBytesMax < 256)
        {
            throw new IllegalArgumentException("bodyBytesMax=" + bodyBytesMax + " headerBytesMax=" + headerBytesMax
                + " initialLineBytesMax=" + initialLineBytesMax + " are below their minimums 1024/1024/256");
        }
        if (pipelinedRequestsMax < 1 || idleTimeoutMs < 1)
        {
            throw new IllegalArgumentException("pipelinedRequestsMax=" + pipelinedRequestsMax + " idleTimeoutMs="
                + idleTimeoutMs + " must be >= 1");
        }
        return this;
    }
}
