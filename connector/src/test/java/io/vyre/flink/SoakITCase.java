package io.vyre.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.flink.program.VyrePrograms;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.sink.VyreSink;
import io.vyre.flink.source.VyreSource;
import io.vyre.runtime.backend.BackendKind;
import io.vyre.runtime.memory.NativeMemory;
import io.vyre.runtime.testing.NaiveScan;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A soak: on {@code vyre.soak.parallelism} source subtasks (2; 8 tenants of the CUDA megakernel on the GPU machine,
 * {@code -Dvyre.test.backend=cuda}), a monitored folder of logs that live for {@code vyre.soak.seconds} (20 in CI, 1,800 with
 * {@code -Pnightly}), checkpointed every {@code vyre.soak.checkpoint-ms} (1 s; 10 s nightly). A logger appends lines
 * to {@code app.log} and rotates it every few seconds (renamed to {@code app.log.N}, its last line written through
 * the handle it still holds, a new {@code app.log} created); whole files arrive beside it. At the end every file's
 * bytes must be committed exactly once (a rotated file under the name the source found it by, {@code app.log}), and
 * neither native (page-locked on a GPU), direct nor heap memory may have grown from the first minute (or the first
 * quarter of a shorter run) to the end.
 */
class SoakITCase {
    private static final List<String> PATTERNS = List.of("needle", "ERROR", "timeout");
    private static final long SECONDS = Long.getLong("vyre.soak.seconds", 20);
    private static final long CHECKPOINT_MS = Long.getLong("vyre.soak.checkpoint-ms", 1000);
    /** How long a generation of app.log lives; several monitor intervals, so the source finds it as app.log. */
    private static final long ROTATE_MS = Math.max(2000, SECONDS * 1000 / 180);
    private static final long NEW_FILE_MS = ROTATE_MS * 3 / 2;
    private static final long HEAP_SLACK = 64L << 20;
    /** Source subtasks, each a tenant of the source's runtime (8 on the GPU machine's CUDA soak). */
    private static final int PARALLELISM = Integer.getInteger("vyre.soak.parallelism", 2);

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(PARALLELISM).build());

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.HOURS)
    void shouldKeepUpWithLiveLogsWithoutMissingAFileOrGrowingMemory(@InjectClusterClient ClusterClient<?> client)
            throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path out = dir.resolve("out");
        Path app = logs.resolve("app.log");
        Random rnd = new Random(71);
        JobClient job = start(logs, out);
        Memory first = null;
        int rotations = 0;
        int newFiles = 0;
        long lines = 0;
        try {
            FileChannel writer = FileChannel.open(app, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            long begin = System.nanoTime();
            long end = begin + TimeUnit.SECONDS.toNanos(SECONDS);
            long rotated = begin;
            long arrived = begin;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 20; i++, lines++) {
                    writer.write(line(rnd, lines));
                }
                long now = System.nanoTime();
                if (now - rotated > TimeUnit.MILLISECONDS.toNanos(ROTATE_MS)) {
                    Files.move(app, logs.resolve("app.log." + ++rotations));
                    writer.write(line(rnd, lines++));  // the logger's last line, into the renamed file
                    writer.close();
                    writer = FileChannel.open(app, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    rotated = now;
                }
                if (now - arrived > TimeUnit.MILLISECONDS.toNanos(NEW_FILE_MS)) {
                    Path batch = logs.resolve("batch-" + ++newFiles + ".log");
                    Path part = dir.resolve("incoming.tmp");
                    try (FileChannel f = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                        for (int i = 0; i < 500; i++, lines++) {
                            f.write(line(rnd, lines));
                        }
                    }
                    Files.move(part, batch);  // arrives whole, as a shipper's rename does
                    arrived = now;
                }
                if (first == null && now - begin > Math.min(TimeUnit.SECONDS.toNanos(60), (end - begin) / 4)) {
                    awaitCommitted(out, expected(logs));  // steady state: caught up once
                    first = Memory.now();
                }
                Thread.sleep(50);
            }
            writer.close();
            awaitCommitted(out, expected(logs));
            Memory last = Memory.now();  // before the test's own lists of the output are built again
            int occurrences = expected(logs).size();
            int failures = new ObjectMapper().readTree(ScanCorpus.rest(client, "/jobs/" + job.getJobID() + "/exceptions"))
                .path("exceptionHistory").path("entries").size();
            System.out.printf("soak: %s backend, %d source subtasks, %d s, checkpoints every %d ms: %d lines in %d files"
                    + " (%d rotations of app.log, %d new files), %d occurrences committed exactly once; failures (restarts) %d;"
                    + " native %,d -> %,d bytes, direct %,d -> %,d bytes, heap after GC %,d -> %,d bytes%n",
                TestBackends.source(), PARALLELISM, SECONDS, CHECKPOINT_MS, lines, rotations + newFiles + 1, rotations,
                newFiles, occurrences, failures, first.nativeBytes, last.nativeBytes, first.directBytes,
                last.directBytes, first.heapBytes, last.heapBytes);
            assertThat(failures).as("failures of the job, each a restart").isZero();
            assertThat(rotations).as("app.log rotated").isPositive();
            assertThat(newFiles).as("new files arrived").isPositive();
            assertThat(last.nativeBytes).as("native (page-locked) memory").isLessThanOrEqualTo(first.nativeBytes);
            assertThat(last.directBytes).as("direct memory").isLessThanOrEqualTo(first.directBytes + (1 << 20));
            assertThat(last.heapBytes).as("heap after GC").isLessThanOrEqualTo(first.heapBytes + HEAP_SLACK);
        } catch (Throwable t) {
            try {
                job.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                t.addSuppressed(e);  // the job may have failed already: the test's own failure is what tells why
            }
            throw t;
        }
        job.cancel().get(30, TimeUnit.SECONDS);
    }

    private JobClient start(Path logs, Path out) throws Exception {
        StreamExecutionEnvironment env = ScanCorpus.restartingEnvironment(PARALLELISM);
        env.enableCheckpointing(CHECKPOINT_MS, CheckpointingMode.EXACTLY_ONCE);
        VyreSource<io.vyre.flink.program.ScanMatch> source = VyreSource.builder().setPaths(logs.toString())
            .setProgram(VyrePrograms.scan(patternBytes(), false))
            .setBackend(TestBackends.source()).setChunkBytes(1 << 16)
            .monitorContinuously(Duration.ofMillis(100), Duration.ofMillis(500)).build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "vyre-soak")
            .map(m -> m.toLine())
            .sinkTo(VyreSink.<String>builder().setOutputDirectory(out.toString())
                .setRuntimeSettings(VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(16 << 10))
                .build());
        return env.executeAsync("soak");
    }

    private static List<byte[]> patternBytes() {
        return PATTERNS.stream().map(p -> p.getBytes(StandardCharsets.US_ASCII)).toList();
    }

    /** A log line; about one in five holds a pattern. */
    private static ByteBuffer line(Random rnd, long n) {
        String what = switch (rnd.nextInt(15)) {
            case 0 -> "found a needle in the hay";
            case 1 -> "ERROR upstream refused";
            case 2 -> "request timeout after 30 s";
            default -> "GET /index.html 200 " + rnd.nextInt(100_000);
        };
        return ByteBuffer.wrap(("2026-12-02T00:00:00Z line " + n + " " + what + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Every file's occurrences, from its bytes on disk, under the name the source found it by: a rotated
     * {@code app.log.N} was found while it was {@code app.log}.
     */
    private static List<String> expected(Path logs) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString().startsWith("app.log") ? logs.resolve("app.log").toString()
                    : f.toString();
                for (NaiveScan.Match m : NaiveScan.find(Files.readAllBytes(f), patternBytes(), false)) {
                    lines.add(name + "\t" + m.offset() + "\t" + m.patternId());
                }
            }
        }
        lines.sort(null);
        return lines;
    }

    /** Waits until the committed output is {@code expected} (sorted), as a multiset and nothing else. */
    private static void awaitCommitted(Path out, List<String> expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(60_000 + 3 * CHECKPOINT_MS);
        List<String> got = ScanCorpus.committed(out);
        while (!got.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            got = ScanCorpus.committed(out);
        }
        // as sorted lists, so a line twice is a failure, unless two generations of app.log match at the same offset
        assertThat(got).as("committed output: every file's occurrences, exactly once").isEqualTo(expected);
    }

    /** Native (page-locked on a GPU) memory of the runtimes, direct buffers, and the heap after a collection. */
    private record Memory(long nativeBytes, long directBytes, long heapBytes) {
        static Memory now() {
            System.gc();
            long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
            return new Memory(NativeMemory.globalOutstandingBytes(), direct,
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
    }
}
