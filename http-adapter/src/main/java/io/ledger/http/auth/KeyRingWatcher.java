package io.ledger.http.auth;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads a key ring file every {@link #POLL_MS} and hands a changed ring to the authenticator, so that
 * {@code ledger key rotate} (a new key verifies) and {@code ledger key retire} (an old one stops verifying) take effect
 * on a running server within that time, without a restart. A file that changed but cannot be used is logged and
 * ignored: the keys stay as they were.
 *
 * <p>Owns one daemon thread, {@code jwt-keys-watch}.
 */
public final class KeyRingWatcher implements AutoCloseable
{
    /** How often the file is checked (a stat; it is read only when it changed), milliseconds. */
    public static final long POLL_MS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(KeyRingWatcher.class);

    private final KeyRingFile file;
    private final JwtAuthenticator authenticator;
    private final ScheduledExecutorService timer;

    private KeyRingWatcher(final KeyRingFile file, final JwtAuthenticator authenticator)
    {
        this.file = file;
        this.authenticator = authenticator;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable ->
        {
            final Thread thread = new Thread(runnable, "jwt-keys-watch");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts watching {@code file} for {@code authenticator}, which holds the ring the file held when it was loaded. */
    public static KeyRingWatcher start(final KeyRingFile file, final JwtAuthenticator authenticator)
    {
        final KeyRingWatcher watcher = new KeyRingWatcher(file, authenticator);
        watcher.timer.scheduleWithFixedDelay(watcher::check, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
        return watcher;
    }

    /** Checks once: hands a changed ring over. */
    void check()
    {
        try
        {
            final KeyRing ring = file.reloadIfChanged();
            if (ring != null)
            {
                authenticator.keys(ring);
                LOG.info("jwt keys reloaded from {}: kids {}, new tokens signed by {}", file.source(),
                    ring.keys().stream().map(KeyRing.Key::kid).toList(), ring.signingKey().kid());
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.error("checking the key ring {} failed; the keys stay as they were", file.file(), ex);
        }
    }

    @Override
    public void close()
    {
        timer.shutdownNow();
    }
}
