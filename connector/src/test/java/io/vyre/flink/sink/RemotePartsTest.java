package io.vyre.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemotePartsTest {
    @TempDir
    Path root;

    @Test
    void shouldStageEachSinkSubtaskAndAttemptInAFolderOfItsOwn() {
        String staging = root.toString();
        Path a = RemoteParts.staging(staging, "s3://b/x", "job", 0, 0);
        assertThat(a).startsWithRaw(root.resolve("vyre-sink-staging").resolve("job"));
        assertThat(RemoteParts.staging(staging, "s3://b/x", "job", 0, 0)).isEqualTo(a);
        assertThat(RemoteParts.staging(staging, "s3://b/y", "job", 0, 0)).as("another sink of the job").isNotEqualTo(a);
        assertThat(RemoteParts.staging(staging, "s3://b/x", "job", 1, 0)).as("another subtask").isNotEqualTo(a);
        assertThat(RemoteParts.staging(staging, "s3://b/x", "job", 0, 1)).as("another attempt").isNotEqualTo(a);
        assertThat(RemoteParts.isRemote("s3://b/x")).isTrue();
        assertThat(RemoteParts.isRemote("/out")).isFalse();
        assertThat(RemoteParts.isRemote("file:///out")).isFalse();
    }

    @Test
    void shouldDeleteOnlyTheEarlierAttemptsOfItsOwnSinkAndSubtask() throws Exception {
        String staging = root.toString();
        Path old = Files.createDirectories(RemoteParts.staging(staging, "s3://b/x", "job", 3, 0));
        Files.writeString(old.resolve(".part-job-00003-0-000002.inprogress"), "left by a task manager that died");
        Path otherSubtask = Files.createDirectories(RemoteParts.staging(staging, "s3://b/x", "job", 4, 0));
        Path otherSink = Files.createDirectories(RemoteParts.staging(staging, "s3://b/y", "job", 3, 0));
        Path own = Files.createDirectories(RemoteParts.staging(staging, "s3://b/x", "job", 3, 1));

        RemoteParts.deleteEarlierAttempts(staging, "s3://b/x", "job", 3, 1);

        assertThat(old).doesNotExist();
        assertThat(otherSubtask).exists();
        assertThat(otherSink).exists();
        assertThat(own).exists();
    }
}
