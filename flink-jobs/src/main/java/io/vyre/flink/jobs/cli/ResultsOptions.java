package io.vyre.flink.jobs.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a benchmark run appends its row of measurements ({@link RunStats}), and under which label. */
public final class ResultsOptions {
    @Option(names = "--results", paramLabel = "FILE", description = "Append a row of measurements to this file.")
    Path results;

    @Option(names = "--label", paramLabel = "TEXT", description = "The results row's label (default: the input).")
    String label;

    /** Appends the row when --results was given; the label defaults to {@code input}. */
    public void append(String input, String engine, int patterns, boolean ignoreCase, int subtasks, long bytes,
                       double jobSeconds, double streamingSeconds, double compileSeconds, double cpuSeconds,
                       long occurrences) {
        if (results != null) {
            RunStats.append(results, label != null ? label : input, engine, patterns, ignoreCase, subtasks, bytes,
                jobSeconds, streamingSeconds, compileSeconds, cpuSeconds, occurrences);
        }
    }
}
