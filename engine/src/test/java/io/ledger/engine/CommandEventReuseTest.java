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

    /**
     * {@link CommandEvent#clearAndCopy} (a batch item filled from its draft) leaves the event exactly as
     * {@link CommandEvent#clear()} then {@link CommandEvent#copyFrom} do: over events a previous command left fields,
     * texts, a result, rows, a reply sink and a batch in, for sources of random fields; compared field by field, by
     * every stamp and reference, and by the journal bytes.
     */
    @Test
    void shouldClearAndCopyExactlyAsClearThenCopy()
    {
        final java.util.SplittableRandom random = new java.util.SplittableRandom(14);
        final Field[] fields = Field.values();
        final CommandEvent viaClear = new CommandEvent();
        final CommandEvent viaOnePass = new CommandEvent();
        for (int round = 0; round < 2_000; round++)
        {
            final CommandEvent previous = randomFields(random, fields);
            final long seed = random.nextLong();
            for (final CommandEvent event : new CommandEvent[] {viaClear, viaOnePass})
            {
                final java.util.SplittableRandom same = new java.util.SplittableRandom(seed);
                event.clear();
                event.copyFrom(previous);
                event.stamp(same.nextLong(1, 1L << 40), same.nextLong(1, 1L << 40));
                event.result(ResultCode.OK);
                event.resultKey(same.nextLong(1L << 40));
                event.balances(same.nextLong(), same.nextLong());
                event.replyTo(e -> { }, "context");
                event.batch(new BatchItems());
                if (same.nextBoolean())
                {
                    event.addRow("a row");
                }
            }
            final CommandEvent source = randomFields(random, fields);
            viaClear.clear();
            viaClear.copyFrom(source);
            viaOnePass.clearAndCopy(source);
            assertEquals(viaClear.type(), viaOnePass.type());
            assertEquals(viaClear.presentBits(), viaOnePass.presentBits());
            for (final Field field : fields)
            {
                assertEquals(viaClear.has(field), viaOnePass.has(field), field.name());
                if (field.kind().text())
                {
                    assertEquals(viaClear.textString(field), viaOnePass.textString(field), field.name());
                }
                else
                {
                    assertEquals(viaClear.get(field), viaOnePass.get(field), field.name());
                }
            }
            assertEquals(viaClear.commandId(), viaOnePass.commandId());
            assertEquals(viaClear.timestampMs(), viaOnePass.timestampMs());
            assertEquals(viaClear.result(), viaOnePass.result());
            assertEquals(viaClear.resultKey(), viaOnePass.resultKey());
            assertEquals(viaClear.balanceBeforeMinor(), viaOnePass.balanceBeforeMinor());
            assertEquals(viaClear.rowCount(), viaOnePass.rowCount());
            assertNull(viaOnePass.replySink());
            assertNull(viaOnePass.replyContext());
            assertNull(viaOnePass.batch());
            viaClear.stamp(round + 1, 1_765_000_000_000L);
            viaOnePass.stamp(round + 1, 1_765_000_000_000L);
            final org.agrona.ExpandableArrayBuffer a = new org.agrona.ExpandableArrayBuffer(1024);
            final org.agrona.ExpandableArrayBuffer b = new org.agrona.ExpandableArrayBuffer(1024);
            final int length = CommandCodec.encode(viaClear, a, 0);
            assertEquals(length, CommandCodec.encode(viaOnePass, b, 0));
            org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOf(a.byteArray(), length),
                java.util.Arrays.copyOf(b.byteArray(), length), "round " + round);
        }
    }

    /** @return a purchase of a random subset of the fields (texts of 0-40 characters, some not ASCII). */
    private static CommandEvent randomFields(final java.util.SplittableRandom random, final Field[] fields)
    {
        final CommandEvent event = new CommandEvent();
        event.type(CommandType.PURCHASE);
        for (final Field field : fields)
        {
            if (random.nextInt(3) != 0)
            {
                continue;
            }
            if (field.kind().text())
            {
                final StringBuilder text = new StringBuilder();
                for (int i = random.nextInt(41); i > 0; i--)
                {
                    text.append(random.nextInt(10) == 0 ? '\u00e9' : (char)('a' + random.nextInt(26)));
                }
                event.text(field, text);
            }
            else
            {
                event.set(field, random.nextLong(1, 1L << 40));
            }
        }
        return event;
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
