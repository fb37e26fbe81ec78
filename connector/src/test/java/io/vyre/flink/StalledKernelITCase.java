package io.vyre.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vyre.flink.program.VyrePrograms;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.sink.VyreSink;
import io.vyre.flink.source.VyreSource;
import io.vyre.runtime.DeviceRuntimes;
import io.vyre.runtime.backend.BackendKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hung kernel at job level: once a checkpoint has committed output, every worker thread of the CPU megakernel
 * the job's source and sink share is frozen (as a GPU kernel that stops answering). The watchdog fails both tasks
 * naming the hung kernel, the restarted tasks open a fresh runtime instead of joining the hung one, and the
 * committed output equals the naive scan exactly once.
 */
class StalledKernelITCase {
    private static final String KERNEL_THREADS = "vyre-cpu-kernel-";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("removal")
    void shouldFailTheTasksOfAHungKernelAndFinishExactlyOnceOnAFreshRuntime(@InjectClusterClient ClusterClient<?> client)
            throws Exception {
        assumeTrue(Runtime.version().feature() < 20,
            "freezes the kernel's threads with Thread.suspend, which throws from Java 20 on");
        Path in = dir.resolve("in");
        Path out = dir.resolve("out");
        ScanCorpus corpus = new ScanCorpus(new Random(67), in, 12, 4, 400_000);
        long runtimesBefore = DeviceRuntimes.shared().runtimesOpened();

        StreamExecutionEnvironment env = ScanCorpus.restartingEnvironment(2, 10);
        env.enableCheckpointing(100, CheckpointingMode.EXACTLY_ONCE);
        env.fromSource(VyreSource.builder().setPaths(in.toString()).setProgram(VyrePrograms.scan(corpus.patterns, false))
                    .setRuntimeSettings(watchdogOfTwoSeconds()).setChunkBytes(8192).build(),
                WatermarkStrategy.noWatermarks(), "scan")
            .map(new Slow())
            .sinkTo(VyreSink.<String>builder().setOutputDirectory(out.toString())
                .setRuntimeSettings(watchdogOfTwoSeconds().chunkBytes(16 << 10)).build());
        JobID job = env.executeAsync("a hung kernel").getJobID();

        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (ScanCorpus.committed(out).isEmpty()) {
            assertThat(System.nanoTime() - deadline).as("a checkpoint committed output within a minute").isNegative();
            Thread.sleep(20);
        }
        List<Thread> frozen = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith(KERNEL_THREADS) && t.isAlive()).toList();
        assertThat(frozen).as("the kernel's workers").isNotEmpty();
        frozen.forEach(Thread::suspend);
        try {
            client.requestJobResult(job).get(3, TimeUnit.MINUTES);
        } finally {
            frozen.forEach(Thread::resume);
        }

        List<String> committed = ScanCorpus.committed(out);
        assertThat(new HashSet<>(committed)).as("no duplicates").hasSize(committed.size());
        assertThat(committed).isEqualTo(corpus.expected);
        assertThat(ScanCorpus.inProgress(out)).as("no in-progress file left").isEmpty();
        assertThat(DeviceRuntimes.shared().runtimesOpened() - runtimesBefore)
            .as("the restarted tasks opened a fresh runtime instead of joining the hung one").isGreaterThanOrEqualTo(2);
        assertThat(ScanCorpus.rest(client, "/jobs/" + job + "/exceptions")).as("the tasks failed naming the hung kernel")
            .contains("megakernel's heartbeat has not advanced for PT2S");
    }

    private static VyreRuntimeSettings watchdogOfTwoSeconds() {
        return VyreRuntimeSettings.defaults().backend(BackendKind.CPU).watchdog(Duration.ofSeconds(2));
    }

    /** Slows the job to a few seconds (1 ms per 20 occurrences), so the kernel hangs in the middle of it. */
    private static final class Slow implements MapFunction<io.vyre.flink.program.ScanMatch, String> {
        private long n;

        @Override
        public String map(io.vyre.flink.program.ScanMatch m) throws Exception {
            if (++n % 20 == 0) {
                Thread.sleep(1);
            }
            return m.toLine();
        }
    }
}
