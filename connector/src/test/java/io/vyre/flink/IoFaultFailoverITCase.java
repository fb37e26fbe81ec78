package io.vyre.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.flink.program.VyrePrograms;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.sink.VyreSink;
import io.vyre.flink.source.FlakyFileSystemFactory;
import io.vyre.flink.source.VyreSource;
import io.vyre.runtime.DeviceRuntimes;
import io.vyre.runtime.backend.BackendKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * IO errors at job level. Streamed files: every input's stream breaks four times in a row (a {@code flaky://} file
 * system), more than the reader's three reopens. Local files read by the IO pump: a read ends in EIO, throws inside
 * the pump, or ends early ({@link FaultyFileIo} under the real io_uring or FileChannel IO). Either way the task fails
 * with the file named, Flink restarts it from the last checkpoint, and the next attempt reads on. The committed
 * output must equal the naive scan exactly once. The faults sit under the pumps, so these jobs leave every read to
 * them: a CPU kernel worker's own read ({@link io.vyre.runtime.io.CallerReads}) fails through the same completion.
 */
class IoFaultFailoverITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    @BeforeAll
    static void readThroughThePumps() {
        System.setProperty(DeviceRuntimes.CPU_CALLER_READS_PROPERTY, "false");
    }

    @AfterAll
    static void restoreWorkersOwnReads() {
        System.clearProperty(DeviceRuntimes.CPU_CALLER_READS_PROPERTY);
    }

    @AfterEach
    void disarm() {
        FaultyFileIo.disarm();
    }

    @ParameterizedTest
    @EnumSource(FaultyFileIo.Fault.class)
    void shouldRestartFromTheCheckpointAfterAPumpReadFailsAndLoseNothing(FaultyFileIo.Fault fault,
            @InjectClusterClient ClusterClient<?> client) throws Exception {
        Path in = dir.resolve("in");
        Path out = dir.resolve("out");
        ScanCorpus corpus = new ScanCorpus(new Random(61), in, 12, 4, 120_000);
        FaultyFileIo.arm(fault, in, 1, 60_000);

        StreamExecutionEnvironment env = restarting(2);
        scan(env, in.toString(), out, corpus);
        JobID job = env.executeAsync("pump faults: " + fault).getJobID();
        ScanCorpus.awaitJob(client, job);

        assertThat(FaultyFileIo.INJECTED.get()).as("one fault per file, each in its second half").isEqualTo(4);
        List<String> committed = ScanCorpus.committed(out);
        assertThat(new HashSet<>(committed)).as("no duplicates").hasSize(committed.size());
        assertThat(committed).isEqualTo(corpus.expected);
        assertThat(ScanCorpus.inProgress(out)).as("no in-progress file left").isEmpty();
        assertThat(ScanCorpus.rest(client, "/jobs/" + job + "/exceptions")).as("the task failed naming the file and the cause")
            .contains("the megakernel failed on " + in.resolve("log-"))
            .contains(fault == FaultyFileIo.Fault.EIO ? "errno 5 (EIO: input/output error)"
                : fault == FaultyFileIo.Fault.THROW ? "went away" : "truncated underneath?");
    }

    /**
     * One tenant's error leaves the others alone: four subtasks (four tenants of one runtime) each scan a file, one
     * file's read fails once with EIO in its second half; only that subtask restarts (its attempt number is the only
     * one past 0), and the output is exact.
     */
    @Test
    void shouldRestartOnlyTheTenantWhoseReadFailed(@InjectClusterClient ClusterClient<?> client) throws Exception {
        Path in = dir.resolve("in");
        Path out = dir.resolve("out");
        ScanCorpus corpus = new ScanCorpus(new Random(63), in, 12, 4, 400_000);
        FaultyFileIo.arm(FaultyFileIo.Fault.EIO, in.resolve("log-2"), 1, 200_000);

        StreamExecutionEnvironment env = restarting(4);
        scan(env, in.toString(), out, corpus);
        JobID job = env.executeAsync("one tenant's fault").getJobID();
        ScanCorpus.awaitJob(client, job);

        assertThat(FaultyFileIo.INJECTED.get()).as("one fault, in log-2").isEqualTo(1);
        assertThat(ScanCorpus.committed(out)).isEqualTo(corpus.expected);
        String vertex = JSON.readTree(ScanCorpus.rest(client, "/jobs/" + job)).path("vertices").get(0).path("id")
            .asText();
        List<Integer> attempts = new ArrayList<>();
        JSON.readTree(ScanCorpus.rest(client, "/jobs/" + job + "/vertices/" + vertex)).path("subtasks")
            .forEach(s -> attempts.add(s.path("attempt").asInt()));
        assertThat(attempts).as("attempts per subtask: only the one whose read failed restarted").hasSize(4)
            .containsOnlyOnce(1).containsOnly(0, 1);
    }

    /** Scans {@code in} on the tests' source backend into a Vyre sink writing {@code out}, as a job of {@code env}. */
    private static void scan(StreamExecutionEnvironment env, String in, Path out, ScanCorpus corpus) {
        env.fromSource(VyreSource.builder().setPaths(in).setProgram(VyrePrograms.scan(corpus.patterns, false))
                    .setBackend(TestBackends.source()).setChunkBytes(8192).build(),
                WatermarkStrategy.noWatermarks(), "scan")
            .map(m -> m.toLine())
            .sinkTo(VyreSink.<String>builder().setOutputDirectory(out.toString())
                .setRuntimeSettings(VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(16 << 10)).build());
    }

    private static StreamExecutionEnvironment restarting(int parallelism) {
        StreamExecutionEnvironment env = ScanCorpus.restartingEnvironment(parallelism, 10);
        env.enableCheckpointing(100, CheckpointingMode.EXACTLY_ONCE);
        return env;
    }

    @Test
    void shouldRestartFromTheCheckpointAfterAFileKeepsFailingAndLoseNothing(@InjectClusterClient ClusterClient<?> client)
            throws Exception {
        Path in = dir.resolve("in");
        Path out = dir.resolve("out");
        ScanCorpus corpus = new ScanCorpus(new Random(59), in, 12, 4, 120_000);
        List<String> expected = corpus.expected.stream().map(l -> "flaky:" + l).sorted().toList();
        FlakyFileSystemFactory.reset(4);

        StreamExecutionEnvironment env = restarting(2);
        scan(env, "flaky://" + in, out, corpus);
        ScanCorpus.awaitJob(client, env.executeAsync("io faults").getJobID());

        assertThat(FlakyFileSystemFactory.BREAKS.get()).as("every file broke four times, one more than the reopens")
            .isEqualTo(16);
        List<String> committed = ScanCorpus.committed(out);
        assertThat(new HashSet<>(committed)).as("no duplicates").hasSize(committed.size());
        assertThat(committed).isEqualTo(expected);
        assertThat(ScanCorpus.inProgress(out)).as("no in-progress file left").isEmpty();
    }
}
