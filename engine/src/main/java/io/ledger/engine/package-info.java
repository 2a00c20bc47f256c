/**
 * The ledger engine: a deterministic state machine ({@link io.ledger.engine.Ledger}) and the Disruptor
 * pipeline that feeds it ({@link io.ledger.engine.LedgerPipeline}).
 *
 * <pre>
 *   HTTP threads (many producers)
 *      | parse + validate, then tryPublish: claim a slot or answer 503 at once
 *      v
 *   CommandFiller ---- stamp commandId = firstCommandId + sequence, timestampMs = clock ----+
 *                                                                                          |
 *   +--------------------------- ring of preallocated CommandEvents ----------------------+
 *                     | one consumer: the ledger thread (LedgerProcessor), thread "ledger"
 *                     | (or the HTTP event loop itself, drained after its reads: LoopConsumer, ConsumerLoop)
 *                     v
 *   per command, in sequence order:
 *     journal stage: CommandCodec -> JournalWriter.append (journaled types only)
 *     ledger stage:  Ledger.apply: validate fully, then mutate; outcome = ResultCode in the event;
 *                    (a journaled command first passes the deadlines due by its time: holds released,
 *                    gift balances expired)
 *                    one nanoTime for the pause figure
 *   end of batch: JournalWriter.endOfBatch (fsync mode: the group commit's sync)
 *     then, without a Syncer: reply stage here (ReplySink.onReply per event, ReplySink.endOfBatch per sink)
 *     with a Syncer (JournalWriter.syncer()): thread "ledger-sync" syncs, then runs the reply stage
 *     then publish MoneyTotals, the longest pause and the next deadline (DeadlineTicker journals a TICK past it);
 *     never a snapshot: the ledger thread does not stop
 *
 *   journal ---> snapshot follower (thread ledger-snapshot, the journal module's SnapshotAgent): its own Ledger,
 *                the same deterministic apply, lagging freely; when due, LedgerSnapshot writes that copy's state
 * </pre>
 *
 * <p>Each command is declared once ({@link io.ledger.engine.CommandType} and its {@link io.ledger.engine.Field}s),
 * applied by the handler its family class in {@code io.ledger.engine.command} registered for it, and every money
 * movement goes through {@code io.ledger.engine.internal.Money}; the state lives in the parts of
 * {@code io.ledger.engine.internal.LedgerState}, each writing its own snapshot sections.
 *
 * <p>Queries (reads) ride the same ring so they see a linearizable view, but the journal stage skips them.
 * A command is appended before it is applied, and replied to only after its batch's endOfBatch (and sync).
 * Nothing is acknowledged before it is journaled; a journal or ledger failure stops all further
 * acknowledgements (see {@link io.ledger.engine.LedgerPipeline}).
 */
package io.ledger.engine;
