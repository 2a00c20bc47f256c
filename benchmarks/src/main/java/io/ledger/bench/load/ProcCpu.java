package io.ledger.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of another process on Linux, from {@code /proc/PID/stat} (utime + stime, in clock ticks of 10 ms). */
final class ProcCpu
{
    /** USER_HZ: 100 on every mainstream Linux architecture. */
    private static final long NS_PER_TICK = 10_000_000L;

    private ProcCpu()
    {
    }

    /** @return the process's user + system CPU time in nanoseconds, or -1 when unknown (pid 0, no /proc, gone). */
    static long cpuNs(final long pid)
    {
        if (pid <= 0)
        {
            return -1;
        }
        try
        {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NS_PER_TICK; // fields 14 and 15 of stat
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }
}
