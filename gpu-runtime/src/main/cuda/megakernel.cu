// The vyre-flink persistent megakernel: the GPU as a VIR0 interpreter.
//
// Launched once per runtime, cooperatively (every block resident), and never re-dispatched. Block 0's
// first warp is the ring warp (kernel/ring_warp.cuh): the only reader of the work ring and the only writer
// of the host's ring and control words. Every other block is a worker (kernel/worker.cuh): it runs the
// slots the ring warp queued, and helps other workers' MATCHes tile by tile (kernel/ops_match.cuh). Data
// reaches the device through the host's copy engine (kernel/io_port.cuh). The semantics are the CPU
// megakernel's (backend/cpu); the same contract suite runs against both. The protocol constants come
// from vyre_protocol.h, generated from the Java descriptors.
#include "kernel/ring_warp.cuh"
#include "kernel/worker.cuh"

// One block per SM (the `1`): without it ptxas aims at two blocks of 512 threads per SM, caps the kernel at 64
// registers and spills the scan's automata to local memory.
extern "C" __global__ void __launch_bounds__(BLOCK_THREADS, 1) vyre_megakernel(const u64* args) {
    __shared__ KernelEnv env;
    if (threadIdx.x == 0) {
        env.ring = (volatile u32*) args[A_RING];
        env.ringMask = (u32) args[A_RING_CAPACITY] - 1;
        env.hostControl = (volatile u32*) args[A_CONTROL];
        env.ioQueue = (volatile u32*) args[A_IO_QUEUE];
        env.ioSlots = (u32) args[A_IO_SLOTS];
        env.ioPartitions = (u32) args[A_IO_PARTITIONS];
        env.ioPartitionSlots = env.ioSlots / env.ioPartitions;
        env.bufferTable = (const u64*) args[A_BUFFER_TABLE];
        env.outputTable = (const u64*) args[A_OUTPUT_TABLE];
        env.constantTable = (const u64*) args[A_CONSTANT_TABLE];
        env.programTable = (const u64*) args[A_PROGRAM_TABLE];
        env.control = (u32*) args[A_DEVICE_CONTROL];
        env.controlDirty = (u32*) args[A_CONTROL_DIRTY];
        env.counters = (u32*) args[A_COUNTERS];
        env.slotRecords = (u32*) args[A_SLOT_RECORDS];
        env.readyQueues = (u32*) args[A_READY_QUEUES];
        env.completions = (u32*) args[A_COMPLETIONS];
        env.ioOwners = (u32*) args[A_IO_OWNERS];
        env.ioPosted = (u32*) args[A_IO_POSTED];
        env.ioDone = (u32*) args[A_IO_DONE];
        env.stageIssued = (volatile u32*) args[A_STAGE_ISSUED];
        env.stageLanded = (u32*) args[A_STAGE_LANDED];
        env.stageConsumed = (u32*) args[A_STAGE_CONSUMED];
        env.outputCursors = (u64*) args[A_OUTPUT_CURSORS];
        env.outputDirty = (u32*) args[A_OUTPUT_DIRTY];
        env.records = (u32*) args[A_RECORDS];
        env.maxRecords = (u32) args[A_MAX_RECORDS];
        env.matches = (u32*) args[A_MATCHES];
        env.maxMatches = (u32) args[A_MAX_MATCHES];
        env.jobs = (u8*) args[A_JOBS];
        env.jobBoard = (u32*) args[A_JOB_BOARD];
        env.ioWaitNanos = args[A_IO_WAIT_NANOS];
        env.workers = gridDim.x - 1;
    }
    __syncthreads();
    if (blockIdx.x == 0) {
        if (threadIdx.x < 32) ring_warp(env);
        return;
    }
    worker_loop(env, blockIdx.x - 1);
}

// Baseline for the ring round-trip benchmark: one small op per launch (launch + synchronize per op).
extern "C" __global__ void vyre_single_op(u32* word, u32 delta) {
    if (threadIdx.x == 0 && blockIdx.x == 0) atomicAdd(word, delta);
}

// Baseline for the launch-per-batch benchmark: the megakernel's MATCH as an ordinary kernel, launched once per
// input with one block per MATCH tile (the same scan_tile, the same DFA tables), as a design without a
// persistent kernel would run it. `matchCount` must be zero at launch.
extern "C" __global__ void __launch_bounds__(BLOCK_THREADS, 1) vyre_match_launch(const u8* input, u64 length,
                                                                               u64 limit, const u64* constant,
                                                                               u32* matches, u32 maxMatches,
                                                                               u32* matchCount) {
    scan_tile(input, length, limit, constant, blockIdx.x, matches, maxMatches, matchCount);
}
