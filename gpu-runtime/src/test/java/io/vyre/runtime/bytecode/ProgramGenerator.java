package io.vyre.runtime.bytecode;

import io.vyre.runtime.bytecode.expr.Expr;
import io.vyre.runtime.bytecode.expr.ExprOp;
import io.vyre.runtime.bytecode.expr.ExprType;
import io.vyre.runtime.protocol.ControlBlockDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builds random valid VIR0 programs from a seed: every op kind, register and immediate operands, all constant kinds. */
final class ProgramGenerator {
    private final Random rnd;

    ProgramGenerator(long seed) {
        this.rnd = new Random(seed);
    }

    Vir0Program program() {
        List<Constant> constants = new ArrayList<>();
        List<Integer> patterns = new ArrayList<>();
        List<Integer> boolExprs = new ArrayList<>();
        List<Integer> intExprs = new ArrayList<>();
        int nConst = rnd.nextInt(5);
        for (int i = 0; i < nConst; i++) {
            switch (rnd.nextInt(4)) {
                case 0 -> {
                    patterns.add(constants.size());
                    constants.add(patterns());
                }
                case 1 -> constants.add(new BytesConstant(bytes(rnd.nextInt(9))));
                case 2 -> {
                    boolExprs.add(constants.size());
                    constants.add(new ExprConstant(expr(ExprType.BOOL)));
                }
                default -> {
                    intExprs.add(constants.size());
                    constants.add(new ExprConstant(expr(ExprType.INT)));
                }
            }
        }
        List<Instruction> ops = new ArrayList<>();
        boolean input = false;
        boolean matches = false;
        int n = 1 + rnd.nextInt(12);
        for (int i = 0; i < n; i++) {
            Opcode op = Opcode.values()[rnd.nextInt(Opcode.values().length)];
            if (!op.allowedInProgram()) {
                continue;
            }
            boolean needsInput = op.ordinal() >= Opcode.FRAME_DELIM.ordinal() && op != Opcode.LOAD_MISS;
            if (needsInput && !input) {
                ops.add(operands(Opcode.INPUT, patterns, boolExprs, intExprs));
                input = true;
                matches = false;
            }
            if ((op == Opcode.REDACT || op == Opcode.EMIT_MATCHES) && !matches) {
                if (patterns.isEmpty()) {
                    continue;
                }
                ops.add(operands(Opcode.MATCH, patterns, boolExprs, intExprs));
                matches = true;
            }
            if ((op == Opcode.MATCH || op == Opcode.DFA_STEP) && patterns.isEmpty()
                || op == Opcode.FILTER && boolExprs.isEmpty() || op == Opcode.PROJECT && intExprs.isEmpty()) {
                continue;
            }
            ops.add(operands(op, patterns, boolExprs, intExprs));
            if (op == Opcode.INPUT || op == Opcode.LOAD_MISS) {
                input = true;
                matches = false;
            }
            if (op == Opcode.MATCH) {
                matches = true;
            }
        }
        if (ops.isEmpty()) {
            ops.add(Instruction.of(Opcode.NOP));
        }
        return new Vir0Program(ops, constants);
    }

    private Instruction operands(Opcode op, List<Integer> patterns, List<Integer> boolExprs, List<Integer> intExprs) {
        int[] values = new int[op.arity()];
        int mask = 0;
        for (int k = 0; k < values.length; k++) {
            OperandKind kind = op.operands().get(k);
            if (!kind.immediateOnly() && rnd.nextInt(3) == 0) {
                mask |= 1 << k;
                values[k] = rnd.nextInt(Instruction.REGISTERS);
                continue;
            }
            values[k] = switch (kind) {
                case BYTE -> rnd.nextInt(256);
                case CONTROL_READ -> rnd.nextInt(ControlBlockDescriptor.CONTROL_WORDS);
                case CONTROL_WRITE -> ControlBlockDescriptor.OBSERVABLE_BASE + rnd.nextInt(ControlBlockDescriptor.OBSERVABLE_WORDS);
                case CONST_PATTERNS -> patterns.get(rnd.nextInt(patterns.size()));
                case CONST_EXPR -> op == Opcode.FILTER ? boolExprs.get(rnd.nextInt(boolExprs.size()))
                    : intExprs.get(rnd.nextInt(intExprs.size()));
                default -> rnd.nextInt();
            };
            if (op == Opcode.FRAME_FIXED && k == 0 && values[k] == 0) {
                values[k] = 1;
            }
        }
        return new Instruction(op, mask, values);
    }

    private PatternsConstant patterns() {
        List<byte[]> list = new ArrayList<>();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            list.add(bytes(1 + rnd.nextInt(6)));
        }
        return new PatternsConstant(list, rnd.nextBoolean());
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /** A well-typed expression ending in RET of the wanted type. */
    Expr expr(ExprType want) {
        Expr.Builder b = Expr.builder();
        b.record(0);
        b.length(1, 0);
        b.constInt(2, rnd.nextInt(100));
        int steps = rnd.nextInt(5);
        for (int i = 0; i < steps; i++) {
            switch (rnd.nextInt(4)) {
                case 0 -> b.field(0, 0, (byte) rnd.nextInt(256), rnd.nextInt(4));
                case 1 -> b.test(ExprOp.values()[ExprOp.CONTAINS.ordinal() + rnd.nextInt(4)], 3, 0, bytes(rnd.nextInt(4)));
                case 2 -> b.op(ExprOp.values()[ExprOp.EQ.ordinal() + rnd.nextInt(6)], 4, 1, 2);
                default -> b.length(1, 0);
            }
        }
        if (want == ExprType.BOOL) {
            b.op(ExprOp.GT, 5, 1, 2);
            b.test(ExprOp.CONTAINS, 6, 0, bytes(1 + rnd.nextInt(3)));
            b.op(rnd.nextBoolean() ? ExprOp.AND : ExprOp.OR, 7, 5, 6);
            b.op(ExprOp.NOT, 7, 7, 0);
            return b.ret(7).build();
        }
        return b.ret(rnd.nextBoolean() ? 1 : 2).build();
    }
}
