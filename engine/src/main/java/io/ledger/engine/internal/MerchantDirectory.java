package io.ledger.engine.internal;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;

/**
 * Interns merchant ids (arbitrary strings from the token) to dense indexes, looked up straight from the
 * command's UTF-8 bytes without allocating. A 64-bit hash selects a probe sequence; every hit is verified
 * byte for byte, so two merchants can never share an account even if their hashes collide.
 *
 * <p>The merchant found last is tried first, by its bytes alone: a run of commands for one merchant (the usual case)
 * finds it without hashing.
 *
 * <p>Single-threaded: ledger thread only. Deterministic: indexes are assigned in registration order.
 */
public final class MerchantDirectory
{
    private static final long MISSING = -1;

    private final Long2LongHashMap indexByProbeKey = new Long2LongHashMap(1024, 0.6f, MISSING);
    private final ArrayList<byte[]> idBytes = new ArrayList<>();
    private final ArrayList<String> ids = new ArrayList<>();
    private int lastFound = -1;

    /** @return the merchant's index, or -1 when it was never registered. */
    public int find(final DirectBuffer buffer, final int offset, final int length)
    {
        final int last = lastFound;
        if (last >= 0 && matches(idBytes.get(last), buffer, offset, length))
        {
            return last;
        }
        long probe = hash(buffer, offset, length);
        while (true)
        {
            final long index = indexByProbeKey.get(probe);
            if (index == MISSING)
            {
                return -1;
            }
            if (matches(idBytes.get((int)index), buffer, offset, length))
            {
                lastFound = (int)index;
                return (int)index;
            }
            probe++;
        }
    }

    /** @return the merchant's index, registering it first when it is new. */
    public int findOrRegister(final DirectBuffer buffer, final int offset, final int length)
    {
        long probe = hash(buffer, offset, length);
        while (true)
        {
            final long index = indexByProbeKey.get(probe);
            if (index == MISSING)
            {
                final byte[] bytes = new byte[length];
                buffer.getBytes(offset, bytes);
                final int newIndex = idBytes.size();
                idBytes.add(bytes);
                ids.add(new String(bytes, StandardCharsets.UTF_8));
                indexByProbeKey.put(probe, newIndex);
                return newIndex;
            }
            if (matches(idBytes.get((int)index), buffer, offset, length))
            {
                return (int)index;
            }
            probe++;
        }
    }

    /** @return the id of merchant {@code index}. */
    public String id(final int index)
    {
        return ids.get(index);
    }

    /** @return how many merchants are registered. */
    public int size()
    {
        return ids.size();
    }

    private static boolean matches(final byte[] bytes, final DirectBuffer buffer, final int offset, final int length)
    {
        if (bytes.length != length)
        {
            return false;
        }
        final byte[] array = buffer.byteArray();
        if (array != null)
        {
            // the command's text buffer is a heap array: compared many bytes at a time (a purchase's merchant look-up
            // compared byte by byte, each read bounds-checked, was about 5% of a replay)
            buffer.boundsCheck(offset, length);
            final int from = buffer.wrapAdjustment() + offset;
            return Arrays.equals(bytes, 0, length, array, from, from + length);
        }
        for (int i = 0; i < length; i++)
        {
            if (bytes[i] != buffer.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }

    private static long hash(final DirectBuffer buffer, final int offset, final int length)
    {
        // FNV-1a over 8 bytes at a time, then the bytes left, then a finalizer so nearby ids spread across the table
        // (byte by byte, each read bounds-checked, it was 2% of a big ledger's start-up replay: a purchase looks its
        // merchant up by id). Only this map's probe keys come from it: nothing stored or hashed into the state.
        long h = 0xcbf29ce484222325L ^ length;
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            h = (h ^ buffer.getLong(offset + i, ByteOrder.LITTLE_ENDIAN)) * 0x100000001b3L;
        }
        for (; i < length; i++)
        {
            h = (h ^ (buffer.getByte(offset + i) & 0xFF)) * 0x100000001b3L;
        }
        h = StateHash.mix(h);
        return h == MISSING ? 0 : h;
    }
}
