package io.ledger.http;

import java.net.SocketAddress;

import io.ledger.engine.ResultCode;
import io.ledger.http.endpoint.Route;
import io.ledger.http.metrics.LedgerMetrics;
import io.netty.handler.codec.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the response being written is counted as: the request it answers (route, method, path, merchant, when it was
 * decoded) and the ledger's outcome, recorded once the response is written into the metrics, the console's recent
 * refusals and the access log. One per connection; event loop only.
 */
final class AccessRecord
{
    /** The access log (off unless {@link HttpOptions#accessLog()}): one key=value line per response. */
    private static final Logger ACCESS = LoggerFactory.getLogger("io.ledger.http.access");

    private final LedgerMetrics metrics;
    private final boolean accessLog;

    private Route route;
    private long receivedNs;
    private HttpMethod method;
    private String path;
    private String merchant;
    /** The request is one of the console's (metrics count it under route "console"). */
    private boolean console;
    /** The ledger's outcome of the response being written, or null when the adapter answered on its own. */
    private ResultCode result;

    AccessRecord(final LedgerMetrics metrics, final boolean accessLog)
    {
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    /** A new request (or a refusal, with a null method): nothing known of it yet but when it was decoded. */
    void start(final HttpMethod method, final long receivedNs)
    {
        this.route = null;
        this.console = false;
        this.receivedNs = receivedNs;
        this.method = method;
        this.path = null;
        this.merchant = null;
    }

    void path(final String path)
    {
        this.path = path;
    }

    void route(final Route route)
    {
        this.route = route;
    }

    void console()
    {
        this.console = true;
    }

    void merchant(final String merchant)
    {
        this.merchant = merchant;
    }

    /** The ledger's outcome of the next response written; null again after it. */
    void result(final ResultCode result)
    {
        this.result = result;
    }

    /** A response with {@code status} and {@code bytes} of body was written for the recorded request. */
    void written(final int status, final int bytes, final SocketAddress remote)
    {
        if (console)
        {
            metrics.consoleResponseWritten(status, receivedNs);
        }
        else
        {
            metrics.responseWritten(route, status, receivedNs);
        }
        if (status >= 400)
        {
            metrics.refused(route, console, status, result, merchant);
        }
        if (accessLog && ACCESS.isInfoEnabled())
        {
            logAccess(status, bytes, remote);
        }
        result = null;
    }

    /** One key=value line; the path without its query string (it may carry e-mail addresses), never a header. */
    private void logAccess(final int status, final int bytes, final SocketAddress remote)
    {
        final long micros = receivedNs == 0 ? -1 : (System.nanoTime() - receivedNs) / 1000;
        ACCESS.info("method={} path={} status={} bytes={} duration_us={} merchant={} remote={}",
            method == null ? "-" : method.name(),
            path == null ? "-" : RequestText.truncate(path),
            status, bytes, micros,
            merchant == null ? "-" : merchant,
            remote);
    }
}
