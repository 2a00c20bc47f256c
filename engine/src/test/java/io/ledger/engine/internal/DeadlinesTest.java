package io.ledger.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The deadline queue: earliest first, equal times in key order, removal by key, against a sorted set. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeadlinesTest
{
    private record Due(long deadlineMs, long key, byte kind)
    {
    }

    private static final Comparator<Due> ORDER = Comparator.comparingLong(Due::deadlineMs).thenComparingLong(Due::key);

    @Test
    void shouldGiveTheEarliestDeadlineFirstAndEqualTimesInKeyOrder()
    {
        final Deadlines deadlines = new Deadlines();
        assertEquals(Deadlines.NONE, deadlines.nextMs());
        deadlines.add(50, Deadlines.EXPIRE_GIFT, 9);
        deadlines.add(50, Deadlines.RELEASE_HOLD, 3);
        deadlines.add(20, Deadlines.RELEASE_HOLD, 7);
        assertEquals(20, deadlines.nextMs());
        assertEquals(7, deadlines.nextKey());
        deadlines.remove(7);
        assertEquals(50, deadlines.nextMs());
        assertEquals(3, deadlines.nextKey());
        assertEquals(Deadlines.RELEASE_HOLD, deadlines.nextKind());
        deadlines.remove(3);
        assertEquals(9, deadlines.nextKey());
        assertEquals(Deadlines.EXPIRE_GIFT, deadlines.nextKind());
        deadlines.add(10, Deadlines.EXPIRE_GIFT, 9); // moves it
        assertEquals(1, deadlines.size());
        assertEquals(10, deadlines.nextMs());
        deadlines.remove(9);
        deadlines.remove(9);
        assertEquals(0, deadlines.size());
        assertFalse(deadlines.contains(9));
    }

    @Test
    void shouldAgreeWithASortedSetThroughRandomAddsRemovesAndPolls()
    {
        final Random random = new Random(20_261_122L);
        final Deadlines deadlines = new Deadlines();
        final TreeSet<Due> reference = new TreeSet<>(ORDER);
        final java.util.HashMap<Long, Due> byKey = new java.util.HashMap<>();
        for (int step = 0; step < 200_000; step++)
        {
            final int roll = random.nextInt(10);
            final long key = random.nextInt(2_000);
            if (roll < 5)
            {
                final Due due = new Due(random.nextInt(500), key, random.nextBoolean() ? Deadlines.RELEASE_HOLD : Deadlines.EXPIRE_GIFT);
                deadlines.add(due.deadlineMs(), due.kind(), key);
                final Due before = byKey.put(key, due);
                if (before != null)
                {
                    reference.remove(before);
                }
                reference.add(due);
            }
            else if (roll < 8)
            {
                deadlines.remove(key);
                final Due before = byKey.remove(key);
                if (before != null)
                {
                    reference.remove(before);
                }
            }
            else if (!reference.isEmpty())
            {
                final Due first = reference.pollFirst();
                byKey.remove(first.key());
                assertEquals(first.deadlineMs(), deadlines.nextMs(), "step " + step);
                assertEquals(first.key(), deadlines.nextKey(), "step " + step);
                assertEquals(first.kind(), deadlines.nextKind(), "step " + step);
                deadlines.remove(first.key());
            }
            assertEquals(reference.size(), deadlines.size());
            assertTrue(reference.isEmpty() ? deadlines.nextMs() == Deadlines.NONE : deadlines.nextMs() == reference.first().deadlineMs());
        }
    }
}
