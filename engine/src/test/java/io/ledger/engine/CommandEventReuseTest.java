package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A ring slot is reused for every command: whatever the previous command left (its fields, its page of rows) must be
 * gone after {@link CommandEvent#clear()}, exactly as in a slot never used. The clear writes back only the fields the
 * previous command carried, and a slot's page exists only once a query used it; these tests compare with a fresh
 * event field by field.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CommandEventReuseTest
{
    @Test
    void shouldReadEveryFieldAsAFreshEventAfterClear()
    {
        final CommandEvent fresh = new CommandEvent();
        final CommandEvent reused = new CommandEvent();
        for (int round = 0; round < 3; round++)
        {
            long value = 1000 * (round + 1);
            for (final Field field : Field.values())
            {
                if (field.kind().text())
                {
                    reused.text(field, "t" + field.ordinal());
                }
                else
                {
                    reused.set(field, value++);
                }
            }
            if (round == 1)
            {
                reused.remove(Field.AMOUNT_MINOR).remove(Field.MERCHANT_ID); // removed again: back to absent
            }
            if (round == 2)
            {
                final CommandEvent source = new CommandEvent();
                source.type(CommandType.PURCHASE).set(Field.QUANTITY, 7).text(Field.PRODUCT_ID, "p");
                reused.copyFrom(source); // a copy brings its own presence bits and values
                assertEquals(7, reused.get(Field.QUANTITY));
            }
            reused.clear();
            assertFieldsAsFresh(fresh, reused);
        }
    }

    @Test
    void shouldCopyExactlyTheSourcesFieldsOverAnyEarlierOnes()
    {
        final CommandEvent source = new CommandEvent();
        source.type(CommandType.PURCHASE).set(Field.CUSTOMER_KEY, 12).set(Field.AMOUNT_MINOR, 990).set(Field.QUANTITY, 2)
            .text(Field.MERCHANT_ID, "mer_a").text(Field.PRODUCT_ID, "p-1");
        final CommandEvent target = new CommandEvent();
        long value = 5;
        for (final Field field : Field.values())
        {
            if (field.kind().text())
            {
                target.text(field, "old-" + field.ordinal());
            }
            else
            {
                target.set(field, value++);
            }
        }
        target.copyFrom(source);
        assertEquals(source.type(), target.type());
        assertEquals(source.presentBits(), target.presentBits());
        for (final Field field : Field.values())
        {
            assertEquals(source.has(field), target.has(field), field.name());
            if (field.kind().text())
            {
                assertEquals(source.textString(field), target.textString(field), field.name());
            }
            else
            {
                assertEquals(source.get(field), target.get(field), field.name());
            }
        }
        assertEquals(CommandCodec.encodedLength(source), CommandCodec.encodedLength(target));
        target.clear();
        assertFieldsAsFresh(new CommandEvent(), target);
    }

    @Test
    void shouldLeaveNoRowsOfAPreviousQueryAfterClear()
    {
        final CommandEvent event = new CommandEvent();
        assertEquals(0, event.rowCount());
        final int row = event.addRow(3, 1, -250, 750, 710, 1_700_000_000_000L, 42, 9, -1);
        event.rowTextSink().putStringWithoutLengthAscii(event.rowTextLimit(), "latte");
        event.commitRowText(row, 5);
        assertEquals(-250, event.rowLong(row, CommandEvent.ROW_AMOUNT));
        assertEquals("latte", event.rowText(row));

        event.clear();
        assertEquals(0, event.rowCount());
        assertEquals(0, event.rowTextLimit());
        final Object record = "a record row";
        event.addRow(record);
        assertSame(record, event.rowObject(0));
        assertEquals(1, event.rowCount());

        event.clear();
        assertEquals(0, event.rowCount());
        final int again = event.addRow(4, 2, 100, 850, 710, 1_700_000_000_001L, 43, 9, -1);
        assertEquals(0, again);
        assertNull(event.rowText(again), "no text committed for this row");
        assertNull(event.rowObject(0), "the previous query's record row is cleared");
    }

    private static void assertFieldsAsFresh(final CommandEvent fresh, final CommandEvent reused)
    {
        assertEquals(CommandType.NOOP, reused.type());
        assertEquals(0, reused.presentBits());
        for (final Field field : Field.values())
        {
            assertFalse(reused.has(field), field.name());
            if (field.kind().text())
            {
                assertEquals(-1, reused.textLength(field), field.name());
            }
            else
            {
                assertEquals(fresh.get(field), reused.get(field), field.name());
                assertEquals(field.absentValue(), reused.get(field), field.name());
            }
        }
        assertNull(reused.result());
        assertEquals(0, reused.rowCount());
    }
}
