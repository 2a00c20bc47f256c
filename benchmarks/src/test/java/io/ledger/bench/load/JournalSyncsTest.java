package io.ledger.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The load tool reads the journal's two sync counters out of a text-format scrape, and nothing else that looks alike. */
class JournalSyncsTest
{
    @Test
    void shouldReadBothCountersAndIgnoreTheirHelpTypeAndCreatedLines()
    {
        final JournalSyncs.Reading reading = JournalSyncs.parse("""
            # HELP ledger_journal_syncs_total Times the journal was synced to the disk.
            # TYPE ledger_journal_syncs_total counter
            ledger_journal_syncs_total 1234.0
            ledger_journal_syncs_created 1.7E9
            # TYPE ledger_journal_sync_seconds_total counter
            ledger_journal_sync_seconds_total 2.5
            ledger_journal_syncs_total_other 9.0
            """);
        assertEquals(1234.0, reading.syncs());
        assertEquals(2.5, reading.seconds());
    }

    @Test
    void shouldGiveNothingWhenEitherCounterIsMissing()
    {
        assertNull(JournalSyncs.parse("ledger_journal_syncs_total 3.0\n"));
        assertNull(JournalSyncs.parse("ledger_journal_sync_seconds_total 3.0\n"));
        assertNull(JournalSyncs.parse(""));
    }
}
