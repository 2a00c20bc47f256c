package io.ledger.engine.internal;

import java.util.Arrays;

import org.agrona.collections.Long2LongHashMap;

/**
 * What is due when, in ledger time: an escrow hold's release ({@link #RELEASE_HOLD}, key: the purchase) and a gift
 * balance's expiry ({@link #EXPIRE_GIFT}, key: the gift balance). A binary min-heap ordered by (deadline, key), so that
 * deadlines that fall on the same millisecond are processed in the order of the keys (the order their commands came),
 * with each key's place in the heap indexed so that a hold released by hand or a gift balance spent to 0 leaves the
 * queue at once.
 *
 * <p>Derived state: the deadlines follow from the purchases that are held and the gift balances that are active, so a
 * snapshot does not write this queue and the state hash does not fold it; a loaded snapshot rebuilds it
 * ({@code LedgerState.rebuildDerived()}), and the order above makes the rebuilt queue process exactly what the original
 * would. Keys are unique across kinds (each is the id of the command that made its purchase or gift balance).
 *
 * <p>Single-threaded: ledger thread only. Allocation-free except when the heap or its index grows.
 */
public final class Deadlines implements SnapshotPart
{
    /** Release an escrowed purchase's hold to its merchant. */
    public static final byte RELEASE_HOLD = 1;
    /** Return an expired gift balance's remainder to its merchant. */
    public static final byte EXPIRE_GIFT = 2;
    /** {@link #nextMs()} when nothing is due, ever. */
    public static final long NONE = Long.MAX_VALUE;

    private static final long MISSING = SnapshotRecords.MISSING;

    private final Long2LongHashMap positionOfKey = new Long2LongHashMap(MISSING);
    private long[] deadlineMs = new long[16];
    private long[] key = new long[16];
    private byte[] kind = new byte[16];
    private int size;

    /** Adds (or moves) {@code key}'s deadline. */
    public void add(final long deadline, final byte deadlineKind, final long deadlineKey)
    {
        remove(deadlineKey);
        if (size == key.length)
        {
            deadlineMs = Arrays.copyOf(deadlineMs, size * 2);
            key = Arrays.copyOf(key, size * 2);
            kind = Arrays.copyOf(kind, size * 2);
        }
        final int at = size++;
        set(at, deadline, deadlineKey, deadlineKind);
        up(at);
    }

    /** Removes {@code key}'s deadline, if it has one. */
    public void remove(final long deadlineKey)
    {
        final long position = positionOfKey.remove(deadlineKey);
        if (position == MISSING)
        {
            return;
        }
        final int at = (int)position;
        final int last = --size;
        if (at != last)
        {
            set(at, deadlineMs[last], key[last], kind[last]);
            if (!up(at))
            {
                down(at);
            }
        }
    }

    /** @return true when {@code key} has a deadline. */
    public boolean contains(final long deadlineKey)
    {
        return positionOfKey.containsKey(deadlineKey);
    }

    /** @return the earliest deadline, or {@link #NONE}. */
    public long nextMs()
    {
        return size == 0 ? NONE : deadlineMs[0];
    }

    /** @return the kind of the earliest deadline; only when there is one. */
    public byte nextKind()
    {
        return kind[0];
    }

    /** @return the key of the earliest deadline; only when there is one. */
    public long nextKey()
    {
        return key[0];
    }

    /** @return how many deadlines are pending. */
    public int size()
    {
        return size;
    }

    /** Removes every deadline (before a rebuild). */
    public void clear()
    {
        positionOfKey.clear();
        size = 0;
    }

    private void set(final int at, final long deadline, final long deadlineKey, final byte deadlineKind)
    {
        deadlineMs[at] = deadline;
        key[at] = deadlineKey;
        kind[at] = deadlineKind;
        positionOfKey.put(deadlineKey, at);
    }

    private boolean before(final int a, final int b)
    {
        return deadlineMs[a] < deadlineMs[b] || (deadlineMs[a] == deadlineMs[b] && key[a] < key[b]);
    }

    /** @return true when the entry at {@code at} moved up. */
    private boolean up(final int at)
    {
        int child = at;
        while (child > 0)
        {
            final int parent = (child - 1) >>> 1;
            if (!before(child, parent))
            {
                break;
            }
            swap(child, parent);
            child = parent;
        }
        return child != at;
    }

    private void down(final int at)
    {
        int parent = at;
        while (true)
        {
            final int left = 2 * parent + 1;
            if (left >= size)
            {
                return;
            }
            final int right = left + 1;
            final int smaller = right < size && before(right, left) ? right : left;
            if (!before(smaller, parent))
            {
                return;
            }
            swap(parent, smaller);
            parent = smaller;
        }
    }

    private void swap(final int a, final int b)
    {
        final long d = deadlineMs[a];
        final long k = key[a];
        final byte t = kind[a];
        set(a, deadlineMs[b], key[b], kind[b]);
        set(b, d, k, t);
    }

    /** No sections: the queue is rebuilt from the books a snapshot holds (see the class comment). */
    @Override
    public int[] sectionTags()
    {
        return new int[0];
    }

    @Override
    public void writeSections(final SectionOutput out)
    {
    }

    @Override
    public void readSection(final int tag, final SectionInput in, final boolean[] seen)
    {
        throw new IllegalStateException("tag=" + tag + ": the deadline queue has no sections");
    }
}
