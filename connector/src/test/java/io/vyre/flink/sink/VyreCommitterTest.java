package io.vyre.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer.CommitRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Committing part files: idempotent after a recovery, and loud when a checkpoint's records are gone. */
class VyreCommitterTest {
    @TempDir
    Path dir;

    /** What Flink's committer operator hands the committer, recording what the committer said. */
    private static final class Request implements CommitRequest<VyreCommittable> {
        final VyreCommittable committable;
        String outcome = "committed";

        Request(Path inProgress, Path target) {
            committable = new VyreCommittable(inProgress.toString(), target.toString());
        }

        @Override
        public VyreCommittable getCommittable() {
            return committable;
        }

        @Override
        public int getNumberOfRetries() {
            return 0;
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            outcome = "failed (counted by Flink only): " + t.getMessage();
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            outcome = "failed with unknown reason: " + t.getMessage();
        }

        @Override
        public void retryLater() {
            outcome = "retry";
        }

        @Override
        public void updateAndRetryLater(VyreCommittable committable) {
            outcome = "retry updated";
        }

        @Override
        public void signalAlreadyCommitted() {
            outcome = "already committed";
        }
    }

    @Test
    void shouldRenameOnceAndAcceptTheSameCommittableAgain() throws Exception {
        Path inProgress = Files.writeString(dir.resolve(".part-a-0-1.inprogress"), "x\n");
        Path target = dir.resolve("part-a-0-1");
        Request first = new Request(inProgress, target);
        try (VyreCommitter committer = new VyreCommitter()) {
            committer.commit(List.of(first));
            Request again = new Request(inProgress, target);
            committer.commit(List.of(again));
            assertThat(first.outcome).isEqualTo("committed");
            assertThat(again.outcome).isEqualTo("already committed");
        }
        assertThat(target).hasContent("x");
        assertThat(inProgress).doesNotExist();
    }

    @Test
    void shouldDeleteOnlyTheInProgressFilesOpenedAfterTheRestoredCheckpoint() throws Exception {
        for (String name : List.of(".part-a-0-1.inprogress", ".part-a-0-2.inprogress", ".part-a-0-3.inprogress",
            ".part-a-0-12.inprogress", "part-a-0-1", ".part-b-0-3.inprogress", ".part-a-0-x.inprogress")) {
            Files.writeString(dir.resolve(name), "x\n");
        }
        // the writer of prefix part-a-0- had handed files 1 and 2 to the committer when the checkpoint was taken
        VyreSinkWriter.deleteUncommitted(List.of(new VyreWriterState(dir.toString(), "part-a-0-", 2),
            new VyreWriterState(dir.resolve("gone").toString(), "part-c-0-", 0)), false);
        try (java.util.stream.Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(".part-a-0-1.inprogress",
                ".part-a-0-2.inprogress", "part-a-0-1", ".part-b-0-3.inprogress", ".part-a-0-x.inprogress");
        }
    }

    @Test
    void shouldNamePartFilesSoThatTheySortInTheOrderTheyWereWritten() {
        String second = VyreSinkWriter.prefix("j", 2, 0);
        String tenth = VyreSinkWriter.prefix("j", 10, 0);
        assertThat(second).isEqualTo("part-j-00002-0-");
        assertThat(second).isLessThan(tenth);
        assertThat(VyreSinkWriter.partName(second, 9)).isEqualTo("part-j-00002-0-000009")
            .isLessThan(VyreSinkWriter.partName(second, 10)).isLessThan(VyreSinkWriter.partName(tenth, 1));
    }

    @Test
    void shouldNumberPartFilesOnAfterARestoredStateOfTheSamePrefix() {
        String attemptZero = VyreSinkWriter.prefix("j", 2, 0);
        List<VyreWriterState> restored = List.of(new VyreWriterState("/out", attemptZero, 7),
            new VyreWriterState("/out", VyreSinkWriter.prefix("j", 3, 0), 40));
        assertThat(VyreSinkWriter.firstCounter(attemptZero, restored))
            .as("a new JobManager restarts attempt numbers: part 8 on, never a committed name").isEqualTo(7);
        assertThat(VyreSinkWriter.firstCounter(VyreSinkWriter.prefix("j", 2, 1), restored)).isZero();
        assertThat(VyreSinkWriter.firstCounter(attemptZero, List.of())).isZero();
    }

    @Test
    void shouldLookIntoTheBucketFoldersOnlyForASinkWithBuckets() throws Exception {
        // the writer's parts 1 and 2 were committed; 3 (bucket 2026-12-01) and 4 (bucket a/b) were opened after
        Path day = Files.createDirectories(dir.resolve("2026-12-01"));
        Path nested = Files.createDirectories(dir.resolve("a/b"));
        for (Path f : List.of(day.resolve(".part-a-0-2.inprogress"), day.resolve(".part-a-0-3.inprogress"),
            nested.resolve(".part-a-0-4.inprogress"))) {
            Files.writeString(f, "x\n");
        }
        List<VyreWriterState> state = List.of(new VyreWriterState(dir.toString(), "part-a-0-", 2));
        // without buckets, folders under the output folder are another sink's business: nothing there is touched
        VyreSinkWriter.deleteUncommitted(state, false);
        assertThat(day.resolve(".part-a-0-3.inprogress")).exists();
        assertThat(nested.resolve(".part-a-0-4.inprogress")).exists();
        VyreSinkWriter.deleteUncommitted(state, true);
        assertThat(day.resolve(".part-a-0-2.inprogress")).exists();
        assertThat(day.resolve(".part-a-0-3.inprogress")).doesNotExist();
        assertThat(nested.resolve(".part-a-0-4.inprogress")).doesNotExist();
    }

    @Test
    void shouldFailTheJobNamingTheFilesWhenACheckpointsRecordsAreGone() throws Exception {
        Path inProgress = dir.resolve(".part-b-0-1.inprogress");
        Path target = dir.resolve("part-b-0-1");
        Request lost = new Request(inProgress, target);
        try (VyreCommitter committer = new VyreCommitter()) {
            assertThatThrownBy(() -> committer.commit(List.of(lost))).isInstanceOf(IOException.class)
                .hasMessageContaining(inProgress.toString()).hasMessageContaining("lost")
                .hasMessageContaining("every task manager");
        }
        assertThat(lost.outcome).as("Flink only counts a known-reason failure; the job must fail").isEqualTo("committed");
    }
}
