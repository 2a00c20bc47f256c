package io.ledger.http;

import java.util.Locale;

import io.ledger.http.metrics.JournalFiles;
import io.ledger.http.metrics.JournalStatus;

/**
 * Everything the HTTP adapter can be configured with besides the port and threads: the {@link HttpLimits}, who may
 * read {@code GET /metrics}, and whether each response is written to the access log. Validated once by
 * {@link #validate()}.
 *
 * @param limits           connection, request and JSON bounds.
 * @param metrics          who may scrape {@code GET /metrics}.
 * @param accessLog        one log line per response on the {@code io.ledger.http.access} logger (off by default:
 *                         it costs an allocation or two per request).
 * @param journalFiles     the journal's files, for the journal size gauges (supplied by whoever wires the journal);
 *                         null leaves them out.
 * @param journalStatus    durability, journal position and snapshots, told by the wiring module; null leaves them out
 *                         of the metrics and the console.
 */
public record HttpOptions(
    HttpLimits limits, MetricsAccess metrics, boolean accessLog, JournalFiles journalFiles, JournalStatus journalStatus)
{
    /** Who may read {@code GET /metrics} by default, as the command line spells it. */
    public static final String METRICS_DEFAULT = "public";
    /** Whether each response is logged by default. */
    public static final boolean ACCESS_LOG_DEFAULT = false;

    public static final HttpOptions DEFAULTS =
        new HttpOptions(HttpLimits.DEFAULTS, MetricsAccess.parse(METRICS_DEFAULT), ACCESS_LOG_DEFAULT, null, null);

    /** Without a journal status. */
    public HttpOptions(final HttpLimits limits, final MetricsAccess metrics, final boolean accessLog, final JournalFiles journalFiles)
    {
        this(limits, metrics, accessLog, journalFiles, null);
    }

    /** Who may read {@code GET /metrics}. */
    public enum MetricsAccess
    {
        /** No token needed (the default: bind the port where only operators and the scraper reach it). */
        PUBLIC,
        /** A valid bearer token, a merchant's (as for the API routes) or an operator's. */
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

    public HttpOptions validate()
    {
        if (limits == null || metrics == null)
        {
            throw new IllegalArgumentException("limits=" + limits + " metrics=" + metrics + " must be set");
        }
        limits.validate();
        return this;
    }

    public HttpOptions withLimits(final HttpLimits limits)
    {
        return new HttpOptions(limits, metrics, accessLog, journalFiles, journalStatus);
    }

    public HttpOptions withMetrics(final MetricsAccess metrics)
    {
        return new HttpOptions(limits, metrics, accessLog, journalFiles, journalStatus);
    }

    public HttpOptions withAccessLog(final boolean accessLog)
    {
        return new HttpOptions(limits, metrics, accessLog, journalFiles, journalStatus);
    }

    public HttpOptions withJournalFiles(final JournalFiles journalFiles)
    {
        return new HttpOptions(limits, metrics, accessLog, journalFiles, journalStatus);
    }

    public HttpOptions withJournalStatus(final JournalStatus journalStatus)
    {
        return new HttpOptions(limits, metrics, accessLog, journalFiles, journalStatus);
    }
}
