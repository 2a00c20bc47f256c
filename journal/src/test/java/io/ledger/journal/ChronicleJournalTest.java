package io.ledger.journal;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.ledger.journal.JournalFixtures.ZAR;
import static io.ledger.journal.JournalFixtures.createCustomer;
import static io.ledger.journal.JournalFixtures.payIn;
import static io.ledger.journal.JournalFixtures.purchase;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChronicleJournalTest
{
    private static final long T0 = 1_763_600_000_000L;

    /** A command as plain values, to compare with what replay hands back: every field it declares, present or not. */
    private record Expected(CommandType type, long commandId, long timestampMs, List<Object> fields)
    {
        static Expected of(final CommandEvent event)
        {
            final List<Object> fields = new ArrayList<>();
            for (int i = 0; i < event.type().fieldCount(); i++)
            {
                final Field field = event.type().field(i);
                fields.add(field.kind().text() ? event.textString(field) : event.has(field) ? (Object)event.get(field) : null);
            }
            return new Expected(event.type(), event.commandId(), event.timestampMs(), fields);
        }
    }

    @Test
    void shouldReplayEveryFieldOfEachCommandTypeAfterReopen(@TempDir final Path dir)
    {
        final int perType = 50;
        final List<Expected> expected = new ArrayList<>();
        final CommandEvent event = new CommandEvent();
        long commandId = 0;
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            assertEquals(0, journal.lastCommandId());
            for (int i = 0; i < perType; i++)
            {
                createCustomer(event, ++commandId, T0 + i, "mer_" + (i % 3), "+2782555" + i,
                    i % 2 == 0 ? "zoë." + i + "@example.co.za" : null, "Zoë Ndlovu 李雷 🙂 #" + i,
                    "{\"note\":\"ünïcödé " + i + "\"}");
                expected.add(Expected.of(event));
                journal.append(event);

                payIn(event, commandId += 3, T0 + i, "mer_" + (i % 3), i + 1, 1_000L * (i + 1), ZAR,
                    i % 2 == 0 ? "salary – März " + i : null);
                expected.add(Expected.of(event));
                journal.append(event);

                purchase(event, ++commandId, T0 + i, "mer_" + (i % 3), i + 1, 250L * (i + 1),
                    Currencies.pack("USD"), i, "sku-€-" + i);
                expected.add(Expected.of(event));
                journal.append(event);
                journal.endOfBatch();
            }
            assertEquals(commandId, journal.lastCommandId());
        }

        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            assertEquals(commandId, journal.lastCommandId());
            final List<Expected> replayed = new ArrayList<>();
            final ChronicleJournal.ReplayResult result = journal.replay(e -> replayed.add(Expected.of(e)));
            assertEquals(expected, replayed);
            assertEquals(3L * perType, result.records());
            assertEquals(commandId, result.lastCommandId());
            assertEquals(-1, result.tornTailIndex());
            assertTrue(result.lastIndex() >= 0, "lastIndex=" + result.lastIndex());
        }
    }

    @Test
    void shouldSyncOncePerBatchThatAppendedInFsyncModeAndReplay(@TempDir final Path dir)
    {
        final CommandEvent event = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.FSYNC))
        {
            journal.endOfBatch();
            assertEquals(0, journal.syncs(), "an empty batch must not sync");
            for (int batch = 0; batch < 5; batch++)
            {
                for (int i = 0; i < 10; i++)
                {
                    final long id = batch * 10L + i + 1;
                    createCustomer(event, id, T0, "mer_a", "+27820000" + id, null, null, "{}");
                    journal.append(event);
                }
                journal.endOfBatch();
                journal.endOfBatch();
            }
            assertEquals(5, journal.syncs());
        }
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.FSYNC))
        {
            final long[] count = {0};
            final ChronicleJournal.ReplayResult result = journal.replay(e -> count[0]++);
            assertEquals(50, count[0]);
            assertEquals(50, result.records());
            assertEquals(50, result.lastCommandId());
        }
    }

    @Test
    void shouldNotSyncInProcessMode(@TempDir final Path dir)
    {
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            journal.append(createCustomer(new CommandEvent(), 1, T0, "mer_a", "+27820000001", null, null, "{}"));
            journal.endOfBatch();
            assertEquals(0, journal.syncs());
        }
    }

    @Test
    void shouldRejectCommandIdNotAfterTheLastOneIncludingAfterReopen(@TempDir final Path dir)
    {
        final CommandEvent event = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            final IllegalStateException zero = assertThrows(IllegalStateException.class,
                () -> journal.append(createCustomer(event, 0, T0, "mer_a", "+1", null, null, "{}")));
            assertEquals("commandId=0 must be greater than lastCommandId=0", zero.getMessage());
            journal.append(createCustomer(event, 7, T0, "mer_a", "+1", null, null, "{}"));
            assertThrows(IllegalStateException.class,
                () -> journal.append(createCustomer(event, 7, T0, "mer_a", "+1", null, null, "{}")));
        }
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            final IllegalStateException stale = assertThrows(IllegalStateException.class,
                () -> journal.append(createCustomer(event, 5, T0, "mer_a", "+1", null, null, "{}")));
            assertEquals("commandId=5 must be greater than lastCommandId=7", stale.getMessage());
            journal.append(createCustomer(event, 8, T0, "mer_a", "+1", null, null, "{}"));
            assertEquals(2, journal.replay(e -> { }).records());
        }
    }

    @Test
    void shouldRejectQueriesBecauseTheyAreNeverJournaled(@TempDir final Path dir)
    {
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            final CommandEvent query = new CommandEvent().stamp(1, T0).type(CommandType.GET_CUSTOMER_BALANCE);
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> journal.append(query));
            assertEquals("commandId=1 type=GET_CUSTOMER_BALANCE is not journaled", ex.getMessage());
        }
    }

    @Test
    void shouldReplayOnTheSameInstanceBeforeAndAfterAppending(@TempDir final Path dir)
    {
        final CommandEvent event = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            final ChronicleJournal.ReplayResult empty = journal.replay(e -> { });
            assertEquals(new ChronicleJournal.ReplayResult(0, 0, -1, -1), empty);
            journal.append(payIn(event, 1, T0, "mer_a", 1, 100, ZAR, null));
            journal.append(payIn(event, 2, T0, "mer_a", 1, 100, ZAR, null));
            assertEquals(2, journal.replay(e -> { }).records());
            journal.append(payIn(event, 3, T0, "mer_a", 1, 100, ZAR, null));
            assertEquals(3, journal.replay(e -> { }).lastCommandId());
        }
    }

    @Test
    void shouldCloseIdempotentlyAndRefuseUseAfterClose(@TempDir final Path dir)
    {
        final Path journalDir = dir.resolve("nested/journal");
        final ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.FSYNC);
        assertTrue(Files.isDirectory(journalDir));
        assertEquals(journalDir, journal.directory());
        journal.append(payIn(new CommandEvent(), 1, T0, "mer_a", 1, 100, ZAR, null));
        journal.close();
        assertDoesNotThrow(journal::close);
        assertThrows(IllegalStateException.class, () -> journal.append(payIn(new CommandEvent(), 2, T0, "m", 1, 1, ZAR, null)));
        assertThrows(IllegalStateException.class, () -> journal.replay(e -> { }));
    }

    @Test
    void shouldAppendOnAnotherThreadThanTheOneThatOpenedReplayedAndClosesIt(@TempDir final Path dir) throws Exception
    {
        final ChronicleJournal journal = ChronicleJournal.open(dir, Durability.FSYNC);
        journal.replay(e -> { });
        final Throwable[] failure = new Throwable[1];
        final Thread journalThread = new Thread(() ->
        {
            try
            {
                final CommandEvent event = new CommandEvent();
                for (int i = 1; i <= 100; i++)
                {
                    journal.append(payIn(event, i, T0, "mer_a", 1, i, ZAR, null));
                }
                journal.endOfBatch();
                journal.append(payIn(event, 101, T0, "mer_a", 1, 101, ZAR, null)); // left unsynced for close()
            }
            catch (final Throwable ex)
            {
                failure[0] = ex;
            }
        }, "test-journal");
        journalThread.start();
        journalThread.join();
        assertEquals(null, failure[0]);
        journal.close();
        assertEquals(2, journal.syncs(), "one for the batch, one in close() for the unsynced tail");
        try (ChronicleJournal reopened = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            assertEquals(101, reopened.replay(e -> { }).records());
        }
    }

    @Test
    void shouldRunWithTheChronicleJvmOptionsFromTheArgfile()
    {
        final List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertTrue(args.contains("--add-opens=java.base/java.lang=ALL-UNNAMED"), "args=" + args);
        assertTrue(args.contains("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"), "args=" + args);
        assertTrue(args.contains("-Dchronicle.analytics.disable=true"), "args=" + args);
    }
}
