package io.ledger.engine.command;

import static io.ledger.engine.Field.API_KEY_DIALECT;
import static io.ledger.engine.Field.API_KEY_HASH;
import static io.ledger.engine.Field.API_KEY_KEY;
import static io.ledger.engine.Field.CURRENCY;
import static io.ledger.engine.Field.CURRENCY_DIGITS;
import static io.ledger.engine.Field.CUSTOMER_KEY;
import static io.ledger.engine.Field.MERCHANT_ID;
import static io.ledger.engine.Field.NAME;

import java.util.function.LongFunction;

import org.agrona.collections.LongArrayList;

import io.ledger.engine.ApiDialect;
import io.ledger.engine.ApiKeyRecord;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.ApiKeyBook;
import io.ledger.engine.internal.CustomerBook;
import io.ledger.engine.internal.LedgerState;
import io.ledger.engine.internal.MerchantBooks;

/**
 * A merchant's API keys for the dialects (issue 15): create (from the SHA-256 the adapter computed of the key it drew:
 * the ledger never sees a key), revoke, list; and {@link #authenticate}, which the dialects' commands call first.
 *
 * <p>Order of refusals on create: the dialect code, the hash's form, the name's length ({@link ResultCode#INVALID_FIELD}); the
 * currency and its digits ({@link ResultCode#INVALID_CURRENCY}); a Masumi key
 * needs a customer of the merchant, a Paywall key has none ({@link ResultCode#CUSTOMER_NOT_FOUND},
 * {@link ResultCode#INVALID_FIELD}); the merchant's {@link ApiKeyBook#KEYS_PER_MERCHANT_MAX}
 * ({@link ResultCode#LIMIT_EXCEEDED}); a hash already stored ({@link ResultCode#INVALID_FIELD}: two random keys never
 * collide, so only a replayed draw could). Revoke: another merchant's or an unknown key is
 * {@link ResultCode#API_KEY_NOT_FOUND}, a revoked one {@link ResultCode#API_KEY_REVOKED}.
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class ApiKeyCommands
{
    private final ApiKeyBook keys;
    private final MerchantBooks merchants;
    private final CustomerBook customers;
    private final LongFunction<ApiKeyRecord> keyByKey;

    public ApiKeyCommands(final LedgerState state)
    {
        this.keys = state.apiKeys();
        this.merchants = state.merchants();
        this.customers = state.customers();
        this.keyByKey = keys::get;
    }

    public void register(final CommandTable table)
    {
        table.register(CommandType.CREATE_API_KEY, this::create)
            .register(CommandType.REVOKE_API_KEY, this::revoke)
            .register(CommandType.LIST_API_KEYS, this::list);
    }

    private void create(final CommandEvent event, final long timeMs)
    {
        final ApiDialect dialect = ApiDialect.fromCode(event.get(API_KEY_DIALECT));
        final String hash = event.textString(API_KEY_HASH);
        if (dialect == null || !ApiKeyBook.validHash(hash) || event.textLength(NAME) > ApiKeyBook.NAME_BYTES_MAX)
        {
            event.result(ResultCode.INVALID_FIELD);
            return;
        }
        final int digits = (int)event.get(CURRENCY_DIGITS);
        if (!Currencies.isValid((int)event.get(CURRENCY)) || digits < 0 || digits > ApiKeyBook.CURRENCY_DIGITS_MAX)
        {
            event.result(ResultCode.INVALID_CURRENCY);
            return;
        }
        final String merchantId = event.textString(MERCHANT_ID);
        final long customer = event.has(CUSTOMER_KEY) ? event.get(CUSTOMER_KEY) : ApiKeyRecord.NO_CUSTOMER;
        if (dialect == ApiDialect.MASUMI && !customers.ownedBy(customer, merchants.find(event)))
        {
            event.result(ResultCode.CUSTOMER_NOT_FOUND);
            return;
        }
        if (dialect == ApiDialect.PAYWALL && customer != ApiKeyRecord.NO_CUSTOMER)
        {
            event.result(ResultCode.INVALID_FIELD);
            return;
        }
        final LongArrayList own = keys.merchantKeys(merchantId);
        if (own != null && own.size() >= ApiKeyBook.KEYS_PER_MERCHANT_MAX)
        {
            event.result(ResultCode.LIMIT_EXCEEDED);
            return;
        }
        if (keys.byHash(hash) != null)
        {
            event.result(ResultCode.INVALID_FIELD);
            return;
        }
        final ApiKeyRecord record = new ApiKeyRecord(event.commandId(), merchantId, dialect, customer, (int)event.get(CURRENCY), digits,
            event.has(NAME) ? event.textString(NAME) : null, hash, timeMs, ApiKeyRecord.NOT_REVOKED);
        keys.put(record);
        event.resultKey(record.key());
        event.resultObject(record);
        event.result(ResultCode.OK);
    }

    private void revoke(final CommandEvent event, final long timeMs)
    {
        final ApiKeyRecord record = keys.get(event.get(API_KEY_KEY));
        if (record == null || !event.textEquals(MERCHANT_ID, record.merchantId()))
        {
            event.result(ResultCode.API_KEY_NOT_FOUND);
            return;
        }
        event.resultObject(record);
        if (record.revoked())
        {
            event.result(ResultCode.API_KEY_REVOKED);
            return;
        }
        final ApiKeyRecord revoked = record.revokedAt(timeMs);
        keys.put(revoked);
        event.resultObject(revoked);
        event.result(ResultCode.OK);
    }

    private void list(final CommandEvent event, final long timeMs)
    {
        Pages.ofKeys(event, keys.merchantKeys(event.textString(MERCHANT_ID)), keyByKey);
        event.result(ResultCode.OK);
    }

    /**
     * Finds the key a dialect request carries ({@code API_KEY_HASH}) and makes its merchant the command's
     * {@code MERCHANT_ID} (a field the dialect's command does not declare: it is not journaled, and replay finds the same
     * merchant again, revocations included, because they are applied in the same order).
     *
     * @return the key, or null with the refusal written: {@link ResultCode#API_KEY_NOT_FOUND} for an unknown key or one
     *         of another dialect, {@link ResultCode#API_KEY_REVOKED} for a revoked one.
     */
    static ApiKeyRecord authenticate(final CommandEvent event, final ApiKeyBook keys, final ApiDialect dialect)
    {
        final ApiKeyRecord record = event.has(API_KEY_HASH) ? keys.byHash(event.textString(API_KEY_HASH)) : null;
        if (record == null || record.dialect() != dialect)
        {
            event.result(ResultCode.API_KEY_NOT_FOUND);
            return null;
        }
        if (record.revoked())
        {
            event.result(ResultCode.API_KEY_REVOKED);
            return null;
        }
        event.text(MERCHANT_ID, record.merchantId());
        return record;
    }
}
