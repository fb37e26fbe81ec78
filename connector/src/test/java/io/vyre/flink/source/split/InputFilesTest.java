package io.vyre.flink.source.split;

import static org.assertj.core.api.Assertions.assertThat;

import io.vyre.flink.source.enumerator.FileDiscovery;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputFilesTest {
    @Test
    void shouldStreamCompressedAndRemoteFilesAsOneSplitEach() {
        assertThat(InputFiles.streamed("/var/log/app.log")).isFalse();
        assertThat(InputFiles.streamed("/var/log/app.log.gz")).isTrue();
        assertThat(InputFiles.streamed("s3://bucket/app.log")).isTrue();
        assertThat(InputFiles.streamed("s3://bucket/app 2024.log")).isTrue();
        assertThat(InputFiles.streamed("file:///var/log/app.log")).isFalse();
        FileDiscovery discovery = new FileDiscovery(List.of("s3://bucket/"), 1000);
        assertThat(discovery.rangesOf("s3://bucket/app.log", 10_000)).singleElement()
            .satisfies(s -> assertThat(s.end()).isEqualTo(10_000));
        assertThat(discovery.rangesOf("/var/log/app.log", 10_000)).hasSize(10);
        assertThat(discovery.rangesOf("s3://bucket/empty.log", 0)).isEmpty();
    }
}
