package io.ledger.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads the ledger's journal sync counters ({@code ledger_journal_syncs_total}, {@code ledger_journal_sync_seconds_total})
 * from its {@code GET /metrics} with an operator token, at the start and the end of the measurement window of an
 * {@code fsync} run: how many group commits the disk took in the window, and how long each took on average. With N
 * connections each waiting for its reply, at most N purchases share a sync, so N / (mean sync time) bounds the run's
 * rate whatever the server does; the report puts that bound beside the measured rate.
 *
 * <p>Not thread-safe: the load tool's main thread only. A failed read is not an error of the run: its figures are then
 * absent.
 */
final class JournalSyncs
{
    /** The counters at one instant: syncs, and seconds spent in them. */
    record Reading(double syncs, double seconds)
    {
    }

    private static final String SYNCS = "ledger_journal_syncs_total ";
    private static final String SECONDS = "ledger_journal_sync_seconds_total ";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI metrics;
    private final String operatorToken;

    JournalSyncs(final String host, final int port, final String operatorToken)
    {
        this.metrics = URI.create("http://" + host + ":" + port + "/metrics");
        this.operatorToken = operatorToken;
    }

    /** @return the counters now, or null when {@code /metrics} did not answer with both. */
    Reading read()
    {
        try
        {
            final HttpResponse<String> response = client.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + operatorToken).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? parse(response.body()) : null;
        }
        catch (final IOException ex)
        {
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** @return both counters of a text-format scrape, or null when either is missing. */
    static Reading parse(final String exposition)
    {
        double syncs = Double.NaN;
        double seconds = Double.NaN;
        for (final String line : exposition.split("\n"))
        {
            if (line.startsWith(SYNCS))
            {
                syncs = Double.parseDouble(line.substring(SYNCS.length()).strip());
            }
            else if (line.startsWith(SECONDS))
            {
                seconds = Double.parseDouble(line.substring(SECONDS.length()).strip());
            }
        }
        return Double.isNaN(syncs) || Double.isNaN(seconds) ? null : new Reading(syncs, seconds);
    }
}
