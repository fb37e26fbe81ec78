package io.vyre.flink.jobs.scan;

import io.vyre.flink.jobs.VyreJobs;
import io.vyre.flink.jobs.cli.UserError;
import io.vyre.runtime.bytecode.PatternsConstant;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code generate}: writes the demo's sample logs and patterns files of several sizes into a folder, so a
 * benchmark scans the same bytes with each backend and parallelism (the data is seeded: the same arguments
 * always give the same files).
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Writes seeded sample logs (DIR/logs) and patterns files (DIR/patterns-N.txt) for benchmarks.")
public final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder to write into.")
    Path output;

    @Option(names = "--megabytes", defaultValue = "1024", paramLabel = "N", description = "MiB of logs (default 1024).")
    long megabytes;

    @Option(names = "--patterns", split = ",", defaultValue = "10,1000,10000", paramLabel = "SET[,SET...]",
        description = "Patterns files to write, DIR/patterns-SET.txt each (default 10,1000,10000): N is the demo's"
            + " 10 indicators then seeded random decoys, N patterns in all; feed-N the indicators then what a"
            + " threat-intelligence feed lists (IP addresses, domains, URLs, hashes); dense-N the indicators, six"
            + " words most log lines carry (about one occurrence per 100 bytes), then decoys. Decoys and a feed's"
            + " entries never occur in the logs.")
    List<String> patternSets;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (megabytes < 1) {
            throw new UserError("--megabytes must be at least 1, got " + megabytes, VyreJobs.EXIT_USAGE, null);
        }
        List<PatternsFile> files = patternSets.stream().map(PatternsFile::parse).toList();
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        DemoData.generate(output.resolve("logs"), megabytes << 20);
        out.printf(Locale.ROOT, "wrote %d MiB of logs to %s (%.1f s)%n", megabytes, output.resolve("logs"),
            (System.nanoTime() - t0) / 1e9);
        for (PatternsFile f : files) {
            out.println("wrote " + DemoData.writePatterns(output.resolve("patterns-" + f.name() + ".txt"), f.count(),
                f.set()));
        }
        return VyreJobs.EXIT_OK;
    }

    /** One {@code --patterns} entry, N, feed-N or dense-N: the file's name part, its kind and its pattern count. */
    private record PatternsFile(String name, DemoData.PatternSet set, int count) {
        private static final String FEED = "feed-";
        private static final String DENSE = "dense-";

        /** Parses and checks an entry (it names a file: plain digits only). */
        static PatternsFile parse(String entry) {
            if (!entry.matches("(" + FEED + "|" + DENSE + ")?(0|[1-9][0-9]{0,8})")) {
                throw new UserError("--patterns entries are N, feed-N or dense-N (N a pattern count), got '" + entry
                    + "'", VyreJobs.EXIT_USAGE, null);
            }
            DemoData.PatternSet set = entry.startsWith(FEED) ? DemoData.PatternSet.FEED
                : entry.startsWith(DENSE) ? DemoData.PatternSet.DENSE : DemoData.PatternSet.DECOYS;
            int n = Integer.parseInt(entry.substring(entry.indexOf('-') + 1));
            int least = set == DemoData.PatternSet.DENSE ? DemoData.INDICATORS.size() + DemoData.DENSE_TOKENS.size() : 1;
            if (n < least || n > PatternsConstant.MAX_PATTERNS) {
                throw new UserError("--patterns counts must be in [" + least + ", " + PatternsConstant.MAX_PATTERNS
                    + "]" + (least > 1 ? " for a dense set (the indicators and the frequent words come first)" : "")
                    + ", got '" + entry + "'", VyreJobs.EXIT_USAGE, null);
            }
            return new PatternsFile(entry, set, n);
        }
    }
}
