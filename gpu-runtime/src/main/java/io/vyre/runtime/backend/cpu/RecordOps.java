package io.vyre.runtime.backend.cpu;

import io.vyre.runtime.bytecode.expr.Expr;
import io.vyre.runtime.memory.OutputRegion;
import io.vyre.runtime.protocol.OutputRegionDescriptor;
import io.vyre.runtime.protocol.SlotError;
import org.agrona.concurrent.UnsafeBuffer;

/** The record-level data-parallel ops on the CPU: framing, filtering, projection, hashing, redaction, emission. */
final class RecordOps {
    static final int FLAG_STARTS_INSIDE_RECORD = 1;
    static final int FLAG_FINAL = 2;
    static final int FLAG_TAIL = 4;
    static final int FNV_OFFSET_BASIS = 0x811C9DC5;
    static final int FNV_PRIME = 0x01000193;

    private RecordOps() {
    }

    /**
     * Splits the input at {@code delimiter} (see {@link io.vyre.runtime.bytecode.Opcode#FRAME_DELIM}) and
     * leaves in r9 the offset where framing stopped: the start of the first record left to a later input.
     */
    static void frameDelimited(Invocation inv, byte delimiter, long own, int flags) {
        UnsafeBuffer in = inv.input.buffer();
        int len = inv.inputLength;
        inv.recordCount = 0;
        inv.framed = true;
        boolean last = (flags & FLAG_FINAL) != 0;
        int pos = 0;
        if ((flags & FLAG_STARTS_INSIDE_RECORD) != 0) {
            int d = indexOf(in, delimiter, 0, len);
            if (d < 0) {
                inv.regs[9] = last ? len : 0;
                return;
            }
            pos = d + 1;
        }
        while (pos < len && pos < own) {
            int d = indexOf(in, delimiter, pos, len);
            if (d >= 0) {
                inv.addRecord(pos, d - pos);
                pos = d + 1;
            } else if (last) {
                inv.addRecord(pos, len - pos);
                pos = len;
            } else if ((flags & FLAG_TAIL) != 0) {
                break;
            } else {
                throw new SlotFault(SlotError.RECORD_INCOMPLETE, pos);
            }
        }
        inv.regs[9] = pos;
    }

    static void frameFixed(Invocation inv, int length, long own, int flags) {
        int len = inv.inputLength;
        inv.recordCount = 0;
        inv.framed = true;
        long pos = 0;
        for (; pos < len && pos < own; pos += length) {
            if (pos + length <= len) {
                inv.addRecord((int) pos, length);
            } else if ((flags & FLAG_FINAL) != 0) {
                inv.addRecord((int) pos, (int) (len - pos));
            } else if ((flags & FLAG_TAIL) != 0) {
                break;
            } else {
                throw SlotFault.of(SlotError.RECORD_INCOMPLETE, pos);
            }
        }
        inv.regs[9] = (int) Math.min(pos, len);
    }

    static void filter(Invocation inv, Expr expr) {
        inv.ensureRecords();
        ExprEvaluator eval = new ExprEvaluator(expr, inv.input.buffer());
        int kept = 0;
        for (int i = 0; i < inv.recordCount; i++) {
            if (eval.evaluate(inv.recordStart[i], inv.recordLength[i]) != 0) {
                inv.recordStart[kept] = inv.recordStart[i];
                inv.recordLength[kept] = inv.recordLength[i];
                inv.recordValue[kept] = inv.recordValue[i];
                kept++;
            }
        }
        inv.recordCount = kept;
    }

    static void project(Invocation inv, Expr expr) {
        inv.ensureRecords();
        ExprEvaluator eval = new ExprEvaluator(expr, inv.input.buffer());
        for (int i = 0; i < inv.recordCount; i++) {
            inv.recordValue[i] = eval.evaluate(inv.recordStart[i], inv.recordLength[i]);
        }
    }

    /** FNV-1a 32 of each record, starting from the offset basis xor {@code seed}. */
    static void hash(Invocation inv, int seed) {
        inv.ensureRecords();
        UnsafeBuffer in = inv.input.buffer();
        for (int i = 0; i < inv.recordCount; i++) {
            int h = FNV_OFFSET_BASIS ^ seed;
            for (int p = inv.recordStart[i], end = p + inv.recordLength[i]; p < end; p++) {
                h = (h ^ (in.getByte(p) & 0xFF)) * FNV_PRIME;
            }
            inv.recordValue[i] = h;
        }
    }

    static void redact(Invocation inv, byte mask) {
        UnsafeBuffer in = inv.input.buffer();
        for (int i = 0; i < inv.matchCount; i++) {
            int start = Math.max(0, inv.matchOffset[i]);
            int end = Math.min(inv.inputLength, inv.matchOffset[i] + inv.matchLength[i]);
            if (end > start) {
                in.setMemory(start, end - start, mask);
            }
        }
    }

    static int emitMatches(Invocation inv, OutputRegion out) {
        int n = inv.matchCount;
        int at = reserve(out, n, OutputRegionDescriptor.MATCH_ENTRY_WORDS);
        for (int i = 0; i < n; i++) {
            out.putWord(at++, inv.matchOffset[i]);
            out.putWord(at++, inv.matchPattern[i]);
        }
        return n;
    }

    static int emitRecords(Invocation inv, OutputRegion out) {
        inv.ensureRecords();
        int n = inv.recordCount;
        int at = reserve(out, n, OutputRegionDescriptor.RECORD_ENTRY_WORDS);
        for (int i = 0; i < n; i++) {
            out.putWord(at++, inv.recordStart[i]);
            out.putWord(at++, inv.recordLength[i]);
            out.putWord(at++, inv.recordValue[i]);
        }
        return n;
    }

    private static int reserve(OutputRegion out, int entries, int entryWords) {
        long words = (long) entries * entryWords;
        if (words > out.capacityWords()) {
            throw SlotFault.of(SlotError.OUTPUT_OVERFLOW, words);
        }
        int at = out.reserve((int) words);
        if (at < 0) {
            // the words the region would need in total; its cursor stays where it was
            throw SlotFault.of(SlotError.OUTPUT_OVERFLOW, out.cursorWords() + words);
        }
        return at;
    }

    static int indexOf(UnsafeBuffer in, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (in.getByte(i) == b) {
                return i;
            }
        }
        return -1;
    }
}
