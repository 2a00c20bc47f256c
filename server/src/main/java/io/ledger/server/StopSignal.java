package io.ledger.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns the first SIGTERM or SIGINT into a stop request that the main thread acts on, and a second one into an
 * immediate exit (for a stop that hangs).
 *
 * <p>Why not only a shutdown hook: a JVM stopped by a signal runs its hooks concurrently, in no order, and then
 * exits with status 128+signal (143), which supervisors report as a failure. Handling the signal instead lets the
 * main thread close the server first and exit 0, after which the JVM's own hooks (Chronicle's among them) run.
 * {@code sun.misc.Signal} is one of the critical internal APIs JDK 9+ keeps accessible for this (JEP 260), hence
 * the compiler's "internal proprietary API" warning; where it cannot be used (e.g. {@code -Xrs}) the caller's
 * shutdown hook still stops the server, with the JVM's exit status.
 *
 * <p>Thread-safe: handlers run on the JVM's signal dispatcher thread.
 */
final class StopSignal
{
    private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();

    private StopSignal()
    {
    }

    /** Installs handlers for SIGTERM and SIGINT; logs, and carries on without, those that cannot be installed. */
    static StopSignal install()
    {
        final StopSignal stop = new StopSignal();
        stop.handle("TERM", 15);
        stop.handle("INT", 2);
        return stop;
    }

    /** Requests a stop, as the first signal does. */
    void request()
    {
        requested.countDown();
    }

    /** Blocks until a stop is requested. */
    void await() throws InterruptedException
    {
        requested.await();
    }

    private void handle(final String name, final int number)
    {
        try
        {
            Signal.handle(new Signal(name), signal ->
            {
                if (received.incrementAndGet() == 1)
                {
                    LOG.info("SIG{} received: stopping (send it again to exit at once)", name);
                    requested.countDown();
                }
                else
                {
                    LOG.warn("SIG{} received again: exiting without a clean stop", name);
                    Runtime.getRuntime().halt(128 + number);
                }
            });
        }
        catch (final IllegalArgumentException | UnsupportedOperationException | LinkageError ex)
        {
            LOG.warn("cannot handle SIG{} ({}); the shutdown hook will stop the server instead", name, ex.toString());
        }
    }
}
