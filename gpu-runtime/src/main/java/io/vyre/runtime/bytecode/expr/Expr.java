package io.vyre.runtime.bytecode.expr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A per-record expression: instructions of four words {@code [op, dst, a, b]} over {@link #REGISTERS}
 * typed registers, and a table of literals. Build one with {@link Builder}; check it with
 * {@link ExprValidator} (programs do so when validated).
 */
public final class Expr implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    public static final int REGISTERS = 8;
    public static final int MAX_INSTRUCTIONS = 64;
    public static final int MAX_LITERALS = 16;
    public static final int MAX_LITERAL_LENGTH = 4096;
    public static final int WORDS_PER_INSTRUCTION = 4;

    private final int[] code;
    private final List<byte[]> literals;

    public Expr(int[] code, List<byte[]> literals) {
        this.code = code.clone();
        List<byte[]> copy = new ArrayList<>();
        for (byte[] l : literals) {
            copy.add(l.clone());
        }
        this.literals = List.copyOf(copy);
    }

    public int instructionCount() {
        return code.length / WORDS_PER_INSTRUCTION;
    }

    public int word(int instruction, int word) {
        return code[instruction * WORDS_PER_INSTRUCTION + word];
    }

    public int[] code() {
        return code.clone();
    }

    public int literalCount() {
        return literals.size();
    }

    public byte[] literal(int index) {
        return literals.get(index).clone();
    }

    /** The literals without copying; callers must not modify them. */
    public List<byte[]> literalsUnsafe() {
        return literals;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Expr other) || !Arrays.equals(code, other.code) || literals.size() != other.literals.size()) {
            return false;
        }
        for (int i = 0; i < literals.size(); i++) {
            if (!Arrays.equals(literals.get(i), other.literals.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(code);
        for (byte[] l : literals) {
            h = 31 * h + Arrays.hashCode(l);
        }
        return h;
    }

    @Override
    public String toString() {
        return "Expr[" + instructionCount() + " instructions, " + literals.size() + " literals]";
    }

    /** Appends instructions; literals are interned so equal byte strings share an index. */
    public static final class Builder {
        private final List<Integer> words = new ArrayList<>();
        private final List<byte[]> literals = new ArrayList<>();

        public Builder op(ExprOp op, int dst, int a, int b) {
            words.add(op.code());
            words.add(dst);
            words.add(a);
            words.add(b);
            return this;
        }

        public int literal(byte[] bytes) {
            for (int i = 0; i < literals.size(); i++) {
                if (Arrays.equals(literals.get(i), bytes)) {
                    return i;
                }
            }
            literals.add(bytes.clone());
            return literals.size() - 1;
        }

        public Builder constInt(int dst, int value) {
            return op(ExprOp.CONST_INT, dst, value, 0);
        }

        public Builder record(int dst) {
            return op(ExprOp.RECORD, dst, 0, 0);
        }

        public Builder field(int dst, int slice, byte separator, int index) {
            return op(ExprOp.FIELD, dst, slice, (separator & 0xFF) | (index << 8));
        }

        public Builder length(int dst, int slice) {
            return op(ExprOp.LENGTH, dst, slice, 0);
        }

        public Builder test(ExprOp op, int dst, int slice, byte[] literal) {
            return op(op, dst, slice, literal(literal));
        }

        public Builder ret(int register) {
            return op(ExprOp.RET, 0, register, 0);
        }

        public Expr build() {
            int[] code = new int[words.size()];
            for (int i = 0; i < code.length; i++) {
                code[i] = words.get(i);
            }
            return new Expr(code, literals);
        }
    }
}
