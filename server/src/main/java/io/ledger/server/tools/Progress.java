package io.ledger.server.tools;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A one-line progress bar on stderr, rewritten in place about every 0.5 s: records done of the total (when known),
 * the rate and the time left, e.g. {@code [##########..........]  50%  5000000/10000000 records  1234567 records/s  ETA 4 s}.
 * Silent when stderr is not a terminal, so logs and captured output stay clean.
 *
 * <p>Single-threaded: the replaying thread only.
 */
final class Progress
{
    private static final long INTERVAL_NS = 500_000_000L;
    private static final int CHECK_EVERY_RECORDS = 1024;
    private static final int BAR_WIDTH = 30;

    private final PrintWriter err;
    private final boolean enabled;
    private final long startNs = System.nanoTime();
    private long nextReportNs = startNs + INTERVAL_NS;
    private long total;
    private boolean printed;

    Progress(final PrintWriter err, final boolean enabled)
    {
        this.err = err;
        this.enabled = enabled;
    }

    /** Sets the number of records expected (0: unknown), for the bar and the time left. */
    Progress total(final long records)
    {
        this.total = records;
        return this;
    }

    /** @return true when this process's stderr is a terminal (Linux /proc; else whether there is a console). */
    static boolean stderrIsTerminal()
    {
        try
        {
            final String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        }
        catch (final Exception ex)
        {
            return System.console() != null;
        }
    }

    void tick(final long records)
    {
        if (!enabled || records % CHECK_EVERY_RECORDS != 0)
        {
            return;
        }
        final long now = System.nanoTime();
        if (now >= nextReportNs)
        {
            nextReportNs = now + INTERVAL_NS;
            err.print("\r" + line(records, now - startNs, total) + "   ");
            err.flush();
            printed = true;
        }
    }

    /** @return the progress line for {@code records} done in {@code elapsedNs}, of {@code total} (0: unknown). */
    static String line(final long records, final long elapsedNs, final long total)
    {
        final long rate = rate(records, elapsedNs);
        if (total <= 0)
        {
            return "replayed " + records + " records (" + rate + " records/s)";
        }
        final double done = Math.min(1.0, (double)records / total);
        final int filled = (int)(done * BAR_WIDTH);
        final long leftS = rate <= 0 ? 0 : Math.max(0, total - records) / rate;
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + String.format("%3d%%", (int)(done * 100)) +
            "  " + records + "/" + total + " records  " + rate + " records/s  ETA " + leftS + " s";
    }

    /** Ends the progress line, if one was printed. */
    void done()
    {
        if (printed)
        {
            err.println();
            err.flush();
        }
    }

    long elapsedNs()
    {
        return System.nanoTime() - startNs;
    }

    static long rate(final long records, final long elapsedNs)
    {
        return elapsedNs <= 0 ? 0 : (long)(records * 1e9 / elapsedNs);
    }
}
