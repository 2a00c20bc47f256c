package io.ledger.journal;

import static io.ledger.journal.JournalFixtures.ZAR;
import static io.ledger.journal.JournalFixtures.createCustomer;
import static io.ledger.journal.JournalFixtures.flipByteInside;
import static io.ledger.journal.JournalFixtures.payIn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.LedgerSnapshot;
import io.ledger.engine.ReplayWindow;
import io.ledger.journal.snapshot.LedgerRecovery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up replay with the journal read on a reader thread ({@code ReadAheadReplay}) must behave as the replay read
 * on the applying thread: the same ledger, the same exception for a corrupt record in the middle of the journal, and no
 * reader thread left once recovery returned or threw, whichever side failed. The journal is longer than the reader's
 * ring, so the reader waits for free slots and is stopped while it waits.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadAheadReplayTest
{
    private static final long T0 = 1_763_600_000_000L;
    private static final int CUSTOMERS = 500;
    private static final int RECORDS = 20_000;
    private static final String READER_THREAD = "ledger-replay-reader";

    private static String marker(final long commandId)
    {
        return String.format("unique-description-%06d", commandId);
    }

    /** CUSTOMERS customers, then pay-ins over them up to RECORDS commands, each pay-in with a unique description. */
    private static void write(final Path dir)
    {
        final CommandEvent event = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            for (long id = 1; id <= RECORDS; id++)
            {
                if (id <= CUSTOMERS)
                {
                    journal.append(createCustomer(event, id, T0 + id, "mer_a", "+2782" + id, "c" + id + "@example.com", "C " + id, "{}"));
                }
                else
                {
                    journal.append(payIn(event, id, T0 + id, "mer_a", 1 + id * 7919 % CUSTOMERS, 100 + id % 900, ZAR, marker(id)));
                }
            }
            journal.endOfBatch();
        }
    }

    @Test
    void shouldRebuildTheSameLedgerWithTheReaderThreadAsWithoutWhateverTheWindow(@TempDir final Path dir) throws IOException
    {
        write(dir);
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            final LedgerRecovery.Result plain = LedgerRecovery.recover(journal, null, null, ZAR, null, 1, false);
            assertEquals(RECORDS, plain.replayedRecords());
            final byte[] plainBytes = bytes(plain);
            for (final int window : new int[] {1, 5, ReplayWindow.COMMANDS_DEFAULT, ReplayWindow.COMMANDS_MAX})
            {
                final long[] progress = {0};
                final LedgerRecovery.Result read = LedgerRecovery.recover(journal, null, null, ZAR, count ->
                {
                    assertEquals(progress[0] + 1, count, "progress counts every command once, in order");
                    progress[0] = count;
                }, window, true);
                assertEquals(RECORDS, progress[0]);
                assertEquals(plain.replay(), read.replay(), "window=" + window + ": what the journal replay read");
                assertEquals(plain.ledger().stateHash(), read.ledger().stateHash(), "window=" + window);
                assertArrayEquals(plainBytes, bytes(read), "window=" + window + ": the same snapshot bytes");
                assertFalse(readerAlive(), "no reader thread left behind");
            }
        }
    }

    @Test
    void shouldStopAtACorruptRecordInTheMiddleWithTheSameExceptionAndLeaveNoThread(@TempDir final Path dir)
    {
        write(dir);
        flipByteInside(dir, marker(RECORDS / 2));
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            final JournalCorruptException inline = assertThrows(JournalCorruptException.class,
                () -> LedgerRecovery.recover(journal, null, null, ZAR, null, ReplayWindow.COMMANDS_DEFAULT, false));
            final long[] applied = {0};
            final JournalCorruptException read = assertThrows(JournalCorruptException.class,
                () -> LedgerRecovery.recover(journal, null, null, ZAR, count -> applied[0] = count, ReplayWindow.COMMANDS_DEFAULT, true));
            assertEquals(inline.getMessage(), read.getMessage());
            assertEquals(inline.index(), read.index());
            assertTrue(applied[0] < RECORDS / 2, "nothing at or after the corrupt record applied: " + applied[0]);
            assertFalse(readerAlive(), "no reader thread left behind");
        }
    }

    @Test
    void shouldStopTheReaderAndRethrowWhenApplyingFails(@TempDir final Path dir)
    {
        write(dir);
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            final IllegalStateException failure = new IllegalStateException("applying failed on purpose");
            final IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> LedgerRecovery.recover(journal, null, null, ZAR, count ->
                {
                    if (count == 3)
                    {
                        sleepMs(200); // the reader fills the ring and waits for a slot meanwhile
                        throw failure;
                    }
                }, ReplayWindow.COMMANDS_DEFAULT, true));
            assertSame(failure, thrown);
            assertFalse(readerAlive(), "the reader was stopped and ended");

            final LedgerRecovery.Result again = LedgerRecovery.recover(journal, null, null, ZAR, null, ReplayWindow.COMMANDS_DEFAULT, true);
            assertEquals(RECORDS, again.replayedRecords(), "the journal is readable again after a stopped reader");
        }
    }

    private static boolean readerAlive()
    {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(READER_THREAD) && t.isAlive());
    }

    private static void sleepMs(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] bytes(final LedgerRecovery.Result result) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(out))
        {
            LedgerSnapshot.write(result.ledger(), data);
        }
        return out.toByteArray();
    }
}
