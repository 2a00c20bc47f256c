package io.ledger.http;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The idempotency keys of commands now in the ring, so that a retry arriving while the first attempt is still in
 * flight is answered 409 instead of racing it. The ledger holds the keys of applied commands (journaled, so they
 * survive a restart); this gate only covers the gap between publishing a command and delivering its reply.
 *
 * <p>Bounded by the ring: a key enters when its command is published and leaves when its reply is delivered (or
 * the publish is refused), and each connection has at most one command in the ring.
 *
 * <p>Thread-safety: thread-safe; event loops enter, event loops and the reply thread leave.
 */
final class IdempotencyGate
{
    /** Longest key accepted, in characters. */
    static final int KEY_CHARS_MAX = 255;

    private final ConcurrentHashMap<String, Boolean> inFlight = new ConcurrentHashMap<>();

    /** @return the merchant-scoped key, or null when {@code key} is not 1..255 printable ASCII characters. */
    static String scoped(final String merchantId, final String key)
    {
        if (key.isEmpty() || key.length() > KEY_CHARS_MAX)
        {
            return null;
        }
        for (int i = 0; i < key.length(); i++)
        {
            final char c = key.charAt(i);
            if (c < 0x20 || c > 0x7E)
            {
                return null;
            }
        }
        return merchantId + '\u0000' + key;
    }

    /** @return true when the key was free and is now held by the caller; false when a command with it is in flight. */
    boolean tryEnter(final String scopedKey)
    {
        return inFlight.putIfAbsent(scopedKey, Boolean.TRUE) == null;
    }

    void exit(final String scopedKey)
    {
        inFlight.remove(scopedKey);
    }

    /** @return how many keyed commands are in flight now. */
    int size()
    {
        return inFlight.size();
    }
}
