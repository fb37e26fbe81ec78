package io.vyre.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.flink.program.ScanMatch;
import io.vyre.flink.program.VyrePrograms;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.sink.VyreSink;
import io.vyre.flink.source.VyreSource;
import io.vyre.runtime.backend.BackendKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A monitored (unbounded) Vyre source over a folder of logs that live as logs do: appended to, rotated (renamed,
 * a new file created under the name, the writer finishing its last bytes in the old one), truncated in place
 * (copytruncate, with its copy beside it), deleted, and one that stops growing with a match in its last bytes.
 * A task fails once after the rotation, so the restore must find the renamed file by its identity. The committed
 * output must be the naive scan of every file's content, exactly once. A result names the file by the name it
 * had when the source found it.
 */
class TailingITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final AtomicBoolean ARMED = new AtomicBoolean();
    static final AtomicBoolean FAILED = new AtomicBoolean();
    private static final List<String> PATTERNS = List.of("needle", "ERROR");

    @TempDir
    Path dir;

    /** Fails once, at the first record after the test arms it. */
    static final class FailOnceWhenArmed implements MapFunction<ScanMatch, String> {
        @Override
        public String map(ScanMatch match) {
            if (ARMED.get() && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure at " + match);
            }
            return match.toLine();
        }
    }

    @Test
    void shouldScanLiveLogsExactlyOnceThroughRotationTruncationDeletionAndAFailover() throws Exception {
        ARMED.set(false);
        FAILED.set(false);
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path out = dir.resolve("out");
        Path app = logs.resolve("app.log");
        Path other = logs.resolve("other.log");
        Path doomed = logs.resolve("doomed.log");
        Path quiet = logs.resolve("quiet.log");
        List<String> expected = new ArrayList<>();
        write(app, "first needle\n");
        write(other, "an ERROR and a needle, then more text to truncate\n");
        write(doomed, "needle of a file about to go\n");
        write(quiet, "stops growing after the last needle");  // the last match is held back until it is quiet

        JobClient job = start(logs, out);
        try {
            expected.addAll(scan(app, "first needle\n"));
            expected.addAll(scan(other, "an ERROR and a needle, then more text to truncate\n"));
            expected.addAll(scan(doomed, "needle of a file about to go\n"));
            expected.addAll(scan(quiet, "stops growing after the last needle"));
            awaitCommitted(out, expected);

            append(app, "appended needle\n");
            expected.addAll(scan(app, "first needle\n", "appended needle\n"));
            awaitCommitted(out, expected);

            // rotation: app.log is renamed to app.log.1 and a new app.log is created, while the writer, which
            // still holds the old file open, writes its last line into it; a task then fails once
            LogWriter.writeAfter(app, () -> {
                Files.move(app, logs.resolve("app.log.1"));
                write(app, "new app log needle\n");
            }, "last needle of the old file\n");
            ARMED.set(true);
            expected.addAll(scan(app, "first needle\nappended needle\n", "last needle of the old file\n"));
            expected.addAll(scan(app, "new app log needle\n"));
            awaitCommitted(out, expected);
            assertThat(FAILED).as("the injected failure happened").isTrue();

            // copytruncate: other.log is copied to other.log.1 (a new file), truncated in place and written anew
            Files.copy(other, logs.resolve("other.log.1"));
            try (FileChannel writer = FileChannel.open(other, StandardOpenOption.WRITE)) {
                writer.truncate(0);
                writer.write(ByteBuffer.wrap("ERROR again\n".getBytes(StandardCharsets.US_ASCII)), 0);
            }
            expected.addAll(scan(logs.resolve("other.log.1"), "an ERROR and a needle, then more text to truncate\n"));
            expected.addAll(scan(other, "ERROR again\n"));

            // deletion: the last line reaches the file through the writer's open handle, then the name goes
            LogWriter.writeAfter(doomed, () -> Files.delete(doomed), "a last needle\n");
            expected.addAll(scan(doomed, "needle of a file about to go\n", "a last needle\n"));
            awaitCommitted(out, expected);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        List<String> committed = ScanCorpus.committed(out);
        expected.sort(null);
        assertThat(committed).as("every occurrence of every file's bytes, exactly once").isEqualTo(expected);
    }

    private JobClient start(Path logs, Path out) throws Exception {
        StreamExecutionEnvironment env = ScanCorpus.restartingEnvironment(2);
        env.enableCheckpointing(200, CheckpointingMode.EXACTLY_ONCE);
        VyreSource<ScanMatch> source = VyreSource.builder().setPaths(logs.toString())
            .setProgram(VyrePrograms.scan(PATTERNS.stream().map(p -> p.getBytes(StandardCharsets.US_ASCII)).toList(),
                false))
            .setBackend(BackendKind.CPU).setChunkBytes(1 << 16)
            .monitorContinuously(Duration.ofMillis(100), Duration.ofMillis(500)).build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "vyre-tail")
            .map(new FailOnceWhenArmed())
            .sinkTo(VyreSink.<String>builder().setOutputDirectory(out.toString())
                .setRuntimeSettings(VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(16 << 10))
                .build());
        return env.executeAsync("tailing");
    }

    /** The lines the job writes for the occurrences in {@code later} of a file whose bytes before it are {@code earlier}. */
    private static List<String> scan(Path file, String earlier, String later) {
        List<String> lines = new ArrayList<>();
        String all = earlier + later;
        for (int id = 0; id < PATTERNS.size(); id++) {
            String p = PATTERNS.get(id);
            for (int at = all.indexOf(p); at >= 0; at = all.indexOf(p, at + 1)) {
                if (at >= earlier.length()) {
                    lines.add(file.toAbsolutePath() + "\t" + at + "\t" + id);
                }
            }
        }
        return lines;
    }

    private static List<String> scan(Path file, String content) {
        return scan(file, "", content);
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.US_ASCII);
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
    }

    /** Waits (up to 60 s) until the committed output holds {@code expected}, as a multiset, and nothing else. */
    private static void awaitCommitted(Path out, List<String> expected) throws Exception {
        List<String> want = new ArrayList<>(expected);
        want.sort(null);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> got = ScanCorpus.committed(out);
        while (!got.equals(want) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            got = ScanCorpus.committed(out);
        }
        assertThat(got).as("committed output").isEqualTo(want);
    }
}
