package io.vyre.runtime.bytecode.expr;

import static io.vyre.runtime.bytecode.expr.ExprType.*;

import java.util.Locale;

/**
 * Instructions of the per-record expression VM: a small typed register machine. Each instruction is
 * four u32 words {@code [op, dst, a, b]}; what {@code a} and {@code b} mean depends on the op.
 */
public enum ExprOp {
    CONST_INT(1, INT, Arg.IMMEDIATE, Arg.NONE, "dst = a"),
    RECORD(2, SLICE, Arg.NONE, Arg.NONE, "dst = the whole record"),
    FIELD(3, SLICE, Arg.SLICE, Arg.FIELD_SPEC,
        "dst = field (b >> 8) of slice a split at byte (b & 0xFF); empty when there are fewer fields"),
    LENGTH(4, INT, Arg.SLICE, Arg.NONE, "dst = length of slice a"),
    CONTAINS(5, BOOL, Arg.SLICE, Arg.LITERAL, "dst = slice a contains literal b"),
    STARTS_WITH(6, BOOL, Arg.SLICE, Arg.LITERAL, "dst = slice a starts with literal b"),
    ENDS_WITH(7, BOOL, Arg.SLICE, Arg.LITERAL, "dst = slice a ends with literal b"),
    EQUALS(8, BOOL, Arg.SLICE, Arg.LITERAL, "dst = slice a equals literal b"),
    EQ(9, BOOL, Arg.INT, Arg.INT, "dst = a == b"),
    NE(10, BOOL, Arg.INT, Arg.INT, "dst = a != b"),
    LT(11, BOOL, Arg.INT, Arg.INT, "dst = a < b"),
    LE(12, BOOL, Arg.INT, Arg.INT, "dst = a <= b"),
    GT(13, BOOL, Arg.INT, Arg.INT, "dst = a > b"),
    GE(14, BOOL, Arg.INT, Arg.INT, "dst = a >= b"),
    AND(15, BOOL, Arg.BOOL, Arg.BOOL, "dst = a && b"),
    OR(16, BOOL, Arg.BOOL, Arg.BOOL, "dst = a || b"),
    NOT(17, BOOL, Arg.BOOL, Arg.NONE, "dst = !a"),
    RET(18, null, Arg.ANY, Arg.NONE, "the expression's value is register a; must be the last instruction");

    /** What an instruction's a or b word holds. */
    public enum Arg {
        NONE, IMMEDIATE, FIELD_SPEC, LITERAL, INT, BOOL, SLICE, ANY;

        public boolean isRegister() {
            return this == INT || this == BOOL || this == SLICE || this == ANY;
        }

        public ExprType type() {
            switch (this) {
                case INT: return ExprType.INT;
                case BOOL: return ExprType.BOOL;
                case SLICE: return ExprType.SLICE;
                default: return null;
            }
        }
    }

    private static final ExprOp[] BY_CODE = new ExprOp[32];

    static {
        for (ExprOp op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;
    private final ExprType result;
    private final Arg a;
    private final Arg b;
    private final String semantics;

    ExprOp(int code, ExprType result, Arg a, Arg b, String semantics) {
        this.code = code;
        this.result = result;
        this.a = a;
        this.b = b;
        this.semantics = semantics;
    }

    public int code() {
        return code;
    }

    /** The type written to dst, or {@code null} for RET. */
    public ExprType result() {
        return result;
    }

    public Arg a() {
        return a;
    }

    public Arg b() {
        return b;
    }

    public String semantics() {
        return semantics;
    }

    public static ExprOp fromCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    public static ExprOp fromMnemonic(String mnemonic) {
        try {
            return valueOf(mnemonic.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
