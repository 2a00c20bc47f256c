package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replies of a batch are handed to each event loop once per batch ({@code ReplyPublisher}): with many connections
 * spread over several event loops, each pipelining many commands at once, every connection still gets exactly its
 * own replies, in its request order, and the ledger ends where the sum of them says.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplyHandOffTest
{
    static final String M = "handoff_merchant";
    private static final int CONNECTIONS = 24;
    private static final int EVENT_LOOPS = 3;
    static final int PER_CONNECTION = 40;

    @TempDir
    Path dataDir;

    @Test
    void shouldAnswerEveryConnectionWithItsOwnRepliesInRequestOrderAcrossSeveralEventLoops() throws Exception
    {
        try (HarnessServer server = new HarnessServer(dataDir, 64, HttpOptions.DEFAULTS, UnaryOperator.identity(), EVENT_LOOPS))
        {
            final List<String> customers = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++)
            {
                customers.add(server.createCustomer(M, "handoff" + c + "@example.com"));
            }
            final ExecutorService clients = Executors.newFixedThreadPool(CONNECTIONS);
            try
            {
                final List<Future<List<Long>>> answers = new ArrayList<>();
                for (int c = 0; c < CONNECTIONS; c++)
                {
                    final String customer = customers.get(c);
                    answers.add(clients.submit(() -> payInsPipelined(server.port(), customer)));
                }
                for (int c = 0; c < CONNECTIONS; c++)
                {
                    final List<Long> expected = new ArrayList<>();
                    long balance = 0;
                    for (int i = 1; i <= PER_CONNECTION; i++)
                    {
                        balance += i;
                        expected.add(balance);
                    }
                    assertEquals(expected, answers.get(c).get(60, TimeUnit.SECONDS),
                        "connection " + c + ": its own pay-ins' balances, in the order it sent them");
                }
            }
            finally
            {
                clients.shutdownNow();
            }
        }
    }

    /** Sends pay-ins of 1, 2, ... to {@code customer} in one write, then reads every reply: their balanceAfter. */
    static List<Long> payInsPipelined(final int port, final String customer) throws Exception
    {
        final ByteArrayOutputStream requests = new ByteArrayOutputStream();
        for (int i = 1; i <= PER_CONNECTION; i++)
        {
            requests.write(RawHttp.request("POST", "/api/canary/customers/" + customer + "/pay-ins",
                Map.of("Authorization", "Bearer " + TestServer.token(M), "Content-Type", "application/json"),
                ("{\"amount\":" + i + ",\"currency\":\"ZAR\"}").getBytes(StandardCharsets.UTF_8)));
        }
        try (Socket socket = new Socket())
        {
            socket.setSoTimeout(RawHttp.ANSWER_TIMEOUT_MS);
            socket.connect(new InetSocketAddress("127.0.0.1", port), RawHttp.ANSWER_TIMEOUT_MS);
            final OutputStream out = socket.getOutputStream();
            out.write(requests.toByteArray());
            out.flush();
            final InputStream in = socket.getInputStream();
            final List<Long> balances = new ArrayList<>();
            for (int i = 1; i <= PER_CONNECTION; i++)
            {
                final RawHttp.Response response = RawHttp.readResponse(in, false);
                assertEquals(201, response.status(), response.toString());
                balances.add(((Number)TestJson.object(response.bodyText()).get("balanceAfter")).longValue());
            }
            return balances;
        }
    }
}
