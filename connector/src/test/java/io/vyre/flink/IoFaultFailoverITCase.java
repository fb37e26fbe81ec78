package io.vyre.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.flink.program.VyrePrograms;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.sink.VyreSink;
import io.vyre.flink.source.FlakyFileSystemFactory;
import io.vyre.flink.source.VyreSource;
import io.vyre.runtime.backend.BackendKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
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
 * output must equal the naive scan exactly once.
 */
class IoFaultFailoverITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

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

        StreamExecutionEnvironment env = restarting();
        env.fromSource(VyreSource.builder().setPaths(in.toString()).setProgram(VyrePrograms.scan(corpus.patterns, false))
                    .setBackend(BackendKind.CPU).setChunkBytes(8192).build(),
                WatermarkStrategy.noWatermarks(), "scan local")
            .map(m -> m.toLine())
            .sinkTo(VyreSink.<String>builder().setOutputDirectory(out.toString())
                .setRuntimeSettings(VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(16 << 10)).build());
        JobID job = env.executeAsync("pump faults: " + fault).getJobID();
        client.requestJobResult(job).get();

        assertThat(FaultyFileIo.INJECTED.get()).as("one fault per file, each in its second half").isEqualTo(4);
        List<String> committed = ScanCorpus.committed(out);
        assertThat(new HashSet<>(committed)).as("no duplicates").hasSize(committed.size());
        assertThat(committed).isEqualTo(corpus.expected);
        assertThat(ScanCorpus.inProgress(out)).as("no in-progress file left").isEmpty();
        String failures = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(client.getWebInterfaceURL() + "/jobs/" + job + "/exceptions")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        assertThat(failures).as("the task failed naming the file and the cause")
            .contains("the megakernel failed on " + in.resolve("log-"))
            .contains(fault == FaultyFileIo.Fault.EIO ? "errno 5 (EIO: input/output error)"
                : fault == FaultyFileIo.Fault.THROW ? "went away" : "truncated underneath?");
    }

    private static StreamExecutionEnvironment restarting() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(100, CheckpointingMode.EXACTLY_ONCE);
        return env;
    }

    @Test
    void shouldRestartFromTheCheckpointAfterAFileKeepsFailingAndLoseNothing() throws Exception {
        Path in = dir.resolve("in");
        Path out = dir.resolve("out");
        ScanCorpus corpus = new ScanCorpus(new Random(59), in, 12, 4, 120_000);
        List<String> expected = corpus.expected.stream().map(l -> "flaky:" + l).sorted().toList();
        FlakyFileSystemFactory.reset(4);

        StreamExecutionEnvironment env = restarting();
        env.fromSource(VyreSource.builder().setPaths("flaky://" + in).setProgram(VyrePrograms.scan(corpus.patterns, false))
                    .setBackend(BackendKind.CPU).setChunkBytes(8192).build(),
                WatermarkStrategy.noWatermarks(), "scan flaky")
            .map(m -> m.toLine())
            .sinkTo(VyreSink.<String>builder().setOutputDirectory(out.toString())
                .setRuntimeSettings(VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(16 << 10)).build());
        env.execute("io faults");

        assertThat(FlakyFileSystemFactory.BREAKS.get()).as("every file broke four times, one more than the reopens")
            .isEqualTo(16);
        List<String> committed = ScanCorpus.committed(out);
        assertThat(new HashSet<>(committed)).as("no duplicates").hasSize(committed.size());
        assertThat(committed).isEqualTo(expected);
        assertThat(ScanCorpus.inProgress(out)).as("no in-progress file left").isEmpty();
    }
}
