package io.vyre.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.flink.program.ScanMatch;
import io.vyre.flink.program.VyrePrograms;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.sink.VyreSink;
import io.vyre.flink.source.VyreSource;
import io.vyre.runtime.backend.BackendKind;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bounded Vyre source reports backlog until every split is read: with an hour's checkpoint interval during
 * backlog and a short one after, the job checkpoints rarely while it reads and still finishes at once, instead of
 * waiting up to an hour for the final checkpoint it needs to commit. It does so whether the splits are many and
 * handed out one by one or few and all handed out at the start.
 */
class BoundedFinalCheckpointITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final AtomicInteger COMPLETED = new AtomicInteger();

    @TempDir
    Path dir;

    /** Slows the stream (a millisecond every 5 records) and counts completed checkpoints. */
    static final class Slow implements MapFunction<ScanMatch, String>, CheckpointListener {
        private int seen;

        @Override
        public String map(ScanMatch match) throws Exception {
            if (++seen % 5 == 0) {
                Thread.sleep(1);
            }
            return match.toLine();
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            COMPLETED.incrementAndGet();
        }
    }

    @ParameterizedTest(name = "split bytes {0}")
    @ValueSource(ints = {2_000, 1 << 30})  // 60 splits, the queue draining near the end; one split per file, all handed out at once
    @Timeout(value = 3, unit = TimeUnit.MINUTES)  // without the end of backlog the final checkpoint is an hour away
    void shouldCheckpointAtTheBacklogIntervalWhileReadingAndFinishAtOnce(int splitBytes) throws Exception {
        Path in = dir.resolve("in");
        Path out = dir.resolve("out");
        ScanCorpus corpus = new ScanCorpus(new Random(29), in, 8, 4, 30_000);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(100, CheckpointingMode.EXACTLY_ONCE);
        env.getCheckpointConfig().setCheckpointIntervalDuringBacklog(TimeUnit.HOURS.toMillis(1));
        VyreSource<ScanMatch> source = VyreSource.builder().setPaths(in.toString())
            .setProgram(VyrePrograms.scan(corpus.patterns, false)).setBackend(BackendKind.CPU).setChunkBytes(8192)
            .setSplitBytes(splitBytes).build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "vyre-scan").map(new Slow())
            .sinkTo(VyreSink.<String>builder().setOutputDirectory(out.toString())
                .setRuntimeSettings(VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(16 << 10)).build());
        COMPLETED.set(0);
        env.execute("bounded job, long backlog interval");

        assertThat(corpus.expected.size() / 5).as("milliseconds the job sleeps, over 10 short intervals").isGreaterThan(1000);
        // per subtask: at most one before the backlog was reported, then the final one once every split is read.
        // Had the backlog ended with the last split handed out: every 100 ms while the last splits are read (whole
        // files: throughout, at least 10 per subtask); without the report at all: every 100 ms throughout.
        assertThat(COMPLETED.get()).as("checkpoints completed, summed over 2 subtasks").isBetween(2, 6);
        assertThat(ScanCorpus.committed(out)).isEqualTo(corpus.expected);
    }
}
