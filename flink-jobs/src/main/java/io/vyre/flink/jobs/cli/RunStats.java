package io.vyre.flink.jobs.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * What a benchmark run cost the host: the CPU time of this process (the embedded cluster, or the baseline's
 * threads) over the run's wall time, i.e. host cores busy on average; and one row of the machine-readable
 * results file ({@code --results FILE}, tab-separated, header written with the first row) that {@code
 * report} turns into tables and plots.
 */
public final class RunStats {
    /** The results file's columns. */
    public static final String HEADER = "label\tengine\tpatterns\tignore_case\tsubtasks\tbytes\tjob_s\tstreaming_s"
        + "\tcompile_s\tcpu_core_s\toccurrences";

    private final long cpuStart = cpuNanos();
    private final long wallStart = System.nanoTime();
    private long cpu = -1;
    private long wall;

    /** Stops the clock. */
    public RunStats stop() {
        cpu = cpuNanos() - cpuStart;
        wall = System.nanoTime() - wallStart;
        return this;
    }

    public double cpuSeconds() {
        return cpu / 1e9;
    }

    /** Host cores this process kept busy on average, or NaN where the JVM cannot say. */
    public double coresBusy() {
        return cpu < 0 || wall <= 0 ? Double.NaN : (double) cpu / wall;
    }

    /** One line for people: {@code cpu: 41.2 core-seconds, 7.9 cores busy on average}. */
    public String describe() {
        return String.format(Locale.ROOT, "cpu: %.1f core-seconds, %.1f cores busy on average", cpuSeconds(), coresBusy());
    }

    /** Appends one row to {@code file} (creating it with the header). */
    public static void append(Path file, String label, String engine, int patterns, boolean ignoreCase, int subtasks,
                              long bytes, double jobSeconds, double streamingSeconds, double compileSeconds,
                              double cpuSeconds, long occurrences) {
        String row = String.join("\t", label, engine, Integer.toString(patterns), Boolean.toString(ignoreCase),
            Integer.toString(subtasks), Long.toString(bytes), num(jobSeconds), num(streamingSeconds), num(compileSeconds),
            num(cpuSeconds), Long.toString(occurrences)) + "\n";
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            boolean fresh = !Files.exists(file) || Files.size(file) == 0;
            Files.writeString(file, (fresh ? HEADER + "\n" : "") + row, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the results file " + file + ": " + e.getMessage(), e);
        }
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static long cpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
