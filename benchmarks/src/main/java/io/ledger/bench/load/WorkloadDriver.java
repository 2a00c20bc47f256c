package io.ledger.bench.load;

/**
 * The measured workload: operations drawn from the {@link Mix}, customers uniformly at random, amounts uniformly
 * in {@code [amountMinMinor, amountMaxMinor]}. Replies are counted (per operation and status) and timed only when
 * their intended send time falls inside the measurement window, so warm-up and drain are not measured, but
 * every 201 is booked in the {@link MoneyBook}. Thread-safe: statistics are per event loop.
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

    WorkloadDriver(final Mix mix, final int customers, final long amountMinMinor, final long amountMaxMinor,
        final long measureStartNs, final long measureEndNs, final MoneyBook money)
    {
        if (customers < 1 || (mix.weight(Op.TRANSFER) > 0 && customers < 2))
        {
            throw new IllegalArgumentException("customers=" + customers + " must be >= 1 (>= 2 with transfers)");
        }
        this.mix = mix;
        this.customers = customers;
        this.amountMinMinor = amountMinMinor;
        this.amountMaxMinor = amountMaxMinor;
        this.measureStartNs = measureStartNs;
        this.measureEndNs = measureEndNs;
        this.money = money;
    }

    @Override
    public boolean next(final ClientConnection connection, final Pending p)
    {
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
            p.amountMinor = amountMinMinor == amountMaxMinor
                ? amountMinMinor
                : connection.random.nextLong(amountMinMinor, amountMaxMinor + 1);
        }
        return true;
    }

    @Override
    public void onReply(final ClientConnection connection, final Pending p, final int status, final String body, final long nowNs)
    {
        if (status == 201)
        {
            money.onCreated(p);
        }
        final WorkerStats stats = connection.stats;
        stats.completed.lazySet(stats.completed.get() + 1);
        if (nowNs >= measureStartNs && nowNs < measureEndNs)
        {
            stats.completedInWindow++;
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
