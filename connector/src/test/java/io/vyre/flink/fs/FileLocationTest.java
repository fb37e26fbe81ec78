package io.vyre.flink.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FileLocationTest {
    @Test
    void shouldTellLocalPathsFromOtherFileSystems() {
        assertThat(FileLocation.isLocal("/var/log/app.log")).isTrue();
        assertThat(FileLocation.isLocal("logs/app.log")).isTrue();
        assertThat(FileLocation.isLocal("app:1.log")).as("a colon in a name is no scheme").isTrue();
        assertThat(FileLocation.isLocal("C:/logs/app.log")).as("a drive letter is no scheme").isTrue();
        assertThat(FileLocation.isLocal("/tmp/odd:name.log")).isTrue();
        assertThat(FileLocation.isLocal("file:///var/log/app.log")).isTrue();
        assertThat(FileLocation.isLocal("file:/my dir/app.log")).isTrue();
        assertThat(FileLocation.isLocal("s3://bucket/logs/")).isFalse();
        assertThat(FileLocation.isLocal("s3://logs/in/app 2024 [a] 100%.log")).as("names are not URI-escaped").isFalse();
        assertThat(FileLocation.isLocal("S3A://bucket/logs/")).isFalse();
        assertThat(FileLocation.isLocal("hdfs://namenode:8020/logs")).isFalse();
        assertThat(FileLocation.scheme("HDFS://namenode/logs")).isEqualTo("hdfs");
    }

    @Test
    void shouldGiveTheLocalPathOfAFileUri() {
        assertThat(FileLocation.localPath("file:///var/log/app.log")).isEqualTo(Path.of("/var/log/app.log"));
        assertThat(FileLocation.localPath("file:/my dir/app.log")).isEqualTo(Path.of("/my dir/app.log"));
        assertThat(FileLocation.localPath("file://localhost/var/log")).isEqualTo(Path.of("/var/log"));
        assertThat(FileLocation.localPath("/var/log")).isEqualTo(Path.of("/var/log"));
        assertThatThrownBy(() -> FileLocation.localPath("s3://bucket/x")).hasMessageContaining("not on the local");
    }
}
