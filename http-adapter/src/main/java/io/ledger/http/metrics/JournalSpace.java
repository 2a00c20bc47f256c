package io.ledger.http.metrics;

/**
 * What the health check asks of the journal's directory, which the adapter does not own: whether the server can still
 * write there, and how much room is left. Supplied by the wiring module; called on an event loop for each health
 * request, so it must be cheap (a {@code stat} and a {@code statfs}) and must not throw.
 */
@FunctionalInterface
public interface JournalSpace
{
    /**
     * The journal's directory as the health check sees it.
     *
     * @param writable    the directory exists and this process may create files in it.
     * @param usableBytes bytes this process may still write on the directory's file system; -1 when unknown.
     */
    record State(boolean writable, long usableBytes)
    {
    }

    /** @return the directory's state now. */
    State state();
}
