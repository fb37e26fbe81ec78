package io.vyre.runtime.backend.cpu;

import io.vyre.runtime.backend.cpu.vectorscan.LiteralScanner;
import io.vyre.runtime.bytecode.Instruction;
import io.vyre.runtime.memory.NativeBuffer;
import io.vyre.runtime.protocol.SlotError;
import java.util.Arrays;

/**
 * The state of one slot while a CPU worker runs it: registers, the input buffer, the framed records
 * and the collected matches. One per worker, reused from slot to slot.
 */
final class Invocation {
    final int[] regs = new int[Instruction.REGISTERS];
    CpuProgram program;
    int opIndex;
    /** The slot's tenant: its IO requests go into that tenant's partition of the IO queue. */
    int tenant;

    NativeBuffer input;
    int inputHandle;
    int inputLength;

    boolean framed;
    int recordCount;
    int[] recordStart = new int[64];
    int[] recordLength = new int[64];
    int[] recordValue = new int[64];

    boolean matched;
    int matchCount;
    int[] matchOffset = new int[64];
    int[] matchPattern = new int[64];
    int[] matchLength = new int[64];

    private final int maxRecords;
    private final int maxMatches;

    Invocation(int maxRecords, int maxMatches) {
        this.maxRecords = maxRecords;
        this.maxMatches = maxMatches;
    }

    void reset() {
        Arrays.fill(regs, 0);
        program = null;
        opIndex = 0;
        input = null;
        inputHandle = 0;
        inputLength = 0;
        framed = false;
        recordCount = 0;
        matched = false;
        matchCount = 0;
    }

    void setInput(NativeBuffer buffer, int handle, int length) {
        input = buffer;
        inputHandle = handle;
        inputLength = length;
        framed = false;
        recordCount = 0;
        matched = false;
        matchCount = 0;
    }

    void requireInput(int opcode) {
        if (input == null) {
            throw new SlotFault(SlotError.BAD_STATE, opcode);
        }
    }

    /** Before any FRAME op, the records are the whole input as one record. */
    void ensureRecords() {
        if (!framed) {
            recordCount = 0;
            addRecord(0, inputLength);
            framed = true;
        }
    }

    void addRecord(int start, int length) {
        if (recordCount == maxRecords) {
            throw new SlotFault(SlotError.TOO_MANY_RECORDS, maxRecords);
        }
        if (recordCount == recordStart.length) {
            int n = Math.min(maxRecords, recordCount * 2);
            recordStart = Arrays.copyOf(recordStart, n);
            recordLength = Arrays.copyOf(recordLength, n);
            recordValue = Arrays.copyOf(recordValue, n);
        }
        recordStart[recordCount] = start;
        recordLength[recordCount] = length;
        recordValue[recordCount] = 0;
        recordCount++;
    }

    /** Where a MATCH engine reports occurrences: false once the matches are full (the scan then stops). */
    final LiteralScanner.Matches matchSink = this::tryAddMatch;

    void addMatch(int offset, int pattern, int length) {
        if (!tryAddMatch(offset, pattern, length)) {
            throw overflow();
        }
    }

    /** The OUTPUT_OVERFLOW of a MATCH that found more than maxMatches occurrences. */
    SlotFault overflow() {
        return SlotFault.of(SlotError.OUTPUT_OVERFLOW, (long) maxMatches * 2);
    }

    boolean tryAddMatch(int offset, int pattern, int length) {
        if (matchCount == maxMatches) {
            return false;
        }
        if (matchCount == matchOffset.length) {
            int n = Math.min(maxMatches, matchCount * 2);
            matchOffset = Arrays.copyOf(matchOffset, n);
            matchPattern = Arrays.copyOf(matchPattern, n);
            matchLength = Arrays.copyOf(matchLength, n);
        }
        matchOffset[matchCount] = offset;
        matchPattern[matchCount] = pattern;
        matchLength[matchCount] = length;
        matchCount++;
        return true;
    }
}
