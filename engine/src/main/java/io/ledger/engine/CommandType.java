package io.ledger.engine;

import static io.ledger.engine.Field.AMOUNT_MINOR;
import static io.ledger.engine.Field.AGENT_IDENTIFIER;
import static io.ledger.engine.Field.NETWORK;
import static io.ledger.engine.Field.BLOCKCHAIN_IDENTIFIER;
import static io.ledger.engine.Field.MASUMI_UNIT;
import static io.ledger.engine.Field.AMOUNTS_MINOR;
import static io.ledger.engine.Field.REFUND_REQUESTED;
import static io.ledger.engine.Field.MASUMI_ECHO_JSON;
import static io.ledger.engine.Field.AMOUNT_UNSCALED;
import static io.ledger.engine.Field.API_KEY_DIALECT;
import static io.ledger.engine.Field.API_KEY_HASH;
import static io.ledger.engine.Field.API_KEY_KEY;
import static io.ledger.engine.Field.BANK_ACCOUNT;
import static io.ledger.engine.Field.CASHBACK_BASIS_POINTS;
import static io.ledger.engine.Field.CASHBACK_MINOR;
import static io.ledger.engine.Field.CASHBACK_UNSCALED;
import static io.ledger.engine.Field.CURRENCY;
import static io.ledger.engine.Field.CURRENCY_DIGITS;
import static io.ledger.engine.Field.CUSTOMER_KEY;
import static io.ledger.engine.Field.DEPLOYMENT_SALT;
import static io.ledger.engine.Field.DECIMAL_SCALE;
import static io.ledger.engine.Field.DESCRIPTION;
import static io.ledger.engine.Field.EMAIL;
import static io.ledger.engine.Field.EXPIRES_AT_MS;
import static io.ledger.engine.Field.EXPIRY_MONTH;
import static io.ledger.engine.Field.EXPIRY_YEAR;
import static io.ledger.engine.Field.EXTERNAL_REFERENCE;
import static io.ledger.engine.Field.FROM_MS;
import static io.ledger.engine.Field.IDEMPOTENCY_KEY;
import static io.ledger.engine.Field.IS_DEFAULT;
import static io.ledger.engine.Field.MERCHANT_ID;
import static io.ledger.engine.Field.METADATA_JSON;
import static io.ledger.engine.Field.METHOD_BRAND;
import static io.ledger.engine.Field.METHOD_LAST4;
import static io.ledger.engine.Field.METHOD_PROVIDER;
import static io.ledger.engine.Field.METHOD_TYPE;
import static io.ledger.engine.Field.NAME;
import static io.ledger.engine.Field.PAGE_LIMIT;
import static io.ledger.engine.Field.PAGE_OFFSET;
import static io.ledger.engine.Field.PAYMENT_METHOD_KEY;
import static io.ledger.engine.Field.PHONE;
import static io.ledger.engine.Field.PRODUCT_ID;
import static io.ledger.engine.Field.PURCHASE_KEY;
import static io.ledger.engine.Field.PURCHASE_STATUS;
import static io.ledger.engine.Field.QUANTITY;
import static io.ledger.engine.Field.REFUNDABLE_UNTIL_MS;
import static io.ledger.engine.Field.RELEASE_AT_MS;
import static io.ledger.engine.Field.ROW_FILTER;
import static io.ledger.engine.Field.SEARCH;
import static io.ledger.engine.Field.TO_CUSTOMER_KEY;
import static io.ledger.engine.Field.TO_MS;
import static io.ledger.engine.Field.USE_GIFT_BALANCE;

/**
 * Every command the ledger understands, each declared once: its stable wire code (written to the journal: never
 * renumber a type, only add new ones), whether it is journaled, and its typed {@link Field}s in record order. The
 * journal codec, idempotency fingerprints, {@code ledger journal} and the adapter's drafts all follow from this
 * declaration; the engine class that applies it registers a handler under the same constant.
 *
 * <p>Commands that change state are {@linkplain #journaled() journaled}; queries travel the same ring so they see a
 * consistent, linearizable view of the ledger, but they are never written to the journal.
 *
 * <p>Fields may be appended to a journaled command (an old record simply lacks them), never removed or reordered:
 * the v3 record holds a command's fields in this order (see {@link CommandCodec}).
 */
public enum CommandType
{
    /** Slot claimed but not filled (a publisher failed mid-fill). Skipped by every stage. */
    NOOP(0, Mode.QUERY),

    CREATE_CUSTOMER(1, Mode.JOURNALED, MERCHANT_ID, PHONE, EMAIL, NAME, METADATA_JSON, IDEMPOTENCY_KEY),
    PAY_IN(2, Mode.JOURNALED, MERCHANT_ID, CUSTOMER_KEY, AMOUNT_MINOR, CURRENCY, DESCRIPTION, IDEMPOTENCY_KEY, EXTERNAL_REFERENCE),
    /**
     * A customer buys from its merchant. With {@code RELEASE_AT_MS} the money is held (escrow) until released, cancelled
     * or released by itself at that time; with {@code USE_GIFT_BALANCE} gift balances pay first; with a cashback field
     * the merchant credits part of it back in the same movement.
     */
    PURCHASE(3, Mode.JOURNALED, MERCHANT_ID, CUSTOMER_KEY, AMOUNT_MINOR, CURRENCY, QUANTITY, PRODUCT_ID, IDEMPOTENCY_KEY,
        DESCRIPTION, EXTERNAL_REFERENCE, RELEASE_AT_MS, REFUNDABLE_UNTIL_MS, USE_GIFT_BALANCE, CASHBACK_MINOR,
        CASHBACK_BASIS_POINTS),
    /** PATCH semantics: {@code EMAIL} and {@code NAME} change when given; {@code METADATA_JSON} (required) is replaced. */
    UPDATE_CUSTOMER(4, Mode.JOURNALED, MERCHANT_ID, CUSTOMER_KEY, EMAIL, NAME, METADATA_JSON, IDEMPOTENCY_KEY),
    /** {@code CUSTOMER_KEY} pays {@code TO_CUSTOMER_KEY}, both customers of the merchant. */
    TRANSFER(5, Mode.JOURNALED, MERCHANT_ID, CUSTOMER_KEY, TO_CUSTOMER_KEY, AMOUNT_MINOR, CURRENCY, DESCRIPTION,
        IDEMPOTENCY_KEY),
    /** Money leaves the ledger from the merchant's balance, to its bank account. */
    PAYOUT(6, Mode.JOURNALED, MERCHANT_ID, AMOUNT_MINOR, CURRENCY, BANK_ACCOUNT, DESCRIPTION, METADATA_JSON, IDEMPOTENCY_KEY),
    SAVE_PAYMENT_METHOD(7, Mode.JOURNALED, MERCHANT_ID, CUSTOMER_KEY, METHOD_TYPE, METHOD_PROVIDER, METHOD_BRAND,
        METHOD_LAST4, EXPIRY_MONTH, EXPIRY_YEAR, PHONE, IS_DEFAULT, IDEMPOTENCY_KEY),
    /** No other method becomes the default in its place. */
    DELETE_PAYMENT_METHOD(8, Mode.JOURNALED, MERCHANT_ID, PAYMENT_METHOD_KEY, IDEMPOTENCY_KEY),
    /**
     * Gives the deployment its id salt (see {@link Ids}): journaled by the wiring as the first command of an empty
     * data directory; refused once any other command was applied, and a second time.
     */
    INITIALIZE_DEPLOYMENT(9, Mode.JOURNALED, DEPLOYMENT_SALT),
    /** The method becomes its customer's default; the customer's previous default no longer is. */
    SET_DEFAULT_PAYMENT_METHOD(10, Mode.JOURNALED, MERCHANT_ID, PAYMENT_METHOD_KEY, IDEMPOTENCY_KEY),
    /** Money back from the merchant to the customer of a purchase; without {@code AMOUNT_MINOR}, all that is left. */
    REFUND_PURCHASE(11, Mode.JOURNALED, MERCHANT_ID, PURCHASE_KEY, AMOUNT_MINOR, DESCRIPTION, IDEMPOTENCY_KEY),
    /** Pays a held (escrowed) purchase's money to the merchant. */
    RELEASE_PURCHASE(12, Mode.JOURNALED, MERCHANT_ID, PURCHASE_KEY, IDEMPOTENCY_KEY),
    /** Returns a held purchase's money to the customer, while its refundable window is open. */
    CANCEL_PURCHASE(13, Mode.JOURNALED, MERCHANT_ID, PURCHASE_KEY, IDEMPOTENCY_KEY),
    /** A merchant-funded balance a customer can spend on purchases, optionally expiring. */
    CREATE_GIFT_BALANCE(14, Mode.JOURNALED, MERCHANT_ID, CUSTOMER_KEY, AMOUNT_MINOR, CURRENCY, EXPIRES_AT_MS, DESCRIPTION,
        IDEMPOTENCY_KEY),
    /**
     * Ledger time passes: carries nothing but its timestamp. The wiring journals one when the wall clock has passed the
     * ledger's next deadline and no other command came by; like every journaled command, it first makes the ledger
     * process each deadline up to its time (see {@link Ledger#nextDeadlineMs()}).
     */
    TICK(15, Mode.JOURNALED),

    // ---- issue 12: the batch endpoint (journaled codes 40..44, queries 140..144)
    /**
     * Up to {@link BatchItems#ITEMS_MAX} purchases, transfers, pay-ins and payouts of the merchant, applied in order in one
     * journal record (after a crash: all of them or none), each with its own outcome; a linked chain succeeds or fails as
     * a whole. The commands travel beside the slot ({@link CommandEvent#batch()}); see {@link BatchItems}.
     */
    BATCH(40, Mode.JOURNALED, MERCHANT_ID, IDEMPOTENCY_KEY),

    // ---- issue 15: API keys and the Masumi and Paywall dialects (journaled 20-39, queries 120-139)
    /**
     * A merchant's new API key for one dialect, stored as its SHA-256 only (the adapter draws the key); a Masumi key is
     * bound to {@code CUSTOMER_KEY}, the customer it buys from.
     */
    CREATE_API_KEY(20, Mode.JOURNALED, MERCHANT_ID, API_KEY_DIALECT, API_KEY_HASH, CUSTOMER_KEY, CURRENCY, CURRENCY_DIGITS, NAME,
        IDEMPOTENCY_KEY),
    /** The key is refused from now on; it stays listed, revoked. */
    REVOKE_API_KEY(21, Mode.JOURNALED, MERCHANT_ID, API_KEY_KEY, IDEMPOTENCY_KEY),
    /**
     * A Paywall wallet purchase: the ledger finds the merchant by the key's hash (checking the key is a Paywall key, the
     * one {@code API_KEY_KEY} names, not revoked), converts the decimal amounts to minor units of the key's currency
     * (refusing more decimals than it has), then applies it as a {@link #PURCHASE}; a repeat of an external reference by
     * the same customer answers the first purchase and moves nothing.
     */
    PAYWALL_PURCHASE(22, Mode.JOURNALED, API_KEY_HASH, API_KEY_KEY, CUSTOMER_KEY, AMOUNT_UNSCALED, DECIMAL_SCALE, DESCRIPTION,
        EXTERNAL_REFERENCE, USE_GIFT_BALANCE, CASHBACK_UNSCALED, CASHBACK_BASIS_POINTS),
    /** A merchant's fixed price for a Masumi agent: what a Masumi purchase of it without {@code Amounts} costs (replaces an earlier one). */
    REGISTER_MASUMI_AGENT(23, Mode.JOURNALED, MERCHANT_ID, AGENT_IDENTIFIER, AMOUNT_MINOR, CURRENCY, IDEMPOTENCY_KEY),
    /**
     * A Masumi escrowed purchase: the ledger finds the merchant and the buying customer by the key's hash, refuses a
     * second purchase with the same network and blockchain identifier (answering the first), prices it from
     * {@code AMOUNTS_MINOR} or the agent's fixed price, and applies it as a {@link #PURCHASE} held until
     * {@code RELEASE_AT_MS} (Masumi's {@code unlockTime}).
     */
    MASUMI_PURCHASE(24, Mode.JOURNALED, API_KEY_HASH, NETWORK, BLOCKCHAIN_IDENTIFIER, AGENT_IDENTIFIER, AMOUNTS_MINOR, MASUMI_UNIT,
        RELEASE_AT_MS, MASUMI_ECHO_JSON),
    /** Sets or clears a held Masumi purchase's refund request: at its release time it then returns to the buyer instead. */
    MASUMI_SET_REFUND_REQUESTED(25, Mode.JOURNALED, API_KEY_HASH, NETWORK, BLOCKCHAIN_IDENTIFIER, REFUND_REQUESTED),

    GET_CUSTOMER(100, Mode.QUERY, MERCHANT_ID, CUSTOMER_KEY),
    /**
     * Without {@code CURRENCY}: the customer's first currency, else the ledger's default. With {@code TO_MS} (issue 19,
     * {@code ?at=}): the balance after the customer's last entry at or before that time.
     */
    GET_CUSTOMER_BALANCE(101, Mode.QUERY, MERCHANT_ID, CUSTOMER_KEY, CURRENCY, TO_MS),
    /** With {@code TO_MS} (issue 19, {@code ?at=}): the balance after the merchant's last entry at or before that time. */
    GET_MERCHANT_BALANCE(102, Mode.QUERY, MERCHANT_ID, CURRENCY, TO_MS),
    /** {@code EMAIL} keeps the one customer with that email (ignoring case); {@code SEARCH} a substring of name, email, phone. */
    LIST_CUSTOMERS(103, Mode.QUERY, MERCHANT_ID, EMAIL, SEARCH, PAGE_LIMIT, PAGE_OFFSET),
    /** With {@code TO_MS} (issue 19, {@code ?until=}): only the entries at or before that time, as the history was then. */
    LIST_CUSTOMER_TRANSACTIONS(104, Mode.QUERY, MERCHANT_ID, CUSTOMER_KEY, PAGE_LIMIT, PAGE_OFFSET, TO_MS),
    LIST_TRANSFERS(105, Mode.QUERY, MERCHANT_ID, PAGE_LIMIT, PAGE_OFFSET),
    LIST_BALANCE_HISTORY(106, Mode.QUERY, MERCHANT_ID, FROM_MS, TO_MS, ROW_FILTER, PAGE_LIMIT, PAGE_OFFSET),
    /** {@code ROW_FILTER} {@code FILTER_NONE}: a status other than completed, which no payout has. */
    LIST_PAYOUTS(107, Mode.QUERY, MERCHANT_ID, ROW_FILTER, PAGE_LIMIT, PAGE_OFFSET),
    LIST_CUSTOMER_PAYMENT_METHODS(108, Mode.QUERY, MERCHANT_ID, CUSTOMER_KEY, PAGE_LIMIT, PAGE_OFFSET),
    /** With {@code CUSTOMER_KEY} present, only that customer's methods (none when not the merchant's customer). */
    LIST_PAYMENT_METHODS(109, Mode.QUERY, MERCHANT_ID, CUSTOMER_KEY, PAGE_LIMIT, PAGE_OFFSET),
    GET_PAYMENT_METHOD(110, Mode.QUERY, MERCHANT_ID, PAYMENT_METHOD_KEY),
    GET_PURCHASE(111, Mode.QUERY, MERCHANT_ID, PURCHASE_KEY),
    /** Newest first; each of {@code CUSTOMER_KEY}, {@code PURCHASE_STATUS} and {@code EXTERNAL_REFERENCE} narrows it when present. */
    LIST_PURCHASES(112, Mode.QUERY, MERCHANT_ID, CUSTOMER_KEY, PURCHASE_STATUS, EXTERNAL_REFERENCE, PAGE_LIMIT, PAGE_OFFSET),
    /** A purchase's refunds, newest first. */
    LIST_PURCHASE_REFUNDS(113, Mode.QUERY, MERCHANT_ID, PURCHASE_KEY, PAGE_LIMIT, PAGE_OFFSET),
    /** A customer's gift balances, oldest first. */
    LIST_GIFT_BALANCES(114, Mode.QUERY, MERCHANT_ID, CUSTOMER_KEY, PAGE_LIMIT, PAGE_OFFSET),

    // ---- issue 15
    /** A merchant's API keys, oldest first, revoked ones included. */
    LIST_API_KEYS(120, Mode.QUERY, MERCHANT_ID, PAGE_LIMIT, PAGE_OFFSET),
    /** The key's merchant's Masumi purchases on {@code NETWORK}, newest first, from {@code PURCHASE_KEY} (included) when given. */
    LIST_MASUMI_PURCHASES(121, Mode.QUERY, API_KEY_HASH, NETWORK, PAGE_LIMIT, PURCHASE_KEY);

    /** Whether a command changes state (and so is journaled before it is acknowledged) or only reads. */
    enum Mode
    {
        JOURNALED,
        QUERY
    }

    /** Exclusive upper bound of a wire code. */
    public static final int CODE_LIMIT = 128;
    /** Most fields one command may declare: its record's presence mask has this many bits. */
    public static final int FIELDS_MAX = 32;

    private static final CommandType[] BY_CODE = new CommandType[CODE_LIMIT];

    static
    {
        for (final CommandType type : values())
        {
            if (BY_CODE[type.code] != null)
            {
                throw new ExceptionInInitializerError("code=" + type.code + " of " + type + " is also " + BY_CODE[type.code]);
            }
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final boolean journaled;
    private final Field[] fields;
    private final long fieldBits;

    CommandType(final int code, final Mode mode, final Field... fields)
    {
        if (code < 0 || code >= CODE_LIMIT || (mode == Mode.JOURNALED) != (code > 0 && code < 100))
        {
            throw new IllegalArgumentException("code=" + code + " mode=" + mode + ": journaled codes are 1..99, queries 0 and 100..127");
        }
        if (fields.length > FIELDS_MAX)
        {
            throw new IllegalArgumentException("fields=" + fields.length + " exceed " + FIELDS_MAX);
        }
        long bits = 0;
        for (final Field field : fields)
        {
            if ((bits & field.bit()) != 0)
            {
                throw new IllegalArgumentException("field=" + field + " is declared twice");
            }
            bits |= field.bit();
        }
        this.code = code;
        this.journaled = mode == Mode.JOURNALED;
        this.fields = fields;
        this.fieldBits = bits;
    }

    /** @return the stable wire code of this type. */
    public int code()
    {
        return code;
    }

    /** @return true when the command changes state and so must be journaled before it is acknowledged. */
    public boolean journaled()
    {
        return journaled;
    }

    /** @return how many fields the command declares. */
    public int fieldCount()
    {
        return fields.length;
    }

    /** @return the {@code i}-th declared field, in record order. */
    public Field field(final int i)
    {
        return fields[i];
    }

    /** @return true when the command carries {@code field}. */
    public boolean declares(final Field field)
    {
        return (fieldBits & field.bit()) != 0;
    }

    /** @return the presence bits ({@link Field#bit()}) of every declared field. */
    public long fieldBits()
    {
        return fieldBits;
    }

    /**
     * @param code a wire code.
     * @return the type, or {@code null} when the code is unknown (a record from a newer version).
     */
    public static CommandType fromCode(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
