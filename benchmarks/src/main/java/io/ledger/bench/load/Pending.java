package io.ledger.bench.load;

/**
 * One request in flight on a connection: what was asked (so the reply can be accounted for) and when it was meant
 * to be sent and was sent. Preallocated per connection and reused; event-loop thread only.
 */
final class Pending
{
    Op op;
    /** Index of the customer the request is about (payer of a transfer), or -1. */
    int customer;
    /** Payee of a transfer, else -1. */
    int otherCustomer;
    long amountMinor;
    /** Set-up and verification phases: index of the task this request performs. */
    int task;
    /** When the request should have been sent: the open-loop schedule, or the send time in a closed loop. */
    long intendedNs;
    long sentNs;
    /** Purchases this request carries: 1, or N for a batch ({@link BatchShape}); then the two arrays hold them. */
    int batchSize = 1;
    int[] batchCustomers = new int[0];
    long[] batchAmountsMinor = new long[0];

    /** Makes this request a batch of {@code size} purchases (arrays grown once, then reused). */
    void batch(final int size)
    {
        if (batchCustomers.length < size)
        {
            batchCustomers = new int[size];
            batchAmountsMinor = new long[size];
        }
        batchSize = size;
    }

    void clear()
    {
        batchSize = 1;
        op = null;
        customer = -1;
        otherCustomer = -1;
        amountMinor = 0;
        task = -1;
        intendedNs = 0;
        sentNs = 0;
    }
}
