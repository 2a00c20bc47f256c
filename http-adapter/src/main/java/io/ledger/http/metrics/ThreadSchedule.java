package io.ledger.http.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * How long the server's own threads ran and how long they were ready to run but waited for a CPU, from the kernel's
 * per-thread scheduler figures ({@code /proc/self/task/TID/schedstat}: time on a CPU, time waiting on a run queue, in
 * nanoseconds; Linux with {@code CONFIG_SCHED_INFO}, which every distribution kernel has).
 *
 * <p>Why: a pause of the ledger thread (the stall detector, {@code ledger_thread_longest_pause_seconds}) or a slow
 * reply is either work (a slow command, a page fault, a GC barrier) or a thread that was ready and not running because
 * the machine had no CPU free for it. Measured in issue 13's open loop at 10,000 purchases/s on 2 cores with the
 * snapshot follower writing: the event loop spent about 300 ms of every second waiting for a CPU, and the ledger thread
 * about 150 ms, so the latency's tail was the machine's, not the ledger's. The wait counter tells the two apart, for an
 * operator (a rate close to 1 s/s is a thread that gets half a CPU) and for the benchmarks' report.
 *
 * <p>Only threads whose name starts with {@code ledger} or {@code http-} are served (the server's own: the ledger
 * thread, the event loops, the journal, memory and snapshot threads), summed by name (the kernel keeps the first 15 characters of a name), so that two servers in one JVM
 * (tests) add up rather than clash. Nothing is read where {@code /proc/self/task} is missing (not Linux): the counters
 * are then absent. A scrape reads two small files per thread (some 50 threads: well under a millisecond); nothing is
 * read on the ledger thread for it.
 *
 * <p>Thread-safety: stateless; every method may be called from any thread.
 */
public final class ThreadSchedule
{
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final Path THIS_THREAD = Path.of("/proc/thread-self/schedstat");

    private ThreadSchedule()
    {
    }

    /**
     * Registers {@code ledger_process_thread_cpu_seconds_total{thread}} and
     * {@code ledger_process_thread_cpu_wait_seconds_total{thread}}; nothing where the kernel keeps no such figures.
     */
    static void register(final PrometheusRegistry registry)
    {
        if (!Files.isDirectory(TASKS) || !Files.isReadable(THIS_THREAD))
        {
            return;
        }
        CounterWithCallback.builder()
            .name("ledger_process_thread_cpu_seconds_total")
            .help("Time the server's threads ran on a CPU, by thread name (threads named ledger* and http-*, summed by "
                + "name), from /proc/self/task/*/schedstat.")
            .unit(Unit.SECONDS)
            .labelNames("thread")
            .callback(callback -> serverThreads().forEach((name, figures) -> callback.call(figures[0] / 1e9, name)))
            .register(registry);
        CounterWithCallback.builder()
            .name("ledger_process_thread_cpu_wait_seconds_total")
            .help("Time the server's threads were ready to run but waited for a CPU (on a run queue), by thread name. "
                + "A rate near 1 s/s means a thread got about half the CPU it wanted: the machine is short of CPU.")
            .unit(Unit.SECONDS)
            .labelNames("thread")
            .callback(callback -> serverThreads().forEach((name, figures) -> callback.call(figures[1] / 1e9, name)))
            .register(registry);
    }

    /**
     * @return per thread name (threads named {@code ledger*} or {@code http-*}), nanoseconds on a CPU and nanoseconds
     *         waiting for one since each thread started, summed over threads of that name; empty where the kernel
     *         keeps no such figures. Threads that end while it reads are left out.
     */
    public static Map<String, long[]> serverThreads()
    {
        final Map<String, long[]> byName = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS))
        {
            for (final Path task : tasks)
            {
                try
                {
                    final String name = Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII).strip();
                    if (!name.startsWith("ledger") && !name.startsWith("http-"))
                    {
                        continue;
                    }
                    final long[] figures = parse(Files.readString(task.resolve("schedstat"), StandardCharsets.US_ASCII));
                    if (figures == null)
                    {
                        continue;
                    }
                    final long[] sum = byName.computeIfAbsent(name, n -> new long[2]);
                    sum[0] += figures[0];
                    sum[1] += figures[1];
                }
                catch (final IOException ex)
                {
                    // the thread ended between the listing and the read: it is left out
                }
            }
        }
        catch (final IOException ex)
        {
            return Map.of();
        }
        return byName;
    }

    /**
     * @return the calling thread's nanoseconds on a CPU and waiting for one since it started, or {@code null} where the
     *         kernel keeps no such figures. One read of a small file: for a rare event (a long pause's warning), not for
     *         every command.
     */
    public static long[] currentThread()
    {
        try
        {
            return parse(Files.readString(THIS_THREAD, StandardCharsets.US_ASCII));
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /** @return {cpu ns, run-queue wait ns} from a schedstat line ("cpu wait timeslices"), or null when it is not one. */
    static long[] parse(final String schedstat)
    {
        final String[] fields = schedstat.strip().split(" ");
        if (fields.length < 2)
        {
            return null;
        }
        try
        {
            return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }
}
