package io.ledger.journal;

import java.util.concurrent.atomic.AtomicLong;

import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.core.Jvm;
import net.openhft.chronicle.core.onoes.ExceptionHandler;
import org.slf4j.Logger;

/**
 * Counts Chronicle's failed msyncs. Chronicle Bytes does not throw when {@code msync} fails: {@link MappedBytesStore}
 * reports {@code "msync failed, <errno text>, ret=..."} to {@link Jvm#error()} and returns as if the bytes were on the
 * disk. In {@code fsync} durability that would acknowledge commands the disk may not hold (a write-back error, the
 * case PostgreSQL's "fsyncgate" taught everyone to treat as fatal). This handler sits in front of Chronicle's error
 * handler, counts those reports and passes every report on unchanged; {@link ChronicleJournal} compares the count
 * before each acknowledgement and stops (fail-stop) when it moved.
 *
 * <p>The count is process-wide: a failed msync of any Chronicle file stops every {@code fsync} journal of the process,
 * which errs on the safe side (there is one journal per server).
 *
 * <p>Thread-safety: any thread; {@link #install()} is idempotent.
 */
final class MsyncFailures implements ExceptionHandler
{
    /** The start of Chronicle Bytes' report of a failed msync ({@code MappedBytesStore.performMsync}). */
    static final String MSYNC_FAILED = "msync failed";

    private static final AtomicLong COUNT = new AtomicLong();
    private static boolean installed;

    private final ExceptionHandler next;

    MsyncFailures(final ExceptionHandler next)
    {
        this.next = next;
    }

    /** Puts the counter in front of Chronicle's process-wide error handler, once. */
    static synchronized void install()
    {
        if (!installed)
        {
            Jvm.setErrorExceptionHandler(new MsyncFailures(Jvm.error().defaultHandler()));
            installed = true;
        }
    }

    /** @return failed msyncs Chronicle reported since the process started (once {@link #install()}ed). */
    static long count()
    {
        return COUNT.get();
    }

    @Override
    public void on(final Class<?> clazz, final String message, final Throwable thrown)
    {
        if (clazz == MappedBytesStore.class && message != null && message.startsWith(MSYNC_FAILED))
        {
            COUNT.incrementAndGet();
        }
        next.on(clazz, message, thrown);
    }

    @Override
    public void on(final Logger logger, final String message, final Throwable thrown)
    {
        next.on(logger, message, thrown);
    }

    @Override
    public boolean isEnabled(final Class<?> clazz)
    {
        return true; // the count must see every report, even where the next handler would drop it
    }
}
