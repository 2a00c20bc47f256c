package io.ledger.http;

import java.io.IOException;
import java.io.StringWriter;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Parses request bodies with the jackson-core streaming API straight into a {@link CommandDraft}, checking every
 * field against the Cashful schema. Unknown fields are skipped (clients may send more than we know); wrong types,
 * missing required fields, duplicate keys, trailing data and invalid UTF-8 are problems. Holds no ledger logic:
 * whether a customer exists or can pay is the ledger's to say.
 *
 * <p>Text is kept exactly or refused, never changed: a body must be UTF-8 (no byte order mark, no NUL byte, so jackson
 * never guesses another encoding); no string may hold a C0 control, DEL or a C1 control (U+0000..U+001F,
 * U+007F..U+009F), except that tab, line feed and carriage return are allowed in descriptions and in metadata string
 * values; no string may hold an unpaired surrogate (a {@code \\uD800} escape alone), which UTF-8 cannot carry; and
 * metadata is re-serialized compactly with every number written as the text it was sent as ({@code 1e400} stays
 * {@code 1e400}), so what is journaled and returned is what was given.
 *
 * <p>Thread-safety: immutable; one instance serves all event loops.
 */
final class RequestParser
{
    static final int PHONE_CHARS_MAX = 32;
    static final int EMAIL_CHARS_MAX = 254;
    static final int NAME_CHARS_MAX = 256;
    static final int ID_CHARS_MAX = 128;
    static final int DESCRIPTION_CHARS_MAX = 1024;
    /** Largest metadata object once re-serialized compactly, in chars. */
    static final int METADATA_CHARS_MAX = 8 * 1024;
    static final int METADATA_KEYS_MAX = 50;
    static final int BANK_ACCOUNT_CHARS_MAX = 64;
    static final int PROVIDER_CHARS_MAX = 64;
    static final int BRAND_CHARS_MAX = 32;
    static final int SEARCH_CHARS_MAX = 256;
    /** Payment method types the API accepts. */
    static final Set<String> METHOD_TYPES = Set.of("card", "mobile_money", "bank_account");

    private static final Set<String> ISO_4217 = java.util.Currency.getAvailableCurrencies().stream()
        .map(java.util.Currency::getCurrencyCode)
        .collect(Collectors.toUnmodifiableSet());

    private static final String AMOUNT_RULE =
        "amount must be an integer number of minor units from 1 to " + CommandEvent.AMOUNT_MINOR_MAX;

    private final JsonFactory factory;
    private final Ids ids;

    /**
     * A parser with the default JSON limits ({@link Json#NESTING_DEPTH_MAX}, {@link Json#STRING_CHARS_MAX}).
     *
     * @param ids the deployment's ids, to read the customer ids a body names.
     */
    RequestParser(final Ids ids)
    {
        this(Json.FACTORY, ids);
    }

    /**
     * @param factory the factory whose {@code StreamReadConstraints} bound nesting depth and string lengths.
     * @param ids     the deployment's ids, to read the customer ids a body names.
     */
    RequestParser(final JsonFactory factory, final Ids ids)
    {
        this.factory = factory;
        this.ids = ids;
    }

    /** @return the deployment's ids this parser reads. */
    Ids ids()
    {
        return ids;
    }

    /** One field of a body object; the parser is positioned on its value. */
    @FunctionalInterface
    private interface FieldHandler
    {
        void onField(String name, JsonParser parser, CommandDraft draft, Problem problem) throws IOException;
    }

    /** {@code POST /api/canary/customers} with {@code CreateCustomerDto}. */
    void createCustomer(final ByteBuf body, final String merchantId, final CommandDraft draft, final Problem problem)
    {
        draft.type(CommandType.CREATE_CUSTOMER);
        parseObject(body, draft, problem, (name, parser, d, p) ->
        {
            switch (name)
            {
                case "merchantId" -> checkMerchant(parser, merchantId, p);
                case "phoneNumber" -> d.text(Field.PHONE, string(parser, name, 1, PHONE_CHARS_MAX, p));
                case "email" -> d.text(Field.EMAIL, email(parser, p));
                case "name" -> d.text(Field.NAME, string(parser, name, 0, NAME_CHARS_MAX, p));
                case "metadata" -> d.text(Field.METADATA_JSON, metadata(parser, p));
                default -> parser.skipChildren();
            }
        });
        required(draft, Field.PHONE, "phoneNumber", problem);
        required(draft, Field.METADATA_JSON, "metadata", problem);
        draft.text(Field.MERCHANT_ID, merchantId);
    }

    /** {@code POST /api/canary/customers/{id}/pay-ins}: {@code {"amount", "currency", "description"?}}. */
    void payIn(final ByteBuf body, final String merchantId, final long customerKey, final CommandDraft draft, final Problem problem)
    {
        draft.type(CommandType.PAY_IN);
        draft.set(Field.CUSTOMER_KEY, customerKey);
        parseObject(body, draft, problem, (name, parser, d, p) ->
        {
            switch (name)
            {
                case "merchantId" -> checkMerchant(parser, merchantId, p);
                case "amount" -> d.set(Field.AMOUNT_MINOR, amount(parser, p));
                case "currency" -> d.set(Field.CURRENCY, currency(parser, p));
                case "description" -> d.text(Field.DESCRIPTION, description(parser, p));
                default -> parser.skipChildren();
            }
        });
        requiredMoney(draft, problem);
        draft.text(Field.MERCHANT_ID, merchantId);
    }

    /** {@code POST /api/canary/purchases} with {@code CreatePurchaseDto}. */
    void purchase(final ByteBuf body, final String merchantId, final CommandDraft draft, final Problem problem)
    {
        draft.type(CommandType.PURCHASE);
        draft.set(Field.QUANTITY, 1);
        final boolean[] sawCustomer = new boolean[1];
        parseObject(body, draft, problem, (name, parser, d, p) ->
        {
            switch (name)
            {
                case "merchantId" -> checkMerchant(parser, merchantId, p);
                case "customerId" ->
                {
                    final String id = string(parser, name, 1, ID_CHARS_MAX, p);
                    if (id != null)
                    {
                        sawCustomer[0] = true;
                        d.set(Field.CUSTOMER_KEY, ids.parse(IdKind.CUSTOMER, id)); // -1: no such customer, the ledger says 404
                    }
                }
                case "productId" -> d.text(Field.PRODUCT_ID, string(parser, name, 1, ID_CHARS_MAX, p));
                case "amount" -> d.set(Field.AMOUNT_MINOR, amount(parser, p));
                case "currency" -> d.set(Field.CURRENCY, currency(parser, p));
                case "quantity" -> d.set(Field.QUANTITY, quantity(parser, p));
                default -> parser.skipChildren();
            }
        });
        if (!sawCustomer[0] && problem.status().equals(HttpResponseStatus.BAD_REQUEST) && !mentions(problem, "customerId"))
        {
            problem.add("customerId should not be empty");
        }
        required(draft, Field.PRODUCT_ID, "productId", problem);
        requiredMoney(draft, problem);
        draft.text(Field.MERCHANT_ID, merchantId);
    }

    /** {@code PATCH /api/canary/customers/{id}} with {@code UpdateCustomerDto}. */
    void updateCustomer(final ByteBuf body, final String merchantId, final long customerKey, final CommandDraft draft, final Problem problem)
    {
        draft.type(CommandType.UPDATE_CUSTOMER);
        draft.set(Field.CUSTOMER_KEY, customerKey);
        parseObject(body, draft, problem, (name, parser, d, p) ->
        {
            switch (name)
            {
                case "merchantId" -> checkMerchant(parser, merchantId, p);
                case "email" -> d.text(Field.EMAIL, email(parser, p));
                case "name" -> d.text(Field.NAME, string(parser, name, 0, NAME_CHARS_MAX, p));
                case "metadata" -> d.text(Field.METADATA_JSON, metadata(parser, p));
                default -> parser.skipChildren();
            }
        });
        required(draft, Field.METADATA_JSON, "metadata", problem);
        draft.text(Field.MERCHANT_ID, merchantId);
    }

    /** {@code POST /api/canary/transfers} with {@code CreateTransferDto}. */
    void transfer(final ByteBuf body, final String merchantId, final CommandDraft draft, final Problem problem)
    {
        draft.type(CommandType.TRANSFER);
        final String[] ids = new String[2];
        parseObject(body, draft, problem, (name, parser, d, p) ->
        {
            switch (name)
            {
                case "merchantId" -> checkMerchant(parser, merchantId, p);
                case "fromCustomerId" -> ids[0] = string(parser, name, 1, ID_CHARS_MAX, p);
                case "toCustomerId" -> ids[1] = string(parser, name, 1, ID_CHARS_MAX, p);
                case "amount" -> d.set(Field.AMOUNT_MINOR, amount(parser, p));
                case "currency" -> d.set(Field.CURRENCY, currency(parser, p));
                case "description" -> d.text(Field.DESCRIPTION, description(parser, p));
                default -> parser.skipChildren();
            }
        });
        if (ids[0] == null && !mentions(problem, "fromCustomerId"))
        {
            problem.add("fromCustomerId should not be empty");
        }
        if (ids[1] == null && !mentions(problem, "toCustomerId"))
        {
            problem.add("toCustomerId should not be empty");
        }
        if (ids[0] != null && ids[0].equals(ids[1]))
        {
            problem.add("toCustomerId must be a different customer from fromCustomerId");
        }
        draft.set(Field.CUSTOMER_KEY, this.ids.parse(IdKind.CUSTOMER, ids[0])); // -1: no such customer, the ledger says 404
        draft.set(Field.TO_CUSTOMER_KEY, this.ids.parse(IdKind.CUSTOMER, ids[1]));
        requiredMoney(draft, problem);
        draft.text(Field.MERCHANT_ID, merchantId);
    }

    /** {@code POST /api/canary/payouts} with {@code CreatePayoutDto}. */
    void payout(final ByteBuf body, final String merchantId, final CommandDraft draft, final Problem problem)
    {
        draft.type(CommandType.PAYOUT);
        parseObject(body, draft, problem, (name, parser, d, p) ->
        {
            switch (name)
            {
                case "merchantId" -> checkMerchant(parser, merchantId, p);
                case "amount" -> d.set(Field.AMOUNT_MINOR, amount(parser, p));
                case "currency" -> d.set(Field.CURRENCY, currency(parser, p));
                case "bankAccount" -> d.text(Field.BANK_ACCOUNT, string(parser, name, 1, BANK_ACCOUNT_CHARS_MAX, p));
                case "description" -> d.text(Field.DESCRIPTION, description(parser, p));
                case "metadata" -> d.text(Field.METADATA_JSON, metadata(parser, p));
                default -> parser.skipChildren();
            }
        });
        requiredMoney(draft, problem);
        required(draft, Field.METADATA_JSON, "metadata", problem);
        draft.text(Field.MERCHANT_ID, merchantId);
    }

    /**
     * {@code POST /api/canary/customers/{id}/payment-methods}: what is safe to keep of a card or mobile-money
     * account. A card number, if a client sends one, is skipped like any unknown field: it is never parsed,
     * journaled or stored.
     */
    void paymentMethod(final ByteBuf body, final String merchantId, final long customerKey, final CommandDraft draft, final Problem problem)
    {
        draft.type(CommandType.SAVE_PAYMENT_METHOD);
        draft.set(Field.CUSTOMER_KEY, customerKey);
        parseObject(body, draft, problem, (name, parser, d, p) ->
        {
            switch (name)
            {
                case "merchantId" -> checkMerchant(parser, merchantId, p);
                case "type" ->
                {
                    final String type = string(parser, name, 1, 32, p);
                    if (type != null && !METHOD_TYPES.contains(type))
                    {
                        p.add("type must be one of " + String.join(", ", new java.util.TreeSet<>(METHOD_TYPES)));
                    }
                    d.text(Field.METHOD_TYPE, type);
                }
                case "provider" -> d.text(Field.METHOD_PROVIDER, string(parser, name, 1, PROVIDER_CHARS_MAX, p));
                case "brand" -> d.text(Field.METHOD_BRAND, string(parser, name, 1, BRAND_CHARS_MAX, p));
                case "last4" ->
                {
                    final String last4 = string(parser, name, 4, 4, p);
                    if (last4 != null && !last4.chars().allMatch(c -> c >= '0' && c <= '9'))
                    {
                        p.add("last4 must be exactly 4 digits");
                    }
                    d.text(Field.METHOD_LAST4, last4);
                }
                case "expiryMonth" -> d.set(Field.EXPIRY_MONTH, integer(parser, name, 1, 12, p));
                case "expiryYear" -> d.set(Field.EXPIRY_YEAR, integer(parser, name, 2000, 2100, p));
                case "phoneNumber" -> d.text(Field.PHONE, string(parser, name, 1, PHONE_CHARS_MAX, p));
                case "isDefault" ->
                {
                    if (parser.currentToken() == JsonToken.VALUE_TRUE || parser.currentToken() == JsonToken.VALUE_FALSE)
                    {
                        d.set(Field.IS_DEFAULT, parser.currentToken() == JsonToken.VALUE_TRUE);
                    }
                    else
                    {
                        p.add("isDefault must be a boolean");
                        parser.skipChildren();
                    }
                }
                default -> parser.skipChildren();
            }
        });
        required(draft, Field.METHOD_TYPE, "type", problem);
        required(draft, Field.METHOD_PROVIDER, "provider", problem);
        if (draft.textEquals(Field.METHOD_TYPE, "card"))
        {
            required(draft, Field.METHOD_LAST4, "last4", problem);
        }
        if (draft.textEquals(Field.METHOD_TYPE, "mobile_money"))
        {
            required(draft, Field.PHONE, "phoneNumber", problem);
        }
        draft.text(Field.MERCHANT_ID, merchantId);
    }

    /** Parses a currency given in a query string; {@code null} means "the account's own". */
    static int queryCurrency(final String value, final Problem problem)
    {
        if (value == null)
        {
            return Currencies.NONE;
        }
        if (!ISO_4217.contains(value))
        {
            problem.add("currency must be an upper-case ISO 4217 code");
            return Currencies.NONE;
        }
        return Currencies.pack(value);
    }

    // ---- the walk

    private void parseObject(final ByteBuf body, final CommandDraft draft, final Problem problem, final FieldHandler handler)
    {
        if (!body.isReadable())
        {
            problem.add("request body must be a JSON object");
            return;
        }
        if (body.readableBytes() >= 3 && body.getUnsignedMedium(body.readerIndex()) == 0xEFBBBF)
        {
            problem.add("request body must be UTF-8 JSON without a byte order mark");
            return;
        }
        final int invalidAt = Utf8.firstInvalidOrNul(body);
        if (invalidAt >= 0)
        {
            problem.add(body.getByte(body.readerIndex() + invalidAt) == 0
                ? "request body must be UTF-8 JSON: it has a NUL byte (byte " + invalidAt + "), as UTF-16 or UTF-32 text would"
                : "request body is not valid UTF-8 (byte " + invalidAt + ")");
            return;
        }
        try (JsonParser parser = factory.createParser((java.io.InputStream)new ByteBufInputStream(body.duplicate())))
        {
            if (parser.nextToken() != JsonToken.START_OBJECT)
            {
                problem.add("request body must be a JSON object");
                return;
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME)
            {
                final String name = parser.currentName();
                parser.nextToken();
                handler.onField(name, parser, draft, problem);
            }
            if (token != JsonToken.END_OBJECT)
            {
                problem.add("request body is not valid JSON");
                return;
            }
            if (parser.nextToken() != null)
            {
                problem.add("request body has data after the JSON object");
            }
        }
        catch (final StreamConstraintsException ex)
        {
            problem.add("request body exceeds a limit: " + shortMessage(ex));
        }
        catch (final JsonProcessingException ex)
        {
            problem.add("request body is not valid JSON: " + shortMessage(ex));
        }
        catch (final IOException | RuntimeException ex)
        {
            problem.add("request body could not be read");
        }
    }

    private static String shortMessage(final JsonProcessingException ex)
    {
        final String message = String.valueOf(ex.getOriginalMessage());
        final String firstLine = message.lines().findFirst().orElse("");
        return firstLine.length() > 160 ? firstLine.substring(0, 160) + "..." : firstLine;
    }

    // ---- field types

    private static String string(final JsonParser parser, final String name, final int minChars, final int maxChars, final Problem problem)
        throws IOException
    {
        return text(parser, name, minChars, maxChars, false, problem);
    }

    /** A description: up to {@link #DESCRIPTION_CHARS_MAX} chars, line breaks and tabs allowed. */
    private static String description(final JsonParser parser, final Problem problem) throws IOException
    {
        return text(parser, "description", 0, DESCRIPTION_CHARS_MAX, true, problem);
    }

    private static String text(
        final JsonParser parser, final String name, final int minChars, final int maxChars, final boolean lineBreaks, final Problem problem)
        throws IOException
    {
        if (parser.currentToken() != JsonToken.VALUE_STRING)
        {
            problem.add(name + " must be a string");
            parser.skipChildren();
            return null;
        }
        final String value = parser.getText();
        if (value.length() < minChars)
        {
            problem.add(name + " should not be empty");
            return null;
        }
        if (value.length() > maxChars)
        {
            problem.add(name + " must be at most " + maxChars + " characters");
            return null;
        }
        final String rule = textRule(value, lineBreaks);
        if (rule != null)
        {
            problem.add(name + rule);
            return null;
        }
        return value;
    }

    /**
     * @param lineBreaks true where tab, line feed and carriage return are allowed.
     * @return null when {@code value} may be kept as it is, else the rule it breaks (after the field's name).
     */
    static String textRule(final String value, final boolean lineBreaks)
    {
        for (int i = 0, n = value.length(); i < n; i++)
        {
            final char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7F)
            {
                continue;
            }
            if (c < 0x20)
            {
                if (lineBreaks && (c == '\t' || c == '\n' || c == '\r'))
                {
                    continue;
                }
                return lineBreaks ? " must not contain control characters other than tab, line feed and carriage return"
                    : " must not contain control characters";
            }
            if (c <= 0x9F)
            {
                return lineBreaks ? " must not contain control characters other than tab, line feed and carriage return"
                    : " must not contain control characters"; // DEL and the C1 controls
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

    private static String email(final JsonParser parser, final Problem problem) throws IOException
    {
        final String value = string(parser, "email", 1, EMAIL_CHARS_MAX, problem);
        if (value == null)
        {
            return null;
        }
        final int at = value.indexOf('@');
        if (at < 1 || at != value.lastIndexOf('@') || at == value.length() - 1 || value.indexOf(' ') >= 0)
        {
            problem.add("email must be an email");
            return null;
        }
        return value;
    }

    private static long amount(final JsonParser parser, final Problem problem) throws IOException
    {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER)
        {
            problem.add(AMOUNT_RULE);
            parser.skipChildren();
            return -1;
        }
        final long value = parser.getLongValue();
        if (value < 1 || value > CommandEvent.AMOUNT_MINOR_MAX)
        {
            problem.add(AMOUNT_RULE);
            return -1;
        }
        return value;
    }

    private static long quantity(final JsonParser parser, final Problem problem) throws IOException
    {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            || parser.getLongValue() < 1 || parser.getLongValue() > 1_000_000_000L)
        {
            problem.add("quantity must be an integer from 1 to 1000000000");
            parser.skipChildren();
            return 1;
        }
        return parser.getLongValue();
    }

    private static long integer(final JsonParser parser, final String name, final long min, final long max, final Problem problem)
        throws IOException
    {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            || parser.getLongValue() < min || parser.getLongValue() > max)
        {
            problem.add(name + " must be an integer from " + min + " to " + max);
            parser.skipChildren();
            return -1;
        }
        return parser.getLongValue();
    }

    private static int currency(final JsonParser parser, final Problem problem) throws IOException
    {
        if (parser.currentToken() != JsonToken.VALUE_STRING || !ISO_4217.contains(parser.getText()))
        {
            problem.add("currency must be an upper-case ISO 4217 code");
            parser.skipChildren();
            return Currencies.NONE;
        }
        return Currencies.pack(parser.getText());
    }

    private static String metadata(final JsonParser parser, final Problem problem) throws IOException
    {
        if (parser.currentToken() != JsonToken.START_OBJECT)
        {
            problem.add("metadata must be an object");
            parser.skipChildren();
            return null;
        }
        final StringWriter out = new StringWriter(64);
        int keys = 0;
        String rule = null;
        try (JsonGenerator generator = Json.FACTORY.createGenerator(out))
        {
            // A token-by-token copy instead of copyCurrentStructure, which rewrites numbers through double.
            int depth = 0;
            JsonToken token = parser.currentToken();
            while (true)
            {
                switch (token)
                {
                    case START_OBJECT ->
                    {
                        generator.writeStartObject();
                        depth++;
                    }
                    case END_OBJECT ->
                    {
                        generator.writeEndObject();
                        depth--;
                    }
                    case START_ARRAY ->
                    {
                        generator.writeStartArray();
                        depth++;
                    }
                    case END_ARRAY ->
                    {
                        generator.writeEndArray();
                        depth--;
                    }
                    case FIELD_NAME ->
                    {
                        if (depth == 1)
                        {
                            keys++;
                        }
                        final String key = parser.currentName();
                        if (rule == null)
                        {
                            final String keyRule = textRule(key, false);
                            rule = keyRule == null ? null : " keys" + keyRule;
                        }
                        generator.writeFieldName(key);
                    }
                    case VALUE_STRING ->
                    {
                        final String value = parser.getText();
                        if (rule == null)
                        {
                            final String valueRule = textRule(value, true);
                            rule = valueRule == null ? null : " values" + valueRule;
                        }
                        generator.writeString(value);
                    }
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> generator.writeNumber(parser.getText()); // as sent
                    case VALUE_TRUE -> generator.writeBoolean(true);
                    case VALUE_FALSE -> generator.writeBoolean(false);
                    case VALUE_NULL -> generator.writeNull();
                    default -> throw new IOException("token=" + token + " cannot be in a JSON text");
                }
                if (depth == 0)
                {
                    break;
                }
                token = parser.nextToken();
                if (token == null)
                {
                    throw new IOException("metadata ends inside a structure");
                }
            }
        }
        if (rule != null)
        {
            problem.add("metadata" + rule);
            return null;
        }
        if (keys > METADATA_KEYS_MAX)
        {
            problem.add("metadata must have at most " + METADATA_KEYS_MAX + " keys");
            return null;
        }
        if (out.getBuffer().length() > METADATA_CHARS_MAX)
        {
            problem.add("metadata must be at most " + METADATA_CHARS_MAX + " characters as JSON");
            return null;
        }
        return out.toString();
    }

    private static void checkMerchant(final JsonParser parser, final String merchantId, final Problem problem) throws IOException
    {
        if (parser.currentToken() == JsonToken.VALUE_NULL)
        {
            return;
        }
        if (parser.currentToken() != JsonToken.VALUE_STRING)
        {
            problem.add("merchantId must be a string");
            parser.skipChildren();
            return;
        }
        if (!parser.getText().equals(merchantId))
        {
            problem.status(HttpResponseStatus.FORBIDDEN, "merchantId must be the authenticated merchant");
        }
    }

    private static void required(final CommandDraft draft, final Field field, final String name, final Problem problem)
    {
        if (!draft.has(field) && !mentions(problem, name))
        {
            problem.add(name + " should not be empty");
        }
    }

    private static void requiredMoney(final CommandDraft draft, final Problem problem)
    {
        if (draft.get(Field.AMOUNT_MINOR) == 0 && !mentions(problem, "amount"))
        {
            problem.add(AMOUNT_RULE);
        }
        if (draft.get(Field.CURRENCY) == Currencies.NONE && !mentions(problem, "currency"))
        {
            problem.add("currency must be an upper-case ISO 4217 code");
        }
    }

    private static boolean mentions(final Problem problem, final String field)
    {
        for (final String message : problem.messages())
        {
            if (message.startsWith(field + " "))
            {
                return true;
            }
        }
        return false;
    }
}
