package io.vyre.runtime.dfa;

import io.vyre.runtime.bytecode.PatternsConstant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * An Aho-Corasick automaton compiled into a full DFA over byte classes, the form both backends run.
 *
 * <pre>
 *   classOf[256]               byte → class; bytes in no pattern share class 0; with ignore case
 *                              'A'..'Z' share the class of 'a'..'z'
 *   next[state * classes + c]  the next state; bit 31 set when that state reports matches
 *   outStart[state] .. outStart[state + 1]   the state's slice of outPatterns: the ids of the patterns
 *                              that end here, its own first, then its dictionary suffixes'
 *   patternLength[id]
 * </pre>
 *
 * Reading byte b in state s: {@code n = next[s * classes + classOf[b]]; s = n & STATE_MASK}; when
 * {@code n < 0}, every id in the state's slice ends at b. States are numbered breadth first (the root 0,
 * then by depth, within a depth by parent and then by byte class): the same set always yields the same
 * tables, and the shallow states, where a scan spends nearly all of its steps, come first and share cache
 * lines. The table is filled a depth at a time, straight in that numbering, the rows of a large depth in
 * parallel (ForkJoin's common pool): one pass over it, where the first construction (kept in the tests as the
 * reference) made four, two of them in random order.
 */
public final class AhoCorasickDfa {
    public static final int MATCH_FLAG = 0x8000_0000;
    public static final int STATE_MASK = 0x7FFF_FFFF;
    /** Entries of one table (transitions or outputs): what one Java array and a 31-bit row offset hold. */
    public static final long MAX_TABLE_ENTRIES = Integer.MAX_VALUE - 8;

    private final int stateCount;
    private final int classCount;
    private final byte[] classOf;
    private final int[] next;
    private final int[] outStart;
    private final int[] outPatterns;
    private final int[] patternLength;
    private final int maxPatternLength;
    private final boolean ignoreCase;

    private AhoCorasickDfa(int stateCount, int classCount, byte[] classOf, int[] next, int[] outStart,
                           int[] outPatterns, int[] patternLength, boolean ignoreCase) {
        this.stateCount = stateCount;
        this.classCount = classCount;
        this.classOf = classOf;
        this.next = next;
        this.outStart = outStart;
        this.outPatterns = outPatterns;
        this.patternLength = patternLength;
        this.ignoreCase = ignoreCase;
        this.maxPatternLength = Arrays.stream(patternLength).max().orElse(0);
    }

    public static AhoCorasickDfa compile(PatternsConstant patterns) {
        return compile(patterns.patternsUnsafe(), patterns.ignoreCase());
    }

    public static AhoCorasickDfa compile(List<byte[]> patterns, boolean ignoreCase) {
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("an Aho-Corasick automaton needs at least one pattern");
        }
        byte[] classOf = new byte[256];
        int classes = byteClasses(patterns, ignoreCase, classOf);
        int states = countStates(patterns, classOf);
        long entries = (long) states * classes;
        if (entries > MAX_TABLE_ENTRIES) {
            throw new IllegalArgumentException("the pattern set compiles to " + states + " states x " + classes
                + " byte classes = " + entries + " table entries (" + (entries * 4 >> 20) + " MiB), more than the "
                + MAX_TABLE_ENTRIES + " one table holds: split it into several sets (one MATCH each)");
        }
        Trie trie = Trie.build(patterns, classOf, states);
        int[] patternLength = new int[patterns.size()];
        for (int id = 0; id < patternLength.length; id++) {
            patternLength[id] = patterns.get(id).length;
        }
        // Number the states breadth first (children in class order), then fill the table a depth at a time,
        // straight in that numbering: a state's row is its trie edges, and elsewhere its failure state's row,
        // which is shallower and so already complete; the rows of one depth are independent of each other.
        int[] order = new int[states];
        int[] number = new int[states];
        List<Integer> depthStarts = new ArrayList<>(List.of(0));
        int tail = 1;
        int depthEnd = 1;
        for (int head = 0; head < tail; head++) {
            if (head == depthEnd) {
                // every state of this depth was queued while the one before it was walked
                depthStarts.add(head);
                depthEnd = tail;
            }
            for (int t = trie.firstChild[order[head]]; t != 0; t = trie.nextSibling[t]) {
                number[t] = tail;
                order[tail++] = t;
            }
        }
        int[] next = new int[(int) entries];
        int[] fail = new int[states];
        int[] outCount = new int[states];
        RowFiller filler = new RowFiller(trie, classes, order, number, next, fail, outCount);
        filler.fill(0, 1);
        for (int d = 1; d < depthStarts.size(); d++) {
            int from = depthStarts.get(d);
            int to = d + 1 < depthStarts.size() ? depthStarts.get(d + 1) : states;
            if (to - from < PARALLEL_ROWS) {
                filler.fill(from, to);
            } else {
                int pieces = (to - from + PARALLEL_ROWS - 1) / PARALLEL_ROWS;
                IntStream.range(0, pieces).parallel().forEach(k -> filler.fill(
                    from + k * PARALLEL_ROWS, Math.min(to, from + (k + 1) * PARALLEL_ROWS)));
            }
        }
        long totalOuts = 0;
        for (int c : outCount) {
            totalOuts += c;
        }
        if (totalOuts > MAX_TABLE_ENTRIES) {
            throw new IllegalArgumentException("the pattern set reports " + totalOuts + " (state, pattern) pairs,"
                + " more than the " + MAX_TABLE_ENTRIES + " one table holds (patterns nested in many others):"
                + " split it into several sets (one MATCH each)");
        }
        // Each state's ids: its own (ascending), then its failure state's, which is shallower: already written.
        int[] outStart = new int[states + 1];
        for (int i = 0; i < states; i++) {
            outStart[i + 1] = outStart[i] + outCount[i];
        }
        int[] outPatterns = new int[(int) totalOuts];
        for (int i = 1; i < states; i++) {
            int at = outStart[i];
            for (int id = trie.firstOwn[order[i]]; id >= 0; id = trie.nextOwn[id]) {
                outPatterns[at++] = id;
            }
            int f = fail[i];
            System.arraycopy(outPatterns, outStart[f], outPatterns, at, outStart[f + 1] - outStart[f]);
        }
        return new AhoCorasickDfa(states, classes, classOf, next, outStart, outPatterns, patternLength, ignoreCase);
    }

    /**
     * Fills {@code classOf} (byte to class: classes numbered in order of first use, 0 for bytes in no pattern,
     * ASCII letters folded with {@code ignoreCase}) and returns the number of classes.
     */
    static int byteClasses(List<byte[]> patterns, boolean ignoreCase, byte[] classOf) {
        int classes = 1;
        int[] classOfByte = new int[256];
        for (byte[] p : patterns) {
            if (p.length == 0) {
                throw new IllegalArgumentException("patterns must not be empty");
            }
            for (byte b : p) {
                int v = fold(b & 0xFF, ignoreCase);
                if (classOfByte[v] == 0) {
                    classOfByte[v] = classes++;
                }
            }
        }
        for (int b = 0; b < 256; b++) {
            classOf[b] = (byte) classOfByte[fold(b, ignoreCase)];
        }
        return classes;
    }

    /** Rows one task fills: a depth with more states is split into pieces of this many, filled in parallel. */
    static final int PARALLEL_ROWS = 4096;

    /**
     * The trie in insertion numbering (the root 0; 0 also marks "none", since the root is nobody's child): each
     * state's children as a list sorted by byte class, and the ids of the patterns that end at it, ascending.
     */
    private static final class Trie {
        final int[] firstChild;
        final int[] nextSibling;
        final int[] edgeClass;
        final int[] firstOwn;
        final int[] nextOwn;
        final int[] ownCount;

        private Trie(int states, int patterns) {
            firstChild = new int[states];
            nextSibling = new int[states];
            edgeClass = new int[states];
            firstOwn = new int[states];
            Arrays.fill(firstOwn, -1);
            nextOwn = new int[patterns];
            ownCount = new int[states];
        }

        static Trie build(List<byte[]> patterns, byte[] classOf, int states) {
            Trie trie = new Trie(states, patterns.size());
            int[] lastOwn = new int[states];
            int created = 1;
            for (int id = 0; id < patterns.size(); id++) {
                int s = 0;
                for (byte b : patterns.get(id)) {
                    int c = classOf[b & 0xFF] & 0xFF;
                    int previous = 0;
                    int t = trie.firstChild[s];
                    while (t != 0 && trie.edgeClass[t] < c) {
                        previous = t;
                        t = trie.nextSibling[t];
                    }
                    if (t == 0 || trie.edgeClass[t] != c) {
                        int added = created++;
                        trie.edgeClass[added] = c;
                        trie.nextSibling[added] = t;
                        if (previous == 0) {
                            trie.firstChild[s] = added;
                        } else {
                            trie.nextSibling[previous] = added;
                        }
                        t = added;
                    }
                    s = t;
                }
                trie.nextOwn[id] = -1;
                if (trie.firstOwn[s] < 0) {
                    trie.firstOwn[s] = id;
                } else {
                    trie.nextOwn[lastOwn[s]] = id;
                }
                lastOwn[s] = id;
                trie.ownCount[s]++;
            }
            if (created != states) {
                throw new IllegalStateException("built " + created + " trie states, counted " + states);
            }
            return trie;
        }
    }

    /**
     * Fills rows of the table in breadth-first numbering, and for each child it meets its failure state and
     * its count of reported ids; rows of one depth read only shallower rows, so they may be filled at once.
     */
    private record RowFiller(Trie trie, int classes, int[] order, int[] number, int[] next, int[] fail,
                             int[] outCount) {
        void fill(int from, int to) {
            for (int i = from; i < to; i++) {
                int row = i * classes;
                int failRow = fail[i] * classes;
                int t = trie.firstChild[order[i]];
                for (int c = 0; c < classes; c++) {
                    if (t != 0 && trie.edgeClass[t] == c) {
                        int child = number[t];
                        // the root's children fail to the root; a deeper child to where its parent's failure goes
                        int f = i == 0 ? 0 : next[failRow + c] & STATE_MASK;
                        fail[child] = f;
                        int reports = trie.ownCount[t] + outCount[f];
                        outCount[child] = reports;
                        next[row + c] = reports > 0 ? child | MATCH_FLAG : child;
                        t = trie.nextSibling[t];
                    } else {
                        next[row + c] = i == 0 ? 0 : next[failRow + c];
                    }
                }
            }
        }
    }

    /** Trie nodes the set needs (the root included): its distinct prefixes, counted over the sorted set. */
    static int countStates(List<byte[]> patterns, byte[] classOf) {
        byte[][] sorted = patterns.toArray(new byte[0][]);
        Comparator<byte[]> byClass = (a, b) -> {
            int n = Math.min(a.length, b.length);
            for (int i = 0; i < n; i++) {
                int d = (classOf[a[i] & 0xFF] & 0xFF) - (classOf[b[i] & 0xFF] & 0xFF);
                if (d != 0) {
                    return d;
                }
            }
            return a.length - b.length;
        };
        Arrays.parallelSort(sorted, byClass);
        long states = 1;
        byte[] previous = new byte[0];
        for (byte[] p : sorted) {
            int common = 0;
            int n = Math.min(p.length, previous.length);
            while (common < n && classOf[p[common] & 0xFF] == classOf[previous[common] & 0xFF]) {
                common++;
            }
            states += p.length - common;
            previous = p;
        }
        if (states > STATE_MASK) {
            throw new IllegalArgumentException("the pattern set needs " + states + " states, more than "
                + STATE_MASK + ": split it into several sets (one MATCH each)");
        }
        return (int) states;
    }

    static int fold(int b, boolean ignoreCase) {
        return ignoreCase && b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }

    /** The raw next-state entry (with {@link #MATCH_FLAG}) for reading byte {@code b} in {@code state}. */
    public int step(int state, int b) {
        return next[state * classCount + (classOf[b & 0xFF] & 0xFF)];
    }

    public int stateCount() {
        return stateCount;
    }

    public int classCount() {
        return classCount;
    }

    public int patternCount() {
        return patternLength.length;
    }

    public int maxPatternLength() {
        return maxPatternLength;
    }

    public boolean ignoreCase() {
        return ignoreCase;
    }

    /** Direct access for interpreters; callers must not modify these arrays. */
    public byte[] classOfUnsafe() {
        return classOf;
    }

    public int[] nextUnsafe() {
        return next;
    }

    public int[] outStartUnsafe() {
        return outStart;
    }

    public int[] outPatternsUnsafe() {
        return outPatterns;
    }

    public int[] patternLengthUnsafe() {
        return patternLength;
    }

    public int patternLength(int id) {
        return patternLength[id];
    }

    /** Bytes the tables take, for memory accounting. */
    public long tableBytes() {
        return 256L + 4L * (next.length + outStart.length + outPatterns.length + patternLength.length);
    }
}
