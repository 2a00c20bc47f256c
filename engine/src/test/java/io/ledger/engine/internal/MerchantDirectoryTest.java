package io.ledger.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link MerchantDirectory} hashes 8 bytes at a time and compares a heap buffer's bytes many at a time: it must find
 * every merchant by its exact bytes, wherever they lie in the buffer (offsets, a buffer wrapping part of an array, off
 * the heap), and none for ids that differ in length or in any one byte.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MerchantDirectoryTest
{
    @Test
    void shouldFindEveryMerchantByItsExactBytesAndNoNearMiss()
    {
        final MerchantDirectory directory = new MerchantDirectory();
        final List<String> ids = new ArrayList<>();
        for (int length = 1; length <= 40; length++)
        {
            ids.add("m".repeat(length));
            ids.add("bench_m" + length + "_" + "x".repeat(length));
            ids.add("é".repeat(length));
        }
        final ExpandableArrayBuffer heap = new ExpandableArrayBuffer(64);
        for (int i = 0; i < ids.size(); i++)
        {
            final byte[] bytes = ids.get(i).getBytes(StandardCharsets.UTF_8);
            heap.putBytes(3, bytes);
            assertEquals(i, directory.findOrRegister(heap, 3, bytes.length), ids.get(i));
        }
        final UnsafeBuffer offHeap = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(256));
        for (int round = 0; round < 2; round++) // the second round after other ids: the last-found shortcut misses
        {
            for (int i = 0; i < ids.size(); i++)
            {
                final byte[] bytes = ids.get(i).getBytes(StandardCharsets.UTF_8);
                heap.putBytes(5, bytes);
                assertEquals(i, directory.find(heap, 5, bytes.length), ids.get(i));
                final byte[] padded = new byte[bytes.length + 20];
                System.arraycopy(bytes, 0, padded, 11, bytes.length);
                final UnsafeBuffer part = new UnsafeBuffer(padded, 7, bytes.length + 10); // wrapAdjustment 7
                assertEquals(i, directory.find(part, 4, bytes.length), ids.get(i));
                offHeap.putBytes(9, bytes);
                assertEquals(i, directory.find(offHeap, 9, bytes.length), ids.get(i));

                for (int at = 0; at < bytes.length; at++)
                {
                    final byte[] changed = bytes.clone();
                    changed[at] ^= 0x01;
                    heap.putBytes(0, changed);
                    final int found = directory.find(heap, 0, changed.length);
                    final String changedId = new String(changed, StandardCharsets.ISO_8859_1);
                    assertEquals(indexOfBytes(ids, changed), found, "changed byte " + at + " of " + ids.get(i) + ": " + changedId);
                }
                heap.putBytes(0, bytes);
                assertEquals(indexOfBytes(ids, java.util.Arrays.copyOf(bytes, bytes.length - 1)), directory.find(heap, 0, bytes.length - 1));
            }
        }
    }

    private static int indexOfBytes(final List<String> ids, final byte[] bytes)
    {
        for (int i = 0; i < ids.size(); i++)
        {
            if (java.util.Arrays.equals(ids.get(i).getBytes(StandardCharsets.UTF_8), bytes))
            {
                return i;
            }
        }
        return -1;
    }
}
