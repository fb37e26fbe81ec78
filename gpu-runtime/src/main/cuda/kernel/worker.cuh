// Worker blocks: each takes the highest-priority ready slot (or, idle, a tile of another block's MATCH),
// runs its op or the program a CALL names with the whole block, and hands the slot to the ring warp's
// completion queue. Mirrors backend/cpu/CpuKernelWorker.java and Interpreter.java, including the order of
// their checks. Admission (tenant mask, quota, opcode, priority) already happened in the ring warp.
#pragma once
#include "io_port.cuh"
#include "ops_match.cuh"
#include "ops_records.cuh"
#include "ops_scalar.cuh"

#define TASK_NONE 0
#define TASK_SLOT 1
#define TASK_TILE 2
#define TASK_EXIT 3

/** The per-worker scratch: records ([start, length, value] + delimiter positions) and matches. */
struct Scratch {
    u32* records;
    u32* matches;
};

__device__ __forceinline__ bool needs_input(u32 opcode) {
    return opcode == OP_FRAME_DELIM || opcode == OP_FRAME_FIXED || opcode == OP_MATCH || opcode == OP_FILTER
        || opcode == OP_PROJECT || opcode == OP_REDACT || opcode == OP_HASH || opcode == OP_COUNT
        || opcode == OP_EMIT_MATCHES || opcode == OP_EMIT_RECORDS || opcode == OP_WRITE_BACK;
}

/** The input is now the buffer's device mirror, holding `length` bytes. Thread 0. */
__device__ __forceinline__ void set_input(Invocation& inv, u32 handle, u8* mirror, u32 length) {
    inv.hasInput = 1;
    inv.inputHandle = handle;
    inv.inputLength = length;
    inv.input = mirror;
    inv.framed = 0;
    inv.recordCount = 0;
    inv.matched = 0;
    inv.matchCount = 0;
}

/** INPUT: the buffer's bytes, staged by the copy engine when the host staged them, else pulled over PCIe. */
__device__ void op_input(const KernelEnv& env, Invocation& inv, u32 handle, u32 length) {
    __shared__ u32 pull;
    __shared__ BufferRef buffer;
    if (threadIdx.x == 0) {
        pull = 0;
        BufferRef b;
        if (!lookup_buffer(env, handle, &b)) {
            FAIL(inv, E_UNKNOWN_HANDLE, handle);
        } else if ((u64) length > b.capacity) {
            FAIL(inv, E_OUT_OF_BOUNDS, length);
        } else {
            buffer = b;
            bool staged = await_staged_input(env, inv, handle);
            pull = !staged && !inv.error;
            if (!inv.error) set_input(inv, handle, b.mirror, length);
        }
    }
    __syncthreads();
    if (pull) copy_from_host(buffer.mirror, buffer.host, length);
}

/** MEMCPY between ingest buffers, in host memory (where the host reads and writes them). */
__device__ void op_memcpy(const KernelEnv& env, Invocation& inv, u32 v0, u32 v1, u32 v2, u32 v3, u32 v4) {
    __shared__ volatile u8* to;
    __shared__ const volatile u8* from;
    __shared__ u32 go;
    if (threadIdx.x == 0) {
        BufferRef dst, src;
        go = 0;
        if (!lookup_buffer(env, v0, &dst)) FAIL(inv, E_UNKNOWN_HANDLE, v0);
        else if (!lookup_buffer(env, v2, &src)) FAIL(inv, E_UNKNOWN_HANDLE, v2);
        else if ((u64) v1 + v4 > dst.capacity) FAIL(inv, E_OUT_OF_BOUNDS, (u64) v1 + v4);
        else if ((u64) v3 + v4 > src.capacity) FAIL(inv, E_OUT_OF_BOUNDS, (u64) v3 + v4);
        else { go = 1; to = dst.host + v1; from = src.host + v3; inv.regs[8] = v4; }
    }
    __syncthreads();
    if (go) {
        for (u32 i = threadIdx.x; i < v4; i += blockDim.x) to[i] = from[i];
        __threadfence_system();
    }
}

/** One op of a slot or program, run by the whole block. */
__device__ void execute(const KernelEnv& env, Invocation& inv, u32 worker, u32 opcode, u32 mask, const u32* ops,
                        const Scratch& scratch) {
    __shared__ u64 sharedPointer;
    bool lead = threadIdx.x == 0;
    if (lead) {
        u32 metric = metric_of(opcode);
        if (metric == NO_HANDLE || opcode == OP_CALL) FAIL(inv, E_UNKNOWN_OPCODE, opcode);
        else count_metric(env, metric);
        if (!inv.error && needs_input(opcode) && !inv.hasInput) FAIL(inv, E_BAD_STATE, opcode);
    }
    __syncthreads();
    if (inv.error) return;
    if (is_scalar_op(opcode)) {
        if (lead) {
            u32 value;
            u32 word = run_scalar_op(env, inv, opcode, mask, ops, &value);
            if (word != NO_HANDLE) mark_control_dirty(env, word);
        }
        __syncthreads();
        return;
    }
    u32 v0 = operand_value(inv, mask, ops, 0), v1 = operand_value(inv, mask, ops, 1);
    u32 v2 = operand_value(inv, mask, ops, 2), v3 = operand_value(inv, mask, ops, 3);
    u32 v4 = operand_value(inv, mask, ops, 4);
    switch (opcode) {
        case OP_MEMCPY:
            op_memcpy(env, inv, v0, v1, v2, v3, v4);
            break;
        case OP_BATCH_FENCE:
            // in a program: wait for an IO FENCE (every earlier IO request completed and synced)
            if (lead && inv.constantBase != NO_HANDLE) io_request(env, inv, IO_FENCE, 0, 0, 0, 0, inv.opIndex);
            break;
        case OP_INPUT:
            op_input(env, inv, v0, v1);
            break;
        case OP_LOAD_MISS:
            if (lead) {
                u64 offset = (u64) v1 | ((u64) v2 << 32);
                u32 bytes = io_request(env, inv, IO_READ, v0, v4, offset, v3, inv.opIndex);
                BufferRef b;
                if (!inv.error) {
                    if (!lookup_buffer(env, v4, &b)) FAIL(inv, E_UNKNOWN_HANDLE, v4);
                    else if ((u64) bytes > b.capacity) FAIL(inv, E_OUT_OF_BOUNDS, bytes);
                    else { set_input(inv, v4, b.mirror, bytes); inv.regs[8] = bytes; }
                }
            }
            break;
        case OP_WRITE_BACK:
            // the ingest buffer in host memory holds the input: the pump writes it from there
            if (lead) {
                u64 offset = (u64) v1 | ((u64) v2 << 32);
                u32 bytes = io_request(env, inv, IO_WRITE, inv.inputHandle, v0, offset, inv.inputLength, inv.opIndex);
                if (!inv.error) inv.regs[8] = bytes;
            }
            break;
        case OP_MATCH: {
            if (lead) sharedPointer = (u64) lookup_constant(env, inv, ops[0], KIND_PATTERNS);
            __syncthreads();
            if (inv.error) break;
            op_match(env, inv, worker, (const u64*) sharedPointer, (u64) v1, scratch.matches);
            break;
        }
        case OP_FRAME_DELIM:
            if (v0 > 0xff) { if (lead) FAIL(inv, E_BAD_OPERAND, 0); break; }
            op_frame_delim(env, inv, v0, (u64) v1, v2, scratch.records);
            break;
        case OP_FRAME_FIXED:
            if (v0 == 0 || (int) v0 < 0) { if (lead) FAIL(inv, E_BAD_OPERAND, 0); break; }
            op_frame_fixed(env, inv, v0, (u64) v1, v2, scratch.records);
            break;
        case OP_FILTER:
        case OP_PROJECT: {
            if (lead) sharedPointer = (u64) lookup_constant(env, inv, ops[0], KIND_EXPR);
            __syncthreads();
            if (inv.error) break;
            op_filter_project(inv, (const u64*) sharedPointer, opcode == OP_FILTER, scratch.records);
            break;
        }
        case OP_HASH:
            op_hash(inv, v0, scratch.records);
            break;
        case OP_REDACT: {
            if (!inv.matched) { if (lead) FAIL(inv, E_BAD_STATE, opcode); break; }
            if (v0 > 0xff) { if (lead) FAIL(inv, E_BAD_OPERAND, 0); break; }
            if (lead) {
                BufferRef b;
                sharedPointer = lookup_buffer(env, inv.inputHandle, &b) ? (u64) b.host : 0;
            }
            __syncthreads();
            op_redact(inv, v0, scratch.matches, (volatile u8*) sharedPointer);
            break;
        }
        case OP_COUNT:
            ensure_records(inv, scratch.records);
            if (lead) { inv.regs[8] = inv.recordCount; inv.regs[9] = inv.matchCount; }
            break;
        case OP_EMIT_MATCHES:
            if (!inv.matched) { if (lead) FAIL(inv, E_BAD_STATE, opcode); break; }
            op_emit(env, inv, v0, inv.matchCount, MATCH_ENTRY_WORDS, scratch.matches);
            break;
        case OP_EMIT_RECORDS:
            ensure_records(inv, scratch.records);
            op_emit(env, inv, v0, inv.recordCount, RECORD_ENTRY_WORDS, scratch.records);
            break;
    }
    __syncthreads();
}

/** Runs a dispatched slot: its op, or each op of the program a CALL names. */
__device__ void run_slot(const KernelEnv& env, Invocation& inv, u32 worker, u32 slot, const Scratch& scratch) {
    __shared__ u32 opcode, programLength;
    __shared__ const u32* program;
    const u32* record = slot_record(env, slot);
    if (threadIdx.x == 0) {
        for (int i = 0; i < 16; i++) inv.regs[i] = i < RING_ARG_COUNT ? record[W_ARG0 + i] : 0;
        inv.error = 0;
        inv.detail = 0;
        inv.opIndex = 0;
        inv.tenant = record[W_TENANT];
        inv.constantBase = NO_HANDLE;
        inv.hasInput = 0;
        inv.framed = 0;
        inv.recordCount = 0;
        inv.matched = 0;
        inv.matchCount = 0;
        opcode = record[W_OPCODE];
        programLength = 0;
        if (opcode == OP_CALL) {
            count_metric(env, M_CALL);
            u32 handle = inv.regs[0];
            const u64* p = handle < PROGRAMS ? env.programTable + (u64) handle * PROG_WORDS : 0;
            if (!p || table_word(p + 3) == 0) {
                FAIL(inv, E_UNKNOWN_HANDLE, handle);
            } else {
                program = (const u32*) table_word(p);
                programLength = (u32) table_word(p + 1);
                inv.constantBase = (u32) table_word(p + 2);
            }
        }
    }
    __syncthreads();
    if (inv.error) return;
    if (opcode == OP_CALL) {
        for (u32 i = 0; i < programLength; i++) {
            const u32* op = program + (u64) i * OP_WORDS;
            u32 head = __ldcg(op);
            u32 operands[OP_WORDS - 1];
            for (int k = 0; k < OP_WORDS - 1; k++) operands[k] = __ldcg(op + 1 + k);
            if (threadIdx.x == 0) inv.opIndex = i;
            __syncthreads();
            execute(env, inv, worker, head & 0xffff, (head >> 16) & 0xff, operands, scratch);
            if (inv.error) return;
        }
    } else {
        u32 operands[RING_ARG_COUNT];
        for (int k = 0; k < RING_ARG_COUNT; k++) operands[k] = record[W_ARG0 + k];
        execute(env, inv, worker, opcode, 0, operands, scratch);
    }
}

/** Hands a finished slot to the ring warp: results into its record, then its entry into the completion queue. */
__device__ void finish_slot(const KernelEnv& env, const Invocation& inv, u32 slot) {
    u32* record = slot_record(env, slot);
    record[W_RESULT] = inv.regs[8];
    record[W_ERROR] = inv.error ? (inv.error | (inv.opIndex << 16)) : 0;
    record[W_DETAIL] = inv.error ? inv.detail : inv.regs[9];
    // what the slot wrote to host memory (entries, redactions) lands before the ring warp's DONE
    __threadfence_system();
    u32 at = atomicAdd(counter(env, DC_COMPLETION_TAIL), 1u);
    store_release_gpu(env.completions + (at & env.ringMask), slot + 1);
}

/** Warp 0 of a worker: the next task, waiting (bounded by STOP) while there is none. */
__device__ u32 find_task(const KernelEnv& env, u32* slotOut) {
    u32 lane = threadIdx.x;
    Backoff backoff(256);
    while (true) {
        // lane p looks at ready queue p; the highest non-empty level is tried first
        u32 head = 0, tail = 0;
        if (lane < PRIORITY_LEVELS) {
            head = load_relaxed(counter(env, DC_READY_HEAD + lane * DC_LINE_WORDS));
            tail = load_acquire_gpu(counter(env, DC_READY_TAIL + lane * DC_LINE_WORDS));
        }
        // entries [head, tail) are ready. The two loads are not ordered against each other: head may be read after
        // another worker took the entry at the tail read before it, and then runs ahead of that tail. "head != tail"
        // took such a view for a ready entry and dequeued one the ring warp had not written (it ran the slot of the
        // same ring index one lap earlier again); only a tail ahead of head says an entry is there.
        u32 ready = __ballot_sync(FULL_MASK, lane < PRIORITY_LEVELS && (int) (tail - head) > 0);
        u32 slot = NO_HANDLE;
        while (ready) {
            u32 level = 31 - __clz(ready);
            u32 h = __shfl_sync(FULL_MASK, head, level);
            if (lane == 0) {
                u32* headWord = counter(env, DC_READY_HEAD + level * DC_LINE_WORDS);
                if (atomicCAS(headWord, h, h + 1) == h) {
                    // the ring warp wrote the entry before releasing the tail past it
                    load_acquire_gpu(counter(env, DC_READY_TAIL + level * DC_LINE_WORDS));
                    slot = load_relaxed(env.readyQueues + (u64) level * (env.ringMask + 1) + (h & env.ringMask));
                }
            }
            slot = __shfl_sync(FULL_MASK, slot, 0);
            if (slot != NO_HANDLE) {
                *slotOut = slot;
                return TASK_SLOT;
            }
            // lost the race for that entry: look again
            if (lane < PRIORITY_LEVELS) {
                head = load_relaxed(counter(env, DC_READY_HEAD + lane * DC_LINE_WORDS));
                tail = load_acquire_gpu(counter(env, DC_READY_TAIL + lane * DC_LINE_WORDS));
            }
            ready = __ballot_sync(FULL_MASK, lane < PRIORITY_LEVELS && (int) (tail - head) > 0);
        }
        // one lane decides, so the whole warp takes the same branch
        u32 next = TASK_NONE;
        if (lane == 0) {
            if (load_relaxed(counter(env, DC_ACTIVE_JOBS)) != 0) next = TASK_TILE;
            else if (stop_requested(env)) next = TASK_EXIT;
            else backoff.pause();
        }
        next = __shfl_sync(FULL_MASK, next, 0);
        if (next != TASK_NONE) return next;
    }
}

__device__ __noinline__ void worker_loop(const KernelEnv& env, u32 worker) {
    __shared__ Invocation inv;
    __shared__ u32 task, slot;
    Scratch scratch;
    scratch.records = env.records + (u64) worker * 4 * ((u64) env.maxRecords + 1);
    scratch.matches = env.matches + (u64) worker * 3 * (u64) env.maxMatches;
    while (true) {
        if (threadIdx.x < 32) {
            u32 s = NO_HANDLE;
            u32 t = find_task(env, &s);
            if (threadIdx.x == 0) { task = t; slot = s; }
        }
        __syncthreads();
        if (task == TASK_EXIT) break;
        if (task == TASK_SLOT) {
            run_slot(env, inv, worker, slot, scratch);
            __syncthreads();
            if (threadIdx.x == 0) finish_slot(env, inv, slot);
        } else {
            help_match(env, worker);
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) atomicAdd(counter(env, DC_EXITED), 1u);
}
