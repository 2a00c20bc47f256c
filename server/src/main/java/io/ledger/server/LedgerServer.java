package io.ledger.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.DeadlineTicker;
import io.ledger.engine.Field;
import io.ledger.engine.Ids;
import io.ledger.engine.JournalWriter;
import io.ledger.engine.Ledger;
import io.ledger.engine.LedgerPipeline;
import io.ledger.engine.ResultCode;
import io.ledger.engine.WaitStrategies;
import io.ledger.http.EventStreamOptions;
import io.ledger.http.HttpEventLoops;
import io.ledger.http.HttpOptions;
import io.ledger.http.metrics.JournalSpace;
import io.ledger.http.LedgerHttpServer;
import io.ledger.http.auth.JwtAuthenticator;
import io.ledger.http.auth.JwtKeys;
import io.ledger.http.auth.KeyRingWatcher;
import io.ledger.http.metrics.JournalFiles;
import io.ledger.http.metrics.JournalStatus;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.Durability;
import io.ledger.journal.snapshot.JournalRetention;
import io.ledger.journal.snapshot.LedgerRecovery;
import io.ledger.journal.snapshot.SnapshotAgent;
import io.ledger.journal.snapshot.SnapshotStore;
import org.agrona.concurrent.SystemEpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server. Start-up order is what makes recovery correct: open the journal, load the newest usable
 * snapshot and replay the journal tail after it (or the whole journal without one) into a {@link Ledger}, check that
 * money is conserved, start the pipeline numbering commands after the last journaled id, and only then open the HTTP
 * port; then the snapshot follower ({@link SnapshotAgent}) rebuilds its own copy of the ledger in the background and
 * follows the journal, writing the snapshots. Shutdown runs the other way: stop accepting, drain the ring (replies still
 * reach open connections), have the follower catch up and write a final snapshot, close the journal, close the
 * connections.
 */
public final class LedgerServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(LedgerServer.class);

    /** Allowed clock skew between token issuer and this server when checking {@code exp}/{@code nbf}. */
    public static final long JWT_CLOCK_SKEW_MS = 30_000;

    /**
     * Everything {@code ./ledger serve} can set: the one place each option's default and rule live. {@code LedgerMain}'s
     * flags take their defaults from the constants below (which are the engine's and the HTTP adapter's own where those
     * own the knob), and {@link #validate()} is the only check of their values; its messages name the option without
     * the dashes, which the command line adds.
     *
     * @param port            TCP port on {@code http.bindAddress()}, 0..{@link #PORT_MAX}; 0 picks a free one (tests).
     * @param dataDir         where the journal ({@code dataDir/journal}) and the generated secret live.
     * @param jwtKeys         the HS256 keys tokens are verified with, and the key ring file to watch for rotations.
     * @param durability      {@code process} or {@code fsync}.
     * @param ringSizeEvents  power of two, 2..{@link #RING_SIZE_EVENTS_MAX}.
     * @param waitStrategy    a name from {@code WaitStrategies.NAMES}.
     * @param ioThreads       Netty worker threads, 1..{@link #IO_THREADS_MAX}.
     * @param defaultCurrency ISO 4217 code reported for accounts that never held money.
     * @param http            address, TLS, HTTP limits, metrics access, health and access log ({@link HttpOptions#DEFAULTS}
     *                        by default).
     * @param snapshots       when snapshots are taken and kept ({@link SnapshotOptions#DEFAULTS} by default).
     * @param pauseWarnMs     a pause of the ledger thread from which on it is logged (at most once a second) and counted.
     * @param startupStateHash compute the recovered ledger's state hash at start-up and log it. It folds the whole state
     *                        (about 2.5 s for 1M customers and 16M history entries, as long as a 10M-command replay would
     *                        take at 4M/s), on the start's path before the port opens, so it is off by default: a start
     *                        from a snapshot with no journal after it logs the snapshot's hash (checked when it loaded)
     *                        either way, and {@code ledger verify} / {@code ledger replay} compute it offline.
     * @param ledgerThread    where the pipeline's consumer runs: {@code auto} (the event loop where it can run there, else
     *                        {@code own}), {@code own} or {@code event-loop} ({@link LedgerThreadMode}).
     */
    public record Config(
        int port,
        Path dataDir,
        JwtKeys jwtKeys,
        String durability,
        int ringSizeEvents,
        String waitStrategy,
        int ioThreads,
        String defaultCurrency,
        HttpOptions http,
        SnapshotOptions snapshots,
        long pauseWarnMs,
        boolean startupStateHash,
        String ledgerThread)
    {
        /** Everything but the pause warning threshold and the start-up state hash (their defaults), with one fixed key. */
        public Config(
            final int port,
            final Path dataDir,
            final byte[] jwtSecret,
            final String durability,
            final int ringSizeEvents,
            final String waitStrategy,
            final int ioThreads,
            final String defaultCurrency,
            final HttpOptions http,
            final SnapshotOptions snapshots)
        {
            this(port, dataDir, JwtKeys.fixed(jwtSecret), durability, ringSizeEvents, waitStrategy, ioThreads, defaultCurrency, http,
                snapshots, PAUSE_WARN_MS_DEFAULT, STARTUP_STATE_HASH_DEFAULT, LedgerThreadMode.DEFAULT);
        }

        /** Everything but the HTTP and snapshot options, which take their defaults. */
        public Config(
            final int port,
            final Path dataDir,
            final byte[] jwtSecret,
            final String durability,
            final int ringSizeEvents,
            final String waitStrategy,
            final int ioThreads,
            final String defaultCurrency)
        {
            this(port, dataDir, jwtSecret, durability, ringSizeEvents, waitStrategy, ioThreads, defaultCurrency, HttpOptions.DEFAULTS);
        }

        /** Everything but the snapshot options, which take their defaults. */
        public Config(
            final int port,
            final Path dataDir,
            final byte[] jwtSecret,
            final String durability,
            final int ringSizeEvents,
            final String waitStrategy,
            final int ioThreads,
            final String defaultCurrency,
            final HttpOptions http)
        {
            this(port, dataDir, jwtSecret, durability, ringSizeEvents, waitStrategy, ioThreads, defaultCurrency, http,
                SnapshotOptions.DEFAULTS);
        }

        public static final int PORT_DEFAULT = 9000;
        public static final int PORT_MAX = 65535;
        public static final String DATA_DIR_DEFAULT = "./data";
        public static final String DURABILITY_DEFAULT = "process";
        /** The engine's default ({@link LedgerPipeline.Context#RING_SIZE_EVENTS_DEFAULT}). */
        public static final int RING_SIZE_EVENTS_DEFAULT = LedgerPipeline.Context.RING_SIZE_EVENTS_DEFAULT;
        /** 4M events: the ring's slots are preallocated, so this bounds the memory a mistyped size can take. */
        public static final int RING_SIZE_EVENTS_MAX = 1 << 22;
        /** The engine's default ({@link LedgerPipeline.Context#WAIT_STRATEGY_DEFAULT}). */
        public static final String WAIT_STRATEGY_DEFAULT = LedgerPipeline.Context.WAIT_STRATEGY_DEFAULT;
        public static final int IO_THREADS_DEFAULT = 1;
        public static final int IO_THREADS_MAX = 64;
        public static final String DEFAULT_CURRENCY_DEFAULT = "ZAR";
        /** The engine's default ({@link LedgerPipeline.Context#PAUSE_WARN_MS_DEFAULT}). */
        public static final long PAUSE_WARN_MS_DEFAULT = LedgerPipeline.Context.PAUSE_WARN_MS_DEFAULT;
        public static final long PAUSE_WARN_MS_MAX = 3_600_000;
        /** Off: the state hash is not on the start's path (see the record's {@code startupStateHash}). */
        public static final boolean STARTUP_STATE_HASH_DEFAULT = false;

        /** @return this configuration with other snapshot options. */
        public Config withSnapshots(final SnapshotOptions options)
        {
            return new Config(port, dataDir, jwtKeys, durability, ringSizeEvents, waitStrategy, ioThreads, defaultCurrency, http,
                options, pauseWarnMs, startupStateHash, ledgerThread);
        }

        /** @return this configuration with the pipeline's consumer on its own thread or the event loop ({@code --ledger-thread}). */
        public Config withLedgerThread(final String mode)
        {
            return new Config(port, dataDir, jwtKeys, durability, ringSizeEvents, waitStrategy, ioThreads, defaultCurrency, http,
                snapshots, pauseWarnMs, startupStateHash, mode);
        }

        /** @return this configuration with other keys. */
        public Config withJwtKeys(final JwtKeys keys)
        {
            return new Config(port, dataDir, keys, durability, ringSizeEvents, waitStrategy, ioThreads, defaultCurrency, http,
                snapshots, pauseWarnMs, startupStateHash, ledgerThread);
        }

        /** @throws IllegalArgumentException with a message naming the first bad option and its value. */
        public void validate()
        {
            if (port < 0 || port > PORT_MAX)
            {
                throw new IllegalArgumentException("port=" + port + " must be in 0.." + PORT_MAX);
            }
            if (dataDir == null)
            {
                throw new IllegalArgumentException("data-dir must be set");
            }
            if (jwtKeys == null)
            {
                throw new IllegalArgumentException("jwt-keys must be set");
            }
            // The option's values exactly as spelled (Durability.parse would also take other cases).
            if (!"process".equals(durability) && !"fsync".equals(durability))
            {
                throw new IllegalArgumentException("durability=" + durability + " must be process or fsync");
            }
            if (ringSizeEvents < 2 || Integer.bitCount(ringSizeEvents) != 1)
            {
                throw new IllegalArgumentException("ring-size=" + ringSizeEvents + " must be a power of two >= 2 (events)");
            }
            if (ringSizeEvents > RING_SIZE_EVENTS_MAX)
            {
                throw new IllegalArgumentException(
                    "ring-size=" + ringSizeEvents + " must be a power of two from 2 to " + RING_SIZE_EVENTS_MAX);
            }
            try
            {
                WaitStrategies.byName(waitStrategy);
            }
            catch (final IllegalArgumentException | NullPointerException ex)
            {
                throw new IllegalArgumentException("wait-strategy=" + waitStrategy + " must be one of: " + WaitStrategies.NAMES);
            }
            if (ioThreads < 1)
            {
                throw new IllegalArgumentException("io-threads=" + ioThreads + " must be >= 1");
            }
            if (ioThreads > IO_THREADS_MAX)
            {
                throw new IllegalArgumentException("io-threads=" + ioThreads + " must be in 1.." + IO_THREADS_MAX);
            }
            validateDefaultCurrency(defaultCurrency);
            if (http == null)
            {
                throw new IllegalArgumentException("http options must be set");
            }
            http.validate();
            if (snapshots == null)
            {
                throw new IllegalArgumentException("snapshot options must be set");
            }
            snapshots.validate();
            if (pauseWarnMs < 1 || pauseWarnMs > PAUSE_WARN_MS_MAX)
            {
                throw new IllegalArgumentException("pause-warn-ms=" + pauseWarnMs + " must be in 1.." + PAUSE_WARN_MS_MAX);
            }
            LedgerThreadMode.validate(ledgerThread, durability, ioThreads, waitStrategy);
        }

        /**
         * The rule of {@code default-currency}, which the offline tools share: three upper-case letters naming a
         * currency the JDK knows.
         *
         * @throws IllegalArgumentException naming the option and the value otherwise.
         */
        public static void validateDefaultCurrency(final String code)
        {
            boolean known = false;
            if (code != null && Currencies.pack(code) != Currencies.NONE)
            {
                try
                {
                    known = java.util.Currency.getAvailableCurrencies().contains(java.util.Currency.getInstance(code));
                }
                catch (final IllegalArgumentException ex)
                {
                    known = false;
                }
            }
            if (!known)
            {
                throw new IllegalArgumentException(
                    "default-currency=" + code + " must be an ISO 4217 code of three upper-case letters, e.g. ZAR");
            }
        }
    }

    private final ChronicleJournal journal;
    private final LedgerPipeline pipeline;
    private final LedgerHttpServer http;
    private final SnapshotAgent snapshots;
    private final KeyRingWatcher keyWatcher;
    private final ScheduledExecutorService deadlineTimer;
    private final EventOutcomes events;
    private boolean closed;

    private LedgerServer(
        final ChronicleJournal journal, final LedgerPipeline pipeline, final LedgerHttpServer http,
        final SnapshotAgent snapshots, final KeyRingWatcher keyWatcher, final ScheduledExecutorService deadlineTimer,
        final EventOutcomes events)
    {
        this.events = events;
        this.journal = journal;
        this.pipeline = pipeline;
        this.http = http;
        this.snapshots = snapshots;
        this.keyWatcher = keyWatcher;
        this.deadlineTimer = deadlineTimer;
    }

    /**
     * Replays the journal, starts the pipeline and binds the port; returns once the server accepts traffic.
     * A journal or ledger failure while running halts the process (crash-only: the journal is the truth, and a
     * restart replays it).
     */
    public static LedgerServer start(final Config config)
    {
        return start(config, (stage, commandId, error) ->
        {
            LOG.error("FATAL: stage={} commandId={} failed; halting so that recovery replays the journal", stage, commandId, error);
            Runtime.getRuntime().halt(70);
        });
    }

    /** As {@link #start(Config)}, with the reaction to a fatal pipeline error chosen by the caller (tests). */
    public static LedgerServer start(final Config config, final LedgerPipeline.FatalErrorHandler onFatal)
    {
        return start(config, onFatal, UnaryOperator.identity());
    }

    /**
     * As {@link #start(Config, LedgerPipeline.FatalErrorHandler)}, with the journal as the pipeline sees it chosen by the
     * caller: tests wrap it to hold appends back (a command that is not journaled is not acknowledged), which makes "in
     * flight" and "the ring is full" deterministic without suspending threads. Recovery reads the journal itself.
     */
    public static LedgerServer start(
        final Config config, final LedgerPipeline.FatalErrorHandler onFatal, final UnaryOperator<JournalWriter> journalView)
    {
        config.validate();
        final Path journalDir = config.dataDir().resolve("journal");
        final ChronicleJournal journal = openJournal(journalDir, config);
        LedgerPipeline pipeline = null;
        HttpEventLoops loops = null; // until the HTTP server owns them
        KeyRingWatcher keyWatcher = null;
        ScheduledExecutorService deadlineTimer = null;
        EventOutcomes events = null;
        try
        {
            final SnapshotStore snapshots = SnapshotStore.open(config.dataDir().resolve(SnapshotStore.DIRECTORY_NAME));
            final Thread warmup = ClassWarmup.start("ledger-warmup-serving", ClassWarmup.SERVING); // HTTP side, while replaying
            final LedgerRecovery.Result recovered =
                LedgerRecovery.recover(journal, snapshots, config.dataDir(), Currencies.pack(config.defaultCurrency()), null);
            ClassWarmup.await(warmup);
            final Ledger ledger = recovered.ledger();
            final SnapshotStore.Loaded snapshot = recovered.snapshot();
            RecoveryLog.log(LOG, recovered, config.startupStateHash());
            checkRecovered(ledger, snapshot, snapshots, journalDir, config);

            final JournalStatus journalStatus = new JournalStatus(config.durability(), journal::lastIndex);
            journalStatus.syncs(journal::syncs, journal::syncNs);
            if (snapshot != null)
            {
                journalStatus.snapshotLoaded(snapshot.header().createdAtMs(), snapshot.header().lastCommandId());
            }
            events = EventOutcomes.open(config.dataDir(), journal);
            final SnapshotAgent follower = snapshotFollower(config, journal, snapshots, snapshot, journalStatus, events);
            final long firstCommandId = Math.max(journal.lastCommandId(), ledger.lastCommandId()) + 1;
            final boolean fresh = ledger.lastCommandId() < 0;
            final long recoveredSalt = ledger.deploymentSalt(); // read before the ledger thread owns the ledger
            loops = HttpEventLoops.create(config.http().transport(), config.ioThreads());
            pipeline = LedgerPipeline.start(pipelineContext(config, onFatal, firstCommandId, follower)
                .consumerLoop(LedgerThreadMode.onEventLoop(config, LOG) ? loops.consumerLoop() : null), ledger,
                journalView.apply(journal));

            final Ids ids = deploymentIds(pipeline, fresh, recoveredSalt, new SecureRandom()::nextLong);
            // After the salt: a fresh data directory journals INITIALIZE_DEPLOYMENT first (it has no deadline anyway)
            deadlineTimer = startDeadlineTimer(pipeline);
            final JwtAuthenticator authenticator = new JwtAuthenticator(config.jwtKeys().ring(), SystemEpochClock.INSTANCE, JWT_CLOCK_SKEW_MS);
            keyWatcher = watchKeys(config.jwtKeys(), authenticator);
            final LedgerHttpServer http = LedgerHttpServer.start(
                config.port(), loops, pipeline, ids, authenticator,
                config.http().withJournalFiles(journalFiles(journalDir)).withJournalStatus(journalStatus)
                    .withJournalSpace(journalSpace(journalDir))
                    .withEvents((config.http().events() == null ? EventStreamOptions.DEFAULTS : config.http().events())
                        .withFeed(events.feed(pipeline::lastAcknowledgedCommandId))));
            loops = null;
            follower.start(); // after the port: its copy is rebuilt in the background, not on the start's path
            return new LedgerServer(journal, pipeline, http, follower, keyWatcher, deadlineTimer, events);
        }
        catch (final RuntimeException | Error ex)
        {
            abandonStart(keyWatcher, deadlineTimer, pipeline, journal, loops, events);
            throw ex;
        }
    }

    /** Undoes a start that failed part way, in shutdown's order: the pipeline before the event loops it may run on. */
    private static void abandonStart(final KeyRingWatcher keyWatcher, final ScheduledExecutorService deadlineTimer,
        final LedgerPipeline pipeline, final ChronicleJournal journal, final HttpEventLoops loops, final EventOutcomes events)
    {
        if (keyWatcher != null)
        {
            keyWatcher.close();
        }
        if (deadlineTimer != null)
        {
            deadlineTimer.shutdownNow();
        }
        if (pipeline != null)
        {
            pipeline.close(); // before the event loops stop: the pipeline's consumer may run on one
        }
        else
        {
            journal.close();
        }
        if (loops != null)
        {
            loops.close();
        }
        if (events != null)
        {
            events.close();
        }
    }

    /** Logs which keys verify tokens, and watches their file for rotations: null for a fixed key. */
    private static KeyRingWatcher watchKeys(final JwtKeys keys, final JwtAuthenticator authenticator)
    {
        LOG.info("tokens are verified with {}: kids {}, new tokens signed by {}", keys.describe(),
            keys.ring().keys().stream().map(key -> key.kid()).toList(), keys.ring().signingKey().kid());
        return keys.file() == null ? null : KeyRingWatcher.start(keys.file(), authenticator);
    }

    /** Creates the data directory's journal directory when it is missing, and opens the journal for writing. */
    private static ChronicleJournal openJournal(final Path journalDir, final Config config)
    {
        try
        {
            Files.createDirectories(journalDir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create data dir " + journalDir.toAbsolutePath(), ex);
        }
        return ChronicleJournal.open(journalDir, Durability.parse(config.durability()));
    }

    /**
     * Refuses to start on a recovered ledger whose money does not add up, or an empty one over existing snapshots; moves
     * aside snapshots ahead of the journal.
     */
    private static void checkRecovered(final Ledger ledger, final SnapshotStore.Loaded snapshot, final SnapshotStore snapshots,
        final Path journalDir, final Config config)
    {
        ledger.checkConservation();
        if (snapshot == null && ledger.lastCommandId() < 0 && !snapshots.list().isEmpty())
        {
            throw new IllegalStateException(snapshots.directory() + " holds " + snapshots.list().size() + " snapshots but the "
                + "journal in " + journalDir + " is empty: refusing to start an empty ledger over them. If the journal was "
                + "lost or --data-dir is wrong, fix that; to start afresh on purpose, move " + snapshots.directory() + " away");
        }
        moveAsideSnapshotsAheadOf(snapshots, ledger.lastCommandId(), config.dataDir());
    }

    /** The pipeline's context from the configuration: no default restated here (they are the engine's). */
    private static LedgerPipeline.Context pipelineContext(final Config config, final LedgerPipeline.FatalErrorHandler onFatal,
        final long firstCommandId, final SnapshotAgent follower)
    {
        return new LedgerPipeline.Context()
            .ringSizeEvents(config.ringSizeEvents())
            .waitStrategy(config.waitStrategy())
            .clock(SystemEpochClock.INSTANCE)
            .firstCommandId(firstCommandId)
            .fatalErrorHandler(onFatal)
            .replyErrorHandler((commandId, error) -> LOG.warn("reply for commandId={} was lost", commandId, error))
            .snapshotTaker(follower)
            .pauseWarnNs(TimeUnit.MILLISECONDS.toNanos(config.pauseWarnMs()))
            .longPauseHandler(new PauseWarning(LOG, config.pauseWarnMs()))
            .snapshotErrorHandler((commandId, error) ->
                LOG.error("snapshot at lastCommandId={} failed; the journal still holds every command", commandId, error));
    }

    /**
     * The snapshot follower: a thread of its own that keeps a copy of the ledger by reading the journal and writes every
     * snapshot from that copy, so the ledger thread never stops for one. Started once the port is open.
     */
    private static SnapshotAgent snapshotFollower(final Config config, final ChronicleJournal journal, final SnapshotStore snapshots,
        final SnapshotStore.Loaded snapshot, final JournalStatus journalStatus, final EventOutcomes events)
    {
        final int defaultCurrency = Currencies.pack(config.defaultCurrency());
        final boolean fullReplay = events.needsFullReplay(snapshot == null ? -1 : snapshot.header().journalIndex(), config.dataDir());
        final boolean fromSnapshot = snapshot != null && !fullReplay;
        final SnapshotAgent follower = SnapshotAgent.create(new SnapshotAgent.Context()
            .journal(journal)
            .store(snapshots)
            .startSnapshot(fromSnapshot ? snapshot.file() : null, fromSnapshot ? snapshot.header().lastCommandId() : -1)
            .defaultCurrency(defaultCurrency)
            .newLedger(() -> new Ledger(defaultCurrency))
            .everyCommands(config.snapshots().everyCommands())
            .everySeconds(config.snapshots().everySeconds())
            .keep(config.snapshots().keep())
            .retention(new JournalRetention(JournalRetention.Mode.parse(config.snapshots().journalRetention()), config.dataDir()))
            .appliedListener(events)
            .listener((file, header, payloadNs, totalNs) ->
            {
                events.snapshotWritten(header);
                journalStatus.snapshotWritten(header.createdAtMs(), header.lastCommandId(), payloadNs, totalNs);
            }));
        journalStatus.follower(follower::running, follower::recordsBehind, follower::snapshotFailures);
        return follower;
    }

    /**
     * The deadline timer: a {@link DeadlineTicker} every {@link DeadlineTicker#PERIOD_MS_DEFAULT} ms journals a
     * {@link CommandType#TICK} once the clock passes the ledger's next deadline, so that holds are released and gift
     * balances expire on an idle ledger too.
     */
    private static ScheduledExecutorService startDeadlineTimer(final LedgerPipeline pipeline)
    {
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable ->
        {
            final Thread thread = new Thread(runnable, "ledger-deadline-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(new DeadlineTicker(pipeline), DeadlineTicker.PERIOD_MS_DEFAULT,
            DeadlineTicker.PERIOD_MS_DEFAULT, TimeUnit.MILLISECONDS);
        return timer;
    }

    /**
     * The deployment's ids. On the first start of an empty data directory (nothing journaled yet) it draws a random salt
     * from {@code saltSource} and journals it ({@link CommandType#INITIALIZE_DEPLOYMENT}) through the pipeline, before
     * the port is bound; the ledger itself never draws one. Otherwise the salt the recovered ledger holds: 0 for a data
     * directory from before salts, whose ids stay exactly what they were.
     *
     * @param fresh         the recovered ledger had applied no command (read before the pipeline started).
     * @param recoveredSalt the recovered ledger's salt (likewise).
     * @throws IllegalStateException when the salt could not be journaled: the server must not start.
     */
    public static Ids deploymentIds(
        final LedgerPipeline pipeline, final boolean fresh, final long recoveredSalt, final LongSupplier saltSource)
    {
        if (!fresh)
        {
            return new Ids(recoveredSalt);
        }
        long salt;
        do
        {
            salt = saltSource.getAsLong();
        }
        while (salt == 0);
        final CountDownLatch replied = new CountDownLatch(1);
        final AtomicReference<ResultCode> result = new AtomicReference<>();
        final boolean published = pipeline.tryPublish((event, value) -> event.set(Field.DEPLOYMENT_SALT, value)
            .replyTo(reply -> { result.set(reply.result()); replied.countDown(); }, null)
            .type(CommandType.INITIALIZE_DEPLOYMENT), salt);
        try
        {
            if (!published || !replied.await(30, TimeUnit.SECONDS) || result.get() != ResultCode.OK)
            {
                throw new IllegalStateException("the deployment's id salt was not journaled: published=" + published +
                    " result=" + result.get());
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while journaling the deployment's id salt", ex);
        }
        LOG.info("new data directory: journaled the deployment's id salt as its first command");
        return new Ids(salt);
    }

    /**
     * Moves away snapshots that cover commands the journal does not hold: after a power loss took the journal's unsynced
     * tail, a snapshot written meanwhile is ahead of it, and the commands about to be journaled will take the same
     * ids at the same indexes. Recovery already refuses such a snapshot (the journal record it names must match), but
     * it must not even look usable later, so it goes to {@code DIR/damaged/<UTC time>/snapshots}, never deleted.
     */
    private static void moveAsideSnapshotsAheadOf(final SnapshotStore snapshots, final long lastCommandId, final Path dataDir)
    {
        final java.util.List<Path> ahead = snapshots.list().stream()
            .filter(file -> SnapshotStore.lastCommandIdOf(file) > lastCommandId)
            .toList();
        if (ahead.isEmpty())
        {
            return;
        }
        final String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now());
        final Path aside = dataDir.resolve(io.ledger.journal.JournalRepair.DAMAGED_DIRECTORY_NAME).resolve(stamp)
            .resolve(SnapshotStore.DIRECTORY_NAME);
        final java.util.List<Path> moved = snapshots.moveAside(ahead, aside);
        LOG.warn("snapshot: moved {} to {}: they cover commands after commandId {}, the last one the journal holds (it lost "
            + "its tail, e.g. unsynced records in a power loss), and new commands will take those ids", ahead, aside, lastCommandId);
        assert moved.size() == ahead.size();
    }

    /**
     * @return what {@code GET /metrics} reports of the journal's day files in {@code journalDir}: how many, and their
     *         apparent size; null for a scrape that finds the directory being rolled or gone.
     */
    public static JournalFiles journalFiles(final Path journalDir)
    {
        return () ->
        {
            try
            {
                long bytes = 0;
                final java.util.List<Path> files = ChronicleJournal.cycleFiles(journalDir);
                for (final Path file : files)
                {
                    bytes += Files.size(file);
                }
                return new JournalFiles.Usage(files.size(), bytes);
            }
            catch (final IOException | UncheckedIOException ex)
            {
                return null;
            }
        };
    }

    /**
     * @return what the health check reports of the journal's directory: whether this process may write there (an
     *         {@code access(2)}) and the room left on its file system (a {@code statfs(2)} of the store found once here).
     */
    public static JournalSpace journalSpace(final Path journalDir)
    {
        FileStore found;
        try
        {
            found = Files.getFileStore(journalDir);
        }
        catch (final IOException ex)
        {
            found = null;
        }
        final FileStore store = found;
        return () ->
        {
            long usable = -1;
            try
            {
                usable = store == null ? -1 : store.getUsableSpace();
            }
            catch (final IOException | RuntimeException ex)
            {
                usable = -1;
            }
            return new JournalSpace.State(Files.isDirectory(journalDir) && Files.isWritable(journalDir), usable);
        };
    }

    /** @return the bound port. */
    public int port()
    {
        return http.port();
    }

    /** @return the snapshot follower (its figures: tests and benchmarks). */
    public SnapshotAgent snapshots()
    {
        return snapshots;
    }

    /** @return where the server listens, e.g. {@code http://127.0.0.1:9000}. */
    public String url()
    {
        return http.url();
    }

    /** @return what the server counts and measures ({@code GET /metrics}, the console). */
    public io.ledger.http.metrics.LedgerMetrics metrics()
    {
        return http.metrics();
    }

    /**
     * Stops accepting, drains in-flight commands, takes a final snapshot (when anything changed since the last one),
     * closes the journal, then the connections. Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        http.stopAccepting();
        if (keyWatcher != null)
        {
            keyWatcher.close();
        }
        deadlineTimer.shutdownNow();
        pipeline.close(); // the follower catches up and writes the final snapshot before the journal closes
        http.close(); // the event streams with it
        events.close();
        LOG.info("stopped cleanly; journal at {}", journal.directory().toAbsolutePath());
    }
}
