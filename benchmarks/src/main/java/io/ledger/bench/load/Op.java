package io.ledger.bench.load;

/**
 * Every request the load tool sends. The first four are the workload a {@link Mix} draws from; the others belong
 * to the set-up and verification phases.
 */
enum Op
{
    PURCHASE("purchase", true),
    TRANSFER("transfer", true),
    PAY_IN("payin", true),
    BALANCE("balance", false),
    CREATE_CUSTOMER("create-customer", true),
    MERCHANT_BALANCE("merchant-balance", false);

    /** The workload operations, in {@link #ordinal()} order: indexes into per-operation statistics. */
    static final Op[] WORKLOAD = {PURCHASE, TRANSFER, PAY_IN, BALANCE};

    private final String label;
    private final boolean post;

    Op(final String label, final boolean post)
    {
        this.label = label;
        this.post = post;
    }

    /** @return the name used in {@code --mix} and in result files. */
    String label()
    {
        return label;
    }

    boolean post()
    {
        return post;
    }

    static Op byLabel(final String label)
    {
        for (final Op op : WORKLOAD)
        {
            if (op.label.equals(label))
            {
                return op;
            }
        }
        throw new IllegalArgumentException("mix operation=" + label + " must be one of purchase, transfer, payin, balance");
    }
}
