package io.ledger.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The change stream's outcome queue: order, the committed gate, one merchant's events, marks, reopening. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EventLogTest
{
    @Test
    void shouldReadOneMerchantsEventsInOrderUpToTheCommittedCommandAndSkipMarks(@TempDir final Path dir)
    {
        try (EventLog log = EventLog.open(dir))
        {
            assertEquals(-1, log.lastJournalIndex());
            log.append(10, 3, "m1", "customer.created", "{\"id\":\"a\"}");
            log.append(11, 4, "m2", "customer.created", "{\"id\":\"b\"}");
            log.appendMark(12, 5);
            log.append(13, 6, "m1", "pay_in.created", "{\"id\":\"c\"}");
            assertThrows(IllegalArgumentException.class, () -> log.append(13, 7, "m1", "x", "{}"), "indexes increase");
            try (EventLog.Reader reader = log.reader(false))
            {
                assertTrue(reader.next(5, "m1"));
                assertEquals(10, reader.journalIndex());
                assertEquals("customer.created", reader.type());
                assertEquals("{\"id\":\"a\"}", reader.data());
                assertFalse(reader.next(5, "m1"), "m2's event and the mark are read past; 13 is not committed yet");
                assertTrue(reader.next(6, "m1"), "left unread, it is read once committed");
                assertEquals(13, reader.journalIndex());
                assertEquals("pay_in.created", reader.type());
                assertFalse(reader.next(Long.MAX_VALUE, "m1"));
            }
            try (EventLog.Reader atEnd = log.reader(true))
            {
                assertFalse(atEnd.next(Long.MAX_VALUE, "m1"));
                log.append(14, 8, "m1", "payout.created", "{}");
                assertTrue(atEnd.next(Long.MAX_VALUE, "m1"));
                assertEquals(14, atEnd.journalIndex());
            }
        }
        try (EventLog reopened = EventLog.open(dir))
        {
            assertEquals(14, reopened.lastJournalIndex());
            assertEquals(8, reopened.lastCommandId());
            reopened.appendMark(14, 8);
            assertEquals(14, reopened.lastJournalIndex(), "a mark where the log already is writes nothing");
        }
    }
}
