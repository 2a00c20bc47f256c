package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A ledger driven by hand for the wallet feature tests: commands stamped with increasing ids and a clock the test moves,
 * every journaled command kept (so that a test can replay them into a fresh ledger), and short forms for the commands.
 * The one event is reused: read a result before the next command.
 */
final class WalletLedger
{
    static final int ZAR = Currencies.pack("ZAR");
    static final int USD = Currencies.pack("USD");
    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    final Ledger ledger;
    final CommandEvent event = new CommandEvent();
    final List<CommandEvent> journal = new ArrayList<>();
    long nowMs = T0;
    private long nextCommandId = 1;

    WalletLedger()
    {
        this(new Ledger(ZAR));
    }

    WalletLedger(final Ledger ledger)
    {
        this.ledger = ledger;
    }

    /** Applies a command of {@code type} for {@code merchant} at the current time; the clock then moves 1 ms. */
    CommandEvent apply(final CommandType type, final String merchant, final Consumer<CommandEvent> fill)
    {
        event.clear();
        event.type(type);
        if (merchant != null)
        {
            event.text(Field.MERCHANT_ID, merchant);
        }
        fill.accept(event);
        event.stamp(type.journaled() ? nextCommandId++ : 0, nowMs++);
        if (type.journaled())
        {
            final CommandEvent copy = new CommandEvent();
            copy.copyFrom(event);
            copy.stamp(event.commandId(), event.timestampMs());
            journal.add(copy);
        }
        ledger.apply(event);
        return event;
    }

    /**
     * Applies a {@link CommandType#BATCH} of {@code merchant} whose commands {@code fill} adds (their merchant is set
     * here); it takes n + 1 command ids, its own the last, as the pipeline gives them. The journal keeps the batch as the journal reader
     * would decode it (encoded and decoded again), so a replay goes through the codec.
     */
    CommandEvent batch(final String merchant, final String idempotencyKey, final Consumer<BatchItems> fill)
    {
        final BatchItems items = new BatchItems();
        fill.accept(items);
        for (int i = 0; i < items.count(); i++)
        {
            items.item(i).text(Field.MERCHANT_ID, merchant);
        }
        event.clear();
        event.type(CommandType.BATCH).text(Field.MERCHANT_ID, merchant).batch(items);
        if (idempotencyKey != null)
        {
            event.text(Field.IDEMPOTENCY_KEY, idempotencyKey);
        }
        nextCommandId += items.count(); // the commands' ids come before the batch's
        event.stamp(nextCommandId++, nowMs++);
        final org.agrona.ExpandableArrayBuffer buffer = new org.agrona.ExpandableArrayBuffer(CommandCodec.encodedLength(event));
        final int length = CommandCodec.encode(event, buffer, 0);
        assertEquals(CommandCodec.encodedLength(event), length);
        final CommandEvent copy = new CommandEvent();
        org.junit.jupiter.api.Assertions.assertTrue(CommandCodec.decode(buffer, 0, length, copy), "the batch decodes");
        journal.add(copy);
        ledger.apply(event);
        return event;
    }

    /** Applies the journaled commands of {@code other} to this (fresh) ledger, as a replay would. */
    void replay(final List<CommandEvent> commands)
    {
        for (final CommandEvent command : commands)
        {
            event.clear();
            event.copyFrom(command);
            event.stamp(command.commandId(), command.timestampMs());
            event.batch(command.batch());
            ledger.apply(event);
        }
    }

    /**
     * @return the state hash the ledger would have if its last journaled command had been a {@link CommandType#TICK}
     * with the same id and time: equal to its own hash exactly when that command changed nothing but the ledger's clock
     * and counters (as every refusal must).
     */
    long hashAsIfLastWereATick()
    {
        final List<CommandEvent> commands = new ArrayList<>(journal);
        final CommandEvent last = commands.remove(commands.size() - 1);
        final CommandEvent tick = new CommandEvent();
        tick.type(CommandType.TICK).stamp(last.commandId(), last.timestampMs());
        commands.add(tick);
        final WalletLedger other = new WalletLedger();
        other.replay(commands);
        return other.ledger.stateHash();
    }

    /** Asserts that the last journaled command changed nothing but the ledger's clock and counters. */
    void assertLastChangedNothing(final String what)
    {
        assertEquals(hashAsIfLastWereATick(), ledger.stateHash(), what + " must change nothing");
    }

    long customer(final String merchant)
    {
        apply(CommandType.CREATE_CUSTOMER, merchant, e -> e.text(Field.PHONE, "+27821234567").text(Field.METADATA_JSON, "{}"));
        assertEquals(ResultCode.OK, event.result());
        return event.customer().key();
    }

    void payIn(final String merchant, final long customer, final long amount, final int currency)
    {
        apply(CommandType.PAY_IN, merchant, e -> e.set(Field.CUSTOMER_KEY, customer).set(Field.AMOUNT_MINOR, amount).set(Field.CURRENCY, currency));
        assertEquals(ResultCode.OK, event.result());
    }

    /** A purchase of {@code amount} ZAR, with whatever {@code features} add. */
    CommandEvent purchase(final String merchant, final long customer, final long amount, final Consumer<CommandEvent> features)
    {
        return apply(CommandType.PURCHASE, merchant, e ->
        {
            e.set(Field.CUSTOMER_KEY, customer).set(Field.AMOUNT_MINOR, amount).set(Field.CURRENCY, ZAR).set(Field.QUANTITY, 1)
                .text(Field.PRODUCT_ID, "sku-1");
            features.accept(e);
        });
    }

    CommandEvent plainPurchase(final String merchant, final long customer, final long amount)
    {
        return purchase(merchant, customer, amount, e -> { });
    }

    /** An escrowed purchase released at {@code releaseAtMs}, cancellable until {@code refundableUntilMs}. */
    CommandEvent heldPurchase(final String merchant, final long customer, final long amount, final long releaseAtMs, final long refundableUntilMs)
    {
        return purchase(merchant, customer, amount, e -> e.set(Field.RELEASE_AT_MS, releaseAtMs).set(Field.REFUNDABLE_UNTIL_MS, refundableUntilMs));
    }

    CommandEvent refund(final String merchant, final long purchase, final long amount)
    {
        return apply(CommandType.REFUND_PURCHASE, merchant, e ->
        {
            e.set(Field.PURCHASE_KEY, purchase);
            if (amount != 0) // 0: no amount, all that is left
            {
                e.set(Field.AMOUNT_MINOR, amount);
            }
        });
    }

    CommandEvent release(final String merchant, final long purchase)
    {
        return apply(CommandType.RELEASE_PURCHASE, merchant, e -> e.set(Field.PURCHASE_KEY, purchase));
    }

    CommandEvent cancel(final String merchant, final long purchase)
    {
        return apply(CommandType.CANCEL_PURCHASE, merchant, e -> e.set(Field.PURCHASE_KEY, purchase));
    }

    /** A gift balance of {@code amount} in {@code currency}; {@code expiresAtMs} 0 for none. */
    CommandEvent gift(final String merchant, final long customer, final long amount, final int currency, final long expiresAtMs)
    {
        return apply(CommandType.CREATE_GIFT_BALANCE, merchant, e ->
        {
            e.set(Field.CUSTOMER_KEY, customer).set(Field.AMOUNT_MINOR, amount).set(Field.CURRENCY, currency).text(Field.DESCRIPTION, "welcome");
            if (expiresAtMs != 0)
            {
                e.set(Field.EXPIRES_AT_MS, expiresAtMs);
            }
        });
    }

    /** A tick at {@code atMs} (the clock moves there first). */
    CommandEvent tick(final long atMs)
    {
        nowMs = Math.max(nowMs, atMs);
        return apply(CommandType.TICK, null, e -> { });
    }

    PurchaseRecord get(final String merchant, final long purchase)
    {
        apply(CommandType.GET_PURCHASE, merchant, e -> e.set(Field.PURCHASE_KEY, purchase));
        return event.result() == ResultCode.OK ? (PurchaseRecord)event.resultObject() : null;
    }

    /** The purchase keys of a list query's page, and its total last. */
    List<Long> listPurchases(final String merchant, final Consumer<CommandEvent> filters, final int limit, final int offset)
    {
        apply(CommandType.LIST_PURCHASES, merchant, e ->
        {
            e.page(limit, offset);
            filters.accept(e);
        });
        assertEquals(ResultCode.OK, event.result());
        final List<Long> keys = new ArrayList<>();
        for (int row = 0; row < event.rowCount(); row++)
        {
            keys.add(((PurchaseRecord)event.rowObject(row)).key());
        }
        keys.add(event.rowTotal());
        return keys;
    }

    long merchantBalance(final String merchant)
    {
        return ledger.merchantBalance(merchant, ZAR);
    }

    /** The merchant balance's {@code pending}: what escrowed purchases hold for it. */
    long merchantPending(final String merchant)
    {
        apply(CommandType.GET_MERCHANT_BALANCE, merchant, e -> e.set(Field.CURRENCY, ZAR));
        return event.pendingMinor();
    }

    /** What the customer balance read says of gift balances in {@code currency} (-1: never had one). */
    long giftTotal(final String merchant, final long customer, final int currency)
    {
        apply(CommandType.GET_CUSTOMER_BALANCE, merchant, e -> e.set(Field.CUSTOMER_KEY, customer).set(Field.CURRENCY, currency));
        assertEquals(ResultCode.OK, event.result());
        return event.giftTotalMinor();
    }

    /** The types and amounts of a customer's history, newest first, as "type amount". */
    List<String> history(final String merchant, final long customer)
    {
        apply(CommandType.LIST_CUSTOMER_TRANSACTIONS, merchant, e -> e.set(Field.CUSTOMER_KEY, customer).page(100, 0));
        final List<String> rows = new ArrayList<>();
        for (int row = 0; row < event.rowCount(); row++)
        {
            rows.add(EntryType.fromOrdinal((int)event.rowLong(row, CommandEvent.ROW_TYPE)) + " " + event.rowLong(row, CommandEvent.ROW_AMOUNT));
        }
        return rows;
    }

    /** The types and amounts of the merchant's own history, newest first. */
    List<String> merchantHistory(final String merchant)
    {
        apply(CommandType.LIST_BALANCE_HISTORY, merchant, e -> e.page(100, 0));
        final List<String> rows = new ArrayList<>();
        for (int row = 0; row < event.rowCount(); row++)
        {
            rows.add(EntryType.fromOrdinal((int)event.rowLong(row, CommandEvent.ROW_TYPE)) + " " + event.rowLong(row, CommandEvent.ROW_AMOUNT));
        }
        return rows;
    }
}
