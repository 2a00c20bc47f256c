package io.ledger.engine;

/**
 * Every field a command can carry, each declared once with one meaning across all commands: its {@link Kind}, the
 * name {@code ledger journal} prints it under, the value it reads as when absent, and for keys the kind of public id
 * it stands for. Which fields a command has, and in which order its journal record holds them, is declared by its
 * {@link CommandType}; storage ({@link CommandFields}), the journal codec ({@link CommandCodec}), idempotency
 * fingerprints and journal printing all follow from these two declarations.
 *
 * <p>Adding a field is one constant here (at the end: the ordinal is the storage slot, not a wire value) and its
 * name in the {@link CommandType}s that carry it. Never give an existing field a second meaning: declare a new one.
 */
public enum Field
{
    // ---- keys and money
    /** The customer the command acts on: the one paid in to, the payer of a purchase or transfer, the one changed or read. */
    CUSTOMER_KEY(Kind.I64, "customerId", -1, IdKind.CUSTOMER),
    /** The receiving customer of a transfer. */
    TO_CUSTOMER_KEY(Kind.I64, "toCustomerId", -1, IdKind.CUSTOMER),
    /** The amount moved, in minor units: 1 to {@link CommandEvent#AMOUNT_MINOR_MAX}; the ledger checks. */
    AMOUNT_MINOR(Kind.I64, "amountMinor", 0, null),
    /** Packed with {@link Currencies}; absent is {@link Currencies#NONE} (a balance read then picks one). */
    CURRENCY(Kind.CURRENCY, "currency", Currencies.NONE, null),
    QUANTITY(Kind.I64, "quantity", 0, null),
    /** A saved payment method becomes the customer's default; absent: only when it is the customer's first. */
    IS_DEFAULT(Kind.BOOL, "isDefault", 0, null),
    /** A card's expiry month, 1..12. */
    EXPIRY_MONTH(Kind.I32, "expiryMonth", 0, null),
    /** A card's expiry year, e.g. 2027. */
    EXPIRY_YEAR(Kind.I32, "expiryYear", 0, null),
    /** The saved payment method the command deletes or reads. */
    PAYMENT_METHOD_KEY(Kind.I64, "paymentMethodId", -1, IdKind.PAYMENT_METHOD),

    // ---- texts (UTF-8, at most CommandEvent.TEXT_BYTES_MAX bytes each)
    /** The merchant the command acts for: the authenticated token's subject. Present on every merchant's command. */
    MERCHANT_ID(Kind.TEXT, "merchantId", 0, null),
    PHONE(Kind.TEXT, "phoneNumber", 0, null),
    EMAIL(Kind.TEXT, "email", 0, null),
    NAME(Kind.TEXT, "name", 0, null),
    /** A JSON object, already validated and re-serialized compactly by the adapter. */
    METADATA_JSON(Kind.JSON, "metadata", 0, null),
    DESCRIPTION(Kind.TEXT, "description", 0, null),
    PRODUCT_ID(Kind.TEXT, "productId", 0, null),
    /** The client's {@code Idempotency-Key}, scoped to the merchant; the only field fingerprints leave out. */
    IDEMPOTENCY_KEY(Kind.TEXT, "idempotencyKey", 0, null),
    /** List queries: the case-insensitive substring to search for. */
    SEARCH(Kind.TEXT, "search", 0, null),
    BANK_ACCOUNT(Kind.TEXT, "bankAccount", 0, null),
    /** Payment methods: {@code card}, {@code mobile_money}, ... */
    METHOD_TYPE(Kind.TEXT, "paymentMethodType", 0, null),
    METHOD_PROVIDER(Kind.TEXT, "provider", 0, null),
    METHOD_BRAND(Kind.TEXT, "brand", 0, null),
    METHOD_LAST4(Kind.TEXT, "last4", 0, null),

    // ---- the deployment
    /** The random value that makes this deployment's ids its own (see {@link Ids}); never 0. */
    DEPLOYMENT_SALT(Kind.I64, "deploymentSalt", 0, null),

    // ---- list query parameters (queries are never journaled)
    /** Most rows of the page: 1..{@link CommandEvent#PAGE_ROWS_MAX}. */
    PAGE_LIMIT(Kind.I32, "limit", CommandEvent.PAGE_ROWS_MAX, null),
    /** Rows to skip before the page. */
    PAGE_OFFSET(Kind.I32, "offset", 0, null),
    /** History queries: the earliest entry time kept, inclusive. */
    FROM_MS(Kind.I64, "fromMs", Long.MIN_VALUE, null),
    /**
     * History queries: the latest entry time kept, inclusive. Balance reads and a customer's history (issue 19): the
     * moment the answer is as of; present, it must be within the ledger's history and not after the query's time.
     */
    TO_MS(Kind.I64, "toMs", Long.MAX_VALUE, null),
    /** Which rows a list keeps: one of {@code CommandEvent.FILTER_*}. */
    ROW_FILTER(Kind.I32, "filter", CommandEvent.FILTER_ALL, null),

    // ---- purchases as resources, refunds, escrow, gift balances, cashback
    /** The purchase a refund, release or cancel acts on, or the one read. */
    PURCHASE_KEY(Kind.I64, "purchaseId", -1, IdKind.PURCHASE),
    /**
     * The client's own reference of a purchase or pay-in (1..128 printable characters, the adapter checks): returned
     * as given; among purchases, one customer uses each at most once.
     */
    EXTERNAL_REFERENCE(Kind.TEXT, "externalReference", 0, null),
    /** An escrowed purchase: when its hold is released to the merchant by itself, epoch milliseconds of ledger time. */
    RELEASE_AT_MS(Kind.I64, "releaseAtMs", 0, null),
    /** An escrowed purchase: the last moment it may be cancelled, epoch ms; absent: {@link #RELEASE_AT_MS}. */
    REFUNDABLE_UNTIL_MS(Kind.I64, "refundableUntilMs", 0, null),
    /** A gift balance: when its remainder returns to the merchant, epoch ms; absent: never. */
    EXPIRES_AT_MS(Kind.I64, "expiresAtMs", 0, null),
    /** A purchase spends the customer's unexpired gift balances in its currency before cash. */
    USE_GIFT_BALANCE(Kind.BOOL, "useGiftBalance", 0, null),
    /** A purchase's cashback as an amount: 1 to the purchase's amount, in minor units. */
    CASHBACK_MINOR(Kind.I64, "cashbackMinor", 0, null),
    /** A purchase's cashback as a share of its amount: 1..10000 basis points, rounded down to the minor unit. */
    CASHBACK_BASIS_POINTS(Kind.I32, "cashbackBasisPoints", 0, null),
    /** List purchases: only those with this {@link PurchaseStatus} (its ordinal). */
    PURCHASE_STATUS(Kind.I32, "status", -1, null),

    // ---- API keys and dialects (issue 15)
    /** The API key a command revokes, or the one a Paywall request names in {@code apiclientpublic}. */
    API_KEY_KEY(Kind.I64, "apiKeyId", -1, IdKind.API_KEY),
    /**
     * SHA-256 of an API key's text, 64 lower-case hex characters: what a new key is stored as, and what a dialect request
     * is authenticated by. The key itself is never journaled.
     */
    API_KEY_HASH(Kind.TEXT, "apiKeySha256", 0, null),
    /** The {@link ApiDialect} code a key is issued for. */
    API_KEY_DIALECT(Kind.I32, "dialect", 0, null),
    /**
     * A new API key's text, from the adapter to its own reply, shown once. <b>Declared by no command</b>, so never
     * journaled, fingerprinted or printed; the ledger never reads it.
     */
    API_KEY_SECRET(Kind.TEXT, "apiKeySecret", 0, null),
    /**
     * Digits after the point of a key's {@code CURRENCY} (ISO 4217's minor unit, which the adapter looks up when the key is
     * created and which is journaled with it, so replay never depends on the JVM's currency data).
     */
    CURRENCY_DIGITS(Kind.I32, "currencyDigits", -1, null),
    /** A dialect's decimal amount in major units, as its unscaled integer: the amount is {@code unscaled / 10^DECIMAL_SCALE}. */
    AMOUNT_UNSCALED(Kind.I64, "amountUnscaled", 0, null),
    /** A dialect's decimal cashback amount in major units, unscaled like {@link #AMOUNT_UNSCALED}, with the same scale. */
    CASHBACK_UNSCALED(Kind.I64, "cashbackUnscaled", 0, null),
    /** Digits after the point of {@link #AMOUNT_UNSCALED} and {@link #CASHBACK_UNSCALED}: 0..18. */
    DECIMAL_SCALE(Kind.I32, "decimalScale", 0, null),

    // ---- the Masumi dialect (issue 15)
    /** A Masumi agent's identifier (1..250 characters): what a merchant registers a fixed price for, and what a purchase buys. */
    AGENT_IDENTIFIER(Kind.TEXT, "agentIdentifier", 0, null),
    /** A Masumi network ({@code Preprod} or {@code Mainnet}, the adapter checks): with the blockchain identifier, a purchase's key. */
    NETWORK(Kind.TEXT, "network", 0, null),
    /** A Masumi purchase's {@code blockchainIdentifier} (1..8000 characters): unique per merchant and network. */
    BLOCKCHAIN_IDENTIFIER(Kind.TEXT, "blockchainIdentifier", 0, null),
    /** The unit of a Masumi purchase's {@code Amounts}: {@code ""} is the key's currency; no other unit is mapped yet. */
    MASUMI_UNIT(Kind.TEXT, "unit", 0, null),
    /** The total of a Masumi purchase's {@code Amounts}, in minor units of its unit; absent: the agent's fixed price. */
    AMOUNTS_MINOR(Kind.I64, "amountsMinor", 0, null),
    /** Set (true) or clear (false) a Masumi purchase's refund request. */
    REFUND_REQUESTED(Kind.BOOL, "refundRequested", 0, null),
    /**
     * What a Masumi purchase only stores and echoes, as a compact JSON object of strings the adapter built and checked:
     * {@code identifierFromPurchaser}, {@code sellerVkey}, {@code paymentType}, {@code inputHash}, {@code metadata},
     * {@code payByTime}, {@code submitResultTime}, {@code externalDisputeUnlockTime}.
     */
    MASUMI_ECHO_JSON(Kind.JSON, "masumi", 0, null);

    /** How a field's value is held and journaled. */
    public enum Kind
    {
        /** A signed 64-bit integer: 8 bytes in a record. */
        I64(8),
        /** A signed 32-bit integer: 4 bytes. */
        I32(4),
        /** A packed currency ({@link Currencies}): 4 bytes. */
        CURRENCY(4),
        /** 0 or 1: 1 byte. */
        BOOL(1),
        /** UTF-8 text: u16 length and the bytes. */
        TEXT(-1),
        /** A compact JSON object, as text. */
        JSON(-1);

        private final int fixedBytes;

        Kind(final int fixedBytes)
        {
            this.fixedBytes = fixedBytes;
        }

        /** @return the bytes a value takes in a record, or -1 for a text (length-prefixed). */
        public int fixedBytes()
        {
            return fixedBytes;
        }

        /** @return true for {@link #TEXT} and {@link #JSON}. */
        public boolean text()
        {
            return fixedBytes < 0;
        }
    }

    /** Number of fields: the size of a command's value and text arrays. At most 64 (one presence bit each). */
    public static final int COUNT = values().length;

    private static final long[] DEFAULTS = new long[COUNT];

    static
    {
        if (COUNT > Long.SIZE)
        {
            throw new ExceptionInInitializerError("fields=" + COUNT + " exceed the 64 presence bits of CommandFields");
        }
        for (final Field field : values())
        {
            DEFAULTS[field.ordinal()] = field.absentValue;
        }
    }

    private final Kind kind;
    private final String printedName;
    private final long absentValue;
    private final IdKind idKind;
    private final long bit;

    Field(final Kind kind, final String printedName, final long absentValue, final IdKind idKind)
    {
        this.kind = kind;
        this.printedName = printedName;
        this.absentValue = absentValue;
        this.idKind = idKind;
        this.bit = 1L << ordinal();
    }

    public Kind kind()
    {
        return kind;
    }

    /** @return the name {@code ledger journal} prints the field under. */
    public String printedName()
    {
        return printedName;
    }

    /** @return what the field reads as when a command does not carry it. */
    public long absentValue()
    {
        return absentValue;
    }

    /** @return for a key, the kind of public id it is printed as; else null. */
    public IdKind idKind()
    {
        return idKind;
    }

    /** @return this field's presence bit: {@code 1L << ordinal()}. */
    public long bit()
    {
        return bit;
    }

    /** @return the {@link #absentValue()} of the field of ordinal {@code ordinal}. */
    static long absentValue(final int ordinal)
    {
        return DEFAULTS[ordinal];
    }

    /** Copies every field's {@link #absentValue()} into {@code values}, indexed by ordinal. */
    static void fillAbsent(final long[] values)
    {
        System.arraycopy(DEFAULTS, 0, values, 0, COUNT);
    }

    /**
     * Makes absent the fields whose {@link #bit()}s are in {@code presentBits}, leaving the others' slots alone: a
     * command's clear then writes the few fields it carried (a purchase six) instead of all {@link #COUNT} slots. Right
     * only when every other slot already holds its absent value, as {@link CommandFields} keeps it (only
     * {@code set} leaves a value other than absent, and it sets the field's bit).
     */
    static void fillAbsent(final long[] values, final long presentBits)
    {
        long bits = presentBits;
        while (bits != 0)
        {
            final int ordinal = Long.numberOfTrailingZeros(bits);
            values[ordinal] = DEFAULTS[ordinal];
            bits &= bits - 1;
        }
    }
}
