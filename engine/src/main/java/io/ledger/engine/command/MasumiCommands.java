package io.ledger.engine.command;

import static io.ledger.engine.Field.AGENT_IDENTIFIER;
import static io.ledger.engine.Field.AMOUNTS_MINOR;
import static io.ledger.engine.Field.AMOUNT_MINOR;
import static io.ledger.engine.Field.BLOCKCHAIN_IDENTIFIER;
import static io.ledger.engine.Field.CURRENCY;
import static io.ledger.engine.Field.CUSTOMER_KEY;
import static io.ledger.engine.Field.MASUMI_ECHO_JSON;
import static io.ledger.engine.Field.MASUMI_UNIT;
import static io.ledger.engine.Field.MERCHANT_ID;
import static io.ledger.engine.Field.NETWORK;
import static io.ledger.engine.Field.PAGE_LIMIT;
import static io.ledger.engine.Field.PURCHASE_KEY;
import static io.ledger.engine.Field.REFUND_REQUESTED;
import static io.ledger.engine.Field.RELEASE_AT_MS;

import org.agrona.collections.LongArrayList;

import io.ledger.engine.ApiDialect;
import io.ledger.engine.ApiKeyRecord;
import io.ledger.engine.CommandEvent;
import io.ledger.engine.CommandType;
import io.ledger.engine.Currencies;
import io.ledger.engine.MasumiPurchaseRecord;
import io.ledger.engine.PurchaseRecord;
import io.ledger.engine.PurchaseStatus;
import io.ledger.engine.ResultCode;
import io.ledger.engine.internal.ApiKeyBook;
import io.ledger.engine.internal.LedgerState;
import io.ledger.engine.internal.MasumiBook;
import io.ledger.engine.internal.PurchaseBook;

/**
 * The Masumi dialect's commands (issue 15; {@code docs/dialect-masumi.md}): agents' fixed prices, the escrowed purchase,
 * the refund request and its cancel, and the list.
 *
 * <p>A purchase: the key first ({@link ApiKeyCommands#authenticate}: a Masumi key; its merchant sells, its customer
 * buys); then a repeat of the network and blockchain identifier is {@link ResultCode#MASUMI_PURCHASE_EXISTS} with the
 * first purchase, before anything else is checked (so a retry after its times passed still finds it) and without
 * moving money; then the price ({@code AMOUNTS_MINOR} in the unit {@code ""}, the key's currency; another unit is
 * {@link ResultCode#MASUMI_UNIT_UNKNOWN}; without amounts the agent's registered price, else
 * {@link ResultCode#MASUMI_AGENT_NOT_FOUND}); then exactly a {@link CommandType#PURCHASE} held until {@code RELEASE_AT_MS}
 * (the escrow's rules: a release time ahead, funds available). At the release time the hold goes to the seller, or back
 * to the buyer when a refund is requested then ({@link EscrowCommands#onReleaseDeadline}).
 *
 * <p>A refund request (set) needs a held purchase of the key's buyer without one, its cancel (clear) one with one; else
 * {@link ResultCode#MASUMI_PURCHASE_NOT_FOUND}. Since deadlines run before a command at its time, a request at or after
 * the release time finds the purchase no longer held.
 *
 * <p>Single-threaded: ledger thread only. Allocates the records it keeps.
 */
public final class MasumiCommands
{
    private final ApiKeyBook keys;
    private final MasumiBook masumi;
    private final PurchaseBook purchases;
    private final PurchaseCommands purchase;

    public MasumiCommands(final LedgerState state, final PurchaseCommands purchase)
    {
        this.keys = state.apiKeys();
        this.masumi = state.masumi();
        this.purchases = state.purchases();
        this.purchase = purchase;
    }

    public void register(final CommandTable table)
    {
        table.register(CommandType.REGISTER_MASUMI_AGENT, this::registerAgent)
            .register(CommandType.MASUMI_PURCHASE, this::purchase)
            .register(CommandType.MASUMI_SET_REFUND_REQUESTED, this::setRefundRequested)
            .register(CommandType.LIST_MASUMI_PURCHASES, this::list);
    }

    private void registerAgent(final CommandEvent event, final long timeMs)
    {
        final String agent = event.textString(AGENT_IDENTIFIER);
        final long amount = event.get(AMOUNT_MINOR);
        final String merchantId = event.textString(MERCHANT_ID);
        if (agent == null || agent.isEmpty() || agent.length() > MasumiBook.AGENT_IDENTIFIER_CHARS_MAX)
        {
            event.result(ResultCode.INVALID_FIELD);
            return;
        }
        if (amount < 1 || amount > CommandEvent.AMOUNT_MINOR_MAX)
        {
            event.result(ResultCode.INVALID_AMOUNT);
            return;
        }
        if (!Currencies.isValid((int)event.get(CURRENCY)))
        {
            event.result(ResultCode.INVALID_CURRENCY);
            return;
        }
        if (masumi.agent(merchantId, agent) == null && masumi.agentCount(merchantId) >= MasumiBook.AGENTS_PER_MERCHANT_MAX)
        {
            event.result(ResultCode.LIMIT_EXCEEDED);
            return;
        }
        final MasumiPurchaseRecord.Agent record = new MasumiPurchaseRecord.Agent(merchantId, agent, amount, (int)event.get(CURRENCY), timeMs);
        masumi.putAgent(record);
        event.resultObject(record);
        event.result(ResultCode.OK);
    }

    private void purchase(final CommandEvent event, final long timeMs)
    {
        final ApiKeyRecord key = ApiKeyCommands.authenticate(event, keys, ApiDialect.MASUMI);
        if (key == null)
        {
            return;
        }
        final String network = event.textString(NETWORK);
        final String identifier = event.textString(BLOCKCHAIN_IDENTIFIER);
        final String agentIdentifier = event.textString(AGENT_IDENTIFIER);
        if (network == null || identifier == null || identifier.isEmpty() || identifier.length() > MasumiBook.BLOCKCHAIN_IDENTIFIER_CHARS_MAX
            || agentIdentifier == null || !event.has(RELEASE_AT_MS) || !event.has(MASUMI_ECHO_JSON))
        {
            event.result(ResultCode.INVALID_FIELD);
            return;
        }
        final MasumiPurchaseRecord existing = masumi.find(key.merchantId(), network, identifier);
        if (existing != null)
        {
            event.resultKey(existing.purchaseKey());
            event.resultObject(view(existing));
            event.result(ResultCode.MASUMI_PURCHASE_EXISTS);
            return;
        }
        final String unit = event.has(MASUMI_UNIT) ? event.textString(MASUMI_UNIT) : "";
        if (event.has(AMOUNTS_MINOR))
        {
            if (!unit.isEmpty())
            {
                event.result(ResultCode.MASUMI_UNIT_UNKNOWN);
                return;
            }
            event.set(AMOUNT_MINOR, event.get(AMOUNTS_MINOR)).set(CURRENCY, key.currency());
        }
        else
        {
            final MasumiPurchaseRecord.Agent agent = masumi.agent(key.merchantId(), agentIdentifier);
            if (agent == null)
            {
                event.result(ResultCode.MASUMI_AGENT_NOT_FOUND);
                return;
            }
            event.set(AMOUNT_MINOR, agent.amountMinor()).set(CURRENCY, agent.currency());
        }
        final long amount = event.get(AMOUNT_MINOR);
        if (amount < 1 || amount > CommandEvent.AMOUNT_MINOR_MAX)
        {
            event.result(ResultCode.INVALID_AMOUNT);
            return;
        }
        event.set(CUSTOMER_KEY, key.customerKey());
        purchase.purchase(event, timeMs);
        if (event.result() != ResultCode.OK || !(event.resultObject() instanceof PurchaseRecord held))
        {
            return;
        }
        final MasumiPurchaseRecord record = new MasumiPurchaseRecord(held.key(), key.key(), key.merchantId(), network, identifier,
            agentIdentifier, unit, event.textString(MASUMI_ECHO_JSON), false, timeMs, timeMs);
        masumi.put(record);
        event.resultKey(held.key());
        event.resultObject(new MasumiPurchaseRecord.View(record, held));
    }

    private void setRefundRequested(final CommandEvent event, final long timeMs)
    {
        final ApiKeyRecord key = ApiKeyCommands.authenticate(event, keys, ApiDialect.MASUMI);
        if (key == null)
        {
            return;
        }
        final MasumiPurchaseRecord record = event.has(NETWORK) && event.has(BLOCKCHAIN_IDENTIFIER)
            ? masumi.find(key.merchantId(), event.textString(NETWORK), event.textString(BLOCKCHAIN_IDENTIFIER)) : null;
        final PurchaseRecord held = record == null ? null : purchases.record(record.purchaseKey());
        final boolean requested = event.getBoolean(REFUND_REQUESTED);
        if (held == null || held.customerKey() != key.customerKey() || held.status() != PurchaseStatus.HELD
            || record.refundRequested() == requested)
        {
            event.result(ResultCode.MASUMI_PURCHASE_NOT_FOUND);
            return;
        }
        final MasumiPurchaseRecord changed = record.withRefundRequested(requested, timeMs);
        masumi.put(changed);
        event.resultKey(held.key());
        event.resultObject(new MasumiPurchaseRecord.View(changed, held));
        event.result(ResultCode.OK);
    }

    /** Newest first, on the network asked for; from the cursor's purchase, included (as Masumi pages). */
    private void list(final CommandEvent event, final long timeMs)
    {
        final ApiKeyRecord key = ApiKeyCommands.authenticate(event, keys, ApiDialect.MASUMI);
        if (key == null)
        {
            return;
        }
        event.result(ResultCode.OK);
        final LongArrayList own = masumi.merchantPurchases(key.merchantId());
        final String network = event.textString(NETWORK);
        final long limit = event.get(PAGE_LIMIT);
        final long cursor = event.has(PURCHASE_KEY) ? event.get(PURCHASE_KEY) : Long.MAX_VALUE;
        long total = 0;
        for (int i = own == null ? -1 : own.size() - 1; i >= 0; i--)
        {
            final MasumiPurchaseRecord record = masumi.purchase(own.getLong(i));
            if (record.purchaseKey() > cursor || network != null && !network.equals(record.network()))
            {
                continue;
            }
            total++;
            if (event.rowCount() < limit)
            {
                event.addRow(view(record));
            }
        }
        event.rowTotal(total);
    }

    private MasumiPurchaseRecord.View view(final MasumiPurchaseRecord record)
    {
        return new MasumiPurchaseRecord.View(record, purchases.record(record.purchaseKey()));
    }
}
