package io.vyre.runtime.backend.cpu;

import io.vyre.runtime.bytecode.expr.Expr;
import io.vyre.runtime.bytecode.expr.ExprOp;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Evaluates a validated expression over one record. INT and BOOL live in {@code ints} (BOOL as 0/1),
 * SLICE as (offset, length) in {@code offs}/{@code lens}; programs only RET an INT (PROJECT) or a BOOL
 * (FILTER), which the validator enforces.
 */
final class ExprEvaluator {
    private final int[] code;
    private final int count;
    private final byte[][] literals;
    private final UnsafeBuffer in;
    private final int[] ints = new int[Expr.REGISTERS];
    private final int[] offs = new int[Expr.REGISTERS];
    private final int[] lens = new int[Expr.REGISTERS];

    ExprEvaluator(Expr expr, UnsafeBuffer in) {
        this.code = expr.code();
        this.count = expr.instructionCount();
        this.literals = expr.literalsUnsafe().toArray(new byte[0][]);
        this.in = in;
    }

    int evaluate(int recordStart, int recordLength) {
        for (int i = 0; i < count; i++) {
            int w = i * 4;
            ExprOp op = ExprOp.fromCode(code[w]);
            int dst = code[w + 1];
            int a = code[w + 2];
            int b = code[w + 3];
            switch (op) {
                case CONST_INT: ints[dst] = a; break;
                case RECORD: offs[dst] = recordStart; lens[dst] = recordLength; break;
                case FIELD: field(dst, a, (byte) (b & 0xFF), b >>> 8); break;
                case LENGTH: ints[dst] = lens[a]; break;
                case CONTAINS: ints[dst] = contains(offs[a], lens[a], literals[b]) ? 1 : 0; break;
                case STARTS_WITH: ints[dst] = startsAt(offs[a], lens[a], literals[b], 0) ? 1 : 0; break;
                case ENDS_WITH: ints[dst] = startsAt(offs[a], lens[a], literals[b], lens[a] - literals[b].length) ? 1 : 0; break;
                case EQUALS: ints[dst] = lens[a] == literals[b].length && startsAt(offs[a], lens[a], literals[b], 0) ? 1 : 0; break;
                case EQ: ints[dst] = ints[a] == ints[b] ? 1 : 0; break;
                case NE: ints[dst] = ints[a] != ints[b] ? 1 : 0; break;
                case LT: ints[dst] = ints[a] < ints[b] ? 1 : 0; break;
                case LE: ints[dst] = ints[a] <= ints[b] ? 1 : 0; break;
                case GT: ints[dst] = ints[a] > ints[b] ? 1 : 0; break;
                case GE: ints[dst] = ints[a] >= ints[b] ? 1 : 0; break;
                case AND: ints[dst] = (ints[a] & ints[b]) != 0 ? 1 : 0; break;
                case OR: ints[dst] = (ints[a] | ints[b]) != 0 ? 1 : 0; break;
                case NOT: ints[dst] = ints[a] == 0 ? 1 : 0; break;
                case RET: return ints[a];
                default: throw new IllegalStateException("unvalidated expression op " + op);
            }
        }
        throw new IllegalStateException("expression without RET; validate it first");
    }

    private void field(int dst, int src, byte separator, int index) {
        int start = offs[src];
        int end = start + lens[src];
        int fieldStart = start;
        int n = 0;
        for (int p = start; p <= end; p++) {
            if (p == end || in.getByte(p) == separator) {
                if (n == index) {
                    offs[dst] = fieldStart;
                    lens[dst] = p - fieldStart;
                    return;
                }
                n++;
                fieldStart = p + 1;
            }
        }
        offs[dst] = end;
        lens[dst] = 0;
    }

    private boolean contains(int off, int len, byte[] lit) {
        if (lit.length == 0) {
            return true;
        }
        for (int p = 0; p + lit.length <= len; p++) {
            if (startsAt(off, len, lit, p)) {
                return true;
            }
        }
        return false;
    }

    private boolean startsAt(int off, int len, byte[] lit, int at) {
        if (at < 0 || at + lit.length > len) {
            return false;
        }
        for (int k = 0; k < lit.length; k++) {
            if (in.getByte(off + at + k) != lit[k]) {
                return false;
            }
        }
        return true;
    }
}
