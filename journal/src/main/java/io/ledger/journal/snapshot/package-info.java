/**
 * Snapshots of the ledger next to the journal: {@link io.ledger.journal.snapshot.SnapshotStore} writes them
 * atomically (layout in {@link io.ledger.journal.snapshot.SnapshotHeader} and the engine's
 * {@link io.ledger.engine.LedgerSnapshot}), {@link io.ledger.journal.snapshot.SnapshotAgent} is the follower
 * that writes them from its own copy of the ledger, kept by reading the journal (the pipeline's
 * {@link io.ledger.engine.SnapshotTaker}), {@link io.ledger.journal.snapshot.LedgerRecovery} rebuilds the ledger from the
 * newest usable snapshot plus the journal tail, and {@link io.ledger.journal.snapshot.JournalRetention} archives or
 * deletes journal cycles no kept snapshot needs. docs/operations.md is the operator's view.
 */
package io.ledger.journal.snapshot;
