package io.ledger.journal;

import java.util.Random;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Field;
import io.ledger.engine.ResultCode;

import static io.ledger.journal.JournalFixtures.ZAR;
import static io.ledger.journal.JournalFixtures.createCustomer;
import static io.ledger.journal.JournalFixtures.payIn;
import static io.ledger.journal.JournalFixtures.purchase;

/**
 * A seeded stream of commands with hostile ones mixed in (unknown customers, other merchants' customers, bad
 * amounts and currencies, duplicate emails, negative quantities), with id gaps (queries use ids too) and times
 * that sometimes go back. Shared by the replay and snapshot tests.
 *
 * <p>Call {@link #next} for each command, then {@link #applied} with the event once the ledger applied it (so that
 * later commands can name the customers it created).
 */
public final class RandomCommands
{
    public static final String[] MERCHANTS = {"mer_alpha", "mer_beta", "mer_gamma", "mer_δέλτα"};
    private static final int USD = Currencies.pack("USD");

    private final Random random;
    private long[] customerKeys = new long[1024];
    private int[] customerMerchants = new int[1024];
    private int customers;
    private long commandId;
    private long timestampMs = 1_763_600_000_000L;

    public RandomCommands(final long seed)
    {
        random = new Random(seed);
    }

    /** @return the id the last {@link #next} stamped. */
    public long commandId()
    {
        return commandId;
    }

    /** @return the random source, for a test's own choices in the same seeded sequence. */
    public Random random()
    {
        return random;
    }

    /** Fills {@code event} with the next command, stamped. */
    public CommandEvent next(final CommandEvent event)
    {
        commandId += random.nextInt(4) == 0 ? 1 + random.nextInt(5) : 1;
        timestampMs += random.nextInt(40) - 5;
        final int roll = random.nextInt(100);
        if (roll < 15 || customers == 0)
        {
            final String merchant = MERCHANTS[random.nextInt(MERCHANTS.length)];
            final String phone = random.nextInt(40) == 0 ? null : "+2782" + (1_000_000 + random.nextInt(9_000_000));
            final String email = random.nextInt(4) == 0 ? null : "user" + random.nextInt(2_000) + "@example.co.za";
            final String name = random.nextBoolean() ? null : "Thandiwe Müller-" + random.nextInt(1_000);
            final String metadata = random.nextInt(50) == 0 ? null : "{\"tier\":" + random.nextInt(5) + "}";
            return createCustomer(event, commandId, timestampMs, merchant, phone, email, name, metadata);
        }
        final int pick = random.nextInt(customers);
        long customerKey = customerKeys[pick];
        int merchant = customerMerchants[pick];
        final int who = random.nextInt(100);
        if (who < 5)
        {
            customerKey = 1_000_000_000L + random.nextInt(1_000_000); // never created
        }
        else if (who < 10)
        {
            merchant = (merchant + 1 + random.nextInt(MERCHANTS.length - 1)) % MERCHANTS.length; // someone else's
        }
        final int currencyRoll = random.nextInt(100);
        final int currency = currencyRoll < 90 ? ZAR : currencyRoll < 98 ? USD : Currencies.NONE;
        final long amount = nextAmount(roll < 55 ? 100_000 : 60_000);
        if (roll < 55)
        {
            return payIn(event, commandId, timestampMs, MERCHANTS[merchant], customerKey, amount, currency,
                random.nextBoolean() ? "top-up " + random.nextInt(100) : null);
        }
        final long quantity = random.nextInt(50) == 0 ? -1 : 1 + random.nextInt(5);
        return purchase(event, commandId, timestampMs, MERCHANTS[merchant], customerKey, amount, currency, quantity,
            "sku-" + random.nextInt(500));
    }

    /** Remembers a customer the ledger created, for later commands to name. */
    public void applied(final CommandEvent event)
    {
        if (event.type() == CommandType.CREATE_CUSTOMER && event.result() == ResultCode.OK)
        {
            if (customers == customerKeys.length)
            {
                customerKeys = java.util.Arrays.copyOf(customerKeys, customers * 2);
                customerMerchants = java.util.Arrays.copyOf(customerMerchants, customers * 2);
            }
            customerKeys[customers] = event.customer().key();
            customerMerchants[customers++] = merchantIndex(event.textString(Field.MERCHANT_ID));
        }
    }

    /** Mostly valid amounts; purchases often exceed the balance; a few are zero, negative or too large. */
    private long nextAmount(final int bound)
    {
        return switch (random.nextInt(40))
        {
            case 0 -> 0;
            case 1 -> -1 - random.nextInt(1_000);
            case 2 -> CommandEvent.AMOUNT_MINOR_MAX + 1;
            default -> 1 + random.nextInt(bound);
        };
    }

    private static int merchantIndex(final String merchant)
    {
        for (int i = 0; i < MERCHANTS.length; i++)
        {
            if (MERCHANTS[i].equals(merchant))
            {
                return i;
            }
        }
        throw new AssertionError("merchant=" + merchant);
    }
}
