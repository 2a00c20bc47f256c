package io.ledger.bench.load;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.ledger.bench.report.JsonTree;
import io.ledger.bench.report.RunResult;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One load run against a live server, in four phases on the same keep-alive connections:
 * <ol>
 *   <li>set-up: create {@code customers} customers, then pay each one {@code initialMinor} in (closed loop); skipped
 *       for a server that only answers ({@code setUp} false: ids are made up);</li>
 *   <li>the workload: warm-up, then the measurement window (closed or open loop), then the drain of replies
 *       still outstanding;</li>
 *   <li>verification: read every customer's balance and the merchant's, and compare them with the tool's own
 *       account of the 201s it received ({@link MoneyBook}).</li>
 * </ol>
 * Single-use. The controller thread only starts phases and waits for them; all I/O runs on the client event loops.
 */
final class LoadRun
{
    static final Logger LOG = LoggerFactory.getLogger("ledger-load");
    static final LongAdder CONNECTION_LOSSES = new LongAdder();
    private static final long CONNECT_TIMEOUT_MS = 5_000;

    private final LoadConfig config;
    private final JournalSyncs journalSyncs;
    private final PrintStream progress;
    private final byte[][] customerIds;
    private final MoneyBook money;
    private final EventLoopGroup group;
    private final EventLoop[] loops;
    private final WorkerStats[] workerStats;
    private final boolean epoll;
    private final List<ClientConnection> connections = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, String> checks = new TreeMap<>();
    private int nextConnectionIndex;

    /** @param journalSyncs reads the ledger's journal sync counters at the window's bounds ({@code fsync} runs); null: not. */
    LoadRun(final LoadConfig config, final PrintStream progress, final JournalSyncs journalSyncs)
    {
        config.validate();
        this.config = config;
        this.journalSyncs = journalSyncs;
        this.progress = progress;
        this.customerIds = new byte[config.customers()][];
        this.money = new MoneyBook(config.customers());
        this.epoll = Epoll.isAvailable();
        final DefaultThreadFactory threads = new DefaultThreadFactory("load-io", true);
        this.group = epoll ? new EpollEventLoopGroup(config.clientThreads(), threads) : new NioEventLoopGroup(config.clientThreads(), threads);
        this.loops = new EventLoop[config.clientThreads()];
        this.workerStats = new WorkerStats[config.clientThreads()];
        int i = 0;
        for (final EventExecutor executor : group)
        {
            loops[i] = (EventLoop)executor;
            workerStats[i] = new WorkerStats();
            i++;
        }
    }

    /** Runs every phase and returns what was measured; closes everything it opened. */
    RunResult run() throws InterruptedException
    {
        CONNECTION_LOSSES.reset();
        final String startedAt = Instant.now().toString();
        try
        {
            connect(config.connections());
            if (config.setUp())
            {
                setUp();
            }
            else
            {
                inventCustomers();
            }
            final long merchantBefore = config.verify() ? merchantBalance() : Long.MIN_VALUE;
            final Window window = workload();
            if (config.verify())
            {
                verify(merchantBefore);
            }
            else
            {
                checks.put("conservation", "skipped: --no-verify");
            }
            final RunResult result = result(window);
            result.startedAt = startedAt;
            return result;
        }
        finally
        {
            for (final ClientConnection connection : connections)
            {
                connection.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private void connect(final int count) throws InterruptedException
    {
        final Bootstrap bootstrap = new Bootstrap()
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)CONNECT_TIMEOUT_MS);
        final String hostPort = (config.host().contains(":") ? "[" + config.host() + "]" : config.host()) + ":" + config.port();
        for (int i = 0; i < count; i++)
        {
            final int index = nextConnectionIndex++;
            final int worker = index % loops.length;
            final ClientConnection connection = new ClientConnection(index, config.pipelineDepth(), workerStats[worker],
                new RequestWriter(hostPort, config.token(), config.currency(), customerIds, config.batchPath()), config.seed());
            final ChannelFuture future = bootstrap.clone(loops[worker])
                .handler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        ch.pipeline()
                            .addLast(new HttpResponseDecoder())
                            .addLast(new HttpObjectAggregator(1 << 20))
                            .addLast(connection);
                    }
                })
                .connect(config.host(), config.port());
            if (!future.await(CONNECT_TIMEOUT_MS * 2) || !future.isSuccess())
            {
                throw new IllegalStateException("cannot connect to " + hostPort + ": " +
                    (future.cause() == null ? "timed out" : future.cause().toString()));
            }
            final Channel channel = future.channel();
            if (!channel.isActive())
            {
                throw new IllegalStateException("connection to " + hostPort + " closed at once");
            }
            connections.add(connection);
        }
    }

    private List<ClientConnection> alive() throws InterruptedException
    {
        List<ClientConnection> alive = connections.stream().filter(c -> !c.dead()).toList();
        if (alive.isEmpty())
        {
            notes.add("no connection was left open (lost, or closed after the drain timeout); verification reconnected");
            connect(Math.min(config.connections(), 8));
            alive = connections.stream().filter(c -> !c.dead()).toList();
        }
        return alive;
    }

    /** Runs a closed-loop task phase to completion; throws with the first task failure. */
    private void runTasks(final String name, final TaskDriver driver, final long timeoutNs) throws InterruptedException
    {
        final List<ClientConnection> on = alive();
        final long now = System.nanoTime();
        final Phase phase = new Phase(name, driver, 0, Phase.Arrival.UNIFORM, on.size(), now, now, 0);
        for (final ClientConnection connection : on)
        {
            connection.start(phase);
        }
        if (!phase.done.await(timeoutNs, TimeUnit.NANOSECONDS))
        {
            on.forEach(ClientConnection::abandon);
            phase.done.await(5, TimeUnit.SECONDS);
            throw new IllegalStateException("phase=" + name + " did not finish in " + TimeUnit.NANOSECONDS.toSeconds(timeoutNs) + " s");
        }
        if (driver.failure.get() != null)
        {
            throw new IllegalStateException("phase=" + name + " failed: " + driver.failure.get());
        }
    }

    private long setUpTimeoutNs()
    {
        return TimeUnit.SECONDS.toNanos(60) + config.customers() * 100_000L; // 100 us per customer on top of a minute
    }

    private void setUp() throws InterruptedException
    {
        final long startNs = System.nanoTime();
        runTasks("create-customers", new TaskDriver(config.customers(), new TaskDriver.Task()
        {
            @Override
            public void fill(final int task, final Pending p)
            {
                p.op = Op.CREATE_CUSTOMER;
            }

            @Override
            public String onReply(final Pending p, final int status, final String body)
            {
                if (status != 201)
                {
                    return "create customer: status " + status + " " + JsonTree.abbreviate(body) + hint(status);
                }
                final Object id = JsonTree.object(body).get("id");
                if (!(id instanceof String text) || text.isEmpty() || !text.chars().allMatch(ch -> ch > 32 && ch < 127 && ch != '"' && ch != '/'))
                {
                    return "create customer: no usable id in " + JsonTree.abbreviate(body);
                }
                customerIds[p.task] = text.getBytes(StandardCharsets.US_ASCII);
                return null;
            }
        }), setUpTimeoutNs());
        runTasks("pay-in-customers", new TaskDriver(config.customers(), new TaskDriver.Task()
        {
            @Override
            public void fill(final int task, final Pending p)
            {
                p.op = Op.PAY_IN;
                p.customer = task;
                p.amountMinor = config.initialMinor();
            }

            @Override
            public String onReply(final Pending p, final int status, final String body)
            {
                if (status != 201)
                {
                    return "set-up pay-in: status " + status + " " + JsonTree.abbreviate(body);
                }
                money.onCreated(p);
                return null;
            }
        }), setUpTimeoutNs());
        progress.printf("ledger-load: set-up created and paid in %,d customers in %,d ms%n", config.customers(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
    }

    /**
     * Without a set-up (a server that only answers, such as the bare transport floor), ids of the ledger's length
     * ({@code cus_} and 10 characters) stand in for customers, so that requests have the ledger's sizes.
     */
    private void inventCustomers()
    {
        for (int i = 0; i < customerIds.length; i++)
        {
            customerIds[i] = String.format(Locale.ROOT, "cus_%010d", i).getBytes(StandardCharsets.US_ASCII);
        }
        notes.add("no set-up (--no-setup): customer ids were made up, nothing was verified");
    }

    private static String hint(final int status)
    {
        return switch (status)
        {
            case 401 -> " (the token was refused: is it signed with one of this server's keys (DATA_DIR/jwt-keys)?)";
            case 404 -> " (is this the ledger server?)";
            default -> "";
        };
    }

    /** @return the merchant's balance in the run's currency, or {@link Long#MIN_VALUE} when the server has no such route. */
    private long merchantBalance() throws InterruptedException
    {
        final long[] amount = {Long.MIN_VALUE};
        for (int variant = 0; variant < 2; variant++)
        {
            final int queryVariant = variant;
            final String[] currency = {null};
            final int[] status = {0};
            runTasks("merchant-balance", new TaskDriver(1, new TaskDriver.Task()
            {
                @Override
                public void fill(final int task, final Pending p)
                {
                    p.op = Op.MERCHANT_BALANCE;
                    p.task = queryVariant; // 1: with ?currency=
                }

                @Override
                public String onReply(final Pending p, final int code, final String body)
                {
                    status[0] = code;
                    if (code == 200)
                    {
                        final Map<String, Object> json = JsonTree.object(body);
                        currency[0] = String.valueOf(json.get("currency"));
                        amount[0] = JsonTree.longValue(json, "amount");
                    }
                    return null;
                }
            }), TimeUnit.SECONDS.toNanos(30));
            if (status[0] != 200)
            {
                if (status[0] != 404 && status[0] != 405)
                {
                    notes.add("GET /api/canary/balance answered " + status[0] + "; merchant balance not checked");
                }
                return Long.MIN_VALUE;
            }
            if (config.currency().equals(currency[0]))
            {
                return amount[0];
            }
        }
        notes.add("GET /api/canary/balance did not report " + config.currency() + "; merchant balance not checked");
        return Long.MIN_VALUE;
    }

    private Window.Marks mark(final com.sun.management.OperatingSystemMXBean os)
    {
        return new Window.Marks(os.getProcessCpuTime(), ProcCpu.cpuNs(config.serverPid()), journalSyncs == null ? null : journalSyncs.read());
    }

    private Window workload() throws InterruptedException
    {
        final List<ClientConnection> on = alive();
        final long startNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        final long measureStartNs = startNs + config.warmupNs();
        final long endNs = measureStartNs + config.durationNs();
        final WorkloadDriver driver = new WorkloadDriver(config.mix(), config.customers(), config.amountMinMinor(),
            config.amountMaxMinor(), measureStartNs, endNs, money, config.batchSize());
        final Phase phase = new Phase("workload", driver, config.rateTotalPerS(), config.arrival(), on.size(), startNs, measureStartNs, endNs);
        for (final ClientConnection connection : on)
        {
            connection.start(phase);
        }

        final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();
        Window.Marks atStart = null;
        Window.Marks atEnd = null;
        long lastCompleted = 0;
        long lastNs = startNs;
        final long deadlineNs = endNs + config.drainTimeoutNs();
        boolean timedOut = false;
        while (true)
        {
            final long now = System.nanoTime();
            if (atStart == null && now >= measureStartNs)
            {
                atStart = mark(os);
            }
            if (atEnd == null && now >= endNs)
            {
                atEnd = mark(os);
            }
            final long waitNs = Math.min(TimeUnit.SECONDS.toNanos(1), Math.max(1,
                atStart == null ? measureStartNs - now : atEnd == null ? endNs - now : deadlineNs - now));
            if (phase.done.await(waitNs, TimeUnit.NANOSECONDS))
            {
                break;
            }
            final long after = System.nanoTime();
            if (after >= deadlineNs)
            {
                timedOut = true;
                break;
            }
            if (after - lastNs >= TimeUnit.MILLISECONDS.toNanos(900))
            {
                long completed = 0;
                long maxNs = 0;
                for (final WorkerStats stats : workerStats)
                {
                    completed += stats.completed.get();
                    maxNs = Math.max(maxNs, stats.intervalMaxNs.getAndSet(0));
                }
                final String stage = after < measureStartNs ? "warm-up" : after < endNs ? "measuring" : "draining";
                progress.printf("ledger-load: %-9s %5.1f s  %,10.0f replies/s  max %,9.1f ms%n", stage,
                    (after - startNs) / 1e9, (completed - lastCompleted) * 1e9 / (after - lastNs), maxNs / 1e6);
                lastCompleted = completed;
                lastNs = after;
            }
        }
        final long drainedNs = System.nanoTime();
        if (atEnd == null)
        {
            atEnd = mark(os);
        }
        if (timedOut)
        {
            abandonOutstanding(on, phase);
        }
        return new Window(measureStartNs, endNs, atStart, atEnd, drainedNs, timedOut);
    }

    /** Replies still outstanding after the drain timeout: their outcome is unknown, their latency not recorded. */
    private void abandonOutstanding(final List<ClientConnection> on, final Phase phase) throws InterruptedException
    {
        notes.add("replies still outstanding " + TimeUnit.NANOSECONDS.toSeconds(config.drainTimeoutNs()) +
            " s after the window were abandoned: their outcome is unknown and their latency is not recorded");
        on.forEach(ClientConnection::abandon);
        phase.done.await(5, TimeUnit.SECONDS);
    }

    private void verify(final long merchantBefore) throws InterruptedException
    {
        verifyAgainst(balances(), merchantBefore);
    }

    /** @return every customer's balance as the server reports it now. */
    private long[] balances() throws InterruptedException
    {
        final long[] actual = new long[config.customers()];
        runTasks("verify-balances", new TaskDriver(config.customers(), new TaskDriver.Task()
        {
            @Override
            public void fill(final int task, final Pending p)
            {
                p.op = Op.BALANCE;
                p.customer = task;
            }

            @Override
            public String onReply(final Pending p, final int status, final String body)
            {
                if (status != 200)
                {
                    return "balance of customer " + p.task + ": status " + status + " " + JsonTree.abbreviate(body);
                }
                actual[p.task] = JsonTree.longValue(JsonTree.object(body), "amount");
                return null;
            }
        }), setUpTimeoutNs());
        return actual;
    }

    /** After {@link #balances()}: each customer's balance against what the replies said, and the sums. */
    private void verifyAgainst(final long[] actual, final long merchantBefore) throws InterruptedException
    {
        final long merchantAfter = merchantBalance();

        long sumActual = 0;
        long sumExpected = 0;
        int mismatched = 0;
        final StringBuilder examples = new StringBuilder();
        for (int i = 0; i < actual.length; i++)
        {
            sumActual += actual[i];
            final long expected = money.expectedMinor.get(i);
            sumExpected += expected;
            if (actual[i] != expected && !money.indeterminate.contains(i))
            {
                if (++mismatched <= 3)
                {
                    examples.append(" customer ").append(new String(customerIds[i], StandardCharsets.US_ASCII))
                        .append(" balance=").append(actual[i]).append(" expected=").append(expected).append(';');
                }
            }
        }
        final long unknown = money.unknownOutcomes.sum();
        final long paidIn = money.paidInMinor.sum();
        final long purchased = money.purchasedMinor.sum();
        final String counts = String.format("%,d customers; paid in %,d; %,d purchases (201) spent %,d; %,d transfers (201) moved %,d",
            config.customers(), paidIn, money.purchasesOk.sum(), purchased, money.transfersOk.sum(), money.transferredMinor.sum());
        if (mismatched > 0)
        {
            checks.put("customer balances", "FAILED: " + mismatched + " customers differ from the replies' account;" + examples);
        }
        else
        {
            checks.put("customer balances", "ok: every balance equals its 201 pay-ins - purchases +- transfers" +
                (money.indeterminate.isEmpty() ? "" : " (" + money.indeterminate.size() + " customers with unknown outcomes not compared)"));
        }
        if (unknown == 0)
        {
            checks.put("conservation (customers)", sumActual == paidIn - purchased
                ? "ok: sum of balances " + String.format("%,d", sumActual) + " = paid in - purchases (" + counts + ")"
                : "FAILED: sum of balances " + sumActual + " != paid in " + paidIn + " - purchases " + purchased + " (" + counts + ")");
        }
        else
        {
            final long gap = paidIn - purchased - sumActual;
            checks.put("conservation (customers)", Math.abs(gap) <= money.unknownMinor.sum()
                ? "inconclusive: " + unknown + " money movements have unknown outcomes; the gap " + gap + " is within their total"
                : "FAILED: gap " + gap + " exceeds the " + money.unknownMinor.sum() + " of unknown outcomes");
        }
        if (merchantBefore == Long.MIN_VALUE || merchantAfter == Long.MIN_VALUE)
        {
            checks.put("conservation (merchant)", "skipped: GET /api/canary/balance is not served (404) by this server");
        }
        else
        {
            final long delta = merchantAfter - merchantBefore;
            if (unknown == 0)
            {
                checks.put("conservation (merchant)", delta == purchased && sumActual + delta == paidIn
                    ? String.format("ok: merchant +%,d = purchases (201); customers + merchant = %,d = paid in", delta, sumActual + delta)
                    : "FAILED: merchant +" + delta + " vs purchases (201) " + purchased + "; customers + merchant = " + (sumActual + delta) + " vs paid in " + paidIn);
            }
            else
            {
                checks.put("conservation (merchant)", "inconclusive: merchant +" + delta + ", purchases (201) " + purchased + ", " + unknown + " unknown outcomes");
            }
        }
    }

    private RunResult result(final Window window)
    {
        final Totals t = new Totals(workerStats);
        final RunResult r = new RunResult();
        r.system = "ledger";
        r.workload = config.mix().toString();
        r.mode = config.openLoop() ? "open" : "closed";
        r.arrival = config.openLoop() ? config.arrival().name().toLowerCase() : null;
        r.connections = config.connections();
        r.pipeline = config.pipelineDepth();
        r.offeredRate = config.rateTotalPerS();
        r.durationS = config.durationNs() / 1e9;
        r.throughput = t.completedInWindow * 1e9 / config.durationNs();
        r.batch = config.batchSize();
        if (config.batchSize() > 1)
        {
            batches(r, t);
        }
        r.requests = t.all.getTotalCount();
        r.latencyUs = RunResult.Latency.ofNanos(t.all);
        r.latencyFrom = config.openLoop() ? "intended send time" : "send time";
        byOperation(r, t);
        noteTheUnexpected(r, t, window);
        r.checks.putAll(checks);
        r.notes.addAll(notes);
        r.clientCpuPct = window.clientCpuPct();
        r.serverCpuPct = window.serverCpuPct();
        r.journalSyncs = window.journalSyncs();
        r.journalSyncSeconds = window.journalSyncSeconds();
        r.tool = "ledger-load (" + (epoll ? "epoll" : "nio") + ", " + config.clientThreads() + " client thread" + (config.clientThreads() == 1 ? "" : "s") + ")";
        return r;
    }

    /** Every worker's figures of the window, merged. */
    private static final class Totals
    {
        final Histogram all = WorkerStats.histogram();
        final Histogram service = WorkerStats.histogram();
        final Histogram[] byOp = new Histogram[Op.WORKLOAD.length];
        final long[][] statuses = new long[Op.WORKLOAD.length][WorkerStats.STATUS_MAX];
        final long[] itemStatuses = new long[WorkerStats.STATUS_MAX];
        long completedInWindow;
        long sentInWindow;
        long unsentInWindow;
        long batchRepliesUnreadable;

        Totals(final WorkerStats[] workers)
        {
            for (int i = 0; i < byOp.length; i++)
            {
                byOp[i] = WorkerStats.histogram();
            }
            for (final WorkerStats stats : workers)
            {
                all.add(stats.all);
                service.add(stats.service);
                for (int i = 0; i < byOp.length; i++)
                {
                    byOp[i].add(stats.byOp[i]);
                    for (int s = 0; s < WorkerStats.STATUS_MAX; s++)
                    {
                        statuses[i][s] += stats.statuses[i][s];
                    }
                }
                completedInWindow += stats.completedInWindow;
                batchRepliesUnreadable += stats.batchRepliesUnreadable;
                for (int s = 0; s < WorkerStats.STATUS_MAX; s++)
                {
                    itemStatuses[s] += stats.itemStatuses[s];
                }
                sentInWindow += stats.sentInWindow;
                unsentInWindow += stats.unsentInWindow;
            }
        }
    }

    /** Batch mode: the purchases' own statuses, and what the figures count. */
    private void batches(final RunResult r, final Totals t)
    {
        for (int s = 0; s < WorkerStats.STATUS_MAX; s++)
        {
            if (t.itemStatuses[s] > 0)
            {
                r.itemStatuses.put(String.valueOf(s), t.itemStatuses[s]);
            }
        }
        notes.add(String.format("batches of %d purchases to POST %s: throughput counts purchases (those of 2xx replies), "
            + "latency and statuses are per request", config.batchSize(), config.batchPath()));
        if (t.batchRepliesUnreadable > 0)
        {
            notes.add(t.batchRepliesUnreadable + " batch replies in the window were 2xx without readable per-item results "
                + "(BatchShape): their purchases are unknown outcomes");
        }
    }

    /** Statuses and latency per operation of the mix. */
    private void byOperation(final RunResult r, final Totals t)
    {
        for (final Op op : Op.WORKLOAD)
        {
            final RunResult.OperationResult result = new RunResult.OperationResult();
            for (int s = 0; s < WorkerStats.STATUS_MAX; s++)
            {
                final long n = t.statuses[op.ordinal()][s];
                if (n > 0)
                {
                    result.statuses.put(String.valueOf(s), n);
                    r.statuses.merge(String.valueOf(s), n, Long::sum);
                    result.count += n;
                }
            }
            result.latencyUs = RunResult.Latency.ofNanos(t.byOp[op.ordinal()]);
            if (result.count > 0 || config.mix().weight(op) > 0)
            {
                r.byOperation.put(op.label(), result);
            }
            if (op == Op.TRANSFER && result.count > 0 && result.statuses.getOrDefault("404", 0L) == result.count)
            {
                notes.add("every transfer was answered 404: this server has no POST /api/canary/transfers yet");
            }
        }
    }

    /** Notes on what makes the figures less than they seem: errors, saturation, lost replies, closed connections. */
    private void noteTheUnexpected(final RunResult r, final Totals t, final Window window)
    {
        if (config.batchSize() > 1 && r.statuses.keySet().stream().noneMatch(s -> s.startsWith("2")) && !r.statuses.isEmpty())
        {
            notes.add("no batch request was answered 2xx (statuses " + r.statuses + "): does this server serve POST " + config.batchPath() + "?");
        }
        final long errors = r.statuses.entrySet().stream()
            .filter(e -> !e.getKey().equals("200") && !e.getKey().equals("201") && !e.getKey().equals("402"))
            .filter(e -> !(e.getKey().equals("404") && transfersOnly404(t.statuses)))
            .mapToLong(Map.Entry::getValue).sum();
        if (errors > 0)
        {
            notes.add(errors + " replies in the window were neither 200, 201 nor 402 (see statuses)");
        }
        if (config.openLoop())
        {
            final RunResult.Latency s = RunResult.Latency.ofNanos(t.service);
            notes.add(String.format("service time (from the actual send) p50 %.0f us, p99 %.0f us, max %.0f us", s.p50, s.p99, s.max));
            if (r.throughput < 0.95 * config.rateTotalPerS())
            {
                notes.add(String.format("achieved %.0f/s of the %.0f/s offered: the server (or this client) saturated", r.throughput, config.rateTotalPerS()));
            }
        }
        final long unreplied = t.sentInWindow - t.all.getTotalCount();
        if (unreplied > 0 || t.unsentInWindow > 0)
        {
            notes.add(String.format("%,d requests intended in the window got no reply (%,d sent but abandoned or lost, %,d never "
                + "sent): they are not in the percentiles, which are therefore lower bounds", unreplied + t.unsentInWindow, unreplied, t.unsentInWindow));
        }
        if (CONNECTION_LOSSES.sum() > 0)
        {
            notes.add(CONNECTION_LOSSES.sum() + " connections were closed by the server during the run");
        }
        if (window.drainTimedOut())
        {
            checks.put("drain", "incomplete: replies still outstanding after the drain timeout were abandoned (the server saturated or stalled)");
        }
    }

    private static boolean transfersOnly404(final long[][] statuses)
    {
        long other404 = 0;
        for (final Op op : Op.WORKLOAD)
        {
            if (op != Op.TRANSFER)
            {
                other404 += statuses[op.ordinal()][404];
            }
        }
        return other404 == 0;
    }
}
