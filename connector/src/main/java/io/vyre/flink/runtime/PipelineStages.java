package io.vyre.flink.runtime;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
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
    /**
     * JVM-wide: the bytes of the chunks done in each {@link #BUCKET_NANOS} since the first subtask started (a
     * fixed origin), so the summary tells the steady rate from the pipeline's fill and drain; what is done after
     * the last bucket (two minutes) is only counted, and the summary says the timeline is cut.
     */
    static final long BUCKET_NANOS = 10_000_000L;
    private static final AtomicLongArray DONE_BYTES = new AtomicLongArray(12_000);
    private static final LongAdder LATER_BYTES = new LongAdder();
    private static final LongAdder BYTES = new LongAdder();
    private static final LongAdder CHUNKS = new LongAdder();
    private static final LongAdder ROUND_TRIP_NANOS = new LongAdder();
    /** JVM-wide: the latest first chunk of any subtask and the earliest last chunk, to show how the subtasks overlap. */
    private static final AtomicLong LATEST_START = new AtomicLong();
    private static final AtomicLong EARLIEST_END = new AtomicLong(Long.MAX_VALUE);
    /** JVM-wide: when the first subtask's stages were created (the timeline's origin); when the last reader closed. */
    private static final AtomicLong FIRST_STARTED = new AtomicLong();
    private static final AtomicLong LAST_CLOSED = new AtomicLong();

    static {
        for (int i = 0; i < TOTALS.length; i++) {
            TOTALS[i] = new LongAdder();
        }
    }

    private final LongAdder[] own = new LongAdder[Stage.values().length];
    private long firstIssued;
    private long lastDone;

    public PipelineStages(MetricGroup vyreGroup) {
        this(vyreGroup, System.nanoTime());
    }

    PipelineStages(MetricGroup vyreGroup, long startedNanos) {
        FIRST_STARTED.compareAndSet(0, startedNanos);
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

    /** This subtask's reader thread issued chunks to the kernel, beginning at {@code now} (System.nanoTime). */
    public void chunkIssued(long now) {
        if (firstIssued == 0) {
            firstIssued = now;
            FIRST_ISSUED.accumulateAndGet(now, (first, t) -> first == 0 ? t : Math.min(first, t));
            LATEST_START.accumulateAndGet(now, Math::max);
        }
    }

    /** A chunk of {@code bytes}, issued at {@code issuedNanos}, came back now (on the reader thread). */
    public void chunkDone(long bytes, long issuedNanos) {
        chunkDone(bytes, issuedNanos, System.nanoTime());
    }

    void chunkDone(long bytes, long issuedNanos, long now) {
        LAST_DONE.accumulateAndGet(now, Math::max);
        lastDone = now;
        CHUNKS.increment();
        BYTES.add(bytes);
        ROUND_TRIP_NANOS.add(now - issuedNanos);
        long bucket = Math.max(0, (now - FIRST_STARTED.get()) / BUCKET_NANOS);
        if (bucket < DONE_BYTES.length()) {
            DONE_BYTES.addAndGet((int) bucket, bytes);
        } else {
            LATER_BYTES.add(bytes);
        }
    }

    /** This subtask read its last chunk (its reader closes): the JVM-wide overlap of the subtasks ends no later. */
    public void readerClosed() {
        readerClosed(System.nanoTime());
    }

    void readerClosed(long now) {
        LAST_CLOSED.accumulateAndGet(now, Math::max);
        if (lastDone != 0) {
            EARLIEST_END.accumulateAndGet(lastDone, Math::min);
        }
    }

    /** Forgets the JVM-wide sums (before a job whose summary is wanted). */
    public static void resetTotals() {
        for (LongAdder a : TOTALS) {
            a.reset();
        }
        FIRST_ISSUED.set(0);
        LAST_DONE.set(0);
        for (int i = 0; i < DONE_BYTES.length(); i++) {
            DONE_BYTES.set(i, 0);
        }
        CHUNKS.reset();
        BYTES.reset();
        LATER_BYTES.reset();
        ROUND_TRIP_NANOS.reset();
        LATEST_START.set(0);
        EARLIEST_END.set(Long.MAX_VALUE);
        FIRST_STARTED.set(0);
        LAST_CLOSED.set(0);
    }

    /** Seconds from the first chunk issued to the last one done, JVM-wide (the job minus its start and end). */
    public static double streamingSeconds() {
        long first = FIRST_ISSUED.get();
        long last = LAST_DONE.get();
        return first == 0 || last <= first ? 0 : (last - first) / 1e9;
    }

    /**
     * Where the time went around the stream: from the first Vyre subtask's start (its reader or writer created)
     * to the first chunk issued (opening the runtime, the tenants and their lanes, loading the programs), and
     * from the last chunk done to the last reader's close; empty without chunks.
     */
    public static String aroundTheStream() {
        long started = FIRST_STARTED.get();
        long first = FIRST_ISSUED.get();
        long last = LAST_DONE.get();
        long closed = LAST_CLOSED.get();
        if (started == 0 || first == 0 || last < first) {
            return "";
        }
        return String.format(Locale.ROOT, "around the stream: %.2f s from the first Vyre subtask's start to the first"
            + " chunk, %s%n", (first - started) / 1e9, closed < last ? "no reader closed yet"
            : String.format(Locale.ROOT, "%.2f s from the last chunk done to the last reader's close", (closed - last)
            / 1e9));
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
        return b.append(timeline()).toString();
    }

    /**
     * The chunks' round trip, how the subtasks overlapped, the rate between 10% and 90% of the bytes (the steady
     * state, without the pipeline's fill and drain) and the rate per 100 ms; empty before any chunk is done.
     */
    static String timeline() {
        long chunks = CHUNKS.sum();
        long first = FIRST_ISSUED.get();
        if (chunks == 0 || first == 0) {
            return "";
        }
        // the buckets from the one the first chunk was issued in
        int start = (int) Math.min(DONE_BYTES.length(), Math.max(0, (first - FIRST_STARTED.get()) / BUCKET_NANOS));
        long[] bytes = new long[DONE_BYTES.length() - start];
        long total = 0;
        int used = 0;
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = DONE_BYTES.get(start + i);
            total += bytes[i];
            if (bytes[i] != 0) {
                used = i + 1;
            }
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
            "chunks: %,d, %.2f MiB each on average, %.2f ms from issued to done on average%n", chunks,
            BYTES.sum() / (double) chunks / (1 << 20), ROUND_TRIP_NANOS.sum() / (double) chunks / 1e6));
        long latestStart = LATEST_START.get();
        long earliestEnd = EARLIEST_END.get();
        if (latestStart != 0) {
            b.append(String.format(Locale.ROOT, "subtasks: the last began issuing %.0f ms after the first", (latestStart
                - first) / 1e6));
            if (earliestEnd != Long.MAX_VALUE) {
                b.append(String.format(Locale.ROOT, "; the first was done %.0f ms before the last",
                    (LAST_DONE.get() - earliestEnd) / 1e6));
            }
            b.append(String.format("%n"));
        }
        int from = bucketReaching(bytes, total / 10);
        int to = bucketReaching(bytes, total - total / 10);
        if (to > from) {
            long between = 0;
            for (int i = from + 1; i <= to; i++) {
                between += bytes[i];
            }
            b.append(String.format(Locale.ROOT, "steady: %.2f GiB/s from %.2f s to %.2f s (10%% to 90%% of the bytes)%n",
                between / ((to - from) * BUCKET_NANOS / 1e9) / (1L << 30), (from + 1) * BUCKET_NANOS / 1e9,
                (to + 1) * BUCKET_NANOS / 1e9));
        }
        // at most 40 figures: per 100 ms, or per longer periods in a long job
        int per = (int) Math.max(100_000_000L / BUCKET_NANOS, (used + 39) / 40);
        b.append(String.format(Locale.ROOT, "GiB/s per %d ms:", per * BUCKET_NANOS / 1_000_000));
        for (int i = 0; i < used; i += per) {
            long sum = 0;
            for (int k = i; k < Math.min(used, i + per); k++) {
                sum += bytes[k];
            }
            b.append(String.format(Locale.ROOT, " %.1f", sum / (per * BUCKET_NANOS / 1e9) / (1L << 30)));
        }
        b.append(String.format("%n"));
        long later = LATER_BYTES.sum();
        if (later > 0) {
            b.append(String.format(Locale.ROOT, "the timeline is cut %.0f s after the first subtask started: the rates"
                + " above leave out the %.2f GiB done later%n", DONE_BYTES.length() * BUCKET_NANOS / 1e9,
                later / (double) (1L << 30)));
        }
        return b.toString();
    }

    /** The first bucket by whose end at least {@code target} bytes were done. */
    private static int bucketReaching(long[] bytes, long target) {
        long sum = 0;
        for (int i = 0; i < bytes.length; i++) {
            sum += bytes[i];
            if (sum >= target) {
                return i;
            }
        }
        return bytes.length - 1;
    }
}
