package io.vyre.flink.jobs.peers;

import io.vyre.flink.jobs.VyreJobs;
import io.vyre.flink.jobs.cli.CommonOptions;
import io.vyre.flink.jobs.cli.InputOptions;
import io.vyre.flink.jobs.cli.JobEnvironment;
import io.vyre.flink.jobs.cli.JobInputs;
import io.vyre.flink.jobs.cli.OutputOptions;
import io.vyre.flink.jobs.cli.ProgressReporter;
import io.vyre.flink.jobs.cli.ResultsOptions;
import io.vyre.flink.jobs.cli.RunStats;
import io.vyre.flink.jobs.cli.UserError;
import io.vyre.flink.jobs.scan.MatchCounts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code peer}: the scan job's work done the way a Flink user would without this project: Flink's FileSource
 * with a CPU engine in its format and Flink's FileSink, on the embedded cluster. Same inputs, same output lines
 * as {@code scan}, so the two are compared for identical output and for speed in one run.
 */
@Command(name = "peer", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Scans like 'scan' with Flink's FileSource and FileSink and a CPU engine instead of the megakernel:"
        + " the peer 'scan' is measured against.")
public final class PeerCommand implements Callable<Integer> {
    @Option(names = "--engine", paramLabel = "vectorscan|ahocorasick", required = true,
        description = "vectorscan (Vectorscan 5.4.11, literal API) or ahocorasick (org.ahocorasick 0.6.3).")
    String engine;

    @Mixin
    InputOptions input;

    @Mixin
    OutputOptions output;

    @Option(names = "--chunk-mib", paramLabel = "MIB", description = "Bytes per read (default: ${DEFAULT-VALUE}).")
    int chunkMib = 4;

    @Mixin
    ResultsOptions measurements;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!JobEnvironment.embedded()) {
            throw new UserError("peer runs on the embedded cluster only: start it with java -jar", VyreJobs.EXIT_USAGE,
                null);
        }
        if (chunkMib < 1 || chunkMib > 1024) {
            throw new UserError("--chunk-mib must be in [1, 1024], got " + chunkMib, VyreJobs.EXIT_USAGE, null);
        }
        PeerEngine peer;
        try {
            peer = PeerEngine.parse(engine);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), VyreJobs.EXIT_USAGE, null);
        }
        List<String> paths = input.inputPaths(true);
        List<byte[]> patterns = JobInputs.patterns(input.patternsFile());
        Path out = output.folder(true, paths);
        TreeMap<String, Long> files = JobInputs.files(paths);
        long total = JobInputs.totalBytes(files);
        PrintWriter stdout = spec.commandLine().getOut();

        long t0 = System.nanoTime();
        try {
            peer.compiled(patterns, input.ignoreCase);  // once per JVM: the job's subtasks reuse it
        } catch (RuntimeException e) {
            throw new UserError("the " + engine + " peer cannot compile the patterns: " + e.getMessage(),
                VyreJobs.EXIT_FAILED, e);
        }
        double compile = (System.nanoTime() - t0) / 1e9;
        stdout.printf(Locale.ROOT, "compiled %,d patterns for %s in %.2f s (before the job)%n", patterns.size(),
            peer.name().toLowerCase(Locale.ROOT), compile);

        int subtasks = common.parallelism != null ? JobEnvironment.checkedParallelism(common)
            : Runtime.getRuntime().availableProcessors();
        StreamExecutionEnvironment env = JobEnvironment.create(common,
            ProgressReporter.configuration(PeerJob.SOURCE_NAME, total), subtasks);
        PeerJob.define(env, new PeerJob.Spec(peer, paths, patterns, input.ignoreCase, out, chunkMib << 20));
        Set<Path> before = MatchCounts.partFiles(out);
        RunStats stats = new RunStats();
        JobExecutionResult result = env.execute("peer scan (" + engine + "): " + patterns.size() + " patterns over "
            + files.size() + " files");
        stats.stop();
        ProgressReporter.finishLine();
        double seconds = Math.max(1, result.getNetRuntime()) / 1000.0;
        stdout.printf(Locale.ROOT, "scanned %s in %d file%s with %d patterns on peer %s (FileSource, FileSink): %.2f s,"
                + " %s/s%n", ProgressReporter.bytes(total), files.size(), files.size() == 1 ? "" : "s", patterns.size(),
            peer.name().toLowerCase(Locale.ROOT), seconds, ProgressReporter.bytes((long) (total / seconds)));
        stdout.println(stats.describe());
        MatchCounts counts = MatchCounts.read(out, before, patterns.size());
        stdout.printf(Locale.ROOT, "matches: %,d (part files in %s)%n", counts.total(), out);
        measurements.append(String.join(",", paths), "flink-" + engine.toLowerCase(Locale.ROOT), patterns.size(),
            input.ignoreCase, subtasks, total, seconds, Double.NaN, compile, stats.cpuSeconds(), counts.total());
        return VyreJobs.EXIT_OK;
    }
}
