package io.vyre.runtime.bytecode.expr;

/** An expression that fails type checking; names the instruction. */
public final class ExprException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int instruction;

    public ExprException(int instruction, String problem) {
        super((instruction >= 0 ? "expression instruction " + instruction + ": " : "expression: ") + problem);
        this.instruction = instruction;
    }

    public int instruction() {
        return instruction;
    }
}
