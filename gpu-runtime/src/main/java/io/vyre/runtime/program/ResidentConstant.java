package io.vyre.runtime.program;

import io.vyre.runtime.bytecode.BytesConstant;
import io.vyre.runtime.bytecode.Constant;
import io.vyre.runtime.bytecode.ExprConstant;
import io.vyre.runtime.bytecode.PatternsConstant;
import io.vyre.runtime.bytecode.expr.Expr;
import io.vyre.runtime.dfa.AhoCorasickDfa;

/**
 * A constant as the runtime holds it once its program is loaded. The Aho-Corasick tables of a PATTERNS
 * constant are compiled when first asked for: a backend that matches another way (Vectorscan) never pays
 * for them, which matters at a million patterns (gigabytes of tables).
 */
public final class ResidentConstant {
    private final int handle;
    private final Constant constant;
    private volatile AhoCorasickDfa dfa;

    ResidentConstant(int handle, Constant constant) {
        this.handle = handle;
        this.constant = constant;
    }

    /** The global constant handle (what a slot's DFA_STEP names). */
    public int handle() {
        return handle;
    }

    /** The constant as the program carries it. */
    public Constant constant() {
        return constant;
    }

    /**
     * The compiled tables of a PATTERNS constant (compiled on the first call), else {@code null}.
     *
     * @throws IllegalArgumentException when the set is too large for one table
     */
    public AhoCorasickDfa dfa() {
        AhoCorasickDfa d = dfa;
        if (d == null && constant instanceof PatternsConstant p) {
            synchronized (this) {
                d = dfa;
                if (d == null) {
                    d = AhoCorasickDfa.compile(p);
                    dfa = d;
                }
            }
        }
        return d;
    }

    /**
     * Lets the heap copy of the tables go once a backend holds its own (the CUDA kernel's copy in device
     * memory); a later {@link #dfa()} compiles them again.
     */
    public void releaseDfa() {
        dfa = null;
    }

    /** Whether this is a PATTERNS constant (one that has Aho-Corasick tables). */
    public boolean hasDfa() {
        return constant instanceof PatternsConstant;
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
