package io.ledger.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;

import io.ledger.engine.Currencies;
import io.ledger.engine.EntryType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The history and its texts are kept in chunks: every value survives the chunk boundaries, and sizes are as asked. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EntryLogTest
{
    private static final int ZAR = Currencies.pack("ZAR");

    @Test
    void shouldKeepEveryColumnOfEveryEntryAcrossChunks()
    {
        final EntryLog log = new EntryLog(0);
        assertEquals(EntryLog.CHUNK_ENTRIES, log.capacity(), "one chunk at least");
        final int count = 3 * EntryLog.CHUNK_ENTRIES + 17;
        final EntryType[] types = EntryType.values();
        for (int i = 0; i < count; i++)
        {
            final int index = log.append(i % 2 == 0 ? EntryLog.ACCOUNT_CUSTOMER : EntryLog.ACCOUNT_MERCHANT, 1_000_000_000_000L + i,
                i % 3 == 0 ? -1 : i, types[i % types.length], (i % 2 == 0 ? -1 : 1) * (9_007_199_254_740_991L - i),
                9_007_199_254_740_991L - 2L * i, i % 5 == 0 ? Currencies.NONE : ZAR, 1_767_225_600_000L + i, 10L * i,
                i % 7 == 0 ? TextArena.NONE : ((long)i << 16) | 12, i - 1);
            assertEquals(i, index);
        }
        assertEquals(count, log.size());
        assertEquals(4L * EntryLog.CHUNK_ENTRIES, log.capacity(), "grown by chunks");
        for (int i = 0; i < count; i++)
        {
            assertEquals(i % 2 == 0 ? EntryLog.ACCOUNT_CUSTOMER : EntryLog.ACCOUNT_MERCHANT, log.accountKind(i));
            assertEquals(1_000_000_000_000L + i, log.accountKey(i));
            assertEquals(i % 3 == 0 ? -1 : i, log.counterpartyKey(i));
            assertEquals(types[i % types.length], log.type(i));
            assertEquals((i % 2 == 0 ? -1 : 1) * (9_007_199_254_740_991L - i), log.amountMinor(i));
            assertEquals(9_007_199_254_740_991L - 2L * i, log.balanceAfterMinor(i));
            assertEquals(i % 5 == 0 ? Currencies.NONE : ZAR, log.currency(i));
            assertEquals(1_767_225_600_000L + i, log.timestampMs(i));
            assertEquals(10L * i, log.commandId(i));
            assertEquals(i % 7 == 0 ? TextArena.NONE : ((long)i << 16) | 12, log.textRef(i));
            assertEquals(i - 1, log.previousOfAccount(i));
        }
    }

    @Test
    void shouldAllocateTheCapacityAskedForUpFrontInWholeChunks()
    {
        assertEquals(EntryLog.CHUNK_ENTRIES, new EntryLog(1).capacity());
        assertEquals(2L * EntryLog.CHUNK_ENTRIES, new EntryLog(EntryLog.CHUNK_ENTRIES + 1).capacity());
        assertEquals(16L * EntryLog.CHUNK_ENTRIES, new EntryLog(16 * EntryLog.CHUNK_ENTRIES).capacity());
    }

    @Test
    void shouldKeepTextsThatStraddleTwoChunksByteForByte()
    {
        final TextArena texts = new TextArena(0);
        final byte[] filler = new byte[1_000];
        final long first = texts.append(new UnsafeBuffer(filler), 0, filler.length);
        for (int filled = filler.length; filled < TextArena.CHUNK_BYTES - 3; )
        {
            final int n = Math.min(filler.length, TextArena.CHUNK_BYTES - 3 - filled);
            texts.append(new UnsafeBuffer(filler), 0, n);
            filled += n;
        }
        final byte[] straddling = "Müller-Lüdenscheidt".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final long ref = texts.append(new UnsafeBuffer(straddling), 0, straddling.length);
        assertEquals(0, first >>> 16);
        assertEquals(TextArena.CHUNK_BYTES - 3, ref >>> 16, "it starts 3 bytes before the chunk's end");
        assertEquals("Müller-Lüdenscheidt", texts.get(ref));
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[64]);
        assertEquals(straddling.length, texts.copyTo(ref, copy, 5));
        assertEquals("Müller-Lüdenscheidt", copy.getStringWithoutLengthUtf8(5, straddling.length));

        final byte[] raw = new byte[texts.sizeBytes()];
        texts.getBytes(0, raw, 0, raw.length);
        final TextArena restored = new TextArena(0);
        restored.appendBytes(raw, 0, 100);
        restored.appendBytes(raw, 100, raw.length - 100);
        assertEquals(texts.sizeBytes(), restored.sizeBytes());
        assertEquals("Müller-Lüdenscheidt", restored.get(ref), "references stay valid after a restore");
        assertEquals(TextArena.NONE, texts.append(new UnsafeBuffer(new byte[0]), 0, -1));
        assertEquals(null, texts.get(TextArena.NONE));
    }
}
