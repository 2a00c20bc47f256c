package io.ledger.engine.command;

import static io.ledger.engine.Field.CUSTOMER_KEY;
import static io.ledger.engine.Field.EMAIL;
import static io.ledger.engine.Field.MERCHANT_ID;
import static io.ledger.engine.Field.METADATA_JSON;
import static io.ledger.engine.Field.NAME;
import static io.ledger.engine.Field.PAGE_LIMIT;
import static io.ledger.engine.Field.PAGE_OFFSET;
import static io.ledger.engine.Field.PHONE;
import static io.ledger.engine.Field.SEARCH;

import java.util.function.LongFunction;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.CustomerRecord;
import io.ledger.engine.Ids;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.CustomerBook;
import io.ledger.engine.internal.LedgerState;
import io.ledger.engine.internal.MerchantBooks;
import org.agrona.collections.LongArrayList;

/**
 * Customers: create, update (PATCH), read, and list a merchant's. A customer's key is the id of the command that
 * created it; its merchant is registered by its first customer.
 *
 * <p>Single-threaded: ledger thread only. Allocates the records it keeps (and, for list filters, the strings it
 * compares).
 */
public final class CustomerCommands
{
    private final MerchantBooks merchants;
    private final CustomerBook customers;
    private final LongFunction<CustomerRecord> customerByKey;

    public CustomerCommands(final LedgerState state)
    {
        this.merchants = state.merchants();
        this.customers = state.customers();
        this.customerByKey = customers::get;
    }

    public void register(final CommandTable table)
    {
        table.register(CommandType.CREATE_CUSTOMER, this::create)
            .register(CommandType.UPDATE_CUSTOMER, this::update)
            .register(CommandType.GET_CUSTOMER, this::get)
            .register(CommandType.LIST_CUSTOMERS, this::list);
    }

    private void create(final CommandEvent event, final long timeMs)
    {
        if (event.textLength(PHONE) <= 0 || !event.has(METADATA_JSON) || !event.has(MERCHANT_ID))
        {
            event.result(ResultCode.INVALID_FIELD);
            return;
        }
        if (event.commandId() >= Ids.KEY_LIMIT)
        {
            event.result(ResultCode.CAPACITY_EXHAUSTED);
            return;
        }
        final int merchant = merchants.register(event, timeMs);
        final String email = event.textString(EMAIL);
        final String emailKey = email == null ? null : CustomerBook.emailKey(merchant, email); // made once: checked, then indexed
        if (emailKey != null && customers.byEmailKey(emailKey) >= 0)
        {
            event.result(ResultCode.DUPLICATE_EMAIL);
            return;
        }
        final long key = event.commandId();
        final CustomerRecord customer = new CustomerRecord(key, merchants.id(merchant), event.textString(PHONE), email,
            event.textString(NAME), event.textString(METADATA_JSON), timeMs, timeMs);
        customers.add(customer, merchant, emailKey);
        merchants.book(merchant).customerKeys().addLong(key);
        event.customer(customer);
        event.resultKey(key);
        event.result(ResultCode.OK);
    }

    /** PATCH semantics: {@code EMAIL} and {@code NAME} change when given; {@code METADATA_JSON} (required) is replaced. */
    private void update(final CommandEvent event, final long timeMs)
    {
        final long key = event.get(CUSTOMER_KEY);
        final int merchant = merchants.find(event);
        if (!customers.ownedBy(key, merchant))
        {
            event.result(ResultCode.CUSTOMER_NOT_FOUND);
            return;
        }
        if (!event.has(METADATA_JSON))
        {
            event.result(ResultCode.INVALID_FIELD);
            return;
        }
        final CustomerRecord old = customers.get(key);
        final String email = event.has(EMAIL) ? event.textString(EMAIL) : old.email();
        final long holder = email == null ? -1 : customers.byEmail(merchant, email);
        if (holder >= 0 && holder != key)
        {
            event.result(ResultCode.DUPLICATE_EMAIL);
            return;
        }
        final CustomerRecord customer = new CustomerRecord(key, old.merchantId(), old.phoneNumber(), email,
            event.has(NAME) ? event.textString(NAME) : old.name(), event.textString(METADATA_JSON), old.createdAtMs(), timeMs);
        customers.replace(customer, merchant);
        event.customer(customer);
        event.resultKey(key);
        event.result(ResultCode.OK);
    }

    private void get(final CommandEvent event, final long timeMs)
    {
        final long key = event.get(CUSTOMER_KEY);
        if (!customers.ownedBy(key, merchants.find(event)))
        {
            event.result(ResultCode.CUSTOMER_NOT_FOUND);
            return;
        }
        event.customer(customers.get(key));
        event.resultKey(key);
        event.result(ResultCode.OK);
    }

    /**
     * The merchant's customers, oldest first. {@code EMAIL} keeps the one whose email equals it (ignoring case);
     * {@code SEARCH} keeps those whose name, email or phone contains it (ignoring case), scanning the merchant's
     * customers.
     */
    private void list(final CommandEvent event, final long timeMs)
    {
        final int merchant = Pages.merchantOf(event, merchants);
        if (merchant < 0)
        {
            return;
        }
        final int offset = (int)event.get(PAGE_OFFSET);
        final String search = event.textString(SEARCH);
        if (event.has(EMAIL))
        {
            final long key = customers.byEmail(merchant, event.textString(EMAIL));
            if (key >= 0 && matches(customers.get(key), search))
            {
                event.rowTotal(1);
                if (offset == 0)
                {
                    event.addRow(customers.get(key));
                }
            }
            return;
        }
        final LongArrayList keys = merchants.book(merchant).customerKeys();
        if (search == null)
        {
            Pages.ofKeys(event, keys, customerByKey);
            return;
        }
        final int limit = (int)event.get(PAGE_LIMIT);
        long total = 0;
        for (int i = 0; i < keys.size(); i++)
        {
            final CustomerRecord customer = customers.get(keys.getLong(i));
            if (matches(customer, search))
            {
                if (total >= offset && event.rowCount() < limit)
                {
                    event.addRow(customer);
                }
                total++;
            }
        }
        event.rowTotal(total);
    }

    private static boolean matches(final CustomerRecord customer, final String search)
    {
        return search == null || containsIgnoreCase(customer.name(), search) || containsIgnoreCase(customer.email(), search)
            || containsIgnoreCase(customer.phoneNumber(), search);
    }

    private static boolean containsIgnoreCase(final String text, final String part)
    {
        if (text == null)
        {
            return false;
        }
        final int last = text.length() - part.length();
        for (int i = 0; i <= last; i++)
        {
            if (text.regionMatches(true, i, part, 0, part.length()))
            {
                return true;
            }
        }
        return false;
    }
}
