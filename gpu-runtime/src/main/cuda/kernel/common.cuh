// Shared state and memory helpers of the megakernel. Everything the kernel can reach is in KernelEnv,
// read once from the argument block (layout: KernelArg, generated into vyre_protocol.h).
#pragma once
#include "../vyre_protocol.h"

typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned char u8;

#define FULL_MASK 0xffffffffu
#define WARPS_PER_BLOCK (BLOCK_THREADS / 32)
#define NO_HANDLE 0xffffffffu

// The kernel's per-slot record (SLOT_RECORD_WORDS u32 per ring slot, device memory): words 0-15 are the
// slot as the ring warp read it (results go to W_RESULT, W_ERROR, W_DETAIL), then the ring warp's state.
#define SR_STATE 16
#define SR_IDLE 0        // done (or never seen): the watermark may pass it
#define SR_DISPATCHED 1  // queued for a worker or running
#define SR_HELD_FENCE 2  // a BATCH_FENCE waiting for every slot before it

struct KernelEnv {
    volatile u32* ring;            // host-mapped
    u32 ringMask;
    volatile u32* hostControl;     // host-mapped
    volatile u32* ioQueue;         // host-mapped
    u32 ioSlots;
    u32 ioPartitionSlots;          // slots per tenant partition of the IO queue
    u32 ioPartitions;
    const u64* bufferTable;
    const u64* outputTable;
    const u64* constantTable;
    const u64* programTable;
    u32* control;                  // the kernel's authoritative control words
    u32* controlDirty;             // one bit per control word changed since mirrored
    u32* counters;                 // DeviceCounter lines
    u32* slotRecords;
    u32* readyQueues;
    u32* completions;
    u32* ioOwners;
    u32* ioPosted;
    u32* ioDone;                   // written by the host's copy stream
    volatile u32* stageIssued;     // host-mapped, written by the host
    u32* stageLanded;              // written by the host's copy stream
    u32* stageConsumed;
    u64* outputCursors;
    u32* outputDirty;
    u32* records;
    u32 maxRecords;
    u32* matches;
    u32 maxMatches;
    u8* jobs;
    u32* jobBoard;
    u64 ioWaitNanos;
    u32 workers;
};

__device__ __forceinline__ u64 now_ns() {
    u64 t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}

// ---- loads and stores with the ordering each use needs ----------------------------------------------------

/** A word another agent (host, copy engine, another block) writes: read fresh, no ordering. */
__device__ __forceinline__ u32 load_relaxed(const volatile u32* p) { return *p; }

/** Acquire at GPU scope: later reads of this block see what the writer wrote before releasing. */
__device__ __forceinline__ u32 load_acquire_gpu(const u32* p) {
    u32 v;
    asm volatile("ld.acquire.gpu.global.u32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
    return v;
}

/** A word another block writes, read at GPU scope (from L2) without ordering; pair with fence_acquire_gpu. */
__device__ __forceinline__ u32 load_relaxed_gpu(const u32* p) {
    u32 v;
    asm volatile("ld.relaxed.gpu.global.u32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
    return v;
}

/** After relaxed loads that saw a release: later reads of this thread see what the releasing writer wrote. */
__device__ __forceinline__ void fence_acquire_gpu() { asm volatile("fence.acq_rel.gpu;" ::: "memory"); }

__device__ __forceinline__ void store_release_gpu(u32* p, u32 v) {
    asm volatile("st.release.gpu.global.u32 [%0], %1;" :: "l"(p), "r"(v) : "memory");
}

/** A store to host memory: posted over PCIe, ordered only by the fences around it. */
__device__ __forceinline__ void store_host(volatile u32* p, u32 v) { *p = v; }

__device__ __forceinline__ void store_host64(volatile u32* p, u64 v) { *((volatile u64*) p) = v; }

/** Orders every earlier write of this thread (host memory included) before every later one, system wide. */
__device__ __forceinline__ void fence_release_system() { asm volatile("fence.acq_rel.sys;" ::: "memory"); }

/** A table entry the host rewrites with cuMemcpy while the kernel runs: read from L2, never a stale L1 line. */
__device__ __forceinline__ u64 table_word(const u64* p) { return __ldcg(p); }

/** A byte of input in device memory (written by the copy engine or another block): from L2. */
__device__ __forceinline__ u8 input_byte(const u8* in, u64 i) { return __ldcg(in + i); }

__device__ __forceinline__ u32* counter(const KernelEnv& env, u32 word) { return env.counters + word; }

__device__ __forceinline__ bool stop_requested(const KernelEnv& env) {
    return load_relaxed(counter(env, DC_STOP)) != 0;
}

__device__ __forceinline__ u32* slot_record(const KernelEnv& env, u32 slot) {
    return env.slotRecords + (u64) slot * SLOT_RECORD_WORDS;
}

/** Marks a kernel-owned control word for the ring warp to mirror to the host before the next DONE. */
__device__ __forceinline__ void mark_control_dirty(const KernelEnv& env, u32 word) {
    atomicOr(env.controlDirty + (word >> 5), 1u << (word & 31));
}

/** Counts one execution of an opcode (metric index m) in the kernel's control words. */
__device__ __forceinline__ void count_metric(const KernelEnv& env, u32 m) {
    atomicAdd(env.control + C_METRICS_BASE + m, 1u);
    mark_control_dirty(env, C_METRICS_BASE + m);
}

// ---- bounded waiting -----------------------------------------------------------------------------------------

/**
 * Exponential back-off for a polling thread: from 32 ns up to a ceiling, so a wait costs little memory
 * traffic and its latency stays within the ceiling. Every loop that uses it also checks STOP and a deadline.
 */
struct Backoff {
    u32 ns;
    u32 ceiling;
    __device__ explicit Backoff(u32 ceilingNs) : ns(32), ceiling(ceilingNs) {}
    __device__ void pause() {
        __nanosleep(ns);
        if (ns < ceiling) ns <<= 1;
    }
    __device__ void reset() { ns = 32; }
};
