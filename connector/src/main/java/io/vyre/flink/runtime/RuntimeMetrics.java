package io.vyre.flink.runtime;

import io.vyre.runtime.VyreRuntime;
import io.vyre.runtime.VyreTenant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The megakernel's metrics under a subtask's metric group (group "vyre"): the subtask's tenant id and slots
 * in flight, the shared runtime's ring occupancy, IO queue depth, tenants, active IO path, backend and MATCH
 * engine, and the round-trip latency of each of the subtask's chunks through the kernel.
 */
@Internal
public final class RuntimeMetrics {
    private final Histogram roundTripMicros = new DescriptiveStatisticsHistogram(1024);
    private final AtomicLong chunks = new AtomicLong();
    private final PipelineStages stages;

    public RuntimeMetrics(MetricGroup parent, Supplier<VyreTenant> tenant) {
        Supplier<VyreRuntime> runtime = () -> {
            VyreTenant t = tenant.get();
            return t == null || t.isClosed() ? null : t.runtime();
        };
        MetricGroup group = parent.addGroup("vyre");
        group.gauge("tenant", (Gauge<Integer>) () -> {
            VyreTenant t = tenant.get();
            return t == null ? -1 : t.id();
        });
        group.gauge("tenantSlotsInFlight", (Gauge<Integer>) () -> {
            VyreTenant t = tenant.get();
            return t == null ? 0 : t.inFlight();
        });
        group.gauge("tenantsOnDevice", (Gauge<Integer>) () -> whenOpen(runtime, VyreRuntime::openTenants, 0));
        group.gauge("ringOccupancy", (Gauge<Long>) () -> whenOpen(runtime, VyreRuntime::ringOccupancy, 0L));
        group.gauge("ioQueueDepth", (Gauge<Long>) () -> whenOpen(runtime, VyreRuntime::ioInFlight, 0L));
        group.gauge("ioPath", (Gauge<String>) () -> whenOpen(runtime,
            rt -> rt.pump() == null ? "" : String.valueOf(rt.pump().stats().path()), ""));
        group.gauge("backend", (Gauge<String>) () -> whenOpen(runtime, rt -> rt.backend().description(), ""));
        group.gauge("backendReason", (Gauge<String>) () -> whenOpen(runtime, VyreRuntime::backendReason, ""));
        group.gauge("matchEngine", (Gauge<String>) () -> whenOpen(runtime, rt -> rt.backend().matchEngine(), ""));
        group.gauge("chunks", (Gauge<Long>) chunks::get);
        group.histogram("kernelRoundTripMicros", roundTripMicros);
        stages = new PipelineStages(group);
    }

    /** This subtask's time per pipeline stage. */
    public PipelineStages stages() {
        return stages;
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
