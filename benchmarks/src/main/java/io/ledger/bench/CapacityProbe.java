package io.ledger.bench;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.ledger.engine.CommandCodec;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.Ledger;
import io.ledger.engine.LedgerSnapshot;
import io.ledger.engine.ResultCode;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.Durability;
import io.ledger.journal.internal.HugePageSlabs;

/**
 * What one customer, one history entry, one idempotency key, one journaled command and one ring slot cost, measured
 * on the machine it runs on, for docs/capacity.md. Not a speed benchmark: it counts bytes.
 *
 * <ul>
 *   <li><b>Heap</b> and <b>off-heap</b>: the ledger is built by applying commands directly (no pipeline, no HTTP), and
 *       the heap in use (and the direct buffers and history slabs, off the heap) are read after full collections ({@code System.gc()} until it settles) before and after; the difference divided by
 *       the count is the cost per item, including the maps' and arrays' spare capacity at that count (say which count in
 *       the figures: maps and arrays grow by doubling). History is measured at exactly 2^22 entries, where the columns
 *       are full.</li>
 *   <li><b>Snapshot</b>: {@link LedgerSnapshot#write} into a byte counter, with and without the items.</li>
 *   <li><b>Journal</b>: the same commands appended to a real Chronicle journal in a temporary directory; the disk it
 *       takes ({@code du -B1}: allocated blocks, not the sparse file's apparent size) before and after, and the encoded
 *       record.</li>
 *   <li><b>Ring slot</b>: the heap of 16384 new {@link CommandEvent}s, as the ring preallocates them.</li>
 * </ul>
 *
 * <pre>
 *   mvn -B -q -pl benchmarks -am package -DskipTests
 *   java @config/jvm.options -Xms4g -Xmx4g -XX:+UseG1GC -cp benchmarks/target/benchmarks.jar io.ledger.bench.CapacityProbe
 * </pre>
 *
 * Prints one {@code capacity <what> key=value ...} line per figure.
 */
public final class CapacityProbe
{
    private static final int ZAR = Currencies.pack("ZAR");
    private static final String MERCHANT = "merchant_0001";
    private static final long T0_MS = 1_767_225_600_000L;
    private static final int CUSTOMERS = 1_000_000;
    private static final int ENTRIES = 1 << 22;
    private static final int ENTRY_CUSTOMERS = 100_000;
    private static final int KEYS = 1_000_000;
    private static final int JOURNAL_COMMANDS = 1_000_000;
    private static final int RING_SLOTS = 16_384;

    private long commandId;
    private final CommandEvent event = new CommandEvent();

    private CapacityProbe()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        print("capacity config heap_max_mb=%d java=%s gc=%s", Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"),
            ManagementFactory.getGarbageCollectorMXBeans().get(0).getName());
        if (args.length > 0 && "ring".equals(args[0]))
        {
            ringSlots(); // only the ring's slots: a few seconds
            return;
        }
        new CapacityProbe().customers();
        new CapacityProbe().historyEntries();
        new CapacityProbe().idempotencyKeys();
        new CapacityProbe().journal();
        ringSlots();
    }

    /** A customer with the fields the walk-through gives one: phone, email, name, a small metadata object. */
    private void customers() throws Exception
    {
        final long before = usedHeap();
        final Ledger ledger = new Ledger(ZAR);
        final long empty = usedHeap() - before;
        final long offHeapEmpty = usedOffHeap();
        final long snapshotEmpty = snapshotBytes(ledger);
        for (int i = 0; i < CUSTOMERS; i++)
        {
            apply(ledger, createCustomer(i));
        }
        final long heap = usedHeap() - before - empty;
        final long offHeap = usedOffHeap() - offHeapEmpty;
        final long snapshot = snapshotBytes(ledger) - snapshotEmpty;
        print("capacity customer count=%d heap_bytes_each=%d offheap_bytes_each=%d snapshot_bytes_each=%d fields=\"phone 12, email 24-29, "
            + "name 10-16, metadata 24-31 chars\"", CUSTOMERS, heap / CUSTOMERS, offHeap / CUSTOMERS, snapshot / CUSTOMERS);
        keepAlive(ledger);
    }

    /** Pay-ins: one history entry each, with and without a description (the text it keeps). */
    private void historyEntries() throws Exception
    {
        for (final String description : new String[] {null, "cash deposit at till 3"})
        {
            commandId = 0;
            final Ledger ledger = new Ledger(ZAR);
            for (int i = 0; i < ENTRY_CUSTOMERS; i++)
            {
                apply(ledger, createCustomer(i));
            }
            apply(ledger, payIn(0, 1, null)); // every customer's balance exists before the measure: only entries grow
            for (int i = 1; i < ENTRY_CUSTOMERS; i++)
            {
                apply(ledger, payIn(i, 1, null));
            }
            final long before = usedHeap();
            final long offHeapBefore = usedOffHeap();
            final long snapshotBefore = snapshotBytes(ledger);
            for (int i = ENTRY_CUSTOMERS; i < ENTRIES; i++)
            {
                apply(ledger, payIn(i % ENTRY_CUSTOMERS, 1, description));
            }
            final long count = ENTRIES - ENTRY_CUSTOMERS;
            final long heap = usedHeap() - before;
            final long offHeap = usedOffHeap() - offHeapBefore;
            final long snapshot = snapshotBytes(ledger) - snapshotBefore;
            print("capacity history_entry count=%d entries_total=%d description_bytes=%d heap_bytes_each=%.1f offheap_bytes_each=%.1f "
                + "snapshot_bytes_each=%.1f", count, ENTRIES, description == null ? 0 : description.length(), heap / (double)count,
                offHeap / (double)count, snapshot / (double)count);
            keepAlive(ledger);
        }
    }

    /** The same pay-ins with and without an Idempotency-Key (36 characters, a UUID's length): the difference. */
    private void idempotencyKeys() throws Exception
    {
        final long[] heap = new long[2];
        final long[] snapshot = new long[2];
        for (int keyed = 0; keyed < 2; keyed++)
        {
            commandId = 0;
            final Ledger ledger = new Ledger(ZAR, 2 * KEYS, 0);
            for (int i = 0; i < 1_000; i++)
            {
                apply(ledger, createCustomer(i));
            }
            final long before = usedHeap();
            final long snapshotBefore = snapshotBytes(ledger);
            for (int i = 0; i < KEYS; i++)
            {
                final CommandEvent payIn = payIn(i % 1_000, 1, null);
                if (keyed == 1)
                {
                    payIn.text(Field.IDEMPOTENCY_KEY, String.format("%08x-0000-4000-8000-%012x", i, (long)i * 7919));
                }
                apply(ledger, payIn);
            }
            heap[keyed] = usedHeap() - before;
            snapshot[keyed] = snapshotBytes(ledger) - snapshotBefore;
            keepAlive(ledger);
        }
        print("capacity idempotency_key count=%d key_chars=36 heap_bytes_each=%d snapshot_bytes_each=%d", KEYS,
            (heap[1] - heap[0]) / KEYS, (snapshot[1] - snapshot[0]) / KEYS);
    }

    /** Records on disk: a million of each kind appended to a real journal. */
    private void journal() throws Exception
    {
        for (final String kind : new String[] {"create_customer", "pay_in", "purchase", "pay_in_keyed"})
        {
            final Path dir = Files.createTempDirectory("capacity-journal");
            try
            {
                commandId = 0;
                long encoded = 0;
                final long before;
                try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
                {
                    before = diskBytes(dir);
                    for (int i = 0; i < JOURNAL_COMMANDS; i++)
                    {
                        final CommandEvent command = switch (kind)
                        {
                            case "create_customer" -> createCustomer(i);
                            case "pay_in" -> payIn(i % 1_000, 1 + i % 5_000, "top-up");
                            case "purchase" -> purchase(i % 1_000, 1 + i % 500);
                            default -> payIn(i % 1_000, 1 + i % 5_000, "top-up")
                                .text(Field.IDEMPOTENCY_KEY, String.format("%08x-0000-4000-8000-%012x", i, (long)i * 7919));
                        };
                        encoded += CommandCodec.encodedLength(command);
                        journal.append(command);
                        if ((i & 255) == 255)
                        {
                            journal.endOfBatch();
                        }
                    }
                    journal.endOfBatch();
                }
                final long disk = diskBytes(dir) - before;
                print("capacity journal_record kind=%s count=%d body_bytes_each=%.1f record_bytes_each=%.1f disk_bytes_each=%.1f",
                    kind, JOURNAL_COMMANDS, encoded / (double)JOURNAL_COMMANDS, encoded / (double)JOURNAL_COMMANDS + 12,
                    disk / (double)JOURNAL_COMMANDS);
            }
            finally
            {
                deleteTree(dir);
            }
        }
    }

    /** The ring's slots, as {@code LedgerPipeline} preallocates them. */
    private static void ringSlots() throws Exception
    {
        final long before = usedHeap();
        final CommandEvent[] slots = new CommandEvent[RING_SLOTS];
        for (int i = 0; i < RING_SLOTS; i++)
        {
            slots[i] = new CommandEvent();
        }
        final long heap = usedHeap() - before;
        print("capacity ring_slot count=%d heap_bytes_each=%d ring_16384_mb=%.1f", RING_SLOTS, heap / RING_SLOTS, heap / 1048576.0);
        for (final CommandEvent slot : slots)
        {
            slot.addRow(0, 0, 0, 0, 0, 0, 0, 0, -1); // a list query's page: made by the slot's first query, then kept
            slot.clear();
        }
        final long withPages = usedHeap() - before;
        print("capacity ring_slot_after_a_query count=%d heap_bytes_each=%d ring_16384_mb=%.1f", RING_SLOTS, withPages / RING_SLOTS,
            withPages / 1048576.0);
        keepAlive(slots);
    }

    private CommandEvent createCustomer(final int i)
    {
        event.clear();
        return event.stamp(++commandId, T0_MS + commandId).type(CommandType.CREATE_CUSTOMER)
            .text(Field.MERCHANT_ID, MERCHANT)
            .text(Field.PHONE, "+2782" + (1_000_000 + i))
            .text(Field.EMAIL, "customer" + i + "@example.com")
            .text(Field.NAME, "Customer " + i)
            .text(Field.METADATA_JSON, "{\"tier\":\"gold\",\"n\":" + i + "}");
    }

    private CommandEvent payIn(final int customer, final long amount, final String description)
    {
        event.clear();
        event.stamp(++commandId, T0_MS + commandId).type(CommandType.PAY_IN).text(Field.MERCHANT_ID, MERCHANT)
            .set(Field.CUSTOMER_KEY, customer + 1).set(Field.AMOUNT_MINOR, amount).set(Field.CURRENCY, ZAR);
        if (description != null)
        {
            event.text(Field.DESCRIPTION, description);
        }
        return event;
    }

    private CommandEvent purchase(final int customer, final long amount)
    {
        event.clear();
        return event.stamp(++commandId, T0_MS + commandId).type(CommandType.PURCHASE).text(Field.MERCHANT_ID, MERCHANT)
            .set(Field.CUSTOMER_KEY, customer + 1).set(Field.AMOUNT_MINOR, amount).set(Field.CURRENCY, ZAR).set(Field.QUANTITY, 1)
            .text(Field.PRODUCT_ID, "sku-" + (amount % 1000));
    }

    private static void apply(final Ledger ledger, final CommandEvent command)
    {
        ledger.apply(command);
        if (command.result() != ResultCode.OK)
        {
            throw new IllegalStateException(command.type() + " commandId=" + command.commandId() + " refused: " + command.result());
        }
    }

    private static long snapshotBytes(final Ledger ledger) throws IOException
    {
        final long[] count = {0};
        try (DataOutputStream out = new DataOutputStream(new OutputStream()
        {
            @Override
            public void write(final int b)
            {
                count[0]++;
            }

            @Override
            public void write(final byte[] b, final int off, final int len)
            {
                count[0] += len;
            }
        }))
        {
            LedgerSnapshot.write(ledger, out);
        }
        return count[0];
    }

    /** The heap in use once full collections no longer free anything. */
    private static long usedHeap() throws InterruptedException
    {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++)
        {
            System.gc();
            Thread.sleep(100);
            final long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (now >= used - 1024 * 1024)
            {
                return Math.min(now, used);
            }
            used = now;
        }
        return used;
    }

    /**
     * Off-heap memory in use: direct buffers (the history's chunks when a ledger has no {@code HistoryMemory}, the
     * customer order logs) plus huge-page slabs mapped for history memory. Read after {@link #usedHeap()}, whose
     * collections release the buffers and slabs nothing holds.
     */
    private static long usedOffHeap()
    {
        long direct = 0;
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if ("direct".equals(pool.getName()))
            {
                direct = pool.getMemoryUsed();
            }
        }
        return direct + HugePageSlabs.mappedBytes();
    }

    private static long diskBytes(final Path dir) throws IOException, InterruptedException
    {
        final Process du = new ProcessBuilder("du", "-s", "-B1", dir.toString()).redirectErrorStream(true).start();
        final String output = new String(du.getInputStream().readAllBytes()).trim();
        du.waitFor();
        return Long.parseLong(output.split("\\s+")[0]);
    }

    private static volatile Object sink;

    private static void keepAlive(final Object object)
    {
        sink = object;
        sink = null;
    }

    private static void print(final String format, final Object... args)
    {
        System.out.println(String.format(java.util.Locale.ROOT, format, args));
    }

    private static void deleteTree(final Path dir) throws IOException
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }
}
