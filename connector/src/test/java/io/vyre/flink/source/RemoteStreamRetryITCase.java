package io.vyre.flink.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.flink.program.ScanMatch;
import io.vyre.flink.program.VyrePrograms;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.testing.NaiveScan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file system whose connections reset mid-object ({@link FlakyFileSystemFactory}: each file's stream breaks once):
 * the reader opens each broken stream again at its position and the output is exact, with no restart of the job and
 * nothing skipped.
 */
class RemoteStreamRetryITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    @Test
    void shouldReadOnAfterAConnectionResetWithoutLosingOrRepeatingAnything() throws Exception {
        Random rnd = new Random(53);
        List<byte[]> patterns = List.of("abca".getBytes(), "dd".getBytes(), "bcab".getBytes());
        List<ScanMatch> expected = new ArrayList<>();
        for (int f = 0; f < 3; f++) {
            byte[] data = new byte[90_000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) ('a' + rnd.nextInt(4));
            }
            Path file = Files.write(dir.resolve("log-" + f), data);
            for (NaiveScan.Match m : NaiveScan.find(data, patterns, false)) {
                expected.add(new ScanMatch("flaky:" + file, m.offset(), m.patternId()));
            }
        }
        expected.sort(null);
        FlakyFileSystemFactory.reset(1);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<ScanMatch> got = new ArrayList<>();
        VyreSource<ScanMatch> source = VyreSource.builder().setPaths("flaky://" + dir)
            .setProgram(VyrePrograms.scan(patterns, false)).setBackend(BackendKind.CPU).setChunkBytes(8192).build();
        try (var it = env.fromSource(source, WatermarkStrategy.noWatermarks(), "scan flaky").executeAndCollect()) {
            it.forEachRemaining(got::add);
        }
        got.sort(null);
        assertThat(FlakyFileSystemFactory.BREAKS.get()).as("every file's stream broke once").isEqualTo(3);
        assertThat(got).hasSize(expected.size());
        assertThat(got).isEqualTo(expected);
    }
}
