package io.ledger.engine.internal;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

import io.ledger.engine.CommandFields;
import io.ledger.engine.Currencies;
import io.ledger.engine.MasumiPurchaseRecord;
import io.ledger.engine.SnapshotFormatException;

/**
 * The Masumi dialect's state (issue 15): each merchant's agents with their fixed prices, and the Masumi side of every
 * Masumi purchase ({@link MasumiPurchaseRecord}), by purchase key, by (merchant, network, blockchain identifier) and per
 * merchant in creation order (the indexes are rebuilt as the records are read).
 *
 * <p>Section {@link SnapshotTags#MASUMI} (optional, written only when there is an agent or a purchase): agent count i32,
 * then per agent in (merchant, agent) order: merchantId text, agentIdentifier text, amountMinor i64, currency i32,
 * updatedAtMs i64; purchase count i32, then per purchase in key order: purchaseKey i64, apiKeyKey i64, merchantId text,
 * network text, blockchainIdentifier text, agentIdentifier text, unit text, echoJson text, refundRequested bool,
 * createdAtMs i64, updatedAtMs i64. The state hash folds the same values in the same order, only when there is one.
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class MasumiBook implements SnapshotPart
{
    /** Most agents a merchant may register. */
    public static final int AGENTS_PER_MERCHANT_MAX = 10_000;
    /** Characters of an agent identifier (Masumi's limit). */
    public static final int AGENT_IDENTIFIER_CHARS_MAX = 250;
    /** Characters of a blockchain identifier (Masumi's limit). */
    public static final int BLOCKCHAIN_IDENTIFIER_CHARS_MAX = 8000;

    private final TreeMap<String, MasumiPurchaseRecord.Agent> agents = new TreeMap<>();
    private final Map<String, Integer> agentCountByMerchant = new HashMap<>();
    private final Long2ObjectHashMap<MasumiPurchaseRecord> purchases = new Long2ObjectHashMap<>();
    private final Map<String, Long> byIdentifier = new HashMap<>();
    private final Map<String, LongArrayList> byMerchant = new HashMap<>();

    /** @return the merchant's price for the agent, or null. */
    public MasumiPurchaseRecord.Agent agent(final String merchantId, final String agentIdentifier)
    {
        return agents.get(agentKey(merchantId, agentIdentifier));
    }

    /** @return how many agents the merchant has registered. */
    public int agentCount(final String merchantId)
    {
        return agentCountByMerchant.getOrDefault(merchantId, 0);
    }

    /** Adds or replaces an agent's price. */
    public void putAgent(final MasumiPurchaseRecord.Agent agent)
    {
        if (agents.put(agentKey(agent.merchantId(), agent.agentIdentifier()), agent) == null)
        {
            agentCountByMerchant.merge(agent.merchantId(), 1, Integer::sum);
        }
    }

    /** @return the Masumi side of purchase {@code purchaseKey}, or null when it is no Masumi purchase. */
    public MasumiPurchaseRecord purchase(final long purchaseKey)
    {
        return purchases.get(purchaseKey);
    }

    /** @return the merchant's Masumi purchase on {@code network} with {@code blockchainIdentifier}, or null. */
    public MasumiPurchaseRecord find(final String merchantId, final String network, final String blockchainIdentifier)
    {
        final Long key = byIdentifier.get(identifierKey(merchantId, network, blockchainIdentifier));
        return key == null ? null : purchases.get(key);
    }

    /** @return the merchant's Masumi purchase keys, oldest first (live list: read only), or null when it has none. */
    public LongArrayList merchantPurchases(final String merchantId)
    {
        return byMerchant.get(merchantId);
    }

    /** Adds a new Masumi purchase, or replaces one with its changed self. */
    public void put(final MasumiPurchaseRecord record)
    {
        if (purchases.put(record.purchaseKey(), record) == null)
        {
            byIdentifier.put(identifierKey(record.merchantId(), record.network(), record.blockchainIdentifier()), record.purchaseKey());
            byMerchant.computeIfAbsent(record.merchantId(), id -> new LongArrayList()).addLong(record.purchaseKey());
        }
    }

    /** Folds every agent and purchase into {@code hash}, when there is one. */
    public void hashInto(final StateHash hash)
    {
        if (agents.isEmpty() && purchases.isEmpty())
        {
            return;
        }
        hash.add(SnapshotTags.MASUMI).add(agents.size());
        for (final MasumiPurchaseRecord.Agent a : agents.values())
        {
            hash.add(a.merchantId()).add(a.agentIdentifier()).add(a.amountMinor()).add(a.currency()).add(a.updatedAtMs());
        }
        hash.add(purchases.size());
        for (final long key : SnapshotRecords.sortedKeys(purchases))
        {
            final MasumiPurchaseRecord r = purchases.get(key);
            hash.add(r.purchaseKey()).add(r.apiKeyKey()).add(r.merchantId()).add(r.network()).add(r.blockchainIdentifier())
                .add(r.agentIdentifier()).add(r.unit()).add(r.echoJson()).add(r.refundRequested() ? 1 : 0).add(r.createdAtMs())
                .add(r.updatedAtMs());
        }
    }

    @Override
    public int[] sectionTags()
    {
        return new int[] {SnapshotTags.MASUMI};
    }

    @Override
    public void writeSections(final SectionOutput out) throws IOException
    {
        if (agents.isEmpty() && purchases.isEmpty())
        {
            return;
        }
        out.beginSection(SnapshotTags.MASUMI);
        out.writeInt(agents.size());
        for (final MasumiPurchaseRecord.Agent a : agents.values())
        {
            out.writeText(a.merchantId());
            out.writeText(a.agentIdentifier());
            out.writeLong(a.amountMinor());
            out.writeInt(a.currency());
            out.writeLong(a.updatedAtMs());
        }
        out.writeInt(purchases.size());
        for (final long key : SnapshotRecords.sortedKeys(purchases))
        {
            final MasumiPurchaseRecord r = purchases.get(key);
            out.writeLong(r.purchaseKey());
            out.writeLong(r.apiKeyKey());
            out.writeText(r.merchantId());
            out.writeText(r.network());
            out.writeText(r.blockchainIdentifier());
            out.writeText(r.agentIdentifier());
            out.writeText(r.unit());
            out.writeText(r.echoJson());
            out.writeBoolean(r.refundRequested());
            out.writeLong(r.createdAtMs());
            out.writeLong(r.updatedAtMs());
        }
        out.endSection();
    }

    @Override
    public void readSection(final int tag, final SectionInput in, final boolean[] seen) throws IOException
    {
        final int agentCount = in.readCount("masumi agents", SnapshotRecords.COUNT_MAX);
        for (int i = 0; i < agentCount; i++)
        {
            final String merchantId = in.readText(CommandFields.TEXT_BYTES_MAX);
            final String agentIdentifier = in.readText(CommandFields.TEXT_BYTES_MAX);
            final long amountMinor = in.readLong();
            final int currency = in.readInt();
            final long updatedAtMs = in.readLong();
            if (merchantId == null || agentIdentifier == null || amountMinor < 1 || !Currencies.isValid(currency)
                || agents.containsKey(agentKey(merchantId, agentIdentifier)))
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " masumi agent=" + agentIdentifier + " is malformed or appears twice");
            }
            putAgent(new MasumiPurchaseRecord.Agent(merchantId, agentIdentifier, amountMinor, currency, updatedAtMs));
        }
        final int purchaseCount = in.readCount("masumi purchases", SnapshotRecords.COUNT_MAX);
        for (int i = 0; i < purchaseCount; i++)
        {
            final long purchaseKey = in.readLong();
            final long apiKeyKey = in.readLong();
            final String merchantId = in.readText(CommandFields.TEXT_BYTES_MAX);
            final String network = in.readText(CommandFields.TEXT_BYTES_MAX);
            final String blockchainIdentifier = in.readText(CommandFields.TEXT_BYTES_MAX);
            final String agentIdentifier = in.readText(CommandFields.TEXT_BYTES_MAX);
            final String unit = in.readText(CommandFields.TEXT_BYTES_MAX);
            final String echoJson = in.readText(CommandFields.TEXT_BYTES_MAX);
            final boolean refundRequested = in.readBoolean();
            final long createdAtMs = in.readLong();
            final long updatedAtMs = in.readLong();
            if (merchantId == null || network == null || blockchainIdentifier == null || unit == null || echoJson == null
                || purchases.containsKey(purchaseKey) || find(merchantId, network, blockchainIdentifier) != null)
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " masumi purchase key=" + purchaseKey + " is malformed or appears twice");
            }
            put(new MasumiPurchaseRecord(purchaseKey, apiKeyKey, merchantId, network, blockchainIdentifier, agentIdentifier, unit, echoJson,
                refundRequested, createdAtMs, updatedAtMs));
        }
    }

    private static String agentKey(final String merchantId, final String agentIdentifier)
    {
        return merchantId + "\u0000" + agentIdentifier;
    }

    private static String identifierKey(final String merchantId, final String network, final String blockchainIdentifier)
    {
        return merchantId + "\u0000" + network + "\u0000" + blockchainIdentifier;
    }
}
