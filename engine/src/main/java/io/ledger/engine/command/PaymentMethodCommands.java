package io.ledger.engine.command;

import static io.ledger.engine.Field.CUSTOMER_KEY;
import static io.ledger.engine.Field.EXPIRY_MONTH;
import static io.ledger.engine.Field.EXPIRY_YEAR;
import static io.ledger.engine.Field.IS_DEFAULT;
import static io.ledger.engine.Field.METHOD_BRAND;
import static io.ledger.engine.Field.METHOD_LAST4;
import static io.ledger.engine.Field.METHOD_PROVIDER;
import static io.ledger.engine.Field.METHOD_TYPE;
import static io.ledger.engine.Field.PAYMENT_METHOD_KEY;
import static io.ledger.engine.Field.PHONE;

import java.util.function.LongFunction;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Ids;
import io.ledger.engine.PaymentMethodRecord;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.CustomerBook;
import io.ledger.engine.internal.LedgerState;
import io.ledger.engine.internal.MerchantBooks;
import io.ledger.engine.internal.PaymentMethodBook;
import org.agrona.collections.LongArrayList;

/**
 * Saved payment methods: save (the first, or one saved with {@code IS_DEFAULT}, becomes the customer's default),
 * delete (no other becomes the default in its place), make one the default, read, and list a customer's or the
 * merchant's. A customer has at most one default.
 *
 * <p>Single-threaded: ledger thread only. Saving allocates the records it keeps.
 */
public final class PaymentMethodCommands
{
    /** Most saved payment methods per customer. */
    public static final int PER_CUSTOMER_MAX = 50;

    private final MerchantBooks merchants;
    private final CustomerBook customers;
    private final PaymentMethodBook methods;
    private final LongFunction<PaymentMethodRecord> methodByKey;

    public PaymentMethodCommands(final LedgerState state)
    {
        this.merchants = state.merchants();
        this.customers = state.customers();
        this.methods = state.paymentMethods();
        this.methodByKey = methods::get;
    }

    public void register(final CommandTable table)
    {
        table.register(CommandType.SAVE_PAYMENT_METHOD, this::save)
            .register(CommandType.DELETE_PAYMENT_METHOD, this::delete)
            .register(CommandType.SET_DEFAULT_PAYMENT_METHOD, this::setDefault)
            .register(CommandType.GET_PAYMENT_METHOD, this::get)
            .register(CommandType.LIST_CUSTOMER_PAYMENT_METHODS, this::listCustomers)
            .register(CommandType.LIST_PAYMENT_METHODS, this::list);
    }

    private void save(final CommandEvent event, final long timeMs)
    {
        final long customerKey = event.get(CUSTOMER_KEY);
        final int merchant = merchants.find(event);
        if (!customers.ownedBy(customerKey, merchant))
        {
            event.result(ResultCode.CUSTOMER_NOT_FOUND);
            return;
        }
        if (!event.has(METHOD_TYPE) || !event.has(METHOD_PROVIDER))
        {
            event.result(ResultCode.INVALID_FIELD);
            return;
        }
        final LongArrayList before = methods.customerKeys(customerKey);
        if (before != null && before.size() >= PER_CUSTOMER_MAX)
        {
            event.result(ResultCode.LIMIT_EXCEEDED);
            return;
        }
        if (event.commandId() >= Ids.KEY_LIMIT)
        {
            event.result(ResultCode.CAPACITY_EXHAUSTED);
            return;
        }
        final boolean makeDefault = event.has(IS_DEFAULT) ? event.getBoolean(IS_DEFAULT) : before == null || before.isEmpty();
        final LongArrayList saved = methods.customerKeysForUpdate(customerKey);
        if (makeDefault)
        {
            clearDefault(saved, timeMs);
        }
        final PaymentMethodRecord method = new PaymentMethodRecord(event.commandId(), customerKey, event.textString(METHOD_TYPE),
            event.textString(METHOD_PROVIDER), event.textString(METHOD_BRAND), event.textString(METHOD_LAST4),
            (int)event.get(EXPIRY_MONTH), (int)event.get(EXPIRY_YEAR), event.textString(PHONE), makeDefault, timeMs, timeMs);
        methods.put(method);
        saved.addLong(method.key());
        merchants.book(merchant).paymentMethodKeys().addLong(method.key());
        event.resultObject(method);
        event.resultKey(method.key());
        event.result(ResultCode.OK);
    }

    private void delete(final CommandEvent event, final long timeMs)
    {
        final PaymentMethodRecord method = owned(event);
        if (method == null)
        {
            event.result(ResultCode.PAYMENT_METHOD_NOT_FOUND);
            return;
        }
        methods.remove(method);
        PaymentMethodBook.removeKey(merchants.book(merchants.find(event)).paymentMethodKeys(), method.key());
        event.resultObject(method);
        event.resultKey(method.key());
        event.result(ResultCode.OK);
    }

    /** The method becomes the default (changed at {@code timeMs}, and the previous default with it); already so: unchanged. */
    private void setDefault(final CommandEvent event, final long timeMs)
    {
        PaymentMethodRecord method = owned(event);
        if (method == null)
        {
            event.result(ResultCode.PAYMENT_METHOD_NOT_FOUND);
            return;
        }
        if (!method.isDefault())
        {
            clearDefault(methods.customerKeys(method.customerKey()), timeMs);
            method = method.withDefault(true, timeMs);
            methods.put(method);
        }
        event.resultObject(method);
        event.resultKey(method.key());
        event.result(ResultCode.OK);
    }

    /** The customer whose method keys are {@code saved} has no default any more (changed at {@code timeMs}). */
    private void clearDefault(final LongArrayList saved, final long timeMs)
    {
        for (int i = 0; i < saved.size(); i++)
        {
            final PaymentMethodRecord other = methods.get(saved.getLong(i));
            if (other.isDefault())
            {
                methods.put(other.withDefault(false, timeMs));
            }
        }
    }

    private void get(final CommandEvent event, final long timeMs)
    {
        final PaymentMethodRecord method = owned(event);
        if (method == null)
        {
            event.result(ResultCode.PAYMENT_METHOD_NOT_FOUND);
            return;
        }
        event.resultObject(method);
        event.resultKey(method.key());
        event.result(ResultCode.OK);
    }

    private void listCustomers(final CommandEvent event, final long timeMs)
    {
        final long customerKey = event.get(CUSTOMER_KEY);
        if (!customers.ownedBy(customerKey, merchants.find(event)))
        {
            event.result(ResultCode.CUSTOMER_NOT_FOUND);
            return;
        }
        Pages.ofKeys(event, methods.customerKeys(customerKey), methodByKey);
        event.result(ResultCode.OK);
    }

    /**
     * The merchant's methods, oldest first; with {@code CUSTOMER_KEY} present only that customer's (none when it is not
     * the merchant's customer: this list answers 200, never 404).
     */
    private void list(final CommandEvent event, final long timeMs)
    {
        final int merchant = Pages.merchantOf(event, merchants);
        if (merchant < 0)
        {
            return;
        }
        if (!event.has(CUSTOMER_KEY))
        {
            Pages.ofKeys(event, merchants.book(merchant).paymentMethodKeys(), methodByKey);
        }
        else if (customers.ownedBy(event.get(CUSTOMER_KEY), merchant))
        {
            Pages.ofKeys(event, methods.customerKeys(event.get(CUSTOMER_KEY)), methodByKey);
        }
    }


    /** @return the method {@code PAYMENT_METHOD_KEY} names when it belongs to a customer of the command's merchant. */
    private PaymentMethodRecord owned(final CommandEvent event)
    {
        final PaymentMethodRecord method = methods.get(event.get(PAYMENT_METHOD_KEY));
        return method != null && customers.ownedBy(method.customerKey(), merchants.find(event)) ? method : null;
    }
}
