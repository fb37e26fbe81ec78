package io.vyre.runtime.bytecode;

/** An entry of a VIR0 program's constant pool. */
public sealed interface Constant permits PatternsConstant, BytesConstant, ExprConstant {
    int KIND_PATTERNS = 1;
    int KIND_BYTES = 2;
    int KIND_EXPR = 3;

    int kind();

    static String kindName(int kind) {
        switch (kind) {
            case KIND_PATTERNS: return "patterns";
            case KIND_BYTES: return "bytes";
            case KIND_EXPR: return "expr";
            default: return "unknown kind " + kind;
        }
    }
}
