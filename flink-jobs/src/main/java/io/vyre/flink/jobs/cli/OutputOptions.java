package io.vyre.flink.jobs.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * Where the part files go, and what happens to the files of an earlier run there: a folder that already holds
 * files is refused unless {@code --overwrite} (the part files of earlier runs are deleted first) or
 * {@code --append} (new part files go beside them) says which, as Hadoop and Spark refuse an existing output
 * directory: re-running into the same folder would otherwise count every occurrence twice.
 */
public final class OutputOptions {
    @Option(names = "--output", paramLabel = "DIR", description = "Folder for the part files (created if needed;"
        + " one that holds files is refused unless --overwrite or --append is given).")
    Path output;

    @Option(names = "--overwrite", description = "Delete the part files an earlier run left in --output first.")
    boolean overwrite;

    @Option(names = "--append", description = "Add new part files beside those an earlier run left in --output.")
    boolean append;

    /** True when --output was given. */
    public boolean given() {
        return output != null;
    }

    /**
     * The output folder as an absolute path. When {@code local} (the embedded cluster, which sees the folder):
     * created if needed, checked to be writable, and refused if it holds files unless --overwrite (then the part
     * files in it are deleted) or --append was given. On a cluster the task managers' folder is not checked, so
     * --overwrite is refused there.
     *
     * @param inputs the job's inputs: --overwrite refuses to delete part files among them
     */
    public Path folder(boolean local, List<String> inputs) {
        if (overwrite && append) {
            throw new UserError("--overwrite and --append contradict each other: pass one", 2, null);
        }
        if (overwrite && !local) {
            throw new UserError("--overwrite needs the embedded cluster: the task managers' output folder cannot be"
                + " cleared from here; clear it on the cluster's file system instead", 2, null);
        }
        Path dir = JobInputs.outputFolder(output, local);
        if (!local || append) {
            return dir;
        }
        List<Path> existing = entries(dir);
        if (existing.isEmpty()) {
            return dir;
        }
        if (!overwrite) {
            throw new UserError("the output folder " + dir + " already holds " + existing.size() + " file"
                + (existing.size() == 1 ? "" : "s") + " (for example " + existing.get(0).getFileName() + "): pass"
                + " --overwrite to delete the part files of the earlier run first, --append to add to them, or another"
                + " --output", 2, null);
        }
        for (String input : inputs) {
            Path in = Path.of(input).toAbsolutePath().normalize();
            if (in.startsWith(dir)) {
                throw new UserError("--overwrite would delete part files of the input " + in + ", which lies in the"
                    + " output folder " + dir + ": write to another --output", 2, null);
            }
        }
        // part files lie in the folder and, where a job writes buckets (redact: a folder per input file), below it
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith("part-") || name.startsWith(".part-")) {
                    try {
                        Files.delete(f);
                    } catch (IOException e) {
                        throw new UserError("--overwrite: cannot delete " + f + " (" + e.getMessage() + ")");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the output folder " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    private static List<Path> entries(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the output folder " + dir + ": " + e.getMessage(), e);
        }
    }
}
