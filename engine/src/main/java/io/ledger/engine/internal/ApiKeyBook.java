package io.ledger.engine.internal;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

import io.ledger.engine.ApiDialect;
import io.ledger.engine.ApiKeyRecord;
import io.ledger.engine.Currencies;
import io.ledger.engine.SnapshotFormatException;

/**
 * Every API key (issue 15), by key and by the SHA-256 of its text, and each merchant's keys in creation order. A
 * dialect request is authenticated by a lookup of its key's hash: the hash of a random 256-bit key reveals nothing
 * useful, and the lookup's timing depends only on the hash, never on how much of a guessed key is right.
 *
 * <p>Section {@link SnapshotTags#API_KEYS} (optional, written only when there is a key): count i32, then per key in
 * key order: key i64, merchantId text, dialect code i32, customerKey i64, currency i32, currencyDigits i32, name text ("" for none), sha256Hex text,
 * createdAtMs i64, revokedAtMs i64. The by-hash and per-merchant indexes are rebuilt as the records are read. The state
 * hash folds the records in key order, only when there is one (so older data directories hash as before).
 *
 * <p>Single-threaded: ledger thread only.
 */
public final class ApiKeyBook implements SnapshotPart
{
    /** Most keys a merchant may have, revoked ones included. */
    public static final int KEYS_PER_MERCHANT_MAX = 100;
    /** Bytes of a key's name. */
    public static final int NAME_BYTES_MAX = 128;

    /** Most digits after the point a key's currency may have (ISO 4217 has at most 4). */
    public static final int CURRENCY_DIGITS_MAX = 8;

    private static final int HASH_HEX_CHARS = 64;

    private final Long2ObjectHashMap<ApiKeyRecord> byKey = new Long2ObjectHashMap<>();
    private final Map<String, ApiKeyRecord> byHash = new HashMap<>();
    private final Map<String, LongArrayList> byMerchant = new HashMap<>();

    /** @return the key whose text hashes to {@code sha256Hex}, or null. */
    public ApiKeyRecord byHash(final String sha256Hex)
    {
        return byHash.get(sha256Hex);
    }

    /** @return the key, or null. */
    public ApiKeyRecord get(final long key)
    {
        return byKey.get(key);
    }

    /** @return the merchant's keys, oldest first, or null when it has none. */
    public LongArrayList merchantKeys(final String merchantId)
    {
        return byMerchant.get(merchantId);
    }

    /** @return true when {@code sha256Hex} is 64 lower-case hex characters. */
    public static boolean validHash(final CharSequence sha256Hex)
    {
        if (sha256Hex == null || sha256Hex.length() != HASH_HEX_CHARS)
        {
            return false;
        }
        for (int i = 0; i < HASH_HEX_CHARS; i++)
        {
            final char c = sha256Hex.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f'))
            {
                return false;
            }
        }
        return true;
    }

    /** Adds a new key, or replaces one with its revoked self. */
    public void put(final ApiKeyRecord record)
    {
        final ApiKeyRecord previous = byKey.put(record.key(), record);
        byHash.put(record.sha256Hex(), record);
        if (previous == null)
        {
            byMerchant.computeIfAbsent(record.merchantId(), id -> new LongArrayList()).addLong(record.key());
        }
    }

    /** Folds every key into {@code hash}, in key order, when there is one. */
    public void hashInto(final StateHash hash)
    {
        if (byKey.isEmpty())
        {
            return;
        }
        hash.add(SnapshotTags.API_KEYS).add(byKey.size());
        for (final long key : sortedKeys())
        {
            final ApiKeyRecord r = byKey.get(key);
            hash.add(r.key()).add(r.merchantId()).add(r.dialect().code()).add(r.customerKey()).add(r.currency()).add(r.currencyDigits()).add(r.name() == null ? "" : r.name())
                .add(r.sha256Hex()).add(r.createdAtMs()).add(r.revokedAtMs());
        }
    }

    @Override
    public int[] sectionTags()
    {
        return new int[] {SnapshotTags.API_KEYS};
    }

    @Override
    public void writeSections(final SectionOutput out) throws IOException
    {
        if (byKey.isEmpty())
        {
            return;
        }
        out.beginSection(SnapshotTags.API_KEYS);
        out.writeInt(byKey.size());
        for (final long key : sortedKeys())
        {
            final ApiKeyRecord r = byKey.get(key);
            out.writeLong(r.key());
            out.writeText(r.merchantId());
            out.writeInt(r.dialect().code());
            out.writeLong(r.customerKey());
            out.writeInt(r.currency());
            out.writeInt(r.currencyDigits());
            out.writeText(r.name() == null ? "" : r.name());
            out.writeText(r.sha256Hex());
            out.writeLong(r.createdAtMs());
            out.writeLong(r.revokedAtMs());
        }
        out.endSection();
    }

    @Override
    public void readSection(final int tag, final SectionInput in, final boolean[] seen) throws IOException
    {
        final int count = in.readCount("api keys", SnapshotRecords.COUNT_MAX);
        for (int i = 0; i < count; i++)
        {
            final long key = in.readLong();
            final String merchantId = in.readText(io.ledger.engine.CommandFields.TEXT_BYTES_MAX);
            final ApiDialect dialect = ApiDialect.fromCode(in.readInt());
            final long customerKey = in.readLong();
            final int currency = in.readInt();
            final int currencyDigits = in.readInt();
            final String name = in.readText(NAME_BYTES_MAX);
            final String sha256Hex = in.readText(HASH_HEX_CHARS);
            final long createdAtMs = in.readLong();
            final long revokedAtMs = in.readLong();
            if (dialect == null || !Currencies.isValid(currency) || currencyDigits < 0 || currencyDigits > CURRENCY_DIGITS_MAX || merchantId == null || merchantId.isEmpty() || !validHash(sha256Hex) || byKey.containsKey(key) || byHash.containsKey(sha256Hex))
            {
                throw new SnapshotFormatException("section tag=" + in.tag() + " api key=" + key
                    + " has an unknown dialect, no merchant, a malformed hash, or appears twice");
            }
            put(new ApiKeyRecord(key, merchantId, dialect, customerKey, currency, currencyDigits, name == null || name.isEmpty() ? null : name, sha256Hex, createdAtMs, revokedAtMs));
        }
    }

    private long[] sortedKeys()
    {
        final long[] keys = new long[byKey.size()];
        int i = 0;
        for (final Long2ObjectHashMap<ApiKeyRecord>.KeyIterator it = byKey.keySet().iterator(); it.hasNext(); )
        {
            keys[i++] = it.nextLong();
        }
        java.util.Arrays.sort(keys);
        return keys;
    }
}
