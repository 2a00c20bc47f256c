package io.ledger.bench;

import java.util.concurrent.TimeUnit;

import io.ledger.engine.BatchItems;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Field;
import io.ledger.engine.HistoryMemory;
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
 * {@link Ledger#apply} alone, on the calling thread, one method per kind of command, each cycling over a funded
 * population: what the ledger thread costs and allocates per command. One op is one command; an invocation applies
 * {@link #BATCH} of them.
 *
 * <p>Accepted commands: {@code payIn} (1 history entry), {@code purchase} (2 entries and a product id), {@code transfer}
 * (2 entries, one of the merchant's transfers), {@code payout} (1 entry and one of the merchant's payouts; the merchant
 * is funded by purchases at set-up). Refused and read: {@code purchaseRefused} (insufficient funds: the validation
 * path, nothing appended), {@code customerBalance} and {@code customerTransactions} (a page of 10 history rows copied
 * into the event), {@code purchaseWithIdempotencyKey} (every one a new key). Batches ({@link CommandType#BATCH}, issue 12):
 * {@code purchaseBatchOf100} applies 100 batches of {@link #BATCH_ITEMS} purchases, {@code linkedPurchaseBatchOf100} the
 * same with the purchases linked in pairs (each pair a dry run, then applied); one op is still one purchase.
 *
 * <p>The history is kept by design, off the heap, in chunks taken as it grows (a chunk's small heap wrapper, about
 * 0.04 B per entry, is all the heap sees of it). As in the server ({@code LedgerPipeline}'s {@code ledger-memory} thread),
 * a {@link HistoryMemory} filled by a thread of its own hands the ledger those chunks already allocated and faulted in
 * ({@code historyMemory=ahead}, the default); {@code -p historyMemory=ledger-thread} lets the ledger thread allocate
 * them itself, as a ledger without a pipeline does; {@code -p historyMemory=presized} builds each ledger with its whole
 * epoch's history ({@link #EPOCH_ENTRIES_PRESIZED} entries) allocated up front, outside the measured code ({@code Ledger}'s
 * {@code historyEntriesInitial}), so that the figure is the apply alone, with no memory made during it: the
 * like-for-like comparison with builds that kept the history in on-heap arrays the JVM had touched before (built at
 * rotation, so {@code -prof gc} also counts those set-ups, about 2 B/op: use the other modes for allocation). To bound that memory a ledger is retired (checked) after
 * {@link #EPOCH_ENTRIES} entries and replaced, outside the measured code, by one of {@link #spareLedgers} built at
 * trial set-up: with {@code -prof gc}, {@code gc.alloc.rate.norm} is what the ledger thread allocates per command
 * (JMH counts set-up code run inside an iteration, so building a replacement there, about 4 MB at 10,000 customers,
 * would show; it happens only if a trial outlasts the spares).
 *
 * <p>Answers are checked whenever a ledger is retired and at the end: conservation of money, and exactly the expected
 * number of commands accepted (or refused). Chronicle flags come from {@link BenchmarkMain}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g"})
@State(Scope.Thread)
public class LedgerApplyBenchmark
{
    static final int BATCH = 10_000;
    /** Purchases per batch command in the batch benchmarks. */
    static final int BATCH_ITEMS = 100;
    private static final long PAYOUT_FUNDING_MINOR = 1_000_000;

    /** History entries after which a ledger is replaced: at most 1 GB off the heap per ledger. */
    static final long EPOCH_ENTRIES = 16_000_000;
    /** With {@code historyMemory=presized}: a smaller epoch, since each ledger holds all of it from the start. */
    static final long EPOCH_ENTRIES_PRESIZED = 4_000_000;
    /** Text bytes allocated up front per history entry with {@code presized} (a purchase writes 10 per 2 entries). */
    private static final int PRESIZED_TEXT_BYTES_PER_ENTRY = 16;
    private long epochEntries;
    @Param("10000")
    public int customers;

    /** Ledgers built at trial set-up, enough for a default run's epochs (3 + 5 iterations of 2 s). */
    @Param("24")
    public int spareLedgers;

    /**
     * {@code ahead}: history chunks made ready by a filler thread, as in the server; {@code ledger-thread}: made by the
     * ledger thread; {@code presized}: all allocated when the ledger is built.
     */
    @Param("ahead")
    public String historyMemory;

    /** Chunks of each kind kept ready: about 20 ms of purchases at this benchmark's rate. */
    private static final int READY_CHUNKS = 64;
    private HistoryMemory memory;
    private HistoryMemory.Filler filler;

    private final java.util.ArrayDeque<Ledger> spares = new java.util.ArrayDeque<>();
    private Ledger ledger;
    private final CommandEvent payIn = new CommandEvent();
    private final CommandEvent accepted = new CommandEvent();
    private final CommandEvent refused = new CommandEvent();
    private final CommandEvent transfer = new CommandEvent();
    private final CommandEvent payout = new CommandEvent();
    private final CommandEvent balance = new CommandEvent();
    private final CommandEvent balanceAsOf = new CommandEvent();
    private final CommandEvent transactions = new CommandEvent();
    private final CommandEvent keyed = new CommandEvent();
    private final CommandEvent batch = new CommandEvent();
    private final BatchItems batchItems = new BatchItems();
    private final CommandEvent linkedBatch = new CommandEvent();
    private final BatchItems linkedBatchItems = new BatchItems();
    private static final int KEY_DIGITS = 16;
    private long nextCommandId;
    private int nextCustomer;
    private long entriesUsed;
    private long keys;
    /** Commands of each outcome issued in this epoch, and the outcomes seen. */
    private long issuedOk;
    private long issuedRefused;
    private long ok;
    private long insufficient;
    private long moneyPurchases;

    @Setup(Level.Trial)
    public void setUp()
    {
        payIn.type(CommandType.PAY_IN).set(Field.AMOUNT_MINOR, 1).set(Field.CURRENCY, Population.CURRENCY)
            .text(Field.MERCHANT_ID, Population.MERCHANT_ID);
        Population.purchase(accepted, 0, Population.PURCHASE_MINOR);
        Population.purchase(refused, 0, Population.PAY_IN_MINOR + 1);
        transfer.type(CommandType.TRANSFER).set(Field.AMOUNT_MINOR, 1).set(Field.CURRENCY, Population.CURRENCY)
            .text(Field.MERCHANT_ID, Population.MERCHANT_ID).text(Field.DESCRIPTION, "rent share");
        payout.type(CommandType.PAYOUT).set(Field.AMOUNT_MINOR, 1).set(Field.CURRENCY, Population.CURRENCY)
            .text(Field.MERCHANT_ID, Population.MERCHANT_ID).text(Field.BANK_ACCOUNT, "ZA-0000-1234")
            .text(Field.DESCRIPTION, "weekly settlement").text(Field.METADATA_JSON, "{\"batch\":7}");
        balance.type(CommandType.GET_CUSTOMER_BALANCE).text(Field.MERCHANT_ID, Population.MERCHANT_ID);
        balanceAsOf.type(CommandType.GET_CUSTOMER_BALANCE).text(Field.MERCHANT_ID, Population.MERCHANT_ID)
            .set(Field.TO_MS, Population.TIMESTAMP_MS);
        transactions.type(CommandType.LIST_CUSTOMER_TRANSACTIONS).text(Field.MERCHANT_ID, Population.MERCHANT_ID).page(10, 0);
        Population.purchase(keyed, 0, Population.PURCHASE_MINOR).text(Field.IDEMPOTENCY_KEY, "key-0000000000000000");
        for (int i = 0; i < BATCH_ITEMS; i++)
        {
            Population.purchase(batchItems.add(CommandType.PURCHASE, false), 0, Population.PURCHASE_MINOR);
            Population.purchase(linkedBatchItems.add(CommandType.PURCHASE, i % 2 == 0), 0, Population.PURCHASE_MINOR);
        }
        batch.type(CommandType.BATCH).text(Field.MERCHANT_ID, Population.MERCHANT_ID).batch(batchItems);
        linkedBatch.type(CommandType.BATCH).text(Field.MERCHANT_ID, Population.MERCHANT_ID).batch(linkedBatchItems);
        final boolean presized = "presized".equals(historyMemory);
        epochEntries = presized ? EPOCH_ENTRIES_PRESIZED : EPOCH_ENTRIES;
        for (int i = 0; !presized && i < spareLedgers; i++)
        {
            spares.add(build());
        }
        if ("ahead".equals(historyMemory))
        {
            memory = new HistoryMemory(READY_CHUNKS);
            filler = HistoryMemory.startFiller(memory, "history-memory", 200_000);
        }
        else if (!"ledger-thread".equals(historyMemory) && !presized)
        {
            throw new IllegalArgumentException("historyMemory=" + historyMemory + ": ahead, ledger-thread or presized");
        }
        newLedger();
    }

    /** Rotates when the next batch's entries (at most two per command, and one more batch of set-up) would not fit. */
    @Setup(Level.Invocation)
    public void rotate()
    {
        if (entriesUsed + 2L * BATCH > epochEntries)
        {
            retireLedger();
            newLedger();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        retireLedger();
        if (filler != null)
        {
            filler.close();
            System.out.println("history chunks: " + memory.chunksAllocatedAhead() + " made ahead, " +
                memory.chunksAllocatedOnLedgerThread() + " on the benchmark thread");
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long payIn()
    {
        issuedOk += BATCH;
        entriesUsed += BATCH;
        return applyBatch(payIn, false);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long purchase()
    {
        issuedOk += BATCH;
        entriesUsed += 2L * BATCH;
        moneyPurchases += BATCH;
        return applyBatch(accepted, false);
    }

    /** Appends nothing: {@code -prof gc} sees only what {@link Ledger#apply} allocates on the validation path. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long purchaseRefused()
    {
        issuedRefused += BATCH;
        return applyBatch(refused, false);
    }

    /** Customer {@code i} pays customer {@code i + 1}. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long transfer()
    {
        issuedOk += BATCH;
        entriesUsed += 2L * BATCH;
        return applyBatch(transfer, true);
    }

    /** The merchant pays 1 out to its bank; funded at set-up. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long payout()
    {
        issuedOk += BATCH;
        entriesUsed += BATCH;
        return applyBatch(payout, false);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long customerBalance()
    {
        issuedOk += BATCH;
        return applyBatch(balance, false);
    }

    /**
     * A balance as of a moment (issue 19's {@code ?at=}): the population's own moment, so the walk passes no newer entry;
     * what it adds to {@link #customerBalance} is the moment's checks and the walk's first step (and, under -prof gc, that
     * it allocates nothing).
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long customerBalanceAsOf()
    {
        issuedOk += BATCH;
        return applyBatch(balanceAsOf, false);
    }

    /** A page of 10 history rows (each customer has its pay-in at least). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long customerTransactions()
    {
        issuedOk += BATCH;
        return applyBatch(transactions, false);
    }

    /**
     * Every purchase with a new idempotency key: the key and the stored outcome are kept, and expire after 24 h of ledger
     * time (the commands are stamped ten seconds apart, so 8,640 keys are held and one expires per command).
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long purchaseWithIdempotencyKey()
    {
        issuedOk += BATCH;
        entriesUsed += 2L * BATCH;
        moneyPurchases += BATCH;
        final Ledger ledger = this.ledger;
        final CommandEvent event = keyed;
        long commandId = nextCommandId;
        int customer = nextCustomer;
        long ok = 0;
        // the key's digits are rewritten in place in the event's text buffer: setting the text again would append
        final org.agrona.MutableDirectBuffer text = (org.agrona.MutableDirectBuffer)event.textBuffer();
        final int digitsEnd = event.textOffset(Field.IDEMPOTENCY_KEY) + event.textLength(Field.IDEMPOTENCY_KEY);
        for (int i = 0; i < BATCH; i++)
        {
            long n = keys++;
            for (int d = digitsEnd - 1; d >= digitsEnd - KEY_DIGITS; d--, n /= 10)
            {
                text.putByte(d, (byte)('0' + n % 10));
            }
            // ten seconds apart, so keys expire after a day of ledger time (8,640 commands) and their number stays bounded
            event.set(Field.CUSTOMER_KEY, Population.customerKey(customer)).stamp(commandId, Population.TIMESTAMP_MS + 10_000L * commandId);
            commandId++;
            if (++customer == customers)
            {
                customer = 0;
            }
            ledger.apply(event);
            if (event.result() == ResultCode.OK)
            {
                ok++;
            }
        }
        nextCommandId = commandId;
        nextCustomer = customer;
        this.ok += ok;
        return ok;
    }

    /** {@link #BATCH} purchases as 100 batches of {@link #BATCH_ITEMS}, none linked. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long purchaseBatchOf100()
    {
        issuedOk += BATCH;
        entriesUsed += 2L * BATCH;
        moneyPurchases += BATCH;
        return applyBatchCommands(batch);
    }

    /** As {@link #purchaseBatchOf100}, the purchases linked in pairs: each pair is a dry run, then applied. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long linkedPurchaseBatchOf100()
    {
        issuedOk += BATCH;
        entriesUsed += 2L * BATCH;
        moneyPurchases += BATCH;
        return applyBatchCommands(linkedBatch);
    }

    private long applyBatchCommands(final CommandEvent event)
    {
        final Ledger ledger = this.ledger;
        final BatchItems items = event.batch();
        long commandId = nextCommandId;
        int customer = nextCustomer;
        long ok = 0;
        for (int b = 0; b < BATCH / BATCH_ITEMS; b++)
        {
            for (int i = 0; i < BATCH_ITEMS; i++)
            {
                items.item(i).set(Field.CUSTOMER_KEY, Population.customerKey(customer));
                if (++customer == customers)
                {
                    customer = 0;
                }
            }
            commandId += BATCH_ITEMS; // the purchases' ids, then the batch's own
            event.stamp(commandId++, Population.TIMESTAMP_MS);
            ledger.apply(event);
            for (int i = 0; i < BATCH_ITEMS; i++)
            {
                if (items.item(i).result() == ResultCode.OK)
                {
                    ok++;
                }
            }
        }
        nextCommandId = commandId;
        nextCustomer = customer;
        this.ok += ok;
        return ok;
    }

    private long applyBatch(final CommandEvent event, final boolean toNext)
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
            if (toNext)
            {
                event.set(Field.TO_CUSTOMER_KEY, Population.customerKey(customer));
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

    /** The population, and the merchant funded for payouts by one purchase per customer. */
    private Ledger build()
    {
        final Ledger built = "presized".equals(historyMemory)
            ? Population.build(customers, (int)EPOCH_ENTRIES_PRESIZED, (int)EPOCH_ENTRIES_PRESIZED * PRESIZED_TEXT_BYTES_PER_ENTRY)
            : Population.build(customers);
        long commandId = Population.firstFreeCommandId(customers);
        final CommandEvent funding = Population.purchase(new CommandEvent(), 0, PAYOUT_FUNDING_MINOR);
        for (int i = 0; i < customers; i++)
        {
            funding.set(Field.CUSTOMER_KEY, Population.customerKey(i)).stamp(commandId++, Population.TIMESTAMP_MS);
            built.apply(funding);
            if (funding.result() != ResultCode.OK)
            {
                throw new IllegalStateException("funding purchase " + i + " result=" + funding.result());
            }
        }
        return built;
    }

    private void newLedger()
    {
        final Ledger spare = spares.pollFirst();
        ledger = spare != null ? spare : build();
        if (memory != null)
        {
            ledger.historyMemory(memory);
        }
        nextCommandId = Population.firstFreeCommandId(customers) + customers;
        nextCustomer = 0;
        entriesUsed = Population.setUpEntries(customers) + 2L * customers;
        issuedOk = 0;
        issuedRefused = 0;
        ok = 0;
        insufficient = 0;
        moneyPurchases = 0;
    }

    private void retireLedger()
    {
        ledger.checkConservation();
        if (ok != issuedOk || insufficient != issuedRefused)
        {
            throw new IllegalStateException("ok=" + ok + " expected=" + issuedOk + " insufficientFunds=" + insufficient +
                " expected=" + issuedRefused);
        }
        ledger = null;
    }
}
