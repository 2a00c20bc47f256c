package io.ledger.http;

/**
 * The change stream's feed and bounds.
 *
 * @param feed          the committed events; null in a template whose bounds the caller chose, which the wiring
 *                      completes with {@link #withFeed} (without a feed no stream is served).
 * @param streamsMax    open streams at most; one more is answered 503.
 * @param bufferBytes   each stream's bounded buffer: the connection's write buffer (Netty's high water mark, and the
 *                      socket's send buffer). A consumer that leaves it full while its events wait is cut off.
 * @param stallMs       how long a full buffer may hold an event back before the stream is cut off with
 *                      {@code : too slow, resume from <id>}.
 * @param keepAliveMs   a {@code :} comment after this long without a write, so that proxies and the client see the
 *                      stream alive (the idle timeout does not apply to a stream).
 */
public record EventStreamOptions(EventFeed feed, int streamsMax, int bufferBytes, long stallMs, long keepAliveMs)
{
    public static final int STREAMS_MAX_DEFAULT = 1_000;
    public static final int BUFFER_BYTES_DEFAULT = 256 * 1024;
    public static final long STALL_MS_DEFAULT = 10_000;
    public static final long KEEP_ALIVE_MS_DEFAULT = 15_000;

    public EventStreamOptions
    {
        if (streamsMax < 1 || bufferBytes < 1024 || stallMs < 1 || keepAliveMs < 1)
        {
            throw new IllegalArgumentException("streamsMax=" + streamsMax + " bufferBytes=" + bufferBytes + " stallMs=" + stallMs
                + " keepAliveMs=" + keepAliveMs + ": streamsMax >= 1, bufferBytes >= 1024, the times >= 1 ms");
        }
    }

    /** The default bounds, without a feed. */
    public static final EventStreamOptions DEFAULTS =
        new EventStreamOptions(null, STREAMS_MAX_DEFAULT, BUFFER_BYTES_DEFAULT, STALL_MS_DEFAULT, KEEP_ALIVE_MS_DEFAULT);

    /** @return these bounds over {@code feed}. */
    public EventStreamOptions withFeed(final EventFeed feed)
    {
        return new EventStreamOptions(feed, streamsMax, bufferBytes, stallMs, keepAliveMs);
    }
}
