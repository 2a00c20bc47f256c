package io.ledger.http.endpoint;

import java.io.IOException;
import java.io.StringWriter;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Walks a JSON request body field by field with the jackson-core streaming parser, and reads each value by the
 * {@link Rules} of its kind. An endpoint loops {@code while (body.next())}, reads the fields that are its own and hands
 * every other to {@link #field}, which reads the fields every route names alike into the command's declared fields and
 * skips the rest (clients may send more than we know); {@link Request#readBody()} is that loop for an endpoint with no
 * field of its own. A value that breaks
 * its rule is a problem naming the field, and reads as absent; a body that is not one JSON object (not UTF-8, a byte
 * order mark, a NUL byte, not JSON, a duplicate key, trailing data, past the parser's limits) is a problem that ends
 * the walk. Holds no ledger logic: whether a customer exists or can pay is the ledger's to say.
 *
 * <p>Text is kept exactly or refused, never changed ({@link Rules#textRule}); metadata is re-serialized compactly with
 * every number written as the text it was sent as ({@code 1e400} stays {@code 1e400}), so what is journaled and
 * returned is what was given.
 *
 * <p>One per connection ({@link Request}); event loop only.
 */
public final class BodyReader
{
    private final JsonFactory factory;
    private ByteBuf content;
    private String merchantId;
    private Problem problem;
    private boolean optional;
    /** Before the first {@link #next()}. */
    private boolean fresh;
    /** Open while the walk is on; null before, after the end and after a problem that ended it. */
    private JsonParser parser;
    private String name;
    private final MetadataCopy metadataCopy = new MetadataCopy();
    /** The field whose object {@link #nextInObject()} walks, and whether that walk has not moved yet. */
    private String objectName;
    private boolean objectFresh;
    /**
     * True while walking an object of a larger document with that document's parser ({@link #startWithin}): the walk
     * ends at the object's end, and neither checks what follows nor closes the parser, which is not its own.
     */
    private boolean borrowed;
    /** A borrowed walk reached its object's end (whether a value on the way had a problem is the problem list's to say). */
    private boolean walkedToEnd;

    BodyReader(final JsonFactory factory)
    {
        this.factory = factory;
    }

    void start(final ByteBuf content, final String merchantId, final Problem problem, final boolean optional)
    {
        close();
        this.content = content;
        this.merchantId = merchantId;
        this.problem = problem;
        this.optional = optional;
        this.fresh = true;
    }

    /**
     * Starts a walk of the object {@code within} is on (its {@code START_OBJECT}): a batch's command body read with the
     * batch's own parser, so that the batch is parsed once and no parser is made per command. The walk ends at that
     * object's end, leaving {@code within} on it ({@link #walkedToEnd()}); the caller owns and closes {@code within}.
     */
    void startWithin(final JsonParser within, final String merchantId, final Problem problem)
    {
        close();
        this.content = null;
        this.merchantId = merchantId;
        this.problem = problem;
        this.optional = false;
        this.objectFresh = false;
        this.borrowed = true;
        this.walkedToEnd = false;
        this.parser = within.currentToken() == JsonToken.START_OBJECT ? within : null;
        this.name = null;
        this.objectName = null;
        this.fresh = this.parser != null; // the first next() reads the first field without skipping the object
    }

    /** @return true when a walk begun with {@link #startWithin} reached its object's end (see also the problem list). */
    boolean walkedToEnd()
    {
        return walkedToEnd;
    }

    /**
     * Moves to the next field of the body object.
     *
     * @return true when positioned on a field's value (its name is {@link #name()}); false at the end of the object,
     *         or when the body is not a JSON object (a problem, and the walk ends).
     */
    public boolean next()
    {
        try
        {
            if (fresh)
            {
                fresh = false;
                if (!borrowed && !open())
                {
                    return false;
                }
            }
            else if (parser == null)
            {
                return false;
            }
            else
            {
                parser.skipChildren(); // the previous value, when its reader did not consume it
            }
            final JsonToken token = parser.nextToken();
            if (token == JsonToken.FIELD_NAME)
            {
                name = parser.currentName();
                parser.nextToken();
                return true;
            }
            if (token != JsonToken.END_OBJECT)
            {
                problem.add("request body is not valid JSON");
            }
            else if (borrowed)
            {
                walkedToEnd = true;
            }
            else if (parser.nextToken() != null)
            {
                problem.add("request body has data after the JSON object");
            }
            close();
            return false;
        }
        catch (final IOException | RuntimeException ex)
        {
            fail(ex);
            return false;
        }
    }

    /** @return the current field's name. */
    public String name()
    {
        return name;
    }

    /** Skips the current field's value, whatever it is. */
    public void skip()
    {
        try
        {
            if (parser != null)
            {
                parser.skipChildren();
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            fail(ex);
        }
    }

    /**
     * Reads the current field into {@code draft} when it is one the API names the same way in every body and the draft's
     * command declares it ({@code phoneNumber}, {@code email}, {@code name}, {@code metadata}, {@code amount},
     * {@code currency}, {@code description}, {@code productId}, {@code quantity}, {@code bankAccount}, {@code provider},
     * {@code brand}, {@code expiryMonth}, {@code expiryYear}, {@code externalReference}), each by its rule; checks {@code merchantId}; skips anything
     * else. An endpoint reads its own fields first and leaves the rest to this.
     */
    public void field(final CommandDraft draft)
    {
        final Field field = commonField(name);
        if (field == null || !draft.type().declares(field))
        {
            if ("merchantId".equals(name))
            {
                merchantId();
            }
            else
            {
                skip();
            }
            return;
        }
        switch (field)
        {
            case PHONE -> draft.text(field, string(1, Rules.PHONE_CHARS_MAX));
            case EMAIL -> draft.text(field, email());
            case NAME -> draft.text(field, string(0, Rules.NAME_CHARS_MAX));
            case METADATA_JSON -> draft.text(field, metadata());
            case DESCRIPTION -> draft.text(field, description());
            case PRODUCT_ID -> draft.text(field, string(1, Rules.ID_CHARS_MAX));
            case BANK_ACCOUNT -> draft.text(field, string(1, Rules.BANK_ACCOUNT_CHARS_MAX));
            case EXTERNAL_REFERENCE -> draft.text(field, string(1, Rules.EXTERNAL_REFERENCE_CHARS_MAX));
            case METHOD_PROVIDER -> draft.text(field, string(1, Rules.PROVIDER_CHARS_MAX));
            case METHOD_BRAND -> draft.text(field, string(1, Rules.BRAND_CHARS_MAX));
            case AMOUNT_MINOR -> draft.set(field, amount());
            case CURRENCY -> draft.set(field, currency());
            case QUANTITY -> draft.set(field, quantity());
            case EXPIRY_MONTH -> draft.set(field, integer(1, 12));
            case EXPIRY_YEAR -> draft.set(field, integer(2000, 2100));
            default -> skip();
        }
    }

    /** @return the command field a body field of this name fills in every route that has it, or null. */
    private static Field commonField(final String name)
    {
        return switch (name)
        {
            case "phoneNumber" -> Field.PHONE;
            case "email" -> Field.EMAIL;
            case "name" -> Field.NAME;
            case "metadata" -> Field.METADATA_JSON;
            case "description" -> Field.DESCRIPTION;
            case "productId" -> Field.PRODUCT_ID;
            case "bankAccount" -> Field.BANK_ACCOUNT;
            case "externalReference" -> Field.EXTERNAL_REFERENCE;
            case "provider" -> Field.METHOD_PROVIDER;
            case "brand" -> Field.METHOD_BRAND;
            case "amount" -> Field.AMOUNT_MINOR;
            case "currency" -> Field.CURRENCY;
            case "quantity" -> Field.QUANTITY;
            case "expiryMonth" -> Field.EXPIRY_MONTH;
            case "expiryYear" -> Field.EXPIRY_YEAR;
            default -> null;
        };
    }

    /** {@code merchantId}: when given (and not null), it must be the authenticated merchant (403 otherwise). */
    public void merchantId()
    {
        if (parser == null || parser.currentToken() == JsonToken.VALUE_NULL)
        {
            return;
        }
        try
        {
            if (parser.currentToken() != JsonToken.VALUE_STRING)
            {
                problem.add("merchantId must be a string");
                parser.skipChildren();
            }
            else if (!parser.getText().equals(merchantId))
            {
                problem.status(HttpResponseStatus.FORBIDDEN, Rules.MERCHANT_FORBIDDEN);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            fail(ex);
        }
    }

    /** @return a string of {@code minChars..maxChars} chars without line breaks, or null (absent, or a problem). */
    public String string(final int minChars, final int maxChars)
    {
        return text(minChars, maxChars, false);
    }

    /** @return a description: up to {@link Rules#DESCRIPTION_CHARS_MAX} chars, line breaks and tabs allowed; or null. */
    public String description()
    {
        return text(0, Rules.DESCRIPTION_CHARS_MAX, true);
    }

    /** @return an email address (one {@code @} with text on both sides, no space), or null. */
    public String email()
    {
        final String value = string(1, Rules.EMAIL_CHARS_MAX);
        if (value == null)
        {
            return null;
        }
        final int at = value.indexOf('@');
        if (at < 1 || at != value.lastIndexOf('@') || at == value.length() - 1 || value.indexOf(' ') >= 0)
        {
            problem.add(name + " must be an email");
            return null;
        }
        return value;
    }

    /** @return an amount in minor units, 1..{@link CommandEvent#AMOUNT_MINOR_MAX}; -1 when it breaks the rule, 0 when unread. */
    public long amount()
    {
        final long value = integer(1, CommandEvent.AMOUNT_MINOR_MAX, Rules.AMOUNT, -1);
        return parser == null && value == -1 ? 0 : value;
    }

    /** @return a quantity, 1..{@link Rules#QUANTITY_MAX}; 1 when it breaks the rule. */
    public long quantity()
    {
        return integer(1, Rules.QUANTITY_MAX, Rules.QUANTITY, 1);
    }

    /** @return an integer from {@code min} to {@code max}, or -1. */
    public long integer(final long min, final long max)
    {
        return integer(min, max, name + " must be an integer from " + min + " to " + max, -1);
    }

    /** @return an upper-case ISO 4217 code, packed; {@link Currencies#NONE} when it is not one. */
    public int currency()
    {
        if (parser == null)
        {
            return Currencies.NONE;
        }
        try
        {
            final int currency = parser.currentToken() == JsonToken.VALUE_STRING ? Rules.currency(parser.getText()) : Currencies.NONE;
            if (currency == Currencies.NONE)
            {
                problem.add(Rules.CURRENCY);
                parser.skipChildren();
            }
            return currency;
        }
        catch (final IOException | RuntimeException ex)
        {
            fail(ex);
            return Currencies.NONE;
        }
    }

    /** @return true or false; null when the value is not a boolean (a problem). */
    public Boolean bool()
    {
        if (parser == null)
        {
            return null;
        }
        final JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE)
        {
            return token == JsonToken.VALUE_TRUE;
        }
        problem.add(name + " must be a boolean");
        skip();
        return null;
    }

    /**
     * @return a JSON object, re-serialized compactly with numbers as sent, at most {@link Rules#METADATA_KEYS_MAX} keys
     *         and {@link Rules#METADATA_CHARS_MAX} chars, its keys and strings kept by {@link Rules#textRule}; or null.
     */
    public String metadata()
    {
        if (parser == null)
        {
            return null;
        }
        try
        {
            if (parser.currentToken() != JsonToken.START_OBJECT)
            {
                problem.add(name + " must be an object");
                parser.skipChildren();
                return null;
            }
            final StringWriter out = new StringWriter(64);
            final String rule = metadataCopy.copy(parser, out);
            if (rule != null)
            {
                problem.add(name + rule);
                return null;
            }
            if (metadataCopy.keys() > Rules.METADATA_KEYS_MAX)
            {
                problem.add(name + " must have at most " + Rules.METADATA_KEYS_MAX + " keys");
                return null;
            }
            if (out.getBuffer().length() > Rules.METADATA_CHARS_MAX)
            {
                problem.add(name + " must be at most " + Rules.METADATA_CHARS_MAX + " characters as JSON");
                return null;
            }
            return out.toString();
        }
        catch (final IOException | RuntimeException ex)
        {
            fail(ex);
            return null;
        }
    }

    /**
     * Enters the current field's value, which must be a JSON object (else a problem naming the field): its fields are then
     * walked with {@link #nextInObject()}, each named {@code field.inner} (so problems name it so), read with the same
     * readers as a top-level field.
     *
     * @return true when positioned at the start of the object.
     */
    public boolean enterObject()
    {
        if (parser == null)
        {
            return false;
        }
        if (parser.currentToken() != JsonToken.START_OBJECT)
        {
            problem.add(name + " must be an object");
            skip();
            return false;
        }
        objectName = name;
        objectFresh = true;
        return true;
    }

    /**
     * Moves to the next field of the object {@link #enterObject()} entered.
     *
     * @return true when positioned on a field's value; false at the object's end (the body's walk then goes on with
     *         {@link #next()}), or when the body cannot be read further.
     */
    public boolean nextInObject()
    {
        try
        {
            if (parser == null)
            {
                return false;
            }
            if (!objectFresh)
            {
                parser.skipChildren(); // the previous value, when its reader did not consume it
            }
            objectFresh = false;
            if (parser.nextToken() == JsonToken.FIELD_NAME)
            {
                name = objectName + "." + parser.currentName();
                parser.nextToken();
                return true;
            }
            name = objectName; // on the object's end: next() moves on from here
            return false;
        }
        catch (final IOException | RuntimeException ex)
        {
            fail(ex);
            return false;
        }
    }

    /** @return the parser, on the current value ({@link MasumiAmounts} walks an array with it); null once the walk ended. */
    JsonParser parser()
    {
        return parser;
    }

    /** @return the value as an exact decimal (a JSON number, integer or not, read from its text), or null (a problem). */
    public java.math.BigDecimal decimal()
    {
        if (parser == null)
        {
            return null;
        }
        try
        {
            final JsonToken token = parser.currentToken();
            if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT)
            {
                problem.add(name + " must be a number");
                parser.skipChildren();
                return null;
            }
            return new java.math.BigDecimal(parser.getText());
        }
        catch (final IOException | RuntimeException ex)
        {
            fail(ex);
            return null;
        }
    }

    /**
     * @return an instant given as an ISO 8601 date-time with {@code Z} or an offset ({@code 2026-11-22T10:30:00Z},
     *         {@code 2026-11-22T12:30:00.250+02:00}), in epoch milliseconds; {@link Long#MIN_VALUE} when absent or not one
     *         (a problem).
     */
    public long instant()
    {
        final String text = string(1, 64);
        if (text == null)
        {
            return Long.MIN_VALUE;
        }
        try
        {
            return java.time.OffsetDateTime.parse(text).toInstant().toEpochMilli();
        }
        catch (final java.time.DateTimeException | ArithmeticException ex)
        {
            problem.add(name + " must be an ISO 8601 date-time with a time zone, e.g. 2026-11-22T10:30:00Z");
            return Long.MIN_VALUE;
        }
    }

    /** Ends the walk and releases the parser. */
    void close()
    {
        if (borrowed)
        {
            borrowed = false;
            parser = null; // the batch's parser: its owner closes it
        }
        if (parser != null)
        {
            try
            {
                parser.close();
            }
            catch (final IOException ex)
            {
                // nothing to release: the source is a buffer the request owns
            }
            parser = null;
        }
    }

    // ---- the walk

    /** @return true when the body is a JSON object and the parser is on its start; else a problem (or, optional: empty). */
    private boolean open() throws IOException
    {
        final ByteBuf body = content;
        if (body == null || !body.isReadable())
        {
            if (!optional)
            {
                problem.add("request body must be a JSON object");
            }
            return false;
        }
        if (body.readableBytes() >= 3 && body.getUnsignedMedium(body.readerIndex()) == 0xEFBBBF)
        {
            problem.add("request body must be UTF-8 JSON without a byte order mark");
            return false;
        }
        final int invalidAt = Utf8.firstInvalidOrNul(body);
        if (invalidAt >= 0)
        {
            problem.add(body.getByte(body.readerIndex() + invalidAt) == 0
                ? "request body must be UTF-8 JSON: it has a NUL byte (byte " + invalidAt + "), as UTF-16 or UTF-32 text would"
                : "request body is not valid UTF-8 (byte " + invalidAt + ")");
            return false;
        }
        parser = factory.createParser((java.io.InputStream)new ByteBufInputStream(body.duplicate()));
        if (parser.nextToken() != JsonToken.START_OBJECT)
        {
            problem.add("request body must be a JSON object");
            close();
            return false;
        }
        return true;
    }

    /** A problem that ends the walk: the body cannot be read further. */
    private void fail(final Exception ex)
    {
        if (ex instanceof StreamConstraintsException limit)
        {
            problem.add("request body exceeds a limit: " + shortMessage(limit));
        }
        else if (ex instanceof JsonProcessingException json)
        {
            problem.add("request body is not valid JSON: " + shortMessage(json));
        }
        else
        {
            problem.add("request body could not be read");
        }
        close();
    }

    private static String shortMessage(final JsonProcessingException ex)
    {
        final String message = String.valueOf(ex.getOriginalMessage());
        final String firstLine = message.lines().findFirst().orElse("");
        return firstLine.length() > 160 ? firstLine.substring(0, 160) + "..." : firstLine;
    }

    // ---- values

    private String text(final int minChars, final int maxChars, final boolean lineBreaks)
    {
        if (parser == null)
        {
            return null;
        }
        try
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
            final String rule = Rules.textRule(value, lineBreaks);
            if (rule != null)
            {
                problem.add(name + rule);
                return null;
            }
            return value;
        }
        catch (final IOException | RuntimeException ex)
        {
            fail(ex);
            return null;
        }
    }

    /** @return an integer from {@code min} to {@code max}, else {@code invalid} after adding {@code rule}. */
    private long integer(final long min, final long max, final String rule, final long invalid)
    {
        if (parser == null)
        {
            return invalid;
        }
        try
        {
            if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                || parser.getLongValue() < min || parser.getLongValue() > max)
            {
                problem.add(rule);
                parser.skipChildren();
                return invalid;
            }
            return parser.getLongValue();
        }
        catch (final IOException | RuntimeException ex)
        {
            fail(ex);
            return invalid;
        }
    }
}
