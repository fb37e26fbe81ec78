package io.vyre.flink.program;

import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/** One line of a file: the file, the byte offset where the line starts, and its text (UTF-8). A Flink POJO. */
@PublicEvolving
public class LineRecord {
    public String path;
    public long offset;
    public String line;

    public LineRecord() {
    }

    public LineRecord(String path, long offset, String line) {
        this.path = path;
        this.offset = offset;
        this.line = line;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LineRecord r && offset == r.offset && Objects.equals(path, r.path) && Objects.equals(line, r.line);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, offset, line);
    }

    @Override
    public String toString() {
        return path + '\t' + offset + '\t' + line;
    }
}
