package io.ledger.http;

/**
 * Bounds on what one connection, and all of them together, can make the server hold. Validated once, at start-up,
 * by {@link #validate()}; its messages name the {@code ./ledger serve} option (without the dashes) and the value.
 *
 * <p>What one connection can hold at most: one request being received (at most {@code initialLineBytesMax +
 * headerBytesMax + bodyBytesMax}), the requests already decoded behind a command in the ring (reading stops as soon
 * as one waits, and more than {@code pipelinedRequestsMax} closes the connection), and replies the client has not
 * read (reading stops once they pass {@code writeBufferBytesMax}). Times {@code connectionsMax} for the whole server.
 *
 * @param bodyBytesMax          largest request body; larger is 413 and the connection is closed.
 * @param headerBytesMax        largest header block; larger is 431.
 * @param initialLineBytesMax   longest request line; longer is 414.
 * @param pipelinedRequestsMax  requests a connection may send ahead of its replies; more closes the connection.
 * @param idleTimeoutMs         a connection with no traffic either way for this long is closed.
 * @param requestTimeoutMs      a request must arrive whole within this long of its first byte, else 408 and the
 *                              connection is closed (slow or half-open clients: "slow loris").
 * @param connectionsMax        open connections; a connection beyond it gets 503 to its first request and is closed.
 * @param jsonDepthMax          deepest nesting of a JSON body (the body object is level 1); deeper is 400.
 * @param jsonStringCharsMax    longest JSON string value or field name, in chars; longer is 400.
 * @param writeBufferBytesMax   replies queued for a client that does not read them, in bytes; past it the server
 *                              stops reading that connection until half of it has drained.
 */
public record HttpLimits(
    int bodyBytesMax,
    int headerBytesMax,
    int initialLineBytesMax,
    int pipelinedRequestsMax,
    long idleTimeoutMs,
    long requestTimeoutMs,
    int connectionsMax,
    int jsonDepthMax,
    int jsonStringCharsMax,
    int writeBufferBytesMax)
{
    public static final int BODY_BYTES_MAX_DEFAULT = 64 * 1024;
    public static final int HEADER_BYTES_MAX_DEFAULT = 16 * 1024;
    public static final int INITIAL_LINE_BYTES_MAX_DEFAULT = 8 * 1024;
    public static final int PIPELINED_REQUESTS_MAX_DEFAULT = 64;
    public static final long IDLE_TIMEOUT_MS_DEFAULT = 60_000;
    public static final long REQUEST_TIMEOUT_MS_DEFAULT = 10_000;
    public static final int CONNECTIONS_MAX_DEFAULT = 4096;
    public static final int JSON_DEPTH_MAX_DEFAULT = 16;
    public static final int JSON_STRING_CHARS_MAX_DEFAULT = 16 * 1024;
    public static final int WRITE_BUFFER_BYTES_MAX_DEFAULT = 64 * 1024;

    // The range each limit must be in (validate()); the command line's help quotes the same constants.
    public static final int BODY_BYTES_MAX_FLOOR = 1024;
    public static final int BODY_BYTES_MAX_CEILING = 16 * 1024 * 1024;
    public static final int HEADER_BYTES_MAX_FLOOR = 1024;
    public static final int HEADER_BYTES_MAX_CEILING = 1024 * 1024;
    public static final int INITIAL_LINE_BYTES_MAX_FLOOR = 256;
    public static final int INITIAL_LINE_BYTES_MAX_CEILING = 1024 * 1024;
    public static final int PIPELINED_REQUESTS_MAX_FLOOR = 1;
    public static final int PIPELINED_REQUESTS_MAX_CEILING = 1024;
    public static final long IDLE_TIMEOUT_MS_FLOOR = 100;
    public static final long IDLE_TIMEOUT_MS_CEILING = 86_400_000;
    public static final long REQUEST_TIMEOUT_MS_FLOOR = 100;
    public static final long REQUEST_TIMEOUT_MS_CEILING = 3_600_000;
    public static final int CONNECTIONS_MAX_FLOOR = 1;
    public static final int CONNECTIONS_MAX_CEILING = 1_000_000;
    public static final int JSON_DEPTH_MAX_FLOOR = 2;
    public static final int JSON_DEPTH_MAX_CEILING = 1000;
    public static final int JSON_STRING_CHARS_MAX_FLOOR = 1024;
    public static final int JSON_STRING_CHARS_MAX_CEILING = 16 * 1024 * 1024;
    public static final int WRITE_BUFFER_BYTES_MAX_FLOOR = 8 * 1024;
    public static final int WRITE_BUFFER_BYTES_MAX_CEILING = 64 * 1024 * 1024;

    public static final HttpLimits DEFAULTS = new HttpLimits(
        BODY_BYTES_MAX_DEFAULT, HEADER_BYTES_MAX_DEFAULT, INITIAL_LINE_BYTES_MAX_DEFAULT, PIPELINED_REQUESTS_MAX_DEFAULT,
        IDLE_TIMEOUT_MS_DEFAULT, REQUEST_TIMEOUT_MS_DEFAULT, CONNECTIONS_MAX_DEFAULT, JSON_DEPTH_MAX_DEFAULT,
        JSON_STRING_CHARS_MAX_DEFAULT, WRITE_BUFFER_BYTES_MAX_DEFAULT);

    /** The original five limits; the others take their defaults. */
    public HttpLimits(
        final int bodyBytesMax,
        final int headerBytesMax,
        final int initialLineBytesMax,
        final int pipelinedRequestsMax,
        final long idleTimeoutMs)
    {
        this(bodyBytesMax, headerBytesMax, initialLineBytesMax, pipelinedRequestsMax, idleTimeoutMs, REQUEST_TIMEOUT_MS_DEFAULT,
            CONNECTIONS_MAX_DEFAULT, JSON_DEPTH_MAX_DEFAULT, JSON_STRING_CHARS_MAX_DEFAULT, WRITE_BUFFER_BYTES_MAX_DEFAULT);
    }

    /**
     * @return this, when every limit is within its range.
     * @throws IllegalArgumentException naming the first limit out of range, as {@code option=value must be ...}.
     */
    public HttpLimits validate()
    {
        range("body-bytes-max", bodyBytesMax, BODY_BYTES_MAX_FLOOR, BODY_BYTES_MAX_CEILING, "bytes");
        range("header-bytes-max", headerBytesMax, HEADER_BYTES_MAX_FLOOR, HEADER_BYTES_MAX_CEILING, "bytes");
        range("request-line-bytes-max", initialLineBytesMax, INITIAL_LINE_BYTES_MAX_FLOOR, INITIAL_LINE_BYTES_MAX_CEILING, "bytes");
        range("pipelined-requests-max", pipelinedRequestsMax, PIPELINED_REQUESTS_MAX_FLOOR, PIPELINED_REQUESTS_MAX_CEILING, "requests");
        range("idle-timeout-ms", idleTimeoutMs, IDLE_TIMEOUT_MS_FLOOR, IDLE_TIMEOUT_MS_CEILING, "ms");
        range("request-timeout-ms", requestTimeoutMs, REQUEST_TIMEOUT_MS_FLOOR, REQUEST_TIMEOUT_MS_CEILING, "ms");
        range("connections-max", connectionsMax, CONNECTIONS_MAX_FLOOR, CONNECTIONS_MAX_CEILING, "connections");
        range("json-depth-max", jsonDepthMax, JSON_DEPTH_MAX_FLOOR, JSON_DEPTH_MAX_CEILING, "levels");
        range("json-string-chars-max", jsonStringCharsMax, JSON_STRING_CHARS_MAX_FLOOR, JSON_STRING_CHARS_MAX_CEILING, "chars");
        range("write-buffer-bytes-max", writeBufferBytesMax, WRITE_BUFFER_BYTES_MAX_FLOOR, WRITE_BUFFER_BYTES_MAX_CEILING, "bytes");
        return this;
    }

    /** @return the low water mark: reading resumes once unread replies drain below it. */
    public int writeBufferBytesLow()
    {
        return writeBufferBytesMax / 2;
    }

    private static void range(final String name, final long value, final long min, final long max, final String unit)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(name + "=" + value + " must be in " + min + ".." + max + " (" + unit + ")");
        }
    }
}
