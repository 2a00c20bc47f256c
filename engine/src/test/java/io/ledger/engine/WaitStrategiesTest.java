package io.ledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import io.ledger.engine.internal.DeferrableBlockingWaitStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The wait strategies by name: lite-blocking with and without a spin, and the names refused. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WaitStrategiesTest
{
    @Test
    void shouldBuildLiteBlockingWithTheSpinItsNameGivesAndNoneByDefault()
    {
        assertEquals(TimeUnit.MICROSECONDS.toNanos(WaitStrategies.LITE_BLOCKING_SPIN_US_DEFAULT), spinNs("lite-blocking"));
        assertEquals(20_000, spinNs("lite-blocking:20us"));
        assertEquals(0, spinNs("lite-blocking:0us"));
        assertEquals(1_000_000, spinNs("lite-blocking:1000us"));
    }

    @Test
    void shouldRefuseASpinThatIsNotWholeMicrosecondsUpToOneMillisecond()
    {
        for (final String name : new String[] {"lite-blocking:1001us", "lite-blocking:20", "lite-blocking:us", "lite-blocking:-1us",
            "lite-blocking:2.5us", "lite-blocking:20ms", "lite-blocking:", "lite-blocking:99999999999us"})
        {
            final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> WaitStrategies.byName(name), name);
            assertTrue(refused.getMessage().contains("lite-blocking:20us"), refused.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> WaitStrategies.byName("spin"));
    }

    private static long spinNs(final String name)
    {
        return assertInstanceOf(DeferrableBlockingWaitStrategy.class, WaitStrategies.byName(name)).spinNs();
    }
}
