package io.vyre.runtime.backend.cpu;

import java.nio.ByteOrder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * MATCH on the CPU: one pass of the Aho-Corasick DFA over the input, eight bytes per load, reporting
 * every occurrence of every pattern (overlaps included) whose start lies before the limit.
 */
final class MatchOp {
    private MatchOp() {
    }

    static void match(CpuDfa dfa, Invocation inv, long limit) {
        inv.matched = true;
        inv.matchCount = 0;
        UnsafeBuffer in = inv.input.buffer();
        int len = inv.inputLength;
        int[] rows = dfa.rows;
        byte[] cls = dfa.classOf;
        int s = 0;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            long w = in.getLong(i, ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < 8; k++) {
                int n = rows[s + (cls[(int) (w >>> (k << 3)) & 0xFF] & 0xFF)];
                s = n & 0x7FFF_FFFF;
                if (n < 0) {
                    report(dfa, s, i + k, limit, inv);
                }
            }
        }
        for (; i < len; i++) {
            int n = rows[s + (cls[in.getByte(i) & 0xFF] & 0xFF)];
            s = n & 0x7FFF_FFFF;
            if (n < 0) {
                report(dfa, s, i, limit, inv);
            }
        }
    }

    private static void report(CpuDfa dfa, int row, int end, long limit, Invocation inv) {
        int state = row / dfa.classes;
        int[] outStart = dfa.dfa.outStartUnsafe();
        int[] out = dfa.dfa.outPatternsUnsafe();
        int[] lengths = dfa.dfa.patternLengthUnsafe();
        for (int k = outStart[state], to = outStart[state + 1]; k < to; k++) {
            int id = out[k];
            int length = lengths[id];
            int start = end - length + 1;
            if (start < limit) {
                inv.addMatch(start, id, length);
            }
        }
    }
}
