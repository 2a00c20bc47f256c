package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.junit.jupiter.api.Test;

/**
 * What config/jvm.options (the launcher's, and Surefire's argLine: this JVM's) does for the ledger thread besides the
 * snapshot follower's nice 10 (SnapshotAgentTest): no periodic "cleanup" safepoint, which stops the ledger thread
 * until the last Java thread reaches it.
 */
class JvmOptionsTest
{
    @Test
    void shouldTurnOffTheSafepointEverySecondForCleanup()
    {
        final HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        assertEquals("0", vm.getVMOption("GuaranteedSafepointInterval").getValue());
    }
}
