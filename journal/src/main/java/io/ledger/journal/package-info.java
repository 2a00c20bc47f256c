/**
 * The command journal over Chronicle Queue: {@link io.ledger.journal.ChronicleJournal} appends one checksummed
 * binary record per state-changing command (the engine's {@link io.ledger.engine.JournalWriter}) and replays
 * them, verified, to rebuild the ledger at start-up. {@link io.ledger.journal.Durability} says when an appended
 * record may be acknowledged. The record layout is drawn in {@link io.ledger.journal.internal.RecordFrame}.
 */
package io.ledger.journal;
