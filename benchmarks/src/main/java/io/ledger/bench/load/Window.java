package io.ledger.bench.load;

/**
 * A run's measurement window: its bounds, what the client and the server had used at its start and at its end, and when
 * the replies outstanding at its end had all come back (or the drain gave up).
 *
 * @param startNs       the window's start, {@link System#nanoTime()}.
 * @param endNs         its end.
 * @param atStart       the readings at its start; null when the run stopped before it.
 * @param atEnd         the readings at its end (or when the run stopped).
 * @param drainedNs     when the outstanding replies had come back.
 * @param drainTimedOut true when the drain gave up on some of them.
 */
record Window(long startNs, long endNs, Window.Marks atStart, Window.Marks atEnd, long drainedNs, boolean drainTimedOut)
{
    /**
     * What one of the window's bounds read.
     *
     * @param clientCpuNs the load tool's CPU time.
     * @param serverCpuNs the server's CPU time (/proc), -1 when unknown.
     * @param syncs       the ledger's journal sync counters, null when not read.
     */
    record Marks(long clientCpuNs, long serverCpuNs, JournalSyncs.Reading syncs)
    {
    }

    /** @return the load tool's CPU in the window, % of one core; NaN when the window never started. */
    double clientCpuPct()
    {
        return atStart == null ? Double.NaN : (atEnd.clientCpuNs() - atStart.clientCpuNs()) * 100.0 / (endNs - startNs);
    }

    /** @return the server's CPU in the window, % of one core; NaN when unknown. */
    double serverCpuPct()
    {
        return atStart == null || atStart.serverCpuNs() < 0 || atEnd.serverCpuNs() < 0
            ? Double.NaN : (atEnd.serverCpuNs() - atStart.serverCpuNs()) * 100.0 / (endNs - startNs);
    }

    /** @return the journal's syncs in the window; NaN when not read at both bounds. */
    double journalSyncs()
    {
        return bothSyncs() ? atEnd.syncs().syncs() - atStart.syncs().syncs() : Double.NaN;
    }

    /** @return the seconds those syncs took; NaN when not read at both bounds. */
    double journalSyncSeconds()
    {
        return bothSyncs() ? atEnd.syncs().seconds() - atStart.syncs().seconds() : Double.NaN;
    }

    private boolean bothSyncs()
    {
        return atStart != null && atStart.syncs() != null && atEnd.syncs() != null;
    }
}
