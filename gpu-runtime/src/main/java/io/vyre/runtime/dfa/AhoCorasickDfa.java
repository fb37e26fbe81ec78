package io.vyre.runtime.dfa;

import io.vyre.runtime.bytecode.PatternsConstant;
import java.util.Arrays;
import java.util.List;

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
 * {@code n < 0}, every id in the state's slice ends at b. States are numbered in trie-insertion order
 * (patterns in id order), so compiling the same set always yields the same tables.
 */
public final class AhoCorasickDfa {
    public static final int MATCH_FLAG = 0x8000_0000;
    public static final int STATE_MASK = 0x7FFF_FFFF;
    public static final long MAX_TABLE_ENTRIES = 32L << 20;

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
        long trieBound = 1;
        for (byte[] p : patterns) {
            trieBound += p.length;
        }
        if (trieBound * classes > MAX_TABLE_ENTRIES) {
            throw new IllegalArgumentException("the pattern set needs up to " + trieBound + " states x " + classes
                + " byte classes, more than the " + MAX_TABLE_ENTRIES + "-entry limit: split it into smaller sets");
        }
        int capacity = (int) trieBound;
        int[] go = new int[capacity * classes];
        Arrays.fill(go, -1);
        int[] firstOwn = new int[capacity];
        Arrays.fill(firstOwn, -1);
        int[] nextOwn = new int[patterns.size()];
        int states = 1;
        int[] patternLength = new int[patterns.size()];
        for (int id = 0; id < patterns.size(); id++) {
            byte[] p = patterns.get(id);
            patternLength[id] = p.length;
            int s = 0;
            for (byte b : p) {
                int c = classOf[b & 0xFF] & 0xFF;
                int t = go[s * classes + c];
                if (t < 0) {
                    t = states++;
                    go[s * classes + c] = t;
                }
                s = t;
            }
            // keep own pattern ids in ascending order
            nextOwn[id] = -1;
            if (firstOwn[s] < 0) {
                firstOwn[s] = id;
            } else {
                int last = firstOwn[s];
                while (nextOwn[last] >= 0) {
                    last = nextOwn[last];
                }
                nextOwn[last] = id;
            }
        }
        int[] fail = new int[states];
        int[] bfs = new int[states];
        int head = 0;
        int tail = 0;
        int[] next = new int[states * classes];
        for (int c = 0; c < classes; c++) {
            int t = go[c];
            if (t < 0) {
                next[c] = 0;
            } else {
                next[c] = t;
                fail[t] = 0;
                bfs[tail++] = t;
            }
        }
        while (head < tail) {
            int s = bfs[head++];
            for (int c = 0; c < classes; c++) {
                int t = go[s * classes + c];
                if (t < 0) {
                    next[s * classes + c] = next[fail[s] * classes + c];
                } else {
                    next[s * classes + c] = t;
                    fail[t] = next[fail[s] * classes + c];
                    bfs[tail++] = t;
                }
            }
        }
        // outputs: own ids, then the outputs of the failure state (already computed: BFS order)
        int[][] outs = new int[states][];
        outs[0] = ownIds(firstOwn[0], nextOwn);
        for (int i = 0; i < tail; i++) {
            int s = bfs[i];
            int[] own = ownIds(firstOwn[s], nextOwn);
            int[] inherited = outs[fail[s]];
            int[] all = Arrays.copyOf(own, own.length + inherited.length);
            System.arraycopy(inherited, 0, all, own.length, inherited.length);
            outs[s] = all;
        }
        int[] outStart = new int[states + 1];
        int total = 0;
        for (int s = 0; s < states; s++) {
            outStart[s] = total;
            total += outs[s].length;
        }
        outStart[states] = total;
        int[] outPatterns = new int[total];
        for (int s = 0; s < states; s++) {
            System.arraycopy(outs[s], 0, outPatterns, outStart[s], outs[s].length);
        }
        for (int i = 0; i < next.length; i++) {
            int t = next[i];
            if (outs[t].length > 0) {
                next[i] = t | MATCH_FLAG;
            }
        }
        return new AhoCorasickDfa(states, classes, classOf, next, outStart, outPatterns, patternLength, ignoreCase);
    }

    private static int[] ownIds(int first, int[] nextOwn) {
        int n = 0;
        for (int id = first; id >= 0; id = nextOwn[id]) {
            n++;
        }
        int[] ids = new int[n];
        int k = 0;
        for (int id = first; id >= 0; id = nextOwn[id]) {
            ids[k++] = id;
        }
        return ids;
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
