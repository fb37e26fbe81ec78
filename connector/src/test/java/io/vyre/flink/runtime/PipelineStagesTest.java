package io.vyre.flink.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PipelineStagesTest {
    private static final long MS = 1_000_000L;
    private static final long MIB = 1L << 20;

    @AfterEach
    void forget() {
        PipelineStages.resetTotals();
    }

    @Test
    void shouldTellTheSteadyRateFromThePipelinesFillAndDrain() {
        PipelineStages.resetTotals();
        long t0 = 1_000_000_000L;
        PipelineStages first = new PipelineStages(new UnregisteredMetricsGroup(), t0 - 300 * MS);
        PipelineStages second = new PipelineStages(new UnregisteredMetricsGroup(), t0 - 200 * MS);
        first.chunkIssued(t0);
        second.chunkIssued(t0 + 40 * MS);
        // a slow fill (one 8 MiB chunk in the first 100 ms), then 64 MiB every 10 ms for a second, then a slow drain
        first.chunkDone(8 * MIB, t0, t0 + 50 * MS);
        for (int i = 0; i < 100; i++) {
            PipelineStages by = i % 2 == 0 ? first : second;
            by.chunkDone(64 * MIB, t0 + (100 + 10L * i) * MS - 5 * MS, t0 + (105 + 10L * i) * MS);
        }
        first.readerClosed(t0 + 1_100 * MS);
        second.chunkDone(8 * MIB, t0 + 1_150 * MS, t0 + 1_250 * MS);
        second.readerClosed(t0 + 1_400 * MS);

        String timeline = PipelineStages.timeline();

        assertThat(timeline).contains("chunks: 102, 62.90 MiB each on average, 11.27 ms from issued to done on average");
        assertThat(timeline).contains("subtasks: the last began issuing 40 ms after the first; the first was done 165 ms"
            + " before the last");
        // 64 MiB per 10 ms is 6.25 GiB/s, whatever the fill and drain took
        assertThat(timeline).contains("steady: 6.25 GiB/s");
        assertThat(timeline).contains("GiB/s per 100 ms: 0.1 6.3 6.3 6.3 6.3 6.3 6.3 6.3 6.3 6.3 6.3 0.0 0.1");
        assertThat(PipelineStages.streamingSeconds()).isEqualTo(1.25);
        assertThat(PipelineStages.aroundTheStream()).isEqualTo("around the stream: 0.30 s from the first Vyre"
            + " subtask's start to the first chunk, 0.15 s from the last chunk done to the last reader's close"
            + System.lineSeparator());
    }

    @Test
    void shouldSayWhenTheTimelineIsCutAndLeaveTheLaterBytesOutOfItsRates() {
        PipelineStages.resetTotals();
        long t0 = 3 * MS;
        PipelineStages stages = new PipelineStages(new UnregisteredMetricsGroup(), t0);
        stages.chunkIssued(t0);
        for (int i = 0; i < 100; i++) {
            stages.chunkDone(64 * MIB, t0 + 10L * i * MS, t0 + 10L * (i + 1) * MS);
        }
        stages.chunkDone(1L << 30, t0 + 130_000 * MS, t0 + 130_001 * MS);

        String timeline = PipelineStages.timeline();

        assertThat(timeline).contains("chunks: 101, 73.50 MiB each on average");
        assertThat(timeline).contains("steady: 6.25 GiB/s");
        assertThat(timeline).contains("the timeline is cut 120 s after the first subtask started: the rates above leave"
            + " out the 1.00 GiB done later");
    }

    @Test
    void shouldSayNothingOfATimelineBeforeAChunkIsDone() {
        PipelineStages.resetTotals();
        new PipelineStages(new UnregisteredMetricsGroup()).chunkIssued(5 * MS);

        assertThat(PipelineStages.timeline()).isEmpty();
        assertThat(PipelineStages.aroundTheStream()).isEmpty();
        assertThat(PipelineStages.summary()).startsWith("time per stage").doesNotContain("steady");
    }

    @Test
    void shouldCountALongJobInAtMostFortyPeriods() {
        PipelineStages.resetTotals();
        long t0 = 7 * MS;
        PipelineStages stages = new PipelineStages(new UnregisteredMetricsGroup(), t0);
        stages.chunkIssued(t0);
        for (int s = 0; s < 60; s++) {
            stages.chunkDone(MIB, t0 + s * 1_000 * MS, t0 + s * 1_000 * MS + MS);
        }

        String perPeriod = PipelineStages.timeline().lines().filter(l -> l.startsWith("GiB/s per")).findFirst()
            .orElseThrow();

        assertThat(perPeriod).startsWith("GiB/s per 1480 ms:");
        assertThat(perPeriod.split(": ")[1].split(" ")).hasSizeLessThanOrEqualTo(40);
    }
}
