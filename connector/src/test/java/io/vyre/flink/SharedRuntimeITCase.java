package io.vyre.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.flink.program.ScanMatch;
import io.vyre.flink.program.VyrePrograms;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.sink.VyreSink;
import io.vyre.flink.source.VyreSource;
import io.vyre.runtime.DeviceRuntimes;
import io.vyre.runtime.backend.BackendKind;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four scan subtasks (each a source and a sink tenant) on one task manager share one CPU megakernel
 * runtime. One subtask fails mid-stream; Flink restarts only its pipeline, which rejoins the same runtime
 * as a new tenant while the other three keep running on it. The committed output equals the naive scan
 * exactly once.
 */
class SharedRuntimeITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).setConfiguration(regionFailover()).build());

    private static Configuration regionFailover() {
        Configuration conf = new Configuration();
        conf.set(JobManagerOptions.EXECUTION_FAILOVER_STRATEGY, "region");
        return conf;
    }

    static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final Map<Integer, AtomicInteger> STARTS = new ConcurrentHashMap<>();
    static final AtomicInteger SEEN = new AtomicInteger();
    static final int FAILING_SUBTASK = 2;

    @TempDir
    Path dir;

    /** Slows the stream so checkpoints complete; subtask 2 fails once after one did. */
    static final class FailOneSubtask extends RichMapFunction<ScanMatch, String> implements CheckpointListener {
        private int subtask;
        private int seen;

        @Override
        public void open(OpenContext openContext) {
            subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            STARTS.computeIfAbsent(subtask, s -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public String map(ScanMatch match) throws Exception {
            seen++;
            if (SEEN.incrementAndGet() % 100 == 0) {
                Thread.sleep(2);
            }
            if (subtask == FAILING_SUBTASK && CHECKPOINTED.get() && seen > 1000 && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure of subtask " + subtask + " after " + seen + " records");
            }
            return match.toLine();
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTED.set(true);
        }
    }

    @Test
    void shouldKeepTheOtherTenantsRunningWhileOneFailsAndRejoins(@InjectClusterClient ClusterClient<?> client)
            throws Exception {
        Path in = dir.resolve("in");
        Path out = dir.resolve("out");
        ScanCorpus corpus = new ScanCorpus(new Random(23), in, 10, 8, 100_000);
        List<byte[]> patterns = corpus.patterns;
        List<String> expected = corpus.expected;
        long runtimesBefore = DeviceRuntimes.shared().runtimesOpened();

        StreamExecutionEnvironment env = ScanCorpus.restartingEnvironment(4);
        env.enableCheckpointing(100, CheckpointingMode.EXACTLY_ONCE);
        VyreRuntimeSettings settings = VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(8192);
        VyreSource<ScanMatch> source = VyreSource.builder().setPaths(in.toString())
            .setProgram(VyrePrograms.scan(patterns, false)).setRuntimeSettings(settings).setSplitBytes(25_000).build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "vyre-scan")
            .map(new FailOneSubtask())
            .sinkTo(VyreSink.<String>builder().setOutputDirectory(out.toString())
                .setRuntimeSettings(VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(16 << 10)).build());
        ScanCorpus.awaitJob(client, env.executeAsync("shared runtime, one tenant failing").getJobID());

        assertThat(FAILED).as("the injected failure happened").isTrue();
        assertThat(STARTS.get(FAILING_SUBTASK).get()).as("the failing subtask restarted").isEqualTo(2);
        for (int s = 0; s < 4; s++) {
            if (s != FAILING_SUBTASK) {
                assertThat(STARTS.get(s).get()).as("subtask %d kept running through the other's failure", s).isEqualTo(1);
            }
        }
        assertThat(DeviceRuntimes.shared().runtimesOpened() - runtimesBefore)
            .as("all eight tenants, and the restarted ones, on one runtime").isEqualTo(1);
        assertThat(DeviceRuntimes.shared().openRuntimes()).as("closed with its last tenant").isZero();

        List<String> committed = ScanCorpus.committed(out);
        assertThat(new HashSet<>(committed)).as("no duplicates").hasSize(committed.size());
        assertThat(committed).isEqualTo(expected);
        assertThat(ScanCorpus.inProgress(out)).as("the failed subtask's in-progress files are cleaned up").isEmpty();
    }
}
