package io.ledger.engine.internal;

import java.io.IOException;
import java.util.Locale;

import io.ledger.engine.CustomerRecord;
import io.ledger.engine.SnapshotFormatException;
import org.agrona.collections.Hashing;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.Object2LongHashMap;

/**
 * The customers: immutable records by key, each one's merchant, and an index by merchant and lower-cased email.
 *
 * <p>Sections {@link SnapshotTags#CUSTOMERS}: count i32, then per customer: key i64, merchant index i32, phone, email,
 * name, metadata (texts, null allowed), createdAtMs i64, updatedAtMs i64 (after the merchants).
 * {@link SnapshotTags#CUSTOMER_EMAIL_INDEX}: count i32, then per entry: key (text), customer key i64 (after the
 * customers).
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class CustomerBook implements SnapshotPart
{
    private static final long MISSING = SnapshotRecords.MISSING;

    private final MerchantBooks merchants;
    /** Replaced, sized, by a snapshot load before its customers are read (so that it never rehashes then). */
    private Long2ObjectHashMap<CustomerRecord> customers = new Long2ObjectHashMap<>();
    /** Each customer's merchant sits in its row (shared with {@link Accounts}): one lookup finds owner and money. */
    private final CustomerRows rows;
    private Object2LongHashMap<String> customerByEmail = new Object2LongHashMap<>(MISSING);

    public CustomerBook(final MerchantBooks merchants, final CustomerRows rows)
    {
        this.merchants = merchants;
        this.rows = rows;
    }

    /** @return true when {@code customerKey} is a customer of merchant {@code merchant} (both may be -1: false). */
    public boolean ownedBy(final long customerKey, final int merchant)
    {
        return merchant >= 0 && customerKey >= 0 && merchantOf(customerKey) == merchant;
    }

    /** @return the index of customer {@code customerKey}'s merchant, or -1 when there is no such customer. */
    public int merchantOf(final long customerKey)
    {
        final int row = rows.find(customerKey);
        final long merchant = row < 0 ? MISSING : rows.merchant(row);
        return merchant == MISSING ? -1 : (int)merchant;
    }

    /** @return the customer, or null. */
    public CustomerRecord get(final long customerKey)
    {
        return customers.get(customerKey);
    }

    /**
     * Reads the slot of {@code customerKey} in the records' map, so that a creation's insert finds it in the cache (see
     * {@code ReplayWindow}); changes nothing. The result means nothing: it is returned so that the read is not dropped.
     */
    public long touch(final long customerKey)
    {
        return customers.get(customerKey) == null ? 0 : 1;
    }

    /** @return true when {@code customerKey} is a customer. */
    public boolean contains(final long customerKey)
    {
        return customers.containsKey(customerKey);
    }

    public int size()
    {
        return customers.size();
    }

    /**
     * Adds a new customer of merchant {@code merchant}, indexed by {@code emailKey} ({@link #emailKey}{@code (merchant,
     * customer.email())}, which the caller made to check it is free: made once per creation), or not indexed when the
     * customer has no email ({@code null}).
     */
    public void add(final CustomerRecord customer, final int merchant, final String emailKey)
    {
        assert emailKey == null ? customer.email() == null : emailKey.equals(emailKey(merchant, customer.email())) : emailKey;
        customers.put(customer.key(), customer);
        rows.merchant(rows.findOrAdd(customer.key()), merchant);
        if (emailKey != null)
        {
            customerByEmail.put(emailKey, customer.key());
        }
    }

    /** Replaces a customer's record, moving its email in the index. */
    public void replace(final CustomerRecord customer, final int merchant)
    {
        final CustomerRecord old = customers.put(customer.key(), customer);
        final String oldKey = old.email() == null ? null : emailKey(merchant, old.email());
        final String newKey = customer.email() == null ? null : emailKey(merchant, customer.email());
        if (oldKey != null && !oldKey.equals(newKey))
        {
            customerByEmail.removeKey(oldKey);
        }
        if (newKey != null)
        {
            customerByEmail.put(newKey, customer.key());
        }
    }

    /** @return the key of merchant {@code merchant}'s customer with {@code email} (ignoring case), or -1. */
    public long byEmail(final int merchant, final String email)
    {
        return byEmailKey(emailKey(merchant, email));
    }

    /** @return the key of the customer indexed by {@code emailKey} (see {@link #emailKey}), or -1. */
    public long byEmailKey(final String emailKey)
    {
        final long key = customerByEmail.getValue(emailKey);
        return key == MISSING ? -1 : key;
    }

    /** Folds customer {@code key}'s record and merchant into {@code hash} (the state hash's customer part begins so). */
    public void hashCustomer(final StateHash hash, final long key)
    {
        final CustomerRecord c = customers.get(key);
        hash.add(key).add(c.merchantId()).add(c.phoneNumber()).add(c.email()).add(c.name())
            .add(c.metadataJson()).add(c.createdAtMs()).add(c.updatedAtMs()).add(merchantKeyOf(key));
    }

    /** @return every customer key, sorted; allocates (state hash). */
    public long[] sortedKeys()
    {
        return SnapshotRecords.sortedKeys(customers);
    }

    /** @return customer {@code key}'s merchant as the map it replaced held it: the index, or MISSING. */
    private long merchantKeyOf(final long key)
    {
        final int row = rows.find(key);
        return row < 0 ? MISSING : rows.merchant(row);
    }

    /** @return the email index's key of merchant {@code merchant}'s customer with {@code email} (ignoring case). */
    public static String emailKey(final int merchant, final String email)
    {
        return merchant + "\u0000" + email.toLowerCase(Locale.ROOT);
    }

    @Override
    public int[] sectionTags()
    {
        return new int[] {SnapshotTags.CUSTOMERS, SnapshotTags.CUSTOMER_EMAIL_INDEX};
    }

    @Override
    public void writeSections(final SectionOutput out) throws IOException
    {
        out.beginSection(SnapshotTags.CUSTOMERS);
        out.writeInt(customers.size());
        SnapshotRecords.forEach(customers, (key, c) ->
        {
            out.writeLong(c.key());
            out.writeInt((int)merchantKeyOf(c.key()));
            SnapshotRecords.writeCustomerFields(out, c);
        });
        out.endSection();

        out.beginSection(SnapshotTags.CUSTOMER_EMAIL_INDEX);
        out.writeInt(customerByEmail.size());
        try
        {
            customerByEmail.forEachLong((emailKey, customerKey) -> SnapshotRecords.unchecked(() ->
            {
                out.writeText(emailKey);
                out.writeLong(customerKey);
            }));
        }
        catch (final java.io.UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        out.endSection();
    }

    @Override
    public void readSection(final int tag, final SectionInput in, final boolean[] seen) throws IOException
    {
        if (tag == SnapshotTags.CUSTOMERS)
        {
            if (!seen[SnapshotTags.MERCHANTS])
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " (customers) comes before the merchants");
            }
            readCustomers(in);
            return;
        }
        if (!seen[SnapshotTags.CUSTOMERS])
        {
            throw new SnapshotFormatException("section tag=" + in.tag() + " (email index) comes before the customers");
        }
        readEmailIndex(in);
    }

    private void readCustomers(final SectionInput in) throws IOException
    {
        final int count = in.readCount("customers", SnapshotRecords.COUNT_MAX);
        if (customers.isEmpty())
        {
            customers = new Long2ObjectHashMap<>(CustomerRows.capacityFor(count), Hashing.DEFAULT_LOAD_FACTOR);
        }
        rows.expect(count);
        for (int i = 0; i < count; i++)
        {
            final long key = in.readLong();
            final int merchant = in.readInt();
            if (merchant < 0 || merchant >= merchants.size())
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " customer key=" + key +
                    " merchant index=" + merchant + " out of range 0.." + (merchants.size() - 1));
            }
            final CustomerRecord customer = SnapshotRecords.readCustomerFields(in, key, merchants.id(merchant));
            if (customers.put(key, customer) != null)
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " customer key=" + key + " appears twice");
            }
            rows.merchant(rows.findOrAdd(key), merchant);
        }
    }

    private void readEmailIndex(final SectionInput in) throws IOException
    {
        final int count = in.readCount("emails", SnapshotRecords.COUNT_MAX);
        if (customerByEmail.isEmpty())
        {
            customerByEmail = new Object2LongHashMap<>(CustomerRows.capacityFor(count), Hashing.DEFAULT_LOAD_FACTOR, MISSING);
        }
        for (int i = 0; i < count; i++)
        {
            final String emailKey = in.readText(SnapshotRecords.TEXT_BYTES_MAX);
            final long key = in.readLong();
            if (emailKey == null || !customers.containsKey(key) || customerByEmail.put(emailKey, key) != MISSING)
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " entry " + i + " (customer key=" + key +
                    ") names no customer, has no key or repeats one");
            }
        }
    }
}
