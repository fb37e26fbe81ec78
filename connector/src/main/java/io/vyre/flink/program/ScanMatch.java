package io.vyre.flink.program;

import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One occurrence of one pattern: the file, the byte offset where the match starts, and the pattern's id
 * (its index among the patterns). A Flink POJO.
 */
@PublicEvolving
public class ScanMatch implements Comparable<ScanMatch> {
    public String path;
    public long offset;
    public int patternId;

    public ScanMatch() {
    }

    public ScanMatch(String path, long offset, int patternId) {
        this.path = path;
        this.offset = offset;
        this.patternId = patternId;
    }

    /** The scan job's output line: {@code <path>\t<offset>\t<patternId>}. */
    public String toLine() {
        return path + '\t' + offset + '\t' + patternId;
    }

    @Override
    public int compareTo(ScanMatch o) {
        int c = path.compareTo(o.path);
        if (c != 0) {
            return c;
        }
        c = Long.compare(offset, o.offset);
        return c != 0 ? c : Integer.compare(patternId, o.patternId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScanMatch m && offset == m.offset && patternId == m.patternId && Objects.equals(path, m.path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, offset, patternId);
    }

    @Override
    public String toString() {
        return toLine();
    }
}
