package io.vyre.runtime.backend.cpu;

import static io.vyre.runtime.protocol.ControlBlockDescriptor.CONTROL_WORDS;
import static io.vyre.runtime.protocol.ControlBlockDescriptor.offset;

import io.vyre.runtime.backend.KernelEnvironment;
import io.vyre.runtime.backend.cpu.vectorscan.LiteralDatabase;
import io.vyre.runtime.backend.cpu.vectorscan.LiteralScanner;
import io.vyre.runtime.bytecode.Constant;
import io.vyre.runtime.bytecode.OperandKind;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.io.Capability;
import io.vyre.runtime.memory.OutputRegion;
import io.vyre.runtime.program.ResidentConstant;
import io.vyre.runtime.protocol.ControlBlockDescriptor;
import io.vyre.runtime.protocol.IoQueueDescriptor;
import io.vyre.runtime.protocol.SlotError;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * Executes one VIR0 op for a CPU worker: the reference semantics every backend must match. Operands
 * given as registers are range-checked here (immediates were checked by the validator); a violation
 * ends the slot with an error naming the operand, never a crash.
 */
final class Interpreter {
    private final KernelEnvironment env;
    private final AtomicBuffer control;
    private final KernelIoPort io;
    private final ResidentTables tables;
    private final IdleStrategy idle;
    private LiteralScanner scanner;

    Interpreter(KernelEnvironment env, KernelIoPort io, ResidentTables tables, IdleStrategy idle) {
        this.env = env;
        this.control = env.control().buffer();
        this.io = io;
        this.tables = tables;
        this.idle = idle;
    }

    void execute(Opcode op, int mask, int[] operands, Invocation inv) {
        control.getAndAddInt(offset(ControlBlockDescriptor.metricWord(op.metricIndex())), 1);
        int[] r = inv.regs;
        switch (op) {
            case NOP:
                return;
            case STORE_U32:
                control.putIntVolatile(offset(controlIndex(op, mask, operands, inv, 1)), value(mask, operands, inv, 0));
                return;
            case ATOMIC_ADD:
                r[8] = control.getAndAddInt(offset(controlIndex(op, mask, operands, inv, 0)), value(mask, operands, inv, 1));
                return;
            case LOAD_U32:
                r[8] = control.getIntVolatile(offset(controlIndex(op, mask, operands, inv, 0)));
                return;
            case COMPARE_SWAP: {
                int at = offset(controlIndex(op, mask, operands, inv, 0));
                int expected = value(mask, operands, inv, 1);
                int witness = control.compareAndExchangeInt(at, expected, value(mask, operands, inv, 2));
                r[8] = witness;
                r[9] = witness == expected ? 1 : 0;
                return;
            }
            case MEMCPY:
                memcpy(mask, operands, inv);
                return;
            case DFA_STEP: {
                ResidentConstant c = constant(op, mask, operands, inv, 0);
                int state = value(mask, operands, inv, 1);
                int b = byteOperand(mask, operands, inv, 2);
                if (state < 0 || state >= c.dfa().stateCount()) {
                    throw new SlotFault(SlotError.BAD_OPERAND, 1);
                }
                int n = c.dfa().step(state, b);
                r[8] = n & 0x7FFF_FFFF;
                r[9] = n < 0 ? 1 : 0;
                return;
            }
            case BATCH_FENCE:
                if (inv.program != null) {
                    io.request(inv.tenant, IoQueueDescriptor.OP_FENCE, 0, 0, 0, 0, inv.opIndex, idle);
                }
                return;
            case INPUT: {
                int handle = value(mask, operands, inv, 0);
                Capability buffer = buffer(handle);
                long length = Integer.toUnsignedLong(value(mask, operands, inv, 1));
                if (length > buffer.boundBytes()) {
                    throw SlotFault.of(SlotError.OUT_OF_BOUNDS, length);
                }
                inv.setInput(buffer.buffer(), handle, (int) length);
                return;
            }
            case LOAD_MISS: {
                int src = value(mask, operands, inv, 0);
                long offset = Integer.toUnsignedLong(value(mask, operands, inv, 1))
                    | (Integer.toUnsignedLong(value(mask, operands, inv, 2)) << 32);
                int count = value(mask, operands, inv, 3);
                int dst = value(mask, operands, inv, 4);
                int bytes = io.request(inv.tenant, IoQueueDescriptor.OP_READ, src, dst, offset, count, inv.opIndex, idle);
                Capability buffer = buffer(dst);
                if (Integer.toUnsignedLong(bytes) > buffer.boundBytes()) {
                    // a host that completed a read its pump should have refused: never read past the buffer
                    throw SlotFault.of(SlotError.OUT_OF_BOUNDS, Integer.toUnsignedLong(bytes));
                }
                inv.setInput(buffer.buffer(), dst, bytes);
                r[8] = bytes;
                return;
            }
            case WRITE_BACK: {
                inv.requireInput(op.code());
                long offset = Integer.toUnsignedLong(value(mask, operands, inv, 1))
                    | (Integer.toUnsignedLong(value(mask, operands, inv, 2)) << 32);
                r[8] = io.request(inv.tenant, IoQueueDescriptor.OP_WRITE, inv.inputHandle, value(mask, operands, inv, 0), offset,
                    inv.inputLength, inv.opIndex, idle);
                return;
            }
            case MATCH: {
                inv.requireInput(op.code());
                ResidentConstant patterns = constant(op, mask, operands, inv, 0);
                long limit = Integer.toUnsignedLong(value(mask, operands, inv, 1));
                LiteralDatabase database = tables.database(patterns);
                if (database != null) {
                    MatchOp.match(scanner(), database, inv, limit);
                } else {
                    MatchOp.match(tables.dfa(patterns), inv, limit);
                }
                return;
            }
            case FRAME_DELIM:
                inv.requireInput(op.code());
                RecordOps.frameDelimited(inv, (byte) byteOperand(mask, operands, inv, 0),
                    Integer.toUnsignedLong(value(mask, operands, inv, 1)), value(mask, operands, inv, 2));
                return;
            case FRAME_FIXED: {
                inv.requireInput(op.code());
                int length = value(mask, operands, inv, 0);
                if (length <= 0) {
                    throw new SlotFault(SlotError.BAD_OPERAND, 0);
                }
                RecordOps.frameFixed(inv, length, Integer.toUnsignedLong(value(mask, operands, inv, 1)),
                    value(mask, operands, inv, 2));
                return;
            }
            case FILTER:
                inv.requireInput(op.code());
                RecordOps.filter(inv, constant(op, mask, operands, inv, 0).expr());
                return;
            case PROJECT:
                inv.requireInput(op.code());
                RecordOps.project(inv, constant(op, mask, operands, inv, 0).expr());
                return;
            case HASH:
                inv.requireInput(op.code());
                RecordOps.hash(inv, value(mask, operands, inv, 0));
                return;
            case REDACT:
                inv.requireInput(op.code());
                requireMatches(op, inv);
                RecordOps.redact(inv, (byte) byteOperand(mask, operands, inv, 0));
                return;
            case COUNT:
                inv.requireInput(op.code());
                inv.ensureRecords();
                r[8] = inv.recordCount;
                r[9] = inv.matchCount;
                return;
            case EMIT_MATCHES:
                inv.requireInput(op.code());
                requireMatches(op, inv);
                r[8] = RecordOps.emitMatches(inv, output(value(mask, operands, inv, 0)));
                return;
            case EMIT_RECORDS:
                inv.requireInput(op.code());
                r[8] = RecordOps.emitRecords(inv, output(value(mask, operands, inv, 0)));
                return;
            case CALL:
            default:
                throw new SlotFault(SlotError.UNKNOWN_OPCODE, op.code());
        }
    }

    private LiteralScanner scanner() {
        if (scanner == null) {
            scanner = new LiteralScanner();
        }
        return scanner;
    }

    /** Frees this worker's Vectorscan scratch (on the worker's thread, as it stops). */
    void close() {
        if (scanner != null) {
            scanner.close();
            scanner = null;
        }
    }

    private static void requireMatches(Opcode op, Invocation inv) {
        if (!inv.matched) {
            throw new SlotFault(SlotError.BAD_STATE, op.code());
        }
    }

    private void memcpy(int mask, int[] operands, Invocation inv) {
        Capability dst = buffer(value(mask, operands, inv, 0));
        long dstOff = Integer.toUnsignedLong(value(mask, operands, inv, 1));
        Capability src = buffer(value(mask, operands, inv, 2));
        long srcOff = Integer.toUnsignedLong(value(mask, operands, inv, 3));
        long length = Integer.toUnsignedLong(value(mask, operands, inv, 4));
        if (dstOff + length > dst.boundBytes()) {
            throw SlotFault.of(SlotError.OUT_OF_BOUNDS, dstOff + length);
        }
        if (srcOff + length > src.boundBytes()) {
            throw SlotFault.of(SlotError.OUT_OF_BOUNDS, srcOff + length);
        }
        dst.buffer().buffer().putBytes((int) dstOff, src.buffer().buffer(), (int) srcOff, (int) length);
        inv.regs[8] = (int) length;
    }

    private Capability buffer(int handle) {
        Capability c = env.capabilities().destination(handle);
        if (c == null || c.kind() != Capability.Kind.BUFFER) {
            throw new SlotFault(SlotError.UNKNOWN_HANDLE, handle);
        }
        return c;
    }

    private OutputRegion output(int handle) {
        OutputRegion region = env.outputs().lookup(handle);
        if (region == null) {
            throw new SlotFault(SlotError.UNKNOWN_HANDLE, handle);
        }
        return region;
    }

    private ResidentConstant constant(Opcode op, int mask, int[] operands, Invocation inv, int k) {
        int value = operands[k];
        int handle = inv.program == null ? value : inv.program.loaded.constantHandle(value);
        ResidentConstant c = env.programs().constant(handle);
        OperandKind kind = op.operands().get(k);
        int want = kind == OperandKind.CONST_PATTERNS ? Constant.KIND_PATTERNS : Constant.KIND_EXPR;
        if (c == null || c.kind() != want) {
            throw new SlotFault(SlotError.UNKNOWN_HANDLE, handle);
        }
        return c;
    }

    private static int value(int mask, int[] operands, Invocation inv, int k) {
        return (mask & (1 << k)) != 0 ? inv.regs[operands[k]] : operands[k];
    }

    private static int byteOperand(int mask, int[] operands, Invocation inv, int k) {
        int v = value(mask, operands, inv, k);
        if (v < 0 || v > 0xFF) {
            throw new SlotFault(SlotError.BAD_OPERAND, k);
        }
        return v;
    }

    private static int controlIndex(Opcode op, int mask, int[] operands, Invocation inv, int k) {
        int v = value(mask, operands, inv, k);
        boolean ok = op.operands().get(k) == OperandKind.CONTROL_WRITE
            ? ControlBlockDescriptor.isObservable(Integer.toUnsignedLong(v))
            : v >= 0 && v < CONTROL_WORDS;
        if (!ok) {
            throw new SlotFault(SlotError.BAD_OPERAND, k);
        }
        return v;
    }
}
