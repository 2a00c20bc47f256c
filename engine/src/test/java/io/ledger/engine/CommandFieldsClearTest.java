package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link CommandFields#clearFields} writes back only the slots of the fields that were present: a cleared command must
 * still read every field as absent, with its absent value, whatever was set, removed or copied into it before (a ring
 * slot and a replay window's event are cleared and reused for every command).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CommandFieldsClearTest
{
    @Test
    void shouldReadEveryFieldAsAbsentAfterClearWhateverWasSetRemovedOrCopiedBefore()
    {
        final Random random = new Random(13);
        final CommandEvent event = new CommandEvent();
        final CommandEvent other = new CommandEvent();
        for (int round = 0; round < 2_000; round++)
        {
            setSome(random, other);
            setSome(random, event);
            if (random.nextInt(4) == 0)
            {
                event.copyFrom(other);
            }
            for (final Field field : Field.values())
            {
                if (random.nextInt(8) == 0)
                {
                    event.remove(field);
                }
            }
            event.clear();
            assertAllAbsent(event, "round " + round);
        }
    }

    @Test
    void shouldDecodeACommandIntoAReusedEventExactlyAsIntoAFreshOne()
    {
        final CommandEvent full = new CommandEvent();
        full.type(CommandType.PURCHASE).stamp(7, 1_000);
        full.set(Field.CUSTOMER_KEY, 3).set(Field.AMOUNT_MINOR, 500).set(Field.QUANTITY, 2).text(Field.MERCHANT_ID, "m1")
            .text(Field.DESCRIPTION, "tea").set(Field.CASHBACK_MINOR, 5);
        final CommandEvent small = new CommandEvent();
        small.type(CommandType.PURCHASE).stamp(8, 1_001);
        small.set(Field.CUSTOMER_KEY, 4).set(Field.AMOUNT_MINOR, 100).text(Field.MERCHANT_ID, "m1");
        final org.agrona.ExpandableArrayBuffer body = new org.agrona.ExpandableArrayBuffer(1024);
        final int length = CommandCodec.encode(small, body, 0);

        final CommandEvent reused = new CommandEvent();
        CommandCodec.encode(full, body, 512);
        assertTrue(CommandCodec.decode(body, 512, CommandCodec.encodedLength(full), reused));
        assertTrue(CommandCodec.decode(body, 0, length, reused));
        final CommandEvent fresh = new CommandEvent();
        assertTrue(CommandCodec.decode(body, 0, length, fresh));
        assertEquals(fresh.presentBits(), reused.presentBits());
        for (final Field field : Field.values())
        {
            if (field.kind().text())
            {
                assertEquals(fresh.textString(field), reused.textString(field), field.name());
            }
            else
            {
                assertEquals(fresh.get(field), reused.get(field), field.name());
            }
        }
    }

    private static void setSome(final Random random, final CommandEvent event)
    {
        event.type(CommandType.values()[random.nextInt(CommandType.values().length)]);
        for (final Field field : Field.values())
        {
            if (random.nextInt(3) != 0)
            {
                continue;
            }
            if (field.kind().text())
            {
                event.text(field, "t" + random.nextInt(1000));
            }
            else
            {
                event.set(field, random.nextLong());
            }
        }
    }

    private static void assertAllAbsent(final CommandEvent event, final String where)
    {
        assertEquals(CommandType.NOOP, event.type(), where);
        assertEquals(0, event.presentBits(), where);
        for (final Field field : Field.values())
        {
            assertFalse(event.has(field), where + " " + field);
            if (field.kind().text())
            {
                assertEquals(-1, event.textLength(field), where + " " + field);
            }
            else
            {
                assertEquals(field.absentValue(), event.get(field), where + " " + field);
            }
        }
    }
}
