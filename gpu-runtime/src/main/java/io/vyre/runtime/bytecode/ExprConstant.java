package io.vyre.runtime.bytecode;

import io.vyre.runtime.bytecode.expr.Expr;

/** A per-record expression, evaluated by FILTER (BOOL result) and PROJECT (INT result). */
public record ExprConstant(Expr expr) implements Constant {
    @Override
    public int kind() {
        return KIND_EXPR;
    }
}
