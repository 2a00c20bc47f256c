package io.ledger.bench.load;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Everything a load run needs, validated once ({@link #validate()}) before anything connects.
 *
 * @param host            the server's address; must be a loopback address (the tool never loads another machine).
 * @param port            the server's port.
 * @param token           the bearer token (HS256, issued for the merchant whose customers the run creates).
 * @param connections     keep-alive connections.
 * @param pipelineDepth   requests outstanding per connection (1 = no pipelining; the server queues up to 64 more).
 * @param clientThreads   client event-loop threads.
 * @param rateTotalPerS   0 for a closed loop, else the open loop's total intended request rate.
 * @param arrival         gaps between a connection's intended sends in an open loop.
 * @param warmupNs        load before measuring (same rate), not measured.
 * @param durationNs      the measurement window.
 * @param drainTimeoutNs  how long to wait for outstanding replies after the window before giving up on them.
 * @param customers       customers created (and paid in) by the set-up phase.
 * @param initialMinor    each customer's set-up pay-in, minor units.
 * @param amountMinMinor  smallest workload amount, minor units.
 * @param amountMaxMinor  largest workload amount, minor units.
 * @param currency        ISO 4217 code of every amount.
 * @param mix             the workload's operation weights.
 * @param verify          read every balance at the end and check that money is conserved.
 * @param seed            random seed (operations, customers, amounts, Poisson gaps).
 * @param serverPid       the server's process id, to report its CPU use in the window (Linux /proc); 0 = unknown.
 * @param batchSize       purchases per request: 1, or N posted together to {@code batchPath} ({@link BatchShape}).
 * @param batchPath       where batches go.
 * @param setUp           create and pay in the customers first; false for a server that only answers (the bare
 *                        transport floor): customer ids are then made up and nothing can be verified.
 */
record LoadConfig(
    String host,
    int port,
    String token,
    int connections,
    int pipelineDepth,
    int clientThreads,
    double rateTotalPerS,
    Phase.Arrival arrival,
    long warmupNs,
    long durationNs,
    long drainTimeoutNs,
    int customers,
    long initialMinor,
    long amountMinMinor,
    long amountMaxMinor,
    String currency,
    Mix mix,
    boolean verify,
    long seed,
    long serverPid,
    int batchSize,
    String batchPath,
    boolean setUp)
{
    /** The configuration of an unbatched run against a ledger (set-up on, batches of 1). */
    LoadConfig(final String host, final int port, final String token, final int connections, final int pipelineDepth,
        final int clientThreads, final double rateTotalPerS, final Phase.Arrival arrival, final long warmupNs, final long durationNs,
        final long drainTimeoutNs, final int customers, final long initialMinor, final long amountMinMinor, final long amountMaxMinor,
        final String currency, final Mix mix, final boolean verify, final long seed, final long serverPid)
    {
        this(host, port, token, connections, pipelineDepth, clientThreads, rateTotalPerS, arrival, warmupNs, durationNs, drainTimeoutNs,
            customers, initialMinor, amountMinMinor, amountMaxMinor, currency, mix, verify, seed, serverPid, 1, BatchShape.PATH_DEFAULT, true);
    }

    static final int CONNECTIONS_MAX = 10_000;
    /** The server closes a connection that pipelines more than one request in the ledger plus 64 queued. */
    static final int PIPELINE_DEPTH_MAX = 65;

    void validate()
    {
        try
        {
            if (!InetAddress.getByName(host).isLoopbackAddress())
            {
                throw new IllegalArgumentException("host=" + host + " is not a loopback address: the load tool only targets this machine");
            }
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("host=" + host + " cannot be resolved", ex);
        }
        check(port >= 1 && port <= 65535, "port=" + port + " must be in 1..65535");
        check(token != null && !token.isBlank(), "a token is needed: --token, or --secret-file to mint one");
        check(connections >= 1 && connections <= CONNECTIONS_MAX, "connections=" + connections + " must be in 1.." + CONNECTIONS_MAX);
        check(pipelineDepth >= 1 && pipelineDepth <= PIPELINE_DEPTH_MAX,
            "pipeline=" + pipelineDepth + " must be in 1.." + PIPELINE_DEPTH_MAX + " (the server closes a connection that queues more)");
        check(clientThreads >= 1 && clientThreads <= 64, "threads=" + clientThreads + " must be in 1..64");
        check(rateTotalPerS >= 0 && Double.isFinite(rateTotalPerS), "rate=" + rateTotalPerS + " must be >= 0 (0 = closed loop)");
        check(warmupNs >= 0, "warmup must be >= 0");
        check(durationNs > 0, "duration must be > 0");
        check(drainTimeoutNs > 0, "drain-timeout must be > 0");
        check(customers >= 1 && customers <= 10_000_000, "customers=" + customers + " must be in 1..10000000");
        check(initialMinor >= 1, "initial-balance=" + initialMinor + " must be >= 1");
        check(amountMinMinor >= 1 && amountMaxMinor >= amountMinMinor,
            "amounts " + amountMinMinor + ".." + amountMaxMinor + " must satisfy 1 <= min <= max");
        check(currency != null && currency.matches("[A-Z]{3}"), "currency=" + currency + " must be an upper-case ISO 4217 code");
        check(batchSize >= 1 && batchSize <= BatchShape.ITEMS_MAX, "batch=" + batchSize + " must be in 1.." + BatchShape.ITEMS_MAX);
        check(batchSize == 1 || mix.only(Op.PURCHASE), "batch=" + batchSize + " carries purchases only: use --mix purchase=1 (mix=" + mix + ")");
        check(batchPath != null && batchPath.matches("/[!-~&&[^?#]]*"), "batch-path=" + batchPath + " must be an absolute path without query, spaces or non-ASCII");
        check(setUp || !verify, "without the set-up there is no money to verify: add --no-verify to --no-setup");
    }

    boolean openLoop()
    {
        return rateTotalPerS > 0;
    }

    private static void check(final boolean ok, final String message)
    {
        if (!ok)
        {
            throw new IllegalArgumentException(message);
        }
    }
}
