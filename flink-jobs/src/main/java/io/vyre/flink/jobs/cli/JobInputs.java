package io.vyre.flink.jobs.cli;

import io.vyre.flink.source.enumerator.FileDiscovery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Checks what a job is given before Flink starts, so that mistakes surface as one clear line. */
public final class JobInputs {
    private JobInputs() {
    }

    /** The inputs as absolute paths; each must exist. */
    public static List<String> inputs(List<Path> given) {
        if (given == null || given.isEmpty()) {
            throw new UserError("no input: pass --input PATH (a file or a folder; repeat for more)", 2, null);
        }
        List<String> paths = new ArrayList<>();
        for (Path p : given) {
            Path abs = p.toAbsolutePath().normalize();
            if (!Files.exists(abs)) {
                throw new UserError("input not found: " + abs + " (check the --input path)");
            }
            if (!Files.isReadable(abs)) {
                throw new UserError("input not readable: " + abs + " (grant read permission to this user)");
            }
            paths.add(abs.toString());
        }
        return paths;
    }

    /** The files the source will read (hidden entries skipped, as the source does), with their sizes. */
    public static TreeMap<String, Long> files(List<String> inputs) {
        try {
            return new FileDiscovery(inputs, Long.MAX_VALUE).newFiles(Set.of());
        } catch (UncheckedIOException e) {
            throw new UserError(e.getMessage());
        }
    }

    public static long totalBytes(Map<String, Long> files) {
        return files.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The patterns of a patterns file: one per non-empty line (a trailing CR is dropped), as bytes, so a
     * pattern's id is its index among the non-empty lines.
     */
    public static List<byte[]> patterns(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserError("patterns file not found: " + file.toAbsolutePath() + " (check the --patterns path)");
        } catch (AccessDeniedException e) {
            throw new UserError("patterns file not readable: " + file.toAbsolutePath() + " (permission denied)");
        } catch (IOException e) {
            throw new UserError("cannot read the patterns file " + file.toAbsolutePath() + ": " + e.getMessage());
        }
        List<byte[]> patterns = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= content.length; i++) {
            if (i == content.length || content[i] == '\n') {
                int end = i > start && content[i - 1] == '\r' ? i - 1 : i;
                if (end > start) {
                    patterns.add(Arrays.copyOfRange(content, start, end));
                }
                start = i + 1;
            }
        }
        if (patterns.isEmpty()) {
            throw new UserError("the patterns file " + file.toAbsolutePath() + " has no patterns: write one pattern per"
                + " line");
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

    /** Creates the output folder when needed and checks that it can be written. */
    public static Path outputFolder(Path given) {
        if (given == null) {
            throw new UserError("no output folder: pass --output DIR", 2, null);
        }
        Path dir = given.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("output folder not writable: cannot create " + dir + " ("
                + (e instanceof java.nio.file.FileAlreadyExistsException ? "a file of that name exists" : e.getMessage())
                + ")");
        }
        if (!Files.isWritable(dir)) {
            throw new UserError("output folder not writable: " + dir + " (grant write permission or choose another"
                + " --output)");
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
