package io.ledger.journal;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(value = 5, unit = TimeUnit.SECONDS)
class DurabilityTest
{
    @Test
    void shouldParseEitherNameInAnyCase()
    {
        assertEquals(Durability.PROCESS, Durability.parse("process"));
        assertEquals(Durability.PROCESS, Durability.parse("PROCESS"));
        assertEquals(Durability.FSYNC, Durability.parse("fsync"));
        assertEquals(Durability.FSYNC, Durability.parse("FSync"));
    }

    @Test
    void shouldRejectAnyOtherNameNamingTheValue()
    {
        assertEquals("durability=sync must be process or fsync",
            assertThrows(IllegalArgumentException.class, () -> Durability.parse("sync")).getMessage());
        assertEquals("durability= fsync must be process or fsync",
            assertThrows(IllegalArgumentException.class, () -> Durability.parse(" fsync")).getMessage());
        assertEquals("durability=null must be process or fsync",
            assertThrows(IllegalArgumentException.class, () -> Durability.parse(null)).getMessage());
    }
}
