package io.vyre.flink.source.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vyre.flink.program.LineRecord;
import io.vyre.flink.LogWriter;
import io.vyre.flink.program.ScanMatch;
import io.vyre.flink.program.VyrePrograms;
import io.vyre.flink.runtime.VyreRuntimeSettings;
import io.vyre.flink.source.VyreSource;
import io.vyre.flink.source.split.FileIdentity;
import io.vyre.flink.source.split.VyreFileSplit;
import io.vyre.runtime.backend.BackendKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.testutils.source.reader.TestingReaderContext;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.OperatorIOMetricGroup;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.metrics.groups.InternalSourceReaderMetricGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source reader on the CPU megakernel, driven as Flink's source operator drives it. */
class VyreSourceReaderTest {
    /** An operator metric group whose IO counters count (Flink's unregistered ones hand out a new one per call). */
    private static final class CountingOperatorGroup extends UnregisteredMetricsGroup implements OperatorMetricGroup {
        private final Counter recordsIn = new SimpleCounter();
        private final Counter bytesIn = new SimpleCounter();
        private final OperatorIOMetricGroup io = new CountingIoGroup();

        private final class CountingIoGroup extends UnregisteredMetricsGroup implements OperatorIOMetricGroup {
            @Override
            public Counter getNumRecordsInCounter() {
                return recordsIn;
            }

            @Override
            public Counter getNumBytesInCounter() {
                return bytesIn;
            }

            @Override
            public Counter getNumRecordsOutCounter() {
                return new SimpleCounter();
            }

            @Override
            public Counter getNumBytesOutCounter() {
                return new SimpleCounter();
            }
        }

        @Override
        public OperatorIOMetricGroup getIOMetricGroup() {
            return io;
        }
    }

    @TempDir
    Path dir;

    @Test
    void shouldCountOnlyRecordsInNumRecordsInWhenMostChunksFindNothing() throws Exception {
        // 40 chunks of 64 KiB; only the first holds occurrences: 39 chunks end as position-only markers
        byte[] data = new byte[40 << 16];
        Arrays.fill(data, (byte) '.');
        byte[] needle = "needle".getBytes(StandardCharsets.US_ASCII);
        for (int at = 100; at < 60_000; at += 1_000) {
            System.arraycopy(needle, 0, data, at, needle.length);
        }
        Path file = Files.write(dir.resolve("sparse.log"), data);
        SourceReaderMetricGroup metrics = InternalSourceReaderMetricGroup.wrap(new CountingOperatorGroup());
        TestingReaderContext context = new TestingReaderContext(new Configuration(), metrics);
        VyreRuntimeSettings settings = VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(1 << 16);
        TestingReaderOutput<ScanMatch> output = new TestingReaderOutput<>();
        try (VyreSourceReader<ScanMatch> reader = VyreSourceReader.create(VyrePrograms.scan(List.of(needle), false),
            settings, context, false, Duration.ofMillis(100), VyreSource.DEFAULT_TAIL_FINAL_AFTER, null,
            Long.MAX_VALUE)) {
            reader.start();
            reader.addSplits(List.of(VyreFileSplit.range(file.toString(), 0, data.length)));
            reader.notifyNoMoreSplits();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            InputStatus status;
            while ((status = reader.pollNext(output)) != InputStatus.END_OF_INPUT && System.nanoTime() < deadline) {
                if (status == InputStatus.NOTHING_AVAILABLE) {
                    reader.isAvailable().get();
                }
            }
            assertThat(status).isEqualTo(InputStatus.END_OF_INPUT);
        }
        assertThat(output.getEmittedRecords()).hasSize(60);
        assertThat(metrics.getIOMetricGroup().getNumRecordsInCounter().getCount())
            .as("numRecordsIn counts the 60 occurrences, not the chunks that found nothing").isEqualTo(60);
    }

    @Test
    void shouldCountTheFileBytesOfACompressedFileInNumBytesIn() throws Exception {
        byte[] data = new byte[300 << 10];
        new java.util.Random(3).nextBytes(data);  // hardly compressible: several chunks of file bytes
        byte[] needle = "needle".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(needle, 0, data, 200_000, needle.length);
        Path file = dir.resolve("random.bin.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(data);
        }
        SourceReaderMetricGroup metrics = InternalSourceReaderMetricGroup.wrap(new CountingOperatorGroup());
        TestingReaderContext context = new TestingReaderContext(new Configuration(), metrics);
        TestingReaderOutput<ScanMatch> output = new TestingReaderOutput<>();
        try (VyreSourceReader<ScanMatch> reader = VyreSourceReader.create(VyrePrograms.scan(List.of(needle), false),
            VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(1 << 16), context, false,
            Duration.ofMillis(100), VyreSource.DEFAULT_TAIL_FINAL_AFTER, null, Long.MAX_VALUE)) {
            reader.start();
            reader.addSplits(List.of(VyreFileSplit.range(file.toString(), 0, Files.size(file))));
            reader.notifyNoMoreSplits();
            readUntil(reader, output, Integer.MAX_VALUE);
        }
        assertThat(output.getEmittedRecords()).extracting(m -> m.offset).containsExactly(200_000L);
        assertThat(metrics.getIOMetricGroup().getNumBytesInCounter().getCount())
            .as("the compressed file's bytes, so progress against file sizes ends at 100%").isEqualTo(Files.size(file));
    }

    @Test
    void shouldEndItsSplitsUnreadOnceTheRecordLimitIsReached() throws Exception {
        // 40 chunks of 64 KiB with an occurrence every 1,000 bytes; a limit of 5 needs only the first chunks
        byte[] data = new byte[40 << 16];
        Arrays.fill(data, (byte) '.');
        byte[] needle = "needle".getBytes(StandardCharsets.US_ASCII);
        for (int at = 100; at + needle.length < data.length; at += 1_000) {
            System.arraycopy(needle, 0, data, at, needle.length);
        }
        Path file = Files.write(dir.resolve("limited.log"), data);
        SourceReaderMetricGroup metrics = InternalSourceReaderMetricGroup.wrap(new CountingOperatorGroup());
        TestingReaderContext context = new TestingReaderContext(new Configuration(), metrics);
        VyreRuntimeSettings settings = VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(1 << 16)
            .lanes(2);
        TestingReaderOutput<ScanMatch> output = new TestingReaderOutput<>();
        try (VyreSourceReader<ScanMatch> reader = VyreSourceReader.create(VyrePrograms.scan(List.of(needle), false),
            settings, context, false, Duration.ofMillis(100), VyreSource.DEFAULT_TAIL_FINAL_AFTER, null, 5)) {
            reader.start();
            reader.addSplits(List.of(VyreFileSplit.range(file.toString(), 0, data.length / 2),
                VyreFileSplit.range(file.toString(), data.length / 2, data.length)));
            reader.notifyNoMoreSplits();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            InputStatus status;
            while ((status = reader.pollNext(output)) != InputStatus.END_OF_INPUT && System.nanoTime() < deadline) {
                if (status == InputStatus.NOTHING_AVAILABLE) {
                    reader.isAvailable().get();
                }
            }
            assertThat(status).as("both splits end though most of their bytes were never read")
                .isEqualTo(InputStatus.END_OF_INPUT);
        }
        assertThat(output.getEmittedRecords()).as("whole chunks: at least the limit").hasSizeGreaterThanOrEqualTo(5);
        assertThat(metrics.getIOMetricGroup().getNumBytesInCounter().getCount())
            .as("at most the chunks in flight when the limit was reached were read").isLessThanOrEqualTo(4L << 16);
    }

    /**
     * A fetcher that fails while the task thread is between Flink's error check and its poll of the element queue:
     * that poll takes the fetcher's wake-up (the empty queue turns unavailable again). The reader must still be
     * available, and its next poll must throw the fetcher's error, or the task waits forever (a job stalled after an
     * IO error). The poll is made here as the task thread made it, after the fetcher failed.
     */
    @Test
    void shouldStayAvailableAfterTheFetcherFailedEvenWhenItsWakeUpWasTaken() throws Exception {
        Path missing = dir.resolve("missing.log");
        try (VyreSourceReader<ScanMatch> reader = scanReader(List.of("x".getBytes(StandardCharsets.US_ASCII)), 1 << 16)) {
            reader.start();
            reader.addSplits(List.of(VyreFileSplit.range(missing.toString(), 0, 1000)));
            reader.isAvailable().get(30, java.util.concurrent.TimeUnit.SECONDS);  // the fetcher failed and woke it
            java.lang.reflect.Field queue = org.apache.flink.connector.base.source.reader.SourceReaderBase.class
                .getDeclaredField("elementsQueue");
            queue.setAccessible(true);
            assertThat(((org.apache.flink.connector.base.source.reader.synchronization.FutureCompletingBlockingQueue<?>)
                queue.get(reader)).poll()).as("nothing was fetched").isNull();

            assertThat(reader.isAvailable()).as("available, so that the task polls and fails")
                .succeedsWithin(Duration.ofSeconds(5));
            assertThatThrownBy(() -> reader.pollNext(new TestingReaderOutput<>())).as("the fetcher's error")
                .hasStackTraceContaining("cannot read " + missing + ": it no longer exists");
        }
    }

    /** Reads with {@code reader} until {@code limit} records were emitted (or the input ended). */
    private static void readUntil(VyreSourceReader<ScanMatch> reader, TestingReaderOutput<ScanMatch> output, int limit)
        throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (output.getEmittedRecords().size() < limit && System.nanoTime() < deadline) {
            InputStatus status = reader.pollNext(output);
            if (status == InputStatus.END_OF_INPUT) {
                return;
            }
            if (status == InputStatus.NOTHING_AVAILABLE) {
                reader.isAvailable().get();
            }
        }
    }

    @Test
    void shouldEmitNothingTwiceWhenRestoredWithAnotherChunkSize() throws Exception {
        byte[] data = new byte[400 << 10];
        Arrays.fill(data, (byte) '.');
        byte[] needle = "needle".getBytes(StandardCharsets.US_ASCII);
        int expected = 0;
        for (int at = 10; at + needle.length < data.length; at += 997) {
            System.arraycopy(needle, 0, data, at, needle.length);
            expected++;
        }
        Path file = Files.write(dir.resolve("dense.log"), data);
        List<byte[]> patterns = List.of(needle, "eed".getBytes(StandardCharsets.US_ASCII));
        // a first run with 256 KiB chunks stops mid-way through its first chunk's results and checkpoints
        TestingReaderOutput<ScanMatch> before = new TestingReaderOutput<>();
        List<VyreFileSplit> checkpoint = readAndCheckpoint(patterns, 256 << 10,
            VyreFileSplit.range(file.toString(), 0, data.length), before, 301);
        assertThat(before.getEmittedRecords()).hasSize(301);
        // restored with 64 KiB chunks: the chunk at the checkpointed offset holds fewer results than were emitted
        List<ScanMatch> all = new java.util.ArrayList<>(before.getEmittedRecords());
        all.addAll(readRestored(patterns, 64 << 10, checkpoint));
        assertThat(new java.util.HashSet<>(all)).as("nothing emitted twice").hasSize(all.size());
        assertThat(all).hasSize(2 * expected);
    }

    @Test
    void shouldEmitNothingTwiceWhenARestoredChunkOverflowsAndIsReadAgainSmaller() throws Exception {
        byte[] data = new byte[200 << 10];
        int expected = 0;
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i % 4 == 3 ? '.' : 'a');  // 0.75 matches a byte: a 64 KiB chunk overflows, 32 KiB fit
            expected += data[i] == 'a' ? 1 : 0;
        }
        Path file = Files.write(dir.resolve("overflowing.log"), data);
        List<byte[]> patterns = List.of("a".getBytes(StandardCharsets.US_ASCII));
        TestingReaderOutput<ScanMatch> before = new TestingReaderOutput<>();
        // inside the first (halved) chunk's results
        List<VyreFileSplit> checkpoint = readAndCheckpoint(patterns, 64 << 10,
            VyreFileSplit.range(file.toString(), 0, data.length), before, 10_000);
        // restored, the first chunk is 64 KiB again, overflows, and is read again at 32 KiB: the key still filters it
        List<ScanMatch> all = new java.util.ArrayList<>(before.getEmittedRecords());
        all.addAll(readRestored(patterns, 64 << 10, checkpoint));
        assertThat(new java.util.HashSet<>(all)).as("nothing emitted twice").hasSize(all.size());
        assertThat(all).hasSize(expected);
    }

    /** Scans {@code split} with {@code chunkBytes} chunks until {@code records} are emitted; its checkpoint then. */
    private static List<VyreFileSplit> readAndCheckpoint(List<byte[]> patterns, int chunkBytes, VyreFileSplit split,
                                                         TestingReaderOutput<ScanMatch> output, int records)
        throws Exception {
        try (VyreSourceReader<ScanMatch> reader = scanReader(patterns, chunkBytes)) {
            reader.start();
            reader.addSplits(List.of(split));
            readUntil(reader, output, records);
            return reader.snapshotState(1);
        }
    }

    /** What a reader restored from {@code checkpoint}, with {@code chunkBytes} chunks, emits to the end. */
    private static List<ScanMatch> readRestored(List<byte[]> patterns, int chunkBytes, List<VyreFileSplit> checkpoint)
        throws Exception {
        TestingReaderOutput<ScanMatch> output = new TestingReaderOutput<>();
        try (VyreSourceReader<ScanMatch> reader = scanReader(patterns, chunkBytes)) {
            reader.start();
            reader.addSplits(checkpoint);
            reader.notifyNoMoreSplits();
            readUntil(reader, output, Integer.MAX_VALUE);
        }
        return output.getEmittedRecords();
    }

    private static VyreSourceReader<ScanMatch> scanReader(List<byte[]> patterns, int chunkBytes) {
        return VyreSourceReader.create(VyrePrograms.scan(patterns, false),
            VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(chunkBytes), new TestingReaderContext(),
            false, Duration.ofMillis(100), VyreSource.DEFAULT_TAIL_FINAL_AFTER, null, Long.MAX_VALUE);
    }

    /** Polls {@code reader} until {@code done} holds (or 20 s passed). */
    private static <T> void pollUntil(VyreSourceReader<T> reader, TestingReaderOutput<T> output,
                                      java.util.function.Predicate<List<T>> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.test(output.getEmittedRecords()) && System.nanoTime() < deadline) {
            awaitAvailable(reader, output);
        }
    }

    /** One poll; when nothing is there, waits up to 100 ms for the reader to have something. */
    private static <T> void awaitAvailable(VyreSourceReader<T> reader, TestingReaderOutput<T> output) throws Exception {
        if (reader.pollNext(output) == InputStatus.NOTHING_AVAILABLE) {
            try {
                reader.isAvailable().get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // nothing yet (the runtime opening, a tailed file quiet): poll again
            }
        }
    }

    @Test
    void shouldScanTheEndOfATailedFileOnceItStopsGrowing() throws Exception {
        // "le" at the very end starts within the last (longest pattern - 1) bytes, held back while a file grows
        Path file = Files.writeString(dir.resolve("app.log"), "start needle middle needle");
        List<byte[]> patterns = List.of("needle".getBytes(StandardCharsets.US_ASCII), "le".getBytes(StandardCharsets.US_ASCII));
        try (VyreSourceReader<ScanMatch> reader = VyreSourceReader.create(VyrePrograms.scan(patterns, false),
            VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(1 << 16), new TestingReaderContext(),
            false, Duration.ofMillis(20), Duration.ofMillis(300), null, Long.MAX_VALUE)) {
            TestingReaderOutput<ScanMatch> output = new TestingReaderOutput<>();
            reader.start();
            reader.addSplits(List.of(VyreFileSplit.tail(file.toString())));
            pollUntil(reader, output, r -> r.size() >= 5);
            assertThat(output.getEmittedRecords()).extracting(m -> m.offset).containsExactly(6L, 10L, 17L, 20L, 24L);
            Files.writeString(file, " more needle", java.nio.file.StandardOpenOption.APPEND);  // it grows again
            pollUntil(reader, output, r -> r.size() >= 7);
            assertThat(output.getEmittedRecords()).extracting(m -> m.offset)
                .containsExactly(6L, 10L, 17L, 20L, 24L, 32L, 36L);
        }
    }

    private static VyreSourceReader<ScanMatch> tailReader(String pattern) {
        return VyreSourceReader.create(VyrePrograms.scan(List.of(pattern.getBytes(StandardCharsets.US_ASCII)), false),
            VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(1 << 16), new TestingReaderContext(),
            false, Duration.ofMillis(20), Duration.ofMillis(300), null, Long.MAX_VALUE);
    }

    /** Polls until the reader holds no split (its splits finished), or 20 s passed. */
    private static <T> boolean pollUntilNoSplits(VyreSourceReader<T> reader, TestingReaderOutput<T> output)
        throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!reader.snapshotState(1).isEmpty() && System.nanoTime() < deadline) {
            awaitAvailable(reader, output);
        }
        return reader.snapshotState(1).isEmpty();
    }

    /**
     * Tails {@code file} until its first match, lets {@code change} rename or delete it while a writer holding it
     * open writes {@code last}, then polls until the split ends (asserted).
     *
     * @return the offsets emitted
     */
    private static List<Long> tailThrough(Path file, LogWriter.NameChange change, String last) throws Exception {
        try (VyreSourceReader<ScanMatch> reader = tailReader("needle")) {
            TestingReaderOutput<ScanMatch> output = new TestingReaderOutput<>();
            reader.start();
            reader.addSplits(List.of(VyreFileSplit.tail(file.toString(), FileIdentity.of(file))));
            pollUntil(reader, output, r -> r.size() >= 1);
            LogWriter.writeAfter(file, change, last);
            assertThat(pollUntilNoSplits(reader, output)).as("the split ends once its file is read and quiet").isTrue();
            return output.getEmittedRecords().stream().map(m -> m.offset).toList();
        }
    }

    @Test
    void shouldFollowARotatedLogToItsEndAndNotReadTheNewFileUnderItsName() throws Exception {
        Path file = Files.writeString(dir.resolve("app.log"), "needle one ");
        // rotation: the log is renamed and a new one created under its name, while the writer, which still holds
        // the old file open, writes its last bytes into it
        List<Long> offsets = tailThrough(file, () -> {
            Files.move(file, dir.resolve("app.log.1"));
            Files.writeString(file, "needle needle in the new file");
        }, "needle two");
        assertThat(offsets).as("the old file's bytes, all of them, and nothing of the new file's").containsExactly(0L, 11L);
    }

    @Test
    void shouldReadADeletedTailedFileToItsEndThenEndItsSplit() throws Exception {
        Path file = Files.writeString(dir.resolve("gone.log"), "a needle");
        assertThat(tailThrough(file, () -> Files.delete(file), " and a last needle")).containsExactly(2L, 20L);
    }

    @Test
    void shouldReadATailedFileAgainFromItsStartWhenItIsTruncatedInPlace() throws Exception {
        Path file = Files.writeString(dir.resolve("copytruncate.log"), "needle and more bytes");
        try (VyreSourceReader<ScanMatch> reader = tailReader("needle")) {
            TestingReaderOutput<ScanMatch> output = new TestingReaderOutput<>();
            reader.start();
            reader.addSplits(List.of(VyreFileSplit.tail(file.toString(), FileIdentity.of(file))));
            pollUntil(reader, output, r -> r.size() >= 1);
            // copytruncate: the content was copied elsewhere, the file truncated in place and written anew
            try (java.nio.channels.FileChannel writer = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE)) {
                writer.truncate(0);
                writer.write(java.nio.ByteBuffer.wrap("x needle".getBytes(StandardCharsets.US_ASCII)), 0);
            }
            pollUntil(reader, output, r -> r.size() >= 2);
            assertThat(output.getEmittedRecords()).extracting(m -> m.offset).containsExactly(0L, 2L);
            assertThat(reader.snapshotState(1)).as("the file keeps its name: its split goes on").hasSize(1);
        }
    }

    @Test
    void shouldEmitTheLastLineOfATailedFileWithoutANewlineOnceItStopsGrowing() throws Exception {
        Path file = Files.writeString(dir.resolve("app.log"), "first\nlast without newline");
        try (VyreSourceReader<LineRecord> reader = VyreSourceReader.create(VyrePrograms.lines(),
            VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(1 << 16), new TestingReaderContext(),
            false, Duration.ofMillis(20), Duration.ofMillis(300), null, Long.MAX_VALUE)) {
            TestingReaderOutput<LineRecord> output = new TestingReaderOutput<>();
            reader.start();
            reader.addSplits(List.of(VyreFileSplit.tail(file.toString())));
            pollUntil(reader, output, r -> r.size() >= 2);
            assertThat(output.getEmittedRecords()).extracting(l -> l.line)
                .containsExactly("first", "last without newline");
        }
    }

    @Test
    void shouldAskForASplitPerLaneSoEveryLaneHasWork() throws Exception {
        VyreRuntimeSettings settings = VyreRuntimeSettings.defaults().backend(BackendKind.CPU).chunkBytes(1 << 16).lanes(3);
        TestingReaderContext lines = new TestingReaderContext();
        try (VyreSourceReader<LineRecord> reader = VyreSourceReader.create(VyrePrograms.lines(), settings, lines, false,
            Duration.ofMillis(100), VyreSource.DEFAULT_TAIL_FINAL_AFTER, null,
            Long.MAX_VALUE)) {
            reader.start();
            assertThat(lines.getNumSplitRequests()).as("lines: one split per lane, or lanes sit idle").isEqualTo(3);
        }
        TestingReaderContext matches = new TestingReaderContext();
        try (VyreSourceReader<ScanMatch> reader = VyreSourceReader.create(
            VyrePrograms.scan(List.of("x".getBytes(StandardCharsets.US_ASCII)), false), settings, matches, false,
            Duration.ofMillis(100), VyreSource.DEFAULT_TAIL_FINAL_AFTER, null,
            Long.MAX_VALUE)) {
            reader.start();
            assertThat(matches.getNumSplitRequests()).as("a small file is one chunk: one split per lane too").isEqualTo(3);
        }
    }
}
