package io.vyre.flink.source.split;

import java.util.Objects;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * A byte range of a file, and how far it was read: every result that starts below {@code offset} has been
 * emitted, and so has every result from {@code offset} on whose key (its start, then its pattern id) is at or
 * below the last emitted key {@code (lastStart, lastId)} ({@code lastStart == NONE}: none yet). The key does
 * not depend on how the file is cut into chunks, so a job restored with another chunk size, or over a file
 * that changed size, emits nothing twice. {@code skip} is the position of checkpoints of serializer version
 * 1 (the first {@code skip} results of the chunk at {@code offset}), honoured when such a checkpoint is
 * restored. {@code end == UNBOUNDED} marks a file that is tailed as it grows; a tailed split names its file by
 * {@code identity} too (the file system's key of the file, {@link #NO_IDENTITY} where there is none): a log that
 * is rotated (renamed, and a new file created under its name) is still the same file, and the new one another.
 */
@Internal
public final class VyreFileSplit implements SourceSplit {
    public static final long UNBOUNDED = Long.MAX_VALUE;
    /** {@link #lastStart()} when no result at or after {@link #offset()} has been emitted. */
    public static final long NONE = -1;
    /** {@link #identity()} of splits that do not know their file's identity (ranges, and checkpoints before v3). */
    public static final String NO_IDENTITY = "";

    private final String path;
    private final long start;
    private final long end;
    private final long offset;
    private final int skip;
    private final long lastStart;
    private final int lastId;
    private final String identity;

    /** A split as checkpoints of serializer version 1 held it (a positional skip, no key). */
    public VyreFileSplit(String path, long start, long end, long offset, int skip) {
        this(path, start, end, offset, skip, NONE, 0);
    }

    public VyreFileSplit(String path, long start, long end, long offset, int skip, long lastStart, int lastId) {
        this(path, start, end, offset, skip, lastStart, lastId, NO_IDENTITY);
    }

    public VyreFileSplit(String path, long start, long end, long offset, int skip, long lastStart, int lastId,
                         String identity) {
        if (start < 0 || end < start || offset < start || skip < 0 || (lastStart != NONE && lastStart < offset)) {
            throw new IllegalArgumentException("invalid split of " + path + ": start " + start + ", end " + end
                + ", offset " + offset + ", skip " + skip + ", last key (" + lastStart + ", " + lastId + ")");
        }
        this.path = path;
        this.start = start;
        this.end = end;
        this.offset = offset;
        this.skip = skip;
        this.lastStart = lastStart;
        this.lastId = lastId;
        this.identity = identity == null ? NO_IDENTITY : identity;
    }

    public static VyreFileSplit range(String path, long start, long end) {
        return new VyreFileSplit(path, start, end, start, 0);
    }

    public static VyreFileSplit tail(String path) {
        return tail(path, NO_IDENTITY);
    }

    /** The whole of a file that is tailed as it grows: the file {@code identity} names, found at {@code path}. */
    public static VyreFileSplit tail(String path, String identity) {
        return new VyreFileSplit(path, 0, UNBOUNDED, 0, 0, NONE, 0, identity);
    }

    @Override
    public String splitId() {
        return identity.isEmpty() ? path + "@" + start : path + "@" + start + "#" + identity;
    }

    /** The identity of the file this split reads ({@link #NO_IDENTITY} when unknown: it follows its path). */
    public String identity() {
        return identity;
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

    /** The start of the last result emitted at or after {@link #offset()}, or {@link #NONE}. */
    public long lastStart() {
        return lastStart;
    }

    /** The pattern id (or record value) of the last result emitted, with {@link #lastStart()}. */
    public int lastId() {
        return lastId;
    }

    public boolean isTail() {
        return end == UNBOUNDED;
    }

    /** The split read up to {@code newOffset}, with a version 1 positional skip. */
    public VyreFileSplit at(long newOffset, int newSkip) {
        return new VyreFileSplit(path, start, end, newOffset, newSkip, NONE, 0, identity);
    }

    /** The split read up to {@code newOffset} and, from there, up to the result keyed {@code (lastStart, lastId)}. */
    public VyreFileSplit at(long newOffset, long newLastStart, int newLastId) {
        return new VyreFileSplit(path, start, end, newOffset, 0, newLastStart, newLastId, identity);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VyreFileSplit s && start == s.start && end == s.end && offset == s.offset && skip == s.skip
            && lastStart == s.lastStart && lastId == s.lastId && path.equals(s.path) && identity.equals(s.identity);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, start, end, offset, skip, lastStart, lastId, identity);
    }

    @Override
    public String toString() {
        return "VyreFileSplit{" + path + " [" + start + ", " + (isTail() ? "tail" : end) + "), at " + offset
            + (skip > 0 ? " +" + skip : "") + (lastStart != NONE ? " past (" + lastStart + ", " + lastId + ")" : "")
            + (identity.isEmpty() ? "" : " " + identity) + "}";
    }
}
