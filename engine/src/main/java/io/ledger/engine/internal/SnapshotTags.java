package io.ledger.engine.internal;

/**
 * The tag of every snapshot section, with the part that owns it: one registry, so that a tag is never used twice.
 * Tags are never reused or renumbered. Tags up to {@link #REQUIRED_MAX} existed in payload format version 2 and every
 * snapshot holds them; a later tag is optional (a snapshot written before it existed lacks it, and the part reads as
 * its default).
 */
public final class SnapshotTags
{
    /** Counters: lastCommandId, lastTimestampMs, commandsApplied, defaultCurrency. */
    public static final int COUNTERS = 1;
    /** MerchantBooks: merchant ids in index order. */
    public static final int MERCHANTS = 2;
    /** CustomerBook: every customer. */
    public static final int CUSTOMERS = 3;
    /** CustomerBook: the email index. */
    public static final int CUSTOMER_EMAIL_INDEX = 4;
    /** Accounts: the balance and link maps. */
    public static final int CUSTOMER_BALANCES = 5;
    public static final int MERCHANT_BALANCES = 6;
    public static final int CUSTOMER_FIRST_CURRENCY = 7;
    public static final int MERCHANT_FIRST_CURRENCY = 8;
    public static final int CUSTOMER_LAST_ENTRY = 9;
    public static final int MERCHANT_LAST_ENTRY = 10;
    public static final int PAID_IN_BY_CURRENCY = 11;
    /** EntryLog: every history entry. */
    public static final int ENTRIES = 12;
    /** TextArena: the raw text bytes. */
    public static final int TEXTS = 13;
    /** LedgerSnapshot itself: the history's sizes, first, so that the reader sizes the new ledger. */
    public static final int SIZES = 14;
    /** MerchantBooks: what the ledger keeps per merchant. */
    public static final int MERCHANT_BOOKS = 15;
    public static final int CUSTOMER_ENTRY_COUNT = 16;
    public static final int PAID_OUT_BY_CURRENCY = 17;
    /** PaymentMethodBook: every saved payment method, and each customer's keys. */
    public static final int PAYMENT_METHODS = 18;
    public static final int CUSTOMER_PAYMENT_METHODS = 19;
    /** IdempotencyStore: the stored outcomes, oldest first. */
    public static final int IDEMPOTENCY = 20;
    /** The last tag of format version 2: every snapshot has the sections up to here. */
    public static final int REQUIRED_MAX = 20;
    /** DeploymentState: the id salt; written only when it is not 0. */
    public static final int DEPLOYMENT = 21;
    /** Accounts: escrowed purchases' holds (written only when there is one). */
    public static final int HELD_BALANCES = 22;
    /** Accounts: gift balances' money (written only when there is one). */
    public static final int GIFT_BALANCES = 23;
    /** PurchaseBook: the purchases that have a record (written only when there is one). */
    public static final int PURCHASES = 24;
    /** GiftBook: every gift balance (written only when there is one). */
    public static final int GIFT_BALANCE_RECORDS = 25;
    /** ApiKeyBook: every API key, as its hash (issue 15; written only when there is one). */
    public static final int API_KEYS = 26;
    /** MasumiBook: agents' prices and Masumi purchases (issue 15; written only when there is one). */
    public static final int MASUMI = 27;
    /** The largest tag this version knows; a larger one is refused (a newer version's state must not be lost). */
    public static final int MAX = 27;

    private SnapshotTags()
    {
    }
}
