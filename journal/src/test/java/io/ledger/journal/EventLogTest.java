package io.ledger.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The change stream's outcome queue: order, the committed gate, one merchant's events, marks, reopening, one record format. */
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

    @Test
    void shouldWriteTheSameRecordBytesFromAMerchantsUtf8AndDataUtf8AsFromStrings(@TempDir final Path dir)
    {
        final String[] merchants = {"m1", "caf\u00e9", "\ud83d\ude00 m", "", null};
        final String[] data = {"{\"note\":\"plain ascii \\\" \\n\"}", "{\"note\":\"caf\u00e9 \ud83d\ude00 \u2028\"}",
            "{\"note\":\"" + "longer than the scratch array ".repeat(100) + "\"}"};
        try (EventLog strings = EventLog.open(dir.resolve("strings")); EventLog buffers = EventLog.open(dir.resolve("buffers")))
        {
            final UnsafeBuffer text = new UnsafeBuffer(new byte[64]);
            for (int i = 0; i < merchants.length; i++)
            {
                strings.append(10 + i, 3 + i, merchants[i], "customer.created", data[i % 3] + i);
                int length = -1;
                if (merchants[i] != null)
                {
                    final byte[] utf8 = merchants[i].getBytes(StandardCharsets.UTF_8);
                    text.putBytes(7, utf8);
                    length = utf8.length;
                }
                final byte[] utf8 = (data[i % 3] + i + "      ").getBytes(StandardCharsets.UTF_8); // longer: only its length counts
                buffers.append(10 + i, 3 + i, text, 7, length, "customer.created", utf8, utf8.length - 6);
            }
            assertEquals(strings.lastJournalIndex(), buffers.lastJournalIndex());
            assertEquals(strings.lastCommandId(), buffers.lastCommandId());
            try (EventLog.Reader reader = buffers.reader(false))
            {
                for (final String merchant : merchants)
                {
                    assertTrue(reader.next(Long.MAX_VALUE, null));
                    assertEquals(merchant, reader.merchantId());
                }
            }
        }
        assertEquals(records(dir.resolve("strings")), records(dir.resolve("buffers")));
    }

    @Test
    void shouldFindANonAsciiByteAtAnyPlaceEightAtATimeOrInTheTail()
    {
        final byte[] bytes = new byte[37];
        Arrays.fill(bytes, (byte)'a');
        for (int length = 0; length <= bytes.length; length++)
        {
            assertTrue(EventLog.isAscii(bytes, length), "all ASCII, length " + length);
        }
        for (int at = 0; at < bytes.length; at++)
        {
            bytes[at] = (byte)0xC3;
            assertFalse(EventLog.isAscii(bytes, bytes.length), "a non-ASCII byte at " + at);
            assertTrue(EventLog.isAscii(bytes, at), "not looked at beyond the length: " + at);
            bytes[at] = 0x7F;
            assertTrue(EventLog.isAscii(bytes, bytes.length), "0x7F is ASCII, at " + at);
            bytes[at] = 'a';
        }
    }

    private static List<String> records(final Path dir)
    {
        final List<String> records = new ArrayList<>();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(dir.toFile()).readOnly(true).build();
            ExcerptTailer tailer = queue.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return records;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    final byte[] record = new byte[(int)bytes.readRemaining()];
                    bytes.read(record);
                    records.add(Arrays.toString(record));
                }
            }
        }
    }
}
