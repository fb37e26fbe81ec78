package io.vyre.runtime.program;

import io.vyre.runtime.bytecode.BytesConstant;
import io.vyre.runtime.bytecode.Constant;
import io.vyre.runtime.bytecode.ExprConstant;
import io.vyre.runtime.bytecode.PatternsConstant;
import io.vyre.runtime.bytecode.expr.Expr;
import io.vyre.runtime.dfa.AhoCorasickDfa;

/**
 * A constant as the runtime holds it once its program is loaded: patterns come with their compiled
 * Aho-Corasick tables.
 *
 * @param handle   global constant handle (what a slot's DFA_STEP names)
 * @param constant the constant as the program carries it
 * @param dfa      compiled tables of a PATTERNS constant, else {@code null}
 */
public record ResidentConstant(int handle, Constant constant, AhoCorasickDfa dfa) {

    static ResidentConstant compile(int handle, Constant constant) {
        AhoCorasickDfa dfa = constant instanceof PatternsConstant p ? AhoCorasickDfa.compile(p) : null;
        return new ResidentConstant(handle, constant, dfa);
    }

    /** The literal set of a PATTERNS constant, else {@code null}. */
    public PatternsConstant patterns() {
        return constant instanceof PatternsConstant p ? p : null;
    }

    public Expr expr() {
        return constant instanceof ExprConstant e ? e.expr() : null;
    }

    public byte[] bytes() {
        return constant instanceof BytesConstant b ? b.bytes() : null;
    }

    public int kind() {
        return constant.kind();
    }
}
