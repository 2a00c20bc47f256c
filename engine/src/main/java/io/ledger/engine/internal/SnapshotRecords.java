package io.ledger.engine.internal;

import java.io.IOException;
import java.io.UncheckedIOException;

import java.util.ArrayList;
import java.util.List;

import io.ledger.engine.CommandFields;
import io.ledger.engine.CustomerRecord;
import io.ledger.engine.GiftBalanceRecord;
import io.ledger.engine.PaymentMethodRecord;
import io.ledger.engine.PayoutRecord;
import io.ledger.engine.PurchaseRecord;
import io.ledger.engine.PurchaseStatus;
import io.ledger.engine.RefundRecord;
import io.ledger.engine.SnapshotFormatException;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

/**
 * The snapshot bodies several parts share: records, lists and long maps (layouts in {@code LedgerSnapshot}'s
 * class comment), and walking a map while writing without its cached iterator (see {@link SnapshotPart}).
 *
 * <p>Stateless.
 */
public final class SnapshotRecords
{
    /** Longest text a section holds, in UTF-8 bytes. */
    public static final int TEXT_BYTES_MAX = CommandFields.TEXT_BYTES_MAX;
    /** Largest count a section holds. */
    public static final int COUNT_MAX = Integer.MAX_VALUE - 8;
    /** The missing value of every {@link Long2LongHashMap} in the ledger; never a stored value. */
    public static final long MISSING = Long.MIN_VALUE;

    /** A write that may throw {@link IOException}, inside a map's forEach. */
    @FunctionalInterface
    public interface LongLongWrite
    {
        void write(long key, long value) throws IOException;
    }

    /** A write that may throw {@link IOException}, inside a map's forEach. */
    @FunctionalInterface
    public interface LongObjectWrite<V>
    {
        void write(long key, V value) throws IOException;
    }

    private SnapshotRecords()
    {
    }

    /** Calls {@code write} for every entry, walking the map's arrays (no shared cached iterator). */
    public static void forEach(final Long2LongHashMap map, final LongLongWrite write) throws IOException
    {
        try
        {
            map.forEachLong((key, value) -> unchecked(() -> write.write(key, value)));
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
    }

    /** Calls {@code write} for every entry, walking the map's arrays (no shared cached iterator). */
    public static <V> void forEach(final Long2ObjectHashMap<V> map, final LongObjectWrite<V> write) throws IOException
    {
        try
        {
            map.forEachLong((key, value) -> unchecked(() -> write.write(key, value)));
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
    }

    /** A body that throws IOException, run where only unchecked exceptions may leave. */
    @FunctionalInterface
    public interface Write
    {
        void run() throws IOException;
    }

    /** Runs {@code write}, rethrowing its IOException as an {@link UncheckedIOException}. */
    public static void unchecked(final Write write)
    {
        try
        {
            write.run();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Writes section {@code tag}: a long map, count i32 then key i64, value i64 per entry. */
    public static void writeLongMap(final SectionOutput out, final int tag, final Long2LongHashMap map) throws IOException
    {
        out.beginSection(tag);
        out.writeInt(map.size());
        forEach(map, (key, value) ->
        {
            out.writeLong(key);
            out.writeLong(value);
        });
        out.endSection();
    }

    /** Reads a long map written by {@link #writeLongMap} into an empty {@code map}. */
    public static void readLongMap(final SectionInput in, final Long2LongHashMap map) throws IOException
    {
        final int count = in.readCount("count", COUNT_MAX);
        for (int i = 0; i < count; i++)
        {
            final long key = in.readLong();
            final long value = in.readLong();
            if (value == MISSING || map.put(key, value) != MISSING)
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " key=" + key + " value=" + value +
                    " is the missing value or a duplicate key");
            }
        }
    }

    /** A long list: count i32, then i64 each. */
    public static void writeLongList(final SectionOutput out, final LongArrayList list) throws IOException
    {
        out.writeInt(list.size());
        for (int i = 0; i < list.size(); i++)
        {
            out.writeLong(list.getLong(i));
        }
    }

    public static LongArrayList readLongList(final SectionInput in) throws IOException
    {
        final int count = in.readCount("list length", COUNT_MAX);
        final LongArrayList list = new LongArrayList(Math.max(count, 1), Long.MIN_VALUE);
        for (int i = 0; i < count; i++)
        {
            list.addLong(in.readLong());
        }
        return list;
    }

    /** A customer with its merchant's id, as an idempotency record keeps it (it may differ from the current one). */
    public static void writeCustomer(final SectionOutput out, final CustomerRecord c) throws IOException
    {
        out.writeLong(c.key());
        out.writeText(c.merchantId());
        writeCustomerFields(out, c);
    }

    public static CustomerRecord readCustomer(final SectionInput in) throws IOException
    {
        final long key = in.readLong();
        return readCustomerFields(in, key, in.readText(TEXT_BYTES_MAX));
    }

    /** A customer's own fields, after its key and merchant: phone, email, name, metadata (texts), createdAtMs, updatedAtMs. */
    static void writeCustomerFields(final SectionOutput out, final CustomerRecord c) throws IOException
    {
        out.writeText(c.phoneNumber());
        out.writeText(c.email());
        out.writeText(c.name());
        out.writeText(c.metadataJson());
        out.writeLong(c.createdAtMs());
        out.writeLong(c.updatedAtMs());
    }

    /** Reads what {@link #writeCustomerFields} wrote, for customer {@code key} of merchant {@code merchantId}. */
    static CustomerRecord readCustomerFields(final SectionInput in, final long key, final String merchantId) throws IOException
    {
        return new CustomerRecord(key, merchantId, in.readText(TEXT_BYTES_MAX), in.readText(TEXT_BYTES_MAX),
            in.readText(TEXT_BYTES_MAX), in.readText(TEXT_BYTES_MAX), in.readLong(), in.readLong());
    }

    public static void writePayout(final SectionOutput out, final PayoutRecord p) throws IOException
    {
        out.writeLong(p.key());
        out.writeText(p.merchantId());
        out.writeLong(p.amountMinor());
        out.writeInt(p.currency());
        out.writeText(p.bankAccount());
        out.writeText(p.description());
        out.writeText(p.metadataJson());
        out.writeLong(p.createdAtMs());
    }

    public static PayoutRecord readPayout(final SectionInput in) throws IOException
    {
        return new PayoutRecord(in.readLong(), in.readText(TEXT_BYTES_MAX), in.readLong(), in.readInt(),
            in.readText(TEXT_BYTES_MAX), in.readText(TEXT_BYTES_MAX), in.readText(TEXT_BYTES_MAX), in.readLong());
    }

    public static void writePaymentMethod(final SectionOutput out, final PaymentMethodRecord m) throws IOException
    {
        out.writeLong(m.key());
        out.writeLong(m.customerKey());
        out.writeText(m.type());
        out.writeText(m.provider());
        out.writeText(m.brand());
        out.writeText(m.last4());
        out.writeInt(m.expiryMonth());
        out.writeInt(m.expiryYear());
        out.writeText(m.phoneNumber());
        out.writeBoolean(m.isDefault());
        out.writeLong(m.createdAtMs());
        out.writeLong(m.updatedAtMs());
    }

    public static PaymentMethodRecord readPaymentMethod(final SectionInput in) throws IOException
    {
        return new PaymentMethodRecord(in.readLong(), in.readLong(), in.readText(TEXT_BYTES_MAX), in.readText(TEXT_BYTES_MAX),
            in.readText(TEXT_BYTES_MAX), in.readText(TEXT_BYTES_MAX), in.readInt(), in.readInt(), in.readText(TEXT_BYTES_MAX),
            in.readBoolean(), in.readLong(), in.readLong());
    }

    /**
     * A purchase: key i64, merchantId, customerKey i64, amountMinor i64, currency i32, productId, description,
     * externalReference (texts), status ordinal i8, refundedMinor i64, refunds (count i32, then a refund each),
     * releaseAtMs i64, refundableUntilMs i64, gift uses (count i32, -1 for none asked, then giftKey i64 and amountMinor
     * i64 each), cashbackMinor i64, customerBalanceBeforeMinor i64, customerBalanceAfterMinor i64, createdAtMs i64,
     * updatedAtMs i64.
     */
    public static void writePurchase(final SectionOutput out, final PurchaseRecord p) throws IOException
    {
        out.writeLong(p.key());
        out.writeText(p.merchantId());
        out.writeLong(p.customerKey());
        out.writeLong(p.amountMinor());
        out.writeInt(p.currency());
        out.writeText(p.productId());
        out.writeText(p.description());
        out.writeText(p.externalReference());
        out.writeByte(p.status().ordinal());
        out.writeLong(p.refundedMinor());
        out.writeInt(p.refunds().size());
        for (final RefundRecord refund : p.refunds())
        {
            writeRefund(out, refund);
        }
        out.writeLong(p.releaseAtMs());
        out.writeLong(p.refundableUntilMs());
        out.writeInt(p.giftUses() == null ? -1 : p.giftUses().size());
        if (p.giftUses() != null)
        {
            for (final PurchaseRecord.GiftUse use : p.giftUses())
            {
                out.writeLong(use.giftBalanceKey());
                out.writeLong(use.amountMinor());
            }
        }
        out.writeLong(p.cashbackMinor());
        out.writeLong(p.customerBalanceBeforeMinor());
        out.writeLong(p.customerBalanceAfterMinor());
        out.writeLong(p.createdAtMs());
        out.writeLong(p.updatedAtMs());
    }

    public static PurchaseRecord readPurchase(final SectionInput in) throws IOException
    {
        final long key = in.readLong();
        final String merchantId = in.readText(TEXT_BYTES_MAX);
        final long customerKey = in.readLong();
        final long amountMinor = in.readLong();
        final int currency = in.readInt();
        final String productId = in.readText(TEXT_BYTES_MAX);
        final String description = in.readText(TEXT_BYTES_MAX);
        final String externalReference = in.readText(TEXT_BYTES_MAX);
        final int statusOrdinal = in.readByte();
        final PurchaseStatus status = PurchaseStatus.fromOrdinal(statusOrdinal);
        if (status == null || merchantId == null)
        {
            throw new SnapshotFormatException("section tag=" + in.tag() + " purchase key=" + key + " status=" + statusOrdinal +
                " unknown, or no merchant");
        }
        final long refundedMinor = in.readLong();
        final int refundCount = in.readCount("refunds", COUNT_MAX);
        final List<RefundRecord> refunds = new ArrayList<>(refundCount);
        for (int i = 0; i < refundCount; i++)
        {
            refunds.add(readRefund(in));
        }
        final long releaseAtMs = in.readLong();
        final long refundableUntilMs = in.readLong();
        final int useCount = in.readInt();
        List<PurchaseRecord.GiftUse> uses = null;
        if (useCount >= 0)
        {
            final List<PurchaseRecord.GiftUse> read = new ArrayList<>(Math.min(useCount, 64));
            for (int i = 0; i < useCount; i++)
            {
                read.add(new PurchaseRecord.GiftUse(in.readLong(), in.readLong()));
            }
            uses = List.copyOf(read);
        }
        else if (useCount != -1)
        {
            throw new SnapshotFormatException("section tag=" + in.tag() + " purchase key=" + key + " gift uses=" + useCount);
        }
        return new PurchaseRecord(key, merchantId, customerKey, amountMinor, currency, productId, description, externalReference,
            status, refundedMinor, List.copyOf(refunds), releaseAtMs, refundableUntilMs, uses, in.readLong(), in.readLong(),
            in.readLong(), in.readLong(), in.readLong());
    }

    /** A refund: key i64, purchaseKey i64, merchantId, customerKey i64, amountMinor i64, currency i32, description, balanceAfter i64, createdAtMs i64. */
    public static void writeRefund(final SectionOutput out, final RefundRecord r) throws IOException
    {
        out.writeLong(r.key());
        out.writeLong(r.purchaseKey());
        out.writeText(r.merchantId());
        out.writeLong(r.customerKey());
        out.writeLong(r.amountMinor());
        out.writeInt(r.currency());
        out.writeText(r.description());
        out.writeLong(r.customerBalanceAfterMinor());
        out.writeLong(r.createdAtMs());
    }

    public static RefundRecord readRefund(final SectionInput in) throws IOException
    {
        return new RefundRecord(in.readLong(), in.readLong(), in.readText(TEXT_BYTES_MAX), in.readLong(), in.readLong(), in.readInt(),
            in.readText(TEXT_BYTES_MAX), in.readLong(), in.readLong());
    }

    /**
     * A gift balance: key i64, merchantId, customerKey i64, amountMinor i64, currency i32, remainingMinor i64,
     * expiresAtMs i64, description, expiredMinor i64, createdAtMs i64, updatedAtMs i64.
     */
    public static void writeGiftBalance(final SectionOutput out, final GiftBalanceRecord g) throws IOException
    {
        out.writeLong(g.key());
        out.writeText(g.merchantId());
        out.writeLong(g.customerKey());
        out.writeLong(g.amountMinor());
        out.writeInt(g.currency());
        out.writeLong(g.remainingMinor());
        out.writeLong(g.expiresAtMs());
        out.writeText(g.description());
        out.writeLong(g.expiredMinor());
        out.writeLong(g.createdAtMs());
        out.writeLong(g.updatedAtMs());
    }

    public static GiftBalanceRecord readGiftBalance(final SectionInput in) throws IOException
    {
        return new GiftBalanceRecord(in.readLong(), in.readText(TEXT_BYTES_MAX), in.readLong(), in.readLong(), in.readInt(), in.readLong(),
            in.readLong(), in.readText(TEXT_BYTES_MAX), in.readLong(), in.readLong(), in.readLong());
    }

    /** Folds a purchase, its refunds and gift uses included, into {@code hash}. */
    public static void hashPurchase(final StateHash hash, final PurchaseRecord p)
    {
        hash.add(p.key()).add(p.merchantId()).add(p.customerKey()).add(p.amountMinor()).add(p.currency()).add(p.productId())
            .add(p.description()).add(p.externalReference()).add(p.status().ordinal()).add(p.refundedMinor()).add(p.refunds().size());
        for (final RefundRecord r : p.refunds())
        {
            hash.add(r.key()).add(r.purchaseKey()).add(r.merchantId()).add(r.customerKey()).add(r.amountMinor()).add(r.currency())
                .add(r.description()).add(r.customerBalanceAfterMinor()).add(r.createdAtMs());
        }
        hash.add(p.releaseAtMs()).add(p.refundableUntilMs()).add(p.giftUses() == null ? -1 : p.giftUses().size());
        if (p.giftUses() != null)
        {
            for (final PurchaseRecord.GiftUse use : p.giftUses())
            {
                hash.add(use.giftBalanceKey()).add(use.amountMinor());
            }
        }
        hash.add(p.cashbackMinor()).add(p.customerBalanceBeforeMinor()).add(p.customerBalanceAfterMinor()).add(p.createdAtMs())
            .add(p.updatedAtMs());
    }

    /** Folds a gift balance into {@code hash}. */
    public static void hashGiftBalance(final StateHash hash, final GiftBalanceRecord g)
    {
        hash.add(g.key()).add(g.merchantId()).add(g.customerKey()).add(g.amountMinor()).add(g.currency()).add(g.remainingMinor())
            .add(g.expiresAtMs()).add(g.description()).add(g.expiredMinor()).add(g.createdAtMs()).add(g.updatedAtMs());
    }

    /** Folds a long list into {@code hash}: its size, then each value. */
    public static void hashList(final StateHash hash, final LongArrayList list)
    {
        hash.add(list.size());
        for (int i = 0; i < list.size(); i++)
        {
            hash.add(list.getLong(i));
        }
    }

    /** Folds a long map into {@code hash}: its size, then key and value in key order. */
    public static void hashMap(final StateHash hash, final Long2LongHashMap map)
    {
        final long[] keys = sortedKeys(map);
        hash.add(keys.length);
        for (final long key : keys)
        {
            hash.add(key).add(map.get(key));
        }
    }

    /** @return the map's keys, sorted; allocates (state hash and tools only). */
    public static long[] sortedKeys(final Long2LongHashMap map)
    {
        final long[] keys = new long[map.size()];
        final Long2LongHashMap.KeyIterator iterator = map.keySet().iterator();
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = iterator.nextValue();
        }
        java.util.Arrays.sort(keys);
        return keys;
    }

    /** @return the map's keys, sorted; allocates (state hash and tools only). */
    public static <V> long[] sortedKeys(final Long2ObjectHashMap<V> map)
    {
        final long[] keys = new long[map.size()];
        final Long2ObjectHashMap<V>.KeyIterator iterator = map.keySet().iterator();
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = iterator.nextLong();
        }
        java.util.Arrays.sort(keys);
        return keys;
    }
}
