package io.vyre.flink.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vyre.flink.program.ScanMatch;
import io.vyre.flink.program.VyrePrograms;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.testing.NaiveScan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compressed inputs on a real MiniCluster: .gz (two concatenated members), .bz2, .xz and .zst files are scanned
 * and framed by their decompressed bytes, with offsets in decompressed coordinates, across many chunks each;
 * a corrupt file fails with its name and the reason, or is skipped when asked.
 */
class CompressedInputITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String[] SUFFIXES = {".gz", ".bz2", ".xz", ".zst", ".txt"};

    @TempDir
    Path dir;

    @Test
    void shouldScanEachFileByItsDecompressedBytes() throws Exception {
        Random rnd = new Random(31);
        List<byte[]> patterns = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            byte[] p = new byte[2 + rnd.nextInt(6)];
            for (int k = 0; k < p.length; k++) {
                p[k] = (byte) ('a' + rnd.nextInt(3));
            }
            patterns.add(p);
        }
        List<ScanMatch> want = new ArrayList<>();
        for (String suffix : SUFFIXES) {
            byte[] data = new byte[60_000 + rnd.nextInt(40_000)];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) ('a' + rnd.nextInt(4));
            }
            Path file = write(dir.resolve("log" + suffix), data);
            for (NaiveScan.Match m : NaiveScan.find(data, patterns, false)) {
                want.add(new ScanMatch(file.toString(), m.offset(), m.patternId()));
            }
        }
        want.sort(null);
        List<ScanMatch> got = collect(VyreSource.builder().setPaths(dir.toString())
            .setProgram(VyrePrograms.scan(patterns, false)).setBackend(BackendKind.CPU).setChunkBytes(8192).build());
        got.sort(null);
        assertThat(got).hasSize(want.size());
        assertThat(got).isEqualTo(want);
    }

    @Test
    void shouldFrameTheLinesOfEachFileByItsDecompressedBytes() throws Exception {
        Random rnd = new Random(37);
        List<String> want = new ArrayList<>();
        for (String suffix : SUFFIXES) {
            StringBuilder text = new StringBuilder();
            Path file = dir.resolve("lines" + suffix);
            for (int line = 0; line < 3000; line++) {
                int start = text.length();
                String body = "line " + line + " " + "x".repeat(rnd.nextInt(90));
                text.append(body);
                if (line < 2999 || !suffix.equals(".xz")) {
                    text.append('\n');  // the .xz file ends with a line without a newline
                }
                want.add(file + "\t" + start + "\t" + body);
            }
            write(file, text.toString().getBytes(StandardCharsets.UTF_8));
        }
        want.sort(null);
        List<String> got = new ArrayList<>();
        var source = VyreSource.builder().setPaths(dir.toString()).setProgram(VyrePrograms.lines())
            .setBackend(BackendKind.CPU).setChunkBytes(4096).build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        try (var it = env.fromSource(source, WatermarkStrategy.noWatermarks(), "lines").executeAndCollect()) {
            it.forEachRemaining(r -> got.add(r.path + "\t" + r.offset + "\t" + r.line));
        }
        got.sort(null);
        assertThat(got).isEqualTo(want);
    }

    @Test
    void shouldNameACorruptFileAndSkipItWhenAsked() throws Exception {
        byte[] data = "needle in a haystack\n".repeat(2000).getBytes(StandardCharsets.US_ASCII);
        Path good = write(dir.resolve("good.gz"), data);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write(data);
        }
        Path truncated = dir.resolve("truncated.gz");
        Files.write(truncated, Arrays.copyOf(gz.toByteArray(), gz.size() / 2));  // cut inside the deflate stream
        List<byte[]> needle = List.of("needle".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> runToEnd(VyreSource.builder().setPaths(dir.toString())
            .setProgram(VyrePrograms.scan(needle, false)).setBackend(BackendKind.CPU).setChunkBytes(8192).build()))
            .satisfies(e -> assertThat(ExceptionUtils.findThrowableWithMessage(e, "cannot read " + truncated
                + ": its gzip data is corrupt or truncated (EOFException) (set skip-unreadable-files")).isPresent());

        List<ScanMatch> got = collect(VyreSource.builder().setPaths(dir.toString())
            .setProgram(VyrePrograms.scan(needle, false)).setBackend(BackendKind.CPU).setChunkBytes(8192)
            .setSkipUnreadableFiles(true).build());
        assertThat(got).filteredOn(m -> m.path.equals(good.toString())).hasSize(2000);
        assertThat(got).allMatch(m -> m.path.equals(good.toString()) || m.path.equals(truncated.toString()));
    }

    @Test
    void shouldRefuseACompressedFileToAProgramThatReadsFilesItself() throws Exception {
        Path gz = write(dir.resolve("in.gz"), "needle\n".getBytes(StandardCharsets.US_ASCII));
        var custom = VyrePrograms.custom(io.vyre.runtime.bytecode.StandardPrograms.scan(
                List.of("needle".getBytes(StandardCharsets.US_ASCII)), false), 5,
            (path, offset, id) -> new ScanMatch(path, offset, id), org.apache.flink.api.common.typeinfo.TypeInformation.of(ScanMatch.class));
        assertThatThrownBy(() -> runToEnd(VyreSource.builder().setPaths(gz.toString()).setProgram(custom)
            .setBackend(BackendKind.CPU).build()))
            .satisfies(e -> assertThat(ExceptionUtils.findThrowableWithMessage(e, "cannot read " + gz
                + ": it is gzip-compressed")).isPresent());
    }

    /**
     * Runs a job that is to fail into a discarding sink, so its failure reaches the caller with the task's cause: a
     * collecting job's client can instead lose it to its collect sink's socket closing with the failed task.
     */
    private static void runToEnd(VyreSource<ScanMatch> source) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "scan")
            .sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>());
        env.execute("expected to fail");
    }

    private static List<ScanMatch> collect(VyreSource<ScanMatch> source) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<ScanMatch> got = new ArrayList<>();
        try (var it = env.fromSource(source, WatermarkStrategy.noWatermarks(), "scan").executeAndCollect()) {
            it.forEachRemaining(got::add);
        }
        return got;
    }

    /** Writes {@code data} compressed as the file's name says (a .gz as two concatenated members). */
    static Path write(Path file, byte[] data) throws IOException {
        String name = file.getFileName().toString();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (name.endsWith(".gz")) {
            int half = data.length / 2;
            try (OutputStream out = new GZIPOutputStream(bytes)) {
                out.write(data, 0, half);
            }
            try (OutputStream out = new GZIPOutputStream(bytes)) {
                out.write(data, half, data.length - half);
            }
        } else {
            try (OutputStream out = name.endsWith(".bz2") ? new BZip2CompressorOutputStream(bytes)
                : name.endsWith(".xz") ? new XZCompressorOutputStream(bytes)
                : name.endsWith(".zst") ? new ZstdCompressorOutputStream(bytes) : bytes) {
                out.write(data);
            }
        }
        return Files.write(file, bytes.toByteArray());
    }
}
