package io.vyre.flink.runtime;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * Where a subtask's time goes, stage by stage, so the bottleneck of a pipeline is measured rather than
 * guessed: each reader and writer adds the wall time it spends in each stage, exposed as metrics
 * ({@code vyre.stage<Name>Millis}) and summed over the JVM for the jobs' {@code --verbose} summary on the
 * embedded cluster.
 */
@Internal
public final class PipelineStages {
    /** The stages of the scan pipeline, in data order. */
    public enum Stage {
        SOURCE_ISSUE("sourceIssue", "source: waiting for a free lane and publishing chunks"),
        SOURCE_KERNEL("sourceKernel", "source: waiting for the kernel (read, copy, scan)"),
        SOURCE_DECODE("sourceDecode", "source: turning results into records"),
        SINK_ENCODE("sinkEncode", "sink: encoding records into chunks"),
        SINK_KERNEL("sinkKernel", "sink: waiting for the kernel's writes and fences");

        private final String metric;
        private final String meaning;

        Stage(String metric, String meaning) {
            this.metric = metric;
            this.meaning = meaning;
        }
    }

    private static final LongAdder[] TOTALS = new LongAdder[Stage.values().length];
    /** JVM-wide: when the first chunk was issued and the last one done (System.nanoTime; 0 = none yet). */
    private static final AtomicLong FIRST_ISSUED = new AtomicLong();
    private static final AtomicLong LAST_DONE = new AtomicLong();

    static {
        for (int i = 0; i < TOTALS.length; i++) {
            TOTALS[i] = new LongAdder();
        }
    }

    private final LongAdder[] own = new LongAdder[Stage.values().length];

    public PipelineStages(MetricGroup vyreGroup) {
        for (Stage s : Stage.values()) {
            LongAdder adder = new LongAdder();
            own[s.ordinal()] = adder;
            vyreGroup.gauge("stage" + Character.toUpperCase(s.metric.charAt(0)) + s.metric.substring(1) + "Millis",
                (Gauge<Long>) () -> adder.sum() / 1_000_000);
        }
    }

    /** Adds the time since {@code startNanos} to {@code stage}; returns now, to chain stages. */
    public long since(Stage stage, long startNanos) {
        long now = System.nanoTime();
        add(stage, now - startNanos);
        return now;
    }

    /** Adds {@code nanos} measured elsewhere (summed per chunk by a caller that times every record) to {@code stage}. */
    public void add(Stage stage, long nanos) {
        if (nanos > 0) {
            own[stage.ordinal()].add(nanos);
            TOTALS[stage.ordinal()].add(nanos);
        }
    }

    /** A chunk was issued to the kernel now. */
    public static void chunkIssued() {
        FIRST_ISSUED.compareAndSet(0, System.nanoTime());
    }

    /** A chunk's result came back now. */
    public static void chunkDone() {
        LAST_DONE.accumulateAndGet(System.nanoTime(), Math::max);
    }

    /** Forgets the JVM-wide sums (before a job whose summary is wanted). */
    public static void resetTotals() {
        for (LongAdder a : TOTALS) {
            a.reset();
        }
        FIRST_ISSUED.set(0);
        LAST_DONE.set(0);
    }

    /** Seconds from the first chunk issued to the last one done, JVM-wide (the job minus its start and end). */
    public static double streamingSeconds() {
        long first = FIRST_ISSUED.get();
        long last = LAST_DONE.get();
        return first == 0 || last <= first ? 0 : (last - first) / 1e9;
    }

    /** The JVM-wide sums, one line per stage: seconds summed over subtasks, and the share of the whole. */
    public static String summary() {
        long all = 0;
        for (LongAdder a : TOTALS) {
            all += a.sum();
        }
        StringBuilder b = new StringBuilder("time per stage, summed over subtasks:\n");
        for (Stage s : Stage.values()) {
            long n = TOTALS[s.ordinal()].sum();
            b.append(String.format(Locale.ROOT, "  %-14s %9.2f s  %5.1f%%  %s%n", s.metric, n / 1e9,
                all > 0 ? 100.0 * n / all : 0.0, s.meaning));
        }
        return b.toString();
    }
}
