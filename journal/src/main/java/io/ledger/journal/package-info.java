/**
 * The command journal over Chronicle Queue: {@link io.ledger.journal.ChronicleJournal} appends one checksummed
 * binary record per state-changing command (the engine's {@link io.ledger.engine.JournalWriter}) and replays
 * them, verified, to rebuild the ledger at start-up, whole or after a snapshot's index. {@link io.ledger.journal.Durability}
 * says when an appended record may be acknowledged. The record layout is drawn in
 * {@link io.ledger.journal.internal.RecordFrame}. {@link io.ledger.journal.JournalRepair} cuts a damaged journal.
 * Snapshots, start-up recovery and retention are in {@link io.ledger.journal.snapshot}.
 */
package io.ledger.journal;
