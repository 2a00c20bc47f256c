package io.ledger.http.endpoint;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.Field;
import io.ledger.engine.IdKind;
import io.ledger.engine.Ids;

/**
 * Parses query-string parameters of list and read routes into a {@link CommandDraft}: pagination, filters and
 * the optional {@code merchantId}. A value that does not parse is a 400 naming the parameter; unknown parameters
 * are ignored, as unknown body fields are.
 *
 * <p>Thread-safety: stateless.
 */
final class QueryParser
{
    static final int LIMIT_DEFAULT = 50;
    static final int LIMIT_MAX = CommandEvent.PAGE_ROWS_MAX;

    private QueryParser()
    {
    }

    /** {@code limit} (1..100, default 50) and {@code offset} (>= 0, default 0). */
    static void page(final Map<String, List<String>> params, final CommandDraft draft, final Problem problem)
    {
        draft.set(Field.PAGE_LIMIT, LIMIT_DEFAULT);
        final String limit = first(params, "limit");
        if (limit != null)
        {
            final long value = nonNegative(limit);
            if (value < 1 || value > LIMIT_MAX)
            {
                problem.add("limit must be an integer from 1 to " + LIMIT_MAX);
            }
            else
            {
                draft.set(Field.PAGE_LIMIT, value);
            }
        }
        final String offset = first(params, "offset");
        if (offset != null)
        {
            final long value = nonNegative(offset);
            if (value < 0 || value > Integer.MAX_VALUE)
            {
                problem.add("offset must be an integer from 0 to " + Integer.MAX_VALUE);
            }
            else
            {
                draft.set(Field.PAGE_OFFSET, value);
            }
        }
    }

    /** A {@code merchantId} parameter, when given, must name the authenticated merchant: 403 otherwise. */
    static void merchant(final Map<String, List<String>> params, final String merchantId, final Problem problem)
    {
        final String given = first(params, "merchantId");
        if (given != null && !given.equals(merchantId))
        {
            problem.status(io.netty.handler.codec.http.HttpResponseStatus.FORBIDDEN, Rules.MERCHANT_FORBIDDEN);
        }
    }

    /** {@code email} (exact, ignoring case) and {@code search} (substring of name, email or phone, ignoring case). */
    static void customerFilters(final Map<String, List<String>> params, final CommandDraft draft, final Problem problem)
    {
        final String email = first(params, "email");
        if (email != null)
        {
            if (email.isEmpty() || email.length() > Rules.EMAIL_CHARS_MAX)
            {
                problem.add("email must be 1 to " + Rules.EMAIL_CHARS_MAX + " characters");
            }
            else
            {
                draft.text(Field.EMAIL, email);
            }
        }
        final String search = first(params, "search");
        if (search != null && !search.isEmpty())
        {
            if (search.length() > Rules.SEARCH_CHARS_MAX)
            {
                problem.add("search must be at most " + Rules.SEARCH_CHARS_MAX + " characters");
            }
            else
            {
                draft.text(Field.SEARCH, search);
            }
        }
    }

    /** {@code startDate}, {@code endDate} (ISO 8601, inclusive) and {@code transactionType} of the balance history. */
    static void historyFilters(final Map<String, List<String>> params, final CommandDraft draft, final Problem problem)
    {
        final String start = first(params, "startDate");
        if (start != null)
        {
            draft.set(Field.FROM_MS, instant(start, false, "startDate", problem));
        }
        final String end = first(params, "endDate");
        if (end != null)
        {
            draft.set(Field.TO_MS, instant(end, true, "endDate", problem));
        }
        if (start != null && end != null && draft.get(Field.FROM_MS) > draft.get(Field.TO_MS) && !problem.any())
        {
            problem.add("startDate must not be after endDate");
        }
        final String type = first(params, "transactionType");
        if (type != null)
        {
            final Integer filter = Rules.TRANSACTION_TYPE_FILTERS.get(type);
            if (filter == null)
            {
                problem.add(Rules.TRANSACTION_TYPE_FILTER);
            }
            else
            {
                draft.set(Field.ROW_FILTER, filter);
            }
        }
    }

    /**
     * A read as of a moment (issue 19): {@code name} ({@code at} or {@code until}) into {@code TO_MS}, inclusive; a date
     * alone is the end of that UTC day (the day's closing balance).
     */
    static void asOf(final Map<String, List<String>> params, final String name, final CommandDraft draft, final Problem problem)
    {
        final String text = first(params, name);
        if (text != null)
        {
            draft.set(Field.TO_MS, instant(text, true, name, problem));
        }
    }

    /** {@code status} of the payouts list: every payout here is {@code completed}. */
    static void payoutStatus(final Map<String, List<String>> params, final CommandDraft draft)
    {
        final String status = first(params, "status");
        if (status != null && !status.equals(io.ledger.engine.PayoutRecord.STATUS_COMPLETED))
        {
            draft.set(Field.ROW_FILTER, CommandEvent.FILTER_NONE);
        }
    }

    /** {@code customerId} of the payment methods list: only that customer's methods. */
    static void customerFilter(final Map<String, List<String>> params, final CommandDraft draft, final Ids ids)
    {
        final String customerId = first(params, "customerId");
        if (customerId != null)
        {
            draft.set(Field.CUSTOMER_KEY, ids.parse(IdKind.CUSTOMER, customerId)); // -1: nobody's, so an empty list
        }
    }

    /** {@code currency}: an upper-case ISO 4217 code, packed; {@link io.ledger.engine.Currencies#NONE} when absent. */
    static int currency(final Map<String, List<String>> params, final Problem problem)
    {
        final String value = first(params, "currency");
        if (value == null)
        {
            return io.ledger.engine.Currencies.NONE;
        }
        final int currency = Rules.currency(value);
        if (currency == io.ledger.engine.Currencies.NONE)
        {
            problem.add(Rules.CURRENCY);
        }
        return currency;
    }

    static String first(final Map<String, List<String>> params, final String name)
    {
        final List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** @return the decimal value of {@code text} when it is only digits (at most 10), else -1. */
    private static long nonNegative(final String text)
    {
        if (text.isEmpty() || text.length() > 10)
        {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * An instant as {@code 2025-01-15T10:30:00Z}, with an offset, or a date {@code 2025-01-15} (UTC), which as an
     * end date covers the whole day.
     */
    private static long instant(final String text, final boolean endOfDay, final String name, final Problem problem)
    {
        try
        {
            if (text.length() == 10)
            {
                final LocalDate date = LocalDate.parse(text);
                final long startMs = date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
                return endOfDay ? startMs + 24L * 60 * 60 * 1000 - 1 : startMs;
            }
            if (text.endsWith("Z") || text.endsWith("z"))
            {
                return Instant.parse(text.toUpperCase(java.util.Locale.ROOT)).toEpochMilli();
            }
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        }
        catch (final DateTimeException | ArithmeticException ex)
        {
            problem.add(name + " must be an ISO 8601 date or date-time, e.g. 2025-01-15 or 2025-01-15T10:30:00Z");
            return endOfDay ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
    }
}
