package io.ledger.http.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

import io.ledger.http.Fuzz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JsonTest
{
    /** What replies wrote before the hand-written timestamp, and still write outside its years. */
    private static final DateTimeFormatter FORMATTER =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static String formatted(final long epochMs)
    {
        return FORMATTER.format(Instant.ofEpochMilli(epochMs));
    }

    @Test
    void shouldWriteTimestampsAsTheFormatterDoesAtTheEdgesOfMonthsYearsAndTheFastRange()
    {
        assertEquals("1970-01-01T00:00:00.000Z", Json.timestamp(0));
        assertEquals("2026-12-07T03:04:05.006Z", Json.timestamp(Instant.parse("2026-12-07T03:04:05.006Z").toEpochMilli()));
        assertEquals("2024-02-29T23:59:59.999Z", Json.timestamp(Instant.parse("2024-02-29T23:59:59.999Z").toEpochMilli()));
        assertEquals("2000-03-01T00:00:00.000Z", Json.timestamp(Instant.parse("2000-03-01T00:00:00Z").toEpochMilli()));
        assertEquals("2100-02-28T12:00:00.010Z", Json.timestamp(Instant.parse("2100-02-28T12:00:00.010Z").toEpochMilli()));
        assertEquals("9999-12-31T23:59:59.999Z", Json.timestamp(Json.TIMESTAMP_FAST_MS_MAX));
        for (final long ms : new long[] {-1, -86_400_001L, Json.TIMESTAMP_FAST_MS_MAX + 1, Long.MAX_VALUE / 1_000, 951_782_400_000L,
            4_107_542_400_000L, 1_796_611_930_123L})
        {
            assertEquals(formatted(ms), Json.timestamp(ms), "epochMs=" + ms);
        }
        // every day boundary (and the millisecond before it) over four hundred years: every leap rule
        for (long day = 0; day <= 146_097; day++)
        {
            final long ms = day * 86_400_000L;
            assertEquals(formatted(ms), Json.timestamp(ms), "epochMs=" + ms);
            if (ms > 0)
            {
                assertEquals(formatted(ms - 1), Json.timestamp(ms - 1), "epochMs=" + (ms - 1));
            }
        }
    }

    /** Property: any instant, in or out of the hand-written range, reads as the formatter writes it. */
    @Test
    void shouldAgreeWithTheFormatterOnRandomInstants()
    {
        Fuzz.forAll("timestamp", 200_000, r -> switch (r.nextInt(3))
        {
            case 0 -> r.nextLong(Json.TIMESTAMP_FAST_MS_MAX + 1); // anywhere in the four-digit years
            case 1 -> 1_700_000_000_000L + r.nextLong(10_000_000_000L); // around now
            default -> r.nextLong(-62_135_596_800_000L, 300_000_000_000_000L); // year 1 to beyond 9999
        }, ms -> assertEquals(formatted(ms), Json.timestamp(ms), "epochMs=" + ms));
    }
}
