package io.vyre.flink.jobs.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class InputFileBucketsTest {
    @Test
    void shouldNameEachFilesFolderByItsPathUnderTheDeepestInput() {
        InputFileBuckets buckets = new InputFileBuckets(List.of("/logs", "/logs/app", "/srv/one.log"));
        assertThat(buckets.bucketOf("/logs/db/db.log")).isEqualTo("db/db.log");
        assertThat(buckets.bucketOf("/logs/app/web.log")).as("the deeper of two inputs").isEqualTo("web.log");
        assertThat(buckets.bucketOf("/srv/one.log")).as("an input that is the file itself").isEqualTo("one.log");
        assertThat(buckets.bucketOf("/logsmore/x.log")).as("a sibling with a longer name is not under /logs")
            .isEqualTo("x.log");
    }
}
