package io.ledger.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

import io.ledger.http.metrics.JournalFiles;
import io.ledger.http.metrics.JournalSpace;
import io.ledger.http.metrics.JournalStatus;

/**
 * Everything the HTTP adapter can be configured with besides the port and threads: the {@link HttpLimits}, who may
 * read {@code GET /metrics}, whether each response is written to the access log, the address to listen on, TLS, and
 * what the health check judges by. Validated once by {@link #validate()}.
 *
 * @param limits        connection, request and JSON bounds.
 * @param metrics       who may scrape {@code GET /metrics}.
 * @param accessLog     one log line per response on the {@code io.ledger.http.access} logger (off by default:
 *                      it costs an allocation or two per request).
 * @param journalFiles  the journal's files, for the journal size gauges (supplied by whoever wires the journal);
 *                      null leaves them out.
 * @param journalStatus durability, journal position and snapshots, told by the wiring module; null leaves them out
 *                      of the metrics and the console.
 * @param bindAddress   the local address to listen on: an IP address ({@code 127.0.0.1}, {@code 0.0.0.0} for every
 *                      IPv4 interface, {@code ::}) or a name of this machine.
 * @param tls           the PEM certificate chain and key to serve HTTPS with; null for plain HTTP.
 * @param healthStallMs from how long the ledger thread has gone without completing a command while one waits on, the
 *                      health check reports the ledger down (503).
 * @param journalSpace  the journal directory's writability and free space, for the health check (supplied by whoever
 *                      wires the journal); null leaves the check out.
 * @param events        the change stream ({@code GET /api/canary/events}): its feed of committed events and bounds,
 *                      supplied by the wiring module; null answers the route 404.
 * @param transport     the socket layer: epoll, NIO, or {@link HttpTransport#AUTO} (epoll where it loads).
 */
public record HttpOptions(
    HttpLimits limits, MetricsAccess metrics, boolean accessLog, JournalFiles journalFiles, JournalStatus journalStatus,
    String bindAddress, TlsFiles tls, long healthStallMs, JournalSpace journalSpace, EventStreamOptions events,
    HttpTransport transport)
{
    /** Who may read {@code GET /metrics} by default, as the command line spells it: an operator token. */
    public static final String METRICS_DEFAULT = "token";
    /** Whether each response is logged by default. */
    public static final boolean ACCESS_LOG_DEFAULT = false;
    /**
     * Where the server listens by default: the loopback interface only, so that a server started with the defaults (a
     * demo, a laptop) is not reachable from the network. Production binds {@code 0.0.0.0} behind TLS or a proxy.
     */
    public static final String BIND_ADDRESS_DEFAULT = "127.0.0.1";
    /** The health check's stall threshold by default: longer than a snapshot pause of a few million customers. */
    public static final long HEALTH_STALL_MS_DEFAULT = 5_000;
    public static final long HEALTH_STALL_MS_FLOOR = 100;
    public static final long HEALTH_STALL_MS_CEILING = 3_600_000;

    public static final HttpOptions DEFAULTS = new HttpOptions(HttpLimits.DEFAULTS, MetricsAccess.parse(METRICS_DEFAULT),
        ACCESS_LOG_DEFAULT, null, null, BIND_ADDRESS_DEFAULT, null, HEALTH_STALL_MS_DEFAULT, null, null, HttpTransport.AUTO);

    /** The options the command line sets, with the rest (what the wiring supplies) absent. */
    public HttpOptions(
        final HttpLimits limits, final MetricsAccess metrics, final boolean accessLog, final String bindAddress, final TlsFiles tls,
        final long healthStallMs)
    {
        this(limits, metrics, accessLog, null, null, bindAddress, tls, healthStallMs, null, null, HttpTransport.AUTO);
    }

    /** Who may read {@code GET /metrics}. */
    public enum MetricsAccess
    {
        /** No token needed: only where nobody but operators and the scraper reach the port. */
        PUBLIC,
        /** An operator token (the default); a merchant token gets 403, as the console answers it. */
        TOKEN,
        /** The route answers 404. */
        OFF;

        /** @return the lower-case name used by the command line. */
        public String optionValue()
        {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @throws IllegalArgumentException naming the option when {@code value} is not public, token or off. */
        public static MetricsAccess parse(final String value)
        {
            for (final MetricsAccess access : values())
            {
                if (access.optionValue().equals(value))
                {
                    return access;
                }
            }
            throw new IllegalArgumentException("metrics=" + value + " must be one of public, token, off");
        }
    }

    /**
     * @return this, once every option is within its range; the messages name the option as the command line spells it,
     *         without the dashes.
     * @throws IllegalArgumentException naming the first bad option.
     */
    public HttpOptions validate()
    {
        if (limits == null || metrics == null || transport == null)
        {
            throw new IllegalArgumentException("limits=" + limits + " metrics=" + metrics + " transport=" + transport + " must be set");
        }
        transport.resolve();
        limits.validate();
        bindInetAddress();
        if (tls != null)
        {
            tls.validate();
        }
        if (healthStallMs < HEALTH_STALL_MS_FLOOR || healthStallMs > HEALTH_STALL_MS_CEILING)
        {
            throw new IllegalArgumentException("health-stall-ms=" + healthStallMs + " must be in " + HEALTH_STALL_MS_FLOOR + ".."
                + HEALTH_STALL_MS_CEILING);
        }
        return this;
    }

    /**
     * @return {@link #bindAddress()} resolved: an IP literal as written, a name through the system's resolver.
     * @throws IllegalArgumentException naming the option when it is empty or does not resolve.
     */
    public InetAddress bindInetAddress()
    {
        if (bindAddress == null || bindAddress.isBlank())
        {
            throw new IllegalArgumentException("bind=" + bindAddress + " must be an IP address or a name of this machine");
        }
        try
        {
            return InetAddress.getByName(bindAddress);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("bind=" + bindAddress + " must be an IP address or a name of this machine: "
                + "it does not resolve", ex);
        }
    }

    public HttpOptions withTransport(final HttpTransport transport)
    {
        return new HttpOptions(limits, metrics, accessLog, journalFiles, journalStatus, bindAddress, tls, healthStallMs, journalSpace, events, transport);
    }

    public HttpOptions withLimits(final HttpLimits limits)
    {
        return new HttpOptions(limits, metrics, accessLog, journalFiles, journalStatus, bindAddress, tls, healthStallMs, journalSpace, events, transport);
    }

    public HttpOptions withMetrics(final MetricsAccess metrics)
    {
        return new HttpOptions(limits, metrics, accessLog, journalFiles, journalStatus, bindAddress, tls, healthStallMs, journalSpace, events, transport);
    }

    public HttpOptions withAccessLog(final boolean accessLog)
    {
        return new HttpOptions(limits, metrics, accessLog, journalFiles, journalStatus, bindAddress, tls, healthStallMs, journalSpace, events, transport);
    }

    public HttpOptions withJournalFiles(final JournalFiles journalFiles)
    {
        return new HttpOptions(limits, metrics, accessLog, journalFiles, journalStatus, bindAddress, tls, healthStallMs, journalSpace, events, transport);
    }

    public HttpOptions withJournalStatus(final JournalStatus journalStatus)
    {
        return new HttpOptions(limits, metrics, accessLog, journalFiles, journalStatus, bindAddress, tls, healthStallMs, journalSpace, events, transport);
    }

    public HttpOptions withBindAddress(final String bindAddress)
    {
        return new HttpOptions(limits, metrics, accessLog, journalFiles, journalStatus, bindAddress, tls, healthStallMs, journalSpace, events, transport);
    }

    public HttpOptions withTls(final TlsFiles tls)
    {
        return new HttpOptions(limits, metrics, accessLog, journalFiles, journalStatus, bindAddress, tls, healthStallMs, journalSpace, events, transport);
    }

    public HttpOptions withHealthStallMs(final long healthStallMs)
    {
        return new HttpOptions(limits, metrics, accessLog, journalFiles, journalStatus, bindAddress, tls, healthStallMs, journalSpace, events, transport);
    }

    public HttpOptions withJournalSpace(final JournalSpace journalSpace)
    {
        return new HttpOptions(limits, metrics, accessLog, journalFiles, journalStatus, bindAddress, tls, healthStallMs, journalSpace, events, transport);
    }

    public HttpOptions withEvents(final EventStreamOptions events)
    {
        return new HttpOptions(limits, metrics, accessLog, journalFiles, journalStatus, bindAddress, tls, healthStallMs, journalSpace, events, transport);
    }
}
