package io.ledger.engine.internal;

import io.ledger.engine.BatchItems;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.ResultCode;

/**
 * The stored outcome of each command of a batch sent with an idempotency key: what a retry of the batch is answered
 * with, command by command, without applying anything again. Kept as an {@link IdempotencyRecord}'s result object.
 *
 * <p>Immutable; the records it hands to a replayed event are immutable too.
 */
final class BatchOutcome
{
    final ResultCode[] results;
    final int[] resultCurrency;
    final long[] balanceBeforeMinor;
    final long[] balanceAfterMinor;
    final long[] resultTimestampMs;
    final long[] resultKey;
    final boolean[] resultPayout;
    final Object[] resultObject;

    BatchOutcome(final int count)
    {
        results = new ResultCode[count];
        resultCurrency = new int[count];
        balanceBeforeMinor = new long[count];
        balanceAfterMinor = new long[count];
        resultTimestampMs = new long[count];
        resultKey = new long[count];
        resultPayout = new boolean[count];
        resultObject = new Object[count];
    }

    /** @return the outcomes of {@code items}' commands as the ledger wrote them. */
    static BatchOutcome of(final BatchItems items)
    {
        final BatchOutcome outcome = new BatchOutcome(items.count());
        for (int i = 0; i < items.count(); i++)
        {
            final CommandEvent item = items.item(i);
            outcome.results[i] = item.result();
            outcome.resultCurrency[i] = item.resultCurrency();
            outcome.balanceBeforeMinor[i] = item.balanceBeforeMinor();
            outcome.balanceAfterMinor[i] = item.balanceAfterMinor();
            outcome.resultTimestampMs[i] = item.resultTimestampMs();
            outcome.resultKey[i] = item.resultKey();
            outcome.resultPayout[i] = item.resultPayoutFromCommandSet();
            outcome.resultObject[i] = item.resultPayoutFromCommandSet() ? null : item.resultObject();
        }
        return outcome;
    }

    int count()
    {
        return results.length;
    }

    /**
     * Writes the stored outcomes into {@code items} (the retry's commands, equal to the first ones: same fingerprint).
     *
     * @return false, writing nothing, when the retry holds a different number of commands.
     */
    boolean replayInto(final BatchItems items)
    {
        if (items.count() != count())
        {
            return false;
        }
        for (int i = 0; i < count(); i++)
        {
            final CommandEvent item = items.item(i);
            item.clearResult();
            item.result(results[i]);
            item.resultCurrency(resultCurrency[i]);
            item.balances(balanceBeforeMinor[i], balanceAfterMinor[i]);
            item.resultTimestampMs(resultTimestampMs[i]);
            item.resultKey(resultKey[i]);
            if (resultPayout[i])
            {
                item.resultPayoutFromCommand();
            }
            else
            {
                item.resultObject(resultObject[i]);
            }
            item.replayed(true);
        }
        return true;
    }

    /** Folds the outcomes into {@code hash}. */
    void hashInto(final StateHash hash)
    {
        hash.add(count());
        for (int i = 0; i < count(); i++)
        {
            hash.add(results[i].code()).add(resultCurrency[i]).add(balanceBeforeMinor[i]).add(balanceAfterMinor[i])
                .add(resultTimestampMs[i]).add(resultKey[i]).add(resultPayout[i] ? 1 : 0);
        }
    }
}
