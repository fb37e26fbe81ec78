package io.vyre.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.flink.program.ScanMatch;
import io.vyre.flink.program.VyrePrograms;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.sink.VyreSink;
import io.vyre.flink.source.VyreSource;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.testing.NaiveScan;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.DefaultPluginManager;
import org.apache.flink.core.plugin.DirectoryBasedPluginFinder;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inputs on an object store, as a cluster with Flink's {@code plugins/s3-fs-hadoop} sees S3: an S3-compatible
 * server (Adobe's S3Mock, in a JVM of its own) behind flink-s3-fs-hadoop. The source lists and reads {@code s3://}
 * through Flink's file system and streams each object into the megakernel's lanes, as it does a compressed file; the
 * output must equal the naive scan of the same bytes, also across a failover (a restore seeks each object to its
 * position), with the Vyre sink (part files staged by the megakernel, uploaded at each checkpoint through the file
 * system's recoverable writer, completed by the committer) or Flink's FileSink writing the results back to S3 exactly
 * once.
 */
class ObjectStoreITCase {
    private static final S3MockServer S3 = S3MockServer.start();

    static {
        // as a task manager does with plugins/s3-fs-hadoop: the plugin in a class loader of its own
        Configuration conf = S3.flinkConfiguration();
        try {
            FileSystem.initialize(conf, new DefaultPluginManager(new DirectoryBasedPluginFinder(
                Path.of(System.getProperty("flink.plugins.dir"))).findPlugins(),
                CoreOptions.getPluginParentFirstLoaderPatterns(conf)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot load the s3 file system plugin from "
                + System.getProperty("flink.plugins.dir") + ": " + e.getMessage(), e);
        }
    }

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setConfiguration(S3.flinkConfiguration()).setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

    @TempDir
    Path dir;

    @AfterAll
    static void stopServer() {
        S3.close();
    }

    @Test
    void shouldScanObjectsAsItScansLocalFiles() throws Exception {
        Path in = dir.resolve("in");
        ScanCorpus corpus = new ScanCorpus(new Random(41), in, 12, 4, 120_000);
        corpus.compress(in);  // gzip objects: decompressed on the way, offsets in decompressed bytes
        Random rnd = new Random(43);
        Files.createDirectories(in.resolve("nested"));
        List<String> expected = new ArrayList<>();
        String prefix = "s3://" + S3MockServer.BUCKET + "/scan-" + UUID.randomUUID();
        for (int f = 0; f < 2; f++) {  // plain objects in a folder: streamed as they are
            byte[] data = new byte[50_000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) ('a' + rnd.nextInt(4));
            }
            Files.write(in.resolve("nested/log-" + f), data);
            for (NaiveScan.Match m : NaiveScan.find(data, corpus.patterns, false)) {
                expected.add(new ScanMatch(prefix + "/nested/log-" + f, m.offset(), m.patternId()).toLine());
            }
        }
        Files.writeString(in.resolve("_SUCCESS"), "aaaa");  // hidden: never read
        Files.writeString(in.resolve("nested").resolve(".part-0.inprogress"), "aaaa");
        upload(in, prefix);
        expected.addAll(remap(corpus.expected, in, prefix));
        expected.sort(null);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<String> got = new ArrayList<>();
        VyreSource<ScanMatch> source = VyreSource.builder().setPaths(prefix)
            .setProgram(VyrePrograms.scan(corpus.patterns, false)).setBackend(BackendKind.CPU).setChunkBytes(8192).build();
        try (var it = env.fromSource(source, WatermarkStrategy.noWatermarks(), "scan s3").executeAndCollect()) {
            it.forEachRemaining(m -> got.add(m.toLine()));
        }
        got.sort(null);
        assertThat(expected).as("the corpus has matches in both folders").hasSizeGreaterThan(1000)
            .anyMatch(l -> l.contains("/nested/"));
        assertThat(got).hasSize(expected.size());
        assertThat(got).isEqualTo(expected);
    }

    /**
     * @param sink {@code vyre}: the Vyre sink, its part files staged by the megakernel and uploaded at each
     *             checkpoint; {@code file-sink}: Flink's FileSink
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vyre", "file-sink"})
    void shouldRecoverExactlyOnceReadingFromS3AndWritingToS3(String sink) throws Exception {
        ExactlyOnceFailoverITCase.CHECKPOINTED.set(false);
        ExactlyOnceFailoverITCase.FAILED.set(false);
        ExactlyOnceFailoverITCase.SEEN.set(0);
        ExactlyOnceFailoverITCase.failAfter = 3000;
        Path in = dir.resolve("in");
        ScanCorpus corpus = new ScanCorpus(new Random(47), in, 12, 4, 120_000);
        String run = "s3://" + S3MockServer.BUCKET + "/failover-" + UUID.randomUUID();
        upload(in, run + "/in");
        List<String> expected = remap(corpus.expected, in, run + "/in");
        assertThat(expected.size()).as("enough data to fail mid-way").isGreaterThan(6000);

        StreamExecutionEnvironment env = ScanCorpus.restartingEnvironment(2);
        env.enableCheckpointing(100, CheckpointingMode.EXACTLY_ONCE);
        Path staging = dir.resolve("staging");
        var lines = env.fromSource(VyreSource.builder().setPaths(run + "/in")
                    .setProgram(VyrePrograms.scan(corpus.patterns, false)).setBackend(BackendKind.CPU).setChunkBytes(8192)
                    .build(),
                WatermarkStrategy.noWatermarks(), "scan s3")
            .map(new ExactlyOnceFailoverITCase.FailOnceAfterCheckpoint());
        if (sink.equals("vyre")) {
            lines.sinkTo(VyreSink.<String>builder().setOutputDirectory(run + "/out").setStagingDirectory(staging.toString())
                .setRuntimeSettings(VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(16 << 10)).build());
        } else {
            lines.sinkTo(FileSink.forRowFormat(new org.apache.flink.core.fs.Path(run + "/out"),
                new SimpleStringEncoder<String>()).withBucketAssigner(new BasePathBucketAssigner<>()).build());
        }
        env.execute("s3 to s3 across a failover");

        assertThat(ExactlyOnceFailoverITCase.FAILED).as("the injected failure happened").isTrue();
        List<String> committed = readLines(run + "/out");
        assertThat(new HashSet<>(committed)).as("no duplicates").hasSize(committed.size());
        assertThat(committed).isEqualTo(expected);
        if (sink.equals("vyre")) {
            try (Stream<Path> left = Files.walk(staging)) {
                assertThat(left.filter(Files::isRegularFile).toList()).as("every staged part file was uploaded, or"
                    + " deleted on restore").isEmpty();
            }
        }
    }

    @Test
    void shouldServeSqlOverObjectsWithTheirMetadata() throws Exception {
        Path in = dir.resolve("sql");
        Files.createDirectories(in);
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        String prefix = "s3://" + S3MockServer.BUCKET + "/sql-" + UUID.randomUUID();
        for (int line = 0; line < 5000; line++) {
            String body = (line % 7 == 0 ? "ERROR " : "INFO ") + "request " + line;
            if (line % 7 == 0) {
                expected.add(body + "\t" + prefix + "/app.log\t");
            }
            text.append(body).append('\n');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        Files.write(in.resolve("app.log"), bytes);
        upload(in, prefix);
        expected.replaceAll(l -> l + bytes.length);
        expected.sort(null);

        var tEnv = org.apache.flink.table.api.TableEnvironment.create(
            org.apache.flink.table.api.EnvironmentSettings.inStreamingMode());
        tEnv.executeSql("CREATE TABLE logs (line STRING, file_path STRING METADATA FROM 'file.path' VIRTUAL,"
            + " file_size BIGINT METADATA FROM 'file.size' VIRTUAL) WITH ('connector' = 'vyre', 'path' = '" + prefix
            + "', 'backend' = 'cpu', 'chunk-bytes' = '8192')");
        List<String> got = new ArrayList<>();
        try (var it = tEnv.executeSql("SELECT line, file_path, file_size FROM logs WHERE line LIKE '%ERROR%'").collect()) {
            it.forEachRemaining(r -> got.add(r.getField(0) + "\t" + r.getField(1) + "\t" + r.getField(2)));
        }
        got.sort(null);
        assertThat(got).isEqualTo(expected);

        // and back to S3 through a Vyre table, every "ERROR" masked on the way by the megakernel
        tEnv.executeSql("CREATE TABLE masked (line STRING) WITH ('connector' = 'vyre', 'path' = '" + prefix
            + "-masked', 'backend' = 'cpu', 'redact.patterns' = 'ERROR')");
        tEnv.executeSql("INSERT INTO masked SELECT line FROM logs WHERE line LIKE '%ERROR%'").await();
        assertThat(readLines(prefix + "-masked")).isEqualTo(expected.stream()
            .map(l -> l.substring(0, l.indexOf('\t')).replace("ERROR", "*****")).sorted().toList());
    }

    /** The expected lines of a local corpus under {@code local}, naming the objects under {@code prefix} instead. */
    private static List<String> remap(List<String> lines, Path local, String prefix) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            out.add(prefix + line.substring(local.toString().length()));
        }
        out.sort(null);
        return out;
    }

    /** Copies every file under {@code local} to the object of the same relative name under {@code prefix}. */
    private static void upload(Path local, String prefix) throws IOException {
        FileSystem fs = new org.apache.flink.core.fs.Path(prefix).getFileSystem();
        try (Stream<Path> files = Files.walk(local)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = local.relativize(f).toString().replace('\\', '/');
                try (OutputStream out = fs.create(new org.apache.flink.core.fs.Path(prefix + "/" + name),
                    FileSystem.WriteMode.OVERWRITE)) {
                    Files.copy(f, out);
                }
            }
        }
    }

    /** The lines of every visible object under {@code prefix} (in-progress and hidden objects left out), sorted. */
    private static List<String> readLines(String prefix) throws IOException {
        org.apache.flink.core.fs.Path root = new org.apache.flink.core.fs.Path(prefix);
        FileSystem fs = root.getFileSystem();
        List<String> lines = new ArrayList<>();
        List<org.apache.flink.core.fs.Path> folders = new ArrayList<>(List.of(root));
        while (!folders.isEmpty()) {
            for (FileStatus s : fs.listStatus(folders.remove(folders.size() - 1))) {
                String name = s.getPath().getName();
                if (name.startsWith(".") || name.startsWith("_")) {
                    continue;
                }
                if (s.isDir()) {
                    folders.add(s.getPath());
                    continue;
                }
                try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(s.getPath()),
                    StandardCharsets.UTF_8))) {
                    r.lines().forEach(lines::add);
                }
            }
        }
        lines.sort(null);
        return lines;
    }
}
