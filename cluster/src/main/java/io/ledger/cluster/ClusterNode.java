package io.ledger.cluster;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.Ids;
import io.ledger.engine.ResultCode;
import io.ledger.http.HttpOptions;
import io.ledger.http.LedgerHttpServer;
import io.ledger.http.auth.JwtAuthenticator;
import io.ledger.http.auth.KeyRing;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpLock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of the replicated ledger: an embedded media driver, archive and consensus module
 * ({@link ClusteredMediaDriver}), the {@link LedgerClusteredService} in its container, the {@link ClusterGateway} and,
 * unless the HTTP port is -1, the wallet API over HTTP in front of it.
 *
 * <p>Low CPU by design, so that three nodes share 2 cores: the driver and archive run SHARED (one thread each) and idle
 * by backing off to 1 ms parks (archive: 1 ms sleeps); the consensus module and the service back off to 1 ms parks too.
 *
 * <p>Ports (UDP), with {@code p = basePort + 100 * node}: archive control p+1, client ingress p+2, consensus p+3, log
 * p+4, catch-up p+5. Directories under the node's data directory: {@code cluster/} (Raft log metadata, recording log,
 * mark files), {@code archive/} (the recorded log and snapshots), {@code journal/} (the Chronicle audit copy). The
 * driver's directory is on /dev/shm, private to the node and deleted on start (safe after a kill -9).
 */
public final class ClusterNode implements AutoCloseable
{
    /**
     * The cluster's ingress: a term of 1 MiB, so one message (a command, or a batch of up to 100 in one record) may be
     * up to an eighth of it, Aeron's largest message for a term.
     */
    static final String INGRESS_CHANNEL = "aeron:udp?term-length=1m";
    /** The largest ingress message: Aeron's limit for {@link #INGRESS_CHANNEL}'s term (the log's, 4 MiB, allows more). */
    public static final int INGRESS_MESSAGE_BYTES_MAX = (1 << 20) / 8;

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    private static final long JWT_CLOCK_SKEW_MS = 30_000;

    /** What a node needs; {@link #validate()} is the one place the rules are written. */
    public record Config(int nodeId, List<String> hosts, int basePort, Path dataDir, int httpPort, byte[] jwtSecret,
        String defaultCurrency, long replyTimeoutMs, long heartbeatTimeoutMs, int ioThreads, String httpBind)
    {
        /** As above, HTTP on this node's cluster address. */
        public Config(final int nodeId, final List<String> hosts, final int basePort, final Path dataDir, final int httpPort,
            final byte[] jwtSecret, final String defaultCurrency, final long replyTimeoutMs, final long heartbeatTimeoutMs,
            final int ioThreads)
        {
            this(nodeId, hosts, basePort, dataDir, httpPort, jwtSecret, defaultCurrency, replyTimeoutMs, heartbeatTimeoutMs,
                ioThreads, null);
        }

        /** @return the address HTTP binds: {@link #httpBind} when set, else this node's cluster address. */
        public String httpBindAddress()
        {
            return httpBind == null ? hosts.get(nodeId) : httpBind;
        }

        public static final int BASE_PORT_DEFAULT = 20_000;
        public static final long REPLY_TIMEOUT_MS_DEFAULT = 10_000;
        public static final long HEARTBEAT_TIMEOUT_MS_DEFAULT = 3_000;

        public Config validate()
        {
            if (hosts.size() < 1 || hosts.size() > 9 || nodeId < 0 || nodeId >= hosts.size())
            {
                throw new IllegalArgumentException("node=" + nodeId + " nodes=" + hosts.size() + ": 0 <= node < nodes <= 9");
            }
            if (basePort < 1024 || basePort + 100 * hosts.size() > 65_535)
            {
                throw new IllegalArgumentException("base-port=" + basePort + " must leave room for " + hosts.size() + " nodes");
            }
            if (replyTimeoutMs < 100 || heartbeatTimeoutMs < 500)
            {
                throw new IllegalArgumentException("reply-timeout-ms=" + replyTimeoutMs + " (>= 100) heartbeat-timeout-ms="
                    + heartbeatTimeoutMs + " (>= 500)");
            }
            if (jwtSecret == null || jwtSecret.length < 32)
            {
                throw new IllegalArgumentException("jwt-secret must be at least 32 bytes (every node takes the same key)");
            }
            return this;
        }

        int port(final int node, final int offset)
        {
            return basePort + 100 * node + offset;
        }

        String endpoint(final int node, final int offset)
        {
            return hosts.get(node) + ":" + port(node, offset);
        }

        /** Aeron's members string: {@code id,ingress,consensus,log,catchup,archive|...}. */
        String members()
        {
            final StringBuilder sb = new StringBuilder();
            for (int node = 0; node < hosts.size(); node++)
            {
                sb.append(node).append(',').append(endpoint(node, 2)).append(',').append(endpoint(node, 3)).append(',')
                    .append(endpoint(node, 4)).append(',').append(endpoint(node, 5)).append(',').append(endpoint(node, 1)).append('|');
            }
            return sb.toString();
        }

        /** The client's ingress endpoints: {@code id=host:port,...}. */
        public String ingressEndpoints()
        {
            final StringBuilder sb = new StringBuilder();
            for (int node = 0; node < hosts.size(); node++)
            {
                sb.append(node == 0 ? "" : ",").append(node).append('=').append(endpoint(node, 2));
            }
            return sb.toString();
        }

        String aeronDirectory()
        {
            final String base = new File("/dev/shm").isDirectory() ? "/dev/shm" : System.getProperty("java.io.tmpdir");
            return base + "/ledger-aeron-" + basePort + "-" + nodeId;
        }
    }

    private final ClusteredMediaDriver driver;
    private final ClusteredServiceContainer container;
    private final LedgerClusteredService service;
    private final ClusterGateway gateway;
    private final LedgerHttpServer http;

    private ClusterNode(final ClusteredMediaDriver driver, final ClusteredServiceContainer container,
        final LedgerClusteredService service, final ClusterGateway gateway, final LedgerHttpServer http)
    {
        this.driver = driver;
        this.container = container;
        this.service = service;
        this.gateway = gateway;
        this.http = http;
    }

    /** Starts the node; with an HTTP port, waits for the cluster (a leader) to take its deployment salt first. */
    public static ClusterNode start(final Config config)
    {
        config.validate();
        final int node = config.nodeId();
        final String host = config.hosts().get(node);
        final String aeronDir = config.aeronDirectory();
        final Path dataDir = config.dataDir().toAbsolutePath();
        try
        {
            Files.createDirectories(dataDir);
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException("data-dir=" + dataDir + " cannot be created", ex);
        }

        final MediaDriver.Context driverContext = driverContext(config);
        final Archive.Context archiveContext = archiveContext(config);
        final AeronArchive.Context archiveClient = new AeronArchive.Context()
            .lock(NoOpLock.INSTANCE)
            .controlRequestChannel(archiveContext.localControlChannel())
            .controlRequestStreamId(archiveContext.localControlStreamId())
            .controlResponseChannel(archiveContext.localControlChannel())
            .aeronDirectoryName(aeronDir);
        final ConsensusModule.Context consensusContext = consensusContext(config, archiveClient);

        final LedgerClusteredService service =
            new LedgerClusteredService(node, dataDir.resolve("journal"), Currencies.pack(config.defaultCurrency()));
        final ClusteredServiceContainer.Context serviceContext = new ClusteredServiceContainer.Context()
            .aeronDirectoryName(aeronDir)
            .archiveContext(archiveClient.clone())
            .clusterDir(dataDir.resolve("cluster").toFile())
            .clusteredService(service)
            .serviceId(0)
            .idleStrategySupplier(ClusterNode::backoff)
            .errorHandler(error -> LOG.error("node {}: service error", node, error));

        ClusteredMediaDriver driver = null;
        ClusteredServiceContainer container = null;
        ClusterGateway gateway = null;
        LedgerHttpServer http = null;
        try
        {
            driver = ClusteredMediaDriver.launch(driverContext, archiveContext, consensusContext);
            container = ClusteredServiceContainer.launch(serviceContext);
            if (!service.awaitStarted(5, TimeUnit.MINUTES) || service.failed())
            {
                throw new IllegalStateException("node " + node + ": the ledger service did not start");
            }
            if (config.httpPort() >= 0)
            {
                final AeronCluster.Context client = new AeronCluster.Context()
                    .aeronDirectoryName(aeronDir)
                    .ingressChannel(INGRESS_CHANNEL)
                    .ingressEndpoints(config.ingressEndpoints())
                    .egressChannel("aeron:udp?endpoint=" + host + ":0")
                    .messageTimeoutNs(TimeUnit.SECONDS.toNanos(5));
                gateway = new ClusterGateway(node, TimeUnit.MILLISECONDS.toNanos(config.replyTimeoutMs()), client, service);
                final Ids ids = new Ids(deploymentSalt(gateway, service));
                final JwtAuthenticator authenticator =
                    new JwtAuthenticator(KeyRing.legacy(config.jwtSecret()), SystemEpochClock.INSTANCE, JWT_CLOCK_SKEW_MS);
                http = LedgerHttpServer.start(config.httpPort(), config.ioThreads(), gateway, ids, authenticator,
                    HttpOptions.DEFAULTS.withBindAddress(config.httpBindAddress()));
            }
            LOG.info("node {} of {} started: data {} aeron {} http {}", node, config.hosts().size(), dataDir, aeronDir,
                http == null ? "none" : String.valueOf(http.port()));
            return new ClusterNode(driver, container, service, gateway, http);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            closeAll(http, gateway, container, driver);
            throw new IllegalStateException("interrupted while starting node " + node, ex);
        }
        catch (final RuntimeException | Error ex)
        {
            closeAll(http, gateway, container, driver);
            throw ex;
        }
    }

    /** The node's media driver: SHARED threading, backing off to 1 ms parks, its directory private and deleted on start. */
    private static MediaDriver.Context driverContext(final Config config)
    {
        final int node = config.nodeId();
        return new MediaDriver.Context()
            .aeronDirectoryName(config.aeronDirectory())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(backoff())
            .termBufferSparseFile(true)
            .ipcTermBufferLength(8 << 20)
            .publicationTermBufferLength(4 << 20)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .errorHandler(error -> LOG.error("node {}: media driver error", node, error));
    }

    /** The archive that records the log (and snapshots) in DIR/archive: SHARED threading, 1 ms sleeps. */
    private static Archive.Context archiveContext(final Config config)
    {
        final int node = config.nodeId();
        final String host = config.hosts().get(node);
        return new Archive.Context()
            .aeronDirectoryName(config.aeronDirectory())
            .archiveDir(config.dataDir().toAbsolutePath().resolve("archive").toFile())
            .archiveId(node)
            .controlChannel("aeron:udp?endpoint=" + config.endpoint(node, 1) + "|term-length=64k")
            .localControlChannel("aeron:ipc?term-length=64k")
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(() -> new SleepingMillisIdleStrategy(1))
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:udp?endpoint=" + host + ":0"))
            .errorHandler(error -> LOG.error("node {}: archive error", node, error));
    }

    /** The consensus module (Raft): members, the 4 MiB-term log, the heartbeat timeout that starts an election. */
    private static ConsensusModule.Context consensusContext(final Config config, final AeronArchive.Context archiveClient)
    {
        final int node = config.nodeId();
        final long heartbeatNs = TimeUnit.MILLISECONDS.toNanos(config.heartbeatTimeoutMs());
        return new ConsensusModule.Context()
            .clusterMemberId(node)
            .clusterMembers(config.members())
            .clusterDir(config.dataDir().toAbsolutePath().resolve("cluster").toFile())
            .aeronDirectoryName(config.aeronDirectory())
            .ingressChannel(INGRESS_CHANNEL)
            .logChannel("aeron:udp?term-length=4m")
            .replicationChannel("aeron:udp?endpoint=" + config.hosts().get(node) + ":0")
            .archiveContext(archiveClient.clone())
            .leaderHeartbeatTimeoutNs(heartbeatNs)
            .sessionTimeoutNs(Math.max(heartbeatNs * 2, TimeUnit.SECONDS.toNanos(10)))
            .startupCanvassTimeoutNs(heartbeatNs * 3)
            .idleStrategySupplier(ClusterNode::backoff)
            .serviceCount(1)
            .errorHandler(error -> LOG.error("node {}: consensus module error", node, error));
    }

    /**
     * @return the deployment's id salt: the replicated ledger's, once journaled. A fresh cluster has none: every node
     * proposes a random one and the first committed wins (the others are refused as {@code ALREADY_INITIALIZED}); each
     * node then reads the winner from its replica.
     */
    private static long deploymentSalt(final ClusterGateway gateway, final LedgerClusteredService service)
        throws InterruptedException
    {
        final SecureRandom random = new SecureRandom();
        final long deadlineNs = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (service.deploymentSalt() == 0)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("no deployment salt after 5 minutes: is a majority of the cluster up?");
            }
            long salt;
            do
            {
                salt = random.nextLong();
            }
            while (salt == 0);
            final CountDownLatch replied = new CountDownLatch(1);
            final AtomicReference<ResultCode> result = new AtomicReference<>();
            gateway.tryPublish((event, value) -> event.type(CommandType.INITIALIZE_DEPLOYMENT).set(Field.DEPLOYMENT_SALT, value)
                .replyTo(reply -> { result.set(reply.result()); replied.countDown(); }, null), salt);
            replied.await(15, TimeUnit.SECONDS);
            if (result.get() != ResultCode.OK && result.get() != ResultCode.ALREADY_INITIALIZED && service.deploymentSalt() == 0)
            {
                LOG.info("deployment salt not journaled yet (result {}); retrying", result.get());
                Thread.sleep(200);
            }
        }
        return service.deploymentSalt();
    }

    private static IdleStrategy backoff()
    {
        return new BackoffIdleStrategy(10, 20, 1_000, 1_000_000);
    }

    /** @return the HTTP port, or -1 without HTTP. */
    public int httpPort()
    {
        return http == null ? -1 : http.port();
    }

    public LedgerClusteredService service()
    {
        return service;
    }

    public ClusterGateway gateway()
    {
        return gateway;
    }

    /** Stops HTTP, the gateway, the service and the driver, in that order. */
    @Override
    public void close()
    {
        closeAll(http, gateway, container, driver);
    }

    private static void closeAll(final LedgerHttpServer http, final ClusterGateway gateway,
        final ClusteredServiceContainer container, final ClusteredMediaDriver driver)
    {
        for (final AutoCloseable closeable : new AutoCloseable[] {http, gateway, container, driver})
        {
            if (closeable != null)
            {
                try
                {
                    closeable.close();
                }
                catch (final Exception ex)
                {
                    LOG.warn("close failed: {}", closeable, ex);
                }
            }
        }
    }
}
