package io.vyre.flink.jobs.scan;

import io.vyre.flink.program.ScanMatch;
import io.vyre.flink.program.VyrePrograms;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.sink.VyreSink;
import io.vyre.flink.source.VyreSource;
import io.vyre.runtime.backend.BackendKind;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The scan pipeline: a Vyre source running the multi-pattern {@code scan} program over the inputs, one
 * line per occurrence ({@code <absolute path>\t<offset>\t<pattern id>}), written exactly once by a Vyre
 * sink into part files under the output folder.
 */
public final class ScanJob {
    /** The source's name; the progress line and the Flink web UI know the operator by it. */
    public static final String SOURCE_NAME = "vyre-scan";

    private ScanJob() {
    }

    /** What one scan needs. {@code maxRecordsPerSecond} 0 means unlimited; lanes and chunk bytes per source subtask. */
    public record Spec(List<String> inputs, List<byte[]> patterns, boolean ignoreCase, Path output,
                       BackendKind backend, List<Integer> devices, long maxRecordsPerSecond, int lanes, int chunkBytes) {
    }

    public static void define(StreamExecutionEnvironment env, Spec spec) {
        // every occurrence passes source -> sink in one chained task: without object reuse Flink deep-copies
        // each ScanMatch (a POJO, by reflection) between them; the sink only reads it
        env.getConfig().enableObjectReuse();
        var builder = VyreSource.builder()
            .setPaths(spec.inputs())
            .setProgram(VyrePrograms.scan(spec.patterns(), spec.ignoreCase()))
            .setBackend(spec.backend())
            .setDevices(spec.devices())
            .setLanes(spec.lanes())
            .setChunkBytes(spec.chunkBytes());
        if (spec.maxRecordsPerSecond() > 0) {
            builder.setRateLimiter(RateLimiterStrategy.perSecond(spec.maxRecordsPerSecond()));
        }
        VyreSource<ScanMatch> source = builder.build();
        // the sink only writes: the CPU megakernel's IO queue does that without holding a GPU context
        VyreRuntimeSettings sinkRuntime = VyreRuntimeSettings.defaults().backend(BackendKind.CPU).cpuWorkers(1)
            .chunkBytes(1 << 20);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), SOURCE_NAME).uid("vyre-scan-source")
            .sinkTo(VyreSink.<ScanMatch>builder().setOutputDirectory(spec.output().toString())
                .setEncoder(new ScanLineEncoder()).setRuntimeSettings(sinkRuntime).build())
            .name("vyre-part-files").uid("vyre-scan-sink");
    }
}
