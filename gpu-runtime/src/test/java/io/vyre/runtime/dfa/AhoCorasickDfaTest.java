package io.vyre.runtime.dfa;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AhoCorasickDfaTest {

    private static List<byte[]> bytes(String... patterns) {
        List<byte[]> list = new ArrayList<>();
        for (String p : patterns) {
            list.add(p.getBytes(US_ASCII));
        }
        return list;
    }

    /** Runs the automaton and lists "end:id" for every reported pattern. */
    private static List<String> run(AhoCorasickDfa dfa, String text) {
        List<String> out = new ArrayList<>();
        int s = 0;
        byte[] t = text.getBytes(US_ASCII);
        for (int i = 0; i < t.length; i++) {
            int n = dfa.step(s, t[i]);
            s = n & AhoCorasickDfa.STATE_MASK;
            if (n < 0) {
                for (int k = dfa.outStartUnsafe()[s]; k < dfa.outStartUnsafe()[s + 1]; k++) {
                    out.add(i + ":" + dfa.outPatternsUnsafe()[k]);
                }
            }
        }
        return out;
    }

    @Test
    void shouldReportNestedAndOverlappingPatternsThroughDictionarySuffixes() {
        AhoCorasickDfa dfa = AhoCorasickDfa.compile(bytes("he", "she", "his", "hers"), false);
        assertThat(run(dfa, "ushers")).containsExactly("3:1", "3:0", "5:3");
    }

    @Test
    void shouldReportDuplicatePatternsUnderEachId() {
        AhoCorasickDfa dfa = AhoCorasickDfa.compile(bytes("ab", "ab", "b"), false);
        assertThat(run(dfa, "ab")).containsExactly("1:0", "1:1", "1:2");
    }

    @Test
    void shouldFoldAsciiCaseOnlyWhenAsked() {
        assertThat(run(AhoCorasickDfa.compile(bytes("Key"), true), "KEY kEy")).containsExactly("2:0", "6:0");
        assertThat(run(AhoCorasickDfa.compile(bytes("Key"), false), "KEY kEy Key")).containsExactly("10:0");
    }

    @Test
    void shouldShareOneByteClassForBytesInNoPattern() {
        AhoCorasickDfa dfa = AhoCorasickDfa.compile(bytes("abc", "cab"), false);
        assertThat(dfa.classCount()).isEqualTo(4);
        assertThat(dfa.classOfUnsafe()['z']).isZero();
        assertThat(dfa.classOfUnsafe()[0xFF]).isZero();
        assertThat(dfa.stateCount()).isEqualTo(7);
        assertThat(dfa.maxPatternLength()).isEqualTo(3);
    }

    @Test
    void shouldCompileTheSameSetToTheSameTables() {
        AhoCorasickDfa a = AhoCorasickDfa.compile(bytes("x1", "y22", "x1y"), false);
        AhoCorasickDfa b = AhoCorasickDfa.compile(bytes("x1", "y22", "x1y"), false);
        assertThat(a.nextUnsafe()).isEqualTo(b.nextUnsafe());
        assertThat(a.outPatternsUnsafe()).isEqualTo(b.outPatternsUnsafe());
    }

    @Test
    void shouldNumberStatesBreadthFirst() {
        // random sets: the depth of each state (its distance from the root, found by a breadth-first walk of the
        // DFA's transitions) never falls as the state number grows, so the first rows are the shallow states
        java.util.Random rnd = new java.util.Random(5);
        for (int round = 0; round < 20; round++) {
            List<byte[]> patterns = new ArrayList<>();
            for (int i = 0, n = 1 + rnd.nextInt(300); i < n; i++) {
                byte[] p = new byte[1 + rnd.nextInt(12)];
                for (int k = 0; k < p.length; k++) {
                    p[k] = (byte) ('a' + rnd.nextInt(1 + round));
                }
                patterns.add(p);
            }
            AhoCorasickDfa dfa = AhoCorasickDfa.compile(patterns, false);
            int[] depth = new int[dfa.stateCount()];
            java.util.Arrays.fill(depth, -1);
            depth[0] = 0;
            int[] queue = new int[dfa.stateCount()];
            int head = 0;
            int tail = 1;
            while (head < tail) {
                int s = queue[head++];
                for (int c = 0; c < dfa.classCount(); c++) {
                    int t = dfa.nextUnsafe()[s * dfa.classCount() + c] & AhoCorasickDfa.STATE_MASK;
                    if (depth[t] < 0) {
                        depth[t] = depth[s] + 1;
                        queue[tail++] = t;
                    }
                }
            }
            assertThat(tail).as("every state reachable").isEqualTo(dfa.stateCount());
            for (int s = 1; s < depth.length; s++) {
                assertThat(depth[s]).as("depth of state %d of %d", s, depth.length).isGreaterThanOrEqualTo(depth[s - 1]);
            }
        }
    }

    @Test
    void shouldBuildTheSameTablesAsTheReferenceConstruction() {
        // random sets over small and wide alphabets, with nesting, shared prefixes, duplicates, case folding and
        // bytes >= 0x80; the largest have depths of more than PARALLEL_ROWS states, which are filled in parallel.
        // Each size meets every alphabet once, with and without case folding (the largest: folding with 2 and 26)
        java.util.Random rnd = new java.util.Random(11);
        int[] sizes = {1, 2, 17, 300, 2_000, 30_000};
        for (int round = 0; round < 24; round++) {
            int alphabet = new int[] {2, 4, 26, 256}[round / sizes.length];
            boolean ignoreCase = (round + round / sizes.length) % 2 == 1;
            List<byte[]> patterns = new ArrayList<>();
            for (int i = 0, n = sizes[round % sizes.length]; i < n; i++) {
                if (!patterns.isEmpty() && rnd.nextInt(10) == 0) {
                    byte[] earlier = patterns.get(rnd.nextInt(patterns.size()));
                    patterns.add(java.util.Arrays.copyOf(earlier, 1 + rnd.nextInt(earlier.length)));
                    continue;
                }
                byte[] p = new byte[1 + rnd.nextInt(24)];
                for (int k = 0; k < p.length; k++) {
                    p[k] = (byte) (alphabet == 256 ? rnd.nextInt(256) : (rnd.nextBoolean() ? 'A' : 'a') + rnd.nextInt(alphabet));
                }
                patterns.add(p);
            }
            AhoCorasickDfa dfa = AhoCorasickDfa.compile(patterns, ignoreCase);
            int[][] reference = AhoCorasickReference.tables(patterns, ignoreCase);
            String set = patterns.size() + " patterns, alphabet " + alphabet + ", ignore case " + ignoreCase;
            assertThat(dfa.nextUnsafe()).as("transitions, " + set).isEqualTo(reference[0]);
            assertThat(dfa.outStartUnsafe()).as("output slices, " + set).isEqualTo(reference[1]);
            assertThat(dfa.outPatternsUnsafe()).as("outputs, " + set).isEqualTo(reference[2]);
        }
    }

    @Test
    void shouldRefuseEmptyPatternsAndOversizedSets() {
        assertThatThrownBy(() -> AhoCorasickDfa.compile(bytes(""), false)).hasMessageContaining("empty");
        assertThatThrownBy(() -> AhoCorasickDfa.compile(List.of(), false)).hasMessageContaining("at least one");
        // 2,100 random patterns of 4 KiB: 8.6 million states x 257 byte classes, past what one table holds
        List<byte[]> huge = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(1);
        for (int i = 0; i < 2_100; i++) {
            byte[] p = new byte[4096];
            rnd.nextBytes(p);
            huge.add(p);
        }
        assertThatThrownBy(() -> AhoCorasickDfa.compile(huge, false)).hasMessageContaining("split it");
    }
}
