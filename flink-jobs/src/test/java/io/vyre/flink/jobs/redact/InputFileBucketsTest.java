package io.vyre.flink.jobs.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class InputFileBucketsTest {
    @Test
    void shouldGiveEachInputFileAFolderOfItsOwnNamedByItsPath() {
        InputFileBuckets two = new InputFileBuckets(List.of("/var/log/nginx", "/var/log/apache"));
        assertThat(two.bucketOf("/var/log/nginx/access.log")).isEqualTo("nginx/access.log");
        assertThat(two.bucketOf("/var/log/apache/access.log")).as("the same name under another input")
            .isEqualTo("apache/access.log");
        InputFileBuckets files = new InputFileBuckets(List.of("/a/app.log", "/b/app.log"));
        assertThat(files.bucketOf("/a/app.log")).isEqualTo("a/app.log");
        assertThat(files.bucketOf("/b/app.log")).isEqualTo("b/app.log");
        InputFileBuckets one = new InputFileBuckets(List.of("/srv/logs"));
        assertThat(one.bucketOf("/srv/logs/db/db.log")).isEqualTo("logs/db/db.log");
        assertThat(new InputFileBuckets(List.of("/srv/one.log")).bucketOf("/srv/one.log")).isEqualTo("one.log");
        assertThatThrownBy(() -> one.bucketOf("/elsewhere/x.log")).hasMessageContaining("outside the inputs");
    }
}
