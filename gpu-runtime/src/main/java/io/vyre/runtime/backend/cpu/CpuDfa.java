package io.vyre.runtime.backend.cpu;

import io.vyre.runtime.dfa.AhoCorasickDfa;

/**
 * Aho-Corasick tables re-laid for the CPU's inner loop: each entry holds the next state's row offset
 * ({@code state * classes}) instead of its number, which saves a multiply per byte; bit 31 still flags
 * states that report matches.
 */
final class CpuDfa {
    final AhoCorasickDfa dfa;
    final int[] rows;
    final byte[] classOf;
    final int classes;

    CpuDfa(AhoCorasickDfa dfa) {
        this.dfa = dfa;
        this.classes = dfa.classCount();
        this.classOf = dfa.classOfUnsafe();
        int[] next = dfa.nextUnsafe();
        rows = new int[next.length];
        for (int i = 0; i < next.length; i++) {
            int t = next[i];
            rows[i] = (t & AhoCorasickDfa.STATE_MASK) * classes | (t & AhoCorasickDfa.MATCH_FLAG);
        }
    }
}
