package io.vyre.runtime.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** vyre_protocol.h restates the Java protocol for the CUDA kernel; the two must not drift apart. */
class CudaProtocolHeaderTest {
    private static final Map<String, Long> DEFINES = new HashMap<>();

    @BeforeAll
    static void parse() throws Exception {
        Pattern define = Pattern.compile("^#define\\s+(\\w+)\\s+(0x[0-9A-Fa-f]+|\\d+)u?\\b");
        for (String line : Files.readAllLines(Path.of("src/main/cuda/vyre_protocol.h"))) {
            Matcher m = define.matcher(line.trim());
            if (m.find()) {
                String v = m.group(2);
                DEFINES.put(m.group(1), v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v));
            }
        }
    }

    private static void same(String define, long java) {
        assertThat(DEFINES).as("vyre_protocol.h defines " + define).containsKey(define);
        assertThat(DEFINES.get(define)).as(define).isEqualTo(java);
    }

    @Test
    void ringAndControlLayoutsMatch() {
        same("RING_SLOT_WORDS", WorkRingDescriptor.SLOT_WORDS);
        same("RING_ARG_COUNT", WorkRingDescriptor.ARG_COUNT);
        same("W_STATUS", WorkRingDescriptor.STATUS_WORD);
        same("W_OPCODE", WorkRingDescriptor.OPCODE_WORD);
        same("W_TENANT", WorkRingDescriptor.TENANT_WORD);
        same("W_PRIORITY", WorkRingDescriptor.PRIORITY_WORD);
        same("W_ARG0", WorkRingDescriptor.ARG0_WORD);
        same("W_SEQUENCE", WorkRingDescriptor.SEQUENCE_WORD);
        same("W_RESULT", WorkRingDescriptor.RESULT_WORD);
        same("W_ERROR", WorkRingDescriptor.ERROR_WORD);
        same("W_DETAIL", WorkRingDescriptor.DETAIL_WORD);
        same("S_PUBLISHED", WorkRingDescriptor.PUBLISHED);
        same("S_DONE", WorkRingDescriptor.DONE);
        same("PRIORITY_LEVELS", WorkRingDescriptor.PRIORITY_LEVELS);
        same("C_SHUTDOWN", ControlBlockDescriptor.SHUTDOWN);
        same("C_DONE_COUNT", ControlBlockDescriptor.DONE_COUNT);
        same("C_TENANT_BASE", ControlBlockDescriptor.TENANT_BASE);
        same("C_TENANT_QUOTA_BASE", ControlBlockDescriptor.TENANT_QUOTA_BASE);
        same("C_TENANT_FAIRNESS_BASE", ControlBlockDescriptor.TENANT_FAIRNESS_BASE);
        same("C_METRICS_BASE", ControlBlockDescriptor.METRICS_BASE);
        same("C_METRICS_SLOTS", ControlBlockDescriptor.METRICS_SLOTS);
        same("C_EPOCH", ControlBlockDescriptor.EPOCH);
        same("C_HEARTBEAT", ControlBlockDescriptor.HEARTBEAT);
        same("C_DOORBELL", ControlBlockDescriptor.DOORBELL);
        same("C_KERNEL_STATE", ControlBlockDescriptor.KERNEL_STATE);
        same("C_FAULT_CODE", ControlBlockDescriptor.FAULT_CODE);
        same("C_FAILED_COUNT", ControlBlockDescriptor.FAILED_COUNT);
        same("C_WORKERS", ControlBlockDescriptor.WORKERS);
        same("C_OBSERVABLE_BASE", ControlBlockDescriptor.OBSERVABLE_BASE);
        same("C_OBSERVABLE_WORDS", ControlBlockDescriptor.OBSERVABLE_WORDS);
        same("C_CONTROL_WORDS", ControlBlockDescriptor.CONTROL_WORDS);
        same("TENANT_COUNT", ControlBlockDescriptor.TENANT_COUNT);
        same("STATE_RUNNING", ControlBlockDescriptor.STATE_RUNNING);
        same("STATE_EXITED", ControlBlockDescriptor.STATE_EXITED);
    }

    @Test
    void ioQueueAndOutputLayoutsMatch() {
        same("IO_SLOT_WORDS", IoQueueDescriptor.SLOT_WORDS);
        same("IO_OP_TYPE", IoQueueDescriptor.OP_TYPE);
        same("IO_SRC_HANDLE", IoQueueDescriptor.SRC_HANDLE);
        same("IO_DST_HANDLE", IoQueueDescriptor.DST_HANDLE);
        same("IO_OFFSET_LO", IoQueueDescriptor.OFFSET_LO);
        same("IO_OFFSET_HI", IoQueueDescriptor.OFFSET_HI);
        same("IO_BYTE_COUNT", IoQueueDescriptor.BYTE_COUNT);
        same("IO_STATUS", IoQueueDescriptor.STATUS);
        same("IO_TAG", IoQueueDescriptor.TAG);
        same("IO_READ", IoQueueDescriptor.OP_READ);
        same("IO_WRITE", IoQueueDescriptor.OP_WRITE);
        same("IO_FENCE", IoQueueDescriptor.OP_FENCE);
        same("IO_STATUS_OK", IoQueueDescriptor.STATUS_OK);
        same("IO_STATUS_ERROR", IoQueueDescriptor.STATUS_ERROR);
        same("IOERR_SHORT_READ", IoError.SHORT_READ.code());
        same("OUT_HEADER_WORDS", OutputRegionDescriptor.HEADER_WORDS);
        same("OUT_CURSOR", OutputRegionDescriptor.CURSOR);
        same("OUT_CAPACITY", OutputRegionDescriptor.CAPACITY);
    }

    @Test
    void everyOpcodeAndItsMetricIndexMatch() {
        same("OP_WORDS", Vir0Codec.OP_WORDS);
        for (Opcode op : Opcode.values()) {
            same("OP_" + op.name(), op.code());
            same("M_" + op.name(), op.metricIndex());
        }
        same("FLAG_STARTS_INSIDE_RECORD", StandardPrograms.STARTS_INSIDE_RECORD);
        same("FLAG_FINAL", StandardPrograms.FINAL);
        same("FLAG_TAIL", StandardPrograms.TAIL);
        same("DFA_MATCH_FLAG", AhoCorasickDfa.MATCH_FLAG & 0xFFFF_FFFFL);
        same("DFA_STATE_MASK", AhoCorasickDfa.STATE_MASK);
        same("FNV_OFFSET_BASIS", 0x811C9DC5L);
        same("FNV_PRIME", 0x01000193L);
    }

    @Test
    void everyExpressionOpAndSlotErrorMatch() {
        for (ExprOp op : ExprOp.values()) {
            same("X_" + op.name(), op.code());
        }
        same("X_REGISTERS", Expr.REGISTERS);
        same("X_MAX_INSTRUCTIONS", Expr.MAX_INSTRUCTIONS);
        for (SlotError e : SlotError.values()) {
            same("E_" + e.name(), e.code());
        }
    }

    @Test
    void deviceTableLayoutsMatchTheHostSide() {
        same("BUF_WORDS", DeviceTables.BUF_WORDS);
        same("OUTE_WORDS", DeviceTables.OUTE_WORDS);
        same("CONST_WORDS", DeviceTables.CONST_WORDS);
        same("PROG_WORDS", DeviceTables.PROG_WORDS);
        same("KIND_PATTERNS", io.vyre.runtime.bytecode.Constant.KIND_PATTERNS);
        same("KIND_BYTES", io.vyre.runtime.bytecode.Constant.KIND_BYTES);
        same("KIND_EXPR", io.vyre.runtime.bytecode.Constant.KIND_EXPR);
    }
}
