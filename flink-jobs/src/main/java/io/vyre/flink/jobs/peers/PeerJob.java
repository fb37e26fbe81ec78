package io.vyre.flink.jobs.peers;

import io.vyre.flink.program.ScanMatch;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What a Flink user runs instead of the megakernel: Flink's own FileSource, a CPU engine in its format, and
 * Flink's FileSink writing the scan job's output lines ({@code <absolute path>\t<offset>\t<pattern id>}), so
 * both jobs' part files can be compared line for line.
 */
public final class PeerJob {
    public static final String SOURCE_NAME = "peer-scan";

    private PeerJob() {
    }

    /** What one peer scan needs. */
    public record Spec(PeerEngine engine, List<String> inputs, List<byte[]> patterns, boolean ignoreCase, Path output,
                       int chunkBytes) {
    }

    public static void define(StreamExecutionEnvironment env, Spec spec) {
        env.getConfig().enableObjectReuse();
        org.apache.flink.core.fs.Path[] paths = spec.inputs().stream().map(org.apache.flink.core.fs.Path::new)
            .toArray(org.apache.flink.core.fs.Path[]::new);
        FileSource<ScanMatch> source = FileSource.forBulkFileFormat(
            new PeerFormat(spec.engine(), spec.patterns(), spec.ignoreCase(), spec.chunkBytes()), paths).build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), SOURCE_NAME).uid("peer-source")
            .map(ScanMatch::toLine).name("format").uid("peer-format")
            .sinkTo(FileSink.forRowFormat(new org.apache.flink.core.fs.Path(spec.output().toUri()),
                new SimpleStringEncoder<String>()).build()).name("part-files").uid("peer-sink");
    }
}
