package io.ledger.journal;

import static io.ledger.journal.JournalFixtures.createCustomer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.ledger.engine.CommandEvent;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.core.Jvm;
import net.openhft.chronicle.core.onoes.ExceptionHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * Chronicle Bytes reports a failed msync to its error handler and carries on as if the bytes were on the disk. In
 * {@code fsync} durability the journal must not acknowledge anything after such a report: the report is counted, passed
 * on unchanged, and the next sync throws.
 */
class MsyncFailuresTest
{
    /** Chronicle's own wording, as {@code MappedBytesStore.performMsync} writes it. */
    private static final String REPORT = "msync failed, Input/output error, ret=-1 /data/journal/20261207F.cq4 0 1000";

    @Test
    void shouldCountOnlyChroniclesFailedMsyncReportsAndPassEveryReportOn()
    {
        final List<String> passedOn = new ArrayList<>();
        final MsyncFailures handler = new MsyncFailures(new ExceptionHandler()
        {
            @Override
            public void on(final Logger logger, final String message, final Throwable thrown)
            {
                passedOn.add(message);
            }

            @Override
            public void on(final Class<?> clazz, final String message, final Throwable thrown)
            {
                passedOn.add(message);
            }
        });
        final long before = MsyncFailures.count();
        handler.on(MappedBytesStore.class, REPORT, null);
        assertEquals(before + 1, MsyncFailures.count());
        handler.on(MappedBytesStore.class, "Took 250 ms to msync", null);
        handler.on(String.class, REPORT, null);
        handler.on(MappedBytesStore.class, null, new RuntimeException("x"));
        assertEquals(before + 1, MsyncFailures.count(), "only MappedBytesStore's msync failures count");
        assertEquals(4, passedOn.size(), "every report reaches the next handler: " + passedOn);
        assertEquals(REPORT, passedOn.get(0));
    }

    @Test
    void shouldRefuseToAcknowledgeABatchAfterChronicleReportedAFailedMsync(@TempDir final Path dir)
    {
        final CommandEvent event = new CommandEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.FSYNC))
        {
            journal.append(createCustomer(event, 1, 1_763_600_000_000L, "mer_a", "+27820000001", null, null, "{}"));
            journal.endOfBatch(); // a good sync
            journal.append(createCustomer(event, 2, 1_763_600_000_000L, "mer_a", "+27820000002", null, null, "{}"));
            Jvm.error().on(MappedBytesStore.class, REPORT); // as Chronicle reports it, through its process-wide handler
            final IllegalStateException failed = assertThrows(IllegalStateException.class, journal::endOfBatch);
            assertTrue(failed.getMessage().contains("msync failed"), failed.getMessage());
            journal.append(createCustomer(event, 3, 1_763_600_000_000L, "mer_a", "+27820000003", null, null, "{}"));
            journal.endOfBatch(); // a later report-free sync passes: the pipeline has stopped acknowledging by then
        }
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            journal.append(createCustomer(event, 4, 1_763_600_000_000L, "mer_a", "+27820000004", null, null, "{}"));
            Jvm.error().on(MappedBytesStore.class, REPORT);
            journal.endOfBatch(); // process durability promises the page cache only, and does not sync
        }
    }
}
