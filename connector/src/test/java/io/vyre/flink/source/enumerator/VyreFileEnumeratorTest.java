package io.vyre.flink.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.flink.source.split.FileIdentity;
import io.vyre.flink.source.split.VyreFileSplit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.apache.flink.connector.testutils.source.reader.TestingSplitEnumeratorContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitored listing runs on a worker thread while the coordinator thread records what it found. */
class VyreFileEnumeratorTest {
    @TempDir
    Path dir;

    /**
     * As Flink runs an enumerator: the periodic listing on a worker thread, its handler on the coordinator
     * thread, here back to back without pause.
     */
    private static final class ThreadedContext extends TestingSplitEnumeratorContext<VyreFileSplit> {
        final ExecutorService coordinator = Executors.newSingleThreadExecutor();
        final ExecutorService worker = Executors.newSingleThreadExecutor();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        Future<?> listing;

        ThreadedContext() {
            super(1);
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler, long initialDelay,
                                  long period) {
            listing = worker.submit(() -> {
                for (int i = 0; i < 3_000 && failure.get() == null; i++) {
                    try {
                        T result = callable.call();
                        coordinator.submit(() -> handler.accept(result, null));
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }
            });
        }
    }

    /** Flink's testing context, which refuses backlog reports, recording them instead. */
    private static final class BacklogContext extends TestingSplitEnumeratorContext<VyreFileSplit> {
        final java.util.List<Boolean> backlog = new java.util.ArrayList<>();

        BacklogContext(int parallelism) {
            super(parallelism);
        }

        @Override
        public void setIsProcessingBacklog(boolean isProcessingBacklog) {
            backlog.add(isProcessingBacklog);
        }
    }

    @Test
    void shouldReportBacklogUntilEverySplitIsReadBeforeAnyReaderHearsThereAreNoMore() throws Exception {
        java.nio.file.Files.write(dir.resolve("a.log"), new byte[1000]);
        BacklogContext context = new BacklogContext(2);
        context.registerReader(0, "host");
        context.registerReader(1, "host");
        VyreFileEnumerator enumerator = new VyreFileEnumerator(context,
            new FileDiscovery(java.util.List.of(dir.toString()), 64L << 20), null, null);
        enumerator.start();
        org.assertj.core.api.Assertions.assertThat(context.backlog).containsExactly(true);
        enumerator.handleSplitRequest(0, "host");
        org.assertj.core.api.Assertions.assertThat(context.backlog).as("a split was handed out").containsExactly(true);
        enumerator.handleSplitRequest(1, "host");
        enumerator.handleSplitRequest(0, "host");  // a reader asks ahead while it reads
        org.assertj.core.api.Assertions.assertThat(context.backlog).as("none left, one still read")
            .containsExactly(true);
        org.assertj.core.api.Assertions.assertThat(context.getSplitAssignments().get(1)).as("reader 1 waits").isNull();
        enumerator.handleSourceEvent(1, new ReaderDrained());  // reader 1 held nothing: no change
        org.assertj.core.api.Assertions.assertThat(context.backlog).containsExactly(true);
        enumerator.handleSourceEvent(0, new ReaderDrained());
        org.assertj.core.api.Assertions.assertThat(context.backlog).as("every split read").containsExactly(true, false);
        org.assertj.core.api.Assertions.assertThat(context.getSplitAssignments().get(1).hasReceivedNoMoreSplitsSignal())
            .isTrue();
        org.assertj.core.api.Assertions.assertThat(context.getSplitAssignments().get(0).hasReceivedNoMoreSplitsSignal())
            .isTrue();
        // a failed reader's split comes back: read again at the short interval, never a second report (Flink
        // would deliver it to subtasks that may have finished, and fail over)
        enumerator.addSplitsBack(java.util.List.of(VyreFileSplit.range(dir.resolve("a.log").toString(), 0, 1000)), 0);
        enumerator.addReader(0);
        enumerator.handleSplitRequest(0, "host");
        enumerator.handleSplitRequest(0, "host");
        org.assertj.core.api.Assertions.assertThat(context.backlog).containsExactly(true, false);
        org.assertj.core.api.Assertions.assertThat(context.getSplitAssignments().get(0).hasReceivedNoMoreSplitsSignal())
            .isTrue();

        // restored from a checkpoint with a split waiting: no report (some readers may have finished)
        BacklogContext restoredContext = new BacklogContext(2);
        new VyreFileEnumerator(restoredContext, new FileDiscovery(java.util.List.of(dir.toString()), 64L << 20), null,
            new VyreEnumeratorState(java.util.Set.of(dir.resolve("a.log").toString()),
                java.util.List.of(VyreFileSplit.range(dir.resolve("a.log").toString(), 0, 1000)))).start();
        org.assertj.core.api.Assertions.assertThat(restoredContext.backlog).isEmpty();
    }

    @Test
    void shouldReadACompressedFileOnceWholeWhenMonitoredNotTailIt() throws Exception {
        Path gz = dir.resolve("old.log.gz");
        java.nio.file.Files.write(gz, new byte[100]);
        java.nio.file.Files.write(dir.resolve("live.log"), new byte[10]);
        BacklogContext context = new BacklogContext(1);
        context.registerReader(0, "host");
        VyreFileEnumerator enumerator = new VyreFileEnumerator(context,
            new FileDiscovery(java.util.List.of(dir.toString()), 64L << 20), Duration.ofMillis(10), null);
        enumerator.start();
        context.triggerAllActions();
        java.nio.file.Files.write(gz, new byte[200]);  // still being written
        context.triggerAllActions();
        org.assertj.core.api.Assertions.assertThat(context.getSplitAssignments().get(0).getAssignedSplits())
            .as("the plain file is tailed at once, the compressed one waits").containsExactly(
                VyreFileSplit.tail(dir.resolve("live.log").toString(), FileIdentity.of(dir.resolve("live.log"))));
        context.triggerAllActions();
        context.triggerAllActions();
        org.assertj.core.api.Assertions.assertThat(context.getSplitAssignments().get(0).getAssignedSplits())
            .as("once its size held for a listing: one bounded split of the whole file, never again").containsExactly(
                VyreFileSplit.tail(dir.resolve("live.log").toString(), FileIdentity.of(dir.resolve("live.log"))),
                VyreFileSplit.range(gz.toString(), 0, 200));
        org.assertj.core.api.Assertions.assertThat(context.backlog).as("a monitored source reports no backlog").isEmpty();
    }

    @Test
    void shouldKnowMonitoredFilesByIdentitySoARotatedLogIsNotReadAgain() throws Exception {
        Path log = Files.writeString(dir.resolve("app.log"), "first\n");
        String first = FileIdentity.of(log);
        BacklogContext context = new BacklogContext(1);
        context.registerReader(0, "host");
        VyreFileEnumerator enumerator = new VyreFileEnumerator(context,
            new FileDiscovery(List.of(dir.toString()), 64L << 20), Duration.ofMillis(10), null);
        enumerator.start();
        context.triggerAllActions();
        Files.move(log, dir.resolve("app.log.1"));
        Files.writeString(log, "second\n");
        String second = FileIdentity.of(log);
        context.triggerAllActions();
        assertThat(context.getSplitAssignments().get(0).getAssignedSplits()).as("the renamed file is the first"
            + " split's, the new file under the name is new").containsExactly(
                VyreFileSplit.tail(log.toString(), first), VyreFileSplit.tail(log.toString(), second));
        Files.delete(dir.resolve("app.log.1"));
        context.triggerAllActions();
        assertThat(enumerator.snapshotState(1).knownFiles()).as("a file missing from one listing is kept")
            .containsExactlyInAnyOrder(first, second);
        context.triggerAllActions();
        assertThat(enumerator.snapshotState(1).knownFiles()).as("gone from two listings: forgotten")
            .containsExactly(second);
    }

    @Test
    void shouldKnowTheFilesOfAPathBasedCheckpointByIdentityOnRestore() throws Exception {
        Path log = Files.writeString(dir.resolve("app.log"), "x");
        VyreFileEnumerator enumerator = new VyreFileEnumerator(new BacklogContext(1),
            new FileDiscovery(List.of(dir.toString()), 64L << 20), Duration.ofMillis(10),
            new VyreEnumeratorState(Set.of(log.toString(), dir.resolve("deleted.log").toString()), List.of()));
        assertThat(enumerator.snapshotState(1).knownFiles()).containsExactlyInAnyOrder(FileIdentity.of(log),
            dir.resolve("deleted.log").toString());
    }

    @Test
    void shouldListWhileTheCoordinatorRecordsNewFiles() throws Exception {
        ThreadedContext context = new ThreadedContext();
        VyreFileEnumerator enumerator = new VyreFileEnumerator(context,
            new FileDiscovery(List.of(dir.toString()), 1 << 20), Duration.ofMillis(1), null);
        Set<String> written = new HashSet<>();
        try {
            enumerator.start();
            for (int i = 0; i < 400; i++) {
                written.add(FileIdentity.of(Files.writeString(dir.resolve("log-" + i), "x")));
            }
            context.listing.get(60, TimeUnit.SECONDS);
            context.coordinator.submit(() -> { }).get(10, TimeUnit.SECONDS);
            assertThat(context.failure.get()).as("the listing must not read the set the coordinator changes").isNull();
            VyreEnumeratorState state = context.coordinator.submit(() -> enumerator.snapshotState(1))
                .get(10, TimeUnit.SECONDS);
            assertThat(state.knownFiles()).as("known by identity").containsExactlyInAnyOrderElementsOf(written);
            assertThat(state.unassigned()).hasSize(written.size());
        } finally {
            context.worker.shutdownNow();
            context.coordinator.shutdownNow();
        }
    }

    @Test
    void shouldSkipAFileThatVanishesBetweenListingAndItsSize() throws Exception {
        Path present = java.nio.file.Files.writeString(dir.resolve("present.log"), "abc");
        assertThat(FileDiscovery.listed(dir.resolve("rotated-away.log"))).isNull();
        assertThat(FileDiscovery.listed(present))
            .isEqualTo(new FileDiscovery.Listed(present.toString(), 3L, FileIdentity.of(present)));
    }

    @Test
    void shouldHandOutSmallFilesInBatchesAndLargeRangesOneAtATime() throws Exception {
        for (int i = 0; i < 300; i++) {
            java.nio.file.Files.write(dir.resolve(String.format("a-%03d.log", i)), new byte[1000]);
        }
        java.nio.file.Files.write(dir.resolve("z-large.log"), new byte[10 << 20]);
        BacklogContext context = new BacklogContext(2);
        context.registerReader(0, "host");
        VyreFileEnumerator enumerator = new VyreFileEnumerator(context,
            new FileDiscovery(java.util.List.of(dir.toString()), 4L << 20), null, null);
        enumerator.start();
        java.util.List<Integer> perRequest = splitsPerRequest(enumerator, context, 11);
        // 303 splits for one reader: batches of half of what waits (152 of 303, 76 of 151, ...) while the files
        // are small, then the 10 MiB file's three ranges of 4 MiB singly
        org.assertj.core.api.Assertions.assertThat(perRequest).containsExactly(152, 76, 38, 19, 9, 5, 1, 1, 1, 1, 0);
        org.assertj.core.api.Assertions.assertThat(context.getSplitAssignments().get(0).hasReceivedNoMoreSplitsSignal())
            .as("told only once it has read them").isFalse();
        enumerator.handleSourceEvent(0, new ReaderDrained());
        org.assertj.core.api.Assertions.assertThat(context.getSplitAssignments().get(0).hasReceivedNoMoreSplitsSignal())
            .isTrue();
    }

    @Test
    void shouldNotBatchMoreThanOneSplitSizeSoReadersShareSmallJobs() throws Exception {
        for (int i = 0; i < 5; i++) {
            java.nio.file.Files.write(dir.resolve("f-" + i + ".log"), new byte[1000]);
        }
        BacklogContext context = new BacklogContext(2);
        context.registerReader(0, "host");
        VyreFileEnumerator enumerator = new VyreFileEnumerator(context,
            new FileDiscovery(java.util.List.of(dir.toString()), 2000), null, null);
        enumerator.start();
        java.util.List<Integer> perRequest = splitsPerRequest(enumerator, context, 3);
        // a request carries at most the split size (2000 bytes): two files, two files, one file
        // (and at most half of what waits: three of five, two of three, one of one)
        org.assertj.core.api.Assertions.assertThat(perRequest).containsExactly(2, 2, 1);
    }

    @Test
    void shouldShareAFewSmallFilesAmongTheReadersRatherThanHandThemAllToTheFirst() throws Exception {
        for (int i = 0; i < 4; i++) {
            java.nio.file.Files.write(dir.resolve("f-" + i + ".log"), new byte[40_000]);
        }
        BacklogContext context = new BacklogContext(2);
        context.registerReader(0, "host");
        context.registerReader(1, "host");
        VyreFileEnumerator enumerator = new VyreFileEnumerator(context,
            new FileDiscovery(java.util.List.of(dir.toString()), 64L << 20), null, null);
        enumerator.start();
        for (int request = 0; request < 4; request++) {
            enumerator.handleSplitRequest(0, "host");  // each reader asks once per lane as it starts
            enumerator.handleSplitRequest(1, "host");
        }
        // a batch of everything waiting would have left the second reader idle
        org.assertj.core.api.Assertions.assertThat(context.getSplitAssignments().get(0).getAssignedSplits()).hasSize(2);
        org.assertj.core.api.Assertions.assertThat(context.getSplitAssignments().get(1).getAssignedSplits()).hasSize(2);
    }

    /** Splits reader 0 got from each of {@code requests} requests in a row. */
    private static java.util.List<Integer> splitsPerRequest(VyreFileEnumerator enumerator, BacklogContext context,
                                                            int requests) {
        java.util.List<Integer> perRequest = new java.util.ArrayList<>();
        for (int request = 0; request < requests; request++) {
            int before = assigned(context);
            enumerator.handleSplitRequest(0, "host");
            perRequest.add(assigned(context) - before);
        }
        return perRequest;
    }

    private static int assigned(TestingSplitEnumeratorContext<VyreFileSplit> context) {
        var assignment = context.getSplitAssignments().get(0);
        return assignment == null ? 0 : assignment.getAssignedSplits().size();
    }
}
