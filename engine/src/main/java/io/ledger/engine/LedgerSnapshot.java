package io.ledger.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;

import io.ledger.engine.internal.EntryLog;
import io.ledger.engine.internal.MerchantDirectory;
import io.ledger.engine.internal.SectionInput;
import io.ledger.engine.internal.SectionOutput;
import io.ledger.engine.internal.TextArena;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.Object2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The whole state of a {@link Ledger}, everything replay would rebuild, written to and read from a byte stream: what
 * a snapshot file holds between its header and its end (the file itself, with its header and checksums, belongs to
 * the journal module's {@code SnapshotStore}).
 *
 * <p><b>Layout.</b> An i32 {@link #FORMAT_VERSION}, then tagged sections, each cut into length-prefixed blocks by
 * {@link SectionOutput} (framing drawn there), then the end tag 0. Big-endian. One section per piece of state:
 *
 * <pre>
 *  tag  section                    body
 *  14   SIZES (first)              history entries i32, text bytes i32: the reader sizes the new ledger with them
 *   1   COUNTERS                   lastCommandId i64, lastTimestampMs i64, commandsApplied i64,
 *                                  defaultCurrency i32 (informative: the reader's configuration wins)
 *   2   MERCHANTS                  count i32, then per merchant in index order: id (text)
 *  15   MERCHANT_BOOKS             count i32 (= merchants), then per merchant in index order: createdAtMs i64,
 *                                  entryCount i64, customer keys (long list), payment method keys (long list),
 *                                  transfer entries (int list), payouts (count i32, then per payout: key i64,
 *                                  merchantId, amountMinor i64, currency i32, bankAccount, description, metadata,
 *                                  createdAtMs i64)
 *   3   CUSTOMERS                  count i32, then per customer: key i64, merchant index i32, phone, email, name,
 *                                  metadata (texts, null allowed), createdAtMs i64, updatedAtMs i64
 *   4   CUSTOMER_EMAIL_INDEX       count i32, then per entry: key (text), customer key i64
 *   5   CUSTOMER_BALANCES          a long map: count i32, then key i64, value i64 per entry
 *   6   MERCHANT_BALANCES          a long map
 *   7   CUSTOMER_FIRST_CURRENCY    a long map
 *   8   MERCHANT_FIRST_CURRENCY    a long map
 *   9   CUSTOMER_LAST_ENTRY        a long map
 *  16   CUSTOMER_ENTRY_COUNT       a long map
 *  10   MERCHANT_LAST_ENTRY        a long map
 *  11   PAID_IN_BY_CURRENCY        a long map
 *  17   PAID_OUT_BY_CURRENCY       a long map
 *  18   PAYMENT_METHODS            count i32, then per method: a payment method (below)
 *  19   CUSTOMER_PAYMENT_METHODS   count i32, then per customer: key i64, method keys (long list)
 *  20   IDEMPOTENCY                count i32, then per record, oldest first: scopedKey (text), fingerprint i64,
 *                                  createdAtMs i64, command type code i32, result code i32, resultCurrency i32,
 *                                  balanceBeforeMinor i64, balanceAfterMinor i64, resultTimestampMs i64,
 *                                  accountUpdatedAtMs i64, resultKey i64, customer (i8 0/1, then a customer:
 *                                  key i64, merchantId, phone, email, name, metadata, createdAtMs, updatedAtMs),
 *                                  result object (i8 0 none, 1 payout as above, 2 payment method)
 *  12   ENTRIES                    count i32, then per entry: accountKind i8, accountKey i64, counterpartyKey i64,
 *                                  type ordinal i8, amountMinor i64, balanceAfterMinor i64, currency i32,
 *                                  timestampMs i64, commandId i64, textRef i64, previousOfAccount i32
 *  13   TEXTS                      size i32, then the arena's raw bytes
 *
 *  a payment method: key i64, customerKey i64, type, provider, brand, last4 (texts), expiryMonth i32,
 *                    expiryYear i32, phoneNumber (text), isDefault i8, createdAtMs i64, updatedAtMs i64
 *  a long list: count i32, then i64 each; an int list: count i32, then i32 each
 * </pre>
 *
 * A text is an i32 UTF-8 byte length (-1 for null) and the bytes. Every section is required exactly once; SIZES
 * comes first, the others in any order; an unknown tag is refused (a snapshot from a newer version must not be loaded by an older one and silently
 * lose state). Tags are never reused or renumbered.
 *
 * <p><b>Adding state.</b> A new field in {@link Ledger} needs a new section here (the next free tag), written in
 * {@link #write} and required in {@link #read}, and its name in {@link #COVERED_LEDGER_FIELDS};
 * {@code LedgerSnapshotTest} fails until it is there. Bump {@link #FORMAT_VERSION} when a section's body changes.
 * A field derived from other state ({@code moneyTotals}) is listed too, and recounted by {@link #read} instead.
 *
 * <p><b>Cost.</b> {@link #write} runs on the ledger thread between two commands (the pipeline's ledger stage), so
 * the ledger pauses while it runs: it walks every map and the whole history once, allocating only the UTF-8 bytes of
 * customer texts. See docs/operations.md for measured pauses.
 *
 * <p>Thread-safety: {@link #write} only reads the ledger, and never through the maps' cached iterators, so while the
 * owning thread waits, another thread may read the ledger at the same time (the snapshot writer computes
 * {@link Ledger#stateHash()} alongside it); {@link #read} builds a ledger that the calling thread owns until it hands it
 * over.
 */
public final class LedgerSnapshot
{
    /** The payload layout version: bump when any section's body changes. */
    public static final int FORMAT_VERSION = 2;

    public static final int SECTION_COUNTERS = 1;
    public static final int SECTION_MERCHANTS = 2;
    public static final int SECTION_CUSTOMERS = 3;
    public static final int SECTION_CUSTOMER_EMAIL_INDEX = 4;
    public static final int SECTION_CUSTOMER_BALANCES = 5;
    public static final int SECTION_MERCHANT_BALANCES = 6;
    public static final int SECTION_CUSTOMER_FIRST_CURRENCY = 7;
    public static final int SECTION_MERCHANT_FIRST_CURRENCY = 8;
    public static final int SECTION_CUSTOMER_LAST_ENTRY = 9;
    public static final int SECTION_MERCHANT_LAST_ENTRY = 10;
    public static final int SECTION_PAID_IN_BY_CURRENCY = 11;
    public static final int SECTION_ENTRIES = 12;
    public static final int SECTION_TEXTS = 13;
    public static final int SECTION_SIZES = 14;
    public static final int SECTION_MERCHANT_BOOKS = 15;
    public static final int SECTION_CUSTOMER_ENTRY_COUNT = 16;
    public static final int SECTION_PAID_OUT_BY_CURRENCY = 17;
    public static final int SECTION_PAYMENT_METHODS = 18;
    public static final int SECTION_CUSTOMER_PAYMENT_METHODS = 19;
    public static final int SECTION_IDEMPOTENCY = 20;
    private static final int SECTION_TAG_MAX = 20;

    private static final int RESULT_OBJECT_NONE = 0;
    private static final int RESULT_OBJECT_PAYOUT = 1;
    private static final int RESULT_OBJECT_PAYMENT_METHOD = 2;

    /**
     * The {@link Ledger} fields this class writes and reads. {@code LedgerSnapshotTest} compares it with the fields
     * {@link Ledger} declares, so that new state cannot be left out of snapshots unnoticed.
     */
    static final Set<String> COVERED_LEDGER_FIELDS = Set.of(
        "defaultCurrency", "merchants", "books", "customers", "customerMerchant", "customerByEmail", "customerBalances",
        "merchantBalances", "customerFirstCurrency", "merchantFirstCurrency", "customerLastEntry", "customerEntryCount",
        "merchantLastEntry", "paidInByCurrency", "paidOutByCurrency", "paymentMethods", "customerPaymentMethods",
        "idempotency", "idempotencyByAge", "entries", "texts", "lastTimestampMs", "lastCommandId", "commandsApplied",
        // derived from the balances, paid in and paid out: not written, recounted when a snapshot is read
        "moneyTotals");

    private static final int TEXT_BYTES_MAX = CommandEvent.TEXT_BYTES_MAX;
    private static final int COUNT_MAX = Integer.MAX_VALUE - 8;
    private static final long MISSING = Long.MIN_VALUE;

    /**
     * The ledger's state holders, handed over by {@code Ledger.snapshotState()}: the live maps and arrays (to read,
     * or to fill on a fresh ledger) and the counters' values.
     */
    record State(
        MerchantDirectory merchants,
        Long2ObjectHashMap<CustomerRecord> customers,
        Long2LongHashMap customerMerchant,
        Object2LongHashMap<String> customerByEmail,
        Long2LongHashMap customerBalances,
        Long2LongHashMap merchantBalances,
        Long2LongHashMap customerFirstCurrency,
        Long2LongHashMap merchantFirstCurrency,
        Long2LongHashMap customerLastEntry,
        Long2LongHashMap customerEntryCount,
        Long2LongHashMap merchantLastEntry,
        Long2LongHashMap paidInByCurrency,
        Long2LongHashMap paidOutByCurrency,
        Long2ObjectHashMap<PaymentMethodRecord> paymentMethods,
        Long2ObjectHashMap<LongArrayList> customerPaymentMethods,
        HashMap<String, IdempotencyRecord> idempotency,
        ArrayDeque<IdempotencyRecord> idempotencyByAge,
        EntryLog entries,
        TextArena texts,
        int defaultCurrency,
        long lastTimestampMs,
        long lastCommandId,
        long commandsApplied,
        int books)
    {
    }

    /** A merchant's book (the ledger's private {@code MerchantBook}), handed over by {@code Ledger.snapshotBook}. */
    record Book(
        long createdAtMs,
        long entryCount,
        LongArrayList customerKeys,
        LongArrayList paymentMethodKeys,
        IntArrayList transferEntries,
        List<PayoutRecord> payouts)
    {
    }

    private LedgerSnapshot()
    {
    }

    /**
     * Writes the whole state of {@code ledger} to {@code out}. Reads the ledger only.
     *
     * @throws IOException from {@code out}.
     */
    public static void write(final Ledger ledger, final DataOutput out) throws IOException
    {
        final State state = ledger.snapshotState();
        out.writeInt(FORMAT_VERSION);
        final SectionOutput sections = new SectionOutput(out);

        sections.beginSection(SECTION_SIZES);
        sections.writeInt(state.entries().size());
        sections.writeInt(state.texts().sizeBytes());
        sections.endSection();

        sections.beginSection(SECTION_COUNTERS);
        sections.writeLong(state.lastCommandId());
        sections.writeLong(state.lastTimestampMs());
        sections.writeLong(state.commandsApplied());
        sections.writeInt(state.defaultCurrency());
        sections.endSection();

        final MerchantDirectory merchants = state.merchants();
        sections.beginSection(SECTION_MERCHANTS);
        sections.writeInt(merchants.size());
        for (int i = 0; i < merchants.size(); i++)
        {
            sections.writeText(merchants.id(i));
        }
        sections.endSection();

        sections.beginSection(SECTION_MERCHANT_BOOKS);
        sections.writeInt(state.books());
        for (int i = 0; i < state.books(); i++)
        {
            final Book book = ledger.snapshotBook(i);
            sections.writeLong(book.createdAtMs());
            sections.writeLong(book.entryCount());
            writeLongList(sections, book.customerKeys());
            writeLongList(sections, book.paymentMethodKeys());
            final IntArrayList transfers = book.transferEntries();
            sections.writeInt(transfers.size());
            for (int t = 0; t < transfers.size(); t++)
            {
                sections.writeInt(transfers.getInt(t));
            }
            sections.writeInt(book.payouts().size());
            for (final PayoutRecord payout : book.payouts())
            {
                writePayout(sections, payout);
            }
        }
        sections.endSection();

        sections.beginSection(SECTION_CUSTOMERS);
        sections.writeInt(state.customers().size());
        try
        {
            // forEachLong walks the map's arrays: no shared cached iterator (see the class comment)
            state.customers().forEachLong((key, c) ->
            {
                try
                {
                    sections.writeLong(c.key());
                    sections.writeInt((int)state.customerMerchant().get(c.key()));
                    sections.writeText(c.phoneNumber());
                    sections.writeText(c.email());
                    sections.writeText(c.name());
                    sections.writeText(c.metadataJson());
                    sections.writeLong(c.createdAtMs());
                    sections.writeLong(c.updatedAtMs());
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        sections.endSection();

        sections.beginSection(SECTION_CUSTOMER_EMAIL_INDEX);
        sections.writeInt(state.customerByEmail().size());
        try
        {
            state.customerByEmail().forEachLong((emailKey, customerKey) ->
            {
                try
                {
                    sections.writeText(emailKey);
                    sections.writeLong(customerKey);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        sections.endSection();

        writeLongMap(sections, SECTION_CUSTOMER_BALANCES, state.customerBalances());
        writeLongMap(sections, SECTION_MERCHANT_BALANCES, state.merchantBalances());
        writeLongMap(sections, SECTION_CUSTOMER_FIRST_CURRENCY, state.customerFirstCurrency());
        writeLongMap(sections, SECTION_MERCHANT_FIRST_CURRENCY, state.merchantFirstCurrency());
        writeLongMap(sections, SECTION_CUSTOMER_LAST_ENTRY, state.customerLastEntry());
        writeLongMap(sections, SECTION_CUSTOMER_ENTRY_COUNT, state.customerEntryCount());
        writeLongMap(sections, SECTION_MERCHANT_LAST_ENTRY, state.merchantLastEntry());
        writeLongMap(sections, SECTION_PAID_IN_BY_CURRENCY, state.paidInByCurrency());
        writeLongMap(sections, SECTION_PAID_OUT_BY_CURRENCY, state.paidOutByCurrency());

        sections.beginSection(SECTION_PAYMENT_METHODS);
        sections.writeInt(state.paymentMethods().size());
        try
        {
            state.paymentMethods().forEachLong((key, method) -> writeUnchecked(() -> writePaymentMethod(sections, method)));
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        sections.endSection();

        sections.beginSection(SECTION_CUSTOMER_PAYMENT_METHODS);
        sections.writeInt(state.customerPaymentMethods().size());
        try
        {
            state.customerPaymentMethods().forEachLong((key, methods) -> writeUnchecked(() ->
            {
                sections.writeLong(key);
                writeLongList(sections, methods);
            }));
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        sections.endSection();

        sections.beginSection(SECTION_IDEMPOTENCY);
        if (state.idempotencyByAge().size() != state.idempotency().size())
        {
            throw new IllegalStateException("idempotency keys=" + state.idempotency().size() + " but by age=" +
                state.idempotencyByAge().size() + ": the two must hold the same records");
        }
        sections.writeInt(state.idempotencyByAge().size());
        for (final IdempotencyRecord record : state.idempotencyByAge())
        {
            writeIdempotencyRecord(sections, record);
        }
        sections.endSection();

        final EntryLog entries = state.entries();
        sections.beginSection(SECTION_ENTRIES);
        final int size = entries.size();
        sections.writeInt(size);
        for (int i = 0; i < size; i++)
        {
            sections.writeByte(entries.accountKind(i));
            sections.writeLong(entries.accountKey(i));
            sections.writeLong(entries.counterpartyKey(i));
            sections.writeByte(entries.type(i).ordinal());
            sections.writeLong(entries.amountMinor(i));
            sections.writeLong(entries.balanceAfterMinor(i));
            sections.writeInt(entries.currency(i));
            sections.writeLong(entries.timestampMs(i));
            sections.writeLong(entries.commandId(i));
            sections.writeLong(entries.textRef(i));
            sections.writeInt(entries.previousOfAccount(i));
        }
        sections.endSection();

        final TextArena texts = state.texts();
        sections.beginSection(SECTION_TEXTS);
        final int textBytes = texts.sizeBytes();
        sections.writeInt(textBytes);
        final byte[] chunk = new byte[SectionOutput.BLOCK_BYTES_MAX];
        for (int offset = 0; offset < textBytes; offset += chunk.length)
        {
            final int n = Math.min(chunk.length, textBytes - offset);
            texts.getBytes(offset, chunk, 0, n);
            sections.write(chunk, 0, n);
        }
        sections.endSection();

        sections.finish();
    }

    /**
     * Reads a ledger written by {@link #write}. The result has the state the written ledger had; the caller should
     * compare its {@link Ledger#stateHash()} with the one recorded when it was written.
     *
     * @param defaultCurrency the packed currency for balance reads of accounts that never held money: configuration,
     *                        as for {@link Ledger#Ledger(int)}.
     * @throws SnapshotFormatException when the payload does not follow the layout (damage, truncation, another
     *                                 version), naming the section.
     * @throws IOException             from {@code in}.
     */
    public static Ledger read(final DataInput in, final int defaultCurrency) throws IOException
    {
        final int version = in.readInt();
        if (version != FORMAT_VERSION)
        {
            throw new SnapshotFormatException("payload formatVersion=" + version + " is not " + FORMAT_VERSION);
        }
        final SectionInput sections = new SectionInput(in);
        if (sections.nextSection() != SECTION_SIZES)
        {
            throw new SnapshotFormatException("section tag=" + sections.tag() + " comes first, not SIZES (" + SECTION_SIZES + ")");
        }
        final int entriesSize = sections.readCount("history entries", EntryLog.CAPACITY_ENTRIES_MAX);
        final int textBytes = sections.readCount("text bytes", TextArena.CAPACITY_BYTES_MAX);
        sections.endSection();
        // Sized as replay's doublings would have left it: restoring does not double the history again and again, and
        // the first command after a start does not find it full (a doubling of millions of entries takes seconds).
        final Ledger ledger = new Ledger(defaultCurrency,
            capacityAbove(entriesSize, Ledger.HISTORY_ENTRIES_INITIAL_DEFAULT, EntryLog.CAPACITY_ENTRIES_MAX),
            capacityAbove(textBytes, Ledger.HISTORY_TEXT_BYTES_INITIAL_DEFAULT, TextArena.CAPACITY_BYTES_MAX));
        final State state = ledger.snapshotState();
        final boolean[] seen = new boolean[SECTION_TAG_MAX + 1];
        seen[SECTION_SIZES] = true;
        long lastCommandId = 0;
        long lastTimestampMs = 0;
        long commandsApplied = 0;
        int tag;
        while ((tag = sections.nextSection()) != SectionOutput.END_TAG)
        {
            if (tag > SECTION_TAG_MAX)
            {
                throw new SnapshotFormatException("section tag=" + tag + " is unknown to this version (written by a newer one?)");
            }
            if (seen[tag])
            {
                throw new SnapshotFormatException("section tag=" + tag + " appears twice");
            }
            seen[tag] = true;
            switch (tag)
            {
                case SECTION_COUNTERS ->
                {
                    lastCommandId = sections.readLong();
                    lastTimestampMs = sections.readLong();
                    commandsApplied = sections.readLong();
                    sections.readInt(); // the writer's default currency: configuration, not state
                }
                case SECTION_MERCHANTS -> readMerchants(sections, state);
                case SECTION_MERCHANT_BOOKS -> readBooks(sections, ledger, state, seen[SECTION_MERCHANTS]);
                case SECTION_CUSTOMERS -> readCustomers(sections, state, seen[SECTION_MERCHANTS]);
                case SECTION_CUSTOMER_EMAIL_INDEX -> readEmailIndex(sections, state, seen[SECTION_CUSTOMERS]);
                case SECTION_CUSTOMER_BALANCES -> readLongMap(sections, state.customerBalances());
                case SECTION_MERCHANT_BALANCES -> readLongMap(sections, state.merchantBalances());
                case SECTION_CUSTOMER_FIRST_CURRENCY -> readLongMap(sections, state.customerFirstCurrency());
                case SECTION_MERCHANT_FIRST_CURRENCY -> readLongMap(sections, state.merchantFirstCurrency());
                case SECTION_CUSTOMER_LAST_ENTRY -> readLongMap(sections, state.customerLastEntry());
                case SECTION_CUSTOMER_ENTRY_COUNT -> readLongMap(sections, state.customerEntryCount());
                case SECTION_MERCHANT_LAST_ENTRY -> readLongMap(sections, state.merchantLastEntry());
                case SECTION_PAID_IN_BY_CURRENCY -> readLongMap(sections, state.paidInByCurrency());
                case SECTION_PAID_OUT_BY_CURRENCY -> readLongMap(sections, state.paidOutByCurrency());
                case SECTION_PAYMENT_METHODS -> readPaymentMethods(sections, state);
                case SECTION_CUSTOMER_PAYMENT_METHODS -> readCustomerPaymentMethods(sections, state);
                case SECTION_IDEMPOTENCY -> readIdempotency(sections, state);
                case SECTION_ENTRIES -> readEntries(sections, state.entries(), entriesSize);
                case SECTION_TEXTS -> readTexts(sections, state.texts(), textBytes);
                case SECTION_SIZES -> throw new SnapshotFormatException("section SIZES appears twice");
                default -> throw new SnapshotFormatException("section tag=" + tag + " is reserved");
            }
            sections.endSection();
        }
        for (int t = 1; t <= SECTION_TAG_MAX; t++)
        {
            if (!seen[t])
            {
                throw new SnapshotFormatException("section tag=" + t + " is missing");
            }
        }
        ledger.restoreCounters(lastTimestampMs, lastCommandId, commandsApplied);
        return ledger;
    }

    /** @return {@code initial} doubled until it exceeds {@code size}, at most {@code max}. */
    static int capacityAbove(final int size, final int initial, final int max)
    {
        long capacity = Math.max(1, initial);
        while (capacity <= size)
        {
            capacity *= 2;
        }
        return (int)Math.min(capacity, max);
    }

    private static void writeLongMap(final SectionOutput sections, final int tag, final Long2LongHashMap map) throws IOException
    {
        sections.beginSection(tag);
        sections.writeInt(map.size());
        try
        {
            map.forEachLong((key, value) ->
            {
                try
                {
                    sections.writeLong(key);
                    sections.writeLong(value);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        sections.endSection();
    }

    private static void readLongMap(final SectionInput sections, final Long2LongHashMap map) throws IOException
    {
        final int count = sections.readCount("count", COUNT_MAX);
        for (int i = 0; i < count; i++)
        {
            final long key = sections.readLong();
            final long value = sections.readLong();
            if (value == MISSING || map.put(key, value) != MISSING)
            {
                throw new SnapshotFormatException("section tag=" + sections.tag() + " key=" + key + " value=" + value +
                    " is the missing value or a duplicate key");
            }
        }
    }

    private static void readMerchants(final SectionInput sections, final State state) throws IOException
    {
        final int count = sections.readCount("merchants", COUNT_MAX);
        final MerchantDirectory merchants = state.merchants();
        for (int i = 0; i < count; i++)
        {
            final String id = sections.readText(TEXT_BYTES_MAX);
            if (id == null)
            {
                throw new SnapshotFormatException("section tag=" + sections.tag() + " merchant index=" + i + " has no id");
            }
            final byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
            final int index = merchants.findOrRegister(new UnsafeBuffer(bytes), 0, bytes.length);
            if (index != i)
            {
                throw new SnapshotFormatException("section tag=" + sections.tag() + " merchant id=" + id + " appears twice");
            }
        }
    }

    private static void readCustomers(final SectionInput sections, final State state, final boolean merchantsRead)
        throws IOException
    {
        if (!merchantsRead)
        {
            throw new SnapshotFormatException("section tag=" + sections.tag() + " (customers) comes before the merchants");
        }
        final int count = sections.readCount("customers", COUNT_MAX);
        final MerchantDirectory merchants = state.merchants();
        for (int i = 0; i < count; i++)
        {
            final long key = sections.readLong();
            final int merchant = sections.readInt();
            if (merchant < 0 || merchant >= merchants.size())
            {
                throw new SnapshotFormatException("section tag=" + sections.tag() + " customer key=" + key +
                    " merchant index=" + merchant + " out of range 0.." + (merchants.size() - 1));
            }
            final CustomerRecord customer = new CustomerRecord(
                key,
                merchants.id(merchant),
                sections.readText(TEXT_BYTES_MAX),
                sections.readText(TEXT_BYTES_MAX),
                sections.readText(TEXT_BYTES_MAX),
                sections.readText(TEXT_BYTES_MAX),
                sections.readLong(),
                sections.readLong());
            if (state.customers().put(key, customer) != null)
            {
                throw new SnapshotFormatException("section tag=" + sections.tag() + " customer key=" + key + " appears twice");
            }
            state.customerMerchant().put(key, merchant);
        }
    }

    private static void readEmailIndex(final SectionInput sections, final State state, final boolean customersRead)
        throws IOException
    {
        if (!customersRead)
        {
            throw new SnapshotFormatException("section tag=" + sections.tag() + " (email index) comes before the customers");
        }
        final int count = sections.readCount("emails", COUNT_MAX);
        for (int i = 0; i < count; i++)
        {
            final String emailKey = sections.readText(TEXT_BYTES_MAX);
            final long key = sections.readLong();
            if (emailKey == null || !state.customers().containsKey(key) || state.customerByEmail().put(emailKey, key) != MISSING)
            {
                throw new SnapshotFormatException("section tag=" + sections.tag() + " entry " + i + " (customer key=" + key +
                    ") names no customer, has no key or repeats one");
            }
        }
    }

    private static void readBooks(final SectionInput sections, final Ledger ledger, final State state, final boolean merchantsRead)
        throws IOException
    {
        if (!merchantsRead)
        {
            throw new SnapshotFormatException("section tag=" + sections.tag() + " (merchant books) comes before the merchants");
        }
        final int count = sections.readCount("books", COUNT_MAX);
        if (count != state.merchants().size())
        {
            throw new SnapshotFormatException("section tag=" + sections.tag() + " has " + count + " books for " +
                state.merchants().size() + " merchants");
        }
        for (int i = 0; i < count; i++)
        {
            final long createdAtMs = sections.readLong();
            final long entryCount = sections.readLong();
            final LongArrayList customerKeys = readLongList(sections);
            final LongArrayList paymentMethodKeys = readLongList(sections);
            final int transferCount = sections.readCount("transfer entries", COUNT_MAX);
            final IntArrayList transferEntries = new IntArrayList(Math.max(transferCount, 1), Integer.MIN_VALUE);
            for (int t = 0; t < transferCount; t++)
            {
                transferEntries.addInt(sections.readInt());
            }
            final int payoutCount = sections.readCount("payouts", COUNT_MAX);
            final List<PayoutRecord> payouts = new ArrayList<>(payoutCount);
            for (int p = 0; p < payoutCount; p++)
            {
                payouts.add(readPayout(sections));
            }
            ledger.restoreBook(new Book(createdAtMs, entryCount, customerKeys, paymentMethodKeys, transferEntries, payouts));
        }
    }

    private static void readPaymentMethods(final SectionInput sections, final State state) throws IOException
    {
        final int count = sections.readCount("payment methods", COUNT_MAX);
        for (int i = 0; i < count; i++)
        {
            final PaymentMethodRecord method = readPaymentMethod(sections);
            if (state.paymentMethods().put(method.key(), method) != null)
            {
                throw new SnapshotFormatException("section tag=" + sections.tag() + " payment method key=" + method.key() + " appears twice");
            }
        }
    }

    private static void readCustomerPaymentMethods(final SectionInput sections, final State state) throws IOException
    {
        final int count = sections.readCount("customers with payment methods", COUNT_MAX);
        for (int i = 0; i < count; i++)
        {
            final long key = sections.readLong();
            if (state.customerPaymentMethods().put(key, readLongList(sections)) != null)
            {
                throw new SnapshotFormatException("section tag=" + sections.tag() + " customer key=" + key + " appears twice");
            }
        }
    }

    private static void readIdempotency(final SectionInput sections, final State state) throws IOException
    {
        final int count = sections.readCount("idempotency records", COUNT_MAX);
        final CommandEvent outcome = new CommandEvent();
        for (int i = 0; i < count; i++)
        {
            final String scopedKey = sections.readText(TEXT_BYTES_MAX * 2 + 1);
            final long fingerprint = sections.readLong();
            final long createdAtMs = sections.readLong();
            outcome.clear();
            final int typeCode = sections.readInt();
            outcome.type = CommandType.fromCode(typeCode);
            final int resultCode = sections.readInt();
            outcome.result = resultCode(resultCode);
            if (scopedKey == null || outcome.type == null || outcome.result == null)
            {
                throw new SnapshotFormatException("section tag=" + sections.tag() + " record " + i + " type=" + typeCode +
                    " result=" + resultCode + " not understood, or no key");
            }
            outcome.resultCurrency = sections.readInt();
            outcome.balanceBeforeMinor = sections.readLong();
            outcome.balanceAfterMinor = sections.readLong();
            outcome.resultTimestampMs = sections.readLong();
            outcome.accountUpdatedAtMs = sections.readLong();
            outcome.resultKey = sections.readLong();
            outcome.customer = sections.readBoolean() ? readCustomerRecord(sections) : null;
            final int objectKind = sections.readByte();
            outcome.resultObject = switch (objectKind)
            {
                case RESULT_OBJECT_NONE -> null;
                case RESULT_OBJECT_PAYOUT -> readPayout(sections);
                case RESULT_OBJECT_PAYMENT_METHOD -> readPaymentMethod(sections);
                default -> throw new SnapshotFormatException("section tag=" + sections.tag() + " record " + i +
                    " result object kind=" + objectKind + " unknown");
            };
            final IdempotencyRecord record = new IdempotencyRecord(scopedKey, fingerprint, createdAtMs, outcome);
            if (state.idempotency().put(scopedKey, record) != null)
            {
                throw new SnapshotFormatException("section tag=" + sections.tag() + " record " + i + " repeats a key");
            }
            state.idempotencyByAge().addLast(record);
        }
    }

    private static ResultCode resultCode(final int code)
    {
        for (final ResultCode result : ResultCode.values())
        {
            if (result.code() == code)
            {
                return result;
            }
        }
        return null;
    }

    // ---- records, lists

    private static void writeIdempotencyRecord(final SectionOutput sections, final IdempotencyRecord record) throws IOException
    {
        sections.writeText(record.scopedKey);
        sections.writeLong(record.fingerprint);
        sections.writeLong(record.createdAtMs);
        sections.writeInt(record.type.code());
        sections.writeInt(record.result.code());
        sections.writeInt(record.resultCurrency);
        sections.writeLong(record.balanceBeforeMinor);
        sections.writeLong(record.balanceAfterMinor);
        sections.writeLong(record.resultTimestampMs);
        sections.writeLong(record.accountUpdatedAtMs);
        sections.writeLong(record.resultKey);
        sections.writeBoolean(record.customer != null);
        if (record.customer != null)
        {
            writeCustomerRecord(sections, record.customer);
        }
        final Object result = record.resultObject;
        if (result == null)
        {
            sections.writeByte(RESULT_OBJECT_NONE);
        }
        else if (result instanceof PayoutRecord payout)
        {
            sections.writeByte(RESULT_OBJECT_PAYOUT);
            writePayout(sections, payout);
        }
        else if (result instanceof PaymentMethodRecord method)
        {
            sections.writeByte(RESULT_OBJECT_PAYMENT_METHOD);
            writePaymentMethod(sections, method);
        }
        else
        {
            throw new IllegalStateException("idempotency record key=" + record.scopedKey + " holds a " + result.getClass() +
                " that LedgerSnapshot cannot write: give it a result object kind");
        }
    }

    /** The customer as an idempotency record kept it (it may differ from the current one after an update). */
    private static void writeCustomerRecord(final SectionOutput sections, final CustomerRecord c) throws IOException
    {
        sections.writeLong(c.key());
        sections.writeText(c.merchantId());
        sections.writeText(c.phoneNumber());
        sections.writeText(c.email());
        sections.writeText(c.name());
        sections.writeText(c.metadataJson());
        sections.writeLong(c.createdAtMs());
        sections.writeLong(c.updatedAtMs());
    }

    private static CustomerRecord readCustomerRecord(final SectionInput sections) throws IOException
    {
        return new CustomerRecord(sections.readLong(), sections.readText(TEXT_BYTES_MAX), sections.readText(TEXT_BYTES_MAX),
            sections.readText(TEXT_BYTES_MAX), sections.readText(TEXT_BYTES_MAX), sections.readText(TEXT_BYTES_MAX),
            sections.readLong(), sections.readLong());
    }

    private static void writePayout(final SectionOutput sections, final PayoutRecord p) throws IOException
    {
        sections.writeLong(p.key());
        sections.writeText(p.merchantId());
        sections.writeLong(p.amountMinor());
        sections.writeInt(p.currency());
        sections.writeText(p.bankAccount());
        sections.writeText(p.description());
        sections.writeText(p.metadataJson());
        sections.writeLong(p.createdAtMs());
    }

    private static PayoutRecord readPayout(final SectionInput sections) throws IOException
    {
        return new PayoutRecord(sections.readLong(), sections.readText(TEXT_BYTES_MAX), sections.readLong(), sections.readInt(),
            sections.readText(TEXT_BYTES_MAX), sections.readText(TEXT_BYTES_MAX), sections.readText(TEXT_BYTES_MAX), sections.readLong());
    }

    private static void writePaymentMethod(final SectionOutput sections, final PaymentMethodRecord m) throws IOException
    {
        sections.writeLong(m.key());
        sections.writeLong(m.customerKey());
        sections.writeText(m.type());
        sections.writeText(m.provider());
        sections.writeText(m.brand());
        sections.writeText(m.last4());
        sections.writeInt(m.expiryMonth());
        sections.writeInt(m.expiryYear());
        sections.writeText(m.phoneNumber());
        sections.writeBoolean(m.isDefault());
        sections.writeLong(m.createdAtMs());
        sections.writeLong(m.updatedAtMs());
    }

    private static PaymentMethodRecord readPaymentMethod(final SectionInput sections) throws IOException
    {
        return new PaymentMethodRecord(sections.readLong(), sections.readLong(), sections.readText(TEXT_BYTES_MAX),
            sections.readText(TEXT_BYTES_MAX), sections.readText(TEXT_BYTES_MAX), sections.readText(TEXT_BYTES_MAX),
            sections.readInt(), sections.readInt(), sections.readText(TEXT_BYTES_MAX), sections.readBoolean(), sections.readLong(),
            sections.readLong());
    }

    private static void writeLongList(final SectionOutput sections, final LongArrayList list) throws IOException
    {
        sections.writeInt(list.size());
        for (int i = 0; i < list.size(); i++)
        {
            sections.writeLong(list.getLong(i));
        }
    }

    private static LongArrayList readLongList(final SectionInput sections) throws IOException
    {
        final int count = sections.readCount("list length", COUNT_MAX);
        final LongArrayList list = new LongArrayList(Math.max(count, 1), Long.MIN_VALUE);
        for (int i = 0; i < count; i++)
        {
            list.addLong(sections.readLong());
        }
        return list;
    }

    /** A write that may throw IOException, inside a lambda. */
    @FunctionalInterface
    private interface Write
    {
        void run() throws IOException;
    }

    private static void writeUnchecked(final Write write)
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

    private static void readEntries(final SectionInput sections, final EntryLog entries, final int expected) throws IOException
    {
        final int count = sections.readCount("entries", EntryLog.CAPACITY_ENTRIES_MAX);
        if (count != expected)
        {
            throw new SnapshotFormatException("section tag=" + sections.tag() + " has " + count + " entries, SIZES said " + expected);
        }
        final EntryType[] types = EntryType.values();
        for (int i = 0; i < count; i++)
        {
            final byte kind = sections.readByte();
            final long key = sections.readLong();
            final long counterparty = sections.readLong();
            final int type = sections.readByte();
            final long amount = sections.readLong();
            final long after = sections.readLong();
            final int currency = sections.readInt();
            final long time = sections.readLong();
            final long command = sections.readLong();
            final long text = sections.readLong();
            final int previous = sections.readInt();
            if (type < 0 || type >= types.length || previous < -1 || previous >= i)
            {
                throw new SnapshotFormatException("section tag=" + sections.tag() + " entry " + i + " type=" + type +
                    " previousOfAccount=" + previous + " out of range");
            }
            entries.append(kind, key, counterparty, types[type], amount, after, currency, time, command, text, previous);
        }
    }

    private static void readTexts(final SectionInput sections, final TextArena texts, final int expected) throws IOException
    {
        final int size = sections.readCount("text bytes", TextArena.CAPACITY_BYTES_MAX);
        if (size != expected)
        {
            throw new SnapshotFormatException("section tag=" + sections.tag() + " has " + size + " text bytes, SIZES said " + expected);
        }
        final byte[] chunk = new byte[SectionOutput.BLOCK_BYTES_MAX];
        for (int offset = 0; offset < size; offset += chunk.length)
        {
            final int n = Math.min(chunk.length, size - offset);
            sections.readFully(chunk, 0, n);
            texts.appendBytes(chunk, 0, n);
        }
    }
}
