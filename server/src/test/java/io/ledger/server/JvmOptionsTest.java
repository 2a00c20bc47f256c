package io.ledger.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What config/jvm.options (the launcher's, and Surefire's argLine: this JVM's) does for the ledger thread besides the
 * snapshot follower's nice 10 (SnapshotAgentTest): the JIT's compiler threads run at nice 10, so that they take only
 * the CPU the ledger and the event loop leave, and there is no periodic "cleanup" safepoint, which stops the ledger
 * thread until the last Java thread reaches it.
 */
class JvmOptionsTest
{
    private static final HotSpotDiagnosticMXBean VM = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    void shouldTurnOffTheSafepointEverySecondForCleanup()
    {
        assertEquals("0", VM.getVMOption("GuaranteedSafepointInterval").getValue());
    }

    @Test
    void shouldRunTheCompilerThreadsAtNice10OnLinux() throws IOException
    {
        assertEquals("10", VM.getVMOption("CompilerThreadPriority").getValue());
        assertEquals("1", VM.getVMOption("ThreadPriorityPolicy").getValue(), "native priorities are nice values");

        final Path tasks = Path.of("/proc/self/task");
        Assumptions.assumeTrue(Files.isDirectory(tasks), "Linux only: nice values in /proc");
        final int ownNice = niceOf(tasks.resolve(String.valueOf(ProcessHandle.current().pid())));
        Assumptions.assumeTrue(ownNice == 0, "the test JVM runs at nice " + ownNice + ", not 0");
        final List<String> compilers = new ArrayList<>();
        try (var all = Files.list(tasks))
        {
            for (final Path task : all.toList())
            {
                try
                {
                    final String name = Files.readString(task.resolve("comm")).strip();
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre"))
                    {
                        compilers.add(name + " nice " + niceOf(task));
                    }
                }
                catch (final NoSuchFileException ex)
                {
                    // a thread that ended meanwhile
                }
            }
        }
        assertFalse(compilers.isEmpty(), "the JIT's compiler threads in /proc/self/task");
        for (final String compiler : compilers)
        {
            assertEquals(compiler.replaceAll(" nice .*", "") + " nice 10", compiler);
        }
    }

    /** The nice value of a task: field 19 of its stat, counted after the command name's closing parenthesis. */
    private static int niceOf(final Path task) throws IOException
    {
        final String stat = Files.readString(task.resolve("stat"));
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }
}
