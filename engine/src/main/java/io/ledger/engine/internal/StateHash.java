package io.ledger.engine.internal;

/**
 * A running 64-bit hash for comparing two ledgers' states (replay vs original, snapshot + tail vs full replay).
 * Not cryptographic: it detects divergence, it does not resist forgery.
 */
public final class StateHash
{
    private long hash = 0x9E3779B97F4A7C15L;

    public StateHash add(final long value)
    {
        hash = mix(hash ^ value) + 0x9E3779B97F4A7C15L;
        return this;
    }

    public StateHash add(final String value)
    {
        if (value == null)
        {
            return add(-1L);
        }
        add(value.length());
        for (int i = 0; i < value.length(); i++)
        {
            add(value.charAt(i));
        }
        return this;
    }

    public long value()
    {
        return hash;
    }

    /** Stafford's variant 13 of the MurmurHash3 64-bit finalizer. */
    public static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
