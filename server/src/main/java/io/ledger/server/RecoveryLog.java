package io.ledger.server;

import java.util.concurrent.TimeUnit;

import io.ledger.engine.Ledger;
import io.ledger.journal.snapshot.LedgerRecovery;
import io.ledger.journal.snapshot.SnapshotStore;
import org.slf4j.Logger;

/** The start-up's account of recovery, on {@link LedgerServer}'s log (its lines are what operators and tests read). */
final class RecoveryLog
{
    private RecoveryLog()
    {
    }

    /**
     * Logs what recovery loaded (the snapshot, if one) and replayed, with the state hash: the snapshot's (checked when it
     * loaded) when no journal record followed it, else computed only when {@code computeStateHash} (it folds the whole
     * state, seconds for a large ledger, before the port opens).
     */
    static void log(final Logger log, final LedgerRecovery.Result recovered, final boolean computeStateHash)
    {
        final Ledger ledger = recovered.ledger();
        final SnapshotStore.Loaded snapshot = recovered.snapshot();
        if (snapshot != null)
        {
            log.info("loaded snapshot {} in {} ms: {} commands up to commandId {} (journal index 0x{}), state hash {}",
                snapshot.file(), TimeUnit.NANOSECONDS.toMillis(snapshot.loadNs()), snapshot.ledger().commandsApplied() -
                    recovered.replayedRecords(), snapshot.header().lastCommandId(), Long.toHexString(snapshot.header().journalIndex()),
                Long.toHexString(snapshot.header().stateHash()));
        }
        final long replayMs = TimeUnit.NANOSECONDS.toMillis(recovered.elapsedNs() - (snapshot == null ? 0 : snapshot.loadNs()));
        final String stateHash = snapshot != null && recovered.replayedRecords() == 0 ? Long.toHexString(snapshot.header().stateHash())
            : computeStateHash ? Long.toHexString(ledger.stateHash())
            : "not computed (--startup-state-hash)";
        log.info("replayed {} commands in {} ms: {} customers, {} merchants, last commandId {}, state hash {}",
            recovered.replayedRecords(), replayMs, ledger.customerCount(), ledger.merchantCount(), ledger.lastCommandId(),
            stateHash);
    }
}
