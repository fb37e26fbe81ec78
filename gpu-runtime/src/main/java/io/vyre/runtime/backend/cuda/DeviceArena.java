package io.vyre.runtime.backend.cuda;

import io.vyre.runtime.backend.cuda.Cuda.DevicePointer;
import jcuda.Pointer;

/**
 * Device memory for programs and pattern tables, handed out by a bump pointer from blocks of at least the
 * configured size; a table larger than what is left (a million-pattern DFA takes gigabytes) gets a fresh
 * block of its own size. Space is not reused while the kernel runs: the kernel's read-only caches are only
 * invalidated at launch, so fresh addresses are the safe way to publish new tables to a running kernel.
 */
final class DeviceArena {
    private static final long ALIGN = 256;
    private final DeviceMemory memory;
    private final long blockBytes;
    private DevicePointer block;
    private long blockCapacity;
    private long blockUsed;
    private long used;

    DeviceArena(DeviceMemory memory, long blockBytes) {
        this.memory = memory;
        this.blockBytes = blockBytes;
        this.block = memory.allocate(blockBytes, "program arena");
        this.blockCapacity = blockBytes;
    }

    /** Copies {@code size} bytes from {@code host} into fresh arena space and returns its device address. */
    long put(Pointer host, long size, String what) {
        long at = (blockUsed + ALIGN - 1) & -ALIGN;
        if (at + size > blockCapacity) {
            long capacity = Math.max(blockBytes, (size + ALIGN - 1) & -ALIGN);
            block = memory.allocate(capacity, "program arena block for " + what);
            blockCapacity = capacity;
            at = 0;
        }
        DeviceMemory.write(block, at, host, size);
        blockUsed = at + size;
        used += size;
        return block.address() + at;
    }

    /** Bytes of tables put so far. */
    long used() {
        return used;
    }
}
