package io.ledger.journal.snapshot;

import static io.ledger.journal.snapshot.SnapshotStoreTest.ZAR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Field;
import io.ledger.engine.HistorySlabs;
import io.ledger.engine.Ledger;
import io.ledger.engine.LedgerPipeline;
import io.ledger.engine.ReplySink;
import io.ledger.engine.internal.ChunkSupply;
import io.ledger.engine.internal.SlabChunk;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.Durability;
import io.ledger.journal.RandomCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The snapshot follower: it keeps its own ledger by reading the journal while it is appended to, writes snapshots from
 * that copy on its own thread, starts from the server's snapshot, takes the final one at close, and when it fails it
 * stops alone: the journal and the live ledger carry on, and the final snapshot comes from the live ledger.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SnapshotAgentTest
{
    @TempDir
    Path dataDir;

    private Path journalDir;
    private SnapshotStore store;
    private ChronicleJournal journal;
    private SnapshotAgent agent;
    private final Ledger live = new Ledger(ZAR);
    private final RandomCommands stream = new RandomCommands(21);
    private final CommandEvent event = new CommandEvent();
    /** The live ledger's state hash after each command id, to compare each snapshot with. */
    private final Map<Long, Long> hashAfter = new ConcurrentHashMap<>();
    private final List<SnapshotHeader> written = new CopyOnWriteArrayList<>();
    private final List<String> writtenOn = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void setUp()
    {
        journalDir = dataDir.resolve("journal");
        store = SnapshotStore.open(dataDir.resolve(SnapshotStore.DIRECTORY_NAME));
        journal = ChronicleJournal.open(journalDir, Durability.PROCESS);
        log.start();
        ((Logger)LoggerFactory.getLogger(SnapshotAgent.class)).addAppender(log);
    }

    @AfterEach
    void tearDown()
    {
        if (agent != null)
        {
            agent.close();
        }
        journal.close();
        ((Logger)LoggerFactory.getLogger(SnapshotAgent.class)).detachAppender(log);
    }

    private SnapshotAgent.Context context()
    {
        return new SnapshotAgent.Context().journal(journal).store(store).defaultCurrency(ZAR).newLedger(() -> new Ledger(ZAR))
            .keep(3).listener((file, header, payloadNs, totalNs) ->
            {
                written.add(header);
                writtenOn.add(Thread.currentThread().getName());
            });
    }

    /** Appends {@code count} commands to the journal and applies them to the live ledger, as the pipeline does. */
    private void append(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            journal.append(stream.next(event));
            live.apply(event);
            stream.applied(event);
            hashAfter.put(event.commandId(), live.stateHash());
        }
    }

    private static void await(final String what, final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, what + ": not within 30 s");
            Thread.sleep(2);
        }
    }

    private LedgerRecovery.Result recover()
    {
        return LedgerRecovery.recover(journal, store, dataDir, ZAR, null);
    }

    @Test
    void shouldSnapshotFromItsOwnCopyOnItsOwnThreadEveryNRecordsWhileTheJournalIsAppendedTo() throws Exception
    {
        agent = SnapshotAgent.create(context().everyCommands(400));
        agent.start();
        for (int round = 1; round <= 4; round++)
        {
            append(450); // once the follower has applied 400 of them and caught up, one snapshot is due
            final int expected = round;
            await("snapshot " + round, () -> written.size() == expected);
        }
        final long last = live.lastCommandId();
        await("the follower catches up", () -> agent.lastCommandId() == last);
        assertTrue(agent.running());
        assertEquals(0, agent.recordsBehind());
        for (int i = 0; i < written.size(); i++)
        {
            final SnapshotHeader header = written.get(i);
            assertEquals("ledger-snapshot", writtenOn.get(i), "written by the follower, never the writer's thread");
            assertEquals(hashAfter.get(header.lastCommandId()), header.stateHash(),
                "the snapshot at commandId " + header.lastCommandId() + " holds the live ledger's state after it");
            assertEquals(header.lastCommandId(), journal.commandIdAt(header.journalIndex()), "its index holds its command");
        }
        assertEquals(3, store.list().size(), "pruned to the newest 3");

        agent.finalSnapshot(live);
        assertEquals(last, written.get(written.size() - 1).lastCommandId(), "the final snapshot covers the last command");
        final LedgerRecovery.Result recovered = recover();
        assertEquals(0, recovered.replayedRecords());
        assertEquals(live.stateHash(), recovered.ledger().stateHash());
    }

    /**
     * The follower runs at the lowest Java priority and, with config/jvm.options' {@code -XX:ThreadPriorityPolicy=1
     * -XX:JavaPriority1_To_OSPriority=10} (Surefire's argLine too), at nice 10 on Linux, so that it yields a contended
     * core to the ledger, journal and event-loop threads (nice 0).
     */
    @Test
    void shouldRunTheFollowerAtTheLowestPriorityWhichTheJvmOptionsTurnIntoNice10OnLinux() throws Exception
    {
        agent = SnapshotAgent.create(context().everyCommands(1_000_000));
        agent.start();
        final Thread follower = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> "ledger-snapshot".equals(t.getName())).findFirst().orElseThrow();
        assertEquals(Thread.MIN_PRIORITY, follower.getPriority());
        final com.sun.management.HotSpotDiagnosticMXBean vm =
            java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        assertEquals("1", vm.getVMOption("ThreadPriorityPolicy").getValue(), "config/jvm.options sets -XX:ThreadPriorityPolicy=1");
        assertEquals("10", vm.getVMOption("JavaPriority1_To_OSPriority").getValue(), "and maps MIN_PRIORITY to nice 10");
        for (int priority = 6; priority <= 10; priority++)
        {
            assertEquals("0", vm.getVMOption("JavaPriority" + priority + "_To_OSPriority").getValue(),
                "priority " + priority + " maps to nice 0: no thread outranks the ledger thread");
        }

        final Path tasks = Path.of("/proc/self/task");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(tasks), "Linux only: nice values in /proc");
        final int ownNice = niceOf(tasks.resolve(String.valueOf(ProcessHandle.current().pid())));
        org.junit.jupiter.api.Assumptions.assumeTrue(ownNice == 0, "the test JVM runs at nice " + ownNice + ", not 0");
        Path task = null;
        // the new thread names its task itself once it runs: look until it has
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); task == null && System.nanoTime() < deadline; )
        {
            try (var all = Files.list(tasks))
            {
                for (final Path candidate : all.toList())
                {
                    final String name;
                    final int nice;
                    try
                    {
                        name = Files.readString(candidate.resolve("comm")).strip();
                        nice = niceOf(candidate);
                    }
                    catch (final java.nio.file.NoSuchFileException ex)
                    {
                        continue; // a thread that ended meanwhile
                    }
                    if ("ledger-snapshot".equals(name))
                    {
                        task = candidate;
                    }
                    assertTrue(nice >= 0, name + " runs at nice " + nice + ", above the ledger thread");
                }
            }
            Thread.sleep(task == null ? 5 : 0);
        }
        assertNotNull(task, "the follower's task in /proc/self/task");
        assertEquals(10, niceOf(task), "MIN_PRIORITY is nice 10");
    }

    /** The nice value of a task: field 19 of its stat, counted after the command name's closing parenthesis. */
    private static int niceOf(final Path task) throws java.io.IOException
    {
        final String stat = Files.readString(task.resolve("stat"));
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }

    /**
     * The follower's copy takes its history's chunks from huge-page slabs ({@link SnapshotAgent#slabMemory()}, the
     * default) rather than allocating each alone: which memory a chunk is never shows, so the snapshot it writes has the
     * same payload bytes and state hash as a follower allocating each chunk alone writes, and as the live ledger's.
     */
    @Test
    void shouldWriteTheSameSnapshotBytesWhenItsHistoryGrowsIntoHugePageSlabsAsWhenEachChunkIsAllocatedAlone() throws Exception
    {
        assumeTrue(HistorySlabs.installed() != null, "huge-page slabs cannot work here (not Linux, or THP never)");
        for (int i = 0; i < 30_000; i++)
        {
            journal.append(stream.next(event)); // as append(), without a state hash per command (its cost grows with the state)
            live.apply(event);
            stream.applied(event);
        }
        final AtomicInteger chunks = new AtomicInteger();
        final AtomicInteger slabChunks = new AtomicInteger();
        agent = SnapshotAgent.create(context().historyMemory(() ->
        {
            final ChunkSupply slabs = SnapshotAgent.slabMemory();
            return bytes ->
            {
                final UnsafeBuffer chunk = slabs.chunk(bytes);
                chunks.incrementAndGet();
                if (chunk instanceof SlabChunk)
                {
                    slabChunks.incrementAndGet();
                }
                return chunk;
            };
        }));
        agent.start();
        agent.finalSnapshot(live);
        final Path fromSlabs = store.list().get(0);

        final SnapshotStore aloneStore = SnapshotStore.open(dataDir.resolve("alone"));
        final SnapshotAgent alone = SnapshotAgent.create(new SnapshotAgent.Context().journal(journal).store(aloneStore)
            .defaultCurrency(ZAR).newLedger(() -> new Ledger(ZAR)).historyMemory(() -> null));
        alone.start();
        try
        {
            alone.finalSnapshot(live);
        }
        finally
        {
            alone.close();
        }
        final Path fromAlone = aloneStore.list().get(0);

        assertTrue(chunks.get() >= 4, "the history grew by several chunks: " + chunks.get());
        assertEquals(chunks.get(), slabChunks.get(), "every chunk was carved from a slab");
        assertEquals(live.stateHash(), aloneStore.readHeader(fromAlone).stateHash());
        assertEquals(live.stateHash(), store.readHeader(fromSlabs).stateHash());
        final byte[] slabBytes = Files.readAllBytes(fromSlabs);
        final byte[] aloneBytes = Files.readAllBytes(fromAlone);
        assertEquals(aloneBytes.length, slabBytes.length);
        assertArrayEquals(Arrays.copyOfRange(aloneBytes, SnapshotHeader.HEADER_BYTES, aloneBytes.length),
            Arrays.copyOfRange(slabBytes, SnapshotHeader.HEADER_BYTES, slabBytes.length),
            "the same payload (the headers differ only in their wall-clock createdAtMs and their own checksum)");
    }

    @Test
    void shouldStartFromTheServersSnapshotCountTheTailTowardsTheNextAndNotRewriteAnUnchangedState() throws Exception
    {
        append(600);
        final Path start = SnapshotStoreTest.write(store, live, journal);
        final long startId = live.lastCommandId();
        append(400);
        final long last = live.lastCommandId();
        agent = SnapshotAgent.create(context().startSnapshot(start, startId).everyCommands(300));
        agent.start();
        await("a snapshot after the tail", () -> !written.isEmpty());
        assertEquals(last, written.get(0).lastCommandId(), "the 400 records of the tail were due once caught up");
        assertEquals(live.stateHash(), written.get(0).stateHash());
        assertTrue(log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("the follower loaded " + start)),
            "it started from the server's snapshot");

        agent.finalSnapshot(live);
        assertEquals(1, written.size(), "the state did not change since: no final snapshot");
    }

    @Test
    void shouldSnapshotByTimeOnceSomethingWasAppliedAndTakeTheFinalOneThroughThePipelinesClose() throws Exception
    {
        journal.close();
        journal = ChronicleJournal.open(journalDir, Durability.FSYNC);
        agent = SnapshotAgent.create(context().everySeconds(1));
        final Ledger ledger = new Ledger(ZAR);
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final LedgerPipeline pipeline = LedgerPipeline.start(new LedgerPipeline.Context()
            .ringSizeEvents(256)
            .snapshotTaker(agent)
            .fatalErrorHandler((stage, commandId, error) -> failures.add(error))
            .snapshotErrorHandler((commandId, error) -> failures.add(error)), ledger, journal);
        agent.start();
        Thread.sleep(1_200);
        assertEquals(0, written.size(), "nothing applied: nothing due by time");

        final AtomicLong lastReplied = new AtomicLong();
        final CountDownLatch replied = new CountDownLatch(50);
        final ReplySink sink = reply ->
        {
            lastReplied.accumulateAndGet(reply.commandId(), Math::max);
            replied.countDown();
        };
        for (int i = 0; i < 50; i++)
        {
            final int n = i;
            assertTrue(pipeline.tryPublish((e, a) -> e.type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, "m1")
                .text(Field.PHONE, "+2782" + (1_000_000 + n)).text(Field.METADATA_JSON, "{}").replyTo(sink, null), null));
        }
        assertTrue(replied.await(10, TimeUnit.SECONDS));
        // due by time as soon as anything is applied (a second has passed): the first may fall inside the burst
        await("a snapshot by time covering the burst",
            () -> written.stream().anyMatch(header -> header.lastCommandId() == lastReplied.get()));

        for (int i = 0; i < 5; i++)
        {
            final int n = i;
            assertTrue(pipeline.tryPublish((e, a) -> e.type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, "m2")
                .text(Field.PHONE, "+2783" + (1_000_000 + n)).text(Field.METADATA_JSON, "{}"), null));
        }
        pipeline.close(); // drains, then the follower catches up and writes the final snapshot, then the journal closes
        assertEquals(List.of(), failures);
        final SnapshotHeader last = written.get(written.size() - 1);
        assertEquals(ledger.lastCommandId(), last.lastCommandId(), "the final snapshot covers the last command");
        assertEquals(ledger.stateHash(), last.stateHash());
        assertFalse(agent.running(), "the follower stops after the final snapshot");
        journal = ChronicleJournal.open(journalDir, Durability.PROCESS);
        final LedgerRecovery.Result recovered = recover();
        assertEquals(0, recovered.replayedRecords());
        assertEquals(ledger.stateHash(), recovered.ledger().stateHash());
    }

    @Test
    void shouldStopAloneAfterAFailureAndLeaveTheFinalSnapshotToTheLiveLedger() throws Exception
    {
        append(200);
        final long failAt = live.lastCommandId();
        final AtomicInteger failuresTold = new AtomicInteger();
        agent = SnapshotAgent.create(context().everyCommands(100).onFailure(failuresTold::incrementAndGet)
            .applier((ledger, command) ->
            {
                if (command.commandId() == failAt)
                {
                    throw new IllegalStateException("a bug in applying commandId=" + failAt);
                }
                ledger.apply(command);
            }));
        agent.start();
        await("the follower stops", () -> !agent.running());
        assertEquals(1, failuresTold.get());
        final ILoggingEvent error = log.list.stream().filter(e -> e.getLevel() == Level.ERROR).findFirst().orElse(null);
        assertNotNull(error, "the failure is logged at ERROR");
        assertTrue(error.getFormattedMessage().contains("the snapshot follower stopped"), error.getFormattedMessage());
        final int before = written.size();

        append(300); // the journal and the live ledger carry on
        Thread.sleep(50);
        assertEquals(before, written.size(), "no more snapshots from a stopped follower");

        agent.finalSnapshot(live); // from the live ledger, on this thread
        assertEquals(live.lastCommandId(), written.get(written.size() - 1).lastCommandId());
        assertEquals(Thread.currentThread().getName(), writtenOn.get(writtenOn.size() - 1));
        final LedgerRecovery.Result recovered = recover();
        assertEquals(0, recovered.replayedRecords());
        assertEquals(live.stateHash(), recovered.ledger().stateHash());
    }

    @Test
    void shouldCountAndLogASnapshotThatCannotBeWrittenAndWriteTheNextOne() throws Exception
    {
        final Path snapshots = store.directory();
        Files.delete(snapshots);
        Files.writeString(snapshots, "not a directory"); // every write fails until it is a directory again
        agent = SnapshotAgent.create(context().everyCommands(100));
        agent.start();
        append(150);
        await("a failed snapshot", () -> agent.snapshotFailures() == 1);
        assertTrue(agent.running(), "a failed write does not stop the follower");
        assertTrue(log.list.stream().anyMatch(e -> e.getLevel() == Level.ERROR
            && e.getFormattedMessage().contains("failed; the journal still holds every command")));

        Files.delete(snapshots);
        Files.createDirectory(snapshots);
        append(150);
        await("the next snapshot", () -> !written.isEmpty());
        assertEquals(1, agent.snapshotFailures());
        assertEquals(hashAfter.get(written.get(0).lastCommandId()), written.get(0).stateHash());
    }
}
