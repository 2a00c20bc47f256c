package io.ledger.http.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmNativeMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The JVM's metrics from the Prometheus client's collectors, all of {@code JvmMetrics} but its thread collector, whose
 * deadlock check ({@code ThreadMXBean.findDeadlockedThreads}) and per-state counts ({@code getThreadInfo}) are VM
 * operations at a safepoint: every scrape stopped every thread, the ledger thread included. The thread counts it also
 * served ({@code jvm_threads_current}, {@code _daemon}, {@code _peak}, {@code _started_total}) are read here from
 * counters the JVM keeps, which stop nothing, under the same names. Also the server threads' CPU and CPU wait from the
 * kernel ({@link ThreadSchedule}).
 */
final class JvmCollectors
{
    private JvmCollectors()
    {
    }

    static void register(final PrometheusRegistry registry)
    {
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryPoolAllocationMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmNativeMemoryMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
        registerThreadCounts(registry, ManagementFactory.getThreadMXBean());
        ThreadSchedule.register(registry);
    }

    private static void registerThreadCounts(final PrometheusRegistry registry, final ThreadMXBean threads)
    {
        GaugeWithCallback.builder().name("jvm_threads_current").help("Current thread count of a JVM")
            .callback(callback -> callback.call(threads.getThreadCount())).register(registry);
        GaugeWithCallback.builder().name("jvm_threads_daemon").help("Daemon thread count of a JVM")
            .callback(callback -> callback.call(threads.getDaemonThreadCount())).register(registry);
        GaugeWithCallback.builder().name("jvm_threads_peak").help("Peak thread count of a JVM")
            .callback(callback -> callback.call(threads.getPeakThreadCount())).register(registry);
        CounterWithCallback.builder().name("jvm_threads_started_total").help("Started thread count of a JVM")
            .callback(callback -> callback.call(threads.getTotalStartedThreadCount())).register(registry);
    }
}
