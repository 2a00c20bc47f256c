package io.ledger.engine;

import static io.ledger.engine.WalletLedger.ZAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deadlines through the journal: a run with escrow holds and gift balances whose deadlines pass during it (by the times
 * of later commands and by ticks), replayed from its commands, and restored from a snapshot taken in the middle plus the
 * commands after it, reaches the same state hash, with the same holds released and the same gift balances expired at
 * the same logical times.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LedgerDeadlineReplayTest
{
    private static final long MINUTE = 60_000;
    private static final String[] MERCHANTS = {"m1", "m2"};

    @Test
    void shouldReleaseAndExpireTheSameThingsAtTheSameTimesOnReplayAndFromASnapshotAndTheTail() throws IOException
    {
        final WalletLedger live = new WalletLedger();
        final Random random = new Random(14);
        final List<Long> customers = new ArrayList<>();
        final List<String> owners = new ArrayList<>();
        for (int i = 0; i < 12; i++)
        {
            final String merchant = MERCHANTS[i % 2];
            final long customer = live.customer(merchant);
            live.payIn(merchant, customer, 1_000_000, ZAR);
            customers.add(customer);
            owners.add(merchant);
        }
        final List<Long> holds = new ArrayList<>();
        final List<String> holdMerchants = new ArrayList<>();
        byte[] snapshot = null;
        int snapshotAt = -1;
        for (int step = 0; step < 4_000; step++)
        {
            live.nowMs += random.nextInt(40) == 0 ? 20 * MINUTE : random.nextInt(2_000);
            final int who = random.nextInt(customers.size());
            final long customer = customers.get(who);
            final String merchant = owners.get(who);
            final int roll = random.nextInt(10);
            if (roll < 4)
            {
                final long releaseAt = live.nowMs + 1 + random.nextInt((int)(30 * MINUTE));
                final CommandEvent held = live.heldPurchase(merchant, customer, 1 + random.nextInt(5_000), releaseAt,
                    live.nowMs + random.nextInt((int)(releaseAt - live.nowMs)));
                holds.add(held.resultKey());
                holdMerchants.add(merchant);
            }
            else if (roll < 6)
            {
                live.gift(merchant, customer, 1 + random.nextInt(3_000), ZAR, random.nextBoolean() ? 0 : live.nowMs + 1 + random.nextInt((int)(40 * MINUTE)));
            }
            else if (roll < 8)
            {
                live.purchase(merchant, customer, 1 + random.nextInt(4_000), e -> e.set(Field.USE_GIFT_BALANCE, true));
            }
            else if (roll < 9)
            {
                final int hold = Math.max(0, holds.size() - 1 - random.nextInt(4)); // a recent one: maybe still cancellable
                if (!holds.isEmpty())
                {
                    live.cancel(holdMerchants.get(hold), holds.get(hold));
                }
            }
            else
            {
                live.tick(live.nowMs);
            }
            if (step == 2_000)
            {
                snapshot = bytes(live.ledger);
                snapshotAt = live.journal.size();
            }
        }
        live.tick(live.nowMs + 60 * MINUTE);
        live.ledger.checkConservation();
        final TreeMap<Long, String> outcomes = deadlineOutcomes(live, live.journal);
        assertTrue(outcomes.values().stream().filter(o -> o.startsWith("released at its deadline")).count() > 100, "holds released by time");
        assertTrue(outcomes.values().stream().filter(o -> o.startsWith("expired")).count() > 50, "gift balances expired by time");
        assertTrue(outcomes.values().stream().filter(o -> o.startsWith("cancelled")).count() > 10, "and some cancelled first");
        assertEquals(0, live.ledger.pendingDeadlines());

        final WalletLedger replayed = new WalletLedger();
        replayed.replay(live.journal);
        assertEquals(live.ledger.stateHash(), replayed.ledger.stateHash());
        assertEquals(outcomes, deadlineOutcomes(replayed, live.journal));

        final WalletLedger restored = new WalletLedger(LedgerSnapshot.read(new DataInputStream(new ByteArrayInputStream(snapshot)), ZAR));
        assertTrue(restored.ledger.pendingDeadlines() > 0, "the snapshot holds deadlines still to pass");
        restored.replay(live.journal.subList(snapshotAt, live.journal.size()));
        assertEquals(live.ledger.stateHash(), restored.ledger.stateHash());
        assertEquals(outcomes, deadlineOutcomes(restored, live.journal));
        restored.ledger.checkConservation();
    }

    /** @return per escrowed purchase and gift balance the journal made, how it ended and when. */
    private static TreeMap<Long, String> deadlineOutcomes(final WalletLedger w, final List<CommandEvent> journal)
    {
        final TreeMap<Long, String> outcomes = new TreeMap<>();
        for (final CommandEvent command : journal)
        {
            final PurchaseRecord purchase = w.ledger.purchaseRecord(command.commandId());
            if (purchase != null && purchase.escrowed())
            {
                final boolean byTime = purchase.status() == PurchaseStatus.COMPLETED && purchase.updatedAtMs() == purchase.releaseAtMs();
                outcomes.put(purchase.key(), (byTime ? "released at its deadline " : purchase.status().apiName() + " ") + purchase.updatedAtMs());
            }
            final GiftBalanceRecord gift = w.ledger.giftBalance(command.commandId());
            if (gift != null)
            {
                outcomes.put(gift.key(), gift.status() + " " + gift.updatedAtMs() + " " + gift.expiredMinor());
            }
        }
        return outcomes;
    }

    private static byte[] bytes(final Ledger ledger) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            LedgerSnapshot.write(ledger, out);
        }
        return bytes.toByteArray();
    }
}
