package io.ledger.journal;

import static io.ledger.journal.JournalFixtures.ZAR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.Ledger;
import io.ledger.engine.ResultCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start's replay reads on one thread and applies on another ({@link PipelinedReplay}): it must apply every command,
 * in journal order, with the outcome and final state hash of a replay on one thread, over a journal many times the
 * ring's size; and an error on either side must stop the replay and reach the caller.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipelinedReplayTest
{
    private static final int COMMANDS = 5 * PipelinedReplay.SLOTS + 17; // wraps the ring, and ends off a batch

    @TempDir
    Path dir;

    @Test
    void shouldApplyEveryCommandInOrderWithTheOutcomesAndStateOfAOneThreadReplay()
    {
        final ResultCode[] journaled = journal(0x91BE_11EDL);
        final Ledger oneThread = new Ledger(ZAR);
        final ResultCode[] oneThreadResults = new ResultCode[COMMANDS];
        final Ledger pipelined = new Ledger(ZAR);
        final ResultCode[] pipelinedResults = new ResultCode[COMMANDS];
        final long[] lastId = {0};
        final boolean[] ordered = {true};
        final Thread caller = Thread.currentThread();
        final boolean[] appliedElsewhere = {true};
        final AtomicLong progress = new AtomicLong();
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(dir))
        {
            final int[] n = {0};
            try (JournalTail tail = journal.tail(-1, 0))
            {
                PipelinedReplay.oneThread(tail, event ->
                {
                    oneThread.apply(event);
                    oneThreadResults[n[0]++] = event.result();
                }, null);
            }
            final int[] m = {0};
            final ChronicleJournal.ReplayResult result;
            try (JournalTail tail = journal.tail(-1, 0))
            {
                result = PipelinedReplay.replay(tail, event ->
                {
                    ordered[0] &= event.commandId() > lastId[0];
                    lastId[0] = event.commandId();
                    appliedElsewhere[0] &= Thread.currentThread() != caller;
                    pipelined.apply(event);
                    pipelinedResults[m[0]++] = event.result();
                }, progress::set);
            }
            assertEquals(COMMANDS, result.records());
            assertEquals(journal.lastCommandId(), result.lastCommandId());
            assertEquals(-1, result.tornTailIndex());
        }
        assertTrue(ordered[0], "commands applied in journal order");
        assertTrue(appliedElsewhere[0] || Runtime.getRuntime().availableProcessors() < 2, "applied on the replay thread");
        assertEquals(COMMANDS, progress.get(), "progress counts every command read");
        assertArrayEquals(journaled, oneThreadResults);
        assertArrayEquals(journaled, pipelinedResults, "each command has the outcome it had when journaled");
        assertEquals(oneThread.commandsApplied(), pipelined.commandsApplied());
        assertEquals(oneThread.stateHash(), pipelined.stateHash());
        pipelined.checkConservation();
    }

    @Test
    void shouldStopReadingAndThrowWhatApplyingThrew()
    {
        journal(7);
        final IllegalStateException boom = new IllegalStateException("applying failed at the 3000th command");
        final long[] applied = {0};
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(dir); JournalTail tail = journal.tail(-1, 0))
        {
            final IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> PipelinedReplay.replay(tail, event ->
            {
                if (++applied[0] == 3_000)
                {
                    throw boom;
                }
            }, null));
            assertSame(boom, thrown);
            assertTrue(tail.records() < COMMANDS, "the reading stopped before the journal's end: " + tail.records());
        }
        assertEquals(3_000, applied[0], "nothing applied after the failure");
    }

    @Test
    void shouldThrowWhatReadingThrewAndStopTheApplyingThread()
    {
        journal(8);
        final IllegalArgumentException stop = new IllegalArgumentException("reading failed");
        final long[] applied = {0};
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(dir); JournalTail tail = journal.tail(-1, 0))
        {
            assertSame(stop, assertThrows(IllegalArgumentException.class, () -> PipelinedReplay.replay(tail, event -> applied[0]++,
                read ->
                {
                    if (read == 10_000)
                    {
                        throw stop; // thrown on the reading thread, as a corrupt record's JournalCorruptException is
                    }
                })));
        }
        assertTrue(applied[0] <= 10_000, "applied only what was read: " + applied[0]);
    }

    /** Journals {@link #COMMANDS} seeded random commands; @return each one's outcome as it was journaled. */
    private ResultCode[] journal(final long seed)
    {
        final RandomCommands stream = new RandomCommands(seed);
        final Ledger ledger = new Ledger(ZAR);
        final CommandEvent event = new CommandEvent();
        final ResultCode[] results = new ResultCode[COMMANDS];
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            for (int i = 0; i < COMMANDS; i++)
            {
                stream.next(event);
                journal.append(event);
                ledger.apply(event);
                stream.applied(event);
                results[i] = event.result();
            }
            journal.endOfBatch();
        }
        return results;
    }
}
