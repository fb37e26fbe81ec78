package io.vyre.flink.jobs.scan;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Occurrences per pattern id, counted from committed part files ({@code path \t offset \t id} lines). */
public final class MatchCounts {
    private final long[] counts;
    private long total;

    private MatchCounts(int patterns) {
        this.counts = new long[patterns];
    }

    /** The committed part files under {@code dir} (hidden in-progress files excluded). */
    public static Set<Path> partFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            Set<Path> files = new HashSet<>();
            walk.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                .forEach(files::add);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the output folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Counts the lines of the part files under {@code dir} that are not in {@code before}. */
    public static MatchCounts read(Path dir, Set<Path> before, int patterns) {
        MatchCounts m = new MatchCounts(patterns);
        for (Path f : partFiles(dir)) {
            if (before.contains(f)) {
                continue;
            }
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    int id = Integer.parseInt(line, line.lastIndexOf('\t') + 1, line.length(), 10);
                    if (id >= 0 && id < patterns) {
                        m.counts[id]++;
                    }
                    m.total++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the part file " + f + ": " + e.getMessage(), e);
            }
        }
        return m;
    }

    public long total() {
        return total;
    }

    public long of(int patternId) {
        return counts[patternId];
    }

    public int patterns() {
        return counts.length;
    }

    /** Pattern ids to show: all when there are few, else the {@code limit} most frequent. */
    public List<Integer> shown(int limit) {
        Stream<Integer> ids = Stream.iterate(0, i -> i + 1).limit(counts.length);
        if (counts.length > limit) {
            ids = ids.sorted((a, b) -> Long.compare(counts[b], counts[a])).limit(limit);
        }
        return ids.toList();
    }
}
