package io.ledger.http.metrics;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.util.List;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;

/**
 * JVM and process gauges from {@code java.lang.management}, read at scrape time: heap and non-heap memory, memory
 * pools, buffer pools (direct: Netty's buffers; mapped: Chronicle's queue files), Netty's pooled allocator, garbage
 * collections, threads, uptime and file descriptors. Names follow the Prometheus Java client's conventions.
 */
final class JvmMetrics
{
    private JvmMetrics()
    {
    }

    static void write(final PrometheusText text, final long startMs)
    {
        final MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        final MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        text.family("jvm_memory_bytes_used", "gauge", "Used bytes of a JVM memory area.");
        text.sample("jvm_memory_bytes_used", heap.getUsed(), "area", "heap");
        text.sample("jvm_memory_bytes_used", nonHeap.getUsed(), "area", "nonheap");
        text.family("jvm_memory_bytes_committed", "gauge", "Committed bytes of a JVM memory area.");
        text.sample("jvm_memory_bytes_committed", heap.getCommitted(), "area", "heap");
        text.sample("jvm_memory_bytes_committed", nonHeap.getCommitted(), "area", "nonheap");
        text.family("jvm_memory_bytes_max", "gauge", "Max bytes of a JVM memory area (-1 when undefined).");
        text.sample("jvm_memory_bytes_max", heap.getMax(), "area", "heap");
        text.sample("jvm_memory_bytes_max", nonHeap.getMax(), "area", "nonheap");

        final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
        text.family("jvm_memory_pool_bytes_used", "gauge", "Used bytes of a JVM memory pool.");
        for (final MemoryPoolMXBean pool : pools)
        {
            final MemoryUsage usage = pool.getUsage();
            if (usage != null)
            {
                text.sample("jvm_memory_pool_bytes_used", usage.getUsed(), "pool", pool.getName());
            }
        }

        final List<BufferPoolMXBean> buffers = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
        text.family("jvm_buffer_pool_used_bytes", "gauge",
            "Bytes used by a JVM buffer pool: direct (Netty's buffers among others) and mapped (the journal's files).");
        for (final BufferPoolMXBean pool : buffers)
        {
            text.sample("jvm_buffer_pool_used_bytes", pool.getMemoryUsed(), "pool", pool.getName());
        }
        text.family("jvm_buffer_pool_used_buffers", "gauge", "Buffers in a JVM buffer pool.");
        for (final BufferPoolMXBean pool : buffers)
        {
            text.sample("jvm_buffer_pool_used_buffers", pool.getCount(), "pool", pool.getName());
        }

        final PooledByteBufAllocatorMetric netty = PooledByteBufAllocator.DEFAULT.metric();
        text.family("netty_pooled_allocator_used_bytes", "gauge",
            "Bytes held by Netty's pooled allocator, which holds every connection's buffers.");
        text.sample("netty_pooled_allocator_used_bytes", netty.usedDirectMemory(), "memory", "direct");
        text.sample("netty_pooled_allocator_used_bytes", netty.usedHeapMemory(), "memory", "heap");

        text.family("jvm_gc_collection_seconds", "summary", "Time spent in a garbage collector, in seconds.");
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            text.sample("jvm_gc_collection_seconds_count", Math.max(0, gc.getCollectionCount()), "gc", gc.getName());
            text.sample("jvm_gc_collection_seconds_sum", Math.max(0, gc.getCollectionTime()) / 1000.0, "gc", gc.getName());
        }

        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        text.family("jvm_threads_current", "gauge", "Live JVM threads.");
        text.sample("jvm_threads_current", threads.getThreadCount());
        text.family("jvm_threads_peak", "gauge", "Most live JVM threads since start.");
        text.sample("jvm_threads_peak", threads.getPeakThreadCount());

        text.family("process_start_time_seconds", "gauge", "When the metrics registry was created, in Unix seconds.");
        text.sample("process_start_time_seconds", startMs / 1000.0);
        text.family("process_uptime_seconds", "gauge", "JVM uptime in seconds.");
        text.sample("process_uptime_seconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);

        final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix)
        {
            text.family("process_open_fds", "gauge", "Open file descriptors (each connection holds one).");
            text.sample("process_open_fds", unix.getOpenFileDescriptorCount());
            text.family("process_max_fds", "gauge", "The file descriptor limit.");
            text.sample("process_max_fds", unix.getMaxFileDescriptorCount());
        }
    }
}
