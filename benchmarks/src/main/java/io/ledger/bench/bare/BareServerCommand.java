package io.ledger.bench.bare;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code bare-server}: runs {@link BareHttpServer} on 127.0.0.1 until SIGTERM/SIGINT or {@code --max-seconds},
 * whichever comes first, and prints {@code bare-netty listening on http://127.0.0.1:PORT (...)} on stdout once it
 * accepts connections (scripts read the port from that line, as they do from {@code ./ledger serve}).
 */
@Command(
    name = "bare-server",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "The transport floor: a Netty HTTP/1.1 server on 127.0.0.1 (one I/O thread, HttpServerCodec + HttpObjectAggregator) "
            + "that answers every POST with a constant 201 whose JSON body has a purchase reply's size. Stops by itself "
            + "after --max-seconds, or on SIGTERM/SIGINT."})
public final class BareServerCommand implements Callable<Integer>
{
    /**
     * A real reply of the ledger to the load tool's purchase ({@code POST /api/canary/purchases}, a merchant named
     * {@code bench_<8 characters>} as the load tool mints, amount 100 from a balance of 100000000), copied from
     * {@code ./ledger serve} at commit 4af94da: 306 bytes. The ledger also sends {@code content-type},
     * {@code content-length} and {@code connection: keep-alive}, as {@link BareHttpHandler} does.
     */
    public static final String PURCHASE_REPLY = "{\"id\":\"pur_k98xztq1jx\",\"merchantId\":\"bench_mk2x9a1b\","
        + "\"customerId\":\"cus_m04kgd3k13\",\"productId\":\"bench-product\",\"amount\":100,\"currency\":\"ZAR\","
        + "\"status\":\"completed\",\"customerBalanceBefore\":100000000,\"customerBalanceAfter\":99999900,"
        + "\"createdAt\":\"2026-12-06T18:02:25.886Z\",\"updatedAt\":\"2026-12-06T18:02:25.886Z\"}";

    /** The only address it binds: load tests stay on this machine. */
    static final String HOST = "127.0.0.1";

    @Option(names = "--port", defaultValue = "0", description = "Port on 127.0.0.1; 0 (default) picks a free one.")
    int port;

    @Option(names = "--transport", defaultValue = "nio", description = "nio (default, as the ledger) or epoll (Netty's native transport, Linux).")
    String transport;

    @Option(names = "--max-seconds", defaultValue = "900",
        description = "Stop by itself after this many seconds (1..86400). Default: ${DEFAULT-VALUE}.")
    long maxSeconds;

    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    /** Counted down to stop the server early (tests; SIGTERM). */
    final CountDownLatch stop = new CountDownLatch(1);
    private volatile int boundPort = -1;

    /** @return the port once listening, else -1. */
    public int boundPort()
    {
        return boundPort;
    }

    /** Stops a running server (as SIGTERM does). */
    public void stop()
    {
        stop.countDown();
    }

    @Override
    public Integer call() throws InterruptedException
    {
        final BareHttpServer.Transport kind;
        try
        {
            kind = BareHttpServer.Transport.parse(transport);
            if (maxSeconds < 1 || maxSeconds > 86_400)
            {
                throw new IllegalArgumentException("max-seconds=" + maxSeconds + " must be in 1..86400");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            stderr.println("bare-server: " + ex.getMessage());
            return 2;
        }
        final byte[] body = PURCHASE_REPLY.getBytes(StandardCharsets.US_ASCII);
        final BareHttpServer server;
        try
        {
            server = BareHttpServer.start(HOST, port, kind, body);
        }
        catch (final IllegalStateException ex)
        {
            stderr.println("bare-server: " + ex.getMessage());
            return 2;
        }
        // SIGTERM and SIGINT stop the server and the command returns 0, as a clean stop should (a shutdown hook would
        // leave the JVM's exit status at 143). sun.misc.Signal is in jdk.unsupported, exported to every module.
        final Map<Signal, SignalHandler> previous = new HashMap<>();
        for (final String name : new String[] {"TERM", "INT"})
        {
            final Signal signal = new Signal(name);
            previous.put(signal, Signal.handle(signal, s -> stop.countDown()));
        }
        try
        {
            final int listeningPort = server.port();
            stdout.printf("bare-netty listening on http://%s:%d (%s, one I/O thread, reply body %d bytes, stops after %d s)%n",
                HOST, listeningPort, kind.name().toLowerCase(Locale.ROOT), body.length, maxSeconds);
            stdout.flush();
            boundPort = listeningPort; // after the line: whoever sees the port also sees the line
            if (!stop.await(maxSeconds, TimeUnit.SECONDS))
            {
                stderr.println("bare-server: stopping after --max-seconds " + maxSeconds);
            }
        }
        finally
        {
            server.close();
            previous.forEach(Signal::handle);
        }
        return 0;
    }
}
