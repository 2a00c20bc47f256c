package io.ledger.cluster;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import io.ledger.http.auth.Secrets;
import org.agrona.concurrent.ShutdownSignalBarrier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./ledger cluster}: one node of the replicated ledger (see docs/cluster.md), until SIGTERM or SIGINT.
 *
 * <p>Prints {@code ledger cluster node N listening on http://HOST:PORT} once it serves (after the cluster has a leader
 * and the deployment's salt), and {@code ledger cluster node N stopped} when it has stopped.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Run one node of the ledger replicated on Aeron Cluster (Raft): the node applies the committed log to its own "
            + "ledger, keeps a Chronicle journal of it in DIR/journal, and serves the wallet API over HTTP, forwarding "
            + "commands and reads through the cluster's log (any node may be asked). Until SIGTERM or SIGINT."})
public final class ClusterMain implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--node", required = true, paramLabel = "N", description = "This node's id, 0..NODES-1.")
    int node;

    @Option(names = "--nodes", paramLabel = "NODES", defaultValue = "3", description = "Members of the cluster. Default: ${DEFAULT-VALUE}.")
    int nodes;

    @Option(names = "--hosts", paramLabel = "H0,H1,..", split = ",",
        description = "Each node's address, in node order (default: 127.0.0.1 for every node).")
    List<String> hosts;

    @Option(names = "--base-port", paramLabel = "PORT", defaultValue = "" + ClusterNode.Config.BASE_PORT_DEFAULT,
        description = "UDP ports: node N uses PORT+100*N+1..5 (archive, ingress, consensus, log, catch-up). Default: ${DEFAULT-VALUE}.")
    int basePort;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR",
        description = "This node's data: cluster/ (Raft metadata), archive/ (the recorded log and snapshots), journal/.")
    Path dataDir;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
        description = "HTTP port of this node's wallet API (0 picks a free one, -1 serves none). Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(names = "--http-bind", paramLabel = "ADDRESS",
        description = "Address HTTP listens on (default: this node's address in --hosts; 0.0.0.0 for every interface).")
    String httpBind;

    @Option(names = "--jwt-secret", paramLabel = "KEY", defaultValue = "${env:LEDGER_JWT_SECRET}", required = true,
        showDefaultValue = CommandLine.Help.Visibility.NEVER,
        description = "The HS256 key every node verifies tokens with (the same on all nodes): base64:<32+ bytes> or "
            + "text:<32+ bytes>. Env LEDGER_JWT_SECRET (prefer it: command lines are visible to other users).")
    String jwtSecret;

    @Option(names = "--default-currency", paramLabel = "CODE", defaultValue = "ZAR",
        description = "ISO 4217 code balance reads report for accounts that never held money. Default: ${DEFAULT-VALUE}.")
    String defaultCurrency;

    @Option(names = "--reply-timeout-ms", paramLabel = "MS", defaultValue = "" + ClusterNode.Config.REPLY_TIMEOUT_MS_DEFAULT,
        description = "A request the cluster has not committed by then is answered 503 (it may still be applied: retry "
            + "with the same Idempotency-Key). Default: ${DEFAULT-VALUE}.")
    long replyTimeoutMs;

    @Option(names = "--heartbeat-timeout-ms", paramLabel = "MS", defaultValue = "" + ClusterNode.Config.HEARTBEAT_TIMEOUT_MS_DEFAULT,
        description = "Followers elect a new leader after hearing nothing from it this long. Default: ${DEFAULT-VALUE}.")
    long heartbeatTimeoutMs;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "1", description = "HTTP event loops. Default: ${DEFAULT-VALUE}.")
    int ioThreads;

    public static void main(final String[] args)
    {
        final String[] rest = args.length > 0 && "cluster".equals(args[0]) ? Arrays.copyOfRange(args, 1, args.length) : args;
        System.exit(new CommandLine(new ClusterMain()).execute(rest));
    }

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final ClusterNode.Config config;
        try
        {
            final List<String> hostList = hosts == null ? new ArrayList<>() : hosts;
            if (hostList.isEmpty())
            {
                for (int n = 0; n < nodes; n++)
                {
                    hostList.add("127.0.0.1");
                }
            }
            if (hostList.size() != nodes)
            {
                throw new IllegalArgumentException("hosts=" + hostList + " must name " + nodes + " nodes");
            }
            config = new ClusterNode.Config(node, hostList, basePort, dataDir, httpPort, Secrets.parse(jwtSecret),
                defaultCurrency, replyTimeoutMs, heartbeatTimeoutMs, ioThreads, httpBind).validate();
        }
        catch (final IllegalArgumentException ex)
        {
            spec.commandLine().getErr().println("ledger cluster: " + ex.getMessage());
            return 2;
        }
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier(); ClusterNode clusterNode = ClusterNode.start(config))
        {
            out.println("ledger cluster node " + node + " listening on http://" + config.httpBindAddress() + ":" + clusterNode.httpPort());
            out.flush();
            barrier.await();
        }
        out.println("ledger cluster node " + node + " stopped");
        out.flush();
        return 0;
    }
}
