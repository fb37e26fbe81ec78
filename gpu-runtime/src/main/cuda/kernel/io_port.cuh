// The kernel side of the IO queue, and the waits for bytes the host's copy engine moves to the device.
// Mirrors backend/cpu/KernelIoPort.java: own a slot (in device memory, never by CAS on host memory),
// write the request, release PUBLISHED, wait for the completion, release EMPTY, give the slot up.
//
// The completion is not read from host memory: the host's publisher (CudaBackend) writes it into IO_DONE
// with its copy stream, after the READ's bytes landed in the buffer's device mirror. The word counts the
// slot's completions twice over, plus one when the last failed or must not be trusted; only then does
// the kernel read the host slot, to learn why.
#pragma once
#include "invocation.cuh"

__device__ __forceinline__ bool io_completed(const KernelEnv& env, u32 slot) {
    return (load_acquire_gpu(env.ioDone + slot) >> 1) == (load_relaxed(env.ioPosted + slot) & 0x7fffffffu);
}

/**
 * Takes an IO slot of the invocation's tenant's partition: FREE → BUSY, or an ABANDONED slot (a request
 * given up on) once the host completed it, so a late completion can never be mistaken for a new request's.
 * Returns -1 with inv.error set on SHUTDOWN or when the deadline passes.
 */
__device__ int io_own(const KernelEnv& env, Invocation& inv, u64 deadline) {
    Backoff backoff(1024);
    const u32 n = env.ioPartitionSlots;
    const u32 base = (inv.tenant % env.ioPartitions) * n;
    while (true) {
        u32 start = atomicAdd(counter(env, DC_IO_PROBE), 1u) % n;
        for (u32 i = 0; i < n; i++) {
            u32 slot = base + (start + i < n ? start + i : start + i - n);
            u32 owner = load_relaxed(env.ioOwners + slot);
            if (owner == IO_FREE && atomicCAS(env.ioOwners + slot, IO_FREE, IO_BUSY) == IO_FREE) {
                __threadfence();
                return (int) slot;
            }
            if (owner == IO_ABANDONED && atomicCAS(env.ioOwners + slot, IO_ABANDONED, IO_BUSY) == IO_ABANDONED) {
                __threadfence();
                if (io_completed(env, slot)) {
                    store_host(env.ioQueue + (u64) slot * IO_SLOT_WORDS + IO_STATUS, S_EMPTY);
                    return (int) slot;
                }
                atomicExch(env.ioOwners + slot, IO_ABANDONED);
            }
        }
        if (stop_requested(env)) { FAIL(inv, E_SHUTDOWN, 0); return -1; }
        if (now_ns() > deadline) { FAIL(inv, E_IO_ERROR, 0); return -1; }
        backoff.pause();
    }
}

/** Gives a slot up for good: its EMPTY reaches the host before anyone else may publish into it. */
__device__ __forceinline__ void io_release(const KernelEnv& env, u32 slot, u32 owner) {
    fence_release_system();
    atomicExch(env.ioOwners + slot, owner);
}

/**
 * Posts one request and waits for its completion (one thread). Returns the bytes moved (always the asked
 * count), or 0 with inv.error set: SHORT_READ, IO_ERROR (detail: IoError code, 0 on timeout),
 * BAD_COMPLETION (a count other than asked), SHUTDOWN.
 */
__device__ u32 io_request(const KernelEnv& env, Invocation& inv, u32 op, u32 src, u32 dst, u64 offset, u32 count, u32 tag) {
    u64 deadline = now_ns() + env.ioWaitNanos;
    int owned = io_own(env, inv, deadline);
    if (owned < 0) return 0;
    u32 slot = (u32) owned;
    u32 round = load_relaxed(env.ioPosted + slot) + 1;
    *((volatile u32*) env.ioPosted + slot) = round;
    volatile u32* request = env.ioQueue + (u64) slot * IO_SLOT_WORDS;
    store_host(request + IO_OP_TYPE, op);
    store_host(request + IO_SRC_HANDLE, src);
    store_host(request + IO_DST_HANDLE, dst);
    store_host(request + IO_OFFSET_LO, (u32) offset);
    store_host(request + IO_OFFSET_HI, (u32) (offset >> 32));
    store_host(request + IO_BYTE_COUNT, count);
    store_host(request + IO_TAG, tag);
    fence_release_system();
    store_host(request + IO_STATUS, S_PUBLISHED);

    Backoff backoff(512);
    u32 done;
    while (((done = load_acquire_gpu(env.ioDone + slot)) >> 1) != (round & 0x7fffffffu)) {
        bool stop = stop_requested(env);
        if (stop || now_ns() > deadline) {
            io_release(env, slot, IO_ABANDONED);
            if (stop) FAIL(inv, E_SHUTDOWN, 0);
            else FAIL(inv, E_IO_ERROR, 0);
            return 0;
        }
        backoff.pause();
    }
    u32 bytes = count;
    if (done & 1) {
        u32 status = load_relaxed(request + IO_STATUS);
        u32 claimed = load_relaxed(request + IO_BYTE_COUNT);
        u32 reason = load_relaxed(request + IO_TAG);
        if (status == IO_STATUS_OK) FAIL(inv, E_BAD_COMPLETION, claimed);
        else if (reason == IOERR_SHORT_READ && claimed >= count) FAIL(inv, E_BAD_COMPLETION, claimed);
        else if (reason == IOERR_SHORT_READ) FAIL(inv, E_SHORT_READ, claimed);
        else FAIL(inv, E_IO_ERROR, reason);
        bytes = 0;
    }
    store_host(request + IO_STATUS, S_EMPTY);
    io_release(env, slot, IO_FREE);
    return bytes;
}

/**
 * INPUT of a buffer the host staged with the copy engine since the last INPUT of it: waits until that copy
 * landed in the mirror and returns true. False when nothing was staged (the kernel then copies the bytes
 * from host memory itself). One thread.
 */
__device__ bool await_staged_input(const KernelEnv& env, Invocation& inv, u32 handle) {
    u32 issued = load_relaxed(env.stageIssued + handle);
    if (issued == load_relaxed(env.stageConsumed + handle)) return false;
    u64 deadline = now_ns() + env.ioWaitNanos;
    Backoff backoff(512);
    while ((int) (load_acquire_gpu(env.stageLanded + handle) - issued) < 0) {
        if (stop_requested(env)) { FAIL(inv, E_SHUTDOWN, 0); return false; }
        if (now_ns() > deadline) { FAIL(inv, E_IO_ERROR, 0); return false; }
        backoff.pause();
    }
    env.stageConsumed[handle] = issued;
    return true;
}
