package io.ledger.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The CPU time per command of the thread that consumes a pipeline benchmark's ring (the {@code ledger} thread, or the
 * loop that runs the whole path), printed once per measured iteration as {@code consumer-cpu thread=... ns/command=...}.
 * Throughput on two shared cores swings by a factor of two with what else runs; the consumer's own CPU per command
 * does much less, so A/B comparisons read this line beside the score. Read outside the measured code only (iteration
 * and epoch boundaries): {@link ThreadMXBean#getThreadCpuTime} costs a system call.
 *
 * <p>Not thread-safe: the benchmark's own thread.
 */
final class ConsumerCpu
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Thread thread;
    private long startCpuNs;
    private long startCommands;
    private long cpuNs;
    private long commands;

    /** Starts counting {@code consumer}'s CPU; {@code commandsNow} is the benchmark's count of commands so far. */
    void start(final Thread consumer, final long commandsNow)
    {
        thread = consumer;
        startCpuNs = THREADS.getThreadCpuTime(consumer.getId());
        startCommands = commandsNow;
    }

    /** Adds what the consumer used since {@link #start}; before the consumer stops (a dead thread has no CPU time). */
    void stop(final long commandsNow)
    {
        if (thread == null)
        {
            return;
        }
        final long nowNs = THREADS.getThreadCpuTime(thread.getId());
        if (nowNs >= 0 && startCpuNs >= 0)
        {
            cpuNs += nowNs - startCpuNs;
            commands += commandsNow - startCommands;
        }
        thread = null;
    }

    /** Prints the iteration's figure and starts the next iteration's from zero. */
    void print(final String what)
    {
        System.out.printf("consumer-cpu %s commands=%d ns/command=%.1f%n", what, commands, commands == 0 ? 0.0 : (double)cpuNs / commands);
        cpuNs = 0;
        commands = 0;
    }

    /** @return the live thread named {@code name} (the pipeline's {@code ledger} thread); outside measured code. */
    static Thread liveThread(final String name)
    {
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (name.equals(t.getName()) && t.isAlive())
            {
                return t;
            }
        }
        throw new IllegalStateException("thread=" + name + " not found");
    }
}
