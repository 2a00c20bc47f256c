package io.ledger.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import io.ledger.engine.internal.ChunkSupply;
import io.ledger.engine.internal.EntryLog;
import io.ledger.engine.internal.LedgerState;
import io.ledger.engine.internal.SectionInput;
import io.ledger.engine.internal.SectionOutput;
import io.ledger.engine.internal.SnapshotPart;
import io.ledger.engine.internal.SnapshotTags;
import io.ledger.engine.internal.TextArena;

/**
 * The whole state of a {@link Ledger}, everything replay would rebuild, written to and read from a byte stream: what
 * a snapshot file holds between its header and its end (the file itself, with its header and checksums, belongs to
 * the journal module's {@code SnapshotStore}). Depends on {@link Ledger}; the ledger does not know it.
 *
 * <p><b>Layout.</b> An i32 {@link #FORMAT_VERSION}, then tagged sections, each cut into length-prefixed blocks by
 * {@link SectionOutput} (framing drawn there), then the end tag 0. Big-endian. This class writes the first section,
 * SIZES; each part of the state ({@link SnapshotPart}) writes and reads its own, with its body drawn in its class
 * comment:
 *
 * <pre>
 *  tag  section                    written by
 *  14   SIZES (first)              LedgerSnapshot: history entries i32, text bytes i32 (the reader sizes the ledger)
 *   1   COUNTERS                   Counters
 *   2   MERCHANTS                  MerchantBooks
 *  15   MERCHANT_BOOKS             MerchantBooks (after MERCHANTS)
 *   3   CUSTOMERS                  CustomerBook (after MERCHANTS)
 *   4   CUSTOMER_EMAIL_INDEX       CustomerBook (after CUSTOMERS)
 *   5   CUSTOMER_BALANCES          Accounts, and likewise 6 MERCHANT_BALANCES, 7 CUSTOMER_FIRST_CURRENCY,
 *                                  8 MERCHANT_FIRST_CURRENCY, 9 CUSTOMER_LAST_ENTRY, 16 CUSTOMER_ENTRY_COUNT,
 *                                  10 MERCHANT_LAST_ENTRY, 11 PAID_IN_BY_CURRENCY, 17 PAID_OUT_BY_CURRENCY
 *  18   PAYMENT_METHODS            PaymentMethodBook, and 19 CUSTOMER_PAYMENT_METHODS
 *  20   IDEMPOTENCY                IdempotencyStore
 *  12   ENTRIES                    EntryLog
 *  13   TEXTS                      TextArena
 *  21   DEPLOYMENT (optional)      DeploymentState, only when the deployment has an id salt
 *  22   HELD_BALANCES (optional)   Accounts, only when an escrow hold holds money; 23 GIFT_BALANCES likewise
 *  24   PURCHASES (optional)       PurchaseBook: the purchases with a record, only when there is one
 *  25   GIFT_BALANCE_RECORDS (opt.) GiftBook: every gift balance, only when there is one
 * </pre>
 *
 * What is derived from these (the purchase indexes, the gift balances per customer, the deadline queue, the money
 * totals) is not written: {@link #read} rebuilds it.
 *
 * A text is an i32 UTF-8 byte length (-1 for null) and the bytes. SIZES comes first, the others in any order (but
 * after the ones they name). Every section of format version 2 (tags up to {@link SnapshotTags#REQUIRED_MAX}) is
 * required exactly once; a later one is optional, so a snapshot written before it existed loads, its state at the
 * default. An unknown tag is refused: a snapshot from a newer version must not be loaded by an older one and silently
 * lose state. Tags are never reused or renumbered ({@link SnapshotTags}).
 *
 * <p><b>Adding state.</b> A new part of {@code LedgerState} writes new sections under new tags; it need not bump
 * {@link #FORMAT_VERSION}, which changes only when an existing section's body changes (and then this class keeps a
 * reader for the old version).
 *
 * <p><b>Cost.</b> {@link #write} walks every map and the whole history once, allocating only the UTF-8 bytes of
 * customer texts. The server runs it on the snapshot follower's own copy of the ledger (the journal module's
 * {@code SnapshotAgent}), never on the pipeline's ledger thread, which therefore never stops for a snapshot.
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
        final LedgerState state = ledger.state();
        out.writeInt(FORMAT_VERSION);
        final SectionOutput sections = new SectionOutput(out);
        sections.beginSection(SnapshotTags.SIZES);
        sections.writeInt(state.entries().size());
        sections.writeInt(state.texts().sizeBytes());
        sections.endSection();
        for (final SnapshotPart part : state.parts())
        {
            part.writeSections(sections);
        }
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
        return read(in, defaultCurrency, null);
    }

    /**
     * As {@link #read(DataInput, int)}, with the history's memory taken from {@code historyMemory} as the history
     * grows (typically a {@link HistoryMemory} that another thread fills ahead) instead of allocated for the whole
     * history up front on the calling thread; {@code null} for the latter. The ledger read is the same either way (what
     * a chunk held before never shows), and keeps using {@code historyMemory} after.
     */
    public static Ledger read(final DataInput in, final int defaultCurrency, final ChunkSupply historyMemory)
        throws IOException
    {
        final int version = in.readInt();
        if (version != FORMAT_VERSION)
        {
            throw new SnapshotFormatException("payload formatVersion=" + version + " is not " + FORMAT_VERSION, version > FORMAT_VERSION);
        }
        final SectionInput sections = new SectionInput(in);
        if (sections.nextSection() != SnapshotTags.SIZES)
        {
            throw new SnapshotFormatException("section tag=" + sections.tag() + " comes first, not SIZES (" + SnapshotTags.SIZES + ")");
        }
        final int entriesSize = sections.readCount("history entries", EntryLog.CAPACITY_ENTRIES_MAX);
        final int textBytes = sections.readCount("text bytes", TextArena.CAPACITY_BYTES_MAX);
        sections.endSection();
        // Sized for what it holds (the history and texts grow by chunks, never by copying, so no room is kept ahead),
        // or grown chunk by chunk from memory allocated ahead by another thread
        final Ledger ledger = historyMemory != null ? new Ledger(defaultCurrency)
            : new Ledger(defaultCurrency, Math.max(entriesSize, Ledger.HISTORY_ENTRIES_INITIAL_DEFAULT),
            Math.max(textBytes, Ledger.HISTORY_TEXT_BYTES_INITIAL_DEFAULT));
        if (historyMemory != null)
        {
            ledger.historyMemory(historyMemory);
        }
        final LedgerState state = ledger.state();
        readSections(sections, state);
        if (state.entries().size() != entriesSize)
        {
            throw new SnapshotFormatException("section tag=" + SnapshotTags.ENTRIES + " has " + state.entries().size() +
                " entries, SIZES said " + entriesSize);
        }
        if (state.texts().sizeBytes() != textBytes)
        {
            throw new SnapshotFormatException("section tag=" + SnapshotTags.TEXTS + " has " + state.texts().sizeBytes() +
                " text bytes, SIZES said " + textBytes);
        }
        state.rebuildDerived(); // indexes and the deadline queue, from the parts just read
        ledger.moneyTotals().recount(LedgerTotals.of(ledger)); // derived from the balances: recounted, never written
        return ledger;
    }

    private static void readSections(final SectionInput sections, final LedgerState state) throws IOException
    {
        final SnapshotPart[] owners = new SnapshotPart[SnapshotTags.MAX + 1];
        for (final SnapshotPart part : state.parts())
        {
            for (final int tag : part.sectionTags())
            {
                owners[tag] = part;
            }
        }
        final boolean[] seen = new boolean[SnapshotTags.MAX + 1];
        seen[SnapshotTags.SIZES] = true;
        int tag;
        while ((tag = sections.nextSection()) != SectionOutput.END_TAG)
        {
            if (tag > SnapshotTags.MAX)
            {
                throw new SnapshotFormatException("section tag=" + tag + " is unknown to this version (written by a newer one?)");
            }
            if (seen[tag])
            {
                throw new SnapshotFormatException("section tag=" + tag + " appears twice");
            }
            if (owners[tag] == null)
            {
                throw new SnapshotFormatException("section tag=" + tag + " is reserved");
            }
            seen[tag] = true;
            owners[tag].readSection(tag, sections, seen);
            sections.endSection();
        }
        for (int t = 1; t <= SnapshotTags.REQUIRED_MAX; t++)
        {
            if (!seen[t])
            {
                throw new SnapshotFormatException("section tag=" + t + " is missing");
            }
        }
    }
}
