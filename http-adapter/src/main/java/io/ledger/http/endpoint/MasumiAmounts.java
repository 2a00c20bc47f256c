package io.ledger.http.endpoint;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.Field;

/**
 * Masumi's optional {@code Amounts} of a purchase: up to {@link #AMOUNTS_MAX} {@code {amount, unit}}, each amount an
 * integer string in the smallest unit, all of one unit ({@code lovelace}, any case, read as {@code ""}: the key's
 * currency). Their sum goes into {@link Field#AMOUNTS_MINOR}, the unit into {@link Field#MASUMI_UNIT}; whether the unit
 * is the key's currency is the ledger's to say. Stateless.
 */
final class MasumiAmounts
{
    /** Most {@code Amounts} entries (Masumi's limit). */
    static final int AMOUNTS_MAX = 7;

    private MasumiAmounts()
    {
    }

    /** Reads the array at {@code body}'s current value into the request's draft, or problems. */
    static void read(final Request request, final BodyReader body)
    {
        final JsonParser parser = body.parser();
        if (parser == null)
        {
            return;
        }
        if (parser.currentToken() != JsonToken.START_ARRAY)
        {
            request.problem().add("Amounts must be an array");
            body.skip();
            return;
        }
        long total = 0;
        String unit = null;
        int count = 0;
        try
        {
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY && token != null; token = parser.nextToken())
            {
                if (++count > AMOUNTS_MAX)
                {
                    request.problem().add("Amounts must have at most " + AMOUNTS_MAX + " entries");
                    parser.skipChildren();
                    continue;
                }
                String amount = null;
                String entryUnit = null;
                if (body.enterObject())
                {
                    while (body.nextInObject())
                    {
                        if (body.name().endsWith(".amount"))
                        {
                            amount = body.string(1, 25);
                        }
                        else if (body.name().endsWith(".unit"))
                        {
                            entryUnit = body.string(0, 150);
                        }
                    }
                }
                final long minor = amountMinor(request, amount);
                if (entryUnit == null)
                {
                    request.problem().add("Amounts[].unit should not be empty (\"\" is the seller's currency)");
                    continue;
                }
                final String normalized = "lovelace".equalsIgnoreCase(entryUnit) ? "" : entryUnit;
                if (unit != null && !unit.equals(normalized))
                {
                    request.problem().add("Amounts must all have the same unit");
                }
                unit = normalized;
                total = minor < 0 || total > CommandEvent.AMOUNT_MINOR_MAX - minor ? CommandEvent.AMOUNT_MINOR_MAX + 1 : total + minor;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            request.problem().add("request body is not valid JSON");
            return;
        }
        if (count == 0)
        {
            request.problem().add("Amounts must have at least one {amount, unit}");
        }
        else if (!request.problem().any() && (total < 1 || total > CommandEvent.AMOUNT_MINOR_MAX))
        {
            request.problem().add("Amounts must total more than 0 and at most " + CommandEvent.AMOUNT_MINOR_MAX);
        }
        if (unit != null)
        {
            request.draft().set(Field.AMOUNTS_MINOR, total).text(Field.MASUMI_UNIT, unit);
        }
    }

    /** @return an {@code Amounts[].amount}: an integer string in the smallest unit, 1..{@link CommandEvent#AMOUNT_MINOR_MAX}; else -1 (a problem). */
    private static long amountMinor(final Request request, final String amount)
    {
        if (amount == null)
        {
            if (!request.problem().any())
            {
                request.problem().add("Amounts[].amount should not be empty");
            }
            return -1;
        }
        for (int i = 0; i < amount.length(); i++)
        {
            if (amount.charAt(i) < '0' || amount.charAt(i) > '9')
            {
                request.problem().add("Amounts[].amount must be a string of digits (the smallest unit)");
                return -1;
            }
        }
        final long value = amount.length() > 18 ? CommandEvent.AMOUNT_MINOR_MAX + 1 : Long.parseLong(amount);
        if (value < 1 || value > CommandEvent.AMOUNT_MINOR_MAX)
        {
            request.problem().add("Amounts[].amount must be from 1 to " + CommandEvent.AMOUNT_MINOR_MAX);
            return -1;
        }
        return value;
    }
}
