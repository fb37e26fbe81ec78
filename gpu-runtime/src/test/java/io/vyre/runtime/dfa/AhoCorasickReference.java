package io.vyre.runtime.dfa;

import java.util.Arrays;
import java.util.List;

/**
 * The first construction of {@link AhoCorasickDfa}'s tables, kept as the reference the faster one is checked
 * against: the trie built in place in a table in insertion numbering, completed breadth first, then renumbered
 * breadth first row by row. Simple, sequential, and several passes over the whole table.
 */
final class AhoCorasickReference {
    private AhoCorasickReference() {
    }

    /** {next, outStart, outPatterns} as the first construction built them. */
    static int[][] tables(List<byte[]> patterns, boolean ignoreCase) {
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("an Aho-Corasick automaton needs at least one pattern");
        }
        byte[] classOf = new byte[256];
        int classes = AhoCorasickDfa.byteClasses(patterns, ignoreCase, classOf);
        int states = AhoCorasickDfa.countStates(patterns, classOf);
        long entries = (long) states * classes;
        if (entries > AhoCorasickDfa.MAX_TABLE_ENTRIES) {
            throw new IllegalArgumentException("the pattern set compiles to " + states + " states x " + classes
                + " byte classes = " + entries + " table entries (" + (entries * 4 >> 20) + " MiB), more than the "
                + AhoCorasickDfa.MAX_TABLE_ENTRIES + " one table holds: split it into several sets (one MATCH each)");
        }
        // The trie, built in place in the table: 0 marks a missing edge (the root is never a child).
        int[] next = new int[(int) entries];
        int[] firstOwn = new int[states];
        Arrays.fill(firstOwn, -1);
        int[] lastOwn = new int[states];
        int[] nextOwn = new int[patterns.size()];
        int[] patternLength = new int[patterns.size()];
        int created = 1;
        for (int id = 0; id < patterns.size(); id++) {
            byte[] p = patterns.get(id);
            patternLength[id] = p.length;
            int s = 0;
            for (byte b : p) {
                int edge = s * classes + (classOf[b & 0xFF] & 0xFF);
                int t = next[edge];
                if (t == 0) {
                    t = created++;
                    next[edge] = t;
                }
                s = t;
            }
            // own pattern ids in ascending order
            nextOwn[id] = -1;
            if (firstOwn[s] < 0) {
                firstOwn[s] = id;
            } else {
                nextOwn[lastOwn[s]] = id;
            }
            lastOwn[s] = id;
        }
        // Breadth first, each state's row turns from trie edges into the full transition function; the
        // failure state is shallower, so its row is already complete. outCount[s]: own ids plus the failure state's.
        if (created != states) {
            throw new IllegalStateException("built " + created + " trie states, counted " + states);
        }
        int[] fail = new int[states];
        int[] bfs = new int[states];
        int[] outCount = new int[states];
        int head = 0;
        int tail = 0;
        for (int c = 0; c < classes; c++) {
            int t = next[c];
            if (t != 0) {
                fail[t] = 0;
                bfs[tail++] = t;
            }
        }
        long totalOuts = 0;
        while (head < tail) {
            int s = bfs[head++];
            int row = s * classes;
            int failRow = fail[s] * classes;
            for (int c = 0; c < classes; c++) {
                int t = next[row + c];
                if (t == 0) {
                    next[row + c] = next[failRow + c];
                } else {
                    fail[t] = next[failRow + c];
                    bfs[tail++] = t;
                }
            }
            int own = 0;
            for (int id = firstOwn[s]; id >= 0; id = nextOwn[id]) {
                own++;
            }
            outCount[s] = own + outCount[fail[s]];
            totalOuts += outCount[s];
        }
        if (totalOuts > AhoCorasickDfa.MAX_TABLE_ENTRIES) {
            throw new IllegalArgumentException("the pattern set reports " + totalOuts + " (state, pattern) pairs,"
                + " more than the " + AhoCorasickDfa.MAX_TABLE_ENTRIES + " one table holds (patterns nested in many others):"
                + " split it into several sets (one MATCH each)");
        }
        // Renumber breadth first: the root 0, then the states in the order the loop above visited them, so
        // the shallow states, where a scan spends nearly all of its steps, own the first rows of the table.
        int[] renumbered = new int[states];
        for (int i = 0; i < tail; i++) {
            renumbered[bfs[i]] = i + 1;
        }
        for (int i = 0; i < next.length; i++) {
            next[i] = renumbered[next[i]];
        }
        moveRows(next, classes, renumbered);
        int[] outStart = new int[states + 1];
        outStart[1] = outCount[0];
        for (int i = 0; i < tail; i++) {
            outStart[i + 2] = outStart[i + 1] + outCount[bfs[i]];
        }
        int[] outPatterns = new int[(int) totalOuts];
        for (int i = 0; i < tail; i++) {
            int s = bfs[i];
            int at = outStart[i + 1];
            for (int id = firstOwn[s]; id >= 0; id = nextOwn[id]) {
                outPatterns[at++] = id;
            }
            int f = renumbered[fail[s]];
            System.arraycopy(outPatterns, outStart[f], outPatterns, at, outStart[f + 1] - outStart[f]);
        }
        for (int i = 0; i < next.length; i++) {
            int t = next[i];
            if (outStart[t + 1] > outStart[t]) {
                next[i] = t | AhoCorasickDfa.MATCH_FLAG;
            }
        }
        return new int[][] {next, outStart, outPatterns};
    }

    /** Moves row {@code s} of {@code table} to row {@code to[s]}, in place: one cycle of the permutation at a time. */
    private static void moveRows(int[] table, int width, int[] to) {
        boolean[] placed = new boolean[to.length];
        int[] carried = new int[width];
        int[] displaced = new int[width];
        for (int start = 0; start < to.length; start++) {
            if (placed[start] || to[start] == start) {
                continue;
            }
            System.arraycopy(table, start * width, carried, 0, width);
            int s = start;
            do {
                int d = to[s];
                System.arraycopy(table, d * width, displaced, 0, width);
                System.arraycopy(carried, 0, table, d * width, width);
                placed[d] = true;
                int[] swap = carried;
                carried = displaced;
                displaced = swap;
                s = d;
            } while (s != start);
        }
    }
}
