package io.vyre.flink.jobs.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.metrics.reporter.Scheduled;

/**
 * A Flink metric reporter for the embedded cluster that turns the Vyre source's {@code numBytesIn}
 * counters into a progress line on the terminal: bytes scanned of the total, rate and ETA. On a terminal
 * the line redraws in place every second; otherwise (a log, a pipe) a line is printed every five seconds.
 */
public final class ProgressReporter implements MetricReporter, Scheduled {
    static final String NAME = "vyre_progress";
    private static final String TOTAL_BYTES = "total-bytes";
    private static final String SOURCE = "source";

    /** Per subtask index: its current counter, and the most it ever reported (kept across restarts). */
    /** A progress line drawn with a carriage return and not yet ended (one JVM prints one progress line). */
    private static final AtomicBoolean LINE_OPEN = new AtomicBoolean();

    private final Map<String, Counter> bytesIn = new ConcurrentHashMap<>();
    private final Map<String, Long> peak = new ConcurrentHashMap<>();
    private final PrintStream out = System.err;
    private final boolean terminal = System.console() != null;
    private long totalBytes;
    private String source;
    private long startNanos;
    private long reports;

    /** The configuration that installs the reporter for {@code totalBytes} read by the operator {@code source}. */
    public static Configuration configuration(String source, long totalBytes) {
        Configuration conf = new Configuration();
        String prefix = "metrics.reporter." + NAME + ".";
        conf.setString(prefix + "factory.class", Factory.class.getName());
        conf.setString(prefix + "interval", "1 s");
        conf.setString(prefix + TOTAL_BYTES, Long.toString(totalBytes));
        conf.setString(prefix + SOURCE, source);
        return conf;
    }

    @Override
    public void open(MetricConfig config) {
        totalBytes = config.getLong(TOTAL_BYTES, 0);
        source = config.getString(SOURCE, "");
        startNanos = System.nanoTime();
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if ("numBytesIn".equals(name) && metric instanceof Counter
            && group.getAllVariables().getOrDefault("<operator_name>", "").endsWith(source)) {
            bytesIn.put(group.getAllVariables().getOrDefault("<subtask_index>", "0"), (Counter) metric);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // a restarted subtask counts again from zero: its peak stays, so the line never runs backwards
    }

    @Override
    public void report() {
        reports++;
        if (!terminal && reports % 5 != 0) {
            return;
        }
        long done = 0;
        for (Map.Entry<String, Counter> e : bytesIn.entrySet()) {
            done += peak.merge(e.getKey(), e.getValue().getCount(), Math::max);
        }
        done = Math.min(done, totalBytes);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.print((terminal ? "\r" : "") + line(done, totalBytes, seconds) + (terminal ? "   " : "\n"));
        out.flush();
        LINE_OPEN.set(terminal);
    }

    static String line(long done, long total, double seconds) {
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 && done < total ? clock((total - done) / rate) : "--:--";
        int percent = total > 0 ? (int) (100 * done / total) : 100;
        return String.format(Locale.ROOT, "scanned %s / %s (%d%%)  %s/s  ETA %s", bytes(done), bytes(total), percent,
            bytes((long) rate), eta);
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** 1,536 → "1.5 KiB". */
    public static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    @Override
    public void close() {
        finishLine();
    }

    /** Ends a progress line still open on the terminal, so that what is printed next starts a line of its own. */
    public static void finishLine() {
        if (LINE_OPEN.getAndSet(false)) {
            System.err.println();
        }
    }

    /** Installed through {@code metrics.reporter.vyre_progress.factory.class}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new ProgressReporter();
        }
    }
}
