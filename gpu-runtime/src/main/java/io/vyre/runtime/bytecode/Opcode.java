package io.vyre.runtime.bytecode;

import static io.vyre.runtime.bytecode.OperandKind.*;

import java.util.List;
import java.util.Locale;

/**
 * The VIR0 instruction set. Codes 0-8 keep vyre-runtime's scalar numbering, 0x10-0x1A are vyre-flink's
 * data-parallel ops over the invocation's input buffer, 0xFF00-0xFFFF are reserved for the system
 * (of which WRITE_BACK and LOAD_MISS are defined). Ops producing a value leave it in r8 (and r9); a
 * slot's RESULT and DETAIL words receive r8 and r9 when it finishes.
 */
public enum Opcode {
    NOP(0x0000, Use.ANYWHERE, "heartbeat probe; does nothing"),
    STORE_U32(0x0001, Use.ANYWHERE, "control[index] = value", VALUE, CONTROL_WRITE),
    ATOMIC_ADD(0x0002, Use.ANYWHERE, "r8 = control[index]; control[index] += delta (atomic)", CONTROL_WRITE, VALUE),
    LOAD_U32(0x0003, Use.ANYWHERE, "r8 = control[index]", CONTROL_READ),
    COMPARE_SWAP(0x0004, Use.ANYWHERE,
        "r8 = control[index]; if it equals expected, control[index] = replacement and r9 = 1 (atomic)",
        CONTROL_WRITE, VALUE, VALUE),
    MEMCPY(0x0005, Use.ANYWHERE, "copy length bytes between ingest buffers; r8 = length",
        BUFFER, VALUE, BUFFER, VALUE, VALUE),
    DFA_STEP(0x0006, Use.ANYWHERE, "r8 = the Aho-Corasick state after reading byte in state; r9 = 1 if r8 reports a match",
        CONST_PATTERNS, VALUE, BYTE),
    BATCH_FENCE(0x0007, Use.ANYWHERE,
        "in a slot: completes after every earlier-published slot is DONE; in a program: waits for an IO FENCE"),
    CALL(0x0008, Use.SLOT_ONLY, "runs a loaded program with r1..r7 = the slot's ARG1..ARG7",
        PROGRAM, VALUE, VALUE, VALUE, VALUE, VALUE, VALUE, VALUE),

    INPUT(0x0010, Use.PROGRAM_ONLY, "input = buffer[0, length)", BUFFER, VALUE),
    FRAME_DELIM(0x0011, Use.PROGRAM_ONLY,
        "records = input split at delimiter, for records starting before own; r9 = offset where framing stopped;"
            + " flags: 1 = input starts inside a record (skip past the first delimiter), 2 = input ends with the"
            + " data (an unterminated last record is whole), 4 = tail (leave an unterminated last record for later"
            + " instead of failing RECORD_INCOMPLETE)", BYTE, VALUE, VALUE),
    FRAME_FIXED(0x0012, Use.PROGRAM_ONLY,
        "records of length bytes starting before own; r9 = offset where framing stopped; flags as FRAME_DELIM's"
            + " 2 and 4", VALUE, VALUE, VALUE),
    MATCH(0x0013, Use.PROGRAM_ONLY,
        "matches = every occurrence of every pattern in input, overlaps included, starting before limit",
        CONST_PATTERNS, VALUE),
    FILTER(0x0014, Use.PROGRAM_ONLY, "keeps the records for which the expression is true", CONST_EXPR),
    PROJECT(0x0015, Use.PROGRAM_ONLY, "record value = the expression's INT result", CONST_EXPR),
    REDACT(0x0016, Use.PROGRAM_ONLY, "overwrites every matched span of input with mask", BYTE),
    HASH(0x0017, Use.PROGRAM_ONLY, "record value = FNV-1a 32 of the record's bytes, starting from seed", VALUE),
    COUNT(0x0018, Use.PROGRAM_ONLY, "r8 = records, r9 = matches"),
    EMIT_MATCHES(0x0019, Use.PROGRAM_ONLY, "appends [offset, patternId] per match to the output; r8 = entries", OUTPUT),
    EMIT_RECORDS(0x001A, Use.PROGRAM_ONLY, "appends [offset, length, value] per record to the output; r8 = entries",
        OUTPUT),

    WRITE_BACK(0xFFFC, Use.PROGRAM_ONLY,
        "posts an IO WRITE of input to the destination at the 64-bit offset and waits; r8 = bytes written",
        IO_HANDLE, VALUE, VALUE),
    LOAD_MISS(0xFFFD, Use.ANYWHERE,
        "posts an IO READ of count bytes at the 64-bit offset of source into buffer and waits;"
            + " input = buffer[0, bytes read); r8 = bytes read",
        IO_HANDLE, VALUE, VALUE, VALUE, BUFFER);

    /** Where an op may appear. */
    public enum Use { ANYWHERE, SLOT_ONLY, PROGRAM_ONLY }

    public static final int SYSTEM_RESERVED_BASE = 0xFF00;
    public static final int MAX_OPCODE = 0xFFFF;

    private static final Opcode[] LOW = new Opcode[0x20];

    static {
        for (Opcode op : values()) {
            if (op.code < LOW.length) {
                LOW[op.code] = op;
            }
        }
    }

    private final int code;
    private final Use use;
    private final String semantics;
    private final List<OperandKind> operands;

    Opcode(int code, Use use, String semantics, OperandKind... operands) {
        this.code = code;
        this.use = use;
        this.semantics = semantics;
        this.operands = List.of(operands);
    }

    public int code() {
        return code;
    }

    public Use use() {
        return use;
    }

    public String semantics() {
        return semantics;
    }

    public List<OperandKind> operands() {
        return operands;
    }

    public int arity() {
        return operands.size();
    }

    public String mnemonic() {
        return name();
    }

    /** Index of this op's execution counter in the control block's METRICS region. */
    public int metricIndex() {
        return ordinal();
    }

    public boolean allowedInSlot() {
        return use != Use.PROGRAM_ONLY;
    }

    public boolean allowedInProgram() {
        return use != Use.SLOT_ONLY;
    }

    /** The opcode with this code, or {@code null} when the code is unknown or reserved. */
    public static Opcode fromCode(int code) {
        if (code >= 0 && code < LOW.length) {
            return LOW[code];
        }
        if (code == WRITE_BACK.code) {
            return WRITE_BACK;
        }
        if (code == LOAD_MISS.code) {
            return LOAD_MISS;
        }
        return null;
    }

    public static boolean isSystemReserved(int code) {
        return code >= SYSTEM_RESERVED_BASE && code <= MAX_OPCODE;
    }

    public static Opcode fromMnemonic(String mnemonic) {
        try {
            return valueOf(mnemonic.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
