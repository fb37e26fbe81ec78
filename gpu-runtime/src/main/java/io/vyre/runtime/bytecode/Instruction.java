package io.vyre.runtime.bytecode;

import java.util.Arrays;

/**
 * One VIR0 instruction: an opcode, its operands, and which operands name a register instead of holding
 * an immediate (bit i of {@code registerMask} for operand i; programs only).
 */
public final class Instruction {
    /** Registers r0..r15; a slot's ARG0..ARG7 arrive in r0..r7, r8 and r9 become RESULT and DETAIL. */
    public static final int REGISTERS = 16;
    public static final int RESULT_REGISTER = 8;
    public static final int DETAIL_REGISTER = 9;

    private final Opcode opcode;
    private final int registerMask;
    private final int[] operands;

    public Instruction(Opcode opcode, int registerMask, int... operands) {
        if (operands.length != opcode.arity()) {
            throw new IllegalArgumentException(opcode + " takes " + opcode.arity() + " operands, got " + operands.length);
        }
        if ((registerMask & ~((1 << opcode.arity()) - 1)) != 0) {
            throw new IllegalArgumentException("register mask 0x" + Integer.toHexString(registerMask)
                + " marks operands " + opcode + " does not have");
        }
        this.opcode = opcode;
        this.registerMask = registerMask;
        this.operands = operands.clone();
    }

    public static Instruction of(Opcode opcode, int... immediates) {
        return new Instruction(opcode, 0, immediates);
    }

    public Opcode opcode() {
        return opcode;
    }

    public int registerMask() {
        return registerMask;
    }

    public boolean isRegister(int operand) {
        return (registerMask & (1 << operand)) != 0;
    }

    public int operand(int i) {
        return operands[i];
    }

    public int[] operands() {
        return operands.clone();
    }

    public int arity() {
        return operands.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Instruction other && opcode == other.opcode && registerMask == other.registerMask
            && Arrays.equals(operands, other.operands);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * opcode.hashCode() + registerMask) + Arrays.hashCode(operands);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(opcode.mnemonic());
        for (int i = 0; i < operands.length; i++) {
            b.append(i == 0 ? " " : ", ");
            if (isRegister(i)) {
                b.append('r').append(operands[i]);
            } else if (opcode.operands().get(i).isConstant()) {
                b.append('c').append(operands[i]);
            } else {
                b.append(Integer.toUnsignedString(operands[i]));
            }
        }
        return b.toString();
    }
}
