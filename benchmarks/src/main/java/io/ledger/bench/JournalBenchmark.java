package io.ledger.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.Field;
import io.ledger.engine.Ledger;
import io.ledger.engine.ReplayWindow;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.Durability;
import io.ledger.journal.snapshot.LedgerRecovery;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * The Chronicle journal alone.
 *
 * <p>{@code append}: {@link ChronicleJournal#append} of purchase commands in {@code process} durability (page
 * cache, no sync), {@link #BATCH} per invocation; one op is one record. The journal is closed, checked and
 * deleted every {@link #EPOCH_RECORDS} records, outside the measured code, to bound the disk used.
 *
 * <p>{@code replay}: {@link ChronicleJournal#replay} of a journal of {@code records} purchases written at set-up:
 * read, verify (CRC32C, order) and decode every record.
 *
 * <p>{@code replayIntoLedger}: what a server start without a snapshot does ({@link LedgerRecovery#recover}, with
 * {@code historyMemory=ahead}): replay a journal of {@code records} commands (a population of {@code customers}: their
 * CREATE_CUSTOMER and PAY_IN commands, then purchases of 1 spread over them in no order) into a fresh {@link Ledger}
 * through a {@link ReplayWindow} of {@code window} commands (the journal read on a reader thread when {@code readerThread}),
 * then check the rebuilt state: every command applied,
 * money conserved, the merchant holding exactly what the purchases paid. The state hash is not computed: it folds the
 * whole state, a cost of its own (the replay and snapshot tests compare it), not part of replaying. The replay target of the benchmarks issue
 * (5M commands/s) is about this one. The primary score is replays per second; the
 * {@code records} secondary score (an {@link AuxCounters} counter) is records per second, correct whatever
 * {@code records} is set to (an {@code @OperationsPerInvocation} constant would be wrong once the smoke test
 * shrinks the journal). Each replay checks it saw every record, in order. A big ledger's replay, bound by memory misses
 * (a customer of a million per purchase) rather than by the work per command:
 * {@code -p historyMemory=ahead -p customers=1000000 -p records=4000000 -p window=1,16} (2M customer commands, 2M
 * purchases; each invocation takes seconds, so use few, long iterations).
 *
 * <p>Chronicle flags come from {@link BenchmarkMain}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
public class JournalBenchmark
{
    static final int BATCH = 10_000;
    static final long EPOCH_RECORDS = 2_000_000;

    @State(Scope.Thread)
    public static class AppendState
    {
        final CommandEvent event = new CommandEvent();
        ChronicleJournal journal;
        Path dir;
        long nextCommandId;
        long appended;
        int customer;

        @Setup(Level.Trial)
        public void setUp()
        {
            Population.purchase(event, 0, Population.PURCHASE_MINOR);
            open();
        }

        @Setup(Level.Invocation)
        public void rotate()
        {
            if (appended >= EPOCH_RECORDS)
            {
                close();
                open();
            }
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            close();
        }

        private void open()
        {
            dir = TempDirs.create("ledger-bench-append-");
            journal = ChronicleJournal.open(dir, Durability.PROCESS);
            nextCommandId = 1;
            appended = 0;
        }

        private void close()
        {
            try
            {
                if (journal.lastCommandId() != appended)
                {
                    throw new IllegalStateException("lastCommandId=" + journal.lastCommandId() + " appended=" + appended);
                }
                journal.close();
            }
            finally
            {
                TempDirs.delete(dir);
            }
        }
    }

    @State(Scope.Thread)
    public static class ReplayState
    {
        @Param("1000000")
        public int records;

        ChronicleJournal journal;
        Path dir;
        long seen;
        long lastSeenId;
        boolean ordered;
        final Consumer<CommandEvent> consumer = event ->
        {
            final long id = event.commandId();
            ordered &= id == lastSeenId + 1;
            lastSeenId = id;
            seen++;
        };

        @Setup(Level.Trial)
        public void setUp()
        {
            dir = TempDirs.create("ledger-bench-replay-");
            try (ChronicleJournal writer = ChronicleJournal.open(dir, Durability.PROCESS))
            {
                final CommandEvent event = Population.purchase(new CommandEvent(), 0, Population.PURCHASE_MINOR);
                for (int i = 1; i <= records; i++)
                {
                    event.set(Field.CUSTOMER_KEY, Population.customerKey(i % 10_000)).stamp(i, Population.TIMESTAMP_MS);
                    writer.append(event);
                }
            }
            journal = ChronicleJournal.open(dir, Durability.PROCESS);
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            try
            {
                journal.close();
            }
            finally
            {
                TempDirs.delete(dir);
            }
        }
    }

    @State(Scope.Thread)
    public static class ReplayLedgerState
    {
        @Param("1000000")
        public int records;

        /**
         * Where the rebuilt ledger's history memory comes from: {@code ahead} (the default) replays through
         * {@link LedgerRecovery#recover}, as a server start does, whose {@code ledger-recovery-memory} thread allocates
         * the history's chunks ahead of the replaying thread; {@code ledger-thread} replays into a {@code new Ledger}
         * that allocates (zeroes and faults in) each chunk on the replaying thread, as this benchmark did before.
         * Read {@code ledger-thread} as a bound, not as a start: from one invocation to the next the same thread
         * allocates what the previous ledger freed, which the C allocator hands back already faulted in, while a
         * server start has only fresh memory (a page fault costs 12.5-16 us per 4 KiB page on this project's VM).
         * With {@code ahead} the new filler thread of each invocation gets memory of its own arena, mostly fresh.
         */
        @Param({"ahead", "ledger-thread"})
        public String historyMemory;

        /**
         * Customers the journal creates (at most a quarter of {@code records}): 10,000 fit in the cache, so the replay
         * is bound by the work per command; 1,000,000 (with {@code records} of a few million) do not, and each purchase
         * misses the cache and TLB for its customer, as a big ledger's start-up replay does.
         */
        @Param("10000")
        public int customers;

        /**
         * Commands per {@link ReplayWindow} of the {@code ahead} replay ({@code LedgerRecovery}'s default 16; 1 applies
         * each record as it is read). {@code ledger-thread} always applies record by record.
         */
        @Param("16")
        public int window;

        /**
         * Whether the {@code ahead} replay reads, verifies and decodes the journal on a reader thread of its own while
         * this thread applies (true), or reads on this thread ({@code LedgerRecovery}'s default, false).
         */
        @Param("false")
        public boolean readerThread;

        ChronicleJournal journal;
        Path dir;
        int population;
        long purchases;

        @Setup(Level.Trial)
        public void setUp()
        {
            population = Math.max(1, Math.min(customers, records / 4));
            purchases = records - 2L * population;
            dir = TempDirs.create("ledger-bench-replay-ledger-");
            try (ChronicleJournal writer = ChronicleJournal.open(dir, Durability.PROCESS))
            {
                Population.setUpCommands(population, writer::append);
                final CommandEvent event = Population.purchase(new CommandEvent(), 0, Population.PURCHASE_MINOR);
                long commandId = Population.firstFreeCommandId(population);
                for (long i = 0; i < purchases; i++)
                {
                    event.set(Field.CUSTOMER_KEY, Population.customerKey(scattered(i, population))).stamp(commandId++, Population.TIMESTAMP_MS);
                    writer.append(event);
                }
            }
            journal = ChronicleJournal.open(dir, Durability.PROCESS);
        }

        /**
         * @return the customer of purchase {@code i}: spread over all {@code population} of them in no order (a fixed
         * mix of {@code i}, the same every run), as a live ledger's buyers come, so that neighbouring purchases do not
         * share a cache line of the index or the rows.
         */
        static int scattered(final long i, final int population)
        {
            long z = i + 0x9E37_79B9_7F4A_7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
            return (int)Long.remainderUnsigned(z ^ (z >>> 31), population);
        }

        /**
         * Outside the measured time: collects the ledger the replay just built, whose history lives off the heap in
         * direct memory that is freed when the ledger is collected. A server builds one ledger; this loop builds one
         * per invocation, and with almost nothing on the heap nothing else would collect them before direct memory
         * runs out (the JVM then collects and waits inside the next allocation, in the measured time).
         */
        @TearDown(Level.Invocation)
        public void collectTheReplayedLedger()
        {
            System.gc();
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            try
            {
                journal.close();
            }
            finally
            {
                TempDirs.delete(dir);
            }
        }
    }

    /** Records replayed, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class ReplayCounters
    {
        public long records;

        @Setup(Level.Iteration)
        public void reset()
        {
            records = 0;
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long append(final AppendState state)
    {
        final ChronicleJournal journal = state.journal;
        final CommandEvent event = state.event;
        long commandId = state.nextCommandId;
        int customer = state.customer;
        for (int i = 0; i < BATCH; i++)
        {
            event.set(Field.CUSTOMER_KEY, Population.customerKey(customer)).stamp(commandId++, Population.TIMESTAMP_MS);
            customer = customer + 1 == 10_000 ? 0 : customer + 1;
            journal.append(event);
        }
        journal.endOfBatch();
        state.nextCommandId = commandId;
        state.customer = customer;
        state.appended += BATCH;
        return commandId;
    }

    @Benchmark
    public long replay(final ReplayState state, final ReplayCounters counters)
    {
        state.seen = 0;
        state.lastSeenId = 0;
        state.ordered = true;
        final ChronicleJournal.ReplayResult result = state.journal.replay(state.consumer);
        if (result.records() != state.records || state.seen != state.records || !state.ordered
            || result.lastCommandId() != state.records)
        {
            throw new IllegalStateException("replayed records=" + result.records() + " seen=" + state.seen +
                " ordered=" + state.ordered + " lastCommandId=" + result.lastCommandId() + " expected=" + state.records);
        }
        counters.records += result.records();
        return result.lastCommandId();
    }

    @Benchmark
    public long replayIntoLedger(final ReplayLedgerState state, final ReplayCounters counters)
    {
        final Ledger ledger;
        final ChronicleJournal.ReplayResult result;
        switch (state.historyMemory)
        {
            case "ahead" ->
            {
                final LedgerRecovery.Result recovered =
                    LedgerRecovery.recover(state.journal, null, null, Population.CURRENCY, null, state.window, state.readerThread);
                ledger = recovered.ledger();
                result = recovered.replay();
            }
            case "ledger-thread" ->
            {
                ledger = new Ledger(Population.CURRENCY);
                result = state.journal.replay(ledger::apply);
            }
            default -> throw new IllegalArgumentException("historyMemory=" + state.historyMemory + " must be ahead or ledger-thread");
        }
        if (result.records() != state.records || ledger.commandsApplied() != state.records)
        {
            throw new IllegalStateException("replayed records=" + result.records() + " applied=" + ledger.commandsApplied() +
                " expected=" + state.records);
        }
        if (ledger.customerCount() != state.population)
        {
            throw new IllegalStateException("customers=" + ledger.customerCount() + " expected=" + state.population);
        }
        Population.verify(ledger, state.purchases, state.purchases);
        counters.records += result.records();
        return ledger.lastCommandId(); // not the state hash: folding the whole state is not replay, and costs about as much
    }
}
