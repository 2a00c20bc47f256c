package io.ledger.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.ConsumerLoop;
import io.ledger.engine.JournalWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server with the pipeline's consumer on its one event loop ({@code --ledger-thread event-loop}): commands are
 * journaled, applied and answered on the loop that read them, and every guarantee of the {@code ledger} thread holds:
 * per-connection reply order under pipelining, the ring's 503, fail-stop after a journal failure, ticks from another
 * thread, and a journal that replays to the same state.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EventLoopLedgerTest
{
    private static final String M = "loop_merchant";

    @TempDir
    Path dataDir;

    /** Records the thread of every append, and the types appended. */
    private static final class ThreadJournal implements JournalWriter
    {
        final JournalWriter delegate;
        final ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<CommandType> types = new ConcurrentLinkedQueue<>();
        volatile int failAfter = Integer.MAX_VALUE;

        ThreadJournal(final JournalWriter delegate)
        {
            this.delegate = delegate;
        }

        @Override
        public void append(final CommandEvent event)
        {
            if (types.size() >= failAfter)
            {
                throw new IllegalStateException("disk gone (test)");
            }
            threads.add(Thread.currentThread().getName());
            types.add(event.type());
            delegate.append(event);
        }

        @Override
        public void endOfBatch()
        {
            delegate.endOfBatch();
        }

        @Override
        public void close()
        {
            delegate.close();
        }
    }

    /** The real event loop, whose drains a test may hold back (the loop goes on reading and writing sockets). */
    private static final class HoldableLoop implements ConsumerLoop
    {
        final ConsumerLoop loop;
        private final List<Runnable> held = new ArrayList<>();
        private boolean holding;

        HoldableLoop(final ConsumerLoop loop)
        {
            this.loop = loop;
        }

        @Override
        public void execute(final Runnable task)
        {
            synchronized (this)
            {
                if (holding)
                {
                    held.add(task);
                    return;
                }
            }
            loop.execute(task);
        }

        @Override
        public void executeAfterIo(final Runnable task)
        {
            loop.executeAfterIo(task);
        }

        @Override
        public boolean inLoop()
        {
            return loop.inLoop();
        }

        synchronized void hold()
        {
            holding = true;
        }

        void release()
        {
            final List<Runnable> tasks;
            synchronized (this)
            {
                holding = false;
                tasks = new ArrayList<>(held);
                held.clear();
            }
            tasks.forEach(loop::execute);
        }
    }

    private HarnessServer onLoop(final int ringSizeEvents, final ThreadJournal[] journal, final UnaryOperator<ConsumerLoop> consumerLoop)
    {
        return new HarnessServer(dataDir, ringSizeEvents, HttpOptions.DEFAULTS, delegate -> journal[0] = new ThreadJournal(delegate),
            UnaryOperator.identity(), 1, consumerLoop);
    }

    /** @return true when every name is the one event loop's ({@code http-io-<pool>-1}). */
    private static boolean onEventLoop(final ConcurrentLinkedQueue<String> threads)
    {
        final Set<String> names = names(threads);
        return names.size() == 1 && names.iterator().next().startsWith("http-io-") && names.iterator().next().endsWith("-1");
    }

    private static Set<String> names(final ConcurrentLinkedQueue<String> threads)
    {
        return new TreeSet<>(threads);
    }

    @Test
    void shouldAnswerEveryPipeliningConnectionInRequestOrderWithTheLedgerOnTheEventLoop() throws Exception
    {
        final ThreadJournal[] journal = new ThreadJournal[1];
        try (HarnessServer server = onLoop(64, journal, UnaryOperator.identity()))
        {
            final int connections = 16;
            final List<String> customers = new ArrayList<>();
            for (int c = 0; c < connections; c++)
            {
                customers.add(server.createCustomer(ReplyHandOffTest.M, "loop" + c + "@example.com"));
            }
            final ExecutorService clients = Executors.newFixedThreadPool(connections);
            try
            {
                final List<Future<List<Long>>> answers = new ArrayList<>();
                for (final String customer : customers)
                {
                    answers.add(clients.submit(() -> ReplyHandOffTest.payInsPipelined(server.port(), customer)));
                }
                final List<Long> expected = new ArrayList<>();
                long balance = 0;
                for (int i = 1; i <= ReplyHandOffTest.PER_CONNECTION; i++)
                {
                    balance += i;
                    expected.add(balance);
                }
                for (int c = 0; c < connections; c++)
                {
                    assertEquals(expected, answers.get(c).get(60, TimeUnit.SECONDS), "connection " + c + ": its replies in order");
                }
            }
            finally
            {
                clients.shutdownNow();
            }
            assertTrue(onEventLoop(journal[0].threads), "every command journaled on the event loop: " + names(journal[0].threads));
        }
    }

    @Test
    void shouldAnswer503WhileTheRingIsFullAndAcknowledgeEveryAcceptedCommandOnceTheLoopDrains() throws Exception
    {
        final ThreadJournal[] journal = new ThreadJournal[1];
        final HoldableLoop[] loop = new HoldableLoop[1];
        try (HarnessServer server = onLoop(8, journal, real -> loop[0] = new HoldableLoop(real)))
        {
            loop[0].hold();
            final List<CompletableFuture<HttpResponse<String>>> creates = new ArrayList<>();
            for (int i = 0; i < 12; i++)
            {
                creates.add(server.client.sendAsync(server.request("/api/canary/customers", M).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"phoneNumber\":\"+27820000000\",\"metadata\":{}}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
            }
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (creates.stream().filter(f -> f.isDone()).count() < 4 && System.nanoTime() < deadlineNs)
            {
                Thread.sleep(5);
            }
            assertEquals(0, server.pipeline.remainingCapacity(), "eight commands wait in an eight-slot ring");
            final List<Integer> early = new ArrayList<>();
            for (final CompletableFuture<HttpResponse<String>> create : creates)
            {
                if (create.isDone())
                {
                    early.add(create.get().statusCode());
                }
            }
            assertEquals(List.of(503, 503, 503, 503), early, "the ring's 503 comes at once, while the loop serves sockets");
            loop[0].release();
            final List<String> created = new ArrayList<>();
            for (final CompletableFuture<HttpResponse<String>> create : creates)
            {
                final HttpResponse<String> response = create.get(30, TimeUnit.SECONDS);
                if (response.statusCode() == 201)
                {
                    created.add((String)TestJson.object(response.body()).get("id"));
                }
            }
            assertEquals(8, created.size(), "every command the ring took is answered once the loop drains");
            for (final String id : created)
            {
                assertEquals(200, server.get("/api/canary/customers/" + id, M).statusCode(), id + " exists");
            }
        }
    }

    @Test
    void shouldStopAcknowledgingAfterAJournalFailureOnTheEventLoop() throws Exception
    {
        final ThreadJournal[] journal = new ThreadJournal[1];
        final HarnessServer server = onLoop(64, journal, UnaryOperator.identity());
        try
        {
            assertEquals(201, server.post("/api/canary/customers", M, "{\"phoneNumber\":\"+27820000000\",\"metadata\":{}}").statusCode());
            journal[0].failAfter = journal[0].types.size();
            final HttpResponse<String> refused = server.post("/api/canary/customers", M, "{\"phoneNumber\":\"+27820000000\",\"metadata\":{}}");
            assertEquals(503, refused.statusCode(), "a journal failure stops acknowledgements: " + refused.body());
            assertTrue(server.pipeline.failed());
            final HttpResponse<String> health = server.get("/api/canary/health", null);
            assertEquals(503, health.statusCode(), "the loop still answers: " + health.body());
            assertTrue(health.body().contains("the pipeline failed"), health.body());
        }
        finally
        {
            assertThrows(AssertionError.class, server::close, "the harness reports the fatal error it was told of");
        }
    }

    @Test
    void shouldApplyATickPublishedByAnotherThreadOnTheEventLoop() throws Exception
    {
        final ThreadJournal[] journal = new ThreadJournal[1];
        try (HarnessServer server = onLoop(64, journal, UnaryOperator.identity()))
        {
            server.createCustomer(M, "tick@example.com");
            assertTrue(server.pipeline.publishTick(), "published from the test's thread, as the deadline timer does");
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!journal[0].types.contains(CommandType.TICK) && System.nanoTime() < deadlineNs)
            {
                Thread.sleep(1);
            }
            assertTrue(journal[0].types.contains(CommandType.TICK), "the loop was made to drain the tick");
            assertTrue(onEventLoop(journal[0].threads), names(journal[0].threads).toString());
        }
    }

    @Test
    void shouldReplayAnEventLoopRunsJournalToTheSameStateHash() throws Exception
    {
        final ThreadJournal[] journal = new ThreadJournal[1];
        final long hash;
        try (HarnessServer server = onLoop(64, journal, UnaryOperator.identity()))
        {
            final String customer = server.createCustomer(M, "replay@example.com");
            for (int i = 1; i <= 20; i++)
            {
                assertEquals(201, server.post("/api/canary/customers/" + customer + "/pay-ins", M,
                    "{\"amount\":" + i + ",\"currency\":\"ZAR\"}").statusCode());
            }
            final HttpResponse<String> bought = server.post("/api/canary/purchases", M, "{\"customerId\":\"" + customer
                + "\",\"amount\":50,\"currency\":\"ZAR\",\"productId\":\"p1\"}");
            assertEquals(201, bought.statusCode(), bought.body());
            hash = server.closeAndStateHash();
        }
        try (HarnessServer again = new HarnessServer(dataDir))
        {
            assertEquals(hash, again.closeAndStateHash(), "the journal an event-loop run wrote replays to its state");
        }
    }
}
