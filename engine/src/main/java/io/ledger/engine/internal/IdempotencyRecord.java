package io.ledger.engine.internal;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.CustomerRecord;
import io.ledger.engine.ResultCode;

/**
 * The stored outcome of a command sent with an idempotency key: enough to answer a retry with exactly the same
 * response without applying anything again. Rebuilt by replay (the key is journaled with its command) and kept
 * at least {@link IdempotencyStore#KEY_TTL_MS}.
 *
 * <p>Immutable; the references it hands to a replayed event are immutable too.
 */
final class IdempotencyRecord
{
    final String scopedKey;
    final long fingerprint;
    final long createdAtMs;
    final CommandType type;
    final ResultCode result;
    final int resultCurrency;
    final long balanceBeforeMinor;
    final long balanceAfterMinor;
    final long resultTimestampMs;
    final long accountUpdatedAtMs;
    final long resultKey;
    final CustomerRecord customer;
    final Object resultObject;

    IdempotencyRecord(final String scopedKey, final long fingerprint, final long createdAtMs, final CommandEvent outcome)
    {
        this.scopedKey = scopedKey;
        this.fingerprint = fingerprint;
        this.createdAtMs = createdAtMs;
        this.type = outcome.type();
        this.result = outcome.result();
        this.resultCurrency = outcome.resultCurrency();
        this.balanceBeforeMinor = outcome.balanceBeforeMinor();
        this.balanceAfterMinor = outcome.balanceAfterMinor();
        this.resultTimestampMs = outcome.resultTimestampMs();
        this.accountUpdatedAtMs = outcome.accountUpdatedAtMs();
        this.resultKey = outcome.resultKey();
        this.customer = outcome.customer();
        this.resultObject = outcome.type() == CommandType.BATCH && outcome.batch() != null ? BatchOutcome.of(outcome.batch())
            : outcome.resultObject();
    }

    /** Writes the stored outcome into {@code event}, marked as a replay. */
    void replayInto(final CommandEvent event)
    {
        event.result(result);
        event.resultCurrency(resultCurrency);
        event.balances(balanceBeforeMinor, balanceAfterMinor);
        event.resultTimestampMs(resultTimestampMs);
        event.accountUpdatedAtMs(accountUpdatedAtMs);
        event.resultKey(resultKey);
        event.customer(customer);
        if (resultObject instanceof BatchOutcome batch)
        {
            if (event.batch() == null || !batch.replayInto(event.batch()))
            {
                event.result(ResultCode.IDEMPOTENCY_KEY_REUSED);
                return;
            }
        }
        else
        {
            event.resultObject(resultObject);
        }
        event.replayed(true);
    }
}
