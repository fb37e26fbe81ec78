package io.vyre.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.flink.program.ScanMatch;
import io.vyre.flink.program.VyrePrograms;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.sink.VyreSink;
import io.vyre.flink.source.VyreSource;
import io.vyre.runtime.backend.BackendKind;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills the job mid-way (a task throws after a checkpoint completed; the restart strategy restores from
 * it) and checks the committed output of Vyre source → Vyre sink against the naive scan: every match
 * exactly once, none missing, none twice.
 */
class ExactlyOnceFailoverITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicInteger SEEN = new AtomicInteger();
    /** Records to pass on before the failure (once a checkpoint completed). */
    static volatile int failAfter = 3000;

    @TempDir
    Path dir;

    /** Slows the stream enough for checkpoints to complete, then fails once after one did. */
    static final class FailOnceAfterCheckpoint implements MapFunction<ScanMatch, String>, CheckpointListener {
        @Override
        public String map(ScanMatch match) throws Exception {
            int n = SEEN.incrementAndGet();
            if (n % 200 == 0) {
                Thread.sleep(2);
            }
            if (CHECKPOINTED.get() && n > failAfter && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after " + n + " records");
            }
            return match.toLine();
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTED.set(true);
        }
    }

    /**
     * @param input {@code ranges}: 4 files read in ranges and chunks; {@code small files}: 200 small files the
     *              reader packs into shared chunks; {@code gzip}: 4 compressed files, each one split read through
     *              its decompressor (a restore decompresses again and skips to its position)
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ranges", "small files", "gzip"})
    void shouldRecoverWithoutLosingOrRepeatingAnything(String input, @InjectClusterClient ClusterClient<?> client)
            throws Exception {
        CHECKPOINTED.set(false);
        FAILED.set(false);
        SEEN.set(0);
        boolean smallFiles = input.equals("small files");
        Path in = dir.resolve("in");
        Path out = dir.resolve("out");
        ScanCorpus corpus = smallFiles ? new ScanCorpus(new Random(19), in, 12, 200, 2_400)
            : new ScanCorpus(new Random(17), in, 12, 4, 120_000);
        failAfter = 3000;
        if (input.equals("gzip")) {
            corpus.compress(in);
            failAfter = corpus.expected.size() / 2;  // late enough that the restored positions are inside the files
        }
        List<byte[]> patterns = corpus.patterns;
        List<String> expected = corpus.expected;
        assertThat(expected.size()).as("enough data to fail mid-way").isGreaterThan(6000);

        StreamExecutionEnvironment env = ScanCorpus.restartingEnvironment(2);
        env.enableCheckpointing(100, CheckpointingMode.EXACTLY_ONCE);
        scanIntoSink(env, in, patterns, smallFiles ? 64 << 10 : 8192, new FailOnceAfterCheckpoint(), out);
        ScanCorpus.awaitJob(client, env.executeAsync("exactly-once failover").getJobID());

        assertThat(FAILED).as("the injected failure happened").isTrue();
        List<String> committed = ScanCorpus.committed(out);
        assertThat(new HashSet<>(committed)).as("no duplicates").hasSize(committed.size());
        assertThat(committed).isEqualTo(expected);
        assertThat(ScanCorpus.inProgress(out)).as("the in-progress files the failed attempt left are cleaned up on restore")
            .isEmpty();
    }

    static final AtomicBoolean FAILED_EARLY = new AtomicBoolean();

    /**
     * Fails once, before any checkpoint, in a subtask that has passed on enough records for its sink to have
     * opened part files (16 KiB chunks).
     */
    static final class FailOnceBeforeAnyCheckpoint implements MapFunction<ScanMatch, String> {
        private int seen;

        @Override
        public String map(ScanMatch match) {
            if (++seen > 3000 && FAILED_EARLY.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure before the first checkpoint");
            }
            return match.toLine();
        }
    }

    @Test
    void shouldCleanUpAfterAnAttemptThatFailedBeforeItsFirstCheckpoint(@InjectClusterClient ClusterClient<?> client)
            throws Exception {
        Path in = dir.resolve("in");
        Path out = dir.resolve("out");
        ScanCorpus corpus = new ScanCorpus(new Random(23), in, 12, 4, 120_000);
        // checkpointing off (a long interval still lets Flink's random first delay fire one early): the restarted
        // attempt gets no writer state at all, and the sink commits at the end of the input
        StreamExecutionEnvironment env = ScanCorpus.restartingEnvironment(2);
        scanIntoSink(env, in, corpus.patterns, 8192, new FailOnceBeforeAnyCheckpoint(), out);
        ScanCorpus.awaitJob(client, env.executeAsync("failure before the first checkpoint").getJobID());

        assertThat(FAILED_EARLY).as("the injected failure happened").isTrue();
        assertThat(ScanCorpus.committed(out)).isEqualTo(corpus.expected);
        assertThat(ScanCorpus.inProgress(out)).as("the first attempt's in-progress files are gone").isEmpty();
    }

    /** Vyre scan source (40,000-byte splits) -> {@code failing} -> Vyre sink into {@code out}, on the CPU backend. */
    private static void scanIntoSink(StreamExecutionEnvironment env, Path in, List<byte[]> patterns, int chunkBytes,
                                     MapFunction<ScanMatch, String> failing, Path out) {
        VyreSource<ScanMatch> source = VyreSource.builder().setPaths(in.toString())
            .setProgram(VyrePrograms.scan(patterns, false)).setBackend(BackendKind.CPU).setChunkBytes(chunkBytes)
            .setSplitBytes(40_000).build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "vyre-scan")
            .map(failing)
            .sinkTo(VyreSink.<String>builder().setOutputDirectory(out.toString())
                .setRuntimeSettings(VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(16 << 10)).build());
    }
}
