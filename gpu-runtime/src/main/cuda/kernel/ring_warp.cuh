// The ring warp (block 0, warp 0): the kernel's only reader of the work ring and only writer of the host's
// ring and control words. Per iteration it
//   1. issues one poll of host memory: the next slots' words and the words that gate them (SHUTDOWN,
//      CONTROL_GENERATION, DOORBELL), all loads in flight at once: one PCIe round trip;
//   2. while they travel, takes the slots workers finished from the completion queue (device memory);
//   3. accepts the polled slots that are PUBLISHED, carry the expected SEQUENCE and whose seal matches
//      (a slot read half-written fails it and is read again), admits each (tenant mask, quota, opcode,
//      priority), runs scalar ops inline, holds slot-level BATCH_FENCEs until every slot before them is
//      done, and queues the rest by priority for the workers;
//   4. publishes a batch of completions: kernel-owned words and output cursors first, the results, one
//      system fence, then DONE. A host that sees DONE sees the results and every counter including the slot.
#pragma once
#include "ops_scalar.cuh"

#define POLL_SLOTS_MAX 32       // slots one poll reads when the doorbell says they are there
#define POLL_SLOTS_MIN 2        // slots a poll reads when the ring looks empty
#define BATCH_MAX 32            // completions published under one system fence
#define HEARTBEAT_EVERY 256     // iterations between heartbeats the host sees
#define IDLE_ITERATIONS_BEFORE_NAPS 4096
#define IDLE_NAP_NS 2000

struct RingWarpState {
    u32 seen;                 // the sequence of the next slot to accept
    u32 watermark;            // every slot before it is done
    u32 completionHead;
    u32 importedGeneration;   // CONTROL_GENERATION of the host words last imported
    u32 want;                 // slots the next poll reads
    u32 batchCount;
    bool fromWorkers;         // the batch holds slots workers ran: sweep their dirty words too
};

/** Copies a kernel-owned control word to the host (the ring warp is its only host-side writer). */
__device__ __forceinline__ void mirror_word(const KernelEnv& env, u32 word) {
    store_host(env.hostControl + word, load_relaxed(env.control + word));
}

/** Imports the host-owned words the kernel keeps copies of: tenant masks, quotas, observable words. */
__device__ void import_control(const KernelEnv& env) {
    u32 lane = threadIdx.x & 31;
    for (u32 t = lane; t < TENANT_COUNT; t += 32) {
        env.control[C_TENANT_BASE + t] = load_relaxed(env.hostControl + C_TENANT_BASE + t);
        env.control[C_TENANT_QUOTA_BASE + t] = load_relaxed(env.hostControl + C_TENANT_QUOTA_BASE + t);
    }
    for (u32 w = lane; w < C_OBSERVABLE_WORDS; w += 32) {
        env.control[C_OBSERVABLE_BASE + w] = load_relaxed(env.hostControl + C_OBSERVABLE_BASE + w);
    }
    __threadfence();
    __syncwarp();
}

__device__ __forceinline__ void complete_inline(const KernelEnv& env, u32 slot, u32 result, u32 error, u32 detail,
                                                u32* batch, u32* batchCount) {
    u32* record = slot_record(env, slot);
    record[W_RESULT] = result;
    record[W_ERROR] = error;
    record[W_DETAIL] = detail;
    batch[(*batchCount)++] = slot;
}

__device__ __forceinline__ void enqueue_ready(const KernelEnv& env, u32 priority, u32 slot) {
    u32* tailWord = counter(env, DC_READY_TAIL + priority * DC_LINE_WORDS);
    u32 tail = *tailWord;
    env.readyQueues[(u64) priority * (env.ringMask + 1) + (tail & env.ringMask)] = slot;
    store_release_gpu(tailWord, tail + 1);
}

/**
 * Admits an accepted slot and runs, holds or queues it (lane 0). Order of checks as the CPU megakernel's:
 * tenant mask, quota, opcode, priority.
 */
__device__ __noinline__ void dispatch(const KernelEnv& env, u32 slot, u32* batch, u32* batchCount) {
    u32* record = slot_record(env, slot);
    u32 opcode = record[W_OPCODE], tenant = record[W_TENANT], priority = record[W_PRIORITY];
    record[SR_STATE] = SR_DISPATCHED;
    u32 error = 0, detail = 0;
    if (tenant >= TENANT_COUNT || env.control[C_TENANT_BASE + tenant] == 0) {
        error = E_TENANT_DENIED;
        detail = tenant;
    } else {
        u32 used = env.control[C_TENANT_FAIRNESS_BASE + tenant];
        if (used >= env.control[C_TENANT_QUOTA_BASE + tenant]) {
            error = E_QUOTA_EXHAUSTED;
            detail = tenant;
        } else {
            env.control[C_TENANT_FAIRNESS_BASE + tenant] = used + 1;
            mirror_word(env, C_TENANT_FAIRNESS_BASE + tenant);
        }
    }
    if (!error && opcode > OP_CALL && opcode != OP_LOAD_MISS) { error = E_UNKNOWN_OPCODE; detail = opcode; }
    else if (!error && priority >= PRIORITY_LEVELS) { error = E_BAD_OPERAND; detail = priority; }
    if (error) {
        complete_inline(env, slot, 0, error, detail, batch, batchCount);
    } else if (opcode == OP_BATCH_FENCE) {
        record[SR_STATE] = SR_HELD_FENCE;
    } else if (is_scalar_op(opcode)) {
        Invocation inv;
        for (int i = 0; i < 16; i++) inv.regs[i] = i < RING_ARG_COUNT ? record[W_ARG0 + i] : 0;
        inv.error = 0;
        inv.detail = 0;
        inv.constantBase = NO_HANDLE;
        u32 metric = metric_of(opcode);
        atomicAdd(env.control + C_METRICS_BASE + metric, 1u);
        mirror_word(env, C_METRICS_BASE + metric);
        u32 operands[RING_ARG_COUNT];
        for (int k = 0; k < RING_ARG_COUNT; k++) operands[k] = inv.regs[k];
        u32 written = run_scalar_op(env, inv, opcode, 0, operands);
        if (written != NO_HANDLE) mirror_word(env, written);
        if (inv.error) complete_inline(env, slot, inv.regs[8], inv.error, inv.detail, batch, batchCount);
        else complete_inline(env, slot, inv.regs[8], 0, inv.regs[9], batch, batchCount);
    } else {
        enqueue_ready(env, priority, slot);
    }
}

/** Takes the finished slots workers queued, in order, while the batch has room (all lanes). */
__device__ void take_completions(const KernelEnv& env, RingWarpState& st, u32* batch) {
    u32 lane = threadIdx.x & 31;
    u32 room = BATCH_MAX - st.batchCount;
    u32 at = (st.completionHead + lane) & env.ringMask;
    u32 entry = lane < room ? load_acquire_gpu(env.completions + at) : 0;
    u32 filled = __ballot_sync(FULL_MASK, entry != 0);
    u32 n = filled == FULL_MASK ? 32 : __ffs(~filled) - 1;
    if (lane < n) {
        env.completions[at] = 0;
        batch[st.batchCount + lane] = entry - 1;
    }
    __syncwarp();
    st.batchCount += n;
    st.completionHead += n;
    st.fromWorkers |= n > 0;
}

/** Copies every control word and output cursor workers changed since the last sweep to the host (all lanes). */
__device__ void sweep_dirty(const KernelEnv& env) {
    u32 lane = threadIdx.x & 31;
    if (lane < C_CONTROL_WORDS / 32) {
        u32 bits = atomicExch(env.controlDirty + lane, 0u);
        while (bits) {
            u32 b = __ffs(bits) - 1;
            bits &= bits - 1;
            mirror_word(env, lane * 32 + b);
        }
    }
    for (u32 w = lane; w < OUTPUTS / 32; w += 32) {
        u32 bits = atomicExch(env.outputDirty + w, 0u);
        while (bits) {
            u32 h = w * 32 + __ffs(bits) - 1;
            bits &= bits - 1;
            volatile u32* region;
            u32 capacity;
            if (lookup_output(env, h, &region, &capacity)) {
                store_host64(region + OUT_CURSOR, *((volatile u64*) (env.outputCursors + h)));
            }
        }
    }
}

/** Publishes the batch: counters, dirty words, results, one system fence, DONE (all lanes). */
__device__ void publish_batch(const KernelEnv& env, RingWarpState& st, u32* batch) {
    u32 lane = threadIdx.x & 31;
    if (st.batchCount == 0) return;
    if (lane == 0) {
        u32 failed = 0;
        for (u32 i = 0; i < st.batchCount; i++) failed += slot_record(env, batch[i])[W_ERROR] != 0;
        env.control[C_DONE_COUNT] += st.batchCount;
        env.control[C_FAILED_COUNT] += failed;
        mirror_word(env, C_DONE_COUNT);
        if (failed) mirror_word(env, C_FAILED_COUNT);
    }
    if (st.fromWorkers) sweep_dirty(env);
    if (lane < st.batchCount) {
        const u32* record = slot_record(env, batch[lane]);
        volatile u32* slotWords = env.ring + (u64) batch[lane] * RING_SLOT_WORDS;
        store_host(slotWords + W_RESULT, record[W_RESULT]);
        store_host(slotWords + W_ERROR, record[W_ERROR]);
        store_host(slotWords + W_DETAIL, record[W_DETAIL]);
    }
    __syncwarp();
    fence_release_system();
    if (lane < st.batchCount) {
        store_host(env.ring + (u64) batch[lane] * RING_SLOT_WORDS + W_STATUS, S_DONE);
        slot_record(env, batch[lane])[SR_STATE] = SR_IDLE;
    }
    __syncwarp();
    st.batchCount = 0;
    st.fromWorkers = false;
}

/** Moves the watermark past done slots; a held BATCH_FENCE it reaches is done too (lane 0). */
__device__ void advance_watermark(const KernelEnv& env, RingWarpState& st, u32* batch) {
    while (st.watermark != st.seen && st.batchCount < BATCH_MAX) {
        u32 slot = st.watermark & env.ringMask;
        u32* record = slot_record(env, slot);
        u32 state = record[SR_STATE];
        if (state == SR_IDLE) {
            st.watermark++;
        } else if (state == SR_HELD_FENCE) {
            atomicAdd(env.control + C_METRICS_BASE + M_BATCH_FENCE, 1u);
            mirror_word(env, C_METRICS_BASE + M_BATCH_FENCE);
            record[SR_STATE] = SR_DISPATCHED;
            complete_inline(env, slot, 0, 0, 0, batch, &st.batchCount);
            return;
        } else {
            return;
        }
    }
}

__device__ void announce(const KernelEnv& env, u32 state, u32 workers) {
    if ((threadIdx.x & 31) == 0) {
        env.control[C_WORKERS] = workers;
        env.control[C_KERNEL_STATE] = state;
        mirror_word(env, C_WORKERS);
        mirror_word(env, C_KERNEL_STATE);
        mirror_word(env, C_HEARTBEAT);
        fence_release_system();
    }
    __syncwarp();
}

__device__ __noinline__ void ring_warp(const KernelEnv& env) {
    __shared__ u32 batch[BATCH_MAX];
    u32 lane = threadIdx.x & 31;
    RingWarpState st;
    st.seen = 0;
    st.watermark = 0;
    st.completionHead = 0;
    st.importedGeneration = load_relaxed(env.hostControl + C_CONTROL_GENERATION);
    st.want = POLL_SLOTS_MIN;
    st.batchCount = 0;
    st.fromWorkers = false;
    import_control(env);
    announce(env, STATE_RUNNING, env.workers);
    u32 idle = 0;
    for (u32 iteration = 1;; iteration++) {
        // 1. the poll: every load in flight at once
        u32 polled[POLL_SLOTS_MAX / 2];
#pragma unroll
        for (u32 k = 0; k < POLL_SLOTS_MAX / 2; k++) {
            u32 which = 2 * k + (lane >> 4);
            polled[k] = which < st.want
                ? load_relaxed(env.ring + (u64) ((st.seen + which) & env.ringMask) * RING_SLOT_WORDS + (lane & 15)) : 0;
        }
        u32 gate = lane == 0 ? load_relaxed(env.hostControl + C_SHUTDOWN)
            : lane == 1 ? load_relaxed(env.hostControl + C_CONTROL_GENERATION)
            : lane == 2 ? load_relaxed(env.hostControl + C_DOORBELL) : 0;
        // 2. meanwhile: what the workers finished
        take_completions(env, st, batch);
        // 3. the polled slots
        u32 shutdown = __shfl_sync(FULL_MASK, gate, 0);
        u32 generation = __shfl_sync(FULL_MASK, gate, 1);
        u32 doorbell = __shfl_sync(FULL_MASK, gate, 2);
        if (shutdown) break;
        if (generation != st.importedGeneration) {
            import_control(env);
            st.importedGeneration = generation;
        }
        u32 accepted = 0;
#pragma unroll
        for (u32 k = 0; k < POLL_SLOTS_MAX; k++) {
            if (k >= st.want || st.batchCount == BATCH_MAX) break;
            u32 word = __shfl_sync(FULL_MASK, polled[k >> 1], ((k & 1) << 4) | (lane & 15));
            u32 status = __shfl_sync(FULL_MASK, word, W_STATUS);
            u32 sequence = __shfl_sync(FULL_MASK, word, W_SEQUENCE);
            u32 seal = __shfl_sync(FULL_MASK, word, W_DETAIL);
            u32 h = SEAL_BASIS;
            for (u32 w = W_OPCODE; w <= W_SEQUENCE; w++) h = (h ^ __shfl_sync(FULL_MASK, word, w)) * SEAL_PRIME;
            if (status != S_PUBLISHED || sequence != st.seen + k || h != seal) break;
            u32 slot = (st.seen + k) & env.ringMask;
            if (lane < 16) slot_record(env, slot)[lane] = word;
            __syncwarp();
            if (lane == 0) dispatch(env, slot, batch, &st.batchCount);
            st.batchCount = __shfl_sync(FULL_MASK, st.batchCount, 0);
            accepted++;
        }
        st.seen += accepted;
        int published = (int) (doorbell - st.seen);
        st.want = published <= POLL_SLOTS_MIN ? POLL_SLOTS_MIN : min((u32) published, (u32) POLL_SLOTS_MAX);
        if (lane == 0) {
            advance_watermark(env, st, batch);
            env.control[C_HEARTBEAT] += 1;
            if (iteration % HEARTBEAT_EVERY == 0) mirror_word(env, C_HEARTBEAT);
        }
        st.batchCount = __shfl_sync(FULL_MASK, st.batchCount, 0);
        st.watermark = __shfl_sync(FULL_MASK, st.watermark, 0);
        bool worked = accepted > 0 || st.batchCount > 0;
        publish_batch(env, st, batch);
        idle = worked ? 0 : idle + 1;
        if (idle > IDLE_ITERATIONS_BEFORE_NAPS && lane == 0) __nanosleep(IDLE_NAP_NS);
        __syncwarp();
    }
    // SHUTDOWN: stop the workers, publish what they still finish, then say so
    if (lane == 0) store_release_gpu(counter(env, DC_STOP), 1);
    __syncwarp();
    while (true) {
        u32 exited = __shfl_sync(FULL_MASK, lane == 0 ? load_acquire_gpu(counter(env, DC_EXITED)) : 0, 0);
        take_completions(env, st, batch);
        publish_batch(env, st, batch);
        if (exited == env.workers) {
            take_completions(env, st, batch);
            publish_batch(env, st, batch);
            break;
        }
        if (lane == 0) __nanosleep(1000);
        __syncwarp();
    }
    sweep_dirty(env);
    announce(env, STATE_EXITED, 0);
}
