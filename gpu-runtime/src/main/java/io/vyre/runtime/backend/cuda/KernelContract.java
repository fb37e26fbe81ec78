package io.vyre.runtime.backend.cuda;

import io.vyre.runtime.bytecode.Constant;
import io.vyre.runtime.bytecode.Opcode;
import io.vyre.runtime.bytecode.StandardPrograms;
import io.vyre.runtime.bytecode.Vir0Codec;
import io.vyre.runtime.bytecode.expr.Expr;
import io.vyre.runtime.bytecode.expr.ExprOp;
import io.vyre.runtime.dfa.AhoCorasickDfa;
import io.vyre.runtime.protocol.ControlBlockDescriptor;
import io.vyre.runtime.protocol.IoError;
import io.vyre.runtime.protocol.IoQueueDescriptor;
import io.vyre.runtime.protocol.OutputRegionDescriptor;
import io.vyre.runtime.protocol.SlotError;
import io.vyre.runtime.protocol.WorkRingDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one source of the host–kernel contract. The Java descriptors define the shared layouts; this class
 * adds what only the CUDA backend and its kernel share (kernel arguments, device counters, the sizes of the
 * kernel's own records, launch shape) and renders all of it as {@code src/main/cuda/vyre_protocol.h}, which
 * is generated, never edited: {@code VyreProtocolHeaderTest} fails when the checked-in header differs and
 * says how to regenerate it.
 */
final class KernelContract {
    static final int BLOCK_THREADS = 512;
    static final int PRIORITY_LEVELS = WorkRingDescriptor.PRIORITY_LEVELS;
    /** The kernel's per-slot record in device memory: a copy of the slot's words, then its own state. */
    static final int SLOT_RECORD_WORDS = 32;
    /** A shared MATCH job (the kernel's struct Job; static_assert'ed there). */
    static final int JOB_BYTES = 128;
    /** Input one block scans per tile it takes from a shared MATCH job. */
    static final int MATCH_TILE_BYTES = 1 << 20;
    /**
     * An input of at most this many bytes (the connector's chunk) is cut into tiles of MATCH_SMALL_TILE_BYTES, so
     * that it spreads over 16 SMs: a stream's last chunk is scanned alone after its copy, and its scan is the
     * stream's tail.
     */
    static final int MATCH_SMALL_INPUT_BYTES = 4 << 20;
    static final int MATCH_SMALL_TILE_BYTES = 256 << 10;
    /**
     * Independent automata each thread runs side by side over its own segments (memory-level parallelism).
     * Measured on the H200 with tools/gpu/scan-bench (docs/BENCHMARKS.md, 2026-12-01): 4 scan 462 GB/s from
     * device memory at 1,000 patterns, 6 347 GB/s, 8 357 GB/s, 12 216 GB/s.
     */
    static final int MATCH_STREAMS_PER_THREAD = 4;
    /** IO slot owners (KernelArg.IO_OWNERS). */
    static final int IO_FREE = 0;
    static final int IO_BUSY = 1;
    static final int IO_ABANDONED = 2;
    /** Ingest buffers get this much device memory past their capacity, so 16-byte loads never leave it. */
    static final int MIRROR_PADDING = 256;

    static final String HEADER = "src/main/cuda/vyre_protocol.h";

    private KernelContract() {
    }

    /** Renders vyre_protocol.h. */
    static String header() {
        Header h = new Header();
        h.line("// vyre-flink megakernel protocol, as the CUDA kernel sees it. GENERATED from the Java descriptors by");
        h.line("// io.vyre.runtime.backend.cuda.KernelContract: do not edit; VyreProtocolHeaderTest regenerates it.");
        h.line("#pragma once");

        h.section("work ring (WorkRingDescriptor)");
        h.define("RING_SLOT_WORDS", WorkRingDescriptor.SLOT_WORDS);
        h.define("RING_ARG_COUNT", WorkRingDescriptor.ARG_COUNT);
        h.define("W_STATUS", WorkRingDescriptor.STATUS_WORD);
        h.define("W_OPCODE", WorkRingDescriptor.OPCODE_WORD);
        h.define("W_TENANT", WorkRingDescriptor.TENANT_WORD);
        h.define("W_PRIORITY", WorkRingDescriptor.PRIORITY_WORD);
        h.define("W_ARG0", WorkRingDescriptor.ARG0_WORD);
        h.define("W_SEQUENCE", WorkRingDescriptor.SEQUENCE_WORD);
        h.define("W_RESULT", WorkRingDescriptor.RESULT_WORD);
        h.define("W_ERROR", WorkRingDescriptor.ERROR_WORD);
        h.define("W_DETAIL", WorkRingDescriptor.DETAIL_WORD);
        h.define("S_EMPTY", WorkRingDescriptor.EMPTY);
        h.define("S_PUBLISHED", WorkRingDescriptor.PUBLISHED);
        h.define("S_CLAIMED", WorkRingDescriptor.CLAIMED);
        h.define("S_DONE", WorkRingDescriptor.DONE);
        h.define("PRIORITY_LEVELS", WorkRingDescriptor.PRIORITY_LEVELS);
        h.hex("SEAL_BASIS", WorkRingDescriptor.SEAL_BASIS);
        h.hex("SEAL_PRIME", WorkRingDescriptor.SEAL_PRIME);

        h.section("control block (ControlBlockDescriptor)");
        h.define("C_SHUTDOWN", ControlBlockDescriptor.SHUTDOWN);
        h.define("C_DONE_COUNT", ControlBlockDescriptor.DONE_COUNT);
        h.define("C_TENANT_BASE", ControlBlockDescriptor.TENANT_BASE);
        h.define("C_TENANT_QUOTA_BASE", ControlBlockDescriptor.TENANT_QUOTA_BASE);
        h.define("C_TENANT_FAIRNESS_BASE", ControlBlockDescriptor.TENANT_FAIRNESS_BASE);
        h.define("C_TENANT_FAIRNESS_SLOTS", ControlBlockDescriptor.TENANT_FAIRNESS_SLOTS);
        h.define("C_METRICS_BASE", ControlBlockDescriptor.METRICS_BASE);
        h.define("C_METRICS_SLOTS", ControlBlockDescriptor.METRICS_SLOTS);
        h.define("C_EPOCH", ControlBlockDescriptor.EPOCH);
        h.define("C_HEARTBEAT", ControlBlockDescriptor.HEARTBEAT);
        h.define("C_DOORBELL", ControlBlockDescriptor.DOORBELL);
        h.define("C_KERNEL_STATE", ControlBlockDescriptor.KERNEL_STATE);
        h.define("C_FAULT_CODE", ControlBlockDescriptor.FAULT_CODE);
        h.define("C_FAILED_COUNT", ControlBlockDescriptor.FAILED_COUNT);
        h.define("C_WORKERS", ControlBlockDescriptor.WORKERS);
        h.define("C_CONTROL_GENERATION", ControlBlockDescriptor.CONTROL_GENERATION);
        h.define("C_OBSERVABLE_BASE", ControlBlockDescriptor.OBSERVABLE_BASE);
        h.define("C_OBSERVABLE_WORDS", ControlBlockDescriptor.OBSERVABLE_WORDS);
        h.define("C_CONTROL_WORDS", ControlBlockDescriptor.CONTROL_WORDS);
        h.define("TENANT_COUNT", ControlBlockDescriptor.TENANT_COUNT);
        h.define("STATE_RUNNING", ControlBlockDescriptor.STATE_RUNNING);
        h.define("STATE_EXITED", ControlBlockDescriptor.STATE_EXITED);
        h.define("STATE_FAULTED", ControlBlockDescriptor.STATE_FAULTED);

        h.section("IO queue (IoQueueDescriptor, IoError)");
        h.define("IO_SLOT_WORDS", IoQueueDescriptor.SLOT_WORDS);
        h.define("IO_OP_TYPE", IoQueueDescriptor.OP_TYPE);
        h.define("IO_SRC_HANDLE", IoQueueDescriptor.SRC_HANDLE);
        h.define("IO_DST_HANDLE", IoQueueDescriptor.DST_HANDLE);
        h.define("IO_OFFSET_LO", IoQueueDescriptor.OFFSET_LO);
        h.define("IO_OFFSET_HI", IoQueueDescriptor.OFFSET_HI);
        h.define("IO_BYTE_COUNT", IoQueueDescriptor.BYTE_COUNT);
        h.define("IO_STATUS", IoQueueDescriptor.STATUS);
        h.define("IO_TAG", IoQueueDescriptor.TAG);
        h.define("IO_READ", IoQueueDescriptor.OP_READ);
        h.define("IO_WRITE", IoQueueDescriptor.OP_WRITE);
        h.define("IO_FENCE", IoQueueDescriptor.OP_FENCE);
        h.hex("IO_STATUS_OK", IoQueueDescriptor.STATUS_OK);
        h.hex("IO_STATUS_ERROR", IoQueueDescriptor.STATUS_ERROR);
        for (IoError e : IoError.values()) {
            h.define("IOERR_" + e.name(), e.code());
        }
        h.define("IO_FREE", IO_FREE);
        h.define("IO_BUSY", IO_BUSY);
        h.define("IO_ABANDONED", IO_ABANDONED);

        h.section("output regions (OutputRegionDescriptor)");
        h.define("OUT_HEADER_WORDS", OutputRegionDescriptor.HEADER_WORDS);
        h.define("OUT_CURSOR", OutputRegionDescriptor.CURSOR);
        h.define("OUT_CURSOR_GENERATION", OutputRegionDescriptor.CURSOR_GENERATION);
        h.define("OUT_CAPACITY", OutputRegionDescriptor.CAPACITY);
        h.define("OUT_GENERATION", OutputRegionDescriptor.GENERATION);
        h.define("MATCH_ENTRY_WORDS", OutputRegionDescriptor.MATCH_ENTRY_WORDS);
        h.define("RECORD_ENTRY_WORDS", OutputRegionDescriptor.RECORD_ENTRY_WORDS);

        h.section("VIR0 (Opcode, Vir0Codec, StandardPrograms); metric index = Opcode.metricIndex()");
        h.define("OP_WORDS", Vir0Codec.OP_WORDS);
        for (Opcode op : Opcode.values()) {
            h.hex("OP_" + op.name(), op.code());
        }
        for (Opcode op : Opcode.values()) {
            h.define("M_" + op.name(), op.metricIndex());
        }
        h.define("FLAG_STARTS_INSIDE_RECORD", StandardPrograms.STARTS_INSIDE_RECORD);
        h.define("FLAG_FINAL", StandardPrograms.FINAL);
        h.define("FLAG_TAIL", StandardPrograms.TAIL);
        h.hex("FNV_OFFSET_BASIS", 0x811C9DC5);
        h.hex("FNV_PRIME", 0x01000193);
        h.hex("DFA_MATCH_FLAG", AhoCorasickDfa.MATCH_FLAG);
        h.hex("DFA_STATE_MASK", AhoCorasickDfa.STATE_MASK);

        h.section("expression VM (ExprOp, Expr)");
        for (ExprOp op : ExprOp.values()) {
            h.define("X_" + op.name(), op.code());
        }
        h.define("X_REGISTERS", Expr.REGISTERS);
        h.define("X_MAX_INSTRUCTIONS", Expr.MAX_INSTRUCTIONS);

        h.section("slot errors (SlotError)");
        for (SlotError e : SlotError.values()) {
            h.define("E_" + e.name(), e.code());
        }

        h.section("device tables (DeviceTables): u64 words per entry, entries per table");
        h.comment("buffers, by capability handle: [host-mapped pointer, capacity, valid, device mirror pointer]");
        h.define("BUF_WORDS", DeviceTables.BUF_WORDS);
        h.define("BUFFERS", DeviceTables.BUFFERS);
        h.comment("outputs, by output handle: [host-mapped pointer, capacity words, valid, 0]");
        h.define("OUTE_WORDS", DeviceTables.OUTE_WORDS);
        h.define("OUTPUTS", DeviceTables.OUTPUTS);
        h.comment("constants, by global handle: [kind | valid << 8, a, b, c, d, e, f, g]");
        h.comment("  patterns: a = classOf, b = next, c = outStart, d = outPatterns, e = patternLength,");
        h.comment("            f = stateCount | classCount << 32, g = maxPatternLength");
        h.comment("  expr:     a = code (u32 words), b = instruction count, c = literal table ([offset, length] u32");
        h.comment("            pairs), d = literal bytes, e = literal count");
        h.define("CONST_WORDS", DeviceTables.CONST_WORDS);
        h.define("CONSTANTS", DeviceTables.CONSTANTS);
        h.define("KIND_PATTERNS", Constant.KIND_PATTERNS);
        h.define("KIND_BYTES", Constant.KIND_BYTES);
        h.define("KIND_EXPR", Constant.KIND_EXPR);
        h.comment("programs, by program handle: [ops (u32 words, OP_WORDS per op), op count, constant base, valid]");
        h.define("PROG_WORDS", DeviceTables.PROG_WORDS);
        h.define("PROGRAMS", DeviceTables.PROGRAMS);

        h.section("kernel arguments (KernelArg): one array of u64 in device memory");
        for (KernelArg a : KernelArg.values()) {
            h.define(a.define(), a.ordinal());
        }
        h.define("A_COUNT", KernelArg.values().length);

        h.section("device counters (DeviceCounter): word offsets within A_COUNTERS, one 128-byte line each");
        for (DeviceCounter c : DeviceCounter.values()) {
            h.define("DC_" + c.name(), c.wordOffset());
        }
        h.define("DC_LINE_WORDS", DeviceCounter.LINE_WORDS);
        h.define("DC_WORDS", DeviceCounter.totalWords());

        h.section("the kernel's own records and launch shape (CudaBackend sizes them; the kernel static_asserts)");
        h.define("BLOCK_THREADS", BLOCK_THREADS);
        h.define("SLOT_RECORD_WORDS", SLOT_RECORD_WORDS);
        h.define("JOB_BYTES", JOB_BYTES);
        h.define("MATCH_TILE_BYTES", MATCH_TILE_BYTES);
        h.define("MATCH_SMALL_INPUT_BYTES", MATCH_SMALL_INPUT_BYTES);
        h.define("MATCH_SMALL_TILE_BYTES", MATCH_SMALL_TILE_BYTES);
        h.define("MATCH_STREAMS_PER_THREAD", MATCH_STREAMS_PER_THREAD);
        h.define("MIRROR_PADDING", MIRROR_PADDING);
        return h.toString();
    }

    /** Writes the header into a source tree: {@code java ... KernelContract gpu-runtime/src/main/cuda/vyre_protocol.h}. */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : HEADER);
        Files.writeString(out, header(), StandardCharsets.US_ASCII);
        System.out.println("wrote " + out);
    }

    private static final class Header {
        private final StringBuilder text = new StringBuilder();

        void line(String s) {
            text.append(s).append('\n');
        }

        void section(String title) {
            text.append('\n').append("// ---- ").append(title).append(" ----\n");
        }

        void comment(String s) {
            line("// " + s);
        }

        void define(String name, long value) {
            line("#define " + name + " " + value);
        }

        void hex(String name, int value) {
            line("#define " + name + " 0x" + String.format("%08X", value) + "u");
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
