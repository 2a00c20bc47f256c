package io.ledger.engine;

/**
 * Where a purchase stands. A plain purchase is {@link #COMPLETED} from the start; an escrowed one starts {@link #HELD} and
 * becomes {@link #COMPLETED} when released (by hand or at its release time) or {@link #CANCELLED}; a completed one
 * becomes {@link #PARTIALLY_REFUNDED} and then {@link #REFUNDED} as refunds return its cash part.
 *
 * <pre>
 *   HELD --release / releaseAt--> COMPLETED --refund--> PARTIALLY_REFUNDED --refund--> REFUNDED
 *     \--cancel (until refundableUntil)--> CANCELLED        \-------------refund of all that is left--------^
 * </pre>
 *
 * The ordinal is stored in snapshots: append only. A state a dialect needs (a refund requested of a hold, a dispute) is
 * a new constant here with its transitions in the escrow family, and the deadline's outcome decided by the purchase's
 * state ({@code EscrowCommands}): nothing else has to change.
 */
public enum PurchaseStatus
{
    COMPLETED("completed"),
    HELD("held"),
    CANCELLED("cancelled"),
    PARTIALLY_REFUNDED("partially_refunded"),
    REFUNDED("refunded");

    private static final PurchaseStatus[] BY_ORDINAL = values();

    private final String apiName;

    PurchaseStatus(final String apiName)
    {
        this.apiName = apiName;
    }

    /** @return the {@code status} the API shows. */
    public String apiName()
    {
        return apiName;
    }

    /** @return the status stored as {@code ordinal}, or null when out of range. */
    public static PurchaseStatus fromOrdinal(final int ordinal)
    {
        return ordinal >= 0 && ordinal < BY_ORDINAL.length ? BY_ORDINAL[ordinal] : null;
    }

    /** @return the status the API calls {@code apiName}, or null. */
    public static PurchaseStatus fromApiName(final String apiName)
    {
        for (final PurchaseStatus status : BY_ORDINAL)
        {
            if (status.apiName.equals(apiName))
            {
                return status;
            }
        }
        return null;
    }
}
