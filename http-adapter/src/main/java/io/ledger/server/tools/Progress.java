package io.ledger.server.tools;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A one-line progress report on stderr, rewritten in place about every 0.5 s: records done and the rate. Silent
 * when stderr is not a terminal, so logs and captured output stay clean.
 *
 * <p>Single-threaded: the replaying thread only.
 */
final class Progress
{
    private static final long INTERVAL_NS = 500_000_000L;
    private static final int CHECK_EVERY_RECORDS = 1024;

    private final PrintWriter err;
    private final boolean enabled;
    private final long startNs = System.nanoTime();
    private long nextReportNs = startNs + INTERVAL_NS;
    private boolean printed;

    Progress(final PrintWriter err, final boolean enabled)
    {
        this.err = err;
        this.enabled = enabled;
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
            err.print("\rreplayed " + records + " records (" + rate(records, now - startNs) + " records/s)   ");
            err.flush();
            printed = true;
        }
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
