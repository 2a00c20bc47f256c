package io.ledger.engine.internal;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandFields;
import io.ledger.engine.CommandType;
import io.ledger.engine.Field;
import io.ledger.engine.GiftBalanceRecord;
import io.ledger.engine.PaymentMethodRecord;
import io.ledger.engine.PayoutRecord;
import io.ledger.engine.PurchaseRecord;
import io.ledger.engine.RefundRecord;
import io.ledger.engine.ResultCode;
import io.ledger.engine.SnapshotFormatException;
import org.agrona.DirectBuffer;

/**
 * Idempotency keys: a state-changing command that carries {@link Field#IDEMPOTENCY_KEY} is applied at most once per
 * merchant and key; a retry with the same command gets the stored outcome, a different command under the same key
 * {@link ResultCode#IDEMPOTENCY_KEY_REUSED}. Keys expire by ledger time after {@link #KEY_TTL_MS}, so expiry too is a
 * function of the journal.
 *
 * <p>Section {@link SnapshotTags#IDEMPOTENCY}: count i32, then per record, oldest first: scopedKey (text), fingerprint
 * i64, createdAtMs i64, command type code i32, result code i32, resultCurrency i32, balanceBeforeMinor i64,
 * balanceAfterMinor i64, resultTimestampMs i64, accountUpdatedAtMs i64, resultKey i64, customer (i8 0/1, then key i64,
 * merchantId, phone, email, name, metadata, createdAtMs, updatedAtMs), result object (i8 0 none, 1 payout, 2 payment
 * method, 3 purchase, 4 refund, 5 gift balance, then the record as {@link SnapshotRecords} writes it; 6 a batch's
 * outcomes: count i32, then per command result code i32, resultCurrency i32, balanceBeforeMinor i64, balanceAfterMinor
 * i64, resultTimestampMs i64, resultKey i64, payout from the command (i8 0/1), result object as above but never 6).
 *
 * <p>Single-threaded: ledger thread only. A keyed command allocates its record and scoped key.
 */
public final class IdempotencyStore implements SnapshotPart
{
    /** How long a key is kept, in ledger time: at least a day, as clients are promised. */
    public static final long KEY_TTL_MS = 24L * 60 * 60 * 1000;
    /** Most keys held at once; beyond it a keyed command is refused (503), never silently unkeyed. */
    public static final int KEYS_MAX = 4 * 1024 * 1024;

    private static final int RESULT_OBJECT_NONE = 0;
    private static final int RESULT_OBJECT_PAYOUT = 1;
    private static final int RESULT_OBJECT_PAYMENT_METHOD = 2;
    private static final int RESULT_OBJECT_PURCHASE = 3;
    private static final int RESULT_OBJECT_REFUND = 4;
    private static final int RESULT_OBJECT_GIFT_BALANCE = 5;
    private static final int RESULT_OBJECT_BATCH = 6;
    private static final int IDEMPOTENCY_KEY_SLOT = 7;

    private final HashMap<String, IdempotencyRecord> byKey = new HashMap<>();
    private final ArrayDeque<IdempotencyRecord> byAge = new ArrayDeque<>();

    /** Drops the keys older than {@link #KEY_TTL_MS} at ledger time {@code timeMs}; before each journaled command. */
    public void expire(final long timeMs)
    {
        IdempotencyRecord oldest;
        while ((oldest = byAge.peekFirst()) != null && timeMs - oldest.createdAtMs >= KEY_TTL_MS)
        {
            byAge.pollFirst();
            byKey.remove(oldest.scopedKey);
        }
    }

    /**
     * Applies a keyed command through {@code handler} once, or answers it with the stored outcome of its first
     * application. A refusal for {@link ResultCode#CAPACITY_EXHAUSTED} is not stored: it is a limit of this server, not
     * an answer about the request, so a retry may succeed.
     */
    public void apply(final CommandEvent event, final long timeMs, final CommandHandler handler)
    {
        final String scopedKey = event.textString(Field.MERCHANT_ID) + '\u0000' + event.textString(Field.IDEMPOTENCY_KEY);
        final long fingerprint = fingerprint(event);
        final IdempotencyRecord existing = byKey.get(scopedKey);
        if (existing != null)
        {
            if (existing.fingerprint != fingerprint || existing.type != event.type())
            {
                event.result(ResultCode.IDEMPOTENCY_KEY_REUSED);
                return;
            }
            existing.replayInto(event);
            return;
        }
        if (byKey.size() >= KEYS_MAX)
        {
            event.result(ResultCode.CAPACITY_EXHAUSTED);
            return;
        }
        handler.apply(event, timeMs);
        if (event.result() == ResultCode.CAPACITY_EXHAUSTED)
        {
            return;
        }
        final IdempotencyRecord record = new IdempotencyRecord(scopedKey, fingerprint, timeMs, event);
        byKey.put(scopedKey, record);
        byAge.addLast(record);
    }

    /** @return how many keys are held. */
    public int size()
    {
        return byKey.size();
    }

    /**
     * A hash of everything the client sent: two requests with equal fingerprints are the same request. Folds the
     * version 2 record's slots ({@link CommandCodecV2}) first, exactly as fingerprints were made before version 3 (so
     * a key stored by an older build still matches its retry), then every field version 2 had no slot for. Only the
     * fields the command's type declares count: the others are not part of the command (no record holds them).
     */
    public static long fingerprint(final CommandFields<?> command)
    {
        final CommandType type = command.type();
        long hash = StateHash.mix(type.code());
        for (int lane = 0; lane < CommandCodecV2.LANES; lane++)
        {
            hash = StateHash.mix(hash ^ CommandCodecV2.lane(command, lane)) + lane + 1;
        }
        final DirectBuffer buffer = command.textBuffer();
        for (int slot = 0; slot < CommandCodecV2.TEXT_SLOTS; slot++)
        {
            if (slot != IDEMPOTENCY_KEY_SLOT)
            {
                hash = foldText(hash, command, buffer, CommandCodecV2.textField(slot), slot, CommandCodecV2.textLength(command, slot));
            }
        }
        for (int i = 0; i < type.fieldCount(); i++)
        {
            final Field field = type.field(i);
            if (CommandCodecV2.holds(field) || !command.has(field))
            {
                continue;
            }
            if (field.kind().text())
            {
                hash = foldText(hash, command, buffer, field, 64 + field.ordinal(), command.textLength(field));
            }
            else
            {
                hash = StateHash.mix(hash ^ (64 + field.ordinal())) + 17;
                hash = StateHash.mix(hash ^ command.get(field)) + 19;
            }
        }
        if (type == CommandType.BATCH && command instanceof CommandEvent event && event.batch() != null)
        {
            final io.ledger.engine.BatchItems items = event.batch();
            hash = StateHash.mix(hash ^ items.count()) + 23;
            for (int i = 0; i < items.count(); i++)
            {
                hash = StateHash.mix(hash ^ (items.linked(i) ? 1 : 2)) + 29;
                hash = StateHash.mix(hash ^ fingerprint(items.item(i))) + 31;
            }
        }
        return hash;
    }

    private static long foldText(
        final long start, final CommandFields<?> command, final DirectBuffer buffer, final Field field, final int slot, final int length)
    {
        long hash = StateHash.mix(start ^ ((long)slot << 32 | (length & 0xFFFFFFFFL))) + 11;
        final int offset = length > 0 ? command.textOffset(field) : 0;
        for (int i = 0; i < length; i++)
        {
            hash = StateHash.mix(hash ^ buffer.getByte(offset + i)) + 13;
        }
        return hash;
    }

    /** Folds every record, oldest first, into {@code hash}. */
    public void hashInto(final StateHash hash)
    {
        hash.add(byAge.size());
        for (final IdempotencyRecord r : byAge)
        {
            hash.add(r.scopedKey).add(r.fingerprint).add(r.createdAtMs).add(r.type.code()).add(r.result.code())
                .add(r.resultCurrency).add(r.balanceBeforeMinor).add(r.balanceAfterMinor).add(r.resultTimestampMs)
                .add(r.accountUpdatedAtMs).add(r.resultKey);
            if (r.resultObject instanceof BatchOutcome batch)
            {
                batch.hashInto(hash);
            }
        }
    }

    @Override
    public int[] sectionTags()
    {
        return new int[] {SnapshotTags.IDEMPOTENCY};
    }

    @Override
    public void writeSections(final SectionOutput out) throws IOException
    {
        out.beginSection(SnapshotTags.IDEMPOTENCY);
        if (byAge.size() != byKey.size())
        {
            throw new IllegalStateException("idempotency keys=" + byKey.size() + " but by age=" + byAge.size() +
                ": the two must hold the same records");
        }
        out.writeInt(byAge.size());
        for (final IdempotencyRecord record : byAge)
        {
            writeRecord(out, record);
        }
        out.endSection();
    }

    private static void writeRecord(final SectionOutput out, final IdempotencyRecord record) throws IOException
    {
        out.writeText(record.scopedKey);
        out.writeLong(record.fingerprint);
        out.writeLong(record.createdAtMs);
        out.writeInt(record.type.code());
        out.writeInt(record.result.code());
        out.writeInt(record.resultCurrency);
        out.writeLong(record.balanceBeforeMinor);
        out.writeLong(record.balanceAfterMinor);
        out.writeLong(record.resultTimestampMs);
        out.writeLong(record.accountUpdatedAtMs);
        out.writeLong(record.resultKey);
        out.writeBoolean(record.customer != null);
        if (record.customer != null)
        {
            SnapshotRecords.writeCustomer(out, record.customer);
        }
        writeResultObject(out, record.scopedKey, record.resultObject);
    }

    private static void writeResultObject(final SectionOutput out, final String scopedKey, final Object result) throws IOException
    {
        if (result == null)
        {
            out.writeByte(RESULT_OBJECT_NONE);
        }
        else if (result instanceof PayoutRecord payout)
        {
            out.writeByte(RESULT_OBJECT_PAYOUT);
            SnapshotRecords.writePayout(out, payout);
        }
        else if (result instanceof PaymentMethodRecord method)
        {
            out.writeByte(RESULT_OBJECT_PAYMENT_METHOD);
            SnapshotRecords.writePaymentMethod(out, method);
        }
        else if (result instanceof PurchaseRecord purchase)
        {
            out.writeByte(RESULT_OBJECT_PURCHASE);
            SnapshotRecords.writePurchase(out, purchase);
        }
        else if (result instanceof RefundRecord refund)
        {
            out.writeByte(RESULT_OBJECT_REFUND);
            SnapshotRecords.writeRefund(out, refund);
        }
        else if (result instanceof GiftBalanceRecord gift)
        {
            out.writeByte(RESULT_OBJECT_GIFT_BALANCE);
            SnapshotRecords.writeGiftBalance(out, gift);
        }
        else if (result instanceof BatchOutcome batch)
        {
            out.writeByte(RESULT_OBJECT_BATCH);
            out.writeInt(batch.count());
            for (int i = 0; i < batch.count(); i++)
            {
                out.writeInt(batch.results[i].code());
                out.writeInt(batch.resultCurrency[i]);
                out.writeLong(batch.balanceBeforeMinor[i]);
                out.writeLong(batch.balanceAfterMinor[i]);
                out.writeLong(batch.resultTimestampMs[i]);
                out.writeLong(batch.resultKey[i]);
                out.writeBoolean(batch.resultPayout[i]);
                writeResultObject(out, scopedKey, batch.resultObject[i]);
            }
        }
        else
        {
            throw new IllegalStateException("idempotency record key=" + scopedKey + " holds a " + result.getClass() +
                " that snapshots cannot write: give it a result object kind");
        }
    }

    @Override
    public void readSection(final int tag, final SectionInput in, final boolean[] seen) throws IOException
    {
        final int count = in.readCount("idempotency records", SnapshotRecords.COUNT_MAX);
        final CommandEvent outcome = new CommandEvent();
        for (int i = 0; i < count; i++)
        {
            final String scopedKey = in.readText(SnapshotRecords.TEXT_BYTES_MAX * 2 + 1);
            final long fingerprint = in.readLong();
            final long createdAtMs = in.readLong();
            outcome.clear();
            final int typeCode = in.readInt();
            final CommandType type = CommandType.fromCode(typeCode);
            final int resultCode = in.readInt();
            final ResultCode result = ResultCode.fromCode(resultCode);
            if (scopedKey == null || type == null || result == null)
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " record " + i + " type=" + typeCode +
                    " result=" + resultCode + " not understood, or no key");
            }
            outcome.type(type);
            outcome.result(result);
            outcome.resultCurrency(in.readInt());
            outcome.balances(in.readLong(), in.readLong());
            outcome.resultTimestampMs(in.readLong());
            outcome.accountUpdatedAtMs(in.readLong());
            outcome.resultKey(in.readLong());
            outcome.customer(in.readBoolean() ? SnapshotRecords.readCustomer(in) : null);
            outcome.resultObject(readResultObject(in, i));
            final IdempotencyRecord record = new IdempotencyRecord(scopedKey, fingerprint, createdAtMs, outcome);
            if (byKey.put(scopedKey, record) != null)
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " record " + i + " repeats a key");
            }
            byAge.addLast(record);
        }
    }

    private static BatchOutcome readBatch(final SectionInput in, final int record) throws IOException
    {
        final BatchOutcome batch = new BatchOutcome(in.readCount("batch outcomes", io.ledger.engine.BatchItems.ITEMS_MAX));
        for (int i = 0; i < batch.count(); i++)
        {
            final int code = in.readInt();
            batch.results[i] = ResultCode.fromCode(code);
            if (batch.results[i] == null)
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " record " + record + " batch command " + i +
                    " result=" + code + " not understood");
            }
            batch.resultCurrency[i] = in.readInt();
            batch.balanceBeforeMinor[i] = in.readLong();
            batch.balanceAfterMinor[i] = in.readLong();
            batch.resultTimestampMs[i] = in.readLong();
            batch.resultKey[i] = in.readLong();
            batch.resultPayout[i] = in.readBoolean();
            final Object object = readResultObject(in, record);
            if (object instanceof BatchOutcome)
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " record " + record + " nests a batch in a batch");
            }
            batch.resultObject[i] = object;
        }
        return batch;
    }

    private static Object readResultObject(final SectionInput in, final int record) throws IOException
    {
        final int kind = in.readByte();
        return switch (kind)
        {
            case RESULT_OBJECT_NONE -> null;
            case RESULT_OBJECT_PAYOUT -> SnapshotRecords.readPayout(in);
            case RESULT_OBJECT_PAYMENT_METHOD -> SnapshotRecords.readPaymentMethod(in);
            case RESULT_OBJECT_PURCHASE -> SnapshotRecords.readPurchase(in);
            case RESULT_OBJECT_REFUND -> SnapshotRecords.readRefund(in);
            case RESULT_OBJECT_GIFT_BALANCE -> SnapshotRecords.readGiftBalance(in);
            case RESULT_OBJECT_BATCH -> readBatch(in, record);
            default -> throw new SnapshotFormatException("section tag=" + in.tag() + " record " + record +
                " result object kind=" + kind + " unknown");
        };
    }
}
