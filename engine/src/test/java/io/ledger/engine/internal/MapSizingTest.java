package io.ledger.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sizing a map up front for a count that is known ({@link SnapshotRecords#withRoomFor}). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MapSizingTest
{
    private static final long MISSING = SnapshotRecords.MISSING;

    @Test
    void shouldGiveALongMapRoomForTheEntriesWithoutLosingAnyOrGrowingWhileFilled()
    {
        final Long2LongHashMap small = new Long2LongHashMap(MISSING);
        for (long key = 1; key <= 100; key++)
        {
            small.put(key, key * 10);
        }
        final Long2LongHashMap sized = SnapshotRecords.withRoomFor(small, 100_000);
        assertTrue(sized.resizeThreshold() >= 100_000, "holds 100,000 entries without growing: " + sized.resizeThreshold());
        assertEquals(MISSING, sized.missingValue());
        assertEquals(small.loadFactor(), sized.loadFactor());
        assertEquals(100, sized.size());
        final int capacity = sized.capacity();
        for (long key = 1; key <= 100_000; key++)
        {
            if (key > 100)
            {
                sized.put(key, key * 10);
            }
        }
        assertEquals(capacity, sized.capacity(), "it did not grow while filled");
        for (long key = 1; key <= 100_000; key++)
        {
            assertEquals(key * 10, sized.get(key));
        }
        assertSame(sized, SnapshotRecords.withRoomFor(sized, 50_000), "a map with room already is kept");
    }

    @Test
    void shouldSizeAnObjectMapKeepingEveryValue()
    {
        final Long2ObjectHashMap<String> map = new Long2ObjectHashMap<>();
        map.put(3, "three");
        final Long2ObjectHashMap<String> sized = SnapshotRecords.withRoomFor(map, 10_000);
        assertTrue(sized.resizeThreshold() >= 10_000);
        assertEquals(1, sized.size());
        assertEquals("three", sized.get(3));
        assertSame(sized, SnapshotRecords.withRoomFor(sized, 10_000));
    }

    @Test
    void shouldSizeExactlyAsGrowingWouldForTheSameCount()
    {
        final Long2LongHashMap grown = new Long2LongHashMap(MISSING);
        for (long key = 0; key < 300_000; key++)
        {
            grown.put(key, key);
        }
        // a load sizes for the count it reads: no larger than growth would have made it, so no customer sits on more cache lines
        assertEquals(grown.capacity(), SnapshotRecords.withRoomFor(new Long2LongHashMap(MISSING), 300_000).capacity());
    }
}
