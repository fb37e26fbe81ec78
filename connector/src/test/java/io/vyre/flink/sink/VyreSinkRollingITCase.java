package io.vyre.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.runtime.backend.BackendKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The sink's buckets (FileSink's BucketAssigner) and its rolling by time, on a MiniCluster. */
class VyreSinkRollingITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    /** A line's bucket: the text before its first '-' ("a-17" goes to folder a; "d/e-3" to d/e). */
    static final class ByPrefix implements BucketAssigner<String, String> {
        @Override
        public String getBucketId(String line, Context context) {
            return line.substring(0, line.lastIndexOf('-'));
        }

        @Override
        public SimpleVersionedSerializer<String> getSerializer() {
            return SimpleVersionedStringSerializer.INSTANCE;
        }
    }

    /** Line i of {@code per} lines per bucket, the buckets one after another. */
    static final class Lines implements MapFunction<Long, String> {
        private final List<String> buckets;
        private final int per;
        private final long pauseAt;
        private final long pauseMillis;

        Lines(List<String> buckets, int per, long pauseAt, long pauseMillis) {
            this.buckets = buckets;
            this.per = per;
            this.pauseAt = pauseAt;
            this.pauseMillis = pauseMillis;
        }

        @Override
        public String map(Long i) throws Exception {
            if (i == pauseAt) {
                Thread.sleep(pauseMillis);
            }
            return buckets.get((int) (i / per)) + "-" + i;
        }
    }

    private static VyreSink.Builder<String> sink(Path out) {
        return VyreSink.<String>builder().setOutputDirectory(out.toString())
            .setRuntimeSettings(VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(16 << 10));
    }

    /** Runs lines of the buckets through the sink in its own task (so its timer fires while the map sleeps). */
    private static void run(List<String> buckets, int per, long pauseAt, long pauseMillis, VyreSink<String> sink)
        throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromSequence(0, (long) buckets.size() * per - 1).map(new Lines(buckets, per, pauseAt, pauseMillis))
            .sinkTo(sink).disableChaining();
        env.execute("sink rolling");
    }

    /** The committed part files under {@code out}, by their folder relative to it, with their lines. */
    private static Map<String, List<List<String>>> committed(Path out) throws IOException {
        Map<String, List<List<String>>> parts = new TreeMap<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                assertThat(f.getFileName().toString()).as("no in-progress file is left").doesNotStartWith(".");
                parts.computeIfAbsent(out.relativize(f.getParent()).toString(), k -> new ArrayList<>())
                    .add(Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        }
        return parts;
    }

    @Test
    void shouldWriteEachBucketIntoItsOwnFolder() throws Exception {
        Path out = dir.resolve("buckets");
        List<String> buckets = List.of("a", "b", "d/e", "c");
        run(buckets, 500, -1, 0, sink(out).setBucketAssigner(new ByPrefix()).build());

        Map<String, List<List<String>>> parts = committed(out);
        assertThat(parts).containsOnlyKeys(buckets);
        for (String bucket : buckets) {
            List<String> lines = parts.get(bucket).stream().flatMap(List::stream).sorted().toList();
            int first = buckets.indexOf(bucket) * 500;
            List<String> expected = new ArrayList<>();
            for (int i = first; i < first + 500; i++) {
                expected.add(bucket + "-" + i);
            }
            expected.sort(null);
            assertThat(lines).as("bucket %s", bucket).isEqualTo(expected);
        }
    }

    /** Line i of bucket i mod n: every record in another bucket than the one before. */
    static final class Interleaved implements MapFunction<Long, String> {
        private final List<String> buckets;

        Interleaved(List<String> buckets) {
            this.buckets = buckets;
        }

        @Override
        public String map(Long i) {
            return buckets.get((int) (i % buckets.size())) + "-" + i;
        }
    }

    @Test
    void shouldKeepOnePartFilePerBucketWhileBucketsInterleave() throws Exception {
        Path out = dir.resolve("interleaved");
        List<String> buckets = List.of("x", "y", "z/w");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromSequence(0, 2999).map(new Interleaved(buckets))
            .sinkTo(sink(out).setBucketAssigner(new ByPrefix()).build()).disableChaining();
        env.execute("interleaved buckets");

        Map<String, List<List<String>>> parts = committed(out);
        assertThat(parts).containsOnlyKeys(buckets);
        for (String bucket : buckets) {
            assertThat(parts.get(bucket)).as("bucket %s: one part file (a bucket switch no longer rolls)", bucket)
                .hasSize(1);
            int b = buckets.indexOf(bucket);
            List<String> expected = new ArrayList<>();
            for (int i = b; i < 3000; i += buckets.size()) {
                expected.add(bucket + "-" + i);
            }
            assertThat(parts.get(bucket).get(0)).as("in the order written").isEqualTo(expected);
        }
    }

    @Test
    void shouldRollTheLeastRecentlyWrittenPartPastTheOpenPartLimit() throws Exception {
        Path out = dir.resolve("many");
        List<String> buckets = new ArrayList<>();
        for (int b = 0; b < VyreSinkWriter.MAX_OPEN_PARTS + 44; b++) {
            buckets.add("b" + b);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromSequence(0, 3L * buckets.size() - 1).map(new Interleaved(buckets))
            .sinkTo(sink(out).setBucketAssigner(new ByPrefix()).build()).disableChaining();
        env.execute("more buckets than open parts");

        Map<String, List<List<String>>> parts = committed(out);
        assertThat(parts).containsOnlyKeys(buckets);
        assertThat(parts.values().stream().mapToInt(List::size).sum()).as("parts rolled to stay within the limit")
            .isGreaterThan(buckets.size());
        for (String bucket : buckets) {
            int b = buckets.indexOf(bucket);
            List<String> expected = new ArrayList<>();
            for (int i = b; i < 3 * buckets.size(); i += buckets.size()) {
                expected.add(bucket + "-" + i);
            }
            assertThat(parts.get(bucket).stream().flatMap(List::stream).toList()).as("bucket %s", bucket)
                .isEqualTo(expected);
        }
    }

    @Test
    void shouldFailTheJobWhenABucketLeadsOutOfTheDirectory() {
        Path out = dir.resolve("escape");
        assertThatThrownBy(() -> run(List.of("ok", "../outside"), 10, -1, 0,
            sink(out).setBucketAssigner(new ByPrefix()).build()))
            .rootCause().hasMessageContaining("the bucket id '../outside' leads out of the sink's output directory");
        assertThat(dir.resolve("outside")).doesNotExist();
    }

    @Test
    void shouldRollAPartFileThatStaysInactive() throws Exception {
        // 200 lines, a pause of 1.5 s after the first 100, inactivity 300 ms: the first 100 lines are written and
        // their file rolls during the pause; the rest go into a new file (without the interval: one file)
        Path out = dir.resolve("inactive");
        run(List.of("x", "y"), 100, 100, 1500, sink(out).setInactivityInterval(Duration.ofMillis(300)).build());
        List<List<String>> files = committed(out).get("");
        assertThat(files).hasSize(2);
        assertThat(files).anySatisfy(lines -> assertThat(lines).hasSize(100).allMatch(l -> l.startsWith("x-")));
        assertThat(files).anySatisfy(lines -> assertThat(lines).hasSize(100).allMatch(l -> l.startsWith("y-")));

        Path once = dir.resolve("no-interval");
        run(List.of("x", "y"), 100, 100, 1500, sink(once).build());
        assertThat(committed(once).get("")).hasSize(1);
    }

    @Test
    void shouldRollAPartFileOpenForTheRolloverInterval() throws Exception {
        // 40 lines, one every 50 ms (2 s in all), far less than a chunk, rollover 400 ms: the timer writes and
        // rolls the part every 400 ms or so
        Path out = dir.resolve("rollover");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromSequence(0, 39).map(i -> {
            Thread.sleep(50);
            return "r-" + i;
        }).sinkTo(VyreSink.<String>builder().setOutputDirectory(out.toString())
            .setRuntimeSettings(VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(4096))
            .setRolloverInterval(Duration.ofMillis(400)).build()).disableChaining();
        env.execute("rollover");
        List<List<String>> files = committed(out).get("");
        assertThat(files.size()).as("files of about 400 ms of lines each").isBetween(3, 10);
        List<String> all = files.stream().flatMap(List::stream).sorted().toList();
        assertThat(all).hasSize(40).doesNotHaveDuplicates();
    }

    @Test
    void shouldRefuseANonPositiveInterval() {
        assertThatThrownBy(() -> sink(dir).setRolloverInterval(Duration.ZERO).build())
            .hasMessageContaining("a rolling interval must be positive");
        assertThatThrownBy(() -> sink(dir).setInactivityInterval(Duration.ofSeconds(-1)).build())
            .hasMessageContaining("a rolling interval must be positive");
    }
}
