package io.ledger.engine;

/**
 * Every command the ledger understands. The {@code code} is the stable wire value written to the journal:
 * never renumber a type, only add new ones.
 *
 * <p>Commands that change state are {@linkplain #journaled() journaled}; queries travel the same ring so they
 * see a consistent, linearizable view of the ledger, but they are never written to the journal.
 */
public enum CommandType
{
    /** Slot claimed but not filled (a publisher failed mid-fill). Skipped by every stage. */
    NOOP(0, false),

    CREATE_CUSTOMER(1, true),
    PAY_IN(2, true),
    PURCHASE(3, true),
    UPDATE_CUSTOMER(4, true),
    TRANSFER(5, true),
    PAYOUT(6, true),
    SAVE_PAYMENT_METHOD(7, true),
    DELETE_PAYMENT_METHOD(8, true),

    GET_CUSTOMER(100, false),
    GET_CUSTOMER_BALANCE(101, false),
    GET_MERCHANT_BALANCE(102, false),
    LIST_CUSTOMERS(103, false),
    LIST_CUSTOMER_TRANSACTIONS(104, false),
    LIST_TRANSFERS(105, false),
    LIST_BALANCE_HISTORY(106, false),
    LIST_PAYOUTS(107, false),
    LIST_CUSTOMER_PAYMENT_METHODS(108, false),
    LIST_PAYMENT_METHODS(109, false),
    GET_PAYMENT_METHOD(110, false);

    private static final CommandType[] BY_CODE = new CommandType[128];

    static
    {
        for (final CommandType type : values())
        {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final boolean journaled;

    CommandType(final int code, final boolean journaled)
    {
        this.code = code;
        this.journaled = journaled;
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

    /**
     * @param code a wire code.
     * @return the type, or {@code null} when the code is unknown (a record from a newer version).
     */
    public static CommandType fromCode(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
