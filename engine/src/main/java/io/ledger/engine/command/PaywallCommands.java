package io.ledger.engine.command;

import static io.ledger.engine.Field.API_KEY_KEY;
import static io.ledger.engine.Field.EXTERNAL_REFERENCE;

import io.ledger.engine.ApiDialect;
import io.ledger.engine.ApiKeyRecord;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.PurchaseRecord;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.ApiKeyBook;
import io.ledger.engine.internal.LedgerState;
import io.ledger.engine.internal.PurchaseBook;

/**
 * The Paywall dialect's wallet purchase (issue 15): the key first ({@link ApiKeyCommands#authenticate}, and it must be
 * the key {@code apiclientpublic} names), then exactly a {@link CommandType#PURCHASE} of the key's merchant, with every
 * rule of {@link PurchaseCommands}. The external reference is required (the adapter checks) so the purchase always keeps
 * a record; a repeat of it by the same customer answers that first purchase ({@code resultObject}, result OK,
 * {@link CommandEvent#replayed()} set) and moves no money, whatever else the repeat says.
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class PaywallCommands
{
    private final ApiKeyBook keys;
    private final PurchaseBook purchases;
    private final PurchaseCommands purchase;

    public PaywallCommands(final LedgerState state, final PurchaseCommands purchase)
    {
        this.keys = state.apiKeys();
        this.purchases = state.purchases();
        this.purchase = purchase;
    }

    public void register(final CommandTable table)
    {
        table.register(CommandType.PAYWALL_PURCHASE, this::purchase);
    }

    private void purchase(final CommandEvent event, final long timeMs)
    {
        final ApiKeyRecord key = ApiKeyCommands.authenticate(event, keys, ApiDialect.PAYWALL);
        if (key == null)
        {
            return;
        }
        if (event.get(API_KEY_KEY) != key.key())
        {
            event.result(ResultCode.API_KEY_NOT_FOUND);
            return;
        }
        if (!event.has(EXTERNAL_REFERENCE))
        {
            event.result(ResultCode.INVALID_FIELD);
            return;
        }
        purchase.purchase(event, timeMs);
        if (event.result() == ResultCode.EXTERNAL_REFERENCE_USED)
        {
            final PurchaseRecord first = purchases.record(event.resultKey());
            if (first != null)
            {
                event.resultObject(first);
                event.replayed(true);
                event.result(ResultCode.OK);
            }
        }
    }
}
