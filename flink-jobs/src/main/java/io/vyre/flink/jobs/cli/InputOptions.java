package io.vyre.flink.jobs.cli;

import io.vyre.flink.jobs.VyreJobs;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** What to read and what to look for: the options every job over files and patterns takes. */
public final class InputOptions {
    @Option(names = "--input", paramLabel = "PATH", description = "A file or folder to read (repeatable).")
    List<Path> inputs;

    @Option(names = "--patterns", paramLabel = "FILE", description = "Patterns, one per line (bytes, UTF-8 text).")
    Path patternsFile;

    @Option(names = "--ignore-case", description = "Match ASCII letters regardless of case.")
    public boolean ignoreCase;

    /** The inputs as absolute paths; when {@code local} (embedded cluster), each checked to exist. */
    public List<String> inputPaths(boolean local) {
        return JobInputs.inputs(inputs, local);
    }

    /** True when --input or --patterns was given. */
    public boolean given() {
        return (inputs != null && !inputs.isEmpty()) || patternsFile != null;
    }

    /** The patterns file, which must have been given. */
    public Path patternsFile() {
        if (patternsFile == null) {
            throw new UserError("no patterns: pass --patterns FILE (one pattern per line)", VyreJobs.EXIT_USAGE, null);
        }
        return patternsFile.toAbsolutePath().normalize();
    }
}
