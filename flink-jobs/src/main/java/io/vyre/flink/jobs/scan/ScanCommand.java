package io.vyre.flink.jobs.scan;

import io.vyre.flink.jobs.VyreJobs;
import io.vyre.flink.jobs.cli.CommonOptions;
import io.vyre.flink.jobs.cli.InputOptions;
import io.vyre.flink.jobs.cli.JobEnvironment;
import io.vyre.flink.jobs.cli.JobInputs;
import io.vyre.flink.jobs.cli.OutputOptions;
import io.vyre.flink.jobs.cli.ProgressReporter;
import io.vyre.flink.jobs.cli.ResultsOptions;
import io.vyre.flink.jobs.cli.RunStats;
import io.vyre.flink.program.VyrePrograms;
import io.vyre.flink.runtime.PipelineStages;
import io.vyre.flink.jobs.cli.UserError;
import io.vyre.runtime.backend.BackendKind;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.DetachedJobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scan}: every occurrence of every pattern in the inputs, exactly once, into part files. */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Finds every occurrence of every pattern (overlaps included) in files and writes one line per"
        + " occurrence, '<absolute path>\\t<byte offset>\\t<pattern id>', into part files under --output.",
        "The pattern id is the 0-based index among the patterns file's non-empty lines."})
public final class ScanCommand implements Callable<Integer> {
    private static final int SHOWN_PATTERNS = 20;

    @Mixin
    InputOptions input;

    @Mixin
    OutputOptions output;

    @Option(names = "--max-records-per-second", paramLabel = "N",
        description = "Emit at most N matches per second over all subtasks (default: unlimited).")
    long maxRecordsPerSecond;

    @Option(names = "--lanes", paramLabel = "N", description = "Chunks each source subtask keeps in flight"
        + " (default: ${DEFAULT-VALUE}): more overlap reading, the kernel and emitting, for more memory.")
    int lanes = 4;

    @Option(names = "--chunk-mib", paramLabel = "MIB", description = "Bytes per chunk, in MiB (default: ${DEFAULT-VALUE}).")
    int chunkMib = 4;

    @Option(names = "--warmup-runs", paramLabel = "N", description = "For benchmarks: run the job N times first,"
        + " into a scratch folder that is deleted, so that the reported run finds this JVM's compiler done, as in a"
        + " task manager that has been running for a while (default: ${DEFAULT-VALUE}; embedded cluster only).")
    int warmupRuns;

    @Option(names = "--demo", description = "Generate a sample of log files with planted indicators, scan it and"
        + " print what was found.")
    boolean demo;

    @Option(names = "--demo-megabytes", paramLabel = "MB", description = "Size of the --demo sample (default: ${DEFAULT-VALUE}).")
    int demoMegabytes = 256;

    @Mixin
    ResultsOptions measurements;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (maxRecordsPerSecond < 0) {
            throw new UserError("--max-records-per-second must be 0 (unlimited) or more, got " + maxRecordsPerSecond,
                VyreJobs.EXIT_USAGE, null);
        }
        if (lanes < 1 || lanes > 64) {
            throw new UserError("--lanes must be in [1, 64], got " + lanes, VyreJobs.EXIT_USAGE, null);
        }
        if (warmupRuns < 0 || warmupRuns > 10) {
            throw new UserError("--warmup-runs must be in [0, 10], got " + warmupRuns, VyreJobs.EXIT_USAGE, null);
        }
        if (chunkMib < 1 || chunkMib > 256) {
            throw new UserError("--chunk-mib must be in [1, 256], got " + chunkMib,
                VyreJobs.EXIT_USAGE, null);
        }
        boolean embedded = JobEnvironment.embedded();
        if (demo) {
            return demo(embedded);
        }
        List<String> paths = input.inputPaths(embedded);
        List<byte[]> patterns = JobInputs.patterns(input.patternsFile());
        Path out = output.folder(embedded, paths);
        return embedded ? scanHere(paths, patterns, out) : submit(paths, patterns, out);
    }

    /** On a cluster: the inputs and the output folder are the task managers' business. */
    private int submit(List<String> paths, List<byte[]> patterns, Path out) throws Exception {
        if (warmupRuns > 0) {
            throw new UserError("--warmup-runs is for the embedded cluster (a cluster's task managers keep their JVMs"
                + " warm between jobs): leave it out when submitting", VyreJobs.EXIT_USAGE, null);
        }
        StreamExecutionEnvironment env = JobEnvironment.createForVyreSources(common, new Configuration(), 0);
        ScanJob.define(env, jobSpec(paths, patterns, out));
        JobExecutionResult result = env.execute(jobName(patterns, paths.size() + " inputs"));
        PrintWriter stdout = spec.commandLine().getOut();
        if (result instanceof DetachedJobExecutionResult) {
            stdout.println("submitted job " + result.getJobID() + "; part files go to " + out);
        } else {
            stdout.printf(Locale.ROOT, "job %s finished in %.2f s; part files in %s%n", result.getJobID(),
                result.getNetRuntime() / 1000.0, out);
        }
        return VyreJobs.EXIT_OK;
    }

    /** On the embedded cluster: checks the backend, shows progress, and reports what was found. */
    private int scanHere(List<String> paths, List<byte[]> patterns, Path out) throws Exception {
        TreeMap<String, Long> files = JobInputs.files(paths);
        String backend = JobEnvironment.resolveBackend(common.backend, common.devices,
            List.of(VyrePrograms.scan(patterns, input.ignoreCase).program(0)), Path.of(files.firstKey()));
        long total = JobInputs.totalBytes(files);
        for (int run = 1; run <= warmupRuns; run++) {
            // beside the output (a temporary folder may be a small tmpfs), hidden
            Path scratch = Files.createTempDirectory(Files.createDirectories(out.toAbsolutePath().getParent()),
                ".vyre-scan-warmup");
            try {
                StreamExecutionEnvironment warm = JobEnvironment.createForVyreSources(common, new Configuration(),
                    JobEnvironment.defaultParallelism(backend, common));
                ScanJob.define(warm, jobSpec(paths, patterns, scratch.resolve("out")));
                double warmSeconds = warm.execute(jobName(patterns, files.size() + " files") + " (warm-up " + run + ")")
                    .getNetRuntime() / 1000.0;
                spec.commandLine().getErr().printf(Locale.ROOT, "warm-up run %d of %d: %.2f s%n", run, warmupRuns,
                    warmSeconds);
            } finally {
                FileUtils.deleteDirectoryQuietly(scratch.toFile());
            }
        }
        Set<Path> before = MatchCounts.partFiles(out);
        StreamExecutionEnvironment env = JobEnvironment.createForVyreSources(common,
            ProgressReporter.configuration(ScanJob.SOURCE_NAME, total), JobEnvironment.defaultParallelism(backend, common));
        ScanJob.define(env, jobSpec(paths, patterns, out));
        PipelineStages.resetTotals();
        RunStats stats = new RunStats();
        JobExecutionResult result = env.execute(jobName(patterns, files.size() + " files"));
        stats.stop();
        ProgressReporter.finishLine();
        PrintWriter stdout = spec.commandLine().getOut();
        double seconds = Math.max(1, result.getNetRuntime()) / 1000.0;
        stdout.printf(Locale.ROOT, "scanned %s in %d file%s with %d patterns on backend %s: %.2f s, %s/s%n",
            ProgressReporter.bytes(total), files.size(), files.size() == 1 ? "" : "s", patterns.size(), backend, seconds,
            ProgressReporter.bytes((long) (total / seconds)));
        if (common.verbose) {
            double streaming = PipelineStages.streamingSeconds();
            if (streaming > 0) {
                stdout.printf(Locale.ROOT, "streaming: %.2f s from the first chunk issued to the last done, %s/s"
                    + " (the rest of the job's time is start-up and commit)%n", streaming,
                    ProgressReporter.bytes((long) (total / streaming)));
            }
            stdout.print(PipelineStages.aroundTheStream());
            stdout.print(PipelineStages.summary());
            stdout.println(stats.describe());
        }
        MatchCounts counts = MatchCounts.read(out, before, patterns.size());
        stdout.printf(Locale.ROOT, "matches: %,d (part files in %s)%n", counts.total(), out);
        String engine = "vyre-" + (common.backend == BackendKind.AUTO ? "auto-" : "") + backend.split(" ")[0];
        measurements.append(String.join(",", paths), engine, patterns.size(), input.ignoreCase, env.getParallelism(),
            total, seconds, PipelineStages.streamingSeconds(), Double.NaN, stats.cpuSeconds(), counts.total());
        stdout.printf("  %4s  %12s  %s%n", "id", "occurrences", "pattern");
        List<Integer> shown = counts.shown(SHOWN_PATTERNS);
        for (int id : shown) {
            stdout.printf(Locale.ROOT, "  %4d  %,12d  %s%n", id, counts.of(id), printable(patterns.get(id)));
        }
        if (shown.size() < patterns.size()) {
            stdout.printf("  ... and %d more patterns%n", patterns.size() - shown.size());
        }
        return VyreJobs.EXIT_OK;
    }

    private ScanJob.Spec jobSpec(List<String> paths, List<byte[]> patterns, Path out) {
        return new ScanJob.Spec(paths, patterns, input.ignoreCase, out, common.backend, common.devices,
            maxRecordsPerSecond, lanes, chunkMib << 20);
    }

    private static String jobName(List<byte[]> patterns, String over) {
        return "vyre scan: " + patterns.size() + " patterns over " + over;
    }

    private int demo(boolean embedded) throws Exception {
        if (!embedded) {
            throw new UserError("--demo runs on the embedded cluster only (its sample is written to this machine's"
                + " temporary folder): start it with java -jar", VyreJobs.EXIT_USAGE, null);
        }
        if (input.given()) {
            throw new UserError("--demo generates its own input and patterns: drop --input and --patterns, or drop"
                + " --demo", VyreJobs.EXIT_USAGE, null);
        }
        if (demoMegabytes < 1) {
            throw new UserError("--demo-megabytes must be at least 1, got " + demoMegabytes, VyreJobs.EXIT_USAGE, null);
        }
        Path kept = output.given() ? output.folder(true, List.of()) : null;
        PrintWriter stdout = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("vyre-demo-");
        try {
            Path sample = work.resolve("logs");
            long t0 = System.nanoTime();
            DemoData.generate(sample, (long) demoMegabytes << 20);
            Path patternsPath = DemoData.writePatterns(work.resolve("indicators.txt"));
            stdout.printf(Locale.ROOT, "demo: generated %d MiB of sample logs with planted indicators in %s (%.1f s)%n",
                demoMegabytes, sample, (System.nanoTime() - t0) / 1e9);
            int code = scanHere(List.of(sample.toString()), JobInputs.patterns(patternsPath),
                kept != null ? kept : work.resolve("matches"));
            if (kept == null) {
                stdout.println("demo: the sample and its part files are removed now; pass --output DIR to keep the"
                    + " part files");
            }
            return code;
        } finally {
            FileUtils.deleteDirectory(work.toFile());
        }
    }

    private static String printable(byte[] pattern) {
        String s = new String(pattern, StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(48).forEach(c -> b.append(Character.isISOControl(c) ? '.' : Character.toString(c)));
        return s.length() > 48 ? b + "..." : b.toString();
    }
}
