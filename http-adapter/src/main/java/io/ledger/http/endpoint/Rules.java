package io.ledger.http.endpoint;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.Currencies;
import io.ledger.engine.IdKind;

/**
 * The limits a request is held to and the messages that name them, each written once: the body and query readers,
 * the endpoints and the refusal messages ({@code Responses.messageOf}) all use these. Stateless.
 */
public final class Rules
{
    public static final int PHONE_CHARS_MAX = 32;
    public static final int EMAIL_CHARS_MAX = 254;
    public static final int NAME_CHARS_MAX = 256;
    public static final int ID_CHARS_MAX = 128;
    public static final int DESCRIPTION_CHARS_MAX = 1024;
    /** Largest metadata object once re-serialized compactly, in chars. */
    public static final int METADATA_CHARS_MAX = 8 * 1024;
    public static final int METADATA_KEYS_MAX = 50;
    public static final int BANK_ACCOUNT_CHARS_MAX = 64;
    public static final int METHOD_TYPE_CHARS_MAX = 32;
    public static final int PROVIDER_CHARS_MAX = 64;
    public static final int BRAND_CHARS_MAX = 32;
    public static final int SEARCH_CHARS_MAX = 256;
    public static final long QUANTITY_MAX = 1_000_000_000L;
    /** A purchase's or pay-in's {@code externalReference}: 1 to this many characters, no control character. */
    public static final int EXTERNAL_REFERENCE_CHARS_MAX = 128;
    /** The kinds of cashback a purchase may ask for. */
    public static final Set<String> CASHBACK_TYPES = Set.of("amount", "percentage");
    /** What the balance history's {@code transactionType} filter accepts, and the rows each keeps. */
    public static final java.util.Map<String, Integer> TRANSACTION_TYPE_FILTERS = java.util.Map.of(
        "credit", CommandEvent.FILTER_CREDIT, "debit", CommandEvent.FILTER_DEBIT, "purchase", CommandEvent.FILTER_PURCHASE,
        "payout", CommandEvent.FILTER_PAYOUT);
    public static final String TRANSACTION_TYPE_FILTER = "transactionType must be one of "
        + String.join(", ", new TreeSet<>(TRANSACTION_TYPE_FILTERS.keySet()));
    /** The statuses a purchase has (the {@code status} filter of the purchases list accepts each). */
    public static final Set<String> PURCHASE_STATUSES = java.util.Arrays.stream(io.ledger.engine.PurchaseStatus.values())
        .map(io.ledger.engine.PurchaseStatus::apiName).collect(Collectors.toUnmodifiableSet());
    /** How far ahead a deadline may be, in days ({@link io.ledger.engine.Ledger#DEADLINE_AHEAD_MS_MAX}). */
    public static final long DEADLINE_AHEAD_DAYS_MAX = io.ledger.engine.Ledger.DEADLINE_AHEAD_MS_MAX / 86_400_000L;
    /** Payment method types the API accepts. */
    public static final Set<String> METHOD_TYPES = Set.of("card", "mobile_money", "bank_account");

    public static final String AMOUNT = "amount must be an integer number of minor units from 1 to " + CommandEvent.AMOUNT_MINOR_MAX;
    public static final String CURRENCY = "currency must be an upper-case ISO 4217 code";
    public static final String QUANTITY = "quantity must be an integer from 1 to " + QUANTITY_MAX;
    public static final String METHOD_TYPE = "type must be one of " + String.join(", ", new TreeSet<>(METHOD_TYPES));
    public static final String CASHBACK_TYPE = "cashback.type must be one of " + String.join(", ", new TreeSet<>(CASHBACK_TYPES));
    public static final String CASHBACK_AMOUNT = "cashback.value of an amount must be an integer number of minor units from 1 to the "
        + "purchase's amount";
    public static final String CASHBACK_PERCENTAGE = "cashback.value of a percentage must be more than 0 and at most 100, with at most "
        + "2 decimals";
    public static final String PURCHASE_STATUS = "status must be one of " + String.join(", ", new TreeSet<>(PURCHASE_STATUSES));
    public static final String MERCHANT_FORBIDDEN = "merchantId must be the authenticated merchant";
    public static final String CUSTOMER_NOT_FOUND = "Customer not found";
    public static final String PAYMENT_METHOD_NOT_FOUND = "Payment method not found";
    public static final String PURCHASE_NOT_FOUND = "Purchase not found";

    private static final Set<String> ISO_4217 = java.util.Currency.getAvailableCurrencies().stream()
        .map(java.util.Currency::getCurrencyCode)
        .collect(Collectors.toUnmodifiableSet());

    private static final String CONTROLS = " must not contain control characters";
    private static final String CONTROLS_BUT_LINE_BREAKS =
        " must not contain control characters other than tab, line feed and carriage return";

    private Rules()
    {
    }

    /** The 415 of a route that takes a JSON body. */
    public static final String NOT_JSON = "Content-Type must be application/json, in UTF-8 if a charset is given";
    /** The 503 of a full ring. */
    public static final String AT_CAPACITY = "The ledger is at capacity; retry shortly";

    /** @return the packed currency, or {@link Currencies#NONE} when {@code code} is not an ISO 4217 code. */
    public static int currency(final String code)
    {
        return code != null && ISO_4217.contains(code) ? Currencies.pack(code) : Currencies.NONE;
    }

    /** @return the 404 message for an id of {@code kind} that names nothing the merchant has. */
    public static String notFound(final IdKind kind)
    {
        return switch (kind)
        {
            case PAYMENT_METHOD -> PAYMENT_METHOD_NOT_FOUND;
            case PURCHASE -> PURCHASE_NOT_FOUND;
            case API_KEY -> "API key not found";
            default -> CUSTOMER_NOT_FOUND;
        };
    }

    /**
     * Text is kept exactly or refused: no C0 control, DEL or C1 control (U+0000..U+001F, U+007F..U+009F), except tab,
     * line feed and carriage return where {@code lineBreaks}; no unpaired surrogate, which UTF-8 cannot carry.
     *
     * @return null when {@code value} may be kept as it is, else the rule it breaks (to follow the field's name).
     */
    public static String textRule(final String value, final boolean lineBreaks)
    {
        for (int i = 0, n = value.length(); i < n; i++)
        {
            final char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7F)
            {
                continue;
            }
            if (c < 0x20 && lineBreaks && (c == '\t' || c == '\n' || c == '\r'))
            {
                continue;
            }
            if (c <= 0x9F)
            {
                return lineBreaks ? CONTROLS_BUT_LINE_BREAKS : CONTROLS; // C0, DEL and the C1 controls
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                i++;
                continue;
            }
            if (Character.isSurrogate(c))
            {
                return " must not contain an unpaired surrogate";
            }
        }
        return null;
    }
}
