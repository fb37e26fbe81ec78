package io.vyre.flink.jobs.cli;

import io.vyre.flink.program.PatternsFile;
import io.vyre.flink.source.enumerator.FileDiscovery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks what a job is given before Flink starts, so that mistakes surface as one clear line. Inputs and
 * the output folder are checked only on the embedded cluster: submitted to a cluster, they are paths on the
 * task managers, which the submitting machine may not see.
 */
public final class JobInputs {
    private JobInputs() {
    }

    /** The inputs as absolute paths; when {@code local}, each must exist and be readable here. */
    public static List<String> inputs(List<Path> given, boolean local) {
        if (given == null || given.isEmpty()) {
            throw new UserError("no input: pass --input PATH (a file or a folder; repeat for more)", 2, null);
        }
        List<String> paths = new ArrayList<>();
        for (Path p : given) {
            Path abs = p.toAbsolutePath().normalize();
            if (local && !Files.exists(abs)) {
                throw new UserError("input not found: " + abs + " (check the --input path)");
            }
            if (local && !Files.isReadable(abs)) {
                throw new UserError("input not readable: " + abs + " (grant read permission to this user)");
            }
            paths.add(abs.toString());
        }
        return paths;
    }

    /** The files the source will read (hidden entries skipped, as the source does), with their sizes; never empty. */
    public static TreeMap<String, Long> files(List<String> inputs) {
        TreeMap<String, Long> files = new TreeMap<>();
        try {
            for (FileDiscovery.Listed f : new FileDiscovery(inputs, Long.MAX_VALUE).listing()) {
                files.put(f.path(), f.size());
            }
        } catch (UncheckedIOException e) {
            throw new UserError(e.getMessage());
        }
        if (files.isEmpty()) {
            throw new UserError("no files to read under " + String.join(", ", inputs) + " (entries starting with '.'"
                + " or '_' are skipped)");
        }
        return files;
    }

    public static long totalBytes(Map<String, Long> files) {
        return files.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The patterns of a patterns file ({@link PatternsFile}); at least one. */
    public static List<byte[]> patterns(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        List<byte[]> patterns;
        try {
            patterns = PatternsFile.read(abs);
        } catch (NoSuchFileException e) {
            throw new UserError("patterns file not found: " + abs + " (check the --patterns path)");
        } catch (AccessDeniedException e) {
            throw new UserError("patterns file not readable: " + abs + " (permission denied)");
        } catch (IOException e) {
            throw new UserError("cannot read the patterns file " + abs + ": " + e.getMessage());
        }
        if (patterns.isEmpty()) {
            throw new UserError("the patterns file " + abs + " has no patterns: write one pattern per line");
        }
        return patterns;
    }

    public static List<String> patternTexts(List<byte[]> patterns) {
        List<String> texts = new ArrayList<>(patterns.size());
        for (byte[] p : patterns) {
            texts.add(new String(p, StandardCharsets.UTF_8));
        }
        return texts;
    }

    /** The output folder as an absolute path; when {@code local}, created if needed and checked to be writable. */
    public static Path outputFolder(Path given, boolean local) {
        if (given == null) {
            throw new UserError("no output folder: pass --output DIR", 2, null);
        }
        Path dir = given.toAbsolutePath().normalize();
        if (!local) {
            return dir;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("output folder not writable: cannot create " + dir + " ("
                + (e instanceof FileAlreadyExistsException ? "a file of that name exists" : e.getMessage()) + ")");
        }
        Path probe = dir.resolve(".vyre-write-probe");
        try {
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            Files.delete(probe);
        } catch (IOException e) {
            throw new UserError("output folder not writable: " + dir + " (" + e.getMessage() + ")");
        }
        return dir;
    }
}
