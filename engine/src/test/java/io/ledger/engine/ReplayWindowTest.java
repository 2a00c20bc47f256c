package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A replay through a {@link ReplayWindow} must rebuild exactly the ledger a record-by-record replay rebuilds: the same
 * outcome for every command, the same state hash, the same snapshot bytes, whatever the window's size. The journal is
 * {@link LedgerSnapshotTest}'s stream of every journaled command type (customers, pay-ins, purchases held and released
 * by deadlines, transfers, refunds, gift balances that expire, payment methods, idempotency keys and their retries,
 * ticks), encoded as the journal encodes it and decoded into the window's own events as a journal reader does.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplayWindowTest
{
    private static final int ZAR = Currencies.pack("ZAR");
    private static final int COMMANDS = 30_000;

    @Test
    void shouldRebuildTheSameOutcomesStateAndSnapshotBytesAsARecordByRecordReplayWhateverTheWindow() throws IOException
    {
        final List<byte[]> journal = new ArrayList<>();
        final Ledger original = new Ledger(ZAR);
        new LedgerSnapshotTest.Stream(0x5EEDL).beforeApply(event -> journal(event, journal)).apply(original, COMMANDS);
        assertTrue(journal.size() > COMMANDS / 2, "journaled " + journal.size());

        final Ledger plain = new Ledger(ZAR);
        final List<String> plainOutcomes = new ArrayList<>();
        final CommandEvent event = new CommandEvent();
        for (final byte[] record : journal)
        {
            decode(record, event);
            plain.apply(event);
            plainOutcomes.add(outcome(event));
        }
        assertEquals(original.stateHash(), plain.stateHash(), "the record-by-record replay rebuilds the ledger");
        final String all = String.join("\n", plainOutcomes);
        for (final String seen : new String[] {"PAY_IN OK", "PURCHASE OK", "TRANSFER OK", "REFUND_PURCHASE OK", "CREATE_GIFT_BALANCE OK",
            "RELEASE_PURCHASE OK", "TICK OK", "replayed", "INSUFFICIENT_FUNDS", "CUSTOMER_NOT_FOUND"})
        {
            assertTrue(all.contains(seen), "the journal holds " + seen);
        }
        final byte[] plainBytes = bytes(plain);

        for (final int size : new int[] {1, 2, 5, 16, 64})
        {
            replayThroughWindow(journal, size, ReplayWindow.READ_AHEAD_CUSTOMERS_MIN, plainOutcomes, plain, plainBytes);
            final ReplayWindow readingAhead = replayThroughWindow(journal, size, 0, plainOutcomes, plain, plainBytes);
            assertEquals(size > 1, readingAhead.touched() != 0, "window=" + size + " read ahead whatever the customers");
        }
    }

    /** Replays {@code journal} through a window of {@code size} reading ahead from {@code customersMin} customers on. */
    private static ReplayWindow replayThroughWindow(final List<byte[]> journal, final int size, final int customersMin,
        final List<String> plainOutcomes, final Ledger plain, final byte[] plainBytes) throws IOException
    {
        final Ledger windowed = new Ledger(ZAR);
        final List<String> outcomes = new ArrayList<>();
        final ReplayWindow window = ReplayWindow.readingAheadFrom(windowed, size, applied -> outcomes.add(outcome(applied)), customersMin);
        for (final byte[] record : journal)
        {
            decode(record, window.next());
            window.commit();
            assertTrue(window.waiting() < size, "a full window is applied at once");
        }
        window.flush();

        assertEquals(0, window.waiting());
        assertEquals(journal.size(), window.applied());
        assertEquals(plainOutcomes, outcomes, "window=" + size + ": every command's outcome, in order");
        assertEquals(plain.stateHash(), windowed.stateHash(), "window=" + size);
        assertArrayEquals(plainBytes, bytes(windowed), "window=" + size + ": the same snapshot bytes");
        windowed.checkConservation();
        return window;
    }

    @Test
    void shouldApplyNothingUntilTheWindowIsFullAndTheRestOnFlush()
    {
        final Ledger ledger = new Ledger(ZAR);
        final ReplayWindow window = new ReplayWindow(ledger, 4, null);
        long commandId = 1;
        final CommandEvent created = window.next();
        created.clear();
        created.type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, "m1").text(Field.PHONE, "+27820000001").text(Field.METADATA_JSON, "{}").stamp(commandId++, 1_000);
        window.commit();
        for (int i = 0; i < 2; i++)
        {
            payIn(window.next(), 1, commandId++, 100);
            window.commit();
        }
        assertEquals(0, ledger.commandsApplied(), "three waiting, none applied");
        assertEquals(3, window.waiting());

        payIn(window.next(), 1, commandId++, 100);
        window.commit();
        assertEquals(4, ledger.commandsApplied(), "the fourth fills the window: all four applied, in order");
        assertEquals(300, ledger.customerBalance(1, ZAR), "the customer the window created was paid three times");

        payIn(window.next(), 1, commandId++, 5);
        window.commit();
        assertEquals(300, ledger.customerBalance(1, ZAR));
        window.flush();
        assertEquals(305, ledger.customerBalance(1, ZAR), "flush applies what waits");
        assertEquals(5, window.applied());
        window.flush();
        assertEquals(5, ledger.commandsApplied(), "a flush of an empty window applies nothing");
    }

    @Test
    void shouldApplyBorrowedEventsInOrderAndLeaveThemUntouchedUntilApplied()
    {
        final Ledger ledger = new Ledger(ZAR);
        final ReplayWindow window = ReplayWindow.borrowing(ledger, 3, null);
        assertThrows(IllegalStateException.class, window::next, "a borrowing window owns no events");
        final CommandEvent[] ring = {new CommandEvent(), new CommandEvent(), new CommandEvent(), new CommandEvent()};
        ring[0].clear();
        ring[0].type(CommandType.CREATE_CUSTOMER).text(Field.MERCHANT_ID, "m1").text(Field.PHONE, "+27820000001").text(Field.METADATA_JSON, "{}").stamp(1, 1_000);
        window.add(ring[0]);
        payIn(ring[1], 1, 2, 100);
        window.add(ring[1]);
        assertEquals(0, ledger.commandsApplied(), "two waiting, none applied");
        payIn(ring[2], 1, 3, 20);
        window.add(ring[2]);
        assertEquals(3, ledger.commandsApplied(), "the third fills the window");
        assertEquals(120, ledger.customerBalance(1, ZAR));
        assertEquals(ResultCode.OK, ring[2].result(), "the outcome is written into the borrowed event");
        payIn(ring[3], 1, 4, 3);
        window.add(ring[3]);
        window.flush();
        assertEquals(123, ledger.customerBalance(1, ZAR));
        assertEquals(4, window.applied());
        assertThrows(IllegalStateException.class, () -> new ReplayWindow(ledger, 2, null).add(ring[0]),
            "an owning window decodes into its own events");
    }

    @Test
    void shouldRefuseAWindowOfNoCommandOrTooMany()
    {
        final Ledger ledger = new Ledger(ZAR);
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(ledger, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(ledger, ReplayWindow.COMMANDS_MAX + 1, null));
    }

    private static void payIn(final CommandEvent event, final long customer, final long commandId, final long amountMinor)
    {
        event.clear();
        event.type(CommandType.PAY_IN).text(Field.MERCHANT_ID, "m1").set(Field.CUSTOMER_KEY, customer).set(Field.AMOUNT_MINOR, amountMinor)
            .set(Field.CURRENCY, ZAR).stamp(commandId, 2_000);
    }

    /** Keeps {@code event} as the journal stage would: its encoded bytes, when it is journaled at all. */
    private static void journal(final CommandEvent event, final List<byte[]> journal)
    {
        if (!event.type().journaled())
        {
            return;
        }
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(CommandCodec.encodedLength(event));
        final int length = CommandCodec.encode(event, buffer, 0);
        final byte[] record = new byte[length];
        buffer.getBytes(0, record);
        journal.add(record);
    }

    private static void decode(final byte[] record, final CommandEvent event)
    {
        assertTrue(CommandCodec.decode(new UnsafeBuffer(record), 0, record.length, event), "the record decodes");
    }

    private static String outcome(final CommandEvent event)
    {
        return event.commandId() + " " + event.type() + " " + event.result() + (event.replayed() ? " replayed" : "") + " key=" +
            event.resultKey() + " before=" + event.balanceBeforeMinor() + " after=" + event.balanceAfterMinor() + " t=" +
            event.resultTimestampMs() + (event.resultObject() == null ? "" : " " + event.resultObject());
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
