package io.ledger.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import net.openhft.chronicle.queue.impl.TableStore;
import net.openhft.chronicle.queue.impl.single.TableStoreWriteLock;
import net.openhft.chronicle.queue.impl.table.Metadata;
import net.openhft.chronicle.queue.impl.table.SingleTableBuilder;
import net.openhft.chronicle.threads.Pauser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WriterLockTest
{
    @TempDir
    Path dir;

    private static CommandEvent payIn(final long commandId)
    {
        final CommandEvent event = new CommandEvent();
        event.type(CommandType.PAY_IN).text(Field.MERCHANT_ID, "m1").set(Field.CUSTOMER_KEY, 1).set(Field.AMOUNT_MINOR, 10)
            .set(Field.CURRENCY, Currencies.pack("ZAR")).stamp(commandId, 1_700_000_000_000L + commandId);
        return event;
    }

    @Test
    void shouldRefuseASecondWriterOfTheSameJournal()
    {
        try (ChronicleJournal first = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> ChronicleJournal.open(dir, Durability.PROCESS));
            assertTrue(ex.getMessage().contains("in use by another ledger process"), ex.getMessage());
            first.append(payIn(1));
        }
        try (ChronicleJournal again = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            assertEquals(1, again.lastCommandId(), "closing released the journal");
        }
    }

    /**
     * A writer killed inside an append leaves Chronicle's write lock held under its pid. A restarted server that
     * gets the same pid back (pid 1 in a container) would see it held by a live process and wait forever. Here the
     * lock is planted under this very process's pid, which is exactly what such a restart sees.
     */
    @Test
    void shouldClearAChronicleWriteLockLeftByAKilledWriterWithTheSamePid()
    {
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            journal.append(payIn(1));
        }
        try (TableStore<?> store = SingleTableBuilder.binary(dir.resolve("metadata.cq4t").toFile(), Metadata.NoMeta.INSTANCE)
            .readOnly(false).build())
        {
            final TableStoreWriteLock stale = new TableStoreWriteLock(store, Pauser::balanced, 0L);
            stale.lock(); // held by this pid and never unlocked, as after a kill -9 mid-append
            assertTrue(stale.locked());
        }

        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            journal.append(payIn(2)); // would block on the write lock and time out without the fix
            journal.endOfBatch();
        }
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            assertEquals(2, journal.lastCommandId());
        }
    }
}
