package io.ledger.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every journaled command type, with every field its declaration gives it (present with random values, absent, and
 * mixed), appended to a real Chronicle journal, read back after the journal is closed (read-only, as the tools do, and
 * writable, as a start does), and compared field by field: type, id, time, and each declared field's presence and
 * value. The codec's own test round-trips bodies in memory; this one proves the whole journal path does, for
 * {@code UPDATE_CUSTOMER}, {@code DELETE_PAYMENT_METHOD}, {@code SAVE_PAYMENT_METHOD}'s expiry and flags and the rest
 * (on 4af94da no test took update-customer, delete-payment-method or the {@code flags}/{@code aux} slots through the
 * journal and back).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JournalRoundTripTest
{
    private static final String TEXT_CHARS = "aZ09 _-@.+{}\":,äöü€李雷😀\t\n";
    private static final int ROUNDS_PER_TYPE = 40;

    @TempDir
    Path journalDir;

    private final Random random = new Random(0x10_0D_2A);

    @Test
    void shouldReadBackEveryFieldOfEveryJournaledCommandTypeExactly()
    {
        final List<CommandEvent> written = new ArrayList<>();
        long commandId = 0;
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.FSYNC))
        {
            for (int round = 0; round < ROUNDS_PER_TYPE; round++)
            {
                for (final CommandType type : CommandType.values())
                {
                    if (!type.journaled())
                    {
                        continue;
                    }
                    commandId += 1 + random.nextInt(3); // queries take ids too: gaps
                    final CommandEvent event = random(type, commandId, round == 0 ? 1.0 : round == 1 ? 0.0 : 0.5);
                    journal.append(event);
                    written.add(event);
                    if (random.nextInt(4) == 0)
                    {
                        journal.endOfBatch();
                    }
                }
            }
            journal.endOfBatch();
        }
        assertEquals(ROUNDS_PER_TYPE * journaledTypes(), written.size());

        try (ChronicleJournal readOnly = ChronicleJournal.openReadOnly(journalDir))
        {
            assertReadBack(readOnly, written);
        }
        try (ChronicleJournal reopened = ChronicleJournal.open(journalDir, Durability.PROCESS))
        {
            assertReadBack(reopened, written);
            assertEquals(commandId, reopened.lastCommandId(), "a start numbers new commands after the last one read back");
        }
    }

    private static void assertReadBack(final ChronicleJournal journal, final List<CommandEvent> written)
    {
        final int[] read = {0};
        final ChronicleJournal.ReplayResult result = journal.replay((index, event) ->
        {
            assertSameCommand(written.get(read[0]++), event);
            return true;
        });
        assertEquals(written.size(), read[0], "every record read back, in order");
        assertEquals(written.size(), result.records());
    }

    private static int journaledTypes()
    {
        int count = 0;
        for (final CommandType type : CommandType.values())
        {
            count += type.journaled() ? 1 : 0;
        }
        return count;
    }

    /** A command of {@code type} whose declared fields are each present with probability {@code presence}. */
    private CommandEvent random(final CommandType type, final long commandId, final double presence)
    {
        final CommandEvent event = new CommandEvent();
        event.type(type).stamp(commandId, 1_700_000_000_000L + random.nextInt(1_000_000_000));
        for (int i = 0; i < type.fieldCount(); i++)
        {
            final Field field = type.field(i);
            if (random.nextDouble() >= presence)
            {
                continue;
            }
            switch (field.kind())
            {
                case TEXT, JSON -> event.text(field, randomText(random.nextInt(6) == 0 ? 0 : 1 + random.nextInt(200)));
                case BOOL -> event.set(field, random.nextBoolean());
                case I32, CURRENCY -> event.set(field, random.nextInt());
                default -> event.set(field, random.nextBoolean() ? random.nextLong() : random.nextInt(1000) - 500);
            }
        }
        return event;
    }

    private String randomText(final int length)
    {
        final StringBuilder text = new StringBuilder(length);
        final int codePoints = TEXT_CHARS.codePointCount(0, TEXT_CHARS.length());
        while (text.length() < length)
        {
            text.appendCodePoint(TEXT_CHARS.codePointAt(TEXT_CHARS.offsetByCodePoints(0, random.nextInt(codePoints))));
        }
        return text.toString();
    }

    private static void assertSameCommand(final CommandEvent expected, final CommandEvent actual)
    {
        final CommandType type = expected.type();
        final String where = type + " commandId=" + expected.commandId();
        assertEquals(type, actual.type(), where);
        assertEquals(expected.commandId(), actual.commandId(), where);
        assertEquals(expected.timestampMs(), actual.timestampMs(), where);
        for (int i = 0; i < type.fieldCount(); i++)
        {
            final Field field = type.field(i);
            assertEquals(expected.has(field), actual.has(field), where + " " + field + " present");
            if (field.kind().text())
            {
                assertEquals(expected.textString(field), actual.textString(field), where + " " + field);
            }
            else
            {
                assertEquals(expected.get(field), actual.get(field), where + " " + field);
            }
        }
    }
}
