package io.vyre.flink.source;

import io.vyre.flink.program.VyreProgram;
import io.vyre.flink.runtime.RuntimeJvmCheck;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.source.enumerator.FileDiscovery;
import io.vyre.flink.source.enumerator.VyreEnumeratorState;
import io.vyre.flink.source.enumerator.VyreEnumeratorStateSerializer;
import io.vyre.flink.source.enumerator.VyreFileEnumerator;
import io.vyre.flink.source.reader.VyreSourceReader;
import io.vyre.flink.source.split.VyreFileSplit;
import io.vyre.flink.source.split.VyreFileSplitSerializer;
import java.time.Duration;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A FLIP-27 source that runs a VIR0 program over files on the megakernel: each parallel reader owns one
 * runtime (ring, IO queue, CPU or CUDA kernel); splits are byte ranges of files, or whole files tailed as
 * they grow when a directory is monitored. Build one with {@link #builder()}.
 *
 * <pre>{@code
 * VyreSource<ScanMatch> source = VyreSource.builder()
 *     .setPaths("/var/log/app")
 *     .setProgram(VyrePrograms.scanText(List.of("password=", "BEGIN RSA PRIVATE KEY"), false))
 *     .setBackend(BackendKind.AUTO)
 *     .build();
 * env.fromSource(source, WatermarkStrategy.noWatermarks(), "vyre-scan");
 * }</pre>
 */
@PublicEvolving
public final class VyreSource<T> implements Source<T, VyreFileSplit, VyreEnumeratorState>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;
    /** How long a tailed file must not grow before it is final and its end is scanned. */
    public static final Duration DEFAULT_TAIL_FINAL_AFTER = Duration.ofSeconds(10);

    private final List<String> paths;
    private final VyreProgram<T> program;
    private final VyreRuntimeSettings settings;
    private final long splitBytes;
    private final Duration monitorInterval;
    private final Duration tailFinalAfter;
    private final boolean skipUnreadable;
    private final RateLimiterStrategy<VyreFileSplit> rateLimiter;
    private final long recordLimit;

    VyreSource(List<String> paths, VyreProgram<T> program, VyreRuntimeSettings settings, long splitBytes,
               Duration monitorInterval, Duration tailFinalAfter, boolean skipUnreadable,
               RateLimiterStrategy<VyreFileSplit> rateLimiter, long recordLimit) {
        this.paths = List.copyOf(paths);
        this.program = program;
        this.settings = settings;
        this.splitBytes = splitBytes;
        this.monitorInterval = monitorInterval;
        this.tailFinalAfter = tailFinalAfter;
        this.skipUnreadable = skipUnreadable;
        this.rateLimiter = rateLimiter;
        this.recordLimit = recordLimit;
    }

    public static VyreSourceBuilder<Void> builder() {
        return new VyreSourceBuilder<>();
    }

    @Override
    public Boundedness getBoundedness() {
        return monitorInterval == null ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SplitEnumerator<VyreFileSplit, VyreEnumeratorState> createEnumerator(
        SplitEnumeratorContext<VyreFileSplit> context) {
        return new VyreFileEnumerator(context, new FileDiscovery(paths, splitBytes), monitorInterval, null);
    }

    @Override
    public SplitEnumerator<VyreFileSplit, VyreEnumeratorState> restoreEnumerator(
        SplitEnumeratorContext<VyreFileSplit> context, VyreEnumeratorState state) {
        return new VyreFileEnumerator(context, new FileDiscovery(paths, splitBytes), monitorInterval, state);
    }

    @Override
    public SimpleVersionedSerializer<VyreFileSplit> getSplitSerializer() {
        return VyreFileSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<VyreEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new VyreEnumeratorStateSerializer();
    }

    @Override
    public SourceReader<T, VyreFileSplit> createReader(SourceReaderContext context) {
        RuntimeJvmCheck.checkTaskManager();
        Duration poll = monitorInterval == null ? Duration.ofMillis(100) : monitorInterval;
        return VyreSourceReader.create(program, settings, context, skipUnreadable, poll, tailFinalAfter, rateLimiter,
            recordLimit);
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return program.producedType();
    }

    public VyreProgram<T> program() {
        return program;
    }

    public VyreRuntimeSettings settings() {
        return settings;
    }
}
