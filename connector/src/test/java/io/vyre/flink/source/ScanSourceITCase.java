package io.vyre.flink.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vyre.flink.program.ScanMatch;
import io.vyre.flink.program.VyrePrograms;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.io.FileIoFactory;
import io.vyre.runtime.io.IoPath;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The scan source on a real MiniCluster against the naive reference; parallelism 1, 2 and 4 agree. */
class ScanSourceITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    @TempDir
    static Path dir;
    static List<byte[]> patterns = new ArrayList<>();
    static List<ScanMatch> expected = new ArrayList<>();

    @BeforeAll
    static void data() throws Exception {
        Random rnd = new Random(5);
        for (int i = 0; i < 25; i++) {
            byte[] p = new byte[2 + rnd.nextInt(5)];
            for (int k = 0; k < p.length; k++) {
                p[k] = (byte) ('a' + rnd.nextInt(3));
            }
            patterns.add(p);
        }
        for (int f = 0; f < 5; f++) {
            byte[] data = new byte[50_000 + rnd.nextInt(300_000)];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) ('a' + rnd.nextInt(4));
            }
            Path file = dir.resolve("in-" + f + ".txt");
            Files.write(file, data);
            for (NaiveScan.Match m : NaiveScan.find(data, patterns, false)) {
                expected.add(new ScanMatch(file.toString(), m.offset(), m.patternId()));
            }
        }
        Files.write(dir.resolve(".hidden-in-progress"), "aaaa".getBytes());
        expected.sort(null);
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2, 4})
    void shouldFindEveryOccurrenceOfEveryPattern(int parallelism) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        VyreSource<ScanMatch> source = VyreSource.builder().setPaths(dir.toString())
            .setProgram(VyrePrograms.scan(patterns, false)).setBackend(BackendKind.CPU)
            .setChunkBytes(16 << 10).setSplitBytes(100_000).build();
        List<ScanMatch> got = new ArrayList<>();
        try (var it = env.fromSource(source, WatermarkStrategy.noWatermarks(), "scan").executeAndCollect()) {
            it.forEachRemaining(got::add);
        }
        got.sort(null);
        assertThat(got).hasSize(expected.size());
        assertThat(got).isEqualTo(expected);
    }

    /**
     * A folder of small files, which the reader packs into shared chunks, and one large file read chunk by chunk:
     * no match runs from one file into the next, none is lost. With dense matches a packed chunk overflows its
     * output region and its files are read one by one instead.
     */
    @ParameterizedTest(name = "dense {0}")
    @ValueSource(booleans = {false, true})
    void shouldScanSmallFilesPackedIntoSharedChunksExactly(boolean dense, @TempDir Path small) throws Exception {
        Random rnd = new Random(dense ? 13 : 11);
        List<byte[]> smallPatterns = dense ? List.of("a".getBytes(), "aa".getBytes()) : patterns;
        List<ScanMatch> want = new ArrayList<>();
        int files = dense ? 100 : 300;
        for (int f = 0; f <= files; f++) {
            byte[] data = new byte[f == files ? (dense ? 20_000 : 200_000) : 1 + rnd.nextInt(dense ? 2000 : 3000)];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (dense ? 'a' : 'a' + rnd.nextInt(4));
            }
            Path file = small.resolve(String.format("f-%03d.log", f));
            Files.write(file, data);
            for (NaiveScan.Match m : NaiveScan.find(data, smallPatterns, false)) {
                want.add(new ScanMatch(file.toString(), m.offset(), m.patternId()));
            }
        }
        want.sort(null);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        VyreSource<ScanMatch> source = VyreSource.builder().setPaths(small.toString())
            .setProgram(VyrePrograms.scan(smallPatterns, false)).setBackend(BackendKind.CPU)
            .setChunkBytes(64 << 10).build();
        List<ScanMatch> got = new ArrayList<>();
        try (var it = env.fromSource(source, WatermarkStrategy.noWatermarks(), "scan").executeAndCollect()) {
            it.forEachRemaining(got::add);
        }
        got.sort(null);
        assertThat(got).hasSize(want.size());
        assertThat(got).isEqualTo(want);
    }

    /** io_uring refused (the fallback forced) or used: the same output, exactly. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = IoPath.class, names = {"FILE_CHANNEL", "IO_URING"})
    void shouldFindTheSameThroughEitherIoPath(IoPath path) throws Exception {
        String refused = FileIoFactory.ioUringUnavailableReason();
        assumeTrue(path != IoPath.IO_URING || refused == null, () -> "io_uring is refused here: " + refused);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        VyreSource<ScanMatch> source = VyreSource.builder().setPaths(dir.toString())
            .setProgram(VyrePrograms.scan(patterns, false)).setBackend(BackendKind.CPU).setIoPath(path)
            .setChunkBytes(16 << 10).setSplitBytes(100_000).build();
        List<ScanMatch> got = new ArrayList<>();
        try (var it = env.fromSource(source, WatermarkStrategy.noWatermarks(), "scan").executeAndCollect()) {
            it.forEachRemaining(got::add);
        }
        got.sort(null);
        assertThat(got).isEqualTo(expected);
    }
}
