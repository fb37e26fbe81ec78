package io.vyre.runtime.backend.cuda;

/**
 * The CUDA megakernel's arguments: one array of u64 in device memory, indexed by {@link #ordinal()}, that
 * {@link CudaBackend} fills and the kernel reads at {@code A_<NAME>} (vyre_protocol.h, generated from
 * this enum by {@link KernelContract}). Pointers are device addresses (host-mapped ones for host memory).
 */
enum KernelArg {
    /** Host-mapped work ring, RING_CAPACITY slots of RING_SLOT_WORDS. */
    RING,
    RING_CAPACITY,
    /** Host-mapped control block. */
    CONTROL,
    /** Host-mapped IO queue, IO_SLOTS slots of IO_SLOT_WORDS. */
    IO_QUEUE,
    IO_SLOTS,
    /** Tenant partitions of the IO queue (IO_SLOTS is a multiple): tenant t's requests use partition t % it. */
    IO_PARTITIONS,
    /** Device tables: BUFFERS x BUF_WORDS, OUTPUTS x OUTE_WORDS, CONSTANTS x CONST_WORDS, PROGRAMS x PROG_WORDS. */
    BUFFER_TABLE,
    OUTPUT_TABLE,
    CONSTANT_TABLE,
    PROGRAM_TABLE,
    /** Device: the kernel's authoritative copy of the control words (C_CONTROL_WORDS u32). */
    DEVICE_CONTROL,
    /** Device: one bit per control word the kernel changed since the ring warp last mirrored it. */
    CONTROL_DIRTY,
    /** Device: the hot counters (DeviceCounter), each on a 128-byte line of its own. */
    COUNTERS,
    /** Device: per ring slot, SLOT_RECORD_WORDS of the kernel's own bookkeeping (a copy of the slot, its state). */
    SLOT_RECORDS,
    /** Device: PRIORITY_LEVELS queues of RING_CAPACITY slot indices, workers take the highest non-empty first. */
    READY_QUEUES,
    /** Device: RING_CAPACITY entries (slot + 1) workers finished, in the order they finished. */
    COMPLETIONS,
    /** Device: per IO slot, who owns it (IO_FREE, IO_BUSY, IO_ABANDONED). */
    IO_OWNERS,
    /** Device: per IO slot, requests the kernel posted into it. */
    IO_POSTED,
    /** Device, written by the copy stream: per IO slot, 2 x completions published + 1 when the last one failed. */
    IO_DONE,
    /** Host-mapped: per buffer handle, copies to device memory the host issued (staged input and reads). */
    STAGE_ISSUED,
    /** Device, written by the copy stream: per buffer handle, copies that landed. */
    STAGE_LANDED,
    /** Device: per buffer handle, staged copies an INPUT consumed. */
    STAGE_CONSUMED,
    /** Device: per output handle, the cursor as a u64 (generation << 32 | words). */
    OUTPUT_CURSORS,
    /** Device: one bit per output handle whose cursor changed since it was mirrored. */
    OUTPUT_DIRTY,
    /** Device: per worker, (MAX_RECORDS + 1) x 4 u32 of record scratch. */
    RECORDS,
    MAX_RECORDS,
    /** Device: per worker, MAX_MATCHES x 3 u32 of match scratch. */
    MATCHES,
    MAX_MATCHES,
    /** Device: per worker, JOB_BYTES describing the MATCH it shares with other blocks. */
    JOBS,
    /** Device: per worker, the generation of its shared MATCH job, 0 when it has none. */
    JOB_BOARD,
    IO_WAIT_NANOS;

    /** The index as the kernel names it: {@code A_} and the name. */
    String define() {
        return "A_" + name();
    }
}
