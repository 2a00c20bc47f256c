package io.ledger.http;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.ledger.http.auth.JwtAuthenticator;
import io.ledger.http.endpoint.Route;
import io.ledger.http.metrics.LedgerMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code GET /metrics} rendered off the event loop, on one daemon thread {@code ledger-metrics}, and the response handed
 * back to the connection's event loop. A scrape reads files (every server thread's {@code /proc} stat and schedstat,
 * the journal directory) and formats ~24 KB of text: 5-8 ms once warm on an idle machine, 25-53 ms under an open loop
 * of 2,000 purchases/s, and rendered on the event loop it held every request of every connection for that long
 * (session 14: each scrape made a 14-43 ms per-second maximum; the load tool's own scrape at an `fsync` window's start
 * made that window's p99 22-36 ms). At most {@link #QUEUED_MAX} scrapes wait; past that a scrape is refused.
 * Thread-safe.
 */
final class MetricsScrape
{
    /** Scrapes that may wait for the thread (one Prometheus server needs one). */
    static final int QUEUED_MAX = 16;

    private static final ThreadPoolExecutor EXECUTOR = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(QUEUED_MAX), task ->
        {
            final Thread thread = new Thread(task, "ledger-metrics");
            thread.setDaemon(true);
            return thread;
        });

    private MetricsScrape()
    {
    }

    /** @return the refusal of a {@code GET /metrics} that {@code access} does not allow, or null to serve it. */
    static FullHttpResponse refusal(final ByteBufAllocator alloc, final HttpOptions.MetricsAccess access,
        final JwtAuthenticator authenticator, final FullHttpRequest request, final AccessRecord record)
    {
        if (access == HttpOptions.MetricsAccess.OFF)
        {
            return Responses.error(alloc, HttpResponseStatus.NOT_FOUND, "Cannot GET " + Route.METRICS.template());
        }
        if (access == HttpOptions.MetricsAccess.TOKEN)
        {
            final JwtAuthenticator.AuthResult auth = authenticator.authenticate(request.headers().get(HttpHeaderNames.AUTHORIZATION));
            if (!auth.ok())
            {
                return Responses.unauthorized(alloc, auth.error());
            }
            if (!auth.operator())
            {
                // every merchant's money totals are in there: an operator's figures, as the console's are
                record.merchant(auth.merchantId());
                return Responses.error(alloc, HttpResponseStatus.FORBIDDEN, "The metrics need an operator token");
            }
        }
        return null;
    }

    /**
     * Renders the metrics on {@code ledger-metrics} and then runs {@code done} with the response on {@code ctx}'s event
     * loop (a loop already shut down gets nothing: the response is released).
     *
     * @return false, with nothing started, when {@link #QUEUED_MAX} scrapes are already waiting.
     */
    static boolean submit(final ChannelHandlerContext ctx, final LedgerMetrics metrics, final String accept,
        final Consumer<FullHttpResponse> done)
    {
        try
        {
            EXECUTOR.execute(() ->
            {
                final FullHttpResponse response = Responses.metrics(ctx.alloc(), metrics, accept);
                try
                {
                    ctx.executor().execute(() -> done.accept(response));
                }
                catch (final RejectedExecutionException ex)
                {
                    response.release();
                }
            });
            return true;
        }
        catch (final RejectedExecutionException ex)
        {
            return false;
        }
    }
}
