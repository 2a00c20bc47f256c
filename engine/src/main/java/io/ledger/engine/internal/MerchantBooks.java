package io.ledger.engine.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;

import io.ledger.engine.CommandFields;
import io.ledger.engine.Field;
import io.ledger.engine.PayoutRecord;
import io.ledger.engine.SnapshotFormatException;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The merchants, interned to dense indexes in the order they first create a customer ({@link MerchantDirectory}), and
 * what the ledger keeps per merchant ({@link Book}).
 *
 * <p>Sections {@link SnapshotTags#MERCHANTS}: count i32, then per merchant in index order its id (text).
 * {@link SnapshotTags#MERCHANT_BOOKS}: count i32 (= merchants), then per merchant in index order: createdAtMs i64,
 * entryCount i64, customer keys (long list), payment method keys (long list), transfer entries (count i32, then i32
 * each), payouts (count i32, then a payout each, oldest first).
 *
 * <p>What grows with every transfer or payout is kept off the heap, so recording one allocates nothing: a merchant's
 * transfers in an {@link IntLog}, every payout in the {@link PayoutLog} (linked per merchant).
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class MerchantBooks implements SnapshotPart
{
    /** What the ledger keeps per merchant. The lists are the live ones: ledger thread only. */
    public static final class Book
    {
        private final long createdAtMs;
        private final LongArrayList customerKeys;
        private final LongArrayList paymentMethodKeys;
        private final IntLog transferEntries;
        private long entryCount;
        private int payoutCount;
        private int lastPayout = -1;

        Book(final long createdAtMs)
        {
            this(createdAtMs, 0, new LongArrayList(), new LongArrayList(), new IntLog());
        }

        private Book(
            final long createdAtMs, final long entryCount, final LongArrayList customerKeys, final LongArrayList paymentMethodKeys,
            final IntLog transferEntries)
        {
            this.createdAtMs = createdAtMs;
            this.entryCount = entryCount;
            this.customerKeys = customerKeys;
            this.paymentMethodKeys = paymentMethodKeys;
            this.transferEntries = transferEntries;
        }

        /** @return when the merchant's account was opened: its first customer. */
        public long createdAtMs()
        {
            return createdAtMs;
        }

        /** @return its customers' keys, in creation order. */
        public LongArrayList customerKeys()
        {
            return customerKeys;
        }

        /** @return its customers' saved payment methods' keys, in saving order. */
        public LongArrayList paymentMethodKeys()
        {
            return paymentMethodKeys;
        }

        /** @return the history index of each transfer's debit entry, oldest first. */
        public IntLog transferEntries()
        {
            return transferEntries;
        }

        /** @return how many payouts it made. */
        public int payoutCount()
        {
            return payoutCount;
        }

        /** @return its newest payout in the {@link PayoutLog}, or -1; older ones follow {@link PayoutLog#previousOfMerchant}. */
        public int lastPayout()
        {
            return lastPayout;
        }

        /** @return how many history entries the merchant's own account has. */
        public long entryCount()
        {
            return entryCount;
        }

        /** Counts one more history entry of the merchant's account. */
        public void addEntry()
        {
            entryCount++;
        }
    }

    private final MerchantDirectory directory = new MerchantDirectory();
    private final ArrayList<Book> books = new ArrayList<>();
    private final PayoutLog payouts = new PayoutLog();

    /** Records the payout {@code command} made for merchant {@code merchant}. Allocation-free once warm. */
    public void addPayout(final int merchant, final CommandFields<?> command, final long key, final long createdAtMs)
    {
        final Book book = books.get(merchant);
        book.lastPayout = payouts.append(merchant, command, key, createdAtMs, book.lastPayout);
        book.payoutCount++;
    }

    /** @return every payout; read a merchant's from its {@link Book#lastPayout()}. */
    public PayoutLog payouts()
    {
        return payouts;
    }

    /** @return merchant {@code merchant}'s payouts as records, oldest first; allocates (snapshots, the state hash). */
    private PayoutRecord[] payoutRecords(final int merchant)
    {
        final Book book = books.get(merchant);
        final PayoutRecord[] records = new PayoutRecord[book.payoutCount];
        final String id = directory.id(merchant);
        int payout = book.lastPayout;
        for (int i = records.length - 1; i >= 0; i--)
        {
            records[i] = payouts.record(payout, id);
            payout = payouts.previousOfMerchant(payout);
        }
        return records;
    }

    /** @return the index of the merchant the command acts for ({@link Field#MERCHANT_ID}), or -1 when unknown. */
    public int find(final CommandFields<?> command)
    {
        final int length = command.textLength(Field.MERCHANT_ID);
        return length < 0 ? -1 : directory.find(command.textBuffer(), command.textOffset(Field.MERCHANT_ID), length);
    }

    /** @return the index of the command's merchant, registering it at {@code timeMs} when it is new. */
    public int register(final CommandFields<?> command, final long timeMs)
    {
        final int merchant = directory.findOrRegister(
            command.textBuffer(), command.textOffset(Field.MERCHANT_ID), command.textLength(Field.MERCHANT_ID));
        if (merchant == books.size())
        {
            books.add(new Book(timeMs));
        }
        return merchant;
    }

    /** @return the index of merchant {@code id}, or -1; allocates (tools and tests). */
    public int find(final String id)
    {
        final byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        return directory.find(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    /** @return the id of merchant {@code index}. */
    public String id(final int index)
    {
        return directory.id(index);
    }

    /** @return merchant {@code index}'s book. */
    public Book book(final int index)
    {
        return books.get(index);
    }

    /** @return how many merchants are registered. */
    public int size()
    {
        return directory.size();
    }

    /** Folds the merchants and their books into {@code hash}, in index order. */
    public void hashInto(final StateHash hash)
    {
        hash.add(directory.size());
        for (int i = 0; i < directory.size(); i++)
        {
            final Book book = books.get(i);
            hash.add(directory.id(i)).add(book.createdAtMs).add(book.entryCount);
            SnapshotRecords.hashList(hash, book.customerKeys);
            SnapshotRecords.hashList(hash, book.paymentMethodKeys);
            hash.add(book.transferEntries.size());
            for (int t = 0; t < book.transferEntries.size(); t++)
            {
                hash.add(book.transferEntries.getInt(t));
            }
            hash.add(book.payoutCount);
            for (final PayoutRecord p : payoutRecords(i))
            {
                hash.add(p.key()).add(p.merchantId()).add(p.amountMinor()).add(p.currency()).add(p.bankAccount())
                    .add(p.description()).add(p.metadataJson()).add(p.createdAtMs());
            }
        }
    }

    @Override
    public int[] sectionTags()
    {
        return new int[] {SnapshotTags.MERCHANTS, SnapshotTags.MERCHANT_BOOKS};
    }

    @Override
    public void writeSections(final SectionOutput out) throws IOException
    {
        out.beginSection(SnapshotTags.MERCHANTS);
        out.writeInt(directory.size());
        for (int i = 0; i < directory.size(); i++)
        {
            out.writeText(directory.id(i));
        }
        out.endSection();

        out.beginSection(SnapshotTags.MERCHANT_BOOKS);
        out.writeInt(books.size());
        for (int merchant = 0; merchant < books.size(); merchant++)
        {
            final Book book = books.get(merchant);
            out.writeLong(book.createdAtMs);
            out.writeLong(book.entryCount);
            SnapshotRecords.writeLongList(out, book.customerKeys);
            SnapshotRecords.writeLongList(out, book.paymentMethodKeys);
            out.writeInt(book.transferEntries.size());
            for (int t = 0; t < book.transferEntries.size(); t++)
            {
                out.writeInt(book.transferEntries.getInt(t));
            }
            out.writeInt(book.payoutCount);
            for (final PayoutRecord payout : payoutRecords(merchant))
            {
                SnapshotRecords.writePayout(out, payout);
            }
        }
        out.endSection();
    }

    @Override
    public void readSection(final int tag, final SectionInput in, final boolean[] seen) throws IOException
    {
        if (tag == SnapshotTags.MERCHANTS)
        {
            readMerchants(in);
            return;
        }
        if (!seen[SnapshotTags.MERCHANTS])
        {
            throw new SnapshotFormatException("section tag=" + in.tag() + " (merchant books) comes before the merchants");
        }
        readBooks(in);
    }

    private void readMerchants(final SectionInput in) throws IOException
    {
        final int count = in.readCount("merchants", SnapshotRecords.COUNT_MAX);
        for (int i = 0; i < count; i++)
        {
            final String id = in.readText(SnapshotRecords.TEXT_BYTES_MAX);
            if (id == null)
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " merchant index=" + i + " has no id");
            }
            final byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
            if (directory.findOrRegister(new UnsafeBuffer(bytes), 0, bytes.length) != i)
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " merchant id=" + id + " appears twice");
            }
        }
    }

    private void readBooks(final SectionInput in) throws IOException
    {
        final int count = in.readCount("books", SnapshotRecords.COUNT_MAX);
        if (count != directory.size())
        {
            throw new SnapshotFormatException("section tag=" + in.tag() + " has " + count + " books for " + directory.size() +
                " merchants");
        }
        for (int i = 0; i < count; i++)
        {
            final long createdAtMs = in.readLong();
            final long entryCount = in.readLong();
            final LongArrayList customerKeys = SnapshotRecords.readLongList(in);
            final LongArrayList paymentMethodKeys = SnapshotRecords.readLongList(in);
            final int transferCount = in.readCount("transfer entries", SnapshotRecords.COUNT_MAX);
            final IntLog transferEntries = new IntLog();
            for (int t = 0; t < transferCount; t++)
            {
                transferEntries.addInt(in.readInt());
            }
            final Book book = new Book(createdAtMs, entryCount, customerKeys, paymentMethodKeys, transferEntries);
            books.add(book);
            final int payoutCount = in.readCount("payouts", SnapshotRecords.COUNT_MAX);
            for (int p = 0; p < payoutCount; p++)
            {
                final PayoutRecord payout = SnapshotRecords.readPayout(in);
                if (!directory.id(i).equals(payout.merchantId()))
                {
                    throw new SnapshotFormatException("section tag=" + in.tag() + " payout key=" + payout.key() + " of merchant " +
                        payout.merchantId() + " is in the book of " + directory.id(i));
                }
                book.lastPayout = payouts.append(i, payout, book.lastPayout);
                book.payoutCount++;
            }
        }
    }
}
