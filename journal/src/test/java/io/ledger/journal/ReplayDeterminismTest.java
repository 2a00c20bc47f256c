package io.ledger.journal;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.Ledger;
import io.ledger.engine.LedgerSnapshot;
import io.ledger.engine.ResultCode;
import io.ledger.journal.snapshot.LedgerRecovery;
import io.ledger.journal.snapshot.SnapshotStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.ledger.journal.JournalFixtures.ZAR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger rebuilt from the journal must be the ledger that was journaled (exchange-core's state-hash replay
 * test): a seeded random stream of commands, hostile ones included, is applied to a ledger and journaled; the
 * journal is replayed into a fresh ledger and the state hashes compared. Time comes from the seeded stream. The
 * second test takes snapshots at random points of the same kind of stream and requires every snapshot plus the
 * journal tail after it to rebuild the same final state as the full replay.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplayDeterminismTest
{
    private static final long SEED = 0x5EED_2026_1120L;
    private static final int COMMANDS = 20_000;

    @Test
    void shouldRebuildTheSameLedgerStateByReplayingTheJournal(@TempDir final Path dir)
    {
        final RandomCommands stream = new RandomCommands(SEED);
        final Ledger original = new Ledger(ZAR);
        final CommandEvent event = new CommandEvent();
        final ResultCode[] results = new ResultCode[COMMANDS];
        final Map<ResultCode, Integer> outcomes = new EnumMap<>(ResultCode.class);

        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            for (int i = 0; i < COMMANDS; i++)
            {
                stream.next(event);
                journal.append(event); // as the journal stage sees it: before the ledger writes any result
                original.apply(event);
                stream.applied(event);
                results[i] = event.result();
                outcomes.merge(event.result(), 1, Integer::sum);
                if (stream.random().nextInt(64) == 0)
                {
                    journal.endOfBatch();
                }
            }
            journal.endOfBatch();
        }
        final long commandId = stream.commandId();
        original.checkConservation();
        for (final ResultCode expected : new ResultCode[] {ResultCode.OK, ResultCode.INVALID_AMOUNT,
            ResultCode.INVALID_CURRENCY, ResultCode.INVALID_FIELD, ResultCode.CUSTOMER_NOT_FOUND,
            ResultCode.DUPLICATE_EMAIL, ResultCode.INSUFFICIENT_FUNDS})
        {
            assertTrue(outcomes.getOrDefault(expected, 0) > 0, "the stream never produced " + expected + ": " + outcomes);
        }

        final Ledger recovered = new Ledger(ZAR);
        final ResultCode[] replayedResults = new ResultCode[COMMANDS];
        final int[] replayed = {0};
        final ChronicleJournal.ReplayResult result;
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            assertEquals(commandId, journal.lastCommandId());
            result = journal.replay(e ->
            {
                recovered.apply(e);
                replayedResults[replayed[0]++] = e.result();
            });
        }

        assertEquals(COMMANDS, result.records());
        assertEquals(commandId, result.lastCommandId());
        assertEquals(-1, result.tornTailIndex());
        assertArrayEquals(results, replayedResults, "each command has the same outcome on replay");
        recovered.checkConservation();
        assertEquals(original.customerCount(), recovered.customerCount());
        assertEquals(original.stateHash(), recovered.stateHash());
        assertNotEquals(new Ledger(ZAR).stateHash(), recovered.stateHash(), "the hash must see the state");
    }

    @Test
    void shouldRebuildTheSameStateFromASnapshotAtAnyPointPlusTheJournalTail(@TempDir final Path dir) throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final SnapshotStore store = SnapshotStore.open(dir.resolve(SnapshotStore.DIRECTORY_NAME));
        final RandomCommands stream = new RandomCommands(SEED ^ 0x51AB);
        final Ledger original = new Ledger(ZAR);
        final CommandEvent event = new CommandEvent();
        final Map<Long, Long> hashAtCommandId = new java.util.TreeMap<>();
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.PROCESS))
        {
            for (int i = 0; i < COMMANDS; i++)
            {
                stream.next(event);
                journal.append(event);
                original.apply(event);
                stream.applied(event);
                if (stream.random().nextInt(COMMANDS / 8) == 0 || i == 0)
                {
                    // a snapshot between two commands, as the ledger stage takes it; also one after the very first
                    final SnapshotStore.Pending pending = store.begin(original.lastCommandId());
                    LedgerSnapshot.write(original, pending.output());
                    pending.finishPayload();
                    final long index = journal.indexOfCommand(original.lastCommandId(), 1_000);
                    pending.commit(index, journal.commandAt(index).crc32c(), original.stateHash(), 0);
                    hashAtCommandId.put(original.lastCommandId(), original.stateHash());
                }
            }
        }
        assertTrue(hashAtCommandId.size() >= 4, "snapshots taken: " + hashAtCommandId.keySet());
        assertEquals(hashAtCommandId.size(), store.list().size());

        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(journalDir))
        {
            final Ledger full = new Ledger(ZAR);
            journal.replay(full::apply);
            assertEquals(original.stateHash(), full.stateHash());
            for (final Path file : store.list())
            {
                final SnapshotStore.Loaded loaded = LedgerRecovery.loadIfUsable(journal, store, file, ZAR);
                assertNotNull(loaded, file.toString());
                assertEquals(hashAtCommandId.get(loaded.header().lastCommandId()), loaded.ledger().stateHash(), file.toString());
                final ChronicleJournal.ReplayResult tail = journal.replayAfter(loaded.header().journalIndex(),
                    loaded.header().lastCommandId(), (index, e) ->
                    {
                        loaded.ledger().apply(e);
                        return true;
                    });
                assertEquals(original.stateHash(), loaded.ledger().stateHash(), "snapshot " + file + " + tail of " + tail.records());
                assertEquals(stream.commandId(), tail.records() == 0 ? loaded.header().lastCommandId() : tail.lastCommandId());
                loaded.ledger().checkConservation();
            }
        }
    }
}
