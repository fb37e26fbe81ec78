package io.vyre.runtime.testing;

import java.util.ArrayList;
import java.util.List;

/** The obviously-correct reference for scan: try every pattern at every position. */
public final class NaiveScan {
    private NaiveScan() {
    }

    /** A match: byte offset of its start and the pattern's id; ordered by offset, then id. */
    public record Match(long offset, int patternId) implements Comparable<Match> {
        @Override
        public int compareTo(Match o) {
            int c = Long.compare(offset, o.offset);
            return c != 0 ? c : Integer.compare(patternId, o.patternId);
        }
    }

    public static List<Match> find(byte[] data, List<byte[]> patterns, boolean ignoreCase) {
        List<Match> out = new ArrayList<>();
        for (int i = 0; i < data.length; i++) {
            for (int id = 0; id < patterns.size(); id++) {
                if (matchesAt(data, i, patterns.get(id), ignoreCase)) {
                    out.add(new Match(i, id));
                }
            }
        }
        return out;
    }

    private static boolean matchesAt(byte[] data, int at, byte[] p, boolean ignoreCase) {
        if (at + p.length > data.length) {
            return false;
        }
        for (int k = 0; k < p.length; k++) {
            int a = data[at + k] & 0xFF;
            int b = p[k] & 0xFF;
            if (ignoreCase) {
                a = fold(a);
                b = fold(b);
            }
            if (a != b) {
                return false;
            }
        }
        return true;
    }

    private static int fold(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
