package io.vyre.runtime.bytecode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set of literal patterns for multi-pattern matching. Pattern ids are the indices in the list. The
 * runtime compiles it into Aho-Corasick tables when the program is loaded.
 */
public final class PatternsConstant implements Constant {
    /** Patterns in one set: threat-intelligence lists run to hundreds of thousands of indicators. */
    public static final int MAX_PATTERNS = 1 << 20;
    public static final int MAX_PATTERN_LENGTH = 1 << 12;
    /** Bytes of all patterns of one set (a million SHA-256 digests in hex take 64 MiB). */
    public static final int MAX_TOTAL_BYTES = 1 << 26;

    private final List<byte[]> patterns;
    private final boolean ignoreCase;
    private int hash;

    public PatternsConstant(List<byte[]> patterns, boolean ignoreCase) {
        List<byte[]> copy = new ArrayList<>(patterns.size());
        for (byte[] p : patterns) {
            copy.add(p.clone());
        }
        this.patterns = List.copyOf(copy);
        this.ignoreCase = ignoreCase;
    }

    @Override
    public int kind() {
        return KIND_PATTERNS;
    }

    public int count() {
        return patterns.size();
    }

    public byte[] pattern(int id) {
        return patterns.get(id).clone();
    }

    /** The patterns without copying; callers must not modify them. */
    public List<byte[]> patternsUnsafe() {
        return patterns;
    }

    public boolean ignoreCase() {
        return ignoreCase;
    }

    public int maxLength() {
        int max = 0;
        for (byte[] p : patterns) {
            max = Math.max(max, p.length);
        }
        return max;
    }

    public long totalBytes() {
        long total = 0;
        for (byte[] p : patterns) {
            total += p.length;
        }
        return total;
    }

    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (!(o instanceof PatternsConstant other) || ignoreCase != other.ignoreCase
            || patterns.size() != other.patterns.size() || hashCode() != other.hashCode()) {
            return false;
        }
        for (int i = 0; i < patterns.size(); i++) {
            if (!Arrays.equals(patterns.get(i), other.patterns.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Boolean.hashCode(ignoreCase);
            for (byte[] p : patterns) {
                h = 31 * h + Arrays.hashCode(p);
            }
            hash = h;  // racy but idempotent, as String's
        }
        return h;
    }

    @Override
    public String toString() {
        return "PatternsConstant[" + patterns.size() + " patterns" + (ignoreCase ? ", ignore case" : "") + "]";
    }
}
