package io.vyre.flink.source.split;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.flink.source.enumerator.FileDiscovery;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputFilesTest {
    @Test
    void shouldTellLocalPathsFromOtherFileSystems() {
        assertThat(InputFiles.isLocal("/var/log/app.log")).isTrue();
        assertThat(InputFiles.isLocal("logs/app.log")).isTrue();
        assertThat(InputFiles.isLocal("file:///var/log/app.log")).isTrue();
        assertThat(InputFiles.isLocal("C:/logs/app.log")).as("a drive letter is no scheme").isTrue();
        assertThat(InputFiles.isLocal("/tmp/odd:name.log")).isTrue();
        assertThat(InputFiles.isLocal("s3://bucket/logs/")).isFalse();
        assertThat(InputFiles.isLocal("S3A://bucket/logs/")).isFalse();
        assertThat(InputFiles.isLocal("hdfs://namenode:8020/logs")).isFalse();
        assertThat(InputFiles.local("file:///var/log/app.log")).isEqualTo(Path.of("/var/log/app.log"));
    }

    @Test
    void shouldStreamCompressedAndRemoteFilesAsOneSplitEach() {
        assertThat(InputFiles.streamed("/var/log/app.log")).isFalse();
        assertThat(InputFiles.streamed("/var/log/app.log.gz")).isTrue();
        assertThat(InputFiles.streamed("s3://bucket/app.log")).isTrue();
        FileDiscovery discovery = new FileDiscovery(List.of("s3://bucket/"), 1000);
        assertThat(discovery.rangesOf("s3://bucket/app.log", 10_000)).singleElement()
            .satisfies(s -> assertThat(s.end()).isEqualTo(10_000));
        assertThat(discovery.rangesOf("/var/log/app.log", 10_000)).hasSize(10);
        assertThat(discovery.rangesOf("s3://bucket/empty.log", 0)).isEmpty();
    }
}
