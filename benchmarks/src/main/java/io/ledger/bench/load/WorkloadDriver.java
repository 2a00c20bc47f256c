package io.ledger.bench.load;

import io.netty.buffer.ByteBuf;

/**
 * The measured workload: operations drawn from the {@link Mix}, customers uniformly at random, amounts uniformly
 * in {@code [amountMinMinor, amountMaxMinor]}. Replies are counted (per operation and status) and timed only when
 * their intended send time falls inside the measurement window, so warm-up and drain are not measured, but
 * every 201 is booked in the {@link MoneyBook}. Thread-safe: statistics are per event loop.
 *
 * <p><b>Batches</b> ({@code batchSize} > 1, purchases only): each request carries {@code batchSize} purchases in
 * {@link BatchShape}'s request shape. Throughput counts purchases, not requests: a 2xx batch reply completes
 * {@code batchSize} purchases, any other reply none (a refused batch changes nothing). Latency is per request.
 * Each 2xx reply's per-item statuses are read ({@link BatchShape}), counted, and every item answered 201 is booked;
 * a 2xx reply without readable per-item results makes its items unknown outcomes.
 */
final class WorkloadDriver implements Phase.Driver
{
    private final Mix mix;
    private final int customers;
    private final long amountMinMinor;
    private final long amountMaxMinor;
    private final long measureStartNs;
    private final long measureEndNs;
    private final MoneyBook money;
    private final int batchSize;

    WorkloadDriver(final Mix mix, final int customers, final long amountMinMinor, final long amountMaxMinor,
        final long measureStartNs, final long measureEndNs, final MoneyBook money)
    {
        this(mix, customers, amountMinMinor, amountMaxMinor, measureStartNs, measureEndNs, money, 1);
    }

    WorkloadDriver(final Mix mix, final int customers, final long amountMinMinor, final long amountMaxMinor,
        final long measureStartNs, final long measureEndNs, final MoneyBook money, final int batchSize)
    {
        if (customers < 1 || (mix.weight(Op.TRANSFER) > 0 && customers < 2))
        {
            throw new IllegalArgumentException("customers=" + customers + " must be >= 1 (>= 2 with transfers)");
        }
        if (batchSize < 1 || (batchSize > 1 && !mix.only(Op.PURCHASE)))
        {
            throw new IllegalArgumentException("batch=" + batchSize + " must be >= 1, and a batch carries purchases only (mix=" + mix + ")");
        }
        this.mix = mix;
        this.customers = customers;
        this.amountMinMinor = amountMinMinor;
        this.amountMaxMinor = amountMaxMinor;
        this.measureStartNs = measureStartNs;
        this.measureEndNs = measureEndNs;
        this.money = money;
        this.batchSize = batchSize;
    }

    @Override
    public boolean next(final ClientConnection connection, final Pending p)
    {
        if (batchSize > 1)
        {
            p.op = Op.PURCHASE;
            p.batch(batchSize);
            for (int i = 0; i < batchSize; i++)
            {
                p.batchCustomers[i] = connection.random.nextInt(customers);
                p.batchAmountsMinor[i] = amount(connection);
            }
            return true;
        }
        final Op op = mix.draw(connection.random);
        p.op = op;
        p.customer = connection.random.nextInt(customers);
        if (op == Op.TRANSFER)
        {
            final int other = connection.random.nextInt(customers - 1);
            p.otherCustomer = other >= p.customer ? other + 1 : other;
        }
        if (op != Op.BALANCE)
        {
            p.amountMinor = amount(connection);
        }
        return true;
    }

    private long amount(final ClientConnection connection)
    {
        return amountMinMinor == amountMaxMinor ? amountMinMinor : connection.random.nextLong(amountMinMinor, amountMaxMinor + 1);
    }

    @Override
    public void onReply(final ClientConnection connection, final Pending p, final int status, final String body, final long nowNs)
    {
        if (status == 201)
        {
            money.onCreated(p);
        }
        count(connection.stats, p, status, 1, nowNs);
    }

    @Override
    public void onBatchReply(final ClientConnection connection, final Pending p, final int status, final ByteBuf content, final long nowNs)
    {
        final WorkerStats stats = connection.stats;
        final boolean applied = status >= 200 && status < 300;
        final boolean inWindow = p.intendedNs >= measureStartNs && p.intendedNs < measureEndNs;
        if (applied)
        {
            final int length = content.readableBytes();
            final int[] statuses = connection.itemStatuses(p.batchSize);
            final int read = BatchShape.itemStatuses(connection.bytes(content), 0, length, statuses);
            if (read == p.batchSize)
            {
                for (int i = 0; i < p.batchSize; i++)
                {
                    if (statuses[i] == 201)
                    {
                        money.onPurchase(p.batchCustomers[i], p.batchAmountsMinor[i]);
                    }
                    if (inWindow)
                    {
                        stats.itemStatuses[Math.max(0, Math.min(statuses[i], WorkerStats.STATUS_MAX - 1))]++;
                    }
                }
            }
            else
            {
                money.onUnknown(p);
                if (inWindow)
                {
                    stats.batchRepliesUnreadable++;
                }
            }
        }
        count(stats, p, status, applied ? p.batchSize : 0, nowNs);
    }

    /** Counts one reply that completed {@code purchases} operations, and times it when it belongs to the window. */
    private void count(final WorkerStats stats, final Pending p, final int status, final int operations, final long nowNs)
    {
        stats.completed.lazySet(stats.completed.get() + 1);
        final long sinceIntendedNs = nowNs - p.intendedNs;
        if (sinceIntendedNs > stats.intervalMaxNs.get())
        {
            stats.intervalMaxNs.lazySet(sinceIntendedNs); // only this thread raises it; the progress line resets it
        }
        if (nowNs >= measureStartNs && nowNs < measureEndNs)
        {
            stats.completedInWindow += operations;
        }
        if (p.intendedNs >= measureStartNs && p.intendedNs < measureEndNs)
        {
            final long latencyNs = nowNs - p.intendedNs;
            WorkerStats.record(stats.all, latencyNs);
            WorkerStats.record(stats.byOp[p.op.ordinal()], latencyNs);
            WorkerStats.record(stats.service, nowNs - p.sentNs);
            stats.statuses[p.op.ordinal()][Math.min(status, WorkerStats.STATUS_MAX - 1)]++;
        }
    }

    @Override
    public void onUnknown(final ClientConnection connection, final Pending p)
    {
        money.onUnknown(p);
    }
}
