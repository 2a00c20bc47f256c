package io.ledger.engine;

/**
 * A block of native memory a {@link HistorySlabs} handed out: {@code bytes} bytes from {@code address}. It stays valid
 * while this object is reachable; every chunk carved from it keeps it reachable (a
 * {@link io.ledger.engine.internal.SlabChunk} holds it), so the memory lives exactly as long as the last ledger, queue
 * or filler that uses any of it. Whoever made it frees it after that (a {@link java.lang.ref.Cleaner} on this object).
 *
 * <p>Immutable; any thread.
 */
public final class HistorySlab
{
    private final long address;
    private final int bytes;

    /**
     * @param address where the memory starts (a multiple of 4096: chunks carved at multiples of 4096 keep their pages
     *                their own).
     * @param bytes   how many bytes from there.
     */
    public HistorySlab(final long address, final int bytes)
    {
        if (address == 0 || (address & 4095) != 0 || bytes <= 0)
        {
            throw new IllegalArgumentException("address=" + address + " bytes=" + bytes + " must be a page-aligned block");
        }
        this.address = address;
        this.bytes = bytes;
    }

    public long address()
    {
        return address;
    }

    public int bytes()
    {
        return bytes;
    }
}
