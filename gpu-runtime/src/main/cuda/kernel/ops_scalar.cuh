// The scalar ops: one thread, no input, no IO. The ring warp runs them inline when a slot holds one (no
// worker, no hand-over: the round trip of a small op); a worker runs them inside programs.
// Mirrors the scalar cases of backend/cpu/Interpreter.java.
#pragma once
#include "invocation.cuh"

__device__ __forceinline__ bool is_scalar_op(u32 opcode) {
    return opcode == OP_NOP || opcode == OP_STORE_U32 || opcode == OP_ATOMIC_ADD || opcode == OP_LOAD_U32
        || opcode == OP_COMPARE_SWAP || opcode == OP_DFA_STEP;
}

__device__ __forceinline__ bool observable(u32 word) {
    return word >= C_OBSERVABLE_BASE && word < C_CONTROL_WORDS;
}

/**
 * Runs a scalar op. Returns the control word it wrote (for the caller to mirror), or NO_HANDLE; *written
 * receives the value it left there (what an atomic returned, plus its effect: no second read).
 */
__device__ u32 run_scalar_op(const KernelEnv& env, Invocation& inv, u32 opcode, u32 mask, const u32* ops, u32* written) {
    u32 v0 = operand_value(inv, mask, ops, 0), v1 = operand_value(inv, mask, ops, 1);
    u32 v2 = operand_value(inv, mask, ops, 2);
    switch (opcode) {
        case OP_STORE_U32:
            if (!observable(v1)) { FAIL(inv, E_BAD_OPERAND, 1); return NO_HANDLE; }
            atomicExch(env.control + v1, v0);
            *written = v0;
            return v1;
        case OP_ATOMIC_ADD:
            if (!observable(v0)) { FAIL(inv, E_BAD_OPERAND, 0); return NO_HANDLE; }
            inv.regs[8] = atomicAdd(env.control + v0, v1);
            *written = inv.regs[8] + v1;
            return v0;
        case OP_LOAD_U32:
            if (v0 >= C_CONTROL_WORDS) { FAIL(inv, E_BAD_OPERAND, 0); return NO_HANDLE; }
            inv.regs[8] = read_control(env, v0);
            return NO_HANDLE;
        case OP_COMPARE_SWAP: {
            if (!observable(v0)) { FAIL(inv, E_BAD_OPERAND, 0); return NO_HANDLE; }
            u32 witness = atomicCAS(env.control + v0, v1, v2);
            inv.regs[8] = witness;
            inv.regs[9] = witness == v1 ? 1 : 0;
            *written = v2;
            return witness == v1 ? v0 : NO_HANDLE;
        }
        case OP_DFA_STEP: {
            const u64* c = lookup_constant(env, inv, ops[0], KIND_PATTERNS);
            if (!c) return NO_HANDLE;
            u64 shape = table_word(c + 6);
            u32 states = (u32) shape, classes = (u32) (shape >> 32);
            if (v2 > 0xff) { FAIL(inv, E_BAD_OPERAND, 2); return NO_HANDLE; }
            if (v1 >= states) { FAIL(inv, E_BAD_OPERAND, 1); return NO_HANDLE; }
            const u8* classOf = (const u8*) table_word(c + 1);
            const u32* next = (const u32*) table_word(c + 2);
            u32 n = next[(u64) v1 * classes + classOf[v2]];
            inv.regs[8] = n & DFA_STATE_MASK;
            inv.regs[9] = n & DFA_MATCH_FLAG ? 1 : 0;
            return NO_HANDLE;
        }
        default:  // OP_NOP
            return NO_HANDLE;
    }
}

/** The metric index of an opcode, or NO_HANDLE for an unknown one. */
__device__ u32 metric_of(u32 opcode) {
    switch (opcode) {
        case OP_NOP: return M_NOP;
        case OP_STORE_U32: return M_STORE_U32;
        case OP_ATOMIC_ADD: return M_ATOMIC_ADD;
        case OP_LOAD_U32: return M_LOAD_U32;
        case OP_COMPARE_SWAP: return M_COMPARE_SWAP;
        case OP_MEMCPY: return M_MEMCPY;
        case OP_DFA_STEP: return M_DFA_STEP;
        case OP_BATCH_FENCE: return M_BATCH_FENCE;
        case OP_CALL: return M_CALL;
        case OP_INPUT: return M_INPUT;
        case OP_FRAME_DELIM: return M_FRAME_DELIM;
        case OP_FRAME_FIXED: return M_FRAME_FIXED;
        case OP_MATCH: return M_MATCH;
        case OP_FILTER: return M_FILTER;
        case OP_PROJECT: return M_PROJECT;
        case OP_REDACT: return M_REDACT;
        case OP_HASH: return M_HASH;
        case OP_COUNT: return M_COUNT;
        case OP_EMIT_MATCHES: return M_EMIT_MATCHES;
        case OP_EMIT_RECORDS: return M_EMIT_RECORDS;
        case OP_WRITE_BACK: return M_WRITE_BACK;
        case OP_LOAD_MISS: return M_LOAD_MISS;
        default: return NO_HANDLE;
    }
}
