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
// What only it writes (tenant masks and quotas as imported, fairness, DONE and FAILED counts, the
// heartbeat) it keeps in shared memory and registers, writing through to device memory for workers' reads:
// the round trip of a small op waits on no device-memory read. The loop is kept small and its state in
// registers: polled slots go through shared memory so the accept loop is not unrolled, and completions are read
// relaxed with one fence when some came. (Unrolled, with dispatch copied 32 times, the state spilled to local
// memory, and the per-iteration acquire load's L1 invalidation sent every spill to L2: 8.7 us a round trip on the
// H200 against 4.8 us now; tools/gpu/run.sh ringtrace shows where the time goes.)
#pragma once
#include "ops_scalar.cuh"

#ifdef VYRE_TRACE
// A diagnostic build (nvcc -DVYRE_TRACE, never shipped): where a slot's time goes inside the ring warp, summed in
// nanoseconds into host control words TRACE_BASE.. (not kernel-owned, so LOAD_U32 reads them): iterations, slots
// traced, poll issue -> poll data, -> slot accepted, -> dispatched, -> loop's end, -> before the system fence,
// -> DONE written.
#define TRACE_BASE 142
struct RingTrace {
    u32 iterations, slots, poll, accept, dispatch, rest, batch, fence;
};
#define TRACE(...) __VA_ARGS__
/** The time once {@code dependency} has arrived (the timer read cannot be hoisted above its load). */
__device__ __forceinline__ u64 now_ns_after(u32 dependency) {
    u64 t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t) : "r"(dependency));
    return t;
}
#else
#define TRACE(...)
#endif

#define POLL_SLOTS_MAX 32       // slots one poll reads when the doorbell says they are there
#ifndef POLL_SLOTS_MIN
#define POLL_SLOTS_MIN 1        // slots a poll reads when the ring looks empty (2 measured 0.1 us slower per round trip)
#endif
#define BATCH_MAX 32            // completions published under one system fence
#define HEARTBEAT_EVERY 256     // iterations between heartbeats the host sees
#define IDLE_ITERATIONS_BEFORE_NAPS 4096
#define IDLE_NAP_NS 2000
#define INLINE_RESULT 0x80000000u  // a batch entry whose results are in the batch itself, not the slot record

/** The ring warp's own words, in shared memory. */
struct RingWarpShared {
    u32 batch[BATCH_MAX];          // slot | INLINE_RESULT
    u32 result[BATCH_MAX];
    u32 error[BATCH_MAX];
    u32 detail[BATCH_MAX];
    u32 tenantMask[TENANT_COUNT];
    u32 tenantQuota[TENANT_COUNT];
    u32 fairness[TENANT_COUNT];
    u32 polled[POLL_SLOTS_MAX * RING_SLOT_WORDS];  // the last poll's slots, word by word
};
// a poll reads two slots per warp-wide load, one word per lane of each half-warp
static_assert(RING_SLOT_WORDS == 16, "the ring warp's poll reads a slot with a half-warp: one word per lane");

struct RingWarpState {
    u32 seen;                 // the sequence of the next slot to accept
    u32 watermark;            // every slot before it is done (advanced while fences are held)
    u32 heldFences;
    u32 outstanding;          // accepted slots not yet published DONE
    u32 completionHead;
    u32 importedGeneration;   // CONTROL_GENERATION of the host words last imported
    u32 want;                 // slots the next poll reads
    u32 batchCount;
    u32 doneCount;
    u32 failedCount;
    u32 heartbeat;
    bool fromWorkers;         // the batch holds slots workers ran: sweep their dirty words too
};

/** Writes a kernel-owned control word to the device copy and the host (the ring warp's own words). */
__device__ __forceinline__ void publish_word(const KernelEnv& env, u32 word, u32 value) {
    env.control[word] = value;
    store_host(env.hostControl + word, value);
}

/** Copies a control word a worker changed to the host (the ring warp is the host copy's only writer). */
__device__ __forceinline__ void mirror_word(const KernelEnv& env, u32 word) {
    store_host(env.hostControl + word, load_relaxed(env.control + word));
}

/** Imports the host-owned words the kernel keeps copies of: tenant masks, quotas, observable words. */
__device__ void import_control(const KernelEnv& env, RingWarpShared& sh) {
    u32 lane = threadIdx.x & 31;
    if (lane < TENANT_COUNT) {
        u32 mask = load_relaxed(env.hostControl + C_TENANT_BASE + lane);
        u32 quota = load_relaxed(env.hostControl + C_TENANT_QUOTA_BASE + lane);
        sh.tenantMask[lane] = mask;
        sh.tenantQuota[lane] = quota;
        env.control[C_TENANT_BASE + lane] = mask;
        env.control[C_TENANT_QUOTA_BASE + lane] = quota;
    }
    for (u32 w = lane; w < C_OBSERVABLE_WORDS; w += 32) {
        env.control[C_OBSERVABLE_BASE + w] = load_relaxed(env.hostControl + C_OBSERVABLE_BASE + w);
    }
    __threadfence();
    __syncwarp();
}

__device__ __forceinline__ void complete_inline(RingWarpShared& sh, RingWarpState& st, u32 slot, u32 result,
                                                u32 error, u32 detail) {
    u32 i = st.batchCount++;
    sh.batch[i] = slot | INLINE_RESULT;
    sh.result[i] = result;
    sh.error[i] = error;
    sh.detail[i] = detail;
}

__device__ __forceinline__ void enqueue_ready(const KernelEnv& env, u32 priority, u32 slot) {
    u32* tailWord = counter(env, DC_READY_TAIL + priority * DC_LINE_WORDS);
    u32 tail = *tailWord;
    env.readyQueues[(u64) priority * (env.ringMask + 1) + (tail & env.ringMask)] = slot;
    store_release_gpu(tailWord, tail + 1);
}

/** A slot as the ring warp read it. */
struct PolledSlot {
    u32 opcode, tenant, priority;
    u32 args[RING_ARG_COUNT];
};

/**
 * Admits an accepted slot and runs, holds or queues it (lane 0). Order of checks as the CPU megakernel's:
 * tenant mask, quota, opcode, priority.
 */
__device__ __forceinline__ void dispatch(const KernelEnv& env, RingWarpShared& sh, RingWarpState& st, u32 slot,
                                      const PolledSlot& p) {
    u32* record = slot_record(env, slot);
    record[SR_STATE] = SR_DISPATCHED;
    u32 error = 0, detail = 0;
    if (p.tenant < TENANT_COUNT && sh.tenantMask[p.tenant] == 0) {
        // A tenant allowed just before it published may be newer than the last import: the host wrote the
        // mask before the slot, so the host word read now is current.
        u32 mask = load_relaxed(env.hostControl + C_TENANT_BASE + p.tenant);
        sh.tenantMask[p.tenant] = mask;
        env.control[C_TENANT_BASE + p.tenant] = mask;
    }
    if (p.tenant >= TENANT_COUNT || sh.tenantMask[p.tenant] == 0) {
        error = E_TENANT_DENIED;
        detail = p.tenant;
    } else if (sh.fairness[p.tenant] >= sh.tenantQuota[p.tenant]) {
        error = E_QUOTA_EXHAUSTED;
        detail = p.tenant;
    } else {
        publish_word(env, C_TENANT_FAIRNESS_BASE + p.tenant, ++sh.fairness[p.tenant]);
    }
    if (!error && p.opcode > OP_CALL && p.opcode != OP_LOAD_MISS) { error = E_UNKNOWN_OPCODE; detail = p.opcode; }
    else if (!error && p.priority >= PRIORITY_LEVELS) { error = E_BAD_OPERAND; detail = p.priority; }
    if (error) {
        complete_inline(sh, st, slot, 0, error, detail);
    } else if (p.opcode == OP_BATCH_FENCE) {
        record[SR_STATE] = SR_HELD_FENCE;
        st.heldFences++;
    } else if (is_scalar_op(p.opcode)) {
        Invocation inv;
        for (int i = 0; i < 16; i++) inv.regs[i] = i < RING_ARG_COUNT ? p.args[i] : 0;
        inv.error = 0;
        inv.detail = 0;
        inv.constantBase = NO_HANDLE;
        u32 metric = C_METRICS_BASE + metric_of(p.opcode);
        u32 executedBefore = atomicAdd(env.control + metric, 1u);  // in flight while the op runs
        u32 value;
        u32 word = run_scalar_op(env, inv, p.opcode, 0, p.args, &value);
        store_host(env.hostControl + metric, executedBefore + 1);
        if (word != NO_HANDLE) store_host(env.hostControl + word, value);
        complete_inline(sh, st, slot, inv.regs[8], inv.error, inv.error ? inv.detail : inv.regs[9]);
    } else {
        enqueue_ready(env, p.priority, slot);
    }
}

/** Takes the finished slots workers queued, in order, while the batch has room (all lanes). */
__device__ void take_completions(const KernelEnv& env, RingWarpShared& sh, RingWarpState& st) {
    u32 lane = threadIdx.x & 31;
    u32 room = BATCH_MAX - st.batchCount;
    u32 at = (st.completionHead + lane) & env.ringMask;
    // relaxed, and one fence only when something came: an acquire load per lane invalidates L1 on every iteration
    // (which sent the ring warp's state, when it spilled, to L2)
    u32 entry = lane < room ? load_relaxed_gpu(env.completions + at) : 0;
    u32 filled = __ballot_sync(FULL_MASK, entry != 0);
    if (filled == 0) return;
    fence_acquire_gpu();
    u32 n = filled == FULL_MASK ? 32 : __ffs(~filled) - 1;
    if (lane < n) {
        env.completions[at] = 0;
        sh.batch[st.batchCount + lane] = entry - 1;
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
__device__ void publish_batch(const KernelEnv& env, RingWarpShared& sh, RingWarpState& st TRACE(, u64* tFenced = 0)) {
    u32 lane = threadIdx.x & 31;
    if (st.batchCount == 0) return;
    u32 slot = 0, result = 0, error = 0, detail = 0;
    if (lane < st.batchCount) {
        u32 entry = sh.batch[lane];
        slot = entry & ~INLINE_RESULT;
        if (entry & INLINE_RESULT) {
            result = sh.result[lane];
            error = sh.error[lane];
            detail = sh.detail[lane];
        } else {
            const u32* record = slot_record(env, slot);
            result = record[W_RESULT];
            error = record[W_ERROR];
            detail = record[W_DETAIL];
        }
        volatile u32* words = env.ring + (u64) slot * RING_SLOT_WORDS;
        store_host(words + W_RESULT, result);
        store_host(words + W_ERROR, error);
        store_host(words + W_DETAIL, detail);
    }
    u32 failed = __popc(__ballot_sync(FULL_MASK, lane < st.batchCount && error != 0));
    st.doneCount += st.batchCount;
    st.failedCount += failed;
    if (lane == 0) {
        publish_word(env, C_DONE_COUNT, st.doneCount);
        if (failed) publish_word(env, C_FAILED_COUNT, st.failedCount);
    }
    if (st.fromWorkers) sweep_dirty(env);
    __syncwarp();
    TRACE(if (tFenced) *tFenced = now_ns();)
    fence_release_system();
    if (lane < st.batchCount) {
        store_host(env.ring + (u64) slot * RING_SLOT_WORDS + W_STATUS, S_DONE);
        slot_record(env, slot)[SR_STATE] = SR_IDLE;
    }
    __syncwarp();
    st.outstanding -= st.batchCount;
    st.batchCount = 0;
    st.fromWorkers = false;
}

/** Moves the watermark past done slots; a held BATCH_FENCE it reaches is done too (lane 0). */
__device__ void advance_watermark(const KernelEnv& env, RingWarpShared& sh, RingWarpState& st) {
    while (st.watermark != st.seen && st.batchCount < BATCH_MAX) {
        u32 slot = st.watermark & env.ringMask;
        u32* record = slot_record(env, slot);
        u32 state = record[SR_STATE];
        if (state == SR_IDLE) {
            st.watermark++;
        } else if (state == SR_HELD_FENCE) {
            u32 metric = C_METRICS_BASE + M_BATCH_FENCE;
            store_host(env.hostControl + metric, atomicAdd(env.control + metric, 1u) + 1);
            record[SR_STATE] = SR_DISPATCHED;
            st.heldFences--;
            complete_inline(sh, st, slot, 0, 0, 0);
            return;
        } else {
            return;
        }
    }
}

__device__ void announce(const KernelEnv& env, u32 state, u32 workers, u32 heartbeat) {
    if ((threadIdx.x & 31) == 0) {
        publish_word(env, C_WORKERS, workers);
        publish_word(env, C_KERNEL_STATE, state);
        publish_word(env, C_HEARTBEAT, heartbeat);
        fence_release_system();
    }
    __syncwarp();
}


__device__ __noinline__ void ring_warp(const KernelEnv& env) {
    __shared__ RingWarpShared sh;
    u32 lane = threadIdx.x & 31;
    RingWarpState st;
    st.seen = 0;
    st.watermark = 0;
    st.heldFences = 0;
    st.outstanding = 0;
    st.completionHead = 0;
    st.importedGeneration = load_relaxed(env.hostControl + C_CONTROL_GENERATION);
    st.want = POLL_SLOTS_MIN;
    st.batchCount = 0;
    st.doneCount = 0;
    st.failedCount = 0;
    st.heartbeat = 0;
    st.fromWorkers = false;
    if (lane < TENANT_COUNT) sh.fairness[lane] = 0;
    import_control(env, sh);
    announce(env, STATE_RUNNING, env.workers, 0);
    u32 idle = 0;
    TRACE(RingTrace trace = {}; u64 tDispatched = 0; u64 tFenced = 0; u64 tAccepted = 0; u64 tDispatchDone = 0;)
    while (true) {
        TRACE(u64 tPoll = now_ns();)
        // 1. the poll: every load in flight at once
        u32 polled[POLL_SLOTS_MAX / 2];
#pragma unroll
        for (u32 k = 0; k < POLL_SLOTS_MAX / 2; k++) {
            u32 which = 2 * k + (lane >> 4);
            polled[k] = which < st.want
                ? load_relaxed(env.ring + (u64) ((st.seen + which) & env.ringMask) * RING_SLOT_WORDS + (lane & 15)) : 0;
        }
        // one predicated load, not a branch per word: a divergent warp would issue the three one after another
        const volatile u32* gateWord = env.hostControl
            + (lane == 0 ? C_SHUTDOWN : lane == 1 ? C_CONTROL_GENERATION : C_DOORBELL);
        u32 gate = lane < 3 ? load_relaxed(gateWord) : 0;
        // 2. meanwhile: what the workers finished
        take_completions(env, sh, st);
        // 3. the polled slots
        u32 shutdown = __shfl_sync(FULL_MASK, gate, 0);
        u32 generation = __shfl_sync(FULL_MASK, gate, 1);
        u32 doorbell = __shfl_sync(FULL_MASK, gate, 2);
        TRACE(u64 tPolled = now_ns_after(doorbell);)
        if (shutdown) break;
        if (generation != st.importedGeneration) {
            import_control(env, sh);
            st.importedGeneration = generation;
        }
        // the slots' words into shared memory, so the loop below need not be unrolled (as it must be to index the
        // registers): one copy of dispatch, and the ring warp's state stays in registers
#pragma unroll
        for (u32 k = 0; k < POLL_SLOTS_MAX / 2; k++) {
            if (2 * k < st.want) sh.polled[k * 32 + lane] = polled[k];
        }
        __syncwarp();
        u32 accepted = 0;
#pragma unroll 1
        for (u32 k = 0; k < st.want && st.batchCount < BATCH_MAX; k++) {
            const u32* words = sh.polled + k * RING_SLOT_WORDS;
            u32 status = words[W_STATUS];
            u32 sequence = words[W_SEQUENCE];
            u32 seal = words[W_DETAIL];
            PolledSlot p;
            p.opcode = words[W_OPCODE];
            p.tenant = words[W_TENANT];
            p.priority = words[W_PRIORITY];
            u32 h = ((((SEAL_BASIS ^ p.opcode) * SEAL_PRIME) ^ p.tenant) * SEAL_PRIME ^ p.priority) * SEAL_PRIME;
#pragma unroll
            for (u32 a = 0; a < RING_ARG_COUNT; a++) {
                p.args[a] = words[W_ARG0 + a];
                h = (h ^ p.args[a]) * SEAL_PRIME;
            }
            h = (h ^ sequence) * SEAL_PRIME;
            if (status != S_PUBLISHED || sequence != st.seen + k || h != seal) break;
            u32 slot = (st.seen + k) & env.ringMask;
            if (lane < RING_SLOT_WORDS) slot_record(env, slot)[lane] = words[lane];
            __syncwarp();  // the record's words before lane 0 releases the slot to a worker
            TRACE(if (accepted == 0) tAccepted = now_ns();)
            if (lane == 0) dispatch(env, sh, st, slot, p);
            __syncwarp();
            TRACE(if (accepted == 0) tDispatchDone = now_ns_after(st.batchCount);)
            st.batchCount = __shfl_sync(FULL_MASK, st.batchCount, 0);
            st.heldFences = __shfl_sync(FULL_MASK, st.heldFences, 0);
            accepted++;
        }
        st.seen += accepted;
        st.outstanding += accepted;
        int published = (int) (doorbell - st.seen);
        st.want = published <= POLL_SLOTS_MIN ? POLL_SLOTS_MIN : min((u32) published, (u32) POLL_SLOTS_MAX);
        if (st.heldFences != 0) {
            if (lane == 0) advance_watermark(env, sh, st);
            st.batchCount = __shfl_sync(FULL_MASK, st.batchCount, 0);
            st.heldFences = __shfl_sync(FULL_MASK, st.heldFences, 0);
            st.watermark = __shfl_sync(FULL_MASK, st.watermark, 0);
        } else if (st.outstanding == 0) {
            st.watermark = st.seen;  // nothing before it is running: no walk when the next fence comes
        }
        st.heartbeat++;
        if (lane == 0 && st.heartbeat % HEARTBEAT_EVERY == 0) publish_word(env, C_HEARTBEAT, st.heartbeat);
        bool worked = accepted > 0 || st.batchCount > 0;
        TRACE(tDispatched = now_ns(); u32 traced = st.batchCount;)
        publish_batch(env, sh, st TRACE(, &tFenced));
#ifdef VYRE_TRACE
        trace.iterations++;
        if (accepted > 0 && traced > 0) {
            u64 tDone = now_ns();
            trace.slots++;
            trace.poll += (u32) (tPolled - tPoll);
            trace.accept += (u32) (tAccepted - tPolled);
            trace.dispatch += (u32) (tDispatchDone - tAccepted);
            trace.rest += (u32) (tDispatched - tDispatchDone);
            trace.batch += (u32) (tFenced - tDispatched);
            trace.fence += (u32) (tDone - tFenced);
            if (lane == 0) {
                const u32* w = &trace.iterations;
                for (u32 i = 0; i < 8; i++) store_host(env.hostControl + TRACE_BASE + i, w[i]);
            }
        }
#endif
        idle = worked ? 0 : idle + 1;
        if (idle > IDLE_ITERATIONS_BEFORE_NAPS && lane == 0) __nanosleep(IDLE_NAP_NS);
        __syncwarp();
    }
    // SHUTDOWN: stop the workers, publish what they still finish, then say so
    if (lane == 0) store_release_gpu(counter(env, DC_STOP), 1);
    __syncwarp();
    while (true) {
        u32 exited = __shfl_sync(FULL_MASK, lane == 0 ? load_acquire_gpu(counter(env, DC_EXITED)) : 0, 0);
        take_completions(env, sh, st);
        publish_batch(env, sh, st);
        if (exited == env.workers) {
            take_completions(env, sh, st);
            publish_batch(env, sh, st);
            break;
        }
        if (lane == 0) __nanosleep(1000);
        __syncwarp();
    }
    sweep_dirty(env);
    announce(env, STATE_EXITED, 0, st.heartbeat + 1);
}
