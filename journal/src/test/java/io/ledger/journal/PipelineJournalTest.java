package io.ledger.journal;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Field;
import io.ledger.engine.Ledger;
import io.ledger.engine.LedgerPipeline;
import io.ledger.engine.ReplySink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.ledger.journal.JournalFixtures.ZAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal as the server uses it: opened and replayed on one thread, appended by the pipeline's journal
 * thread, closed by the pipeline; then a restart replays it into the same state and continues the ids.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PipelineJournalTest
{
    private static final long CLOCK_MS = 1_763_600_000_000L;

    @Test
    void shouldJournalWhatThePipelineAppliesAndRecoverTheSameStateAfterRestart(@TempDir final Path dir)
        throws InterruptedException
    {
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final List<Long> customerKeys = new CopyOnWriteArrayList<>();
        final Ledger ledger = new Ledger(ZAR);
        final ChronicleJournal journal = ChronicleJournal.open(dir, Durability.FSYNC);
        journal.replay(ledger::apply);
        final LedgerPipeline pipeline = LedgerPipeline.start(context(journal, failures), ledger, journal);

        final CountDownLatch created = new CountDownLatch(20);
        for (int i = 0; i < 20; i++)
        {
            final int n = i;
            publish(pipeline, event -> event.type(CommandType.CREATE_CUSTOMER)
                .text(Field.MERCHANT_ID, "mer_" + (n % 2))
                .text(Field.PHONE, "+2782000" + n)
                .text(Field.METADATA_JSON, "{}")
                .replyTo(reply ->
                {
                    customerKeys.add(reply.customer().key());
                    created.countDown();
                }, null));
        }
        assertTrue(created.await(10, TimeUnit.SECONDS));

        final int moves = 400;
        final CountDownLatch moved = new CountDownLatch(moves);
        final ReplySink countDown = reply -> moved.countDown();
        for (int i = 0; i < moves; i++)
        {
            final int n = i;
            final long customerKey = customerKeys.get(n % customerKeys.size());
            final String merchant = "mer_" + (customerKeys.indexOf(customerKey) % 2);
            final CommandType type = n % 5 == 4 ? CommandType.GET_CUSTOMER_BALANCE : n % 2 == 0 ? CommandType.PAY_IN : CommandType.PURCHASE;
            publish(pipeline, event -> event.type(type)
                .text(Field.MERCHANT_ID, merchant)
                .set(Field.CUSTOMER_KEY, customerKey)
                .set(Field.AMOUNT_MINOR, 100 + n)
                .set(Field.CURRENCY, ZAR)
                .set(Field.QUANTITY, 1)
                .replyTo(countDown, null));
        }
        assertTrue(moved.await(10, TimeUnit.SECONDS));
        pipeline.close(); // closes the journal on this thread
        assertEquals(List.of(), failures);
        assertTrue(journal.syncs() > 0, "fsync durability syncs per batch");

        final long expectedLastCommandId = ledger.lastCommandId();
        final Ledger recovered = new Ledger(ZAR);
        try (ChronicleJournal reopened = ChronicleJournal.open(dir, Durability.FSYNC))
        {
            assertEquals(expectedLastCommandId, reopened.lastCommandId());
            final ChronicleJournal.ReplayResult result = reopened.replay(recovered::apply);
            assertEquals(20 + moves - moves / 5, result.records(), "queries are not journaled");
            assertEquals(ledger.stateHash(), recovered.stateHash());
            recovered.checkConservation();
        }
    }

    private static LedgerPipeline.Context context(final ChronicleJournal journal, final List<Throwable> failures)
    {
        return new LedgerPipeline.Context()
            .ringSizeEvents(256)
            .clock(() -> CLOCK_MS)
            .firstCommandId(journal.lastCommandId() + 1)
            .fatalErrorHandler((stage, commandId, error) -> failures.add(error));
    }

    private static void publish(final LedgerPipeline pipeline, final java.util.function.Consumer<CommandEvent> fill)
    {
        while (!pipeline.tryPublish((event, f) -> f.accept(event), fill))
        {
            Thread.onSpinWait();
        }
    }
}
