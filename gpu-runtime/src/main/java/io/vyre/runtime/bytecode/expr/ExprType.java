package io.vyre.runtime.bytecode.expr;

/** The value types of the expression VM. */
public enum ExprType {
    /** Signed 32-bit integer. */
    INT,
    BOOL,
    /** A byte range of the current record. */
    SLICE
}
