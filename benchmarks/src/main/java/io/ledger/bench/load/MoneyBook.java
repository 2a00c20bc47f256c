package io.ledger.bench.load;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load tool's own account of the money it moved, from the replies it got: every customer's expected balance
 * (the sum of its 201 pay-ins, purchases and transfers, which is independent of the order the server applied them
 * in), money paid in and money spent on purchases. A request whose reply never came (connection lost, drain
 * timeout) has an unknown outcome: its customers are marked indeterminate and excluded from the exact check.
 *
 * <p>Thread-safe: replies arrive on every client event loop.
 */
final class MoneyBook
{
    final AtomicLongArray expectedMinor;
    final LongAdder paidInMinor = new LongAdder();
    final LongAdder purchasedMinor = new LongAdder();
    final LongAdder purchasesOk = new LongAdder();
    final LongAdder transfersOk = new LongAdder();
    final LongAdder transferredMinor = new LongAdder();
    final LongAdder payInsOk = new LongAdder();
    final LongAdder unknownOutcomes = new LongAdder();
    final LongAdder unknownMinor = new LongAdder();
    final Set<Integer> indeterminate = ConcurrentHashMap.newKeySet();

    MoneyBook(final int customers)
    {
        expectedMinor = new AtomicLongArray(customers);
    }

    /** Accounts for a 201 reply to a money movement; other operations and statuses move nothing. */
    void onCreated(final Pending p)
    {
        switch (p.op)
        {
            case PAY_IN ->
            {
                expectedMinor.addAndGet(p.customer, p.amountMinor);
                paidInMinor.add(p.amountMinor);
                payInsOk.increment();
            }
            case PURCHASE -> onPurchase(p.customer, p.amountMinor);
            case TRANSFER ->
            {
                expectedMinor.addAndGet(p.customer, -p.amountMinor);
                expectedMinor.addAndGet(p.otherCustomer, p.amountMinor);
                transferredMinor.add(p.amountMinor);
                transfersOk.increment();
            }
            default ->
            {
            }
        }
    }

    /** A purchase answered 201 (alone, or as an item of a batch). */
    void onPurchase(final int customer, final long amountMinor)
    {
        expectedMinor.addAndGet(customer, -amountMinor);
        purchasedMinor.add(amountMinor);
        purchasesOk.increment();
    }

    /** A purchase whose outcome is unknown (an item of a batch whose reply could not be read). */
    void onUnknownPurchase(final int customer, final long amountMinor)
    {
        unknownOutcomes.increment();
        unknownMinor.add(amountMinor);
        indeterminate.add(customer);
    }

    /** A money movement whose outcome is unknown: it may or may not have been applied. */
    void onUnknown(final Pending p)
    {
        if (p.batchSize > 1)
        {
            for (int i = 0; i < p.batchSize; i++)
            {
                onUnknownPurchase(p.batchCustomers[i], p.batchAmountsMinor[i]);
            }
            return;
        }
        if (p.op == Op.PAY_IN || p.op == Op.PURCHASE || p.op == Op.TRANSFER)
        {
            unknownOutcomes.increment();
            unknownMinor.add(p.amountMinor);
            indeterminate.add(p.customer);
            if (p.otherCustomer >= 0)
            {
                indeterminate.add(p.otherCustomer);
            }
        }
    }
}
