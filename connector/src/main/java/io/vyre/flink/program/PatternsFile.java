package io.vyre.flink.program;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.annotation.Internal;

/**
 * The one reading of a patterns file, shared by the jobs and the SQL connector: one pattern per non-empty
 * line, as bytes (any encoding; a trailing CR is dropped), so a pattern's id is its index among the
 * non-empty lines.
 */
@Internal
public final class PatternsFile {
    /** Larger is not a list of patterns: most likely the input and the patterns file were swapped. */
    public static final long MAX_BYTES = 256L << 20;

    private PatternsFile() {
    }

    public static List<byte[]> read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IOException(file + " is " + size + " bytes, more than a patterns file may hold (" + MAX_BYTES
                + "): is it the input rather than the patterns?");
        }
        return parse(Files.readAllBytes(file));
    }

    public static List<byte[]> parse(byte[] content) {
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
        return patterns;
    }
}
