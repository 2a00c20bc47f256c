package io.ledger.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.Ledger;
import io.ledger.engine.ResultCode;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.JournalTail;
import io.ledger.journal.Durability;
import io.ledger.journal.snapshot.LedgerRecovery;
import io.ledger.journal.snapshot.SnapshotHeader;
import io.ledger.journal.snapshot.SnapshotStore;

/**
 * Recovery figures, as a plain main (one long run, not a JMH loop): builds a journal of {@code --commands} commands
 * ({@code --customers} customer creations, two pay-ins per customer, purchases for the rest), then measures
 *
 * <ol>
 *   <li>a full replay of the journal into a fresh ledger (commands/s), as a start without a snapshot does;</li>
 *   <li>a snapshot of the ledger {@code --tail} commands before the end, written the way the server's snapshot follower
 *       writes one from its own copy (payload, state hash, header, fsync, rename): the follower's time, for which the
 *       ledger thread does not stop;</li>
 *   <li>a start-up from that snapshot: load (read, checksum, rebuild, state-hash check) plus the tail replay.</li>
 * </ol>
 *
 * It checks its own answers: the snapshot + tail state must have the full replay's state hash, and no set-up command
 * may be refused; otherwise it exits 1. Each figure is one line {@code recovery <name> key=value ...} on stdout.
 *
 * <pre>
 *   mvn -B -q -pl benchmarks -am package -DskipTests
 *   java @config/jvm.options -Xms8g -Xmx8g -XX:+UseG1GC -cp benchmarks/target/benchmarks.jar \
 *       io.ledger.bench.RecoveryBenchmark [--dir DIR] [--customers 1000000] [--commands 10000000] [--tail 100000] [--keep]
 * </pre>
 *
 * Without {@code --dir} it works in a temporary directory and deletes it at the end (unless {@code --keep}); the
 * journal of 10M commands takes about 1.2 GB and the snapshot about 1 GB.
 */
public final class RecoveryBenchmark
{
    private static final String[] MERCHANTS = {"bench_m0", "bench_m1", "bench_m2", "bench_m3", "bench_m4", "bench_m5", "bench_m6",
        "bench_m7", "bench_m8", "bench_m9"};
    private static final int ZAR = Currencies.pack("ZAR");
    private static final long T0_MS = 1_767_225_600_000L;
    private static final long PAY_IN_MINOR = 100_000;

    private RecoveryBenchmark()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        Path dir = null;
        int customers = 1_000_000;
        long commands = 10_000_000;
        long tail = 100_000;
        boolean keep = false;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--customers" -> customers = Integer.parseInt(args[++i]);
                case "--commands" -> commands = Long.parseLong(args[++i]);
                case "--tail" -> tail = Long.parseLong(args[++i]);
                case "--keep" -> keep = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i] +
                    "; usage: [--dir DIR] [--customers N] [--commands N] [--tail N] [--keep]");
            }
        }
        if (commands < 3L * customers || tail < 0 || tail >= commands)
        {
            throw new IllegalArgumentException("commands=" + commands + " must be >= 3 * customers=" + customers + ", tail=" + tail +
                " in 0..commands-1");
        }
        final boolean temporary = dir == null;
        final Path root = temporary ? Files.createTempDirectory("recovery-bench") : dir;
        try
        {
            run(root, customers, commands, tail);
        }
        finally
        {
            if (temporary && !keep)
            {
                deleteTree(root);
            }
        }
    }

    /** A full replay, as a start without snapshot. @return the state hash it reaches. */
    private static long replayFull(final Path journalDir, final int customers, final long commands)
    {
        final long fullHash;
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(journalDir))
        {
            Ledger ledger = new Ledger(ZAR);
            final Ledger target = ledger;
            final long setUpCommands = 3L * customers;
            final long[] refused = {0, 0};
            final long startNs = System.nanoTime();
            final ChronicleJournal.ReplayResult result = journal.replay((index, event) ->
            {
                target.apply(event);
                if (event.result() != ResultCode.OK)
                {
                    refused[event.commandId() <= setUpCommands ? 0 : 1]++;
                }
                return true;
            });
            final long ns = System.nanoTime() - startNs;
            check(result.records() == commands, "replayed " + result.records() + " of " + commands);
            check(refused[0] == 0, refused[0] + " customer creations or pay-ins were refused");
            ledger.checkConservation();
            final long hashStartNs = System.nanoTime();
            fullHash = ledger.stateHash();
            print("recovery replay_full commands=%d ms=%d commands_per_s=%d customers=%d refused_purchases=%d state_hash_ms=%d",
                commands, ms(ns), rate(commands, ns), ledger.customerCount(), refused[1], ms(System.nanoTime() - hashStartNs));
            printMemory(ledger);
            ledger = null;
        }
        return fullHash;
    }

    /** A snapshot {@code tail} commands before the end, as the server's snapshot follower writes one from its own copy. */
    private static void writeSnapshot(final Path root, final Path journalDir, final SnapshotStore store, final long snapshotAt)
        throws Exception
    {
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(journalDir))
        {
            Ledger ledger = new Ledger(ZAR);
            final Ledger target = ledger;
            final long[] at = {-1, -1};
            try (JournalTail follower = journal.tail(-1, 0))
            {
                follower.poll((index, event) ->
                {
                    target.apply(event);
                    return event.commandId() < snapshotAt;
                }, Long.MAX_VALUE);
                at[0] = follower.lastCommandIndex();
                at[1] = follower.lastCommandCrc32c();
            }
            final long hashStartNs = System.nanoTime();
            target.stateHash();
            final long hashNs = System.nanoTime() - hashStartNs;
            final SnapshotStore.Written written = store.write(ledger, at[0], at[1]);
            // All of it runs on the follower's thread; the ledger thread does not stop for any of it
            print("recovery snapshot_write customers=%d last_command_id=%d bytes=%d payload_ms=%d state_hash_ms=%d total_ms=%d",
                ledger.customerCount(), ledger.lastCommandId(), written.payloadBytes() + SnapshotHeader.HEADER_BYTES,
                ms(written.payloadNs()), ms(hashNs), ms(written.totalNs()));
            ledger = null;
        }
    }

    private static void run(final Path root, final int customers, final long commands, final long tail) throws Exception
    {
        final Path journalDir = root.resolve("journal");
        print("recovery config customers=%d commands=%d tail=%d dir=%s heap_max_mb=%d cpus=%d java=%s", customers, commands, tail, root,
            Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

        // 1. the journal
        long startNs = System.nanoTime();
        final long snapshotAt = build(journalDir, customers, commands, tail);
        long ns = System.nanoTime() - startNs;
        print("recovery build commands=%d ms=%d commands_per_s=%d journal_file_bytes=%d", commands, ms(ns), rate(commands, ns),
            sizeOf(journalDir));

        // 2. a full replay, as a start without snapshot
        final long fullHash = replayFull(journalDir, customers, commands);
        System.gc();

        // 3. a snapshot tail commands before the end, as the server's snapshot follower writes one from its own copy
        final SnapshotStore store = SnapshotStore.open(root.resolve(SnapshotStore.DIRECTORY_NAME));
        writeSnapshot(root, journalDir, store, snapshotAt);
        System.gc();

        // 4. a start from it: newest snapshot + tail, as LedgerServer.start does
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(journalDir))
        {
            startNs = System.nanoTime();
            final LedgerRecovery.Result recovered = LedgerRecovery.recover(journal, store, root, ZAR, null);
            ns = System.nanoTime() - startNs;
            check(recovered.snapshot() != null, "the snapshot was not used");
            recovered.ledger().checkConservation();
            final long hashStartNs = System.nanoTime();
            final long hash = recovered.ledger().stateHash();
            final long verifyHashNs = System.nanoTime() - hashStartNs;
            check(hash == fullHash, "snapshot + tail state hash " + Long.toHexString(hash) + " != full replay " + Long.toHexString(fullHash));
            final long loadNs = recovered.snapshot().loadNs();
            print("recovery startup_from_snapshot customers=%d snapshot_load_ms=%d tail_commands=%d tail_ms=%d total_ms=%d " +
                    "state_hash_check_ms=%d state_hash_equal=true", recovered.ledger().customerCount(), ms(loadNs),
                recovered.replayedRecords(), ms(ns - loadNs), ms(ns), ms(verifyHashNs));
        }
    }

    /**
     * Appends the commands; returns the id of the command the snapshot will cover ({@code tail} before the end).
     */
    private static long build(final Path journalDir, final int customers, final long commands, final long tail)
    {
        final CommandEvent event = new CommandEvent();
        final Random random = new Random(42);
        long commandId = 0;
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.PROCESS))
        {
            for (int i = 0; i < customers; i++)
            {
                event.clear();
                event.stamp(++commandId, T0_MS + commandId).type(CommandType.CREATE_CUSTOMER)
                    .text(Field.MERCHANT_ID, MERCHANTS[i % MERCHANTS.length])
                    .text(Field.PHONE, "+2782" + (1_000_000 + i))
                    .text(Field.NAME, "Customer " + i)
                    .text(Field.METADATA_JSON, "{\"tier\":\"gold\",\"n\":" + i + "}");
                if (i % 2 == 0)
                {
                    event.text(Field.EMAIL, "customer" + i + "@example.com");
                }
                journal.append(event);
            }
            for (int round = 0; round < 2; round++)
            {
                for (int i = 0; i < customers; i++)
                {
                    event.clear();
                    event.stamp(++commandId, T0_MS + commandId).type(CommandType.PAY_IN)
                        .text(Field.MERCHANT_ID, MERCHANTS[i % MERCHANTS.length])
                        .set(Field.CUSTOMER_KEY, i + 1).set(Field.AMOUNT_MINOR, PAY_IN_MINOR).set(Field.CURRENCY, ZAR)
                        .text(Field.DESCRIPTION, "top-up " + round);
                    journal.append(event);
                }
            }
            while (commandId < commands)
            {
                final int i = random.nextInt(customers);
                event.clear();
                event.stamp(++commandId, T0_MS + commandId).type(CommandType.PURCHASE)
                    .text(Field.MERCHANT_ID, MERCHANTS[i % MERCHANTS.length])
                    .set(Field.CUSTOMER_KEY, i + 1).set(Field.AMOUNT_MINOR, 1 + random.nextInt(500)).set(Field.CURRENCY, ZAR).set(Field.QUANTITY, 1)
                    .text(Field.PRODUCT_ID, "sku-" + random.nextInt(1000));
                journal.append(event);
            }
        }
        return commands - tail;
    }

    private static void check(final boolean condition, final String problem)
    {
        if (!condition)
        {
            System.err.println("recovery FAILED: " + problem);
            System.exit(1);
        }
    }

    private static void print(final String format, final Object... args)
    {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    /**
     * What one ledger holds, measured with it alive after a full collection: the heap in use (the ledger and this
     * program's small rest) and the direct memory in use (history entries and texts, off the heap; nothing else here
     * allocates direct buffers). The server holds the ledger twice: the live one and the snapshot follower's copy.
     */
    private static void printMemory(final Ledger ledger)
    {
        System.gc();
        final long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = 0;
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if ("direct".equals(pool.getName()))
            {
                direct = pool.getMemoryUsed();
            }
        }
        print("recovery memory customers=%d heap_used_mb=%d direct_mb=%d server_with_follower_mb=%d", ledger.customerCount(),
            heap >> 20, direct >> 20, (2 * (heap + direct)) >> 20);
    }

    private static long ms(final long ns)
    {
        return TimeUnit.NANOSECONDS.toMillis(ns);
    }

    private static long rate(final long count, final long ns)
    {
        return ns <= 0 ? 0 : (long)(count * 1e9 / ns);
    }

    private static long sizeOf(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            long bytes = 0;
            for (final Path file : files.filter(Files::isRegularFile).toList())
            {
                bytes += Files.size(file);
            }
            return bytes;
        }
    }

    private static void deleteTree(final Path dir)
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
