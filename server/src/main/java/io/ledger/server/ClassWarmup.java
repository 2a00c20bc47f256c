package io.ledger.server;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and initializes, on a daemon thread of its own, the classes a start of {@code serve} needs after the replay (the
 * HTTP side: Netty, the metrics with their JVM collectors, the endpoints, the JWT library) while the journal is replayed,
 * so that the port opens sooner after it. It changes nothing but when the classes are loaded: the JVM runs each class's
 * initializer once, and a thread that needs a class another thread is initializing waits for it. Measured on a start of
 * 1M customers and 10M commands (issue 13, session 13): about 1,200 classes were loaded between the replay's end and the
 * open port (0.34-0.74 s); with this warm-up about 600.
 *
 * <p>No deadlock between two class initializers: while the warm-up runs, the main thread initializes no class of the
 * libraries it warms (it replays: engine, journal, Chronicle and Agrona code, none of which depends on a Netty,
 * Prometheus, JWT or HTTP adapter class), and it waits for the warm-up to end ({@link #await}) before it goes on to the
 * code that uses them. So the only classes the warm-up may wait for on the main thread are engine classes (the metrics
 * read the command types), whose initializers never need a warmed class.
 *
 * <p>A class that is missing is skipped (its user reports it); one whose initializer fails is logged with its cause here,
 * since the JVM then only tells later users that it could not initialize it.
 */
final class ClassWarmup
{
    private static final Logger LOG = LoggerFactory.getLogger(ClassWarmup.class);

    /** What the start initializes between the replay and the open port. */
    static final List<String> SERVING = List.of(
        "io.ledger.http.metrics.LedgerMetrics",
        "io.ledger.http.LedgerHttpServer",
        "io.ledger.http.LedgerHttpInitializer",
        "io.ledger.http.EventStreamAgent",
        "io.ledger.http.HttpTransport",
        "io.netty.bootstrap.ServerBootstrap",
        "io.netty.buffer.PooledByteBufAllocator",
        "io.ledger.http.LedgerHttpCodec",
        "io.ledger.http.endpoint.Endpoints",
        "io.ledger.http.auth.JwtAuthenticator",
        "io.ledger.http.auth.Tokens",
        "com.nimbusds.jwt.SignedJWT");

    private ClassWarmup()
    {
    }

    /** Starts a daemon thread named {@code name} that loads and initializes {@code classNames} in order. */
    static Thread start(final String name, final List<String> classNames)
    {
        final Thread thread = new Thread(() -> load(classNames), name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Waits for {@code warmup} (null: nothing to wait for) to end, before the code that uses its classes runs. */
    static void await(final Thread warmup)
    {
        if (warmup == null)
        {
            return;
        }
        boolean interrupted = false;
        while (true)
        {
            try
            {
                warmup.join();
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** @return how many of {@code classNames} were loaded and initialized (the rest are missing or failed). */
    static int load(final List<String> classNames)
    {
        final ClassLoader loader = ClassWarmup.class.getClassLoader();
        int loaded = 0;
        for (final String className : classNames)
        {
            try
            {
                Class.forName(className, true, loader);
                loaded++;
            }
            catch (final ClassNotFoundException ex)
            {
                LOG.debug("class warm-up: {} not found", className);
            }
            catch (final LinkageError ex)
            {
                LOG.warn("class warm-up: initializing {} failed", className, ex);
            }
        }
        return loaded;
    }
}
