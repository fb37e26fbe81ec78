package io.vyre.runtime.backend.cuda;

import io.vyre.runtime.backend.cuda.Cuda.DevicePointer;
import io.vyre.runtime.bytecode.Constant;
import io.vyre.runtime.bytecode.Instruction;
import io.vyre.runtime.bytecode.Vir0Codec;
import io.vyre.runtime.bytecode.expr.Expr;
import io.vyre.runtime.dfa.AhoCorasickDfa;
import io.vyre.runtime.io.IoCapabilities;
import io.vyre.runtime.program.LoadedProgram;
import io.vyre.runtime.program.ResidentConstant;
import io.vyre.runtime.program.SharedCompilations;
import jcuda.Pointer;

/**
 * The device-side tables through which the kernel resolves handles (layouts: vyre_protocol.h, generated
 * from these constants by {@link KernelContract}): ingest buffers and output regions (written before
 * launch; a released buffer's entry is cleared) and programs and constants (written as they are loaded,
 * into fresh arena space).
 */
final class DeviceTables {
    static final int BUFFERS = IoCapabilities.BUFFER_HANDLES;
    static final int OUTPUTS = 1024;
    static final int CONSTANTS = 16384;
    static final int PROGRAMS = 1024;
    static final int BUF_WORDS = 4;
    static final int OUTE_WORDS = 4;
    static final int CONST_WORDS = 8;
    static final int PROG_WORDS = 4;

    final DevicePointer buffers;
    final DevicePointer outputs;
    final DevicePointer constants;
    final DevicePointer programs;
    private final DeviceArena arena;
    private final SharedCompilations<long[]> patternTables = new SharedCompilations<>();

    DeviceTables(DeviceMemory memory, DeviceArena arena) {
        this.arena = arena;
        buffers = memory.allocate(8L * BUF_WORDS * BUFFERS, "buffer table");
        outputs = memory.allocate(8L * OUTE_WORDS * OUTPUTS, "output table");
        constants = memory.allocate(8L * CONST_WORDS * CONSTANTS, "constant table");
        programs = memory.allocate(8L * PROG_WORDS * PROGRAMS, "program table");
    }

    /**
     * @param hostMapped the buffer's page-locked bytes as the device addresses them
     * @param mirror     its copy in device memory, where the copy engine puts what the kernel reads
     */
    void putBuffer(int handle, long hostMapped, long capacity, long mirror) {
        check(handle, BUFFERS, "buffer handle");
        entry(buffers, handle, BUF_WORDS, new long[] {hostMapped, capacity, 1, mirror});
    }

    void removeBuffer(int handle) {
        if (handle >= 0 && handle < BUFFERS) {
            entry(buffers, handle, BUF_WORDS, new long[BUF_WORDS]);
        }
    }

    void putOutput(int handle, long deviceAddress, long capacityWords) {
        check(handle, OUTPUTS, "output handle");
        entry(outputs, handle, OUTE_WORDS, new long[] {deviceAddress, capacityWords, 1, 0});
    }

    void putProgram(LoadedProgram program) {
        check(program.handle(), PROGRAMS, "program handle");
        for (ResidentConstant c : program.constants()) {
            putConstant(c);
        }
        int n = program.program().ops().size();
        int[] words = new int[n * Vir0Codec.OP_WORDS];
        for (int i = 0; i < n; i++) {
            Instruction op = program.program().op(i);
            words[i * Vir0Codec.OP_WORDS] = op.opcode().code() | op.registerMask() << 16;
            for (int k = 0; k < op.arity(); k++) {
                words[i * Vir0Codec.OP_WORDS + 1 + k] = op.operand(k);
            }
        }
        long ops = arena.put(Pointer.to(words), 4L * words.length, "program " + program.handle());
        entry(programs, program.handle(), PROG_WORDS, new long[] {ops, n, program.constantBase(), 1});
    }

    void removeProgram(LoadedProgram program) {
        entry(programs, program.handle(), PROG_WORDS, new long[PROG_WORDS]);
        for (ResidentConstant c : program.constants()) {
            entry(constants, c.handle(), CONST_WORDS, new long[CONST_WORDS]);
            patternTables.release(c.handle());  // arena space is not reused while the kernel runs
        }
    }

    /** Uploads a literal set's DFA; returns the constant table words 1..7 that name it (word 0 unused). */
    private long[] putDfa(ResidentConstant c, String what) {
        long[] e = new long[CONST_WORDS];
        AhoCorasickDfa dfa = c.dfa();
        e[1] = arena.put(Pointer.to(dfa.classOfUnsafe()), 256, what);
        e[2] = arena.put(Pointer.to(dfa.nextUnsafe()), 4L * dfa.nextUnsafe().length, what);
        e[3] = arena.put(Pointer.to(dfa.outStartUnsafe()), 4L * dfa.outStartUnsafe().length, what);
        e[4] = arena.put(Pointer.to(dfa.outPatternsUnsafe()), 4L * Math.max(1, dfa.outPatternsUnsafe().length), what);
        e[5] = arena.put(Pointer.to(dfa.patternLengthUnsafe()), 4L * dfa.patternLengthUnsafe().length, what);
        e[6] = dfa.stateCount() | (long) dfa.classCount() << 32;
        e[7] = dfa.maxPatternLength();
        c.releaseDfa(); // the kernel reads its copy; at a million patterns the heap one is gigabytes
        return e;
    }

    /** Distinct literal sets in device memory (equal sets of several tenants share one copy). */
    int patternTableCount() {
        return patternTables.size();
    }

    private void putConstant(ResidentConstant c) {
        check(c.handle(), CONSTANTS, "constant handle");
        long[] e = new long[CONST_WORDS];
        String what = "constant " + c.handle();
        e[0] = c.kind() | 1L << 8;
        if (c.kind() == Constant.KIND_PATTERNS) {
            long[] dfa = patternTables.acquire(c.handle(), c.patterns(), set -> putDfa(c, what));
            System.arraycopy(dfa, 1, e, 1, 7);
        } else if (c.kind() == Constant.KIND_EXPR) {
            Expr expr = c.expr();
            int[] code = expr.code();
            int[] table = new int[2 * Math.max(1, expr.literalCount())];
            int total = 0;
            for (int i = 0; i < expr.literalCount(); i++) {
                table[2 * i] = total;
                table[2 * i + 1] = expr.literalsUnsafe().get(i).length;
                total += expr.literalsUnsafe().get(i).length;
            }
            byte[] bytes = new byte[Math.max(1, total)];
            for (int i = 0; i < expr.literalCount(); i++) {
                System.arraycopy(expr.literalsUnsafe().get(i), 0, bytes, table[2 * i], table[2 * i + 1]);
            }
            e[1] = arena.put(Pointer.to(code), 4L * code.length, what);
            e[2] = expr.instructionCount();
            e[3] = arena.put(Pointer.to(table), 4L * table.length, what);
            e[4] = arena.put(Pointer.to(bytes), bytes.length, what);
            e[5] = expr.literalCount();
        } else {
            byte[] bytes = c.bytes();
            e[1] = arena.put(Pointer.to(bytes.length == 0 ? new byte[1] : bytes), Math.max(1, bytes.length), what);
            e[2] = bytes.length;
        }
        entry(constants, c.handle(), CONST_WORDS, e);
    }

    private static void entry(DevicePointer table, int index, int words, long[] values) {
        DeviceMemory.write(table, 8L * words * index, Pointer.to(values), 8L * words);
    }

    private static void check(int handle, int limit, String what) {
        if (handle < 0 || handle >= limit) {
            throw new IllegalStateException(what + " " + handle + " does not fit the CUDA kernel's table of " + limit
                + ": open a new runtime instead of loading more into this one");
        }
    }
}
