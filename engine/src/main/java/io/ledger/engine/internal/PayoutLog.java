package io.ledger.engine.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.ledger.engine.CommandFields;
import io.ledger.engine.Field;
import io.ledger.engine.PayoutRecord;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Every payout, of every merchant, in the order they were made, off the Java heap (as {@link EntryLog}): a row of
 * numbers per payout and its texts (bank account, description, metadata) in an arena of their own, so that recording a
 * payout allocates nothing. Each row links to the previous payout of the same merchant, so a merchant's payouts read
 * newest first without a list per merchant. {@link PayoutRecord}s are made from a row only where one is handed out
 * (a page of payouts, a snapshot, the state hash).
 *
 * <pre>
 *  payout i: chunk i >>> 12, row r = i &amp; 4095, 64 bytes at r * 64, longs
 *   +0  key (the payout's command id)    +32 description (text ref)
 *   +8  amountMinor                      +40 metadata JSON (text ref)
 *   +16 createdAtMs                      +48 merchant (high 32 bits) | currency (low 32 bits)
 *   +24 bank account (text ref)          +56 previous payout of the merchant (low 32 bits), -1 for none
 * </pre>
 *
 * <p>Not a snapshot part: {@link MerchantBooks} writes payouts in its book section, as records, as it always has; the
 * texts here are not the history's {@link TextArena}, whose size the state hash folds.
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class PayoutLog
{
    private static final int CHUNK_SHIFT = 12;
    private static final int CHUNK_ROWS = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_ROWS - 1;
    private static final int ROW_BYTES = 64;

    private final TextArena texts = new TextArena(0);
    private UnsafeBuffer[] chunks = new UnsafeBuffer[4];
    private int chunkCount;
    private int size;

    /**
     * Records the payout {@code command} made, with its own texts, and returns its index.
     *
     * @param previous the merchant's previous payout, or -1.
     */
    public int append(final int merchant, final CommandFields<?> command, final long key, final long createdAtMs, final int previous)
    {
        return append(merchant, key, command.get(Field.AMOUNT_MINOR), (int)command.get(Field.CURRENCY), createdAtMs,
            text(command, Field.BANK_ACCOUNT), text(command, Field.DESCRIPTION), text(command, Field.METADATA_JSON), previous);
    }

    /** Records a payout read from a snapshot; allocates (its texts' bytes). */
    public int append(final int merchant, final PayoutRecord payout, final int previous)
    {
        return append(merchant, payout.key(), payout.amountMinor(), payout.currency(), payout.createdAtMs(),
            text(payout.bankAccount()), text(payout.description()), text(payout.metadataJson()), previous);
    }

    /** @return payout {@code index} as a record; allocates (pages, snapshots, the state hash). */
    public PayoutRecord record(final int index, final String merchantId)
    {
        final UnsafeBuffer rows = chunks[index >>> CHUNK_SHIFT];
        final int at = (index & CHUNK_MASK) * ROW_BYTES;
        return new PayoutRecord(rows.getLong(at), merchantId, rows.getLong(at + 8), (int)rows.getLong(at + 48),
            texts.get(rows.getLong(at + 24)), texts.get(rows.getLong(at + 32)), texts.get(rows.getLong(at + 40)),
            rows.getLong(at + 16));
    }

    /** @return the merchant's payout before payout {@code index}, or -1. */
    public int previousOfMerchant(final int index)
    {
        return (int)chunks[index >>> CHUNK_SHIFT].getLong((index & CHUNK_MASK) * ROW_BYTES + 56);
    }

    /** @return the merchant payout {@code index} belongs to. */
    public int merchant(final int index)
    {
        return (int)(chunks[index >>> CHUNK_SHIFT].getLong((index & CHUNK_MASK) * ROW_BYTES + 48) >> 32);
    }

    public int size()
    {
        return size;
    }

    private int append(
        final int merchant, final long key, final long amountMinor, final int currency, final long createdAtMs, final long bank,
        final long description, final long metadata, final int previous)
    {
        final int i = size;
        if (i >>> CHUNK_SHIFT == chunkCount)
        {
            if (chunkCount == chunks.length)
            {
                chunks = Arrays.copyOf(chunks, chunkCount * 2);
            }
            chunks[chunkCount++] = new UnsafeBuffer(BufferUtil.allocateDirectAligned(CHUNK_ROWS * ROW_BYTES, 64));
        }
        final UnsafeBuffer rows = chunks[i >>> CHUNK_SHIFT];
        final int at = (i & CHUNK_MASK) * ROW_BYTES;
        rows.putLong(at, key);
        rows.putLong(at + 8, amountMinor);
        rows.putLong(at + 16, createdAtMs);
        rows.putLong(at + 24, bank);
        rows.putLong(at + 32, description);
        rows.putLong(at + 40, metadata);
        rows.putLong(at + 48, ((long)merchant << 32) | (currency & 0xFFFF_FFFFL));
        rows.putLong(at + 56, previous);
        size = i + 1;
        return i;
    }

    private long text(final CommandFields<?> command, final Field field)
    {
        final int length = command.textLength(field);
        return length < 0 ? TextArena.NONE : texts.append(command.textBuffer(), command.textOffset(field), length);
    }

    private long text(final String value)
    {
        if (value == null)
        {
            return TextArena.NONE;
        }
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return texts.append(new UnsafeBuffer(bytes), 0, bytes.length);
    }
}
