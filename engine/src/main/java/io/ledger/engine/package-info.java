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
 *   |                                       |
 *   v                                       v
 *   journal stage (thread ledger-journal)   ledger stage (thread ledger-apply)
 *   CommandCodec -> JournalWriter.append    Ledger.apply: validate fully, then mutate;
 *   endOfBatch: fsync in fsync mode         (a journaled command first passes the deadlines due by
 *                                           its time: holds released, gift balances expired)
 *                                           outcome = ResultCode in the event
 *                                           per command: one nanoTime for the pause figure
 *                                           endOfBatch: publish MoneyTotals, the longest pause and the
 *                                           next deadline (DeadlineTicker journals a TICK past it);
 *                                           when due, SnapshotTaker.takeSnapshot
 *                                           (the ledger pauses; LedgerSnapshot writes the state)
 *   |                                       |
 *   +------------------+--------------------+
 *                      v  (gated on BOTH sequences)
 *              reply stage (thread ledger-reply)
 *              ReplySink.onReply: the adapter encodes JSON and writes it to the socket
 * </pre>
 *
 * <p>Each command is declared once ({@link io.ledger.engine.CommandType} and its {@link io.ledger.engine.Field}s),
 * applied by the handler its family class in {@code io.ledger.engine.command} registered for it, and every money
 * movement goes through {@code io.ledger.engine.internal.Money}; the state lives in the parts of
 * {@code io.ledger.engine.internal.LedgerState}, each writing its own snapshot sections.
 *
 * <p>Queries (reads) ride the same ring so they see a linearizable view, but the journal stage skips them.
 * Nothing is acknowledged before it is journaled; a journal or ledger failure stops all further
 * acknowledgements (see {@link io.ledger.engine.LedgerPipeline}).
 */
package io.ledger.engine;
