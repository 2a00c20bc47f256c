package io.ledger.engine.internal;

import java.io.IOException;

import io.ledger.engine.PaymentMethodRecord;
import io.ledger.engine.SnapshotFormatException;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

/**
 * Saved payment methods: immutable records by key, and each customer's keys in saving order. (Each merchant's keys
 * are in its {@link MerchantBooks.Book}.)
 *
 * <p>Sections {@link SnapshotTags#PAYMENT_METHODS}: count i32, then a payment method each: key i64, customerKey i64,
 * type, provider, brand, last4 (texts), expiryMonth i32, expiryYear i32, phoneNumber (text), isDefault i8,
 * createdAtMs i64, updatedAtMs i64. {@link SnapshotTags#CUSTOMER_PAYMENT_METHODS}: count i32, then per customer: key
 * i64, method keys (long list).
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class PaymentMethodBook implements SnapshotPart
{
    private static final LongArrayList NONE = new LongArrayList();

    private final Long2ObjectHashMap<PaymentMethodRecord> methods = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<LongArrayList> byCustomer = new Long2ObjectHashMap<>();

    /** @return the method, or null. */
    public PaymentMethodRecord get(final long key)
    {
        return key < 0 ? null : methods.get(key);
    }

    /** Adds or replaces a method's record (not its place in any list). */
    public void put(final PaymentMethodRecord method)
    {
        methods.put(method.key(), method);
    }

    /** Removes a method and its key from its customer's list. */
    public void remove(final PaymentMethodRecord method)
    {
        methods.remove(method.key());
        removeKey(byCustomer.get(method.customerKey()), method.key());
    }

    /** @return the customer's method keys in saving order, or null when it never saved one. Live list. */
    public LongArrayList customerKeys(final long customerKey)
    {
        return byCustomer.get(customerKey);
    }

    /** @return the customer's method keys, created empty when it has none. Live list. */
    public LongArrayList customerKeysForUpdate(final long customerKey)
    {
        LongArrayList keys = byCustomer.get(customerKey);
        if (keys == null)
        {
            keys = new LongArrayList();
            byCustomer.put(customerKey, keys);
        }
        return keys;
    }

    /** Removes {@code key} from {@code keys} when there. */
    public static void removeKey(final LongArrayList keys, final long key)
    {
        final int index = keys.indexOf(key);
        if (index >= 0)
        {
            keys.remove(index);
        }
    }

    /** Folds customer {@code key}'s method keys into {@code hash}, as the state hash's customer part does. */
    public void hashCustomer(final StateHash hash, final long key)
    {
        final LongArrayList keys = byCustomer.get(key);
        SnapshotRecords.hashList(hash, keys == null ? NONE : keys);
    }

    /** Folds every method, in key order, into {@code hash}. */
    public void hashInto(final StateHash hash)
    {
        for (final long key : SnapshotRecords.sortedKeys(methods))
        {
            final PaymentMethodRecord m = methods.get(key);
            hash.add(key).add(m.customerKey()).add(m.type()).add(m.provider()).add(m.brand()).add(m.last4())
                .add(m.expiryMonth()).add(m.expiryYear()).add(m.phoneNumber()).add(m.isDefault() ? 1 : 0)
                .add(m.createdAtMs()).add(m.updatedAtMs());
        }
    }

    @Override
    public int[] sectionTags()
    {
        return new int[] {SnapshotTags.PAYMENT_METHODS, SnapshotTags.CUSTOMER_PAYMENT_METHODS};
    }

    @Override
    public void writeSections(final SectionOutput out) throws IOException
    {
        out.beginSection(SnapshotTags.PAYMENT_METHODS);
        out.writeInt(methods.size());
        SnapshotRecords.forEach(methods, (key, method) -> SnapshotRecords.writePaymentMethod(out, method));
        out.endSection();

        out.beginSection(SnapshotTags.CUSTOMER_PAYMENT_METHODS);
        out.writeInt(byCustomer.size());
        SnapshotRecords.forEach(byCustomer, (key, keys) ->
        {
            out.writeLong(key);
            SnapshotRecords.writeLongList(out, keys);
        });
        out.endSection();
    }

    @Override
    public void readSection(final int tag, final SectionInput in, final boolean[] seen) throws IOException
    {
        if (tag == SnapshotTags.PAYMENT_METHODS)
        {
            final int count = in.readCount("payment methods", SnapshotRecords.COUNT_MAX);
            for (int i = 0; i < count; i++)
            {
                final PaymentMethodRecord method = SnapshotRecords.readPaymentMethod(in);
                if (methods.put(method.key(), method) != null)
                {
                    throw new SnapshotFormatException("section tag=" + in.tag() + " payment method key=" + method.key() +
                        " appears twice");
                }
            }
            return;
        }
        final int count = in.readCount("customers with payment methods", SnapshotRecords.COUNT_MAX);
        for (int i = 0; i < count; i++)
        {
            final long key = in.readLong();
            if (byCustomer.put(key, SnapshotRecords.readLongList(in)) != null)
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " customer key=" + key + " appears twice");
            }
        }
    }
}
