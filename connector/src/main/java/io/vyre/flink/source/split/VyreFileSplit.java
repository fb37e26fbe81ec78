package io.vyre.flink.source.split;

import java.util.Objects;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * A byte range of a file, and how far it was read: every result that starts below {@code offset} has been
 * emitted, and so have the first {@code skip} results of the chunk that starts at {@code offset}.
 * {@code end == UNBOUNDED} marks a file that is tailed as it grows.
 */
public final class VyreFileSplit implements SourceSplit {
    public static final long UNBOUNDED = Long.MAX_VALUE;

    private final String path;
    private final long start;
    private final long end;
    private final long offset;
    private final int skip;

    public VyreFileSplit(String path, long start, long end, long offset, int skip) {
        if (start < 0 || end < start || offset < start || skip < 0) {
            throw new IllegalArgumentException("invalid split of " + path + ": start " + start + ", end " + end
                + ", offset " + offset + ", skip " + skip);
        }
        this.path = path;
        this.start = start;
        this.end = end;
        this.offset = offset;
        this.skip = skip;
    }

    public static VyreFileSplit range(String path, long start, long end) {
        return new VyreFileSplit(path, start, end, start, 0);
    }

    public static VyreFileSplit tail(String path) {
        return new VyreFileSplit(path, 0, UNBOUNDED, 0, 0);
    }

    @Override
    public String splitId() {
        return path + "@" + start;
    }

    public String path() {
        return path;
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    public long offset() {
        return offset;
    }

    public int skip() {
        return skip;
    }

    public boolean isTail() {
        return end == UNBOUNDED;
    }

    public VyreFileSplit at(long newOffset, int newSkip) {
        return new VyreFileSplit(path, start, end, newOffset, newSkip);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VyreFileSplit s && start == s.start && end == s.end && offset == s.offset && skip == s.skip
            && path.equals(s.path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, start, end, offset, skip);
    }

    @Override
    public String toString() {
        return "VyreFileSplit{" + path + " [" + start + ", " + (isTail() ? "tail" : end) + "), at " + offset
            + (skip > 0 ? " +" + skip : "") + "}";
    }
}
