package io.vyre.runtime.backend.cpu;

import io.vyre.runtime.backend.cpu.vectorscan.LiteralDatabase;
import io.vyre.runtime.backend.cpu.vectorscan.LiteralScanner;
import java.nio.ByteOrder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * MATCH on the CPU: every occurrence of every pattern (overlaps included) whose start lies before the limit,
 * found by Vectorscan or by one pass of the Java Aho-Corasick DFA (eight bytes per load), the reference.
 */
final class MatchOp {
    private MatchOp() {
    }

    /** With Vectorscan: the same matches, reported at their ends by the library, through the worker's scanner. */
    static void match(LiteralScanner scanner, LiteralDatabase database, Invocation inv, long limit) {
        inv.matched = true;
        inv.matchCount = 0;
        if (!scanner.scan(database, inv.input.address(), inv.inputLength, limit, inv.matchSink)) {
            throw inv.overflow();
        }
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
