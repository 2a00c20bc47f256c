package io.ledger.http.endpoint;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.ledger.engine.PurchaseRecord;
import io.ledger.engine.ResultCode;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The Paywall wallet dialect (issue 15; {@code docs/dialect-paywall.md}): {@code POST /api/v1/Wallet/purchase}, keys in
 * {@code apikeypublic} (the key) and {@code apiclientpublic} (its id, {@code key_...}), answers in the envelope
 * {@code {"Value", "Errors", "IsSuccess", "IsFailure"}}. It translates only: the body becomes a
 * {@link CommandType#PAYWALL_PURCHASE}, which the ledger authenticates, converts to minor units of the key's currency and
 * applies as a purchase.
 */
final class PaywallEndpoints
{
    /** Digits after the point the adapter passes on: more is refused here (no currency has more than 4). */
    static final int SCALE_MAX = 18;

    private PaywallEndpoints()
    {
    }

    static void register(final Endpoints.Table table)
    {
        table.add(new Purchase())
            .add(new WalletOf());
    }

    /**
     * {@code GET /api/canary/customers/{id}/paywall-wallet} (merchant's token): the GUID a Paywall client names the customer's
     * wallet by, {@code {"customerId", "walletId"}}. A read of the customer; the GUID follows from its id.
     */
    private static final class WalletOf extends Endpoint
    {
        WalletOf()
        {
            super(Route.get("get_paywall_wallet", "/api/canary/customers/{id}/paywall-wallet", CommandType.GET_CUSTOMER)
                .pathId(Field.CUSTOMER_KEY));
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            final long customer = event.get(Field.CUSTOMER_KEY);
            json.writeStartObject();
            json.writeStringField("customerId", ids.format(IdKind.CUSTOMER, customer));
            json.writeStringField("walletId", Guids.format(ids, IdKind.CUSTOMER, Guids.WALLET, customer));
            json.writeEndObject();
        }
    }

    /** {@code POST /api/v1/Wallet/purchase}: a sale from a wallet, gift balances first when asked, cashback after. */
    static final class Purchase extends DialectEndpoint
    {
        Purchase()
        {
            super(Route.post("paywall_purchase", "/api/v1/Wallet/purchase", CommandType.PAYWALL_PURCHASE).answering(HttpResponseStatus.OK));
        }

        @Override
        public Credentials authenticate(final HttpHeaders headers, final Ids ids)
        {
            final String key = headers.get("apikeypublic");
            final String client = headers.get("apiclientpublic");
            if (key == null || client == null)
            {
                return new Credentials("The apikeypublic and apiclientpublic headers are required", null, -1);
            }
            final long apiKey = ids.parse(IdKind.API_KEY, client);
            if (apiKey < 0 || !ApiKeys.plausible(key))
            {
                return new Credentials(INVALID_KEY, null, -1);
            }
            return new Credentials(null, ApiKeys.sha256Hex(key), apiKey);
        }

        @Override
        public void parse(final Request request)
        {
            final CommandDraft draft = request.draft();
            BigDecimal amount = null;
            BigDecimal cashbackValue = null;
            String cashbackType = null;
            Boolean cashbackApply = null;
            Boolean useGifts = null;
            Boolean useGift = null;
            for (final BodyReader body = request.body(); body.next(); )
            {
                switch (body.name())
                {
                    case "Id" ->
                    {
                        final String id = body.string(1, 64);
                        if (id != null)
                        {
                            final long customer = Guids.parse(request.ids(), IdKind.CUSTOMER, Guids.WALLET, id);
                            if (customer < 0 && !looksLikeGuid(id))
                            {
                                request.problem().add("Id must be a wallet id (a GUID)");
                            }
                            draft.set(Field.CUSTOMER_KEY, customer); // a GUID naming no wallet: -1, "Wallet not found" by the ledger
                        }
                    }
                    case "Amount" -> amount = body.decimal();
                    case "Description" -> draft.text(Field.DESCRIPTION, body.description());
                    case "ExternalReference" -> draft.text(Field.EXTERNAL_REFERENCE, body.string(1, Rules.EXTERNAL_REFERENCE_CHARS_MAX));
                    case "UseGiftBalances" -> useGifts = body.bool();
                    case "UseGiftBalance" -> useGift = body.bool();
                    case "CashbackApply" -> cashbackApply = body.bool();
                    case "CashbackType" -> cashbackType = body.string(1, 16);
                    case "CashbackValue" -> cashbackValue = body.decimal();
                    default -> body.skip();
                }
            }
            if (useGifts != null && useGift != null && !useGifts.equals(useGift))
            {
                request.problem().add("UseGiftBalances and UseGiftBalance disagree");
            }
            if (Boolean.TRUE.equals(useGifts) || Boolean.TRUE.equals(useGift))
            {
                draft.set(Field.USE_GIFT_BALANCE, true);
            }
            request.required(Field.CUSTOMER_KEY, "Id");
            request.required(Field.EXTERNAL_REFERENCE, "ExternalReference");
            if (amount == null)
            {
                if (!request.mentions("Amount"))
                {
                    request.problem().add("Amount should not be empty");
                }
                return;
            }
            BigDecimal cashbackAmount = null;
            if (Boolean.TRUE.equals(cashbackApply))
            {
                cashbackAmount = cashback(request, cashbackType, cashbackValue);
            }
            else if (cashbackValue != null && cashbackValue.signum() < 0)
            {
                request.problem().add("CashbackValue must not be negative");
            }
            if (!request.problem().any())
            {
                decimals(request, amount, cashbackAmount);
            }
        }

        /**
         * {@code CashbackType} {@code Amount} (major units, like {@code Amount}) or {@code Percentage} (of the amount).
         *
         * @return a cashback amount, to be scaled with the purchase's amount; null for a percentage or a problem.
         */
        private static BigDecimal cashback(final Request request, final String type, final BigDecimal value)
        {
            if (value == null || type == null)
            {
                if (!request.mentions("CashbackValue") && !request.mentions("CashbackType"))
                {
                    request.problem().add("CashbackApply needs CashbackType and CashbackValue");
                }
                return null;
            }
            if (value.signum() <= 0)
            {
                request.problem().add("CashbackValue must be more than 0");
                return null;
            }
            switch (type)
            {
                case "Amount" ->
                {
                    return value;
                }
                case "Percentage" ->
                {
                    final BigDecimal basisPoints = value.compareTo(BigDecimal.valueOf(100)) > 0 ? null : value.movePointRight(2);
                    if (basisPoints == null || basisPoints.stripTrailingZeros().scale() > 0)
                    {
                        request.problem().add("CashbackValue of a Percentage must be at most 100 with at most 2 decimals");
                        return null;
                    }
                    request.draft().set(Field.CASHBACK_BASIS_POINTS, basisPoints.longValueExact());
                    return null;
                }
                default ->
                {
                    request.problem().add("CashbackType must be one of Amount, Percentage");
                    return null;
                }
            }
        }

        /**
         * The amount (and a cashback amount) as unscaled integers with one scale, exactly: never rounded. Whether the
         * scale has more digits than the key's currency is the ledger's to say (it knows the key).
         */
        private static void decimals(final Request request, final BigDecimal amount, final BigDecimal cashback)
        {
            if (amount.signum() <= 0)
            {
                request.problem().add("Amount must be more than 0");
                return;
            }
            final BigDecimal a = normalized(amount);
            final BigDecimal c = cashback == null ? null : normalized(cashback);
            final int scale = Math.max(a.scale(), c == null ? 0 : c.scale());
            if (scale > SCALE_MAX)
            {
                request.problem().add("Amount has more decimals than any currency");
                return;
            }
            final long amountUnscaled = unscaled(a, scale);
            final long cashbackUnscaled = c == null ? 0 : unscaled(c, scale);
            if (amountUnscaled < 0 || cashbackUnscaled < 0)
            {
                request.problem().add("Amount must be at most " + CommandEvent.AMOUNT_MINOR_MAX + " minor units");
                return;
            }
            final CommandDraft draft = request.draft();
            draft.set(Field.AMOUNT_UNSCALED, amountUnscaled).set(Field.DECIMAL_SCALE, scale);
            if (c != null)
            {
                draft.set(Field.CASHBACK_UNSCALED, cashbackUnscaled);
            }
        }

        /** @return {@code value} without trailing zeros and with a scale of at least 0 ({@code 1E+2} is 100). */
        private static BigDecimal normalized(final BigDecimal value)
        {
            final BigDecimal stripped = value.stripTrailingZeros();
            return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
        }

        /** @return {@code value * 10^scale} when it fits {@link CommandEvent#AMOUNT_MINOR_MAX}, else -1. */
        private static long unscaled(final BigDecimal value, final int scale)
        {
            if (value.precision() - value.scale() > 19) // far too large: do not build a huge number
            {
                return -1;
            }
            final BigDecimal scaled = value.setScale(scale);
            return scaled.unscaledValue().bitLength() < 63 && scaled.unscaledValue().longValue() <= CommandEvent.AMOUNT_MINOR_MAX
                ? scaled.unscaledValue().longValue() : -1;
        }

        private static boolean looksLikeGuid(final String id)
        {
            return id.length() == 36 && id.charAt(8) == '-' && id.charAt(13) == '-' && id.charAt(18) == '-' && id.charAt(23) == '-';
        }

        @Override
        public void writeReply(final JsonGenerator json, final CommandEvent event, final Ids ids) throws IOException
        {
            final PurchaseRecord purchase = (PurchaseRecord)event.resultObject();
            final int digits = digits(purchase.currency());
            json.writeStartObject();
            json.writeObjectFieldStart("Value");
            json.writeStringField("Id", Guids.format(ids, IdKind.PURCHASE, Guids.TRANSACTION, purchase.key()));
            json.writeStringField("WalletId", Guids.format(ids, IdKind.CUSTOMER, Guids.WALLET, purchase.customerKey()));
            json.writeStringField("TransactionType", "Purchase");
            json.writeNumberField("Amount", BigDecimal.valueOf(purchase.amountMinor(), digits));
            long giftMinor = 0;
            final List<PurchaseRecord.GiftUse> gifts = purchase.giftUses() == null ? List.of() : purchase.giftUses();
            for (final PurchaseRecord.GiftUse use : gifts)
            {
                giftMinor += use.amountMinor();
            }
            if (giftMinor > 0)
            {
                json.writeNumberField("GiftAmount", BigDecimal.valueOf(giftMinor, digits));
            }
            else
            {
                json.writeNullField("GiftAmount");
            }
            writeNullable(json, "Description", purchase.description());
            writeNullable(json, "ExternalReference", purchase.externalReference());
            json.writeStringField("CreatedAt", Json.timestamp(purchase.createdAtMs()));
            json.writeNullField("UpdatedAt");
            json.writeNumberField("BalanceAfterTransaction", BigDecimal.valueOf(purchase.customerBalanceAfterMinor(), digits));
            json.writeNullField("SourceWalletId");
            json.writeNullField("DestinationWalletId");
            if (gifts.size() == 1)
            {
                json.writeStringField("GiftBalanceId", Guids.format(ids, IdKind.GIFT_BALANCE, Guids.GIFT, gifts.get(0).giftBalanceKey()));
            }
            else
            {
                json.writeNullField("GiftBalanceId");
            }
            json.writeNullField("MainTransactionId");
            json.writeStringField("UniqueCode", Guids.format(ids, IdKind.PURCHASE, Guids.UNIQUE_CODE, purchase.key()));
            if (gifts.isEmpty())
            {
                json.writeNullField("UsedGiftBalances");
            }
            else
            {
                json.writeArrayFieldStart("UsedGiftBalances");
                for (final PurchaseRecord.GiftUse use : gifts)
                {
                    json.writeStartObject();
                    json.writeStringField("Id", Guids.format(ids, IdKind.GIFT_BALANCE, Guids.GIFT, use.giftBalanceKey()));
                    json.writeNumberField("Amount", BigDecimal.valueOf(use.amountMinor(), digits));
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeNumberField("CashbackAmount", BigDecimal.valueOf(Math.max(0, purchase.cashbackMinor()), digits));
            json.writeEndObject();
            json.writeArrayFieldStart("Errors");
            json.writeEndArray();
            json.writeBooleanField("IsSuccess", true);
            json.writeBooleanField("IsFailure", false);
            json.writeEndObject();
        }

        private static void writeNullable(final JsonGenerator json, final String name, final String value) throws IOException
        {
            if (value == null)
            {
                json.writeNullField(name);
            }
            else
            {
                json.writeStringField(name, value);
            }
        }

        private static int digits(final int currency)
        {
            final int digits = java.util.Currency.getInstance(Currencies.toString(currency)).getDefaultFractionDigits();
            return Math.max(digits, 0);
        }

        @Override
        public HttpResponseStatus refusalStatus(final ResultCode result)
        {
            if (result == null || result == ResultCode.CAPACITY_EXHAUSTED)
            {
                return HttpResponseStatus.SERVICE_UNAVAILABLE;
            }
            return switch (result)
            {
                case API_KEY_NOT_FOUND, API_KEY_REVOKED -> HttpResponseStatus.UNAUTHORIZED;
                default -> HttpResponseStatus.BAD_REQUEST;
            };
        }

        @Override
        public String refusalMessage(final ResultCode result)
        {
            return switch (result)
            {
                case API_KEY_NOT_FOUND -> INVALID_KEY;
                case API_KEY_REVOKED -> "The API key is revoked";
                case CUSTOMER_NOT_FOUND -> "Wallet not found";
                case INSUFFICIENT_FUNDS -> "Insufficient wallet balance";
                case INSUFFICIENT_MERCHANT_FUNDS -> "Insufficient merchant balance to fund the cashback";
                case AMOUNT_TOO_PRECISE -> "Amount has more decimals than the wallet's currency allows";
                case INVALID_AMOUNT -> "Amount must be more than 0 and at most " + CommandEvent.AMOUNT_MINOR_MAX + " minor units";
                case INVALID_CASHBACK -> "CashbackValue must be more than 0 and at most the Amount";
                case INVALID_FIELD -> "ExternalReference should not be empty";
                default -> null;
            };
        }

        @Override
        public void writeError(final JsonGenerator json, final HttpResponseStatus status, final List<String> messages) throws IOException
        {
            json.writeStartObject();
            json.writeNullField("Value");
            json.writeArrayFieldStart("Errors");
            for (final String message : messages)
            {
                json.writeString(message);
            }
            json.writeEndArray();
            json.writeBooleanField("IsSuccess", false);
            json.writeBooleanField("IsFailure", true);
            json.writeEndObject();
        }

        @Override
        public int replyBytesHint()
        {
            return 768;
        }
    }

    private static final String INVALID_KEY = "Invalid API key";
}
