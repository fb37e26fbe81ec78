package io.vyre.runtime.bytecode;

import static io.vyre.runtime.protocol.ControlBlockDescriptor.CONTROL_WORDS;
import static io.vyre.runtime.protocol.ControlBlockDescriptor.OBSERVABLE_BASE;

import io.vyre.runtime.bytecode.Vir0Exception.Location;
import io.vyre.runtime.bytecode.expr.ExprException;
import io.vyre.runtime.bytecode.expr.ExprType;
import io.vyre.runtime.bytecode.expr.ExprValidator;
import io.vyre.runtime.protocol.ControlBlockDescriptor;
import io.vyre.runtime.protocol.WorkRingDescriptor;

/**
 * Semantic checks of VIR0, run before anything is loaded or published: every op allowed where it
 * stands, every immediate in range, every register r0..r15, constants of the right kind and well
 * formed, and data ops only after the op that produces what they consume. Values held in registers
 * are checked again when the op runs.
 */
public final class Vir0Validator {
    private Vir0Validator() {
    }

    public static void validate(Vir0Program program) {
        int n = program.ops().size();
        if (n < 1 || n > Vir0Program.MAX_OPS) {
            throw new Vir0Exception(Location.NONE, n + " ops: a program holds 1.." + Vir0Program.MAX_OPS);
        }
        if (program.constants().size() > Vir0Program.MAX_CONSTANTS) {
            throw new Vir0Exception(Location.NONE, program.constants().size() + " constants exceed "
                + Vir0Program.MAX_CONSTANTS);
        }
        for (int c = 0; c < program.constants().size(); c++) {
            validateConstant(program.constant(c), c);
        }
        boolean haveInput = false;
        boolean haveMatches = false;
        for (int i = 0; i < n; i++) {
            Instruction op = program.op(i);
            Opcode opcode = op.opcode();
            if (!opcode.allowedInProgram()) {
                throw new Vir0Exception(Location.op(i), opcode + " may only be published in a work-ring slot,"
                    + " not used inside a program");
            }
            for (int k = 0; k < op.arity(); k++) {
                checkOperand(op, i, k, program);
            }
            if (needsInput(opcode) && !haveInput) {
                throw new Vir0Exception(Location.op(i), opcode + " works on the input, but no earlier op selects one:"
                    + " put INPUT or LOAD_MISS before it");
            }
            if ((opcode == Opcode.REDACT || opcode == Opcode.EMIT_MATCHES) && !haveMatches) {
                throw new Vir0Exception(Location.op(i), opcode + " consumes matches, but no earlier op produces them:"
                    + " put MATCH before it");
            }
            if (opcode == Opcode.INPUT || opcode == Opcode.LOAD_MISS) {
                haveInput = true;
                haveMatches = false;
            }
            if (opcode == Opcode.MATCH) {
                haveMatches = true;
            }
            if (opcode == Opcode.FILTER || opcode == Opcode.PROJECT) {
                ExprType want = opcode == Opcode.FILTER ? ExprType.BOOL : ExprType.INT;
                ExprType have = ExprValidator.validate(((ExprConstant) program.constant(op.operand(0))).expr());
                if (have != want) {
                    throw new Vir0Exception(Location.operand(i, 0), opcode + " needs an expression of type " + want
                        + ", c" + op.operand(0) + " returns " + have);
                }
            }
            if (opcode == Opcode.FRAME_FIXED && !op.isRegister(0) && op.operand(0) == 0) {
                throw new Vir0Exception(Location.operand(i, 0), "FRAME_FIXED record length must be at least 1");
            }
        }
    }

    /** Checks one instruction about to be published directly into a work-ring slot. */
    public static void validateSlot(Instruction op, int tenant, int priority) {
        Opcode opcode = op.opcode();
        if (!opcode.allowedInSlot()) {
            throw new Vir0Exception(Location.op(0), opcode + " works on a program's input and may only appear"
                + " inside a program: load the program and publish CALL");
        }
        if (op.registerMask() != 0) {
            throw new Vir0Exception(Location.op(0), "a slot's operands are immediates; registers are for programs");
        }
        for (int k = 0; k < op.arity(); k++) {
            checkImmediate(op, 0, k, Integer.MAX_VALUE);
        }
        if (tenant < 0 || tenant >= ControlBlockDescriptor.TENANT_COUNT) {
            throw new Vir0Exception(Location.op(0), "tenant " + tenant + " is outside [0, "
                + ControlBlockDescriptor.TENANT_COUNT + ")");
        }
        if (priority < 0 || priority >= WorkRingDescriptor.PRIORITY_LEVELS) {
            throw new Vir0Exception(Location.op(0), "priority " + priority + " is outside [0, "
                + WorkRingDescriptor.PRIORITY_LEVELS + ")");
        }
    }

    private static boolean needsInput(Opcode opcode) {
        switch (opcode) {
            case FRAME_DELIM: case FRAME_FIXED: case MATCH: case FILTER: case PROJECT: case REDACT: case HASH:
            case COUNT: case EMIT_MATCHES: case EMIT_RECORDS: case WRITE_BACK:
                return true;
            default:
                return false;
        }
    }

    private static void checkOperand(Instruction op, int i, int k, Vir0Program program) {
        OperandKind kind = op.opcode().operands().get(k);
        int value = op.operand(k);
        if (op.isRegister(k)) {
            if (kind.immediateOnly()) {
                throw new Vir0Exception(Location.operand(i, k), op.opcode() + " operand " + k + " (" + kind.description()
                    + ") must be an immediate constant index, not a register");
            }
            if (value < 0 || value >= Instruction.REGISTERS) {
                throw new Vir0Exception(Location.operand(i, k), "register r" + Integer.toUnsignedString(value)
                    + " does not exist; registers are r0..r" + (Instruction.REGISTERS - 1));
            }
            return;
        }
        checkImmediate(op, i, k, program.constants().size());
        if (kind.isConstant()) {
            int want = kind == OperandKind.CONST_PATTERNS ? Constant.KIND_PATTERNS : Constant.KIND_EXPR;
            int have = program.constant(value).kind();
            if (have != want) {
                throw new Vir0Exception(Location.operand(i, k), op.opcode() + " needs a " + Constant.kindName(want)
                    + " constant, c" + value + " is " + Constant.kindName(have));
            }
        }
    }

    private static void checkImmediate(Instruction op, int i, int k, int constantCount) {
        OperandKind kind = op.opcode().operands().get(k);
        long value = Integer.toUnsignedLong(op.operand(k));
        switch (kind) {
            case BYTE:
                if (value > 0xFF) {
                    throw new Vir0Exception(Location.operand(i, k), op.opcode() + " operand " + k + " is a byte; "
                        + value + " is outside [0, 255]");
                }
                break;
            case CONTROL_READ:
                if (value >= CONTROL_WORDS) {
                    throw new Vir0Exception(Location.operand(i, k), "control word " + value
                        + " is past the control block (" + CONTROL_WORDS + " words)");
                }
                break;
            case CONTROL_WRITE:
                if (!ControlBlockDescriptor.isObservable(value)) {
                    throw new Vir0Exception(Location.operand(i, k), op.opcode() + " may only write observable control"
                        + " words [" + OBSERVABLE_BASE + ", " + CONTROL_WORDS + "); " + value + " is outside them");
                }
                break;
            case CONST_PATTERNS:
            case CONST_EXPR:
                if (value >= constantCount) {
                    throw new Vir0Exception(Location.operand(i, k), "constant c" + value + " does not exist; the pool"
                        + " holds " + constantCount);
                }
                break;
            default:
                break;
        }
    }

    private static void validateConstant(Constant constant, int index) {
        if (constant instanceof PatternsConstant p) {
            if (p.count() < 1 || p.count() > PatternsConstant.MAX_PATTERNS) {
                throw new Vir0Exception(Location.constant(index), p.count() + " patterns: a set holds 1.."
                    + PatternsConstant.MAX_PATTERNS);
            }
            for (int id = 0; id < p.count(); id++) {
                int len = p.patternsUnsafe().get(id).length;
                if (len < 1 || len > PatternsConstant.MAX_PATTERN_LENGTH) {
                    throw new Vir0Exception(Location.constant(index), "pattern " + id + " is " + len
                        + " bytes; patterns are 1.." + PatternsConstant.MAX_PATTERN_LENGTH + " bytes");
                }
            }
            if (p.totalBytes() > PatternsConstant.MAX_TOTAL_BYTES) {
                throw new Vir0Exception(Location.constant(index), p.totalBytes() + " pattern bytes exceed "
                    + PatternsConstant.MAX_TOTAL_BYTES);
            }
        } else if (constant instanceof ExprConstant e) {
            try {
                ExprValidator.validate(e.expr());
            } catch (ExprException ex) {
                throw new Vir0Exception(Location.constant(index), ex.getMessage());
            }
        }
    }
}
