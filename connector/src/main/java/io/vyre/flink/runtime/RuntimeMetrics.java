package io.vyre.flink.runtime;

import io.vyre.runtime.VyreRuntime;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The megakernel's metrics under a subtask's metric group (group "vyre"): ring occupancy, IO queue depth,
 * active IO path, backend and MATCH engine, and the round-trip latency of each chunk through the kernel.
 */
public final class RuntimeMetrics {
    private final Histogram roundTripMicros = new DescriptiveStatisticsHistogram(1024);
    private final AtomicLong chunks = new AtomicLong();

    public RuntimeMetrics(MetricGroup parent, Supplier<VyreRuntime> runtime) {
        MetricGroup group = parent.addGroup("vyre");
        group.gauge("ringOccupancy", (Gauge<Long>) () -> whenOpen(runtime, VyreRuntime::ringOccupancy, 0L));
        group.gauge("ioQueueDepth", (Gauge<Long>) () -> whenOpen(runtime, rt -> rt.pump().stats().inFlight(), 0L));
        group.gauge("ioPath", (Gauge<String>) () -> whenOpen(runtime, rt -> String.valueOf(rt.pump().stats().path()), ""));
        group.gauge("backend", (Gauge<String>) () -> whenOpen(runtime, rt -> rt.backend().description(), ""));
        group.gauge("backendReason", (Gauge<String>) () -> whenOpen(runtime, VyreRuntime::backendReason, ""));
        group.gauge("matchEngine", (Gauge<String>) () -> whenOpen(runtime, rt -> rt.backend().matchEngine(), ""));
        group.gauge("chunks", (Gauge<Long>) chunks::get);
        group.histogram("kernelRoundTripMicros", roundTripMicros);
    }

    private static <V> V whenOpen(Supplier<VyreRuntime> runtime, java.util.function.Function<VyreRuntime, V> f, V closed) {
        VyreRuntime rt = runtime.get();
        return rt == null || rt.isClosed() ? closed : f.apply(rt);
    }

    public void chunkDone(long nanos) {
        chunks.incrementAndGet();
        roundTripMicros.update(nanos / 1_000);
    }
}
