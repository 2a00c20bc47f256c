package io.ledger.http.endpoint;

import java.io.IOException;
import java.math.BigDecimal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.PurchaseRecord;
import io.ledger.engine.PurchaseStatus;
import io.ledger.engine.ResultCode;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Purchases: a customer pays the merchant ({@code POST /purchases}, the Cashful operation, with this project's optional
 * features), and the purchase as a resource: read, listed, released and cancelled. A plain Cashful request is answered
 * with exactly the reference's {@code PurchaseResponseDto}; the features' fields appear only when the request used them,
 * and on the new paths ({@code PurchaseDto}).
 */
final class PurchaseEndpoints
{
    private PurchaseEndpoints()
    {
    }

    static void register(final Endpoints.Table table)
    {
        table.add(new Create())
            .add(new ListPurchases())
            .add(new Get())
            .add(new Release())
            .add(new Cancel());
    }

    /**
     * {@code POST /api/canary/purchases} with {@code CreatePurchaseDto} and, optionally, {@code description},
     * {@code externalReference}, {@code escrow {releaseAt, refundableUntil?}}, {@code useGiftBalance} and
     * {@code cashback {type, value}}: {@code PurchaseResponseDto}.
     */
    private static final class Create extends Endpoint
    {
        Create()
        {
            super(Route.post("create_purchase", "/api/canary/purchases", CommandType.PURCHASE));
        }

        @Override
        public void parse(final Request request)
        {
            final CommandDraft draft = request.draft();
            draft.set(Field.QUANTITY, 1);
            boolean sawCustomer = false;
            for (final BodyReader body = request.body(); body.next(); )
            {
                switch (body.name())
                {
                    case "customerId" ->
                    {
                        final String id = body.string(1, Rules.ID_CHARS_MAX);
                        if (id != null)
                        {
                            sawCustomer = true;
                            draft.set(Field.CUSTOMER_KEY, request.ids().parse(IdKind.CUSTOMER, id)); // -1: the ledger says 404
                        }
                    }
                    case "escrow" -> escrow(body, request);
                    case "useGiftBalance" ->
                    {
                        final Boolean use = body.bool();
                        if (use != null)
                        {
                            draft.set(Field.USE_GIFT_BALANCE, use);
                        }
                    }
                    case "cashback" -> cashback(body, request);
                    default -> body.field(draft);
                }
            }
            if (!sawCustomer && request.problem().status().equals(HttpResponseStatus.BAD_REQUEST) && !request.mentions("customerId"))
            {
                request.problem().add("customerId should not be empty");
            }
            request.required(Field.PRODUCT_ID, "productId");
            request.requiredMoney();
            if (draft.has(Field.RELEASE_AT_MS) && draft.getBoolean(Field.USE_GIFT_BALANCE))
            {
                request.problem().add("useGiftBalance cannot be combined with escrow");
            }
            if (draft.has(Field.CASHBACK_MINOR) && draft.get(Field.AMOUNT_MINOR) > 0 && draft.get(Field.CASHBACK_MINOR) > draft.get(Field.AMOUNT_MINOR))
            {
                request.problem().add(Rules.CASHBACK_AMOUNT);
            }
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            if (event.resultObject() instanceof PurchaseRecord purchase)
            {
                writePurchase(json, ids, purchase, false);
                return;
            }
            // The names as pre-encoded strings and the ASCII values as bytes (AsciiValues): the same bytes as
            // writeStringField for each, at a batch's rate.
            final byte[] scratch = new byte[AsciiValues.SCRATCH_BYTES];
            json.writeStartObject();
            json.writeFieldName(ID);
            AsciiValues.id(json, ids, IdKind.PURCHASE, event.resultKey(), scratch);
            json.writeFieldName(MERCHANT_ID);
            AsciiValues.text(json, event, Field.MERCHANT_ID);
            json.writeFieldName(CUSTOMER_ID);
            AsciiValues.id(json, ids, IdKind.CUSTOMER, event.get(Field.CUSTOMER_KEY), scratch);
            json.writeFieldName(PRODUCT_ID);
            AsciiValues.text(json, event, Field.PRODUCT_ID);
            json.writeFieldName(AMOUNT);
            json.writeNumber(event.get(Field.AMOUNT_MINOR));
            json.writeFieldName(CURRENCY);
            AsciiValues.currency(json, (int)event.get(Field.CURRENCY), scratch);
            json.writeFieldName(STATUS);
            json.writeString(COMPLETED);
            json.writeFieldName(BALANCE_BEFORE);
            json.writeNumber(event.balanceBeforeMinor());
            json.writeFieldName(BALANCE_AFTER);
            json.writeNumber(event.balanceAfterMinor());
            json.writeFieldName(CREATED_AT);
            final int time = AsciiValues.timestamp(json, event.resultTimestampMs(), scratch);
            json.writeFieldName(UPDATED_AT);
            AsciiValues.again(json, scratch, time, event.resultTimestampMs());
            json.writeEndObject();
        }

        /** The bytes of {@link #writeReply}'s body: {@link #writeReply} when it is a completed purchase's and all plain. */
        @Override
        int replyBytes(final CommandEvent event, final Ids ids, final ReplyBytes writer, final int from)
        {
            final byte[] out = writer.bytes();
            final int texts = event.textLength(Field.MERCHANT_ID) + event.textLength(Field.PRODUCT_ID);
            if (event.resultObject() instanceof PurchaseRecord || from + BYTES_FIXED_MAX + texts > out.length)
            {
                return -1;
            }
            int at = ReplyBytes.put(out, from, ID_BYTES);
            at = ids.encode(IdKind.PURCHASE, event.resultKey(), out, at);
            at = ReplyBytes.putPlainText(out, ReplyBytes.put(out, at, MERCHANT_ID_BYTES), event, Field.MERCHANT_ID);
            if (at < 0)
            {
                return -1;
            }
            at = ids.encode(IdKind.CUSTOMER, event.get(Field.CUSTOMER_KEY), out, ReplyBytes.put(out, at, CUSTOMER_ID_BYTES));
            at = ReplyBytes.putPlainText(out, ReplyBytes.put(out, at, PRODUCT_ID_BYTES), event, Field.PRODUCT_ID);
            if (at < 0)
            {
                return -1;
            }
            at = ReplyBytes.putLong(out, ReplyBytes.put(out, at, AMOUNT_BYTES), event.get(Field.AMOUNT_MINOR));
            at = ReplyBytes.putCurrency(out, ReplyBytes.put(out, at, CURRENCY_BYTES), (int)event.get(Field.CURRENCY));
            if (at < 0)
            {
                return -1;
            }
            at = ReplyBytes.putLong(out, ReplyBytes.put(out, at, BALANCE_BEFORE_BYTES), event.balanceBeforeMinor());
            at = ReplyBytes.putLong(out, ReplyBytes.put(out, at, BALANCE_AFTER_BYTES), event.balanceAfterMinor());
            final int time = ReplyBytes.put(out, at, CREATED_AT_BYTES);
            at = writer.putTimestamp(out, time, event.resultTimestampMs());
            if (at < 0)
            {
                return -1;
            }
            final int again = ReplyBytes.put(out, at, UPDATED_AT_BYTES);
            System.arraycopy(out, time, out, again, Json.TIMESTAMP_BYTES);
            return ReplyBytes.put(out, again + Json.TIMESTAMP_BYTES, END_BYTES);
        }

        private static final byte[] ID_BYTES = ReplyBytes.ascii("{\"id\":\"");
        private static final byte[] MERCHANT_ID_BYTES = ReplyBytes.ascii("\",\"merchantId\":\"");
        private static final byte[] CUSTOMER_ID_BYTES = ReplyBytes.ascii("\",\"customerId\":\"");
        private static final byte[] PRODUCT_ID_BYTES = ReplyBytes.ascii("\",\"productId\":\"");
        private static final byte[] AMOUNT_BYTES = ReplyBytes.ascii("\",\"amount\":");
        private static final byte[] CURRENCY_BYTES = ReplyBytes.ascii(",\"currency\":\"");
        private static final byte[] BALANCE_BEFORE_BYTES = ReplyBytes.ascii("\",\"status\":\"" + PurchaseStatus.COMPLETED.apiName()
            + "\",\"customerBalanceBefore\":");
        private static final byte[] BALANCE_AFTER_BYTES = ReplyBytes.ascii(",\"customerBalanceAfter\":");
        private static final byte[] CREATED_AT_BYTES = ReplyBytes.ascii(",\"createdAt\":\"");
        private static final byte[] UPDATED_AT_BYTES = ReplyBytes.ascii("\",\"updatedAt\":\"");
        private static final byte[] END_BYTES = ReplyBytes.ascii("\"}");
        /** The most bytes {@link #replyBytes} writes besides the two texts: names, two ids, three numbers, two times. */
        private static final int BYTES_FIXED_MAX = 512;

        private static final SerializedString ID = new SerializedString("id");
        private static final SerializedString MERCHANT_ID = new SerializedString("merchantId");
        private static final SerializedString CUSTOMER_ID = new SerializedString("customerId");
        private static final SerializedString PRODUCT_ID = new SerializedString("productId");
        private static final SerializedString AMOUNT = new SerializedString("amount");
        private static final SerializedString CURRENCY = new SerializedString("currency");
        private static final SerializedString STATUS = new SerializedString("status");
        private static final SerializedString COMPLETED = new SerializedString(PurchaseStatus.COMPLETED.apiName());
        private static final SerializedString BALANCE_BEFORE = new SerializedString("customerBalanceBefore");
        private static final SerializedString BALANCE_AFTER = new SerializedString("customerBalanceAfter");
        private static final SerializedString CREATED_AT = new SerializedString("createdAt");
        private static final SerializedString UPDATED_AT = new SerializedString("updatedAt");

        @Override
        public String refusalMessage(final ResultCode result, final CommandEvent event, final Ids ids)
        {
            return switch (result)
            {
                case EXTERNAL_REFERENCE_USED -> "externalReference was already used by this customer's purchase "
                    + ids.format(IdKind.PURCHASE, event.resultKey());
                case INSUFFICIENT_MERCHANT_FUNDS -> "Insufficient merchant balance to fund the cashback of a held purchase";
                case INVALID_DEADLINE -> "escrow.releaseAt must be after now and at most " + Rules.DEADLINE_AHEAD_DAYS_MAX
                    + " days ahead, and escrow.refundableUntil from now to escrow.releaseAt";
                case INVALID_CASHBACK -> Rules.CASHBACK_AMOUNT;
                case INVALID_FIELD -> "useGiftBalance cannot be combined with escrow";
                default -> null;
            };
        }

        @Override
        public int replyBytesHint()
        {
            return 512;
        }

        /** {@code escrow}: {@code releaseAt} required, {@code refundableUntil} at most it (default: it). */
        private static void escrow(final BodyReader body, final Request request)
        {
            if (!body.enterObject())
            {
                return;
            }
            long releaseAt = Long.MIN_VALUE;
            long refundableUntil = Long.MIN_VALUE;
            while (body.nextInObject())
            {
                switch (body.name())
                {
                    case "escrow.releaseAt" -> releaseAt = body.instant();
                    case "escrow.refundableUntil" -> refundableUntil = body.instant();
                    default -> body.skip();
                }
            }
            if (releaseAt == Long.MIN_VALUE)
            {
                if (!request.mentions("escrow.releaseAt"))
                {
                    request.problem().add("escrow.releaseAt should not be empty");
                }
                return;
            }
            request.draft().set(Field.RELEASE_AT_MS, releaseAt);
            if (refundableUntil != Long.MIN_VALUE)
            {
                request.draft().set(Field.REFUNDABLE_UNTIL_MS, refundableUntil);
                if (refundableUntil > releaseAt)
                {
                    request.problem().add("escrow.refundableUntil must not be after escrow.releaseAt");
                }
            }
        }

        /**
         * {@code cashback}: {@code {"type": "amount", "value": minor units}} or {@code {"type": "percentage", "value": p}},
         * {@code p} at most 100 with at most two decimals (a whole number of basis points: what the ledger rounds
         * down from).
         */
        private static void cashback(final BodyReader body, final Request request)
        {
            if (!body.enterObject())
            {
                return;
            }
            String type = null;
            BigDecimal value = null;
            while (body.nextInObject())
            {
                switch (body.name())
                {
                    case "cashback.type" -> type = body.string(1, 16);
                    case "cashback.value" -> value = body.decimal();
                    default -> body.skip();
                }
            }
            if (type != null && !Rules.CASHBACK_TYPES.contains(type))
            {
                request.problem().add(Rules.CASHBACK_TYPE);
                return;
            }
            if (type == null || value == null)
            {
                if (!request.mentions("cashback.type") && !request.mentions("cashback.value"))
                {
                    request.problem().add("cashback needs a type and a value");
                }
                return;
            }
            if (type.equals("amount"))
            {
                final long minor = whole(value, 1, CommandEvent.AMOUNT_MINOR_MAX);
                if (minor < 0)
                {
                    request.problem().add(Rules.CASHBACK_AMOUNT);
                    return;
                }
                request.draft().set(Field.CASHBACK_MINOR, minor);
                return;
            }
            // compared before moving the point: an exponent near the int limit would overflow the scale
            final long basisPoints = value.compareTo(PERCENT_MAX) > 0 ? -1 : whole(value.movePointRight(2), 1, 10_000);
            if (basisPoints < 0)
            {
                request.problem().add(Rules.CASHBACK_PERCENTAGE);
                return;
            }
            request.draft().set(Field.CASHBACK_BASIS_POINTS, basisPoints);
        }

        private static final BigDecimal PERCENT_MAX = BigDecimal.valueOf(100);

        /** @return {@code value} when it is a whole number from {@code min} to {@code max}, else -1. */
        private static long whole(final BigDecimal value, final long min, final long max)
        {
            if (value.signum() <= 0 || value.stripTrailingZeros().scale() > 0 || value.compareTo(BigDecimal.valueOf(max)) > 0)
            {
                return -1;
            }
            final long whole = value.longValueExact();
            return whole >= min ? whole : -1;
        }
    }

    /** {@code GET /api/canary/purchases/{id}}: {@code PurchaseDto}. */
    private static final class Get extends Endpoint
    {
        Get()
        {
            super(Route.get("get_purchase", "/api/canary/purchases/{id}", CommandType.GET_PURCHASE).pathId(Field.PURCHASE_KEY));
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            writePurchase(json, ids, (PurchaseRecord)event.resultObject(), true);
        }
    }

    /**
     * {@code GET /api/canary/purchases}: the merchant's purchases, newest first, {@code PurchaseDto}s; {@code customerId},
     * {@code status} and {@code externalReference} narrow it.
     */
    private static final class ListPurchases extends ListEndpoint
    {
        ListPurchases()
        {
            super(Route.get("list_purchases", "/api/canary/purchases", CommandType.LIST_PURCHASES));
        }

        @Override
        protected void parseFilters(final Request request)
        {
            final CommandDraft draft = request.draft();
            final String customerId = request.query("customerId");
            if (customerId != null)
            {
                draft.set(Field.CUSTOMER_KEY, request.ids().parse(IdKind.CUSTOMER, customerId)); // -1: nobody's, so an empty list
            }
            final String status = request.query("status");
            if (status != null)
            {
                final PurchaseStatus known = PurchaseStatus.fromApiName(status);
                if (known == null)
                {
                    request.problem().add(Rules.PURCHASE_STATUS);
                }
                else
                {
                    draft.set(Field.PURCHASE_STATUS, known.ordinal());
                }
            }
            final String reference = request.query("externalReference");
            if (reference != null)
            {
                final String rule = reference.isEmpty() || reference.length() > Rules.EXTERNAL_REFERENCE_CHARS_MAX
                    ? " must be 1 to " + Rules.EXTERNAL_REFERENCE_CHARS_MAX + " characters" : Rules.textRule(reference, false);
                if (rule != null)
                {
                    request.problem().add("externalReference" + rule);
                }
                else
                {
                    draft.text(Field.EXTERNAL_REFERENCE, reference);
                }
            }
        }

        @Override
        protected void writeRow(final JsonGenerator json, final CommandEvent event, final int row, final Ids ids, final String merchantId)
            throws IOException
        {
            writePurchase(json, ids, (PurchaseRecord)event.rowObject(row), true);
        }
    }

    /** {@code POST /api/canary/purchases/{id}/release}, no body or {@code {}}: the held money to the merchant; {@code PurchaseDto}. */
    private static final class Release extends HoldEnd
    {
        Release()
        {
            super(Route.post("release_purchase", "/api/canary/purchases/{id}/release", CommandType.RELEASE_PURCHASE));
        }
    }

    /** {@code POST /api/canary/purchases/{id}/cancel}, no body or {@code {}}: the held money back to the customer. */
    private static final class Cancel extends HoldEnd
    {
        Cancel()
        {
            super(Route.post("cancel_purchase", "/api/canary/purchases/{id}/cancel", CommandType.CANCEL_PURCHASE));
        }
    }

    /** The end of a hold: an action on a purchase that answers the purchase (200), naming why it was refused. */
    private abstract static class HoldEnd extends Endpoint
    {
        HoldEnd(final Route route)
        {
            super(route.pathId(Field.PURCHASE_KEY).answering(HttpResponseStatus.OK).body(Route.Body.OPTIONAL));
        }

        @Override
        public void parse(final Request request)
        {
            request.readOptionalBody();
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            writePurchase(json, ids, (PurchaseRecord)event.resultObject(), true);
        }

        @Override
        public String refusalMessage(final ResultCode result, final CommandEvent event, final Ids ids)
        {
            if (!(event.resultObject() instanceof PurchaseRecord purchase))
            {
                return null;
            }
            return switch (result)
            {
                case PURCHASE_NOT_HELD -> "The purchase is not held: it is " + purchase.status().apiName()
                    + (purchase.escrowed() ? "" : " and was never escrowed");
                case REFUND_WINDOW_CLOSED -> "The purchase's refundable window closed at " + Json.timestamp(purchase.refundableUntilMs())
                    + "; it can only be released now";
                default -> null;
            };
        }
    }

    /**
     * A purchase: the reference's {@code PurchaseResponseDto} properties, then those of what it used (description,
     * external reference, escrow, gift balances, cashback), each only when used; with {@code resource} (the new paths'
     * {@code PurchaseDto}) also {@code refundedAmount}.
     */
    static void writePurchase(final JsonGenerator json, final Ids ids, final PurchaseRecord purchase, final boolean resource)
        throws IOException
    {
        json.writeStartObject();
        json.writeStringField("id", ids.format(IdKind.PURCHASE, purchase.key()));
        json.writeStringField("merchantId", purchase.merchantId());
        json.writeStringField("customerId", ids.format(IdKind.CUSTOMER, purchase.customerKey()));
        json.writeStringField("productId", purchase.productId());
        json.writeNumberField("amount", purchase.amountMinor());
        json.writeStringField("currency", Currencies.toString(purchase.currency()));
        json.writeStringField("status", purchase.status().apiName());
        json.writeNumberField("customerBalanceBefore", purchase.customerBalanceBeforeMinor());
        json.writeNumberField("customerBalanceAfter", purchase.customerBalanceAfterMinor());
        if (resource)
        {
            json.writeNumberField("refundedAmount", purchase.refundedMinor());
        }
        if (purchase.description() != null)
        {
            json.writeStringField("description", purchase.description());
        }
        if (purchase.externalReference() != null)
        {
            json.writeStringField("externalReference", purchase.externalReference());
        }
        if (purchase.escrowed())
        {
            json.writeObjectFieldStart("escrow");
            json.writeStringField("releaseAt", Json.timestamp(purchase.releaseAtMs()));
            json.writeStringField("refundableUntil", Json.timestamp(purchase.refundableUntilMs()));
            json.writeEndObject();
        }
        if (purchase.giftUses() != null)
        {
            json.writeNumberField("giftAmountUsed", purchase.giftUsedMinor());
            json.writeArrayFieldStart("giftBalancesUsed");
            for (final PurchaseRecord.GiftUse use : purchase.giftUses())
            {
                json.writeStartObject();
                json.writeStringField("id", ids.format(IdKind.GIFT_BALANCE, use.giftBalanceKey()));
                json.writeNumberField("amount", use.amountMinor());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        if (purchase.cashbackMinor() >= 0)
        {
            json.writeNumberField("cashbackAmount", purchase.cashbackMinor());
        }
        json.writeStringField("createdAt", Json.timestamp(purchase.createdAtMs()));
        json.writeStringField("updatedAt", Json.timestamp(purchase.updatedAtMs()));
        json.writeEndObject();
    }
}
