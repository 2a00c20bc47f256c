package io.ledger.server;

import java.nio.file.Path;

/**
 * The running server: journal replayed into a fresh ledger, the pipeline started, then the HTTP port opened.
 * (Wiring in progress: see the HTTP adapter.)
 */
public final class LedgerServer implements AutoCloseable
{
    /**
     * Everything {@code ./ledger serve} can set. Validated by {@link #validate()}.
     *
     * @param port            TCP port on 0.0.0.0; 0 picks a free one (tests).
     * @param dataDir         where the journal ({@code dataDir/journal}) and the generated secret live.
     * @param jwtSecret       the HS256 key, at least 32 bytes.
     * @param durability      {@code process} or {@code fsync}.
     * @param ringSizeEvents  power of two.
     * @param waitStrategy    a name from {@code WaitStrategies.NAMES}.
     * @param ioThreads       Netty worker threads, >= 1.
     * @param defaultCurrency ISO 4217 code reported for accounts that never held money.
     */
    public record Config(
        int port,
        Path dataDir,
        byte[] jwtSecret,
        String durability,
        int ringSizeEvents,
        String waitStrategy,
        int ioThreads,
        String defaultCurrency)
    {
        public static final int PORT_DEFAULT = 9000;
        public static final String DATA_DIR_DEFAULT = "./data";
        public static final String DURABILITY_DEFAULT = "process";
        public static final int RING_SIZE_EVENTS_DEFAULT = 16 * 1024;
        public static final String WAIT_STRATEGY_DEFAULT = "blocking";
        public static final int IO_THREADS_DEFAULT = 1;
        public static final String DEFAULT_CURRENCY_DEFAULT = "ZAR";

        /** @throws IllegalArgumentException with a message naming the bad option and its value. */
        public void validate()
        {
            if (port < 0 || port > 65535)
            {
                throw new IllegalArgumentException("port=" + port + " must be in 0..65535");
            }
            if (jwtSecret == null || jwtSecret.length < 32)
            {
                throw new IllegalArgumentException("jwtSecret must be at least 32 bytes (256 bits) for HS256");
            }
        }
    }

    private LedgerServer()
    {
    }

    /** Replays the journal, starts the pipeline and binds the port; returns once the server accepts traffic. */
    public static LedgerServer start(final Config config)
    {
        throw new UnsupportedOperationException("not wired yet");
    }

    /** @return the bound port. */
    public int port()
    {
        return 0;
    }

    /** Stops accepting, drains in-flight commands, syncs and closes the journal. Idempotent. */
    @Override
    public void close()
    {
    }
}
