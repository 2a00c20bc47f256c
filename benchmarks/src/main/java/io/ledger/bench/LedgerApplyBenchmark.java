package io.ledger.bench;

import java.util.concurrent.TimeUnit;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.Field;
import io.ledger.engine.Ledger;
import io.ledger.engine.ResultCode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link Ledger#apply} alone, on the calling thread: purchases cycling over a funded population. One op is one
 * command; an invocation applies {@link #BATCH} of them.
 *
 * <p>{@code purchase}: every purchase succeeds, so each one appends two history entries and a product id to the
 * ledger; that history is kept in memory by design, so the ledger is retired (checked) and rebuilt outside the
 * measured code every {@link #EPOCH_PURCHASES} purchases to bound the heap. {@code purchaseRefused}: every
 * purchase is refused for insufficient funds, the validation path with nothing appended (and no rebuild).
 *
 * <p>With {@code -prof gc}, {@code gc.alloc.rate.norm} is what the ledger thread allocates per command, plus, for
 * {@code purchase}, the rebuild every {@link #EPOCH_PURCHASES} (about 2 B/op at 10,000 customers): JMH counts
 * set-up code run inside an iteration. Accepted purchases grow the in-memory history by design, and the growth of
 * its arrays (copy on doubling) is allocation too.
 *
 * <p>Answers are checked whenever a ledger is retired and at the end: conservation of money, and exactly the
 * expected number of purchases accepted (or refused). Chronicle flags come from {@link BenchmarkMain}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g"})
@State(Scope.Thread)
public class LedgerApplyBenchmark
{
    static final int BATCH = 10_000;
    static final long EPOCH_PURCHASES = 2_000_000;

    @Param("10000")
    public int customers;

    private Ledger ledger;
    private final CommandEvent accepted = new CommandEvent();
    private final CommandEvent refused = new CommandEvent();
    private long nextCommandId;
    private int nextCustomer;
    private long epochPurchases;
    private long issuedAccepted;
    private long issuedRefused;
    private long ok;
    private long insufficient;

    @Setup(Level.Trial)
    public void setUp()
    {
        Population.purchase(accepted, 0, Population.PURCHASE_MINOR);
        Population.purchase(refused, 0, Population.PAY_IN_MINOR + 1);
        newLedger();
    }

    @Setup(Level.Invocation)
    public void rotate()
    {
        if (epochPurchases >= EPOCH_PURCHASES)
        {
            retireLedger();
            newLedger();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        retireLedger();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long purchase()
    {
        issuedAccepted += BATCH;
        epochPurchases += BATCH;
        return applyBatch(accepted);
    }

    /** Appends nothing, so the ledger is never rebuilt: {@code -prof gc} sees only what {@link Ledger#apply} allocates. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long purchaseRefused()
    {
        issuedRefused += BATCH;
        return applyBatch(refused);
    }

    private long applyBatch(final CommandEvent event)
    {
        final Ledger ledger = this.ledger;
        long commandId = nextCommandId;
        int customer = nextCustomer;
        long ok = 0;
        long insufficient = 0;
        for (int i = 0; i < BATCH; i++)
        {
            event.set(Field.CUSTOMER_KEY, Population.customerKey(customer)).stamp(commandId++, Population.TIMESTAMP_MS);
            if (++customer == customers)
            {
                customer = 0;
            }
            ledger.apply(event);
            final ResultCode result = event.result();
            if (result == ResultCode.OK)
            {
                ok++;
            }
            else if (result == ResultCode.INSUFFICIENT_FUNDS)
            {
                insufficient++;
            }
        }
        nextCommandId = commandId;
        nextCustomer = customer;
        this.ok += ok;
        this.insufficient += insufficient;
        return ok;
    }

    private void newLedger()
    {
        ledger = Population.build(customers);
        nextCommandId = Population.firstFreeCommandId(customers);
        nextCustomer = 0;
        epochPurchases = 0;
        issuedAccepted = 0;
        issuedRefused = 0;
        ok = 0;
        insufficient = 0;
    }

    private void retireLedger()
    {
        Population.verify(ledger, ok, issuedAccepted);
        if (insufficient != issuedRefused)
        {
            throw new IllegalStateException("insufficientFunds=" + insufficient + " purchasesRefusedExpected=" + issuedRefused);
        }
        ledger = null;
    }
}
