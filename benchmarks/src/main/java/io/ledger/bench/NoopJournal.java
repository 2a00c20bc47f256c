package io.ledger.bench;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.JournalWriter;

/** A journal that keeps nothing: the pipeline's cost without I/O. Counts appends so the run can be checked. */
final class NoopJournal implements JournalWriter
{
    private long appended;

    @Override
    public void append(final CommandEvent event)
    {
        appended++;
    }

    @Override
    public void endOfBatch()
    {
    }

    @Override
    public void close()
    {
    }

    long appended()
    {
        return appended;
    }
}
