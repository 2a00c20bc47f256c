package io.ledger.journal.snapshot;

import static io.ledger.journal.snapshot.SnapshotStoreTest.ZAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Field;
import io.ledger.engine.GiftBalanceRecord;
import io.ledger.engine.Ledger;
import io.ledger.engine.PurchaseRecord;
import io.ledger.engine.PurchaseStatus;
import io.ledger.engine.ResultCode;
import io.ledger.journal.ChronicleJournal;
import io.ledger.journal.Durability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deadlines through the journal, on disk: escrow holds and expiring gift balances whose deadlines pass during the run
 * (by later commands' times and by journaled ticks), a snapshot taken while some are still pending; recovering from
 * the whole journal and from the snapshot plus the journal after it gives the state hash of the run, with the same
 * holds released and the same gift balances expired at the same logical times.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeadlineRecoveryTest
{
    private static final long MINUTE = 60_000;

    @TempDir
    Path dataDir;

    @Test
    void shouldRecoverTheSameReleasesAndExpiriesFromTheJournalAndFromASnapshotAndItsTail() throws Exception
    {
        final Path journalDir = dataDir.resolve("journal");
        final SnapshotStore store = SnapshotStore.open(dataDir.resolve(SnapshotStore.DIRECTORY_NAME));
        final Ledger ledger = new Ledger(ZAR);
        final CommandEvent event = new CommandEvent();
        final Random random = new Random(1414);
        final List<Long> made = new ArrayList<>();
        long commandId = 0;
        long timeMs = 1_767_225_600_000L;
        int pendingAtSnapshot = -1;
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir, Durability.PROCESS))
        {
            final String[] merchants = {"mer_a", "mer_b"};
            for (int step = 0; step < 3_000; step++)
            {
                timeMs += random.nextInt(50) == 0 ? 15 * MINUTE : random.nextInt(3_000);
                event.clear();
                event.stamp(++commandId, timeMs);
                final int customer = 1 + 2 * random.nextInt(5); // customers are the commands 1, 3, ... 9, each paid in at the next
                final String merchant = merchants[(customer / 2) % 2];
                if (step < 10)
                {
                    if (step % 2 == 0)
                    {
                        event.type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, merchants[(step / 2) % 2]).text(Field.PHONE, "+27")
                            .text(Field.METADATA_JSON, "{}");
                    }
                    else
                    {
                        event.type(CommandType.PAY_IN).text(Field.MERCHANT_ID, merchants[(step / 2) % 2]).set(Field.CUSTOMER_KEY, step)
                            .set(Field.AMOUNT_MINOR, 5_000_000).set(Field.CURRENCY, ZAR);
                    }
                }
                else
                {
                    final int roll = random.nextInt(10);
                    event.text(Field.MERCHANT_ID, merchant);
                    if (roll < 4)
                    {
                        final long releaseAt = timeMs + 1 + random.nextInt((int)(20 * MINUTE));
                        event.type(CommandType.PURCHASE).set(Field.CUSTOMER_KEY, customer).set(Field.AMOUNT_MINOR, 1 + random.nextInt(9_000))
                            .set(Field.CURRENCY, ZAR).set(Field.QUANTITY, 1).text(Field.PRODUCT_ID, "sku")
                            .set(Field.RELEASE_AT_MS, releaseAt).set(Field.REFUNDABLE_UNTIL_MS, timeMs + random.nextInt((int)(releaseAt - timeMs)));
                    }
                    else if (roll < 6)
                    {
                        event.type(CommandType.CREATE_GIFT_BALANCE).set(Field.CUSTOMER_KEY, customer).set(Field.AMOUNT_MINOR, 1 + random.nextInt(900))
                            .set(Field.CURRENCY, ZAR).set(Field.EXPIRES_AT_MS, timeMs + 1 + random.nextInt((int)(30 * MINUTE)));
                    }
                    else if (roll < 8)
                    {
                        event.type(CommandType.PURCHASE).set(Field.CUSTOMER_KEY, customer).set(Field.AMOUNT_MINOR, 1 + random.nextInt(2_000))
                            .set(Field.CURRENCY, ZAR).set(Field.QUANTITY, 1).text(Field.PRODUCT_ID, "sku").set(Field.USE_GIFT_BALANCE, true);
                    }
                    else if (roll < 9 && !made.isEmpty())
                    {
                        event.type(CommandType.CANCEL_PURCHASE).set(Field.PURCHASE_KEY, made.get(Math.max(0, made.size() - 1 - random.nextInt(3))));
                    }
                    else
                    {
                        event.clearFields();
                        event.type(CommandType.TICK);
                    }
                }
                journal.append(event);
                ledger.apply(event);
                if (event.type() == CommandType.PURCHASE && event.result() == ResultCode.OK)
                {
                    made.add(event.resultKey());
                }
                if (step == 1_500)
                {
                    SnapshotStoreTest.write(store, ledger, journal);
                    pendingAtSnapshot = ledger.pendingDeadlines();
                }
            }
        }
        ledger.checkConservation();
        assertTrue(pendingAtSnapshot > 0, "the snapshot holds deadlines that pass in the tail");
        final TreeMap<Long, String> outcomes = outcomes(ledger, commandId);
        assertTrue(outcomes.values().stream().filter(o -> o.startsWith("released at its deadline")).count() > 100, outcomes.toString());
        assertTrue(outcomes.values().stream().filter(o -> o.startsWith("expired")).count() > 50, outcomes.toString());

        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(journalDir))
        {
            final LedgerRecovery.Result fromSnapshot = LedgerRecovery.recover(journal, store, dataDir, ZAR, null);
            assertNotNull(fromSnapshot.snapshot());
            assertEquals(ledger.stateHash(), fromSnapshot.ledger().stateHash());
            assertEquals(outcomes, outcomes(fromSnapshot.ledger(), commandId));
            fromSnapshot.ledger().checkConservation();

            final LedgerRecovery.Result full = LedgerRecovery.recover(journal, null, dataDir, ZAR, null);
            assertNull(full.snapshot());
            assertEquals(ledger.stateHash(), full.ledger().stateHash());
            assertEquals(outcomes, outcomes(full.ledger(), commandId));
            assertEquals(ledger.nextDeadlineMs(), full.ledger().nextDeadlineMs());
        }
    }

    /** @return per escrowed purchase and gift balance, how it ended (or stands) and when. */
    private static TreeMap<Long, String> outcomes(final Ledger ledger, final long lastCommandId)
    {
        final TreeMap<Long, String> outcomes = new TreeMap<>();
        for (long key = 1; key <= lastCommandId; key++)
        {
            final PurchaseRecord purchase = ledger.purchaseRecord(key);
            if (purchase != null)
            {
                final boolean byTime = purchase.status() == PurchaseStatus.COMPLETED && purchase.updatedAtMs() == purchase.releaseAtMs();
                outcomes.put(key, (byTime ? "released at its deadline " : purchase.status().apiName() + " ") + purchase.updatedAtMs());
            }
            final GiftBalanceRecord gift = ledger.giftBalance(key);
            if (gift != null)
            {
                outcomes.put(key, gift.status() + " " + gift.updatedAtMs() + " " + gift.remainingMinor() + " " + gift.expiredMinor());
            }
        }
        return outcomes;
    }
}
