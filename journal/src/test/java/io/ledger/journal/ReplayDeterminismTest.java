package io.ledger.journal;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.Ledger;
import io.ledger.engine.ResultCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.ledger.journal.JournalFixtures.ZAR;
import static io.ledger.journal.JournalFixtures.createCustomer;
import static io.ledger.journal.JournalFixtures.payIn;
import static io.ledger.journal.JournalFixtures.purchase;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger rebuilt from the journal must be the ledger that was journaled (exchange-core's state-hash replay
 * test): a seeded random stream of commands, hostile ones included, is applied to a ledger and journaled; the
 * journal is replayed into a fresh ledger and the state hashes compared. Time comes from the seeded stream.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplayDeterminismTest
{
    private static final long SEED = 0x5EED_2026_1120L;
    private static final int COMMANDS = 20_000;
    private static final String[] MERCHANTS = {"mer_alpha", "mer_beta", "mer_gamma", "mer_δέλτα"};
    private static final int USD = Currencies.pack("USD");

    /** Customers created so far, with the index of the merchant that owns each. */
    private final long[] customerKeys = new long[COMMANDS];
    private final int[] customerMerchants = new int[COMMANDS];
    private int customers;

    @Test
    void shouldRebuildTheSameLedgerStateByReplayingTheJournal(@TempDir final Path dir)
    {
        final Random random = new Random(SEED);
        final Ledger original = new Ledger(ZAR);
        final CommandEvent event = new CommandEvent();
        final ResultCode[] results = new ResultCode[COMMANDS];
        final Map<ResultCode, Integer> outcomes = new EnumMap<>(ResultCode.class);
        long commandId = 0;
        long timestampMs = 1_763_600_000_000L;

        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            for (int i = 0; i < COMMANDS; i++)
            {
                commandId += random.nextInt(4) == 0 ? 1 + random.nextInt(5) : 1; // gaps: queries use ids too
                timestampMs += random.nextInt(40) - 5; // sometimes earlier: the ledger's time must not go back
                nextCommand(random, event, commandId, timestampMs);
                journal.append(event); // as the journal stage sees it: before the ledger writes any result
                original.apply(event);
                results[i] = event.result();
                outcomes.merge(event.result(), 1, Integer::sum);
                if (event.type() == CommandType.CREATE_CUSTOMER && event.result() == ResultCode.OK)
                {
                    customerKeys[customers] = event.customer().key();
                    customerMerchants[customers++] = merchantIndex(event);
                }
                if (random.nextInt(64) == 0)
                {
                    journal.endOfBatch();
                }
            }
            journal.endOfBatch();
        }
        original.checkConservation();
        for (final ResultCode expected : new ResultCode[] {ResultCode.OK, ResultCode.INVALID_AMOUNT,
            ResultCode.INVALID_CURRENCY, ResultCode.INVALID_FIELD, ResultCode.CUSTOMER_NOT_FOUND,
            ResultCode.DUPLICATE_EMAIL, ResultCode.INSUFFICIENT_FUNDS})
        {
            assertTrue(outcomes.getOrDefault(expected, 0) > 0, "the stream never produced " + expected + ": " + outcomes);
        }

        final Ledger recovered = new Ledger(ZAR);
        final ResultCode[] replayedResults = new ResultCode[COMMANDS];
        final int[] replayed = {0};
        final ChronicleJournal.ReplayResult result;
        try (ChronicleJournal journal = ChronicleJournal.open(dir, Durability.PROCESS))
        {
            assertEquals(commandId, journal.lastCommandId());
            result = journal.replay(e ->
            {
                recovered.apply(e);
                replayedResults[replayed[0]++] = e.result();
            });
        }

        assertEquals(COMMANDS, result.records());
        assertEquals(commandId, result.lastCommandId());
        assertEquals(-1, result.tornTailIndex());
        assertArrayEquals(results, replayedResults, "each command has the same outcome on replay");
        recovered.checkConservation();
        assertEquals(original.customerCount(), recovered.customerCount());
        assertEquals(original.stateHash(), recovered.stateHash());
        assertNotEquals(new Ledger(ZAR).stateHash(), recovered.stateHash(), "the hash must see the state");
    }

    private void nextCommand(final Random random, final CommandEvent event, final long commandId, final long timestampMs)
    {
        final int roll = random.nextInt(100);
        if (roll < 15 || customers == 0)
        {
            final String merchant = MERCHANTS[random.nextInt(MERCHANTS.length)];
            final String phone = random.nextInt(40) == 0 ? null : "+2782" + (1_000_000 + random.nextInt(9_000_000));
            final String email = random.nextInt(4) == 0 ? null : "user" + random.nextInt(2_000) + "@example.co.za";
            final String name = random.nextBoolean() ? null : "Thandiwe Müller-" + random.nextInt(1_000);
            final String metadata = random.nextInt(50) == 0 ? null : "{\"tier\":" + random.nextInt(5) + "}";
            createCustomer(event, commandId, timestampMs, merchant, phone, email, name, metadata);
            return;
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
        final long amount = nextAmount(random, roll < 55 ? 100_000 : 60_000);
        if (roll < 55)
        {
            payIn(event, commandId, timestampMs, MERCHANTS[merchant], customerKey, amount, currency,
                random.nextBoolean() ? "top-up " + random.nextInt(100) : null);
        }
        else
        {
            final long quantity = random.nextInt(50) == 0 ? -1 : 1 + random.nextInt(5);
            purchase(event, commandId, timestampMs, MERCHANTS[merchant], customerKey, amount, currency, quantity,
                "sku-" + random.nextInt(500));
        }
    }

    /** Mostly valid amounts; purchases often exceed the balance; a few are zero, negative or too large. */
    private static long nextAmount(final Random random, final int bound)
    {
        return switch (random.nextInt(40))
        {
            case 0 -> 0;
            case 1 -> -1 - random.nextInt(1_000);
            case 2 -> CommandEvent.AMOUNT_MINOR_MAX + 1;
            default -> 1 + random.nextInt(bound);
        };
    }

    private static int merchantIndex(final CommandEvent event)
    {
        final String merchant = event.textString(CommandEvent.TEXT_MERCHANT_ID);
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
