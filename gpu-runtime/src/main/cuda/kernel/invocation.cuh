// The state of one slot while a worker block runs it (shared memory; thread 0 writes, the block reads after
// a barrier), and the handle lookups every op goes through. Mirrors backend/cpu/Invocation.java.
#pragma once
#include "common.cuh"

struct Invocation {
    u32 regs[16];
    u32 error;            // SlotError code, 0 while the slot is healthy
    u32 detail;
    u32 opIndex;
    u32 tenant;           // the slot's tenant: its IO requests go into that tenant's partition of the IO queue
    u32 constantBase;     // NO_HANDLE for a slot-level op: constant operands are global handles
    u32 hasInput;
    u32 inputHandle;
    u32 inputLength;
    u8* input;            // the input's device copy (the buffer's mirror)
    u32 framed;
    u32 recordCount;
    u32 matched;
    u32 matchCount;
};

#define FAIL(inv, code, d) do { (inv).error = (code); (inv).detail = (u32) (d); } while (0)

/** An ingest buffer: its host-mapped bytes, capacity and device mirror. */
struct BufferRef {
    volatile u8* host;
    u64 capacity;
    u8* mirror;
};

__device__ __forceinline__ bool lookup_buffer(const KernelEnv& env, u32 handle, BufferRef* out) {
    if (handle >= BUFFERS) return false;
    const u64* e = env.bufferTable + (u64) handle * BUF_WORDS;
    if (table_word(e + 2) == 0) return false;
    out->host = (volatile u8*) table_word(e);
    out->capacity = table_word(e + 1);
    out->mirror = (u8*) table_word(e + 3);
    return true;
}

__device__ __forceinline__ bool lookup_output(const KernelEnv& env, u32 handle, volatile u32** region, u32* capacityWords) {
    if (handle >= OUTPUTS) return false;
    const u64* e = env.outputTable + (u64) handle * OUTE_WORDS;
    if (table_word(e + 2) == 0) return false;
    *region = (volatile u32*) table_word(e);
    *capacityWords = (u32) table_word(e + 1);
    return true;
}

/** The constant an operand names, or null (UNKNOWN_HANDLE set) when it is missing or of another kind. */
__device__ __forceinline__ const u64* lookup_constant(const KernelEnv& env, Invocation& inv, u32 operand, u32 kind) {
    u32 handle = inv.constantBase == NO_HANDLE ? operand : inv.constantBase + operand;
    if (handle < CONSTANTS) {
        const u64* c = env.constantTable + (u64) handle * CONST_WORDS;
        u64 head = table_word(c);
        if ((head & 0xff) == kind && ((head >> 8) & 1)) return c;
    }
    FAIL(inv, E_UNKNOWN_HANDLE, handle);
    return 0;
}

/** A register operand when the op's mask says so, else the immediate. */
__device__ __forceinline__ u32 operand_value(const Invocation& inv, u32 mask, const u32* ops, int k) {
    return (mask >> k) & 1 ? inv.regs[ops[k] & 15] : ops[k];
}

/** Control words the kernel keeps (the host-owned ones, masks and quotas, it keeps as imported copies). */
__device__ __forceinline__ bool kernel_owned(u32 word) {
    return word == C_DONE_COUNT || (word >= C_TENANT_BASE && word < C_METRICS_BASE + C_METRICS_SLOTS)
        || word == C_HEARTBEAT || word == C_KERNEL_STATE || word == C_FAULT_CODE || word == C_FAILED_COUNT
        || word == C_WORKERS || (word >= C_OBSERVABLE_BASE && word < C_CONTROL_WORDS);
}

__device__ __forceinline__ u32 read_control(const KernelEnv& env, u32 word) {
    return kernel_owned(word) ? load_relaxed(env.control + word) : load_relaxed(env.hostControl + word);
}
