package io.vyre.runtime.bytecode;

import java.util.ArrayList;
import java.util.List;

/**
 * A VIR0 program: a straight-line list of instructions and a constant pool. Obtain one from
 * {@link #builder()}, {@link Vir0Assembler} or {@link Vir0Codec#decode}; programs are validated
 * ({@link Vir0Validator}) before the runtime loads them.
 */
public record Vir0Program(List<Instruction> ops, List<Constant> constants) {
    public static final int MAX_OPS = 4096;
    public static final int MAX_CONSTANTS = 256;

    public Vir0Program {
        ops = List.copyOf(ops);
        constants = List.copyOf(constants);
    }

    public Instruction op(int index) {
        return ops.get(index);
    }

    public Constant constant(int index) {
        return constants.get(index);
    }

    public byte[] encode() {
        return Vir0Codec.encode(this);
    }

    /** Decodes and validates. */
    public static Vir0Program fromBytes(byte[] bytes) {
        Vir0Program program = Vir0Codec.decode(bytes);
        Vir0Validator.validate(program);
        return program;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Appends constants and ops in order; {@link #build()} validates. */
    public static final class Builder {
        private final List<Instruction> ops = new ArrayList<>();
        private final List<Constant> constants = new ArrayList<>();

        /** Adds a constant and returns its index (the value of a constant operand). */
        public int constant(Constant constant) {
            constants.add(constant);
            return constants.size() - 1;
        }

        public Builder op(Instruction instruction) {
            ops.add(instruction);
            return this;
        }

        /**
         * Adds an op whose operands are registers ({@link Reg#r}) or numbers (immediates, constant indices).
         */
        public Builder op(Opcode opcode, Object... operands) {
            int mask = 0;
            int[] values = new int[operands.length];
            for (int i = 0; i < operands.length; i++) {
                Object o = operands[i];
                if (o instanceof Reg reg) {
                    mask |= 1 << i;
                    values[i] = reg.index();
                } else {
                    values[i] = ((Number) o).intValue();
                }
            }
            ops.add(new Instruction(opcode, mask, values));
            return this;
        }

        public Vir0Program build() {
            Vir0Program program = new Vir0Program(ops, constants);
            Vir0Validator.validate(program);
            return program;
        }

        public Vir0Program buildUnvalidated() {
            return new Vir0Program(ops, constants);
        }
    }

    /** A register operand for {@link Builder#op(Opcode, Object...)}. */
    public record Reg(int index) {
        public static Reg r(int index) {
            return new Reg(index);
        }
    }
}
