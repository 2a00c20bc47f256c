package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import io.ledger.http.metrics.MetricValues;
import io.ledger.server.LedgerMain;
import io.ledger.server.LedgerServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The server as {@code --io-threads 4} runs it: 16 connections, so four on each event loop, publish to the ring from
 * four threads at once. Each connection pipelines bursts of pay-ins, purchases and transfers on two customers only it
 * uses (under a merchant all connections share), and checks every reply against a model of its own requests in the
 * order it sent them: the statuses, the balances after each one and the echoed markers. A reply out of order, lost or
 * applied twice shows as a mismatch. At the end each merchant's balance is the sum of the purchases the connections
 * were told succeeded, money is conserved (the live gauge, then {@code ledger verify} on the journal) and a restart
 * replays to the same balances. (Every other test server runs one I/O thread.)
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SeveralIoThreadsTest
{
    private static final int IO_THREADS = 4;
    private static final int CONNECTIONS = 16;
    private static final int BURSTS = 40;
    private static final int BURST_REQUESTS = 12;
    private static final String[] MERCHANTS = {"io_m0", "io_m1"};
    private static final byte[] SECRET = TestServer.SECRET;

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepEachConnectionsOrderAndConserveMoneyWithPublishersOnFourEventLoops() throws Exception
    {
        final AtomicLongArray merchantBalance = new AtomicLongArray(MERCHANTS.length);
        final Map<String, Long> customerBalances = new java.util.concurrent.ConcurrentHashMap<>();
        final java.util.Set<Thread> ioThreadsBefore = ioThreads();
        try (LedgerServer server = start())
        {
            final ExecutorService clients = Executors.newFixedThreadPool(CONNECTIONS);
            try
            {
                final List<Future<Void>> done = new ArrayList<>();
                for (int c = 0; c < CONNECTIONS; c++)
                {
                    final int connection = c;
                    done.add(clients.submit(() ->
                    {
                        new Client(server.port(), connection, merchantBalance, customerBalances).run();
                        return null;
                    }));
                }
                for (final Future<Void> future : done)
                {
                    future.get(150, TimeUnit.SECONDS); // a client's mismatch fails the test here
                }
            }
            finally
            {
                clients.shutdownNow();
            }
            final java.util.Set<Thread> started = ioThreads();
            started.removeAll(ioThreadsBefore);
            assertEquals(IO_THREADS, started.size(), "four event loops of this server served the connections: " + started);
            for (int m = 0; m < MERCHANTS.length; m++)
            {
                assertEquals(merchantBalance.get(m), merchantBalance(server.port(), m), MERCHANTS[m]);
            }
            final var scrape = server.metrics().snapshots();
            assertEquals(1.0, MetricValues.value(scrape, "ledger_money_conserved", "currency", "ZAR"), "customers + merchants = paid in - paid out");
        }
        final StringWriter verify = new StringWriter();
        final CommandLine tool = new CommandLine(new LedgerMain());
        tool.setOut(new PrintWriter(verify, true));
        tool.setErr(new PrintWriter(new StringWriter(), true));
        assertEquals(0, tool.execute("verify", "--data-dir", dataDir.toString()), verify::toString);

        try (LedgerServer restarted = start())
        {
            for (int m = 0; m < MERCHANTS.length; m++)
            {
                assertEquals(merchantBalance.get(m), merchantBalance(restarted.port(), m), "after replay: " + MERCHANTS[m]);
            }
            try (RawHttp http = new RawHttp(restarted.port()))
            {
                for (final Map.Entry<String, Long> customer : customerBalances.entrySet())
                {
                    final String[] merchantAndId = customer.getKey().split("/");
                    final RawHttp.Response balance = http.exchange("GET", "/api/canary/customers/" + merchantAndId[1] + "/balance",
                        Map.of("Authorization", "Bearer " + TestServer.token(merchantAndId[0])), null);
                    assertEquals(customer.getValue(), TestJson.object(balance.bodyText()).get("amount"), "after replay: " + customer.getKey());
                }
            }
        }
    }

    private LedgerServer start()
    {
        return LedgerServer.start(new LedgerServer.Config(0, dataDir, SECRET, "process", 1024, "blocking", IO_THREADS, "ZAR"));
    }

    private static long merchantBalance(final int port, final int merchant) throws Exception
    {
        try (RawHttp http = new RawHttp(port))
        {
            final RawHttp.Response balance = http.exchange("GET", "/api/canary/balance?currency=ZAR",
                Map.of("Authorization", "Bearer " + TestServer.token(MERCHANTS[merchant])), null);
            assertEquals(200, balance.status(), balance::toString);
            return (Long)TestJson.object(balance.bodyText()).get("amount");
        }
    }

    private static java.util.Set<Thread> ioThreads()
    {
        final java.util.Set<Thread> threads = new java.util.HashSet<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.isAlive() && thread.getName().startsWith("http-io-"))
            {
                threads.add(thread);
            }
        }
        return threads;
    }

    /** One connection: its two customers, its model of their balances, its bursts. */
    private static final class Client
    {
        private final int port;
        private final int connection;
        private final int merchant;
        private final String token;
        private final AtomicLongArray merchantBalance;
        private final Map<String, Long> customerBalances;
        private final SplittableRandom random;
        private final String[] customers = new String[2];
        private final long[] balances = new long[2];

        Client(final int port, final int connection, final AtomicLongArray merchantBalance, final Map<String, Long> customerBalances)
        {
            this.port = port;
            this.connection = connection;
            this.merchant = connection % MERCHANTS.length;
            this.token = TestServer.token(MERCHANTS[merchant]);
            this.merchantBalance = merchantBalance;
            this.customerBalances = customerBalances;
            this.random = new SplittableRandom(connection);
        }

        /** An expected reply: its status, and the fields it must carry. */
        private record Expected(String what, int status, Map<String, Object> fields)
        {
        }

        void run() throws Exception
        {
            try (Socket socket = new Socket())
            {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                socket.setSoTimeout(30_000);
                final OutputStream out = socket.getOutputStream();
                final InputStream in = new BufferedInputStream(socket.getInputStream());
                for (int i = 0; i < 2; i++)
                {
                    out.write(post("/api/canary/customers", "{\"phoneNumber\":\"+2782" + connection + i + "\",\"metadata\":{}}"));
                    final RawHttp.Response created = RawHttp.readResponse(in, false);
                    assertEquals(201, created.status(), created::toString);
                    customers[i] = (String)TestJson.object(created.bodyText()).get("id");
                }
                for (int burst = 0; burst < BURSTS; burst++)
                {
                    final List<Expected> expected = new ArrayList<>();
                    final java.io.ByteArrayOutputStream requests = new java.io.ByteArrayOutputStream();
                    for (int r = 0; r < BURST_REQUESTS; r++)
                    {
                        requests.write(next("c" + connection + "-b" + burst + "-r" + r, expected));
                    }
                    out.write(requests.toByteArray()); // the whole burst pipelined in one write
                    out.flush();
                    for (final Expected want : expected)
                    {
                        final RawHttp.Response reply = RawHttp.readResponse(in, false);
                        assertEquals(want.status(), reply.status(), () -> want.what() + ": " + reply);
                        final Map<String, Object> body = TestJson.object(reply.bodyText());
                        for (final Map.Entry<String, Object> field : want.fields().entrySet())
                        {
                            assertEquals(field.getValue(), body.get(field.getKey()), () -> want.what() + " " + field.getKey() + ": " + reply);
                        }
                    }
                }
            }
            for (int i = 0; i < 2; i++)
            {
                customerBalances.put(MERCHANTS[merchant] + "/" + customers[i], balances[i]);
            }
        }

        /** The next request, and what its reply must be if it is answered in the order sent. */
        private byte[] next(final String marker, final List<Expected> expected)
        {
            final int from = random.nextInt(2);
            final long amount = 1 + random.nextInt(5_000);
            final Map<String, Object> fields = new LinkedHashMap<>();
            switch (random.nextInt(3))
            {
                case 0 ->
                {
                    balances[from] += amount;
                    fields.put("description", marker);
                    fields.put("balanceAfter", balances[from]);
                    expected.add(new Expected("pay-in " + marker, 201, fields));
                    return post("/api/canary/customers/" + customers[from] + "/pay-ins",
                        "{\"amount\":" + amount + ",\"currency\":\"ZAR\",\"description\":\"" + marker + "\"}");
                }
                case 1 ->
                {
                    final boolean covered = balances[from] >= amount;
                    if (covered)
                    {
                        balances[from] -= amount;
                        merchantBalance.addAndGet(merchant, amount);
                        fields.put("productId", marker);
                        fields.put("customerBalanceAfter", balances[from]);
                    }
                    expected.add(new Expected("purchase " + marker, covered ? 201 : 402, fields));
                    return post("/api/canary/purchases", "{\"customerId\":\"" + customers[from] + "\",\"productId\":\"" + marker
                        + "\",\"amount\":" + amount + ",\"currency\":\"ZAR\"}");
                }
                default ->
                {
                    final boolean covered = balances[from] >= amount;
                    if (covered)
                    {
                        balances[from] -= amount;
                        balances[1 - from] += amount;
                        fields.put("description", marker);
                        fields.put("amount", amount);
                    }
                    expected.add(new Expected("transfer " + marker, covered ? 201 : 402, fields));
                    return post("/api/canary/transfers", "{\"fromCustomerId\":\"" + customers[from] + "\",\"toCustomerId\":\""
                        + customers[1 - from] + "\",\"amount\":" + amount + ",\"currency\":\"ZAR\",\"description\":\"" + marker + "\"}");
                }
            }
        }

        private byte[] post(final String path, final String json)
        {
            return RawHttp.request("POST", path, Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"),
                json.getBytes(StandardCharsets.UTF_8));
        }
    }
}
